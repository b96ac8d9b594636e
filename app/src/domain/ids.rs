//! Ids as types of their own, so a group id can never be passed where a
//! ticket id belongs. They parse from the decimal text forms and links carry.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A ticket's number, as customers and agents see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketId(pub i64);

/// A user of any role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GroupId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CategoryId(pub i64);

/// Parses the decimal text of an id; `None` for anything else (empty,
/// signs, spaces inside, overflow), so each caller words its own refusal.
pub fn positive_id(text: &str) -> Option<i64> {
    positive(text)
}

fn positive(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|id| *id > 0)
}

impl TicketId {
    pub fn parse(text: &str) -> Option<Self> {
        positive(text).map(Self)
    }
}

impl UserId {
    pub fn parse(text: &str) -> Option<Self> {
        positive(text).map(Self)
    }
}

impl GroupId {
    pub fn parse(text: &str) -> Option<Self> {
        positive(text).map(Self)
    }
}

impl CategoryId {
    pub fn parse(text: &str) -> Option<Self> {
        positive(text).map(Self)
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_from_plain_decimal_text_only() {
        assert_eq!(TicketId::parse("42"), Some(TicketId(42)));
        assert_eq!(GroupId::parse(" 7 "), Some(GroupId(7)));
        for bad in [
            "",
            "0",
            "-3",
            "+3",
            "4 2",
            "x",
            "99999999999999999999",
            "none",
        ] {
            assert_eq!(UserId::parse(bad), None, "{bad}");
            assert_eq!(CategoryId::parse(bad), None, "{bad}");
        }
    }
}
