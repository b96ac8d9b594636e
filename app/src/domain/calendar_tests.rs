use super::*;
use proptest::prelude::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn hm(text: &str) -> Vec<Interval> {
    parse_intervals(text).unwrap()
}

/// The same intervals every weekday, none at the weekend.
fn office(zone: &str, hours: &str, holidays: &str) -> Calendar {
    let day = hm(hours);
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ];
    Calendar::new(zone, week, parse_holidays(holidays).unwrap()).unwrap()
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

#[test]
fn office_hours_skip_nights_and_weekends() {
    let cal = office("UTC", "09:00-17:00", "");
    // 2026-11-20 is a Friday.
    let friday_4pm = utc("2026-11-20T16:00:00Z");
    assert_eq!(
        cal.business_between(utc("2026-11-16T10:00:00Z"), utc("2026-11-16T16:00:00Z")),
        hours(6)
    );
    assert_eq!(
        cal.business_between(friday_4pm, utc("2026-11-23T10:00:00Z")),
        hours(2)
    );
    assert_eq!(
        cal.add_business(friday_4pm, hours(8)),
        Some(utc("2026-11-23T16:00:00Z"))
    );
    // Starting outside working time counts from the next opening.
    assert_eq!(
        cal.add_business(utc("2026-11-21T12:00:00Z"), hours(1)),
        Some(utc("2026-11-23T10:00:00Z"))
    );
    // Exactly used up at closing time: due at closing, not next morning.
    assert_eq!(
        cal.add_business(utc("2026-11-23T09:00:00Z"), hours(8)),
        Some(utc("2026-11-23T17:00:00Z"))
    );
}

#[test]
fn several_intervals_a_day() {
    let cal = office("UTC", "09:00-12:00, 13:00-17:00", "");
    assert_eq!(
        cal.add_business(utc("2026-11-23T10:00:00Z"), hours(4)),
        Some(utc("2026-11-23T15:00:00Z"))
    );
    assert_eq!(
        cal.business_between(utc("2026-11-23T00:00:00Z"), utc("2026-11-24T00:00:00Z")),
        hours(7)
    );
}

#[test]
fn overnight_intervals_belong_to_the_day_they_start() {
    let night = hm("22:00-06:00");
    let week = [
        night.clone(),
        night.clone(),
        night.clone(),
        night.clone(),
        night,
        Vec::new(),
        Vec::new(),
    ];
    let cal = Calendar::new("UTC", week, Vec::new()).unwrap();
    // Monday 23:00 + 3 h = Tuesday 02:00.
    assert_eq!(
        cal.add_business(utc("2026-11-23T23:00:00Z"), hours(3)),
        Some(utc("2026-11-24T02:00:00Z"))
    );
    // Friday's night shift runs into Saturday morning; then nothing until
    // Monday 22:00.
    assert_eq!(
        cal.add_business(utc("2026-11-28T05:00:00Z"), hours(2)),
        Some(utc("2026-11-30T23:00:00Z"))
    );
    assert_eq!(
        cal.business_between(utc("2026-11-23T00:00:00Z"), utc("2026-11-30T00:00:00Z")),
        hours(40)
    );
}

#[test]
fn holidays_close_single_days_and_ranges() {
    let cal = office(
        "UTC",
        "09:00-17:00",
        "2026-12-25 Christmas\n2026-12-28..2026-12-31 Winter break",
    );
    // Thursday 24th 16:00 + 2 h: Friday is a holiday, then the weekend,
    // then four days of break; work resumes on Friday 1 January.
    assert_eq!(
        cal.add_business(utc("2026-12-24T16:00:00Z"), hours(2)),
        Some(utc("2027-01-01T10:00:00Z"))
    );
    assert_eq!(
        cal.business_between(utc("2026-12-21T00:00:00Z"), utc("2027-01-04T00:00:00Z")),
        hours(8 * 5)
    );
}

#[test]
fn an_empty_calendar_is_open_around_the_clock() {
    let week: [Vec<Interval>; 7] = Default::default();
    let cal = Calendar::new("Europe/Berlin", week.clone(), Vec::new()).unwrap();
    let from = utc("2026-11-20T16:17:18Z");
    assert_eq!(cal.add_business(from, hours(50)), Some(from + hours(50)));
    assert_eq!(cal.business_between(from, from + hours(50)), hours(50));
    // Holidays still close it.
    let closed = parse_holidays("2026-11-21").unwrap();
    let cal = Calendar::new("UTC", week, closed).unwrap();
    assert_eq!(
        cal.add_business(utc("2026-11-20T23:00:00Z"), hours(2)),
        Some(utc("2026-11-22T01:00:00Z"))
    );
    let always = Calendar::always_open();
    assert_eq!(always.add_business(from, hours(1)), Some(from + hours(1)));
}

