//! RUSTSEC-2026-0561 locked out: every mail template, filled with text full
//! of SMTP end-of-data look-alikes, goes through the real transport to a
//! server that ends lines on CR, LF or CRLF alike, and arrives as one
//! message with its whole text.

use app::domain::{EmailAddress, Role};
use ferrodesk::config::Config;
use ferrodesk::mail::{templates, MailTransport};
use ferrodesk::store::{NewEmail, OutboxMessage, OutboxStatus};

const HOSTILE: &str = "one\n.\ntwo\r.\rthree\r\n.\r\nfour";
const WORDS: [&str; 4] = ["one", "two", "three", "four"];

fn outbox(mail: NewEmail) -> OutboxMessage {
    OutboxMessage {
        id: 1,
        recipient: mail.recipient.to_string(),
        subject: mail.subject,
        body_text: mail.body_text,
        message_id: mail.message_id,
        status: OutboxStatus::Pending,
        attempts: 0,
        last_error: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_template_arrives_whole_through_a_lenient_smtp_server() {
    let sink = crate::support::smtp::Sink::start().await;
    let config = Config::load(|name| match name {
        "FERRODESK_DATA_DIR" => Some(std::env::temp_dir().display().to_string()),
        "FERRODESK_PUBLIC_URL" => Some("http://desk.example.test".into()),
        "FERRODESK_SMTP_URL" => Some(format!("smtp://127.0.0.1:{}", sink.port)),
        _ => None,
    })
    .unwrap();
    let transport = MailTransport::from_config(&config).unwrap();
    let to = |n: usize| EmailAddress::parse(&format!("to{n}@example.com")).unwrap();
    let h = HOSTILE;
    let mails = vec![
        templates::password_reset(&config, to(0), h, 60),
        templates::confirm_sign_up(&config, to(1), h, 24),
        templates::sign_up_with_existing_account(&config, to(2)),
        templates::invitation(&config, to(3), Role::Agent, h, h, 7),
        templates::ticket_created(&config, to(4), 7, h, Some(h)),
        templates::agent_replied(&config, to(5), 7, h, h, h, None),
        templates::customer_replied(&config, to(6), 7, h, h, h),
        templates::watcher_update(&config, to(7), 7, h, h, h, true),
        templates::assigned_to_you(&config, to(8), 7, h, h),
        templates::sla_alert(&config, to(9), 7, h, h),
    ];
    let count = mails.len();
    for (n, mail) in mails.into_iter().enumerate() {
        let carries_text = mail.body_text.contains("two\r.\rthree");
        let message = outbox(mail);
        transport
            .send(&config.mail_from, &message)
            .await
            .unwrap_or_else(|e| panic!("template {n}: {e}"));
        let address = format!("to{n}@example.com");
        let arrived = sink.wait_for(&address, "").await;
        assert_eq!(
            sink.count_to(&address).await,
            1,
            "template {n}: one message"
        );
        let body = arrived.body();
        if carries_text {
            let mut rest = body.as_str();
            for word in WORDS {
                let at = rest
                    .find(word)
                    .unwrap_or_else(|| panic!("template {n}: {word} missing in {body}"));
                rest = &rest[at + word.len()..];
            }
        }
        // A subject with line breaks arrives on one line, all of it.
        if message.subject.contains("two") {
            let subject = arrived.subject();
            for word in WORDS {
                assert!(
                    subject.contains(word) || subject.starts_with("=?"),
                    "template {n}: subject {subject:?}"
                );
            }
        }
    }
    assert!(
        sink.stray_lines().await.is_empty(),
        "text leaked out of a message: {:?}",
        sink.stray_lines().await
    );
    let total: usize = {
        let mut n = 0;
        for i in 0..count {
            n += sink.count_to(&format!("to{i}@example.com")).await;
        }
        n
    };
    assert_eq!(total, count);
}
