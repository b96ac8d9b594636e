//! Business calendars: when a team works, in its own timezone, and the
//! arithmetic SLA clocks run on. Working intervals are local wall-clock
//! times; every answer is an instant, so daylight-saving changes shorten or
//! lengthen a working day exactly as they do for the people in it.
//!
//! A calendar without any working interval is open around the clock (24/7);
//! holidays still close it.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MINUTES_PER_DAY: u16 = 24 * 60;
/// Holidays longer than this are refused: a calendar must have working
/// time within reach, or no due time could ever be computed.
pub const MAX_HOLIDAY_DAYS: i64 = 366;
/// How far ahead a search for working time goes before giving up.
const HORIZON_DAYS: i64 = 3 * 366;

/// Working time on one weekday, in minutes after local midnight. An
/// interval whose end is not after its start runs overnight and ends on the
/// next day; 24:00 (1440) ends at the following midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

impl Interval {
    pub fn overnight(self) -> bool {
        self.end <= self.start
    }

    /// Minutes after this weekday's midnight at which the interval ends.
    fn end_offset(self) -> u16 {
        if self.overnight() {
            self.end + MINUTES_PER_DAY
        } else {
            self.end
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        write!(f, "{}-{}", hm(self.start), hm(self.end))
    }
}

/// A closed range of local dates; a single day has `first == last`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub name: String,
}

impl Holiday {
    fn covers(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }
}

impl fmt::Display for Holiday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)?;
        } else {
            write!(f, "{}..{}", self.first, self.last)?;
        }
        if !self.name.is_empty() {
            write!(f, " {}", self.name)?;
        }
        Ok(())
    }
}

/// Why a calendar definition was refused; each names what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    UnknownTimezone(String),
    Interval { day: usize, message: String },
    Holiday { line: usize, message: String },
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::UnknownTimezone(name) => {
                write!(
                    f,
                    "\"{name}\" is not a timezone; use a name such as Europe/Berlin or UTC."
                )
            }
            CalendarError::Interval { day, message } => {
                write!(f, "{}: {message}", WEEKDAYS[*day % 7])
            }
            CalendarError::Holiday { line, message } => write!(f, "Line {line}: {message}"),
        }
    }
}

pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A validated calendar. Build it with [`Calendar::new`]; a stored one is
/// checked again when read.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    zone: Tz,
    /// Monday first.
    week: [Vec<Interval>; 7],
    holidays: Vec<Holiday>,
}

impl Calendar {
    pub fn new(
        timezone: &str,
        week: [Vec<Interval>; 7],
        holidays: Vec<Holiday>,
    ) -> Result<Self, CalendarError> {
        let zone = timezone
            .trim()
            .parse::<Tz>()
            .map_err(|_| CalendarError::UnknownTimezone(timezone.trim().to_owned()))?;
        check_week(&week)?;
        for (i, h) in holidays.iter().enumerate() {
            check_holiday(h).map_err(|message| CalendarError::Holiday {
                line: i + 1,
                message,
            })?;
        }
        Ok(Self {
            zone,
            week,
            holidays,
        })
    }

    /// Open around the clock in UTC, with no holidays: calendar time.
    pub fn always_open() -> Self {
        Self {
            zone: Tz::UTC,
            week: Default::default(),
            holidays: Vec::new(),
        }
    }

    pub fn timezone(&self) -> &str {
        self.zone.name()
    }

    pub fn week(&self) -> &[Vec<Interval>; 7] {
        &self.week
    }

    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }

    fn around_the_clock(&self) -> bool {
        self.week.iter().all(Vec::is_empty)
    }

    /// Working time between two instants (zero when `to` is not after
    /// `from`).
    pub fn business_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if to <= from {
            return total;
        }
        for (start, end) in self.spans(from) {
            if start >= to {
                break;
            }
            total += end.min(to) - start.max(from);
        }
        total
    }

    /// The instant at which `amount` of working time has passed since
    /// `from`. `None` only when no working time exists within years, which
    /// validation makes impossible for stored calendars.
    pub fn add_business(&self, from: DateTime<Utc>, amount: Duration) -> Option<DateTime<Utc>> {
        if amount <= Duration::zero() {
            return Some(from);
        }
        let mut left = amount;
        for (start, end) in self.spans(from) {
            let start = start.max(from);
            let available = end - start;
            if left <= available {
                return Some(start + left);
            }
            left -= available;
        }
        None
    }

    /// Working spans as UTC instants, in order and never overlapping, from
    /// the one containing (or first after) `from` onwards.
    pub fn spans(&self, from: DateTime<Utc>) -> Spans<'_> {
        // Start a day early: yesterday's overnight interval may still run.
        let day = from.with_timezone(&self.zone).date_naive() - Duration::days(1);
        Spans {
            calendar: self,
            from,
            day,
            idle_days: 0,
            pending: Vec::new(),
        }
    }

    /// Working spans starting on one local date, in order.
    fn spans_of(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.iter().any(|h| h.covers(date)) {
            return Vec::new();
        }
        let whole_day = [Interval {
            start: 0,
            end: MINUTES_PER_DAY,
        }];
        let intervals: &[Interval] = if self.around_the_clock() {
            &whole_day
        } else {
            &self.week[date.weekday().num_days_from_monday() as usize]
        };
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        intervals
            .iter()
            .map(|i| {
                let start = self.instant(midnight + Duration::minutes(i64::from(i.start)));
                let end = self.instant(midnight + Duration::minutes(i64::from(i.end_offset())));
                (start, end)
            })
            // An interval inside a daylight-saving gap has no length.
            .filter(|(start, end)| start < end)
            .collect()
    }

    /// The instant of a local wall-clock time. In an autumn overlap the
    /// earlier of the two; in a spring gap the first instant after it.
    fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let mut probe = local;
        for _ in 0..=(24 * 60) {
            match self.zone.from_local_datetime(&probe) {
                LocalResult::Single(t) => return t.with_timezone(&Utc),
                LocalResult::Ambiguous(earlier, _) => return earlier.with_timezone(&Utc),
                LocalResult::None => probe += Duration::minutes(1),
            }
        }
        // No timezone has a gap of a day; fall back to reading it as UTC.
        Utc.from_utc_datetime(&local)
    }
}

