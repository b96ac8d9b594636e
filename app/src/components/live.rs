//! The browser's side of the live channel, as context every page can use:
//! views follow topics and refetch through their usual resources when a
//! topic's version moves, so live content is rendered by the same code as
//! the page itself. Nothing here runs on the server or without JavaScript:
//! there, pages simply show what they loaded (and work by reload).

use crate::api::live_types::{ClientFrame, LiveEvent, PresentPerson};
use crate::domain::live::{Activity, Topic};
use crate::domain::{authorize, Actor, TicketId};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Where the connection stands, for the header's indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveState {
    /// Not started (server rendering, signed out, no JavaScript yet).
    Idle,
    Connecting,
    Live,
    /// Lost; trying again after a pause.
    Retrying,
    /// Ended for good (signed out elsewhere): reload to continue.
    Ended,
}

#[derive(Clone, Copy)]
pub struct Live {
    /// How many events each topic has brought since the page loaded.
    versions: RwSignal<HashMap<Topic, u64>>,
    /// The latest event, for notices ("Ann replied while you were writing").
    pub last_event: RwSignal<Option<LiveEvent>>,
    /// Who else is on each followed ticket.
    presence: RwSignal<HashMap<i64, Vec<PresentPerson>>>,
    pub state: RwSignal<LiveState>,
    /// The topics the page's views follow, with how many views follow each.
    wanted: StoredValue<BTreeMap<Topic, usize>>,
    /// Frames for the socket, while one is running.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    outbox: StoredValue<Option<futures_channel::UnboundedSender<ClientFrame>>>,
    /// The log's sequence number when the page was rendered: the first
    /// connection asks for everything after it.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    page_seq: StoredValue<Option<i64>>,
    /// The signed-in user the connection runs for.
    me: RwSignal<Option<Actor>>,
    /// The ticket whose page this tab shows, to say "viewing" as soon as
    /// its topic is followed.
    viewing: StoredValue<Option<i64>>,
    /// Bumped by every start and stop: a socket loop of an older
    /// generation ends instead of reconnecting.
    generation: StoredValue<u64>,
}

#[cfg(feature = "hydrate")]
mod futures_channel {
    pub use futures::channel::mpsc::UnboundedSender;
}

/// A stand-in where no socket ever runs: the outbox stays `None`.
#[cfg(not(feature = "hydrate"))]
mod futures_channel {
    pub struct UnboundedSender<T>(std::marker::PhantomData<fn(T)>);
}

/// Called once by the app, before the router.
pub fn provide_live() {
    let page_seq = leptos::server::SharedValue::new(request_page_seq).into_inner();
    provide_context(Live {
        versions: RwSignal::new(HashMap::new()),
        last_event: RwSignal::new(None),
        presence: RwSignal::new(HashMap::new()),
        state: RwSignal::new(LiveState::Idle),
        wanted: StoredValue::new(BTreeMap::new()),
        outbox: StoredValue::new(None),
        page_seq: StoredValue::new(page_seq),
        me: RwSignal::new(None),
        viewing: StoredValue::new(None),
        generation: StoredValue::new(0),
    });
}

#[cfg(feature = "ssr")]
fn request_page_seq() -> Option<i64> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<crate::api::live_types::PageSeq>()
        .map(|seq| seq.0)
}

#[cfg(not(feature = "ssr"))]
fn request_page_seq() -> Option<i64> {
    None
}

pub fn use_live() -> Option<Live> {
    use_context::<Live>()
}

impl Live {
    /// Starts the connection for `actor` (once; a later call for the same
    /// user does nothing).
    pub fn connect(self, actor: Actor) {
        let same = self.me.with_untracked(|me| me.as_ref().map(|m| m.id)) == Some(actor.id);
        // The same user again (a refetch of who is signed in) changes
        // nothing, not even after the server ended the connection.
        if same {
            return;
        }
        self.me.set(Some(actor));
        self.generation.update_value(|g| *g += 1);
        #[cfg(feature = "hydrate")]
        super::live_socket::start(self, self.generation.get_value());
    }

    /// Nobody is signed in any more: the socket stops for good.
    pub fn disconnect(self) {
        if self.me.get_untracked().is_none() {
            return;
        }
        self.me.set(None);
        self.generation.update_value(|g| *g += 1);
        self.outbox.set_value(None);
        self.state.set(LiveState::Idle);
    }

    /// Whether the socket loop of `generation` is still the current one.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn current(self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    /// The signed-in user's id, once the connection was started.
    pub fn me(self) -> Option<i64> {
        self.me.with(|me| me.as_ref().map(|m| m.id))
    }

    /// Whether the policy lets this user follow `topic`: the page asks
    /// only for what it may have (a refusal would change nothing anyway).
    fn permitted(self, topic: Topic) -> bool {
        self.me
            .with_untracked(|me| authorize(me.as_ref(), topic.action()).is_ok())
    }

    /// The number of events `topic` has brought; views put it in their
    /// resources' sources to refetch when it moves.
    pub fn version(self, topic: Topic) -> u64 {
        self.versions.with(|v| v.get(&topic).copied().unwrap_or(0))
    }

    /// Others on `ticket`, as the last presence frame said.
    pub fn people(self, ticket: i64) -> Vec<PresentPerson> {
        self.presence
            .with(|p| p.get(&ticket).cloned().unwrap_or_default())
    }

    /// Tells the others on `ticket` what this user is doing there: staff
    /// only, and only once the ticket is followed (until then, following
    /// it says "viewing" by itself).
    pub fn say(self, ticket: i64, activity: Option<Activity>) {
        let staff = self
            .me
            .with_untracked(|me| me.as_ref().is_some_and(|m| m.role.is_staff()));
        let followed = self
            .wanted
            .with_value(|w| w.contains_key(&Topic::Ticket(TicketId(ticket))));
        if staff && followed {
            self.send(ClientFrame::Presence { ticket, activity });
        }
    }

