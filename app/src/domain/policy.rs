//! The one authorization policy. Every server function, route and (later)
//! live channel asks `authorize` before doing anything on an actor's behalf;
//! pages use the same function only to choose what to render.

use super::scope::{Scope, Scopes};
use super::Role;
use serde::{Deserialize, Serialize};

/// Who is asking: a signed-in, active user as loaded on this request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
    pub name: String,
    pub email: String,
    /// `None` for a browser session, which may do all its role allows;
    /// an API token's scopes otherwise.
    #[serde(default)]
    pub scopes: Option<Scopes>,
}

impl Actor {
    /// A person acting through their own session.
    pub fn session(id: i64, role: Role, name: String, email: String) -> Self {
        Actor {
            id,
            role,
            name,
            email,
            scopes: None,
        }
    }
}

/// Everything the policy can be asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read or change one's own profile and password.
    ManageOwnAccount,
    /// Open the agent workspace.
    UseAgentWorkspace,
    /// Open the admin console.
    UseAdminConsole,
    /// List users, invite, change roles, deactivate.
    ManageUsers,
    /// Change the given user (role, deactivation). Admins may not change
    /// themselves, so an installation cannot lose its last admin by accident.
    ChangeUser { target_id: i64 },
    /// Create, list and revoke one's own API tokens: a session only, so a
    /// token can never mint another.
    ManageTokens,
    /// List and read tickets within one's [`TicketAccess`].
    ReadTickets,
    /// Raise a ticket, reply publicly, close and reopen.
    UseTickets,
    /// See the staff side: queues, their counts, groups, agents, presence.
    ReadQueues,
    /// Work tickets: internal notes, claims, assignment, every status.
    WorkTickets,
    /// Raise a ticket. Open to everyone: someone without an account gives
    /// an email address and follows the ticket through an emailed link.
    RaiseTicket,
    /// Configure groups, members, categories: who gets which work.
    ManageRouting,
    /// Configure calendars, SLA policies and escalation matrices, and see
    /// SLA compliance.
    ManageSla,
    /// Delete a ticket for good (spam, a mistake): admins only.
    DeleteTicket,
    /// Add to a ticket one can see: a reply or a file, or, when
    /// `internal`, a note or a file only staff see.
    AddToTicket { internal: bool },
    /// Open a file on a ticket one can see; internal files are for staff.
    ReadFile { internal: bool },
}

/// Which tickets an actor may see. Customers see only what they requested
/// (anything else is "not found"); agents and admins see every ticket
/// until groups narrow that down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAccess {
    All,
    RequestedBy(i64),
}

