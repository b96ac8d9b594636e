//! The text of every email we send. Links always use the configured public
//! URL.

use crate::config::Config;
use crate::store::NewEmail;
use app::domain::{EmailAddress, Role};

pub fn password_reset(config: &Config, to: EmailAddress, token: &str, minutes: i64) -> NewEmail {
    let link = config.link(&format!("/portal/reset/confirm?token={token}"));
    email(
        config,
        to,
        "Reset your Ferrodesk password",
        format!(
            "Someone asked to reset the password of your Ferrodesk account.\n\n\
             To choose a new password, open this link within {minutes} minutes:\n\n{link}\n\n\
             If it was not you, ignore this email: your password stays as it is.\n"
        ),
    )
}

pub fn confirm_sign_up(config: &Config, to: EmailAddress, token: &str, hours: i64) -> NewEmail {
    let link = config.link(&format!("/portal/sign-up/confirm?token={token}"));
    email(
        config,
        to,
        "Confirm your Ferrodesk account",
        format!(
            "Someone (we hope you) asked for a Ferrodesk account with this address.\n\n\
             To finish creating it, open this link within {hours} hours:\n\n{link}\n\n\
             If it was not you, ignore this email: no account is created.\n"
        ),
    )
}

/// Sent instead of a confirmation when the address already has an account,
/// so the sign-up form never tells a stranger which addresses are in use.
pub fn sign_up_with_existing_account(config: &Config, to: EmailAddress) -> NewEmail {
    let sign_in = config.link("/portal/sign-in");
    let reset = config.link("/portal/reset");
    email(
        config,
        to,
        "Someone tried to sign up with your address",
        format!(
            "Someone asked to create a Ferrodesk account with this address, but it already \
             has one, so nothing was changed.\n\n\
             If it was you, sign in here:\n\n{sign_in}\n\n\
             If you forgot your password, or never set one, choose a new one here:\n\n{reset}\n\n\
             If it was not you, ignore this email: your account stays as it is.\n"
        ),
    )
}

pub fn invitation(
    config: &Config,
    to: EmailAddress,
    role: Role,
    inviter: &str,
    token: &str,
    days: i64,
) -> NewEmail {
    let link = config.link(&format!("/invite?token={token}"));
    email(
        config,
        to,
        "You are invited to Ferrodesk",
        format!(
            "{inviter} invited you to join Ferrodesk as {article} {role}.\n\n\
             Accept the invitation within {days} days by opening this link:\n\n{link}\n",
            article = if role == Role::Admin { "an" } else { "a" },
            role = role.label().to_lowercase(),
        ),
    )
}

fn email(config: &Config, to: EmailAddress, subject: &str, body_text: String) -> NewEmail {
    let host = config.public_url.host_str().unwrap_or("localhost");
    NewEmail {
        recipient: to,
        subject: subject.to_owned(),
        body_text,
        message_id: format!("<{}@{host}>", uuid::Uuid::new_v4().simple()),
    }
}

/// To the requester, when their ticket is created.
/// Where a requester follows a ticket: the portal page, or for someone
/// without a password the emailed link that opens it.
fn follow_link(config: &Config, id: i64, follow_token: Option<&str>) -> String {
    match follow_token {
        Some(token) => format!(
            "{}\n\nThis link opens your request without a password; do not share it.",
            config.link(&format!("/follow/{token}"))
        ),
        None => config.link(&format!("/portal/tickets/{id}")),
    }
}

pub fn ticket_created(
    config: &Config,
    to: EmailAddress,
    id: i64,
    subject: &str,
    follow_token: Option<&str>,
) -> NewEmail {
    let link = follow_link(config, id, follow_token);
    email(
        config,
        to,
        &format!("[#{id}] We received your request: {subject}"),
        format!("Thank you. Your request #{id} \"{subject}\" is with our team.\n\nFollow it and reply here:\n\n{link}\n"),
    )
}

/// To the requester, when an agent replies publicly.
pub fn agent_replied(
    config: &Config,
    to: EmailAddress,
    id: i64,
    subject: &str,
    author: &str,
    body: &str,
    follow_token: Option<&str>,
) -> NewEmail {
    let link = follow_link(config, id, follow_token);
    email(
        config,
        to,
        &format!("[#{id}] New reply: {subject}"),
        format!("{author} replied to your request #{id}:\n\n{body}\n\nReply or follow the request here:\n\n{link}\n"),
    )
}

/// To the assignee, when the customer replies.
pub fn customer_replied(
    config: &Config,
    to: EmailAddress,
    id: i64,
    subject: &str,
    author: &str,
    body: &str,
) -> NewEmail {
    let link = config.link(&format!("/agent/tickets/{id}"));
    email(
        config,
        to,
        &format!("[#{id}] Customer reply: {subject}"),
        format!("{author} replied on ticket #{id}:\n\n{body}\n\nOpen the ticket:\n\n{link}\n"),
    )
}

/// To someone watching a ticket: a reply (or, for agents, a note), with
/// the way to stop. `what` is the event in the history's words.
pub fn watcher_update(
    config: &Config,
    to: EmailAddress,
    id: i64,
    subject: &str,
    what: &str,
    body: &str,
    internal: bool,
) -> NewEmail {
    let link = config.link(&format!("/agent/tickets/{id}"));
    let tag = if internal {
        "Internal note"
    } else {
        "New reply"
    };
    email(
        config,
        to,
        &format!("[#{id}] {tag}: {subject}"),
        format!(
            "Ticket #{id} \"{subject}\": {what}\n\n{body}\n\nOpen the ticket:\n\n{link}\n\n\
             You get this because you watch this ticket. To stop, open it and choose \"Stop watching\":\n\n{link}#watch\n"
        ),
    )
}

/// To an agent, when someone else (or the scheduler) assigns them a
/// ticket. `what` is the event in the history's words.
pub fn assigned_to_you(
    config: &Config,
    to: EmailAddress,
    id: i64,
    subject: &str,
    what: &str,
) -> NewEmail {
    let link = config.link(&format!("/agent/tickets/{id}"));
    email(
        config,
        to,
        &format!("[#{id}] Assigned to you: {subject}"),
        format!("Ticket #{id} \"{subject}\": {what}\n\nOpen the ticket:\n\n{link}\n"),
    )
}

/// To staff an escalation names: a breach or an escalation level.
pub fn sla_alert(
    config: &Config,
    to: EmailAddress,
    id: i64,
    subject: &str,
    what: &str,
) -> NewEmail {
    let link = config.link(&format!("/agent/tickets/{id}"));
    email(
        config,
        to,
        &format!("[#{id}] {what}: {subject}"),
        format!("{what} on ticket #{id} \"{subject}\".\n\nOpen the ticket:\n\n{link}\n"),
    )
}
