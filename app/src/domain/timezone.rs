//! IANA timezone names for profiles and business calendars.

use serde::{Deserialize, Serialize};

pub const INVALID_TIMEZONE: &str = "Enter a timezone name such as Europe/Berlin or UTC.";

/// A timezone name from the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimezoneName(String);

impl TimezoneName {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        let shape_ok = !trimmed.is_empty()
            && trimmed.len() <= 64
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'));
        if !shape_ok || !known(trimmed) {
            return Err(INVALID_TIMEZONE);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn utc() -> Self {
        Self("UTC".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn known(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iana_names_and_refuses_others() {
        assert!(TimezoneName::parse("Europe/Berlin").is_ok());
        assert!(TimezoneName::parse("UTC").is_ok());
        assert_eq!(
            TimezoneName::parse("Mars/Olympus").unwrap_err(),
            INVALID_TIMEZONE
        );
        assert_eq!(TimezoneName::parse("").unwrap_err(), INVALID_TIMEZONE);
    }
}
