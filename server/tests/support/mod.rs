//! Test harness: a real server on port 0 over a fresh database (SQLite file
//! or a new PostgreSQL database), a real SMTP sink, and typed helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod api;
pub mod live;
pub mod process;
pub mod smtp;

use ferrodesk::clock::{OffsetClock, SharedClock};
use ferrodesk::config::Config;
use ferrodesk::startup::{self, Running};
use ferrodesk::store::SharedStore;
use std::collections::HashMap;
use std::sync::Arc;

/// The password of users made by [`TestApp::signed_in`].
pub const TEST_PASSWORD: &str = "correct horse battery";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// The backends to run on: SQLite always, PostgreSQL when reachable.
/// In CI (CI=true) an unreachable PostgreSQL fails the test instead.
pub async fn backends() -> Vec<Db> {
    let mut dbs = vec![Db::Sqlite];
    match pg_admin_url().await {
        Some(_) => dbs.push(Db::Postgres),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "PostgreSQL is required in CI: set FERRODESK_TEST_PG or start it on 127.0.0.1:5432"
            )
        }
        None => {
            eprintln!("SKIPPED: PostgreSQL part of this test (no server; set FERRODESK_TEST_PG)")
        }
    }
    dbs
}

async fn pg_admin_url() -> Option<String> {
    let url = std::env::var("FERRODESK_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let connect = sqlx::PgPool::connect(&url);
    match tokio::time::timeout(std::time::Duration::from_secs(3), connect).await {
        Ok(Ok(pool)) => {
            pool.close().await;
            Some(url)
        }
        _ => None,
    }
}

/// A fresh, empty database of the given kind; dropped with `cleanup`.
pub struct FreshDb {
    pub url: Option<String>,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl FreshDb {
    pub async fn new(db: Db) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match db {
            Db::Sqlite => Self {
                url: None,
                dir,
                pg: None,
            },
            Db::Postgres => {
                let admin = pg_admin_url().await.expect("PostgreSQL reachable");
                let name = format!("ferrodesk_test_{}", uuid::Uuid::new_v4().simple());
                let pool = sqlx::PgPool::connect(&admin).await.unwrap();
                sqlx::query(&format!("create database {name}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                let base = admin.rsplit_once('/').unwrap().0.to_owned();
                Self {
                    url: Some(format!("{base}/{name}")),
                    dir,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    pub async fn cleanup(self) {
        if let Some((admin, name)) = self.pg {
            let pool = sqlx::PgPool::connect(&admin).await.unwrap();
            let _ = sqlx::query(&format!("drop database if exists {name} with (force)"))
                .execute(&pool)
                .await;
            pool.close().await;
        }
    }

    pub fn database_url(&self) -> ferrodesk::config::DatabaseUrl {
        ferrodesk::config::DatabaseUrl::parse(self.url.as_deref(), self.dir.path()).unwrap()
    }
}

pub struct TestApp {
    pub db: Db,
    pub base: String,
    pub store: SharedStore,
    pub smtp: smtp::Sink,
    pub clock: Arc<OffsetClock>,
    running: Option<Running>,
    fresh: Option<FreshDb>,
    vars: HashMap<String, String>,
}

/// Emails to `address` in the outbox of the database behind `pool`.
async fn outbox_count<DB>(pool: sqlx::Pool<DB>, address: &str) -> i64
where
    DB: sqlx::Database,
    for<'c> &'c sqlx::Pool<DB>: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let (count,): (i64,) = sqlx::query_as("select count(*) from outbox where recipient = $1")
        .bind(address)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    count
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, &[]).await
}

pub async fn spawn_app_with(db: Db, extra: &[(&str, &str)]) -> TestApp {
    let fresh = FreshDb::new(db).await;
    let smtp = smtp::Sink::start().await;
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert(
        "FERRODESK_DATA_DIR".into(),
        fresh.dir.path().display().to_string(),
    );
    vars.insert("FERRODESK_BIND".into(), "127.0.0.1:0".into());
    vars.insert(
        "FERRODESK_PUBLIC_URL".into(),
        "http://desk.example.test".into(),
    );
    vars.insert(
        "FERRODESK_SMTP_URL".into(),
        format!("smtp://127.0.0.1:{}", smtp.port),
    );
    if let Some(url) = &fresh.url {
        vars.insert("DATABASE_URL".into(), url.clone());
    }
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::load(|name| vars.get(name).cloned()).unwrap();
    let clock = Arc::new(OffsetClock::default());
    let shared: SharedClock = clock.clone();
    let running = startup::start(config, shared).await.unwrap();
    TestApp {
        db,
        base: format!("http://{}", running.addr),
        store: running.store.clone(),
        smtp,
        clock,
        running: Some(running),
        fresh: Some(fresh),
        vars,
    }
}

/// Runs `check` against a freshly migrated store of every backend.
pub async fn on_every_backend<F, Fut>(check: F)
where
    F: Fn(SharedStore) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in backends().await {
        let fresh = FreshDb::new(db).await;
        let opened = ferrodesk::store::open(&fresh.database_url()).await.unwrap();
        check(opened.store).await;
        fresh.cleanup().await;
    }
}

impl TestApp {
    /// A user of `role` created in the store and signed in on a new client.
    pub async fn signed_in(&self, email: &str, role: app::domain::Role) -> Client {
        self.create_user(email, email.split('@').next().unwrap(), role, TEST_PASSWORD)
            .await;
        let client = self.client();
        assert_eq!(client.sign_in(email, TEST_PASSWORD).await.status, 200);
        client
    }

    /// Signs up on `client` and follows the emailed confirmation link, as a
    /// person would; the reply is the confirmation's (signed in on success).
    pub async fn sign_up_confirmed(
        &self,
        client: &Client,
        name: &str,
        email: &str,
        password: &str,
    ) -> Reply {
        let sent = client.sign_up(name, email, password).await;
        assert_eq!(sent.status, 200, "sign-up: {}", sent.body);
        self.confirm_sign_up(client, email).await
    }

    /// Follows the newest sign-up confirmation mailed to `email`.
    pub async fn confirm_sign_up(&self, client: &Client, email: &str) -> Reply {
        let mail = self
            .smtp
            .wait_for(&email.to_lowercase(), "Confirm your Ferrodesk account")
            .await;
        let token = token_from(&mail.body(), "/portal/sign-up/confirm?token=");
        client
            .call("auth/confirm_sign_up", &[("token", &token)])
            .await
    }

    /// Stops the server and starts a new one on the same database, clock
    /// and mail sink (on a new port): what a restart after a crash sees.
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        let config = Config::load(|name| self.vars.get(name).cloned()).unwrap();
        let shared: SharedClock = self.clock.clone();
        let running = startup::start(config, shared).await.unwrap();
        self.base = format!("http://{}", running.addr);
        self.store = running.store.clone();
        self.running = Some(running);
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        if let Some(fresh) = self.fresh.take() {
            fresh.cleanup().await;
        }
    }

    /// How many emails to `address` the outbox holds, sent or not. A change
    /// queues its emails in its own transaction, so once the request that
    /// made it has answered this is final: no waiting to see whether
    /// another one arrives.
    pub async fn queued_mail_to(&self, address: &str) -> i64 {
        let fresh = self.fresh.as_ref().expect("the app's database");
        match fresh.database_url() {
            ferrodesk::config::DatabaseUrl::Sqlite(path) => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                outbox_count(
                    sqlx::SqlitePool::connect_with(options).await.unwrap(),
                    address,
                )
                .await
            }
            ferrodesk::config::DatabaseUrl::Postgres(secret) => {
                outbox_count(
                    sqlx::PgPool::connect(secret.expose()).await.unwrap(),
                    address,
                )
                .await
            }
        }
    }

    /// Runs `sql` on the app's database, around the store: for volumes no
    /// sequence of requests makes in a test's time.
    pub async fn execute_sql(&self, sql: &str) {
        let fresh = self.fresh.as_ref().expect("the app's database");
        match fresh.database_url() {
            ferrodesk::config::DatabaseUrl::Sqlite(path) => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            ferrodesk::config::DatabaseUrl::Postgres(secret) => {
                let pool = sqlx::PgPool::connect(secret.expose()).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// One SLA monitor pass at the test clock's time, driven directly: what
    /// it fired is what was due, with no waiting on the background loop.
    pub async fn sla_pass(&self) -> ferrodesk::sla::MonitorPass {
        use ferrodesk::clock::Clock;
        let running = self.running.as_ref().expect("the app is running");
        running.monitor.pass(self.clock.now()).await.unwrap()
    }

    /// One scheduler pass at the test clock's time over the queue as the
    /// database has it: what it assigns is what could be assigned now.
    /// Files the notifications the log holds so far (the tray's builder
    /// runs on its own too; a second pass over the same events files
    /// nothing twice). Returns who was told.
    pub async fn tray_pass(&self) -> std::collections::BTreeSet<i64> {
        let running = self.running.as_ref().expect("the app is running");
        running.tray.pass().await.unwrap()
    }

    pub async fn scheduler_pass(&self) -> ferrodesk::scheduler::SchedulerPass {
        use ferrodesk::clock::Clock;
        let running = self.running.as_ref().expect("the app is running");
        running
            .scheduler
            .pass_over_database(self.clock.now())
            .await
            .unwrap()
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self.fresh
            .as_ref()
            .map(|f| f.dir.path().to_owned())
            .unwrap_or_default()
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// Creates an account directly in the store (for admins and fixtures).
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: app::domain::Role,
        password: &str,
    ) -> i64 {
        insert_user(&self.store, email, name, role, password).await
    }
}

/// Creates an account directly in a store, for tests without a [`TestApp`].
/// A user written straight to the store, named after the address's local
/// part, with a placeholder hash: for store tests that never sign in.
pub async fn stored_user(store: &SharedStore, address: &str, role: app::domain::Role) -> i64 {
    let user = ferrodesk::store::NewUser {
        email: app::domain::EmailAddress::parse(address).unwrap(),
        name: app::domain::DisplayName::parse(address.split('@').next().unwrap()).unwrap(),
        role,
        password_hash: "$argon2id$fake".into(),
        timezone: app::domain::TimezoneName::utc(),
    };
    store
        .insert_user(user, chrono::Utc::now())
        .await
        .unwrap()
        .id
}

/// A ticket write that sends no email.
pub fn no_mail() -> ferrodesk::store::Notify {
    Box::new(|_, _| Vec::new())
}

/// The id of the user with this address.
pub async fn user_id(app: &TestApp, email: &str) -> i64 {
    let address = app::domain::EmailAddress::parse(email).unwrap();
    app.store.user_by_email(&address).await.unwrap().unwrap().id
}

pub async fn insert_user(
    store: &SharedStore,
    email: &str,
    name: &str,
    role: app::domain::Role,
    password: &str,
) -> i64 {
    let hash = ferrodesk::accounts::passwords::hash(password.to_owned())
        .await
        .unwrap();
    let user = ferrodesk::store::NewUser {
        email: app::domain::EmailAddress::parse(email).unwrap(),
        name: app::domain::DisplayName::parse(name).unwrap(),
        role,
        password_hash: hash,
        timezone: app::domain::TimezoneName::utc(),
    };
    store
        .insert_user(user, chrono::Utc::now())
        .await
        .unwrap()
        .id
}

/// A browser-like client: keeps cookies, never follows redirects. A clone
/// is the same browser (same cookies).
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The message of an `AppError::Invalid` for one field.
    pub fn field_error(&self, field: &str) -> Option<String> {
        let json = self.json();
        json["Invalid"]["fields"]
            .as_array()?
            .iter()
            .find(|f| f["field"] == field)
            .and_then(|f| f["message"].as_str().map(String::from))
    }

    pub fn form_error(&self) -> Option<String> {
        self.json()["Invalid"]["form"].as_str().map(String::from)
    }
}

/// Server functions that read a multipart form (they take files).
const MULTIPART_ENDPOINTS: [&str; 2] = ["tickets/raise", "tickets/reply"];

impl Client {
    pub fn new(base: &str) -> Self {
        // Browsers name the page a POST comes from; the cross-site guard
        // refuses a signed-in request that names none.
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, base.parse().unwrap());
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = Self::builder(&jar)
            .default_headers(headers)
            .build()
            .unwrap();
        Self {
            http,
            jar,
            base: base.to_owned(),
        }
    }

    /// The same cookies, but no Origin: what a forged or header-stripped
    /// request looks like. Headers are the caller's.
    pub fn bare(&self) -> reqwest::Client {
        Self::builder(&self.jar).build().unwrap()
    }

    fn builder(jar: &Arc<reqwest::cookie::Jar>) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            // A stuck request fails its test instead of hanging the suite.
            .timeout(std::time::Duration::from_secs(30))
            // A server may close a connection after refusing a body early
            // (413); a fresh connection per request keeps that invisible.
            .pool_max_idle_per_host(0)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function with form fields named `input[<key>]`, or
    /// for the endpoints that take files, as a multipart form.
    pub async fn call(&self, endpoint: &str, fields: &[(&str, &str)]) -> Reply {
        if MULTIPART_ENDPOINTS.contains(&endpoint) {
            return self.send_files(endpoint, fields, &[]).await;
        }
        let form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (format!("input[{k}]"), (*v).to_owned()))
            .collect();
        let res = self
            .http
            .post(self.url(&format!("/api/{endpoint}")))
            .form(&form)
            .send()
            .await
            .unwrap();
        Self::reply(res).await
    }

    /// Posts a multipart form to a server function: plain field names, and
    /// `(file name, bytes)` pairs as `files` parts.
    pub async fn send_files(
        &self,
        endpoint: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Reply {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (file_name, bytes) in files {
            let part =
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(file_name.to_string());
            form = form.part("files", part);
        }
        let res = self
            .http
            .post(self.url(&format!("/api/{endpoint}")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        Self::reply(res).await
    }

    /// Uploads one file through the ticket page's attachment form.
    pub async fn upload(
        &self,
        ticket: i64,
        name: &str,
        bytes: impl Into<Vec<u8>>,
        internal: bool,
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        if internal {
            form = form.text("internal", "on");
        }
        let part = reqwest::multipart::Part::bytes(bytes.into()).file_name(name.to_owned());
        self.http
            .post(self.url(&format!("/tickets/{ticket}/attachments")))
            .multipart(form.part("file", part))
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Reply {
        let res = self.http.get(self.url(path)).send().await.unwrap();
        Self::reply(res).await
    }

    async fn reply(res: reqwest::Response) -> Reply {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The signed-in user as the app sees it (`null` when signed out).
    /// A ticket as the detail endpoint gives it to this client, typed.
    pub async fn ticket_detail(&self, id: i64) -> app::api::types::TicketDetail {
        let reply = self.get(&format!("/api/tickets/detail?id={id}")).await;
        assert_eq!(reply.status, 200, "ticket {id}: {}", reply.body);
        serde_json::from_str(&reply.body).unwrap()
    }

    /// Raises a ticket as this client and returns its number.
    pub async fn raise(&self, subject: &str) -> i64 {
        let raised = self
            .call(
                "tickets/raise",
                &[
                    ("subject", subject),
                    ("description", "It does not work."),
                    ("urgency", ""),
                ],
            )
            .await;
        assert_eq!(raised.status, 200, "{}", raised.body);
        self.get("/api/tickets/mine").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap()
    }

    /// Replies on `ticket`, or with `internal` adds a note.
    pub async fn answer(&self, ticket: i64, body: &str, internal: bool) {
        let ticket = ticket.to_string();
        let mut fields = vec![("ticket_id", ticket.as_str()), ("body", body)];
        if internal {
            fields.push(("internal", "on"));
        }
        let reply = self.call("tickets/reply", &fields).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }

    pub async fn me(&self) -> serde_json::Value {
        self.get("/api/auth/current_user").await.json()
    }

    pub async fn sign_up(&self, name: &str, email: &str, password: &str) -> Reply {
        self.call(
            "auth/sign_up",
            &[("name", name), ("email", email), ("password", password)],
        )
        .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.call("auth/sign_in", &[("email", email), ("password", password)])
            .await
    }

    pub async fn sign_out(&self) -> Reply {
        self.call("auth/sign_out", &[]).await
    }
}

/// The token in the first link of `body` that starts with `prefix`.
pub fn token_from(body: &str, prefix: &str) -> String {
    let start = body
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix} in {body}"))
        + prefix.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// One entry of a ticket's history: the event's kind and the sentence the
/// ticket page shows for it.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    pub kind: &'static str,
    pub text: String,
}

/// A ticket's history as the ticket page words it; without `staff`, as
/// its requester sees it.
pub async fn history(
    store: &(impl ferrodesk::store::EventLogStore + ?Sized),
    ticket: i64,
    staff: bool,
) -> Vec<HistoryLine> {
    store
        .ticket_history(ticket, staff)
        .await
        .unwrap()
        .into_iter()
        .map(|logged| HistoryLine {
            kind: logged.event.change.kind(),
            text: app::api::history::describe(
                logged.actor_name.as_deref(),
                logged.event.actor,
                &logged.event.change,
            ),
        })
        .collect()
}

/// What happened to a ticket's SLA clocks, in order: clock changes in the
/// history's words without the "SLA: " and the full stop.
pub async fn sla_history(
    store: &(impl ferrodesk::store::EventLogStore + ?Sized),
    ticket: i64,
) -> Vec<String> {
    use app::domain::event::DomainEvent;
    store
        .ticket_history(ticket, true)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|logged| match logged.event.change {
            DomainEvent::SlaClockChanged { change } => {
                Some(app::api::history::clock_change(&change))
            }
            DomainEvent::SlaBreached { metric } => Some(format!("{} breached", metric.label())),
            _ => None,
        })
        .collect()
}

/// Every configuration change in the log (events without a ticket), oldest
/// first.
pub async fn admin_events(
    store: &(impl ferrodesk::store::EventLogStore + ?Sized),
) -> Vec<app::domain::event::Event> {
    store
        .events_after(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|logged| logged.event)
        .filter(|event| event.ticket.is_none())
        .collect()
}
