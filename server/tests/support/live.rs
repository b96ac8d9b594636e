//! A live-channel client for tests: a real WebSocket on `/api/live` with
//! the browser client's cookies and Origin, reading typed frames.

use super::Client;
use app::api::live_types::{LiveEvent, ServerFrame};
use futures::{SinkExt, StreamExt};
use reqwest::cookie::CookieStore;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Frames arrive in milliseconds; this only bounds a broken test.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The sequence number the server said hello with.
    pub hello: i64,
}

/// How a connection was refused.
#[derive(Debug, PartialEq)]
pub enum Refused {
    /// The upgrade was answered with this HTTP status.
    Http(u16),
    /// The upgrade was accepted and closed before `hello`, with this code.
    Closed(Option<u16>),
}

impl Client {
    /// Opens the live channel as this client's browser would.
    pub async fn live(&self) -> Socket {
        let origin = self.url("");
        self.live_from(Some(&origin)).await.unwrap()
    }

    /// Opens the live channel naming `origin` (or none).
    pub async fn live_from(&self, origin: Option<&str>) -> Result<Socket, Refused> {
        let stream = TcpStream::connect(self.live_address()).await.unwrap();
        self.handshake(origin, stream).await
    }

    /// Opens the live channel over a connection whose receive window is a
    /// few KiB: once the test stops reading, the server's sends stall
    /// after a few frames, as they do for a frozen tab.
    pub async fn live_reading_slowly(&self) -> Socket {
        let address = self.live_address().parse().unwrap();
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(address).await.unwrap();
        let origin = self.url("");
        self.handshake(Some(&origin), stream).await.unwrap()
    }

    fn live_address(&self) -> String {
        let url: reqwest::Url = self.url("/").parse().unwrap();
        format!(
            "{}:{}",
            url.host_str().unwrap(),
            url.port_or_known_default().unwrap()
        )
    }

    async fn handshake(&self, origin: Option<&str>, stream: TcpStream) -> Result<Socket, Refused> {
        let url = self.url("/api/live").replacen("http", "ws", 1);
        let mut request = url.as_str().into_client_request().unwrap();
        let headers = request.headers_mut();
        if let Some(origin) = origin {
            headers.insert("origin", origin.parse().unwrap());
        }
        if let Some(cookies) = self.jar.cookies(&self.url("/").parse().unwrap()) {
            headers.insert("cookie", cookies);
        }
        match tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream)).await {
            Ok((ws, _)) => {
                let mut socket = Socket { ws, hello: 0 };
                match socket.next().await {
                    Ok(ServerFrame::Hello { seq }) => socket.hello = seq,
                    Ok(other) => panic!("expected hello, got {other:?}"),
                    Err(code) => return Err(Refused::Closed(code)),
                }
                Ok(socket)
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(Refused::Http(response.status().as_u16()))
            }
            Err(other) => panic!("cannot connect: {other}"),
        }
    }
}

impl Socket {
    pub async fn send(&mut self, frame: serde_json::Value) {
        self.send_text(&frame.to_string()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    pub async fn send_binary(&mut self, bytes: Vec<u8>) {
        self.ws.send(Message::binary(bytes)).await.unwrap();
    }

    /// Subscribes and returns the topics the server says are followed.
    pub async fn subscribe(&mut self, topics: &[&str], after: Option<i64>) -> Vec<String> {
        self.send(serde_json::json!({"op": "subscribe", "topics": topics, "after": after}))
            .await;
        loop {
            match self.frame().await {
                ServerFrame::Subscribed { topics } => {
                    return topics.iter().map(ToString::to_string).collect()
                }
                ServerFrame::Presence { .. } => {}
                other => panic!("expected subscribed, got {other:?}"),
            }
        }
    }

    /// The next frame, whatever it is.
    pub async fn frame(&mut self) -> ServerFrame {
        match self.next().await {
            Ok(frame) => frame,
            Err(close) => panic!("the socket closed ({close:?}) while a frame was expected"),
        }
    }

    /// The next frame, or how the socket closed.
    pub async fn next(&mut self) -> Result<ServerFrame, Option<u16>> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("no frame within the patience");
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Ok(serde_json::from_str(text.as_str())
                        .unwrap_or_else(|e| panic!("unreadable frame {text}: {e}")))
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame.map(|f| u16::from(f.code)));
                }
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(None),
            }
        }
    }

    /// The next event, skipping presence frames.
    pub async fn event(&mut self) -> LiveEvent {
        loop {
            match self.frame().await {
                ServerFrame::Event(event) => return event,
                ServerFrame::Presence { .. } => {}
                other => panic!("expected an event, got {other:?}"),
            }
        }
    }

    /// The next error frame's code, as its JSON text.
    pub async fn error(&mut self) -> String {
        loop {
            match self.frame().await {
                ServerFrame::Error { code, .. } => {
                    return serde_json::to_value(code)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_owned()
                }
                ServerFrame::Presence { .. } => {}
                other => panic!("expected an error, got {other:?}"),
            }
        }
    }

    /// Reads until the socket closes and returns the close code.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            if let Err(code) = self.next().await {
                return code;
            }
        }
    }

    /// Drops the connection without a close frame, as a lost network does.
    pub fn drop_abruptly(self) {
        drop(self.ws);
    }

    pub async fn close(mut self) {
        let _ = self
            .ws
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "".into(),
            }))
            .await;
    }
}
