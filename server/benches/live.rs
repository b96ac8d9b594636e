#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run
//! Live channel benchmark: many sockets watching the agent queues while a
//! customer replies, against real `ferrodesk serve` processes.
//!
//! - One instance on SQLite: BENCH_SOCKETS sockets (default 1,000) follow
//!   `queues`; BENCH_EVENTS replies (default 50) are posted one after the
//!   other. For every reply and every socket: the time from the commit
//!   (the instance's debug log line "events committed") to the frame's
//!   arrival, as p50/p95/p99 over all of them, and the time until the last
//!   socket had it; also the time from the change (the event's own time,
//!   taken when the request began) to the arrival. Memory per connection
//!   is the server process's resident size grown while the sockets were
//!   opened, divided by their number.
//! - Two instances on one PostgreSQL database: the sockets on one, the
//!   replies through the other.
//!
//! `cargo bench -p server --bench live`; BENCH_BACKEND=sqlite|postgres runs
//! one backend only.

mod figures;
#[path = "../tests/support/mod.rs"]
mod support;

use app::api::live_types::ServerFrame;
use app::domain::Role;
use chrono::{DateTime, Utc};
use figures::{env_or, percentiles};
use std::collections::HashMap;
use std::io::BufRead;
use std::time::Duration;
use support::live::Socket;
use support::process::Instance;
use support::{insert_user, Client, Db, FreshDb, TEST_PASSWORD};
use tokio::sync::mpsc;

/// The resident size of process `pid`, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn signed_in(base: &str, email: &str) -> Client {
    let client = Client::new(base);
    assert_eq!(client.sign_in(email, TEST_PASSWORD).await.status, 200);
    client
}

/// Opens `count` sockets following `queues`, each reporting the sequence
/// number and arrival time of every reply it sees.
async fn watchers(
    agent: &Client,
    count: usize,
    arrivals: mpsc::UnboundedSender<(
        i64,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
    )>,
) {
    let mut opened: Vec<Socket> = Vec::with_capacity(count);
    for _ in 0..count {
        let mut socket = agent.live().await;
        socket.subscribe(&["queues"], None).await;
        opened.push(socket);
    }
    for mut socket in opened {
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Ok(frame) = socket.next().await {
                if let ServerFrame::Event(event) = frame {
                    if event.kind == "MessageAdded" {
                        let _ = arrivals.send((event.seq, event.at, chrono::Utc::now()));
                    }
                }
            }
        });
    }
}

/// The commit times of replies in the log of an instance started with
/// `Instance::start_logging`, in order.
fn commits(log: std::process::ChildStdout) -> mpsc::UnboundedReceiver<DateTime<Utc>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(log).lines() {
            let Ok(line) = line else { return };
            let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line) else {
                eprintln!("{line}");
                continue;
            };
            let fields = &entry["fields"];
            if fields["message"] != "events committed" {
                eprintln!("{line}");
                continue;
            }
            let reply = fields["kinds"]
                .as_str()
                .is_some_and(|k| k.contains("MessageAdded"));
            let at = entry["timestamp"]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            if let (true, Some(at)) = (reply, at) {
                let _ = tx.send(at.with_timezone(&Utc));
            }
        }
    });
    rx
}

async fn run(
    label: &str,
    sockets_on: &Instance,
    replies_via: &Instance,
    mut committed: mpsc::UnboundedReceiver<DateTime<Utc>>,
    sockets: usize,
    events: usize,
) {
    let agent = signed_in(&sockets_on.base, "ada@example.com").await;
    let customer = signed_in(&replies_via.base, "ann@example.com").await;
    let ticket = customer.raise("Printer jam").await;

    let pid = sockets_on.child.id();
    let before = rss_kib(pid);
    let (tx, mut rx) = mpsc::unbounded_channel();
    watchers(&agent, sockets, tx).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kib(pid);

    let mut every = Vec::with_capacity(sockets * events);
    let mut last = Vec::with_capacity(events);
    let mut from_change = Vec::with_capacity(sockets * events);
    for n in 0..events {
        customer.answer(ticket, &format!("Update {n}"), false).await;
        let commit = tokio::time::timeout(Duration::from_secs(10), committed.recv())
            .await
            .ok()
            .flatten()
            .expect("the instance logs its commits");
        let mut seen: HashMap<i64, Vec<(Duration, Duration)>> = HashMap::new();
        let complete = loop {
            let Ok(Some((seq, at, arrived))) =
                tokio::time::timeout(Duration::from_secs(10), rx.recv()).await
            else {
                panic!("reply {n}: not every socket got it within 10 s");
            };
            let since_commit = (arrived - commit).to_std().unwrap_or_default();
            let since_change = (arrived - at).to_std().unwrap_or_default();
            let list = seen.entry(seq).or_default();
            list.push((since_commit, since_change));
            if list.len() == sockets {
                break seq;
            }
        };
        let list = seen.remove(&complete).unwrap_or_default();
        last.push(list.iter().map(|(c, _)| *c).max().unwrap_or_default());
        every.extend(list.iter().map(|(c, _)| *c));
        from_change.extend(list.iter().map(|(_, c)| *c));
    }
    println!("  {label}: {sockets} sockets, {events} replies");
    println!(
        "    commit to frame, every socket:   {}",
        percentiles(every)
    );
    println!("    commit to frame, last socket:    {}", percentiles(last));
    println!(
        "    change to frame, every socket:   {}",
        percentiles(from_change)
    );
    println!(
        "    memory per connection (server):  {:.1} KiB ({} KiB resident before, {} KiB after)",
        after.saturating_sub(before) as f64 / sockets as f64,
        before,
        after
    );
}

/// Users for the run, written straight to the database.
async fn users(database: &ferrodesk::config::DatabaseUrl) {
    let store = ferrodesk::store::open(database).await.unwrap().store;
    insert_user(&store, "ada@example.com", "Ada", Role::Agent, TEST_PASSWORD).await;
    insert_user(
        &store,
        "ann@example.com",
        "Ann",
        Role::Customer,
        TEST_PASSWORD,
    )
    .await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let sockets = env_or("BENCH_SOCKETS", 1_000usize);
    let events = env_or("BENCH_EVENTS", 50usize);
    let only = std::env::var("BENCH_BACKEND").ok();
    let limit = (sockets + 10).to_string();
    let settings = [
        ("FERRODESK_LIVE_CONNECTIONS_PER_USER", limit.as_str()),
        ("FERRODESK_LOG_FORMAT", "json"),
        ("RUST_LOG", "warn,ferrodesk::commits=debug"),
    ];
    for db in support::backends().await {
        let name = format!("{db:?}").to_lowercase();
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        println!("{db:?}");
        let fresh = FreshDb::new(db).await;
        users(&fresh.database_url()).await;
        let url = fresh.url.clone().unwrap_or_default();
        let (mut one, log) = Instance::start_logging(&url, fresh.dir.path(), &settings).await;
        run("one instance", &one, &one, commits(log), sockets, events).await;
        one.kill();
        if db == Db::Postgres {
            let mut a = Instance::start_with(&url, fresh.dir.path(), &settings).await;
            let (mut b, log) = Instance::start_logging(&url, fresh.dir.path(), &settings).await;
            run(
                "two instances (sockets on one, replies through the other)",
                &a,
                &b,
                commits(log),
                sockets,
                events,
            )
            .await;
            a.kill();
            b.kill();
        }
        fresh.cleanup().await;
    }
}