/// The iterator behind [`Calendar::spans`]; ends after years without work.
pub struct Spans<'a> {
    calendar: &'a Calendar,
    from: DateTime<Utc>,
    day: NaiveDate,
    idle_days: i64,
    pending: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Iterator for Spans<'_> {
    type Item = (DateTime<Utc>, DateTime<Utc>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if !self.pending.is_empty() {
                let span = self.pending.remove(0);
                if span.1 > self.from {
                    return Some(span);
                }
                continue;
            }
            if self.idle_days > HORIZON_DAYS {
                return None;
            }
            self.pending = self.calendar.spans_of(self.day);
            self.day = self.day.succ_opt()?;
            if self.pending.is_empty() {
                self.idle_days += 1;
            } else {
                self.idle_days = 0;
            }
        }
    }
}

fn check_week(week: &[Vec<Interval>; 7]) -> Result<(), CalendarError> {
    for (day, intervals) in week.iter().enumerate() {
        let refuse = |message: String| CalendarError::Interval { day, message };
        let mut previous_end = 0u16;
        for (n, interval) in intervals.iter().enumerate() {
            if interval.start >= MINUTES_PER_DAY || interval.end > MINUTES_PER_DAY {
                return Err(refuse(format!("{interval} is not a time of day.")));
            }
            if interval.start == interval.end {
                return Err(refuse(format!(
                    "{interval} has no length; write 00:00-24:00 for a whole day."
                )));
            }
            if n > 0 && interval.start < previous_end {
                return Err(refuse(format!(
                    "{interval} overlaps or comes before the interval ahead of it; list intervals in order."
                )));
            }
            if interval.overnight() && n + 1 < intervals.len() {
                return Err(refuse(format!(
                    "{interval} runs overnight, so it must be the day's last interval."
                )));
            }
            previous_end = interval.end_offset();
        }
        // An overnight interval must end before the next day's work starts.
        if let Some(last) = intervals.last().filter(|i| i.overnight()) {
            if let Some(first) = week[(day + 1) % 7].first() {
                if last.end > first.start {
                    return Err(refuse(format!(
                        "{last} runs into {}'s {first}.",
                        WEEKDAYS[(day + 1) % 7]
                    )));
                }
            }
        }
    }
    Ok(())
}

fn check_holiday(holiday: &Holiday) -> Result<(), String> {
    if holiday.last < holiday.first {
        return Err(format!(
            "{} ends before it starts.",
            Holiday {
                name: String::new(),
                ..holiday.clone()
            }
        ));
    }
    if (holiday.last - holiday.first).num_days() >= MAX_HOLIDAY_DAYS {
        return Err(format!(
            "a holiday may last at most {MAX_HOLIDAY_DAYS} days."
        ));
    }
    if holiday.name.chars().count() > 100 {
        return Err("a holiday's name may have at most 100 characters.".into());
    }
    Ok(())
}

/// Reads one weekday's intervals as typed in the admin console:
/// "09:00-12:00, 13:00-17:30"; "22:00-06:00" runs overnight; empty means
/// closed.
pub fn parse_intervals(input: &str) -> Result<Vec<Interval>, String> {
    input
        .split([',', ';'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (start, end) = part.split_once('-').ok_or_else(|| {
                format!("\"{part}\" is not an interval; write it as 09:00-17:00.")
            })?;
            let start = parse_minute(start.trim())
                .filter(|m| *m < MINUTES_PER_DAY)
                .ok_or_else(|| format!("\"{}\" is not a time; write it as 09:00.", start.trim()))?;
            let end = parse_minute(end.trim())
                .ok_or_else(|| format!("\"{}\" is not a time; write it as 17:30.", end.trim()))?;
            Ok(Interval { start, end })
        })
        .collect()
}

fn parse_minute(input: &str) -> Option<u16> {
    let (h, m) = input.split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) || input.len() > 5 {
        return None;
    }
    Some(h * 60 + m)
}

/// Reads holidays, one per line: "2026-12-25 Christmas" or
/// "2026-12-24..2026-12-26 Winter break".
pub fn parse_holidays(input: &str) -> Result<Vec<Holiday>, CalendarError> {
    let mut holidays = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let refuse = |message: String| CalendarError::Holiday {
            line: i + 1,
            message,
        };
        let (dates, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let (first, last) = dates.split_once("..").unwrap_or((dates, dates));
        let date = |text: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                refuse(format!(
                    "\"{text}\" is not a date; write 2026-12-25 or 2026-12-24..2026-12-26."
                ))
            })
        };
        let holiday = Holiday {
            first: date(first)?,
            last: date(last)?,
            name: name.trim().to_owned(),
        };
        check_holiday(&holiday).map_err(refuse)?;
        holidays.push(holiday);
    }
    holidays.sort_by_key(|h| h.first);
    Ok(holidays)
}

/// Intervals written back the way [`parse_intervals`] reads them.
pub fn format_intervals(intervals: &[Interval]) -> String {
    intervals
        .iter()
        .map(Interval::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Holidays written back the way [`parse_holidays`] reads them.
pub fn format_holidays(holidays: &[Holiday]) -> String {
    holidays
        .iter()
        .map(Holiday::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
