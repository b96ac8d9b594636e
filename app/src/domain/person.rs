//! People's display names.

use serde::{Deserialize, Serialize};

pub const NAME_REQUIRED: &str = "Enter your name.";
pub const NAME_TOO_LONG: &str = "Use at most 100 characters.";
pub const NAME_INVALID: &str = "Names cannot contain control characters.";

/// A display name: trimmed, 1–100 characters, no control or bidi-override
/// characters (they could disguise text in emails and lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(NAME_REQUIRED);
        }
        if trimmed.chars().count() > 100 {
            return Err(NAME_TOO_LONG);
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() || is_bidi_control(c))
        {
            return Err(NAME_INVALID);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Unicode bidirectional formatting characters (Trojan-source style tricks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_accepts_unicode_names() {
        assert_eq!(
            DisplayName::parse("  Zoë Ngũgĩ ").unwrap().as_str(),
            "Zoë Ngũgĩ"
        );
    }

    #[test]
    fn refuses_empty_long_and_disguised_names() {
        assert_eq!(DisplayName::parse("   ").unwrap_err(), NAME_REQUIRED);
        assert_eq!(
            DisplayName::parse(&"a".repeat(101)).unwrap_err(),
            NAME_TOO_LONG
        );
        assert_eq!(
            DisplayName::parse("Eve\u{202E}gnp.exe").unwrap_err(),
            NAME_INVALID
        );
        assert_eq!(DisplayName::parse("Eve\nBcc").unwrap_err(), NAME_INVALID);
    }
}
