//! SLA clocks: per ticket and metric, when the promised response or
//! resolution is due, and how pausing, replies and status changes move it.
//! Every function takes `now`; the server stores the clocks and the
//! browser runs the same arithmetic for its countdowns.

use super::calendar::Calendar;
use super::ticket::{Priority, Status};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl Metric {
    pub const ALL: [Metric; 3] = [
        Metric::FirstResponse,
        Metric::NextResponse,
        Metric::Resolution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first_response",
            Metric::NextResponse => "next_response",
            Metric::Resolution => "resolution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Metric::FirstResponse => "First response",
            Metric::NextResponse => "Next response",
            Metric::Resolution => "Resolution",
        }
    }

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == input)
            .ok_or("Choose first response, next response or resolution.")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    Running,
    Paused,
    Met,
    Breached,
    /// A response clock whose ticket was resolved or closed before any
    /// agent replied publicly. In time (no `breached_at`) the promise was
    /// neither kept nor broken, so compliance counts it apart from both;
    /// after its due time it counts as breached.
    Stopped,
}

impl ClockStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockStatus::Running => "running",
            ClockStatus::Paused => "paused",
            ClockStatus::Met => "met",
            ClockStatus::Breached => "breached",
            ClockStatus::Stopped => "stopped",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClockStatus::Running => "RUNNING",
            ClockStatus::Paused => "PAUSED",
            ClockStatus::Met => "MET",
            ClockStatus::Breached => "BREACHED",
            ClockStatus::Stopped => "STOPPED",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [
            ClockStatus::Running,
            ClockStatus::Paused,
            ClockStatus::Met,
            ClockStatus::Breached,
            ClockStatus::Stopped,
        ]
        .into_iter()
        .find(|s| s.as_str() == input)
    }
}

/// A promise: so many minutes, counted in business time on the policy's
/// calendar or in plain calendar time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub minutes: u32,
    pub business: bool,
}

/// Longest target accepted: a year.
pub const MAX_TARGET_MINUTES: u32 = 366 * 24 * 60;

/// What applies to one ticket now: its policy's targets for its priority,
/// the statuses that pause, and the calendar business time runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    pub policy_id: Option<i64>,
    pub first_response: Option<Target>,
    pub next_response: Option<Target>,
    pub resolution: Option<Target>,
    pub pause_on: Vec<Status>,
    pub calendar: Calendar,
}

impl Terms {
    /// No policy: nothing is promised.
    pub fn none() -> Self {
        Self {
            policy_id: None,
            first_response: None,
            next_response: None,
            resolution: None,
            pause_on: default_pause_statuses(),
            calendar: Calendar::always_open(),
        }
    }

    /// What policy `policy_id` promises a ticket at `priority`: its targets
    /// for that priority, its pause statuses, and its calendar (round the
    /// clock without one).
    pub fn of_policy(
        policy_id: i64,
        targets: &PolicyTargets,
        pause_on: &[Status],
        calendar: Option<Calendar>,
        priority: Priority,
    ) -> Self {
        let targets = targets_for(targets, priority);
        Self {
            policy_id: Some(policy_id),
            first_response: targets.first_response,
            next_response: targets.next_response,
            resolution: targets.resolution,
            pause_on: pause_on.to_vec(),
            calendar: calendar.unwrap_or_else(Calendar::always_open),
        }
    }

    pub fn target(&self, metric: Metric) -> Option<Target> {
        match metric {
            Metric::FirstResponse => self.first_response,
            Metric::NextResponse => self.next_response,
            Metric::Resolution => self.resolution,
        }
    }

    pub fn pauses(&self, status: Status) -> bool {
        self.pause_on.contains(&status)
    }
}

pub fn default_pause_statuses() -> Vec<Status> {
    vec![Status::Pending, Status::OnHold]
}

/// One metric's clock on one ticket. `cycle` counts how often the metric
/// was armed on this ticket (next response re-arms with every customer
/// reply; resolution with every reopening): escalations fire once per cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub metric: Metric,
    pub cycle: i64,
    pub status: ClockStatus,
    pub started_at: DateTime<Utc>,
    pub target: Target,
    /// Time spent paused so far, measured both ways so that a change of
    /// target between business and calendar time keeps it.
    pub paused_business_ms: i64,
    pub paused_calendar_ms: i64,
    pub paused_since: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    /// When the promise was fulfilled, in time or (for a breached clock) late.
    pub met_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
}

impl Clock {
    /// Still counting (or paused): not yet fulfilled or stopped.
    pub fn is_open(&self) -> bool {
        self.met_at.is_none() && !matches!(self.status, ClockStatus::Met | ClockStatus::Stopped)
    }