pub fn ticket_access(actor: &Actor) -> TicketAccess {
    if actor.role.is_staff() {
        TicketAccess::All
    } else {
        TicketAccess::RequestedBy(actor.id)
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Nobody is signed in.
    Unauthenticated,
    /// Signed in, but the role does not allow it.
    Forbidden,
    /// The role allows it, but the API token lacks this scope (`None`:
    /// only a browser session may do it).
    MissingScope(Option<Scope>),
}

/// The scope a token needs for an action; `None` when only a session may
/// do it (one's password, one's tokens).
pub fn scope_for(action: Action) -> Option<Scope> {
    match action {
        Action::ManageOwnAccount | Action::ManageTokens => None,
        Action::UseAgentWorkspace
        | Action::ReadTickets
        | Action::ReadQueues
        | Action::ReadFile { .. } => Some(Scope::TicketsRead),
        Action::UseTickets
        | Action::WorkTickets
        | Action::RaiseTicket
        | Action::AddToTicket { .. } => Some(Scope::TicketsWrite),
        Action::UseAdminConsole
        | Action::ManageUsers
        | Action::ChangeUser { .. }
        | Action::ManageRouting
        | Action::ManageSla
        | Action::DeleteTicket => Some(Scope::Admin),
    }
}

pub fn authorize(actor: Option<&Actor>, action: Action) -> Result<(), Denied> {
    let Some(actor) = actor else {
        return match action {
            Action::RaiseTicket => Ok(()),
            _ => Err(Denied::Unauthenticated),
        };
    };
    let allowed = match action {
        Action::ManageOwnAccount
        | Action::ManageTokens
        | Action::ReadTickets
        | Action::UseTickets
        | Action::RaiseTicket => true,
        Action::AddToTicket { internal } | Action::ReadFile { internal } => {
            !internal || actor.role.is_staff()
        }
        Action::WorkTickets | Action::ReadQueues => actor.role.is_staff(),
        Action::UseAgentWorkspace => actor.role.is_staff(),
        Action::UseAdminConsole
        | Action::ManageUsers
        | Action::ManageRouting
        | Action::ManageSla
        | Action::DeleteTicket => actor.role == Role::Admin,
        Action::ChangeUser { target_id } => actor.role == Role::Admin && target_id != actor.id,
    };
    if !allowed {
        return Err(Denied::Forbidden);
    }
    match (&actor.scopes, scope_for(action)) {
        (None, _) => Ok(()),
        (Some(scopes), Some(needed)) if scopes.has(needed) => Ok(()),
        (Some(_), needed) => Err(Denied::MissingScope(needed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor::session(7, role, "A".into(), "a@example.com".into())
    }

    fn token(role: Role, scopes: &[Scope]) -> Actor {
        Actor {
            scopes: Some(Scopes::new(scopes.iter().copied())),
            ..actor(role)
        }
    }

    const EVERY_ACTION: [Action; 19] = [
        Action::ManageOwnAccount,
        Action::ManageTokens,
        Action::UseAgentWorkspace,
        Action::UseAdminConsole,
        Action::ManageUsers,
        Action::ChangeUser { target_id: 8 },
        Action::ReadTickets,
        Action::UseTickets,
        Action::ReadQueues,
        Action::WorkTickets,
        Action::RaiseTicket,
        Action::ManageRouting,
        Action::ManageSla,
        Action::DeleteTicket,
        Action::AddToTicket { internal: false },
        Action::AddToTicket { internal: true },
        Action::ReadFile { internal: false },
        Action::ReadFile { internal: true },
        Action::ChangeUser { target_id: 7 },
    ];

    #[test]
    fn a_token_never_does_more_than_its_owner_nor_beyond_its_scopes() {
        let subsets: Vec<Vec<Scope>> = (0..8u8)
            .map(|bits| {
                Scope::ALL
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, s)| s)
                    .collect()
            })
            .collect();
        for role in [Role::Customer, Role::Agent, Role::Admin] {
            for scopes in &subsets {
                for action in EVERY_ACTION {
                    let by_token = authorize(Some(&token(role, scopes)), action);
                    let by_session = authorize(Some(&actor(role)), action);
                    if by_session.is_err() {
                        assert_eq!(by_token, by_session, "{role:?} {scopes:?} {action:?}");
                        continue;
                    }
                    let expected = match scope_for(action) {
                        Some(needed) if scopes.contains(&needed) => Ok(()),
                        needed => Err(Denied::MissingScope(needed)),
                    };
                    assert_eq!(by_token, expected, "{role:?} {scopes:?} {action:?}");
                }
            }
        }
    }

    #[test]
    fn only_a_session_manages_its_account_and_tokens() {
        let all = token(Role::Admin, &Scope::ALL);
        for action in [Action::ManageOwnAccount, Action::ManageTokens] {
            assert_eq!(authorize(Some(&actor(Role::Customer)), action), Ok(()));
            assert_eq!(
                authorize(Some(&all), action),
                Err(Denied::MissingScope(None))
            );
        }
    }

    #[test]
    fn nobody_signed_in_is_refused_everything() {
        for action in [
            Action::ManageOwnAccount,
            Action::UseAgentWorkspace,
            Action::UseAdminConsole,
            Action::ManageUsers,
            Action::UseTickets,
            Action::WorkTickets,
        ] {
            assert_eq!(authorize(None, action), Err(Denied::Unauthenticated));
        }
    }

    #[test]
    fn anyone_may_raise_a_ticket() {
        assert_eq!(authorize(None, Action::RaiseTicket), Ok(()));
        for role in [Role::Customer, Role::Agent, Role::Admin] {
            assert_eq!(authorize(Some(&actor(role)), Action::RaiseTicket), Ok(()));
        }
    }

    #[test]
    fn customers_manage_only_their_own_account() {
        let c = actor(Role::Customer);
        assert_eq!(authorize(Some(&c), Action::ManageOwnAccount), Ok(()));
        assert_eq!(
            authorize(Some(&c), Action::UseAgentWorkspace),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(Some(&c), Action::UseAdminConsole),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(Some(&c), Action::ManageUsers),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn agents_use_the_workspace_but_not_the_console() {
        let a = actor(Role::Agent);
        assert_eq!(authorize(Some(&a), Action::UseAgentWorkspace), Ok(()));
        assert_eq!(
            authorize(Some(&a), Action::UseAdminConsole),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(Some(&a), Action::ChangeUser { target_id: 1 }),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn everyone_signed_in_uses_tickets_but_only_staff_work_them() {
        let c = actor(Role::Customer);
        assert_eq!(authorize(Some(&c), Action::UseTickets), Ok(()));
        assert_eq!(authorize(Some(&c), Action::ReadTickets), Ok(()));
        assert_eq!(
            authorize(Some(&c), Action::WorkTickets),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            authorize(Some(&c), Action::ReadQueues),
            Err(Denied::Forbidden)
        );
        assert_eq!(ticket_access(&c), TicketAccess::RequestedBy(7));
        for role in [Role::Agent, Role::Admin] {
            assert_eq!(authorize(Some(&actor(role)), Action::WorkTickets), Ok(()));
            assert_eq!(ticket_access(&actor(role)), TicketAccess::All);
        }
        assert_eq!(
            authorize(None, Action::UseTickets),
            Err(Denied::Unauthenticated)
        );
    }

    #[test]
    fn admins_change_others_but_never_themselves() {
        let a = actor(Role::Admin);
        assert_eq!(authorize(Some(&a), Action::UseAgentWorkspace), Ok(()));
        assert_eq!(authorize(Some(&a), Action::ManageUsers), Ok(()));
        assert_eq!(
            authorize(Some(&a), Action::ChangeUser { target_id: 8 }),
            Ok(())
        );
        assert_eq!(
            authorize(Some(&a), Action::ChangeUser { target_id: 7 }),
            Err(Denied::Forbidden)
        );
    }

    #[test]
    fn internal_notes_and_files_are_for_staff_only() {
        let c = actor(Role::Customer);
        for internal in [false, true] {
            let add = Action::AddToTicket { internal };
            let read = Action::ReadFile { internal };
            let customer = if internal {
                Err(Denied::Forbidden)
            } else {
                Ok(())
            };
            assert_eq!(authorize(Some(&c), add), customer);
            assert_eq!(authorize(Some(&c), read), customer);
            assert_eq!(authorize(None, read), Err(Denied::Unauthenticated));
            for role in [Role::Agent, Role::Admin] {
                assert_eq!(authorize(Some(&actor(role)), add), Ok(()));
                assert_eq!(authorize(Some(&actor(role)), read), Ok(()));
            }
        }
    }
}