    /// The ticket page this tab shows (for presence), or none.
    pub fn set_viewing(self, ticket: Option<i64>) {
        self.viewing.set_value(ticket);
    }

    /// After subscribing to `topics`: says "viewing" if one of them is the
    /// ticket on screen.
    fn announce(self, topics: &[Topic]) {
        if let Some(ticket) = self.viewing.get_value() {
            if topics.contains(&Topic::Ticket(TicketId(ticket))) {
                self.say(ticket, Some(Activity::Viewing));
            }
        }
    }

    fn send(self, frame: ClientFrame) {
        #[cfg(feature = "hydrate")]
        self.outbox.with_value(|outbox| {
            if let Some(outbox) = outbox {
                let _ = outbox.unbounded_send(frame);
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = frame;
    }

    fn start_following(self, topic: Topic) {
        let first = self.wanted.try_update_value(|w| {
            let count = w.entry(topic).or_default();
            *count += 1;
            *count == 1
        });
        if first == Some(true) && self.permitted(topic) {
            self.send(ClientFrame::Subscribe {
                topics: vec![topic.to_string()],
                after: None,
            });
            self.announce(&[topic]);
        }
    }

    fn stop_following(self, topic: Topic) {
        let last = self.wanted.try_update_value(|w| match w.get_mut(&topic) {
            Some(count) if *count > 1 => {
                *count -= 1;
                false
            }
            Some(_) => {
                w.remove(&topic);
                true
            }
            None => false,
        });
        if last == Some(true) && self.permitted(topic) {
            self.send(ClientFrame::Unsubscribe {
                topics: vec![topic.to_string()],
            });
        }
    }
}

/// What the socket (`live_socket`) does to the context.
#[cfg(feature = "hydrate")]
impl Live {
    pub(super) fn bump(self, topics: &[Topic]) {
        self.versions.update(|v| {
            for topic in topics {
                *v.entry(*topic).or_default() += 1;
            }
        });
    }

    pub(super) fn bump_all(self) {
        let topics: Vec<Topic> = self.wanted.with_value(|w| w.keys().copied().collect());
        self.bump(&topics);
    }

    pub(super) fn set_people(self, ticket: i64, people: Vec<PresentPerson>) {
        self.presence.update(|p| {
            p.insert(ticket, people);
        });
    }

    /// The topics to subscribe to on a new connection.
    pub(super) fn wanted(self) -> Vec<Topic> {
        self.wanted
            .with_value(|w| w.keys().copied().filter(|t| self.permitted(*t)).collect())
    }

    pub(super) fn subscribed(self, topics: &[Topic]) {
        self.announce(topics);
    }

    pub(super) fn take_page_seq(self) -> Option<i64> {
        let seq = self.page_seq.get_value();
        self.page_seq.set_value(None);
        seq
    }

    #[cfg(feature = "hydrate")]
    pub(super) fn set_outbox(
        self,
        outbox: Option<futures::channel::mpsc::UnboundedSender<ClientFrame>>,
    ) {
        self.outbox.set_value(outbox);
    }
}

/// Follows the topic `topic` names (none while it names none) for as long
/// as the calling view lives, and returns how many events it has brought:
/// a resource source that moves whenever the view should refetch.
pub fn follow(topic: impl Fn() -> Option<Topic> + Send + Sync + 'static) -> Signal<u64> {
    let Some(live) = use_live() else {
        return Signal::derive(|| 0);
    };
    let topic = Memo::new(move |_| topic());
    // Effects run in the browser only: the server renders what it loaded.
    Effect::new(move |previous: Option<Option<Topic>>| {
        let current = topic.get();
        if let Some(Some(old)) = previous {
            if Some(old) != current {
                live.stop_following(old);
            }
        }
        if let Some(new) = current {
            if previous.flatten() != Some(new) {
                live.start_following(new);
            }
        }
        current
    });
    on_cleanup(move || {
        if let Some(topic) = topic.get_untracked() {
            live.stop_following(topic);
        }
    });
    Signal::derive(move || topic.get().map(|t| live.version(t)).unwrap_or(0))
}

/// As [`follow`], but moving at most once per `ms` milliseconds: a burst
/// of events (a bulk change, the scheduler placing many tickets) costs a
/// list one refetch instead of one per event.
pub fn follow_settled(
    topic: impl Fn() -> Option<Topic> + Send + Sync + 'static,
    ms: u64,
) -> Signal<u64> {
    let version = follow(topic);
    let settled = RwSignal::new(version.get_untracked());
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        let current = version.get();
        if current == settled.get_untracked() || waiting.get_value() {
            return;
        }
        waiting.set_value(true);
        set_timeout(
            move || {
                waiting.set_value(false);
                settled.set(version.get_untracked());
            },
            std::time::Duration::from_millis(ms),
        );
    });
    settled.into()
}

/// The header's word on the connection; nothing until it has started.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let Some(live) = use_live() else {
        return ().into_any();
    };
    (move || {
        let (class, text, title) = match live.state.get() {
            LiveState::Idle => return None,
            LiveState::Connecting => (
                "live live-wait",
                "Connecting…",
                "Connecting to live updates",
            ),
            LiveState::Live => ("live live-on", "Live", "Changes appear as they happen"),
            LiveState::Retrying => (
                "live live-wait",
                "Reconnecting…",
                "Live updates were lost; reconnecting",
            ),
            LiveState::Ended => (
                "live live-off",
                "Offline",
                "Live updates ended; reload the page to continue",
            ),
        };
        Some(view! { <span class=class title=title role="status">{text}</span> })
    })
    .into_any()
}
