#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run
//! Ticket benchmark, on SQLite and on PostgreSQL: seeds BENCH_TICKETS
//! tickets (default 1,000,000, ~5 messages each), then measures over HTTP
//! ticket creation with 64 concurrent clients (throughput, p50/p95/p99),
//! the agent queue views, and recency-ordered text search.
//!
//! `cargo bench -p server --bench tickets`; BENCH_BACKEND=sqlite|postgres
//! runs one backend, BENCH_SECONDS sets the create phase (default 10).

mod figures;
#[path = "../tests/support/mod.rs"]
mod support;

use figures::{env_or, percentiles};

use app::domain::Role;
use ferrodesk::seed::{self, text::ZipfText, SeedOptions};
use std::time::{Duration, Instant};
use support::{Db, TestApp, TEST_PASSWORD};

const CLIENTS: usize = 64;
const SAMPLES: usize = 300;

/// A pooled, cookie-keeping client signed in as a fresh user.
async fn signed_in(app: &TestApp, email: &str, role: Role) -> reqwest::Client {
    app.create_user(email, "Bench user", role, TEST_PASSWORD)
        .await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .post(format!("{}/api/auth/sign_in", app.base))
        .form(&[("input[email]", email), ("input[password]", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "sign-in for the benchmark");
    http
}

async fn creates(app: &TestApp, seconds: u64) {
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        clients.push(signed_in(app, &format!("bench{i}@example.test"), Role::Customer).await);
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, http)| {
            let url = format!("{}/api/tickets/raise", app.base);
            tokio::spawn(async move {
                let mut text = ZipfText::new(20_000, 1_000 + i as u64);
                let mut latencies = Vec::new();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    n += 1;
                    let form = reqwest::multipart::Form::new()
                        .text("subject", text.sentence(3, 8))
                        .text("description", text.sentence(15, 80))
                        .text("urgency", "normal")
                        .text("idempotency_key", format!("bench-{i}-{n}"));
                    let sent = Instant::now();
                    let res = http.post(&url).multipart(form).send().await.unwrap();
                    let status = res.status();
                    let _ = res.bytes().await;
                    assert!(status.is_success(), "create failed: {status}");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "  create via HTTP, {CLIENTS} clients: {:>6.0}/s ({} in {elapsed:.1} s)   {}",
        all.len() as f64 / elapsed,
        all.len(),
        percentiles(all)
    );
}

async fn timed_gets(http: &reqwest::Client, urls: Vec<String>) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(urls.len());
    for url in urls {
        let sent = Instant::now();
        let res = http.get(&url).send().await.unwrap();
        let status = res.status();
        let _ = res.bytes().await;
        assert!(status.is_success(), "{url}: {status}");
        samples.push(sent.elapsed());
    }
    samples
}

async fn reads(app: &TestApp) {
    let agent = signed_in(app, "bench-agent@example.test", Role::Agent).await;
    let base = format!("{}/api/tickets/queue?params[view]=", app.base);
    for (label, query) in [
        ("queue My open", "my_open"),
        ("queue Unassigned", "unassigned"),
        ("queue All open", "all_open"),
        ("queue Recently updated", "recent"),
        (
            "queue All open, by priority",
            "all_open&params[sort]=priority",
        ),
        (
            "queue, status filter, page 2+",
            // A cursor as the queue hands out: rank.updated_ms.id.due_ms.
            "recent&params[status]=pending&params[after]=1.1800000000000.999999999.-",
        ),
    ] {
        let urls = (0..SAMPLES).map(|_| format!("{base}{query}")).collect();
        // One warm-up pass so the figures are steady-state.
        timed_gets(&agent, (0..10).map(|_| format!("{base}{query}")).collect()).await;
        println!(
            "  {label:<32} {}",
            percentiles(timed_gets(&agent, urls).await)
        );
    }
    let mut text = ZipfText::new(20_000, 99);
    let urls = (0..SAMPLES)
        .map(|_| format!("{base}recent&params[q]={}", text.search_term()))
        .collect();
    println!(
        "  {:<32} {}",
        "search, by recency (Zipf terms)",
        percentiles(timed_gets(&agent, urls).await)
    );
}

async fn bench(db: Db, tickets: u64, seconds: u64) {
    let app = support::spawn_app_with(
        db,
        &[
            ("FERRODESK_TICKET_LIMIT_PER_ACCOUNT", "1000000000"),
            ("FERRODESK_LOGIN_LIMIT_PER_IP", "1000000"),
            ("FERRODESK_LOGIN_LIMIT_PER_ACCOUNT", "1000000"),
            ("FERRODESK_MAX_CONCURRENT_REQUESTS", "1024"),
            ("FERRODESK_LOG_FORMAT", "json"),
        ],
    )
    .await;
    println!("{db:?}");
    let started = Instant::now();
    let options = SeedOptions {
        tickets,
        ..SeedOptions::default()
    };
    let report = seed::seed(&app.store, &options, chrono::Utc::now(), |done| {
        if done % 200_000 == 0 {
            eprintln!("  seeded {done}");
        }
    })
    .await
    .unwrap();
    app.store.refresh_statistics().await.unwrap();
    println!(
        "  seed: {} tickets, {} messages in {:.0} s",
        report.tickets,
        report.messages,
        started.elapsed().as_secs_f64()
    );
    reads(&app).await;
    creates(&app, seconds).await;
    app.stop().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tickets = env_or("BENCH_TICKETS", 1_000_000u64);
    let seconds = env_or("BENCH_SECONDS", 10u64);
    let only = std::env::var("BENCH_BACKEND").ok();
    for db in support::backends().await {
        let name = format!("{db:?}").to_lowercase();
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        bench(db, tickets, seconds).await;
    }
}
