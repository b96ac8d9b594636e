//! Requests from people without an account. The ticket is filed under
//! their address (a password-less customer, created on first use) and the
//! acknowledgement carries a link that opens it. The answer is the same
//! whether or not the address already had an account, and only addresses
//! without a password get links: anyone with a password signs in instead.

use super::raise::TicketFields;
use super::{store_err, Tickets};
use crate::accounts::tokens;
use crate::store::{NewLink, NewUser};
use app::api::backend::SessionUser;
use app::api::uploads::StagedFile;
use app::domain::{Action, DisplayName, EmailAddress, Role, TicketId, TimezoneName};
use app::service::ticket_commands::{Guest, RaiseTicket};
use app::service::{require_of, ServiceError};
use std::net::IpAddr;

/// How long an emailed ticket link works; every agent reply sends a new one.
const LINK_DAYS: i64 = 30;

impl Tickets {
    /// A new link token and the digest the store keeps of it.
    pub(super) fn new_link(&self) -> (String, NewLink) {
        let token = tokens::generate();
        let link = NewLink {
            token_hash: tokens::digest(&token),
            expires_at: self.clock.now() + chrono::Duration::days(LINK_DAYS),
        };
        (token, link)
    }

    pub(super) async fn raise_as_guest(
        &self,
        guest: Guest,
        ticket: RaiseTicket,
        files: Vec<StagedFile>,
        ip: IpAddr,
    ) -> Result<(), ServiceError> {
        require_of(None, Action::RaiseTicket)?;
        let limit = self.config.rate_limits.tickets_per_account;
        let now = self.clock.now();
        self.limiter
            .hit(&format!("ticket:ip:{ip}"), limit, now)
            .await?;
        // Mail to one address is limited too, whoever sends it.
        let email = guest.email;
        self.limiter
            .hit(&format!("ticket:email:{}", email.as_str()), limit, now)
            .await?;
        let name = match guest.name {
            Some(name) => name,
            None => fallback_name(&email)?,
        };
        let category = self.category_for(ticket.category).await?;
        let fields = TicketFields::new(ticket, false)?;
        let contact = self
            .store
            .contact_for(
                NewUser {
                    email,
                    name,
                    role: Role::Customer,
                    password_hash: String::new(),
                    timezone: TimezoneName::utc(),
                },
                now,
            )
            .await
            .map_err(store_err)?;
        if !contact.active {
            // Same answer as for everyone else; the request is not filed.
            tracing::warn!(
                user_id = contact.id,
                "request from a deactivated address dropped"
            );
            return Ok(());
        }
        let follow = contact.password_hash.is_empty().then(|| self.new_link());
        self.file_ticket(contact.id, fields, category, files, follow)
            .await
            .map(|_| ())
    }

    /// The session a ticket link opens: the requester, who has no password
    /// (links never sign anyone into a password-protected or staff account).
    pub(super) async fn open_link(
        &self,
        token: &str,
    ) -> Result<(SessionUser, TicketId), ServiceError> {
        let dead = || {
            ServiceError::conflict(
                "This link has expired or is not valid. Open the newest email about your request, \
                 or raise it again.",
            )
        };
        let now = self.clock.now();
        let (user_id, ticket_id) = self
            .store
            .ticket_link(&tokens::digest(token), now)
            .await
            .map_err(store_err)?
            .ok_or_else(dead)?;
        let user = self
            .store
            .user_by_id(user_id)
            .await
            .map_err(store_err)?
            .filter(|u| u.active && u.password_hash.is_empty() && !u.role.is_staff())
            .ok_or_else(dead)?;
        let session = SessionUser {
            user_id: user.id,
            epoch: user.session_epoch,
            started_at: now.timestamp_millis(),
        };
        Ok((session, TicketId(ticket_id)))
    }
}

/// A display name from the address when none was given: its local part.
fn fallback_name(email: &EmailAddress) -> Result<DisplayName, ServiceError> {
    let local = email.as_str().split('@').next().unwrap_or_default();
    DisplayName::parse(local)
        .or_else(|_| DisplayName::parse("Customer"))
        .map_err(|m| ServiceError::field("name", m))
}
