//! The password policy: long passphrases and any Unicode accepted as typed.

use std::fmt;

pub const TOO_SHORT: &str = "Use at least 8 characters.";
pub const TOO_LONG: &str = "Use at most 1024 bytes.";
const MIN_CHARS: usize = 8;
const MAX_BYTES: usize = 1024;

/// A password that satisfies the policy. Deliberately neither `Serialize`
/// nor `Display`, and its `Debug` is redacted, so it cannot leak by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks length only; the text is kept exactly as typed (no trimming,
    /// no normalisation) so that what the person typed is what they use.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        if input.len() > MAX_BYTES {
            return Err(TOO_LONG);
        }
        if input.chars().count() < MIN_CHARS {
            return Err(TOO_SHORT);
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(Password::parse("pässwörd").is_ok());
        assert_eq!(Password::parse("日本語のパス").unwrap_err(), TOO_SHORT);
        assert!(Password::parse("日本語のパスワード").is_ok());
    }

    #[test]
    fn keeps_spaces_as_typed() {
        let p = Password::parse("  correct horse  ").unwrap();
        assert_eq!(p.expose(), "  correct horse  ");
    }

    #[test]
    fn refuses_short_and_huge_passwords() {
        assert_eq!(Password::parse("seven77").unwrap_err(), TOO_SHORT);
        assert_eq!(Password::parse(&"x".repeat(1025)).unwrap_err(), TOO_LONG);
        assert!(Password::parse(&"x".repeat(1024)).is_ok());
    }

    #[test]
    fn debug_output_is_redacted() {
        let p = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