#[test]
fn daylight_saving_changes_shorten_and_lengthen_working_time() {
    // Berlin springs forward on Sunday 2026-03-29 at 02:00 and falls back
    // on Sunday 2026-10-25 at 03:00.
    let mut week: [Vec<Interval>; 7] = Default::default();
    week[6] = hm("01:00-05:00");
    let cal = Calendar::new("Europe/Berlin", week, Vec::new()).unwrap();
    let day = |d: &str| {
        (
            utc(&format!("{d}T00:00:00Z")),
            utc(&format!("{d}T23:00:00Z")),
        )
    };
    let (from, to) = day("2026-03-29");
    assert_eq!(cal.business_between(from, to), hours(3));
    // A week later, in summer time (UTC+2), the same hours are four long.
    assert_eq!(
        cal.business_between(utc("2026-04-04T22:00:00Z"), utc("2026-04-05T22:00:00Z")),
        hours(4)
    );
    let (from, to) = day("2026-10-25");
    assert_eq!(cal.business_between(from - hours(2), to), hours(5));

    // Office hours stay eight local hours a day across the change: Friday
    // 16:00 CET (15:00 UTC) + 2 h is Monday 10:00 CEST (08:00 UTC).
    let office = office("Europe/Berlin", "09:00-17:00", "");
    assert_eq!(
        office.add_business(utc("2026-03-27T15:00:00Z"), hours(2)),
        Some(utc("2026-03-30T08:00:00Z"))
    );

    // An interval starting inside the gap starts when the clocks resume.
    let mut week: [Vec<Interval>; 7] = Default::default();
    week[6] = hm("02:30-03:30");
    let gap = Calendar::new("Europe/Berlin", week, Vec::new()).unwrap();
    let (from, to) = day("2026-03-29");
    assert_eq!(gap.business_between(from, to), Duration::minutes(30));

    // A night shift across the spring change is an hour short.
    let mut week: [Vec<Interval>; 7] = Default::default();
    week[5] = hm("22:00-06:00");
    let night = Calendar::new("Europe/Berlin", week, Vec::new()).unwrap();
    assert_eq!(
        night.business_between(utc("2026-03-28T00:00:00Z"), utc("2026-03-30T00:00:00Z")),
        hours(7)
    );

    // Around the clock, the spring Sunday has 23 hours.
    let always = Calendar::new("Europe/Berlin", Default::default(), Vec::new()).unwrap();
    assert_eq!(
        always.business_between(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
        hours(23)
    );
}

#[test]
fn definitions_with_mistakes_are_refused_with_a_reason() {
    let mut week: [Vec<Interval>; 7] = Default::default();
    assert!(matches!(
        Calendar::new("Mars/Olympus", week.clone(), Vec::new()),
        Err(CalendarError::UnknownTimezone(_))
    ));
    week[0] = hm("09:00-12:00, 11:00-13:00");
    let err = Calendar::new("UTC", week.clone(), Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Monday: 11:00-13:00 overlaps or comes before the interval ahead of it; list intervals in order."
    );
    week[0] = hm("22:00-02:00, 23:00-23:30");
    assert!(Calendar::new("UTC", week.clone(), Vec::new())
        .unwrap_err()
        .to_string()
        .contains("must be the day's last interval"));
    week[0] = hm("22:00-08:00");
    week[1] = hm("07:00-12:00");
    assert_eq!(
        Calendar::new("UTC", week.clone(), Vec::new())
            .unwrap_err()
            .to_string(),
        "Monday: 22:00-08:00 runs into Tuesday's 07:00-12:00."
    );
    week[1] = Vec::new();
    week[2] = hm("10:00-10:00");
    assert!(Calendar::new("UTC", week, Vec::new())
        .unwrap_err()
        .to_string()
        .starts_with("Wednesday: 10:00-10:00 has no length"));

    assert_eq!(
        parse_intervals("9-17").unwrap_err(),
        "\"9\" is not a time; write it as 09:00."
    );
    assert_eq!(
        parse_intervals("09:00").unwrap_err(),
        "\"09:00\" is not an interval; write it as 09:00-17:00."
    );
    assert!(parse_intervals("24:00-02:00").is_err());
    assert!(parse_intervals("09:60-10:00").is_err());
    assert_eq!(
        parse_holidays("2026-12-25\n2026-13-01 Nope")
            .unwrap_err()
            .to_string(),
        "Line 2: \"2026-13-01\" is not a date; write 2026-12-25 or 2026-12-24..2026-12-26."
    );
    assert_eq!(
        parse_holidays("2026-12-26..2026-12-24 Backwards")
            .unwrap_err()
            .to_string(),
        "Line 1: 2026-12-26..2026-12-24 ends before it starts."
    );
    assert!(parse_holidays("2026-01-01..2027-06-01 Sabbatical").is_err());
}

#[test]
fn what_is_written_reads_back_the_same() {
    let intervals = hm(" 09:00-12:00 ;13:00-17:30,22:00-24:00");
    assert_eq!(
        format_intervals(&intervals),
        "09:00-12:00, 13:00-17:30, 22:00-24:00"
    );
    assert_eq!(
        parse_intervals(&format_intervals(&intervals)).unwrap(),
        intervals
    );
    let holidays =
        parse_holidays("2026-12-28..2026-12-31 Winter break\n2026-12-25 Christmas").unwrap();
    assert_eq!(
        format_holidays(&holidays),
        "2026-12-25 Christmas\n2026-12-28..2026-12-31 Winter break"
    );
    assert_eq!(
        parse_holidays(&format_holidays(&holidays)).unwrap(),
        holidays
    );
}

/// Valid calendars of every shape: zones with daylight saving (Lord Howe
/// shifts by half an hour), several intervals a day, overnight shifts,
/// holidays, and empty weeks.
fn calendars() -> impl Strategy<Value = Calendar> {
    let zone = prop::sample::select(vec![
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
    ]);
    let day = prop::collection::btree_set(0u16..=96, 0..6);
    let overnight = prop::option::weighted(0.2, 0u16..24);
    let holidays = prop::collection::vec((0i64..400, 0i64..10), 0..4);
    (zone, prop::array::uniform7((day, overnight)), holidays).prop_filter_map(
        "the generated week overlaps itself",
        |(zone, days, holidays)| {
            let week = days.map(|(bounds, night)| {
                // Quarter-hour boundaries, paired up in order.
                let bounds: Vec<u16> = bounds.into_iter().map(|b| b * 15).collect();
                let mut intervals: Vec<Interval> = bounds
                    .chunks_exact(2)
                    .map(|p| Interval {
                        start: p[0],
                        end: p[1],
                    })
                    .filter(|i| i.start < MINUTES_PER_DAY)
                    .collect();
                if let Some(end) = night {
                    let start = intervals.last().map_or(20 * 60, |i| i.end.max(20 * 60));
                    if start < MINUTES_PER_DAY {
                        intervals.push(Interval {
                            start,
                            end: end * 15,
                        });
                    }
                }
                intervals
            });
            let base = NaiveDate::from_ymd_opt(2026, 1, 1)?;
            let holidays = holidays
                .into_iter()
                .map(|(offset, length)| Holiday {
                    first: base + Duration::days(offset),
                    last: base + Duration::days(offset + length),
                    name: String::new(),
                })
                .collect();
            Calendar::new(zone, week, holidays).ok()
        },
    )
}

fn instants() -> impl Strategy<Value = DateTime<Utc>> {
    // Throughout 2026, to the minute, so every DST change is reachable.
    (0i64..365 * 24 * 60).prop_map(|m| utc("2026-01-01T00:00:00Z") + Duration::minutes(m))
}

fn amounts() -> impl Strategy<Value = Duration> {
    (0i64..5 * 24 * 60).prop_map(Duration::minutes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn adding_then_measuring_gives_the_amount_back(cal in calendars(), from in instants(), amount in amounts()) {
        let due = cal.add_business(from, amount).unwrap();
        prop_assert!(due >= from);
        prop_assert_eq!(cal.business_between(from, due), amount);
    }

    #[test]
    fn the_due_time_is_monotone_in_the_start(cal in calendars(), a in instants(), b in instants(), amount in amounts()) {
        let (early, late) = (a.min(b), a.max(b));
        prop_assert!(cal.add_business(early, amount).unwrap() <= cal.add_business(late, amount).unwrap());
    }

    #[test]
    fn adding_in_two_steps_equals_adding_once(cal in calendars(), from in instants(), x in amounts(), y in amounts()) {
        let once = cal.add_business(from, x + y).unwrap();
        let twice = cal.add_business(cal.add_business(from, x).unwrap(), y).unwrap();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn working_time_never_exceeds_real_time_and_splits_cleanly(cal in calendars(), a in instants(), b in instants(), c in instants()) {
        let mut points = [a, b, c];
        points.sort();
        let [a, b, c] = points;
        let whole = cal.business_between(a, c);
        prop_assert!(whole <= c - a);
        prop_assert_eq!(whole, cal.business_between(a, b) + cal.business_between(b, c));
    }
}
