//! The one authorization policy. Every server function, route and (later)
//! live channel asks `authorize` before doing anything on an actor's behalf;
//! pages use the same function only to choose what to render.

use super::Role;
use serde::{Deserialize, Serialize};

/// Who is asking: a signed-in, active user as loaded on this request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
    pub name: String,
    pub email: String,
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
    /// Raise a ticket, list and read tickets within one's [`TicketAccess`],
    /// reply publicly, close and reopen.
    UseTickets,
    /// Work tickets: queues, internal notes, claims, every status.
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
}

pub fn authorize(actor: Option<&Actor>, action: Action) -> Result<(), Denied> {
    let Some(actor) = actor else {
        return match action {
            Action::RaiseTicket => Ok(()),
            _ => Err(Denied::Unauthenticated),
        };
    };
    let allowed = match action {
        Action::ManageOwnAccount | Action::UseTickets | Action::RaiseTicket => true,
        Action::AddToTicket { internal } | Action::ReadFile { internal } => {
            !internal || actor.role.is_staff()
        }
        Action::WorkTickets => actor.role.is_staff(),
        Action::UseAgentWorkspace => actor.role.is_staff(),
        Action::UseAdminConsole
        | Action::ManageUsers
        | Action::ManageRouting
        | Action::ManageSla
        | Action::DeleteTicket => actor.role == Role::Admin,
        Action::ChangeUser { target_id } => actor.role == Role::Admin && target_id != actor.id,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            id: 7,
            role,
            name: "A".into(),
            email: "a@example.com".into(),
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
        assert_eq!(
            authorize(Some(&c), Action::WorkTickets),
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
