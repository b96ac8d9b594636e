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
/// parsed when queued. The text is normalised first (see [`line_breaks`]).
fn build(from: &str, message: &OutboxMessage) -> Result<Message, TransportError> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| TransportError::Permanent(format!("sender {from:?}: {e}")))?;
    let to: Mailbox = message
        .recipient
        .parse()
        .map_err(|e| TransportError::Permanent(format!("recipient: {e}")))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(one_line(&message.subject))
        .message_id(Some(message.message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(line_breaks(&message.body_text))
        .map_err(|e| TransportError::Permanent(e.to_string()))
}

/// Every line break as a plain LF, which lettre turns into CRLF.
///
/// RUSTSEC-2026-0561: lettre (0.11.23, the newest release) dot-stuffs a
/// line that starts with `.` only after CRLF. A bare CR or LF followed by
/// `.` goes out unstuffed, and a server that ends lines on a bare CR or LF
/// could read `<CR>.<CR>` as the end of the message and the rest as new
/// SMTP commands. lettre already rewrites bare LF to CRLF in text bodies;
/// bare CR it leaves alone, so it is turned into a line break here. After
/// this no body reaches lettre's SMTP codec with a lone CR or LF.
fn line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "")
}

/// A subject on one line: line breaks (which lettre would refuse, losing
/// the mail) become spaces, so the whole text still arrives.
fn one_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| *c != '\0')
        .map(|c| if matches!(c, '\r' | '\n') { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(subject: &str, body: &str) -> OutboxMessage {
        OutboxMessage {
            id: 1,
            recipient: "ada@example.com".into(),
            subject: subject.into(),
            body_text: body.into(),
            message_id: "<1@desk.test>".into(),
            status: crate::store::OutboxStatus::Pending,
            attempts: 0,
            last_error: None,
        }
    }

    #[test]
    fn no_bare_cr_or_lf_reaches_the_wire() {
        let hostile = "one\n.\ntwo\r.\rthree\r\n.\r\nfour";
        let email = build("desk@desk.test", &message(hostile, hostile)).unwrap();
        let wire = email.formatted();
        for (i, byte) in wire.iter().enumerate() {
            match byte {
                b'\r' => assert_eq!(wire.get(i + 1), Some(&b'\n'), "bare CR at {i}"),
                b'\n' => assert_eq!(wire.get(i.wrapping_sub(1)), Some(&b'\r'), "bare LF at {i}"),
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&wire);
        assert!(
            text.contains("one\r\n.\r\ntwo\r\n.\r\nthree\r\n.\r\nfour"),
            "{text}"
        );
        assert!(
            text.contains("Subject: one . two . three . four") || text.contains("Subject: =?"),
            "{text}"
        );
    }
}
