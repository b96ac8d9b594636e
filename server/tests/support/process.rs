//! `ferrodesk serve` as a child process, for what one in-process server
//! cannot show: several instances on one database, and killing one.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Instance {
    pub child: Child,
    pub base: String,
}

impl Instance {
    /// Starts `ferrodesk serve` on `url` with a short scheduler lease and
    /// waits until it answers its health check.
    pub async fn start(url: &str, data_dir: &std::path::Path) -> Self {
        Self::start_with(url, data_dir, &[]).await
    }

    /// As [`Instance::start`], with more settings (`url` empty: SQLite in
    /// `data_dir`).
    pub async fn start_with(url: &str, data_dir: &std::path::Path, extra: &[(&str, &str)]) -> Self {
        Self::spawn(url, data_dir, extra, Stdio::null()).await
    }

    /// As [`Instance::start_with`], handing back the process's log (its
    /// standard output) instead of dropping it.
    pub async fn start_logging(
        url: &str,
        data_dir: &std::path::Path,
        extra: &[(&str, &str)],
    ) -> (Self, std::process::ChildStdout) {
        let mut instance = Self::spawn(url, data_dir, extra, Stdio::piped()).await;
        let log = instance.child.stdout.take().unwrap();
        (instance, log)
    }

    async fn spawn(
        url: &str,
        data_dir: &std::path::Path,
        extra: &[(&str, &str)],
        log: Stdio,
    ) -> Self {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_ferrodesk"))
            .env_clear()
            .env("RUST_LOG", "warn")
            .envs(extra.iter().copied())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("FERRODESK_DATA_DIR", data_dir)
            .env("DATABASE_URL", url)
            .env("FERRODESK_BIND", format!("127.0.0.1:{port}"))
            .env("FERRODESK_SCHEDULER_LEASE_SECS", "2")
            .env("FERRODESK_TICKET_LIMIT_PER_ACCOUNT", "100000000")
            .arg("serve")
            .stdout(log)
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while reqwest::get(format!("{base}/healthz"))
            .await
            .map(|r| r.status().is_success())
            .ok()
            != Some(true)
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{base} never became healthy"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, base }
    }

    /// SIGKILL: the process gets no chance to release its lease.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The pid of the process holding the scheduler lease, once one holds it;
/// the holder names the process as "<pid>-<random>".
pub async fn leader_pid(store: &ferrodesk::store::SharedStore, within: Duration) -> u32 {
    let started = Instant::now();
    loop {
        let holder = store
            .lease_holder("scheduler", chrono::Utc::now())
            .await
            .unwrap();
        if let Some(holder) = holder {
            return holder.split('-').next().unwrap().parse().unwrap();
        }
        assert!(started.elapsed() < within, "no instance took the lease");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
