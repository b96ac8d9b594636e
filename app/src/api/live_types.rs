//! The frames of the live channel (`/api/live`), as JSON text messages.
//! The browser and the server share these types, so the two sides cannot
//! drift; `docs/api.md` describes the protocol for other clients.

use crate::domain::live::{Activity, Topic};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The log's sequence number when a page was rendered, which the server
/// puts in the request for the page to hand its first connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSeq(pub i64);

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Follow more topics. With `after`, the server first sends every event
    /// of these topics logged after that sequence number (a resumed
    /// connection asks for what it missed).
    Subscribe {
        topics: Vec<String>,
        #[serde(default)]
        after: Option<i64>,
    },
    Unsubscribe {
        topics: Vec<String>,
    },
    /// What the agent is doing on a ticket page; `None` when they left it
    /// or the tab went idle.
    Presence {
        ticket: i64,
        activity: Option<Activity>,
    },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The first frame: the log's sequence number when the connection was
    /// made. A client with nothing to resume starts from here.
    Hello {
        seq: i64,
    },
    /// The topics now followed, after a subscribe or unsubscribe.
    Subscribed {
        topics: Vec<Topic>,
    },
    Event(LiveEvent),
    /// Who else is on a ticket page, and what they are doing. Sent to the
    /// staff following the ticket whenever it changes.
    Presence {
        ticket: i64,
        people: Vec<PresentPerson>,
    },
    /// The agent's tray changed: `unread` notifications now.
    Tray {
        unread: i64,
    },
    /// More was missed than the server replays: reload every view, then
    /// continue from `seq`.
    Reset {
        seq: i64,
    },
    /// A frame was refused; nothing changed.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
    },
}

/// One logged event as a viewer may see it: the ids a view needs to know
/// what to refresh, and the sentence the history shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub seq: i64,
    pub ticket: Option<i64>,
    /// The event's kind, as in the log (`MessageAdded`, …).
    pub kind: String,
    pub text: String,
    pub at: DateTime<Utc>,
    pub actor: Option<i64>,
    pub public: bool,
    /// Which of the connection's topics the event reached it through.
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentPerson {
    pub user_id: i64,
    pub name: String,
    pub activity: Activity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not JSON, or not a frame this protocol knows.
    Malformed,
    UnknownTopic,
    /// The topic exists but is not the user's to follow (or, for a
    /// ticket, does not exist: the two are not told apart).
    Forbidden,
    TooManySubscriptions,
    RateLimited,
    /// The server could not do it just now; the reference is in its log.
    Internal,
}

/// Close codes. 1012 (service restart) on shutdown and 4000 for a client
/// that fell behind both mean "reconnect and resume"; the others mean
/// "do not reconnect until the page is reloaded".
pub mod close {
    pub const RESTARTING: u16 = 1012;
    pub const TOO_BIG: u16 = 1009;
    /// Fell too far behind the events; reconnect and resume.
    pub const RESYNC: u16 = 4000;
    /// Nobody is signed in: never was, the session ended, the account was
    /// deactivated or its role changed.
    pub const SIGNED_OUT: u16 = 4001;
    pub const TOO_MANY_CONNECTIONS: u16 = 4002;
    /// Whether a client should reconnect after this code.
    pub fn resumable(code: u16) -> bool {
        !matches!(code, SIGNED_OUT | TOO_MANY_CONNECTIONS | TOO_BIG)
    }
}

/// Limits every connection lives within; the server enforces them and the
/// browser never needs to come near them.
pub mod limits {
    /// Largest text frame a client may send.
    pub const MAX_FRAME_BYTES: usize = 4 * 1024;
    pub const MAX_TOPICS: usize = 32;
    /// Events replayed to a resumed connection before it is told to reset.
    pub const MAX_REPLAY: usize = 1000;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_as_documented() {
        let frame: ClientFrame =
            serde_json::from_str(r#"{"op":"subscribe","topics":["queues","ticket:4"],"after":17}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            frame,
            ClientFrame::Subscribe {
                topics: vec!["queues".into(), "ticket:4".into()],
                after: Some(17)
            }
        );
        let presence: ClientFrame =
            serde_json::from_str(r#"{"op":"presence","ticket":4,"activity":"typing"}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            presence,
            ClientFrame::Presence {
                ticket: 4,
                activity: Some(Activity::Typing)
            }
        );
        assert!(
            serde_json::from_str::<ClientFrame>(r#"{"op":"subscribe","topics":[],"x":1}"#).is_err()
        );
        let error = serde_json::to_string(&ServerFrame::Error {
            code: ErrorCode::UnknownTopic,
            message: "m".into(),
            topic: Some("nope".into()),
        })
        .unwrap_or_default();
        assert_eq!(
            error,
            r#"{"type":"error","code":"unknown_topic","message":"m","topic":"nope"}"#
        );
    }
}