    /// Counts towards the ticket's nearest due time: running, or breached
    /// and still unanswered (so an overdue ticket stays at the head of
    /// "Breaching soon" and of its queue).
    pub fn is_overdue_or_running(&self) -> bool {
        self.met_at.is_none() && matches!(self.status, ClockStatus::Running | ClockStatus::Breached)
    }

    /// The status as of `now`: a running clock past its due time is
    /// breached even before the monitor has recorded it.
    pub fn status_at(&self, now: DateTime<Utc>) -> ClockStatus {
        if self.status == ClockStatus::Running && now >= self.due_at {
            ClockStatus::Breached
        } else {
            self.status
        }
    }

    /// What is left before the due time, as of `now` (negative when
    /// overdue); while paused, what was left when the pause began.
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        match self.paused_since {
            Some(since) => self.due_at - since,
            None => self.due_at - now,
        }
    }

    fn paused(&self) -> Duration {
        Duration::milliseconds(if self.target.business {
            self.paused_business_ms
        } else {
            self.paused_calendar_ms
        })
    }
}

/// The due time of a target started at `start`, plus time spent paused.
pub fn due_time(
    start: DateTime<Utc>,
    target: Target,
    paused: Duration,
    calendar: &Calendar,
) -> DateTime<Utc> {
    let amount = Duration::minutes(i64::from(target.minutes)) + paused;
    if target.business {
        // Stored calendars always have working time within reach; should
        // one not, counting in plain time is the honest fallback.
        calendar
            .add_business(start, amount)
            .unwrap_or(start + amount)
    } else {
        start + amount
    }
}

/// Something that happened to a ticket which SLA clocks answer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlaEvent {
    Created {
        status: Status,
    },
    /// A public message: from an agent it answers, from the customer it
    /// asks again.
    PublicReply {
        by_agent: bool,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    /// Priority or category changed, so the terms did. `answered` says
    /// whether an agent has replied publicly yet; `created_at` starts a
    /// clock the new terms add.
    TermsChanged {
        created_at: DateTime<Utc>,
        answered: bool,
        status: Status,
    },
}

/// What happened to a clock, for the ticket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change", content = "metric")]
pub enum ClockChange {
    Armed(Metric),
    Met(Metric),
    MetLate(Metric),
    /// The ticket finished before any agent replied publicly.
    StoppedUnanswered(Metric),
    Paused(Metric),
    Resumed(Metric),
    Retargeted(Metric),
    Dropped(Metric),
}

