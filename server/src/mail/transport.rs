//! Where mail goes: an SMTP server, or (with no SMTP configured) `.eml`
//! files in the data directory, so a fresh install can still reset
//! passwords without leaking links into the log.

use crate::config::{Config, Secret};
use crate::store::OutboxMessage;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The message itself is unusable; retrying cannot help.
    #[error("message rejected: {0}")]
    Permanent(String),
    #[error("delivery failed: {0}")]
    Temporary(String),
}

pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl MailTransport {
    pub fn from_config(config: &Config) -> Result<Self, TransportError> {
        config.mail_from.parse::<Mailbox>().map_err(|e| {
            TransportError::Permanent(format!(
                "FERRODESK_MAIL_FROM {:?} is not an address: {e}",
                config.mail_from
            ))
        })?;
        match &config.smtp_url {
            Some(url) => Self::smtp(url),
            None => {
                let dir = config.data_dir.join("mail");
                std::fs::create_dir_all(&dir).map_err(|e| {
                    TransportError::Permanent(format!("cannot create {}: {e}", dir.display()))
                })?;
                Ok(Self::Files(AsyncFileTransport::new(&dir), dir))
            }
        }
    }

    fn smtp(url: &Secret) -> Result<Self, TransportError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| TransportError::Permanent(format!("FERRODESK_SMTP_URL: {e}")))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Self::Smtp(transport))
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(_) => "smtp".into(),
            Self::Files(_, dir) => format!("files in {}", dir.display()),
        }
    }

    pub async fn send(&self, from: &str, message: &OutboxMessage) -> Result<(), TransportError> {
        let email = build(from, message)?;
        match self {
            Self::Smtp(t) => t.send(email).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    TransportError::Permanent(e.to_string())
                } else {
                    TransportError::Temporary(e.to_string())
                }
            }),
            Self::Files(t, _) => t
                .send(email)
                .await
                .map(|_| ())
                .map_err(|e| TransportError::Temporary(e.to_string())),
        }
    }
}

/// lettre encodes display names and refuses CR/LF in headers; addresses were
/// parsed when queued.
fn build(from: &str, message: &OutboxMessage) -> Result<Message, TransportError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| TransportError::Permanent(format!("sender {from:?}: {e}")))?;
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|e| TransportError::Permanent(format!("recipient: {e}")))?;
    if message.subject.contains(['\r', '\n', '\0']) {
        return Err(TransportError::Permanent(
            "subject contains a line break".into(),
        ));
    }
    Message::builder()
        .from(from)
        .to(to)
        .subject(&message.subject)
        .message_id(Some(message.message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(message.body_text.clone())
        .map_err(|e| TransportError::Permanent(e.to_string()))
}
