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
