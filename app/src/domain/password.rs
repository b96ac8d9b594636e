//! The password policy: long passphrases and any Unicode accepted as typed,
//! but not one of the most common passwords, nor one built from the
//! person's own name or address (the first things an attacker tries).

use std::fmt;

pub const TOO_SHORT: &str = "Use at least 8 characters.";
pub const TOO_LONG: &str = "Use at most 1024 bytes.";
pub const TOO_COMMON: &str =
    "This is one of the most common passwords, so it is guessed first. Choose another.";
pub const CONTAINS_IDENTITY: &str =
    "Choose a password that does not contain your name or email address.";
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

/// Who the password is for: what it must not contain.
pub struct Owner<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

/// Parts of a name or address shorter than this are too ordinary to forbid
/// ("Jo" would rule out "journey").
const MIN_PART_CHARS: usize = 3;

impl Password {
    /// Why this password is too easy to guess for this owner, if it is.
    /// `is_common` answers for a lower-case candidate (the shipped list).
    pub fn weakness(
        &self,
        owner: &Owner<'_>,
        is_common: impl Fn(&str) -> bool,
    ) -> Option<&'static str> {
        let lower = self.0.to_lowercase();
        // "Password2024!" is "password" with the usual decoration.
        let undecorated = lower.trim_end_matches(|c: char| !c.is_alphabetic());
        if is_common(&lower) || is_common(undecorated) {
            return Some(TOO_COMMON);
        }
        let squeezed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
        let contains = |part: &str| {
            let part: String = part.chars().filter(|c| c.is_alphanumeric()).collect();
            part.chars().count() >= MIN_PART_CHARS && squeezed.contains(&part)
        };
        let email = owner.email.to_lowercase();
        let local = email.split('@').next().unwrap_or("");
        let name = owner.name.to_lowercase();
        let long_words = name
            .split_whitespace()
            .filter(|w| w.chars().count() > MIN_PART_CHARS);
        let mut parts = [local, name.as_str()].into_iter().chain(long_words);
        parts.any(contains).then_some(CONTAINS_IDENTITY)
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

    fn common(p: &str) -> bool {
        ["password", "password123", "iloveyou"].contains(&p)
    }

    fn ada() -> Owner<'static> {
        Owner {
            email: "ada.l@example.com",
            name: "Ada Lovelace",
        }
    }

    fn weakness(p: &str) -> Option<&'static str> {
        Password::parse(p).unwrap().weakness(&ada(), common)
    }

    #[test]
    fn common_passwords_are_refused_in_any_case_and_decoration() {
        assert_eq!(weakness("password123"), Some(TOO_COMMON));
        assert_eq!(weakness("PassWord123"), Some(TOO_COMMON));
        assert_eq!(weakness("Password2024!"), Some(TOO_COMMON));
        assert_eq!(weakness("iloveyou!!"), Some(TOO_COMMON));
        assert_eq!(weakness("correct horse battery"), None);
    }

    #[test]
    fn passwords_built_from_the_name_or_address_are_refused() {
        assert_eq!(weakness("ada.l-secret"), Some(CONTAINS_IDENTITY));
        assert_eq!(weakness("xxLovelace99"), Some(CONTAINS_IDENTITY));
        assert_eq!(weakness("adalovelace"), Some(CONTAINS_IDENTITY));
        assert_eq!(weakness("ADA LOVELACE rules"), Some(CONTAINS_IDENTITY));
        // Short name parts are too ordinary to forbid.
        assert_eq!(weakness("adamant-zebra-42"), None);
    }

    #[test]
    fn debug_output_is_redacted() {
        let p = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
