//! What an API token may be used for. A session acts with everything its
//! role allows; a token only within its scopes, and never beyond its
//! owner's role: the policy checks both (see `policy::authorize`).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    /// Read tickets, their messages, SLA state, queues and the event log.
    #[serde(rename = "tickets:read")]
    TicketsRead,
    /// Raise, reply, add notes and files, change status, claim and assign.
    #[serde(rename = "tickets:write")]
    TicketsWrite,
    /// What only admins do: users, groups, categories, SLA, deletion.
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::TicketsRead, Scope::TicketsWrite, Scope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::TicketsRead => "tickets:read",
            Scope::TicketsWrite => "tickets:write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// What a person choosing scopes reads.
    pub fn description(self) -> &'static str {
        match self {
            Scope::TicketsRead => "Read tickets, messages, SLA state and events",
            Scope::TicketsWrite => "Raise, reply, change status, claim and assign",
            Scope::Admin => "Manage users, groups and categories",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token's scopes: a small sorted set, stored as space-separated text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let mut list: Vec<Scope> = scopes.into_iter().collect();
        list.sort();
        list.dedup();
        Scopes(list)
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    /// Parses `tickets:read tickets:write`; names the first unknown scope.
    pub fn parse(text: &str) -> Result<Scopes, String> {
        let mut list = Vec::new();
        for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
            match Scope::parse(word) {
                Some(scope) => list.push(scope),
                None => {
                    return Err(format!(
                        "“{word}” is not a scope; use tickets:read, tickets:write or admin."
                    ))
                }
            }
        }
        Ok(Scopes::new(list))
    }

    /// The scopes a role can use at all: a customer's token has no use
    /// for `admin`, and a token never holds more than its owner.
    pub fn within_role(&self, role: super::Role) -> Scopes {
        Scopes::new(
            self.iter()
                .filter(|s| *s != Scope::Admin || role == super::Role::Admin),
        )
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.iter().map(Scope::as_str).collect();
        f.write_str(&words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn scopes_read_back_as_written() {
        let scopes = Scopes::parse("tickets:write tickets:read,tickets:read").unwrap();
        assert_eq!(scopes.to_string(), "tickets:read tickets:write");
        assert_eq!(Scopes::parse(&scopes.to_string()).unwrap(), scopes);
        assert!(Scopes::parse("").unwrap().is_empty());
    }

    #[test]
    fn an_unknown_scope_is_named() {
        let err = Scopes::parse("tickets:read tickets:delete").unwrap_err();
        assert!(err.contains("tickets:delete"), "{err}");
    }

    #[test]
    fn only_an_admin_token_keeps_admin() {
        let all = Scopes::new(Scope::ALL);
        assert!(all.within_role(Role::Admin).has(Scope::Admin));
        for role in [Role::Agent, Role::Customer] {
            let kept = all.within_role(role);
            assert!(!kept.has(Scope::Admin));
            assert!(kept.has(Scope::TicketsRead) && kept.has(Scope::TicketsWrite));
        }
    }

    #[test]
    fn json_uses_the_documented_names() {
        let json = serde_json::to_string(&Scopes::new([Scope::Admin, Scope::TicketsRead])).unwrap();
        assert_eq!(json, r#"["tickets:read","admin"]"#);
    }
}