/// Applies one event to a ticket's clocks (at most one per metric, the
/// latest cycle) and says what changed.
pub fn apply(
    clocks: &mut Vec<Clock>,
    event: &SlaEvent,
    terms: &Terms,
    now: DateTime<Utc>,
) -> Vec<ClockChange> {
    let mut changes = Vec::new();
    match *event {
        SlaEvent::Created { status } => {
            for metric in [Metric::FirstResponse, Metric::Resolution] {
                arm(clocks, metric, now, status, terms, &mut changes);
            }
        }
        SlaEvent::PublicReply { by_agent: true } => {
            for metric in [Metric::FirstResponse, Metric::NextResponse] {
                if let Some(clock) = open_clock(clocks, metric) {
                    changes.push(fulfil(clock, now));
                }
            }
        }
        SlaEvent::PublicReply { by_agent: false } => {
            // Until the first response, that clock covers every question.
            let first_pending = open_clock(clocks, Metric::FirstResponse).is_some();
            let next_pending = open_clock(clocks, Metric::NextResponse).is_some();
            if !first_pending && !next_pending {
                arm(
                    clocks,
                    Metric::NextResponse,
                    now,
                    Status::Open,
                    terms,
                    &mut changes,
                );
            }
        }
        SlaEvent::StatusChanged { from, to } => {
            let finished = |s: Status| matches!(s, Status::Resolved | Status::Closed);
            if finished(to) && !finished(from) {
                for clock in clocks.iter_mut().filter(|c| c.is_open()) {
                    // Only an agent's public reply answers; finishing the
                    // ticket answers nobody.
                    changes.push(match clock.metric {
                        Metric::Resolution => fulfil(clock, now),
                        Metric::FirstResponse | Metric::NextResponse => stop_unanswered(clock, now),
                    });
                }
            } else if finished(from) && !finished(to) {
                arm(clocks, Metric::Resolution, now, to, terms, &mut changes);
                // Reopened and still never answered: the wait for a first
                // response (or the next one) goes on, in a new cycle.
                for metric in [Metric::FirstResponse, Metric::NextResponse] {
                    let stopped = clocks
                        .iter()
                        .any(|c| c.metric == metric && c.status == ClockStatus::Stopped);
                    if stopped {
                        arm(clocks, metric, now, to, terms, &mut changes);
                    }
                }
            } else if terms.pauses(to) && !terms.pauses(from) {
                for clock in clocks.iter_mut().filter(|c| c.is_open()) {
                    // A clock already past its due time has breached; a
                    // pause cannot take that back.
                    if clock.status == ClockStatus::Running && !breach(clock, now) {
                        clock.status = ClockStatus::Paused;
                        clock.paused_since = Some(now);
                        changes.push(ClockChange::Paused(clock.metric));
                    }
                }
            } else if terms.pauses(from) && !terms.pauses(to) {
                for clock in clocks.iter_mut().filter(|c| c.is_open()) {
                    if clock.status == ClockStatus::Paused {
                        resume(clock, &terms.calendar, now);
                        changes.push(ClockChange::Resumed(clock.metric));
                    }
                }
            }
        }
        SlaEvent::TermsChanged {
            created_at,
            answered,
            status,
        } => {
            for metric in Metric::ALL {
                let target = terms.target(metric);
                match (open_clock(clocks, metric), target) {
                    // A breach is on record for good: the due time it
                    // missed stays, and new terms apply from the next cycle.
                    (Some(clock), Some(_)) if clock.status == ClockStatus::Breached => {}
                    (Some(clock), Some(target)) => {
                        if clock.target != target {
                            clock.target = target;
                            clock.due_at =
                                due_time(clock.started_at, target, clock.paused(), &terms.calendar);
                            changes.push(ClockChange::Retargeted(metric));
                        }
                    }
                    // A breach stays on record; only a clock still
                    // counting stops being measured.
                    (Some(clock), None) if clock.status != ClockStatus::Breached => {
                        clocks.retain(|c| !(c.metric == metric && c.is_open()));
                        changes.push(ClockChange::Dropped(metric));
                    }
                    (Some(_), None) => {}
                    (None, Some(_)) => {
                        let outstanding = match metric {
                            Metric::FirstResponse => !answered,
                            Metric::Resolution => {
                                !matches!(status, Status::Resolved | Status::Closed)
                            }
                            // Only a customer's reply arms it.
                            Metric::NextResponse => false,
                        };
                        let never_armed = !clocks.iter().any(|c| c.metric == metric);
                        if outstanding && never_armed {
                            arm(clocks, metric, created_at, status, terms, &mut changes);
                        }
                    }
                    (None, None) => {}
                }
            }
        }
    }
    changes
}

fn open_clock(clocks: &mut [Clock], metric: Metric) -> Option<&mut Clock> {
    clocks
        .iter_mut()
        .find(|c| c.metric == metric && c.is_open())
}

/// Starts a new cycle of `metric`, replacing the finished previous one.
fn arm(
    clocks: &mut Vec<Clock>,
    metric: Metric,
    start: DateTime<Utc>,
    status: Status,
    terms: &Terms,
    changes: &mut Vec<ClockChange>,
) {
    let Some(target) = terms.target(metric) else {
        return;
    };
    let cycle = clocks
        .iter()
        .filter(|c| c.metric == metric)
        .map(|c| c.cycle)
        .max()
        .unwrap_or(0)
        + 1;
    clocks.retain(|c| c.metric != metric);
    let paused = terms.pauses(status);
    clocks.push(Clock {
        metric,
        cycle,
        status: if paused {
            ClockStatus::Paused
        } else {
            ClockStatus::Running
        },
        started_at: start,
        target,
        paused_business_ms: 0,
        paused_calendar_ms: 0,
        paused_since: paused.then_some(start),
        due_at: due_time(start, target, Duration::zero(), &terms.calendar),
        met_at: None,
        breached_at: None,
    });
    clocks.sort_by_key(|c| c.metric);
    changes.push(ClockChange::Armed(metric));
}

fn fulfil(clock: &mut Clock, now: DateTime<Utc>) -> ClockChange {
    // A paused clock stopped before its due time, so it cannot be late.
    let was_paused = clock.paused_since.take().is_some();
    clock.met_at = Some(now);
    if clock.status == ClockStatus::Breached || (!was_paused && now >= clock.due_at) {
        clock.status = ClockStatus::Breached;
        clock.breached_at.get_or_insert(clock.due_at);
        ClockChange::MetLate(clock.metric)
    } else {
        clock.status = ClockStatus::Met;
        ClockChange::Met(clock.metric)
    }
}

/// Stops a response clock whose ticket finished without an agent's public
/// reply. One already past its due time (and not paused) had breached:
/// `breached_at` keeps that on record, and compliance counts it so.
fn stop_unanswered(clock: &mut Clock, now: DateTime<Utc>) -> ClockChange {
    let was_paused = clock.paused_since.take().is_some();
    if clock.status == ClockStatus::Breached || (!was_paused && now >= clock.due_at) {
        clock.breached_at.get_or_insert(clock.due_at);
    }
    clock.status = ClockStatus::Stopped;
    ClockChange::StoppedUnanswered(clock.metric)
}

