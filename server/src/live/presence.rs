//! Who is on which ticket page, doing what. Kept in memory only: it is
//! passing news, worthless after a minute. Entries from other instances
//! arrive as notices (see `Live`) and fade like local ones, so an instance
//! that dies leaves nothing behind for long.

use app::api::live_types::PresentPerson;
use app::domain::live::{holds, Activity};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// One connection, on whichever instance holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConnRef {
    pub instance: String,
    pub conn: u64,
}

/// A connection's presence on one ticket, as announced between instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub conn: ConnRef,
    pub ticket: i64,
    pub user_id: i64,
    pub name: String,
    /// `None`: the connection left the ticket.
    pub activity: Option<Activity>,
}

#[derive(Debug, Clone)]
struct Entry {
    conn: ConnRef,
    user_id: i64,
    name: String,
    activity: Activity,
    at: DateTime<Utc>,
}

impl Entry {
    /// What the entry says at `now`: typing fades into viewing (the agent
    /// is still on the page), viewing into nothing.
    fn now(&self, now: DateTime<Utc>) -> Option<Activity> {
        [self.activity, Activity::Viewing]
            .into_iter()
            .find(|activity| holds(*activity, self.at, now))
    }
}

pub struct Board {
    tickets: Mutex<HashMap<i64, Vec<Entry>>>,
    /// The tickets whose presence changed; connections following one send
    /// its people again.
    changed: broadcast::Sender<i64>,
}

impl Board {
    pub fn new() -> Self {
        Board {
            tickets: Mutex::new(HashMap::new()),
            changed: broadcast::channel(1024).0,
        }
    }

    pub fn changes(&self) -> broadcast::Receiver<i64> {
        self.changed.subscribe()
    }

    /// Records a signal: a connection is on one ticket at a time, so its
    /// entry elsewhere goes.
    pub fn apply(&self, signal: &Signal, now: DateTime<Utc>) {
        let mut touched = Vec::new();
        if let Ok(mut tickets) = self.tickets.lock() {
            for (ticket, entries) in tickets.iter_mut() {
                let before = entries.len();
                entries.retain(|e| e.conn != signal.conn);
                if entries.len() != before {
                    touched.push(*ticket);
                }
            }
            if let Some(activity) = signal.activity {
                tickets.entry(signal.ticket).or_default().push(Entry {
                    conn: signal.conn.clone(),
                    user_id: signal.user_id,
                    name: signal.name.clone(),
                    activity,
                    at: now,
                });
                touched.push(signal.ticket);
            }
            tickets.retain(|_, entries| !entries.is_empty());
        }
        touched.sort_unstable();
        touched.dedup();
        for ticket in touched {
            let _ = self.changed.send(ticket);
        }
    }

    /// Who is on `ticket` besides `viewer`, one line per person: typing
    /// wins over viewing when they have several tabs open.
    pub fn people(&self, ticket: i64, viewer: i64, now: DateTime<Utc>) -> Vec<PresentPerson> {
        let Ok(tickets) = self.tickets.lock() else {
            return Vec::new();
        };
        let mut people: Vec<PresentPerson> = Vec::new();
        for entry in tickets.get(&ticket).into_iter().flatten() {
            let Some(activity) = entry.now(now) else {
                continue;
            };
            if entry.user_id == viewer {
                continue;
            }
            match people.iter_mut().find(|p| p.user_id == entry.user_id) {
                Some(person) if activity == Activity::Typing => person.activity = Activity::Typing,
                Some(_) => {}
                None => people.push(PresentPerson {
                    user_id: entry.user_id,
                    name: entry.name.clone(),
                    activity,
                }),
            }
        }
        people.sort_by(|a, b| a.name.cmp(&b.name).then(a.user_id.cmp(&b.user_id)));
        people
    }

    /// Drops signals that no longer hold and turns faded typing back into
    /// viewing, and tells followers of the tickets that changed.
    pub fn sweep(&self, now: DateTime<Utc>) {
        let mut touched = Vec::new();
        if let Ok(mut tickets) = self.tickets.lock() {
            for (ticket, entries) in tickets.iter_mut() {
                let mut changed = false;
                entries.retain_mut(|e| match e.now(now) {
                    Some(activity) => {
                        changed |= activity != e.activity;
                        e.activity = activity;
                        true
                    }
                    None => {
                        changed = true;
                        false
                    }
                });
                if changed {
                    touched.push(*ticket);
                }
            }
            tickets.retain(|_, entries| !entries.is_empty());
        }
        for ticket in touched {
            let _ = self.changed.send(ticket);
        }
    }
}

impl Default for Board {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(conn: u64, ticket: i64, user_id: i64, activity: Option<Activity>) -> Signal {
        Signal {
            conn: ConnRef {
                instance: "a".into(),
                conn,
            },
            ticket,
            user_id,
            name: format!("Agent {user_id}"),
            activity,
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn others_are_listed_once_with_typing_winning() {
        let board = Board::new();
        board.apply(&signal(1, 9, 2, Some(Activity::Viewing)), at(0));
        board.apply(&signal(2, 9, 2, Some(Activity::Typing)), at(1));
        board.apply(&signal(3, 9, 3, Some(Activity::Viewing)), at(1));
        let seen_by_3 = board.people(9, 3, at(2));
        assert_eq!(seen_by_3.len(), 1);
        assert_eq!(seen_by_3[0].user_id, 2);
        assert_eq!(seen_by_3[0].activity, Activity::Typing);
        assert_eq!(board.people(9, 4, at(2)).len(), 2);
    }

    #[test]
    fn a_connection_is_on_one_ticket_and_leaving_or_fading_removes_it() {
        let board = Board::new();
        let mut changes = board.changes();
        board.apply(&signal(1, 9, 2, Some(Activity::Typing)), at(0));
        board.apply(&signal(1, 8, 2, Some(Activity::Viewing)), at(1));
        assert!(board.people(9, 5, at(1)).is_empty());
        assert_eq!(board.people(8, 5, at(1)).len(), 1);
        board.apply(&signal(1, 8, 2, None), at(2));
        assert!(board.people(8, 5, at(2)).is_empty());
        board.apply(&signal(4, 7, 2, Some(Activity::Typing)), at(3));
        board.sweep(at(3) + Activity::Typing.lasts());
        let still = board.people(7, 5, at(20));
        assert_eq!(
            still[0].activity,
            Activity::Viewing,
            "typing fades into viewing"
        );
        board.sweep(at(3) + Activity::Viewing.lasts());
        assert!(board.people(7, 5, at(60)).is_empty());
        let mut told = Vec::new();
        while let Ok(ticket) = changes.try_recv() {
            told.push(ticket);
        }
        assert_eq!(told, vec![9, 8, 9, 8, 7, 7, 7]);
    }
}
