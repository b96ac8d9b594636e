//! Email addresses, parsed once at the boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The message shown whenever an address does not parse.
pub const INVALID_EMAIL: &str = "Enter a valid email address, like name@example.com.";

/// A syntactically valid email address, normalised to lower case so that
/// uniqueness does not depend on how a person typed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses user input. Refuses anything that could smuggle a header into
    /// an email (CR, LF, NUL) as well as plainly malformed addresses.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 254 {
            return Err(INVALID_EMAIL);
        }
        if trimmed.chars().any(|c| {
            c.is_control()
                || c.is_whitespace()
                || matches!(
                    c,
                    '<' | '>' | ',' | ';' | '"' | '(' | ')' | '[' | ']' | '\\'
                )
        }) {
            return Err(INVALID_EMAIL);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(INVALID_EMAIL)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(INVALID_EMAIL);
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_them() {
        let email = EmailAddress::parse("  Ada.Lovelace+desk@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace+desk@example.org");
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada@.example.com",
            "ada@example..com",
            "a da@example.com",
            "ada@example.com\r\nBcc: x@y.z",
            "ada@-x.com",
            "<ada@example.com>",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(INVALID_EMAIL), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parsed_addresses_never_contain_line_breaks(s in "\\PC{0,80}") {
            if let Ok(email) = EmailAddress::parse(&s) {
                prop_assert!(!email.as_str().contains(['\r', '\n', '\0']));
            }
        }
    }
}