/// Ends a pause: the time it lasted moves the due time out.
pub fn resume(clock: &mut Clock, calendar: &Calendar, now: DateTime<Utc>) {
    let Some(since) = clock.paused_since.take() else {
        return;
    };
    clock.paused_business_ms += calendar.business_between(since, now).num_milliseconds();
    clock.paused_calendar_ms += (now - since).num_milliseconds().max(0);
    clock.due_at = due_time(clock.started_at, clock.target, clock.paused(), calendar);
    clock.status = ClockStatus::Running;
}

/// Records a breach the monitor noticed; false if the clock is not one
/// that can breach at `now` (fulfilled, paused, or not yet due). The due
/// instant itself is already late: a promise "within an hour" means before
/// the hour is up.
pub fn breach(clock: &mut Clock, now: DateTime<Utc>) -> bool {
    if clock.status != ClockStatus::Running || now < clock.due_at {
        return false;
    }
    clock.status = ClockStatus::Breached;
    clock.breached_at = Some(clock.due_at);
    true
}

/// The policy's targets for one priority, one per metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PriorityTargets {
    pub first_response: Option<Target>,
    pub next_response: Option<Target>,
    pub resolution: Option<Target>,
}

/// Targets for every priority, lowest first.
pub type PolicyTargets = [PriorityTargets; 4];

pub fn targets_for(targets: &PolicyTargets, priority: Priority) -> PriorityTargets {
    targets[priority.rank() as usize]
}

/// How a clock stands, for colouring countdowns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    Met,
    Paused,
    OnTrack,
    /// Less than a quarter of its time (or 15 minutes) left.
    Soon,
    Breached,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Met => "met",
            Urgency::Paused => "paused",
            Urgency::OnTrack => "on-track",
            Urgency::Soon => "soon",
            Urgency::Breached => "breached",
        }
    }
}

pub fn urgency(clock: &Clock, now: DateTime<Utc>) -> Urgency {
    match clock.status_at(now) {
        ClockStatus::Met => Urgency::Met,
        ClockStatus::Stopped if clock.breached_at.is_some() => Urgency::Breached,
        ClockStatus::Stopped => Urgency::Met,
        ClockStatus::Paused => Urgency::Paused,
        ClockStatus::Breached => Urgency::Breached,
        ClockStatus::Running => {
            let left = clock.due_at - now;
            let span = clock.due_at - clock.started_at;
            if left * 4 <= span || left <= Duration::minutes(15) {
                Urgency::Soon
            } else {
                Urgency::OnTrack
            }
        }
    }
}

/// Reads a target as typed in the admin console: "90" or "90m" minutes,
/// "4h", "1h 30m", "2d" (days of 24 hours). Empty means no target.
pub fn parse_target(input: &str) -> Result<Option<u32>, String> {
    let text = input.trim().to_lowercase();
    if text.is_empty() {
        return Ok(None);
    }
    let refuse = || {
        format!(
            "\"{}\" is not a duration; write 90m, 4h, 1h 30m or 2d.",
            input.trim()
        )
    };
    let mut total: u64 = 0;
    let mut number = String::new();
    let mut any = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'd' => 24 * 60,
            'h' => 60,
            'm' => 1,
            ' ' if number.is_empty() => continue,
            ' ' => 1,
            _ => return Err(refuse()),
        };
        if number.is_empty() {
            return Err(refuse());
        }
        let n: u64 = number.parse().map_err(|_| refuse())?;
        total = total.saturating_add(n.saturating_mul(unit));
        number.clear();
        any = true;
    }
    if !any {
        return Err(refuse());
    }
    if total == 0 {
        return Err("A target must be at least one minute; leave it empty for none.".into());
    }
    if total > u64::from(MAX_TARGET_MINUTES) {
        return Err("A target may be at most 366 days.".into());
    }
    Ok(Some(total as u32))
}

/// Minutes written the way [`parse_target`] reads them: "1d 2h 30m".
pub fn format_minutes(minutes: u32) -> String {
    let (d, h, m) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if parts.is_empty() {
        "0m".into()
    } else {
        parts.join(" ")
    }
}

/// A span of time for a countdown: "2h 05m", "3d 4h", "45s".
pub fn format_countdown(span: Duration) -> String {
    let secs = span.num_seconds().abs();
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    let text = if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    };
    if span < Duration::zero() {
        format!("{text} overdue")
    } else {
        text
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
