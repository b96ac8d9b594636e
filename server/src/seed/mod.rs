//! `ferrodesk seed`: fills a database with realistic tickets for
//! benchmarks and demos — customers and agents, tickets spread over two
//! years with Zipf-distributed text, about five messages each, most of them
//! long closed. Seed accounts have no password (they cannot sign in).

pub mod text;

use crate::store::{NewUser, SeedMessage, SeedTicket, SharedStore, StoreError};
use app::domain::{DisplayName, EmailAddress, Priority, Role, Status, TimezoneName};
use chrono::{DateTime, Utc};
use text::ZipfText;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub tickets: u64,
    pub customers: u64,
    pub agents: u64,
    /// Same seed, same data.
    pub seed: u64,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            tickets: 1_000_000,
            customers: 20_000,
            agents: 200,
            seed: 1,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SeedReport {
    pub tickets: u64,
    pub messages: u64,
}

/// Tickets per transaction.
const BATCH: u64 = 2_000;

async fn accounts(
    store: &SharedStore,
    prefix: &str,
    count: u64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(count as usize);
    for i in 0..count {
        let email = EmailAddress::parse(&format!("{prefix}{i}@seed.example.test"))
            .map_err(|m| StoreError::Corrupt(m.to_owned()))?;
        let name = DisplayName::parse(&format!("{prefix} {i}"))
            .map_err(|m| StoreError::Corrupt(m.to_owned()))?;
        let user = NewUser {
            email,
            name,
            role,
            password_hash: String::new(),
            timezone: TimezoneName::utc(),
        };
        ids.push(store.contact_for(user, now).await?.id);
    }
    Ok(ids)
}

/// Adds `options.tickets` tickets; `progress` hears the running total.
pub async fn seed(
    store: &SharedStore,
    options: &SeedOptions,
    now: DateTime<Utc>,
    mut progress: impl FnMut(u64),
) -> Result<SeedReport, StoreError> {
    let customers = accounts(
        store,
        "customer",
        options.customers.max(1),
        Role::Customer,
        now,
    )
    .await?;
    let agents = accounts(store, "agent", options.agents.max(1), Role::Agent, now).await?;
    let mut text = ZipfText::new(20_000, options.seed);
    let span_ms: i64 = 2 * 365 * 24 * 3_600 * 1_000;
    let step = (span_ms / options.tickets.max(1) as i64).max(1);
    let start = now.timestamp_millis() - span_ms;
    let mut report = SeedReport {
        tickets: 0,
        messages: 0,
    };
    while report.tickets < options.tickets {
        let size = BATCH.min(options.tickets - report.tickets);
        let mut batch = Vec::with_capacity(size as usize);
        for i in 0..size {
            let created_at = start + (report.tickets + i) as i64 * step;
            let requester_id = customers[text.below(customers.len() as u64) as usize];
            let agent = agents[text.below(agents.len() as u64) as usize];
            // Old tickets are mostly done; the newest are still being worked.
            let age = 1.0 - (report.tickets + i) as f64 / options.tickets as f64;
            let roll = text.below(100);
            let status = match (age > 0.02, roll) {
                (true, 0..=84) => Status::Closed,
                (true, 85..=94) => Status::Resolved,
                (_, r) if r < 20 => Status::New,
                (_, r) if r < 60 => Status::Open,
                (_, r) if r < 80 => Status::Pending,
                (_, r) if r < 90 => Status::OnHold,
                _ => Status::Resolved,
            };
            let priority = match text.below(100) {
                0..=14 => Priority::Low,
                15..=74 => Priority::Normal,
                75..=94 => Priority::High,
                _ => Priority::Critical,
            };
            let message_count = 1 + text.below(9);
            let mut at = created_at;
            let messages: Vec<SeedMessage> = (0..message_count)
                .map(|m| {
                    at += 1 + text.below(step as u64 * 4) as i64;
                    let from_agent = m % 2 == 0;
                    SeedMessage {
                        author_id: if from_agent { agent } else { requester_id },
                        body: text.sentence(8, 60),
                        internal: from_agent && text.below(10) == 0,
                        created_at: at,
                    }
                })
                .collect();
            report.messages += messages.len() as u64;
            batch.push(SeedTicket {
                subject: text.sentence(3, 8),
                description: text.sentence(15, 80),
                requester_id,
                assignee_id: (status != Status::New).then_some(agent),
                group_id: None,
                priority,
                status,
                created_at,
                updated_at: at,
                messages,
                first_response_due: None,
            });
        }
        store.load_tickets(batch).await?;
        report.tickets += size;
        progress(report.tickets);
    }
    Ok(report)
}
