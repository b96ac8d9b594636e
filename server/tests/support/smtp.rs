#![allow(clippy::unwrap_used)]
//! A real (minimal) SMTP server that keeps what it receives. It ends a
//! line on CRLF, a bare LF or a bare CR alike, as lenient servers do: a
//! client that sends `<CR>.<CR>` inside a message (RUSTSEC-2026-0561) ends
//! the message early here, and what follows shows up as stray commands.

use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{Mutex, Notify};

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// The body with quoted-printable decoded (what a mail client shows).
    pub fn body(&self) -> String {
        let body = self.data.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
        if !self
            .data
            .contains("Content-Transfer-Encoding: quoted-printable")
        {
            return body.to_owned();
        }
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'=', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (other, _) => {
                    out.push(other);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    pub fn subject(&self) -> &str {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or("")
    }
}

#[derive(Clone)]
pub struct Sink {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
    stray: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
}

impl Sink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let sink = Self {
            port,
            mails: Arc::default(),
            stray: Arc::default(),
            arrived: Arc::default(),
        };
        let accept = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let sink = accept.clone();
                tokio::spawn(async move { sink.session(socket).await });
            }
        });
        sink
    }

    async fn session(&self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut reader = BufReader::new(read);
        let _ = write.write_all(b"220 sink ESMTP\r\n").await;
        let mut to = Vec::new();
        while let Some(line) = lenient_line(&mut reader).await {
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-sink\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("RCPT TO:") {
                to.push(line[8..].trim().trim_matches(['<', '>']).to_lowercase());
                b"250 OK\r\n"
            } else if upper.starts_with("DATA") {
                let _ = write.write_all(b"354 go ahead\r\n").await;
                let mut data = String::new();
                while let Some(l) = lenient_line(&mut reader).await {
                    if l == "." {
                        break;
                    }
                    data.push_str(l.strip_prefix('.').unwrap_or(&l));
                    data.push('\n');
                }
                self.mails.lock().await.push(Mail {
                    to: std::mem::take(&mut to),
                    data,
                });
                self.arrived.notify_waiters();
                b"250 queued\r\n"
            } else if upper.starts_with("QUIT") {
                let _ = write.write_all(b"221 bye\r\n").await;
                break;
            } else if upper.starts_with("MAIL FROM:")
                || upper.starts_with("RSET")
                || upper.starts_with("NOOP")
            {
                b"250 OK\r\n"
            } else {
                // Text that leaked out of a message body would land here.
                self.stray.lock().await.push(line.clone());
                b"500 unknown command\r\n"
            };
            if write.write_all(reply).await.is_err() {
                break;
            }
        }
    }

    /// Lines the sink read as commands that are none: what a message that
    /// ended early would leave behind.
    pub async fn stray_lines(&self) -> Vec<String> {
        self.stray.lock().await.clone()
    }

    /// Waits (up to 10 s) for a mail to `to` whose subject contains `subject`.
    pub async fn wait_for(&self, to: &str, subject: &str) -> Mail {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            if let Some(mail) = self.find(to, subject).await {
                return mail;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("no mail to {to} about {subject:?}");
            }
        }
    }

    pub async fn find(&self, to: &str, subject: &str) -> Option<Mail> {
        let mails = self.mails.lock().await;
        mails
            .iter()
            .rev()
            .find(|m| m.to.iter().any(|t| t == to) && m.subject().contains(subject))
            .cloned()
    }

    pub async fn count_to(&self, to: &str) -> usize {
        self.mails
            .lock()
            .await
            .iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .count()
    }
}

/// One line ended by CRLF, LF or a bare CR; `None` at the end of the stream.
async fn lenient_line<R: tokio::io::AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> Option<String> {
    let mut line = Vec::new();
    loop {
        let mut byte = [0u8; 1];
        if reader.read_exact(&mut byte).await.is_err() {
            return (!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned());
        }
        match byte[0] {
            b'\n' => break,
            b'\r' => {
                // CRLF is one line end; a CR alone is one too.
                if let Ok(next) = reader.fill_buf().await {
                    if next.first() == Some(&b'\n') {
                        reader.consume(1);
                    }
                }
                break;
            }
            other => line.push(other),
        }
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}
