//! Configuration: an optional TOML file, then environment variables on top.
//! Secrets are wrapped so they never reach a log line.

use serde::Deserialize;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use thiserror::Error;
use url::Url;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("DATABASE_URL must start with postgres:// or postgresql:// (or be unset for the embedded SQLite database); got a URL with scheme {0:?}")]
    UnknownDatabaseScheme(String),
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: PathBuf, reason: String },
}

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(Secret),
}

impl DatabaseUrl {
    pub fn parse(value: Option<&str>, data_dir: &Path) -> Result<Self, ConfigError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Self::Sqlite(data_dir.join("ferrodesk.sqlite3"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(Secret::new(url)))
            }
            Some(other) => {
                let scheme = other.split_once(':').map(|(s, _)| s).unwrap_or(other);
                Err(ConfigError::UnknownDatabaseScheme(
                    scheme.chars().take(20).collect(),
                ))
            }
        }
    }
}

/// Limits per fixed window (see `window_secs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    pub window_secs: i64,
    pub login_per_ip: i64,
    pub login_per_account: i64,
    pub signup_per_ip: i64,
    pub reset_per_ip: i64,
    pub reset_per_account: i64,
    pub tickets_per_account: i64,
    /// API requests per minute one token (or session) may make, per instance.
    pub api_per_token_per_minute: i64,
    /// API requests per minute from one address, per instance.
    pub api_per_ip_per_minute: i64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            window_secs: 900,
            login_per_ip: 100,
            login_per_account: 10,
            signup_per_ip: 20,
            reset_per_ip: 20,
            reset_per_account: 5,
            tickets_per_account: 60,
            api_per_token_per_minute: 600,
            api_per_ip_per_minute: 1200,
        }
    }
}

/// How much one person may upload, and how much may land on one ticket,
/// within a sliding window. Past either limit uploads get 429 with
/// Retry-After until the oldest upload in the window ages out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UploadQuota {
    pub window_secs: i64,
    pub files_per_account: i64,
    pub bytes_per_account: i64,
    pub files_per_ticket: i64,
    pub bytes_per_ticket: i64,
}

impl Default for UploadQuota {
    fn default() -> Self {
        Self {
            window_secs: 3600,
            files_per_account: 100,
            bytes_per_account: 500 * 1024 * 1024,
            files_per_ticket: 50,
            bytes_per_ticket: 250 * 1024 * 1024,
        }
    }
}

/// The assignment scheduler and agent availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerConfig {
    /// Off: tickets wait for a manual claim or assignment.
    pub enabled: bool,
    /// How often the queue is rebuilt from the database, catching any
    /// change whose wake-up was lost.
    pub sweep_secs: i64,
    /// How long the planning instance's lease lasts; a stopped instance is
    /// replaced within this time.
    pub lease_secs: i64,
    /// An agent with no session used for this long goes offline.
    pub idle_minutes: i64,
    /// When set, an agent's tickets they have not worked on go back to the
    /// queue this many minutes after they go offline.
    pub return_untouched_minutes: Option<i64>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            sweep_secs: 300,
            lease_secs: 15,
            idle_minutes: 30,
            return_untouched_minutes: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub public_url: Url,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<IpAddr>,
    pub rate_limits: RateLimits,
    pub log_json: bool,
    pub site_root: PathBuf,
    /// Requests in flight beyond this are shed with 503.
    pub max_concurrent_requests: usize,
    /// The largest attachment accepted, checked while the upload streams.
    pub max_attachment_bytes: usize,
    pub upload_quota: UploadQuota,
    pub scheduler: SchedulerConfig,
    /// "Breaching soon" lists tickets due within this many minutes (or
    /// already breached).
    pub breaching_soon_minutes: i64,
    /// The language full-text search stems in (see `SEARCH_LANGUAGES`).
    pub search_language: String,
    /// Live connections (browser tabs) one account may hold per instance.
    pub live_connections_per_user: usize,
    /// Events one live connection may fall behind the log by (a client
    /// that stopped reading) before it is closed and told to resume.
    pub live_backlog: usize,
}

/// The file format; every field optional, environment wins.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    secure_cookies: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    rate_limits: Option<RateLimits>,
    log_format: Option<String>,
    site_root: Option<PathBuf>,
    max_concurrent_requests: Option<i64>,
    max_attachment_bytes: Option<i64>,
    upload_quota: Option<UploadQuota>,
    scheduler: Option<SchedulerConfig>,
    breaching_soon_minutes: Option<i64>,
    search_language: Option<String>,
    live_connections_per_user: Option<i64>,
    live_backlog: Option<i64>,
}

impl Config {
    /// Reads the file named by `FERRODESK_CONFIG` (if any), then the
    /// environment through `env` (a function so tests need not touch the
    /// process environment).
    pub fn load(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match env("FERRODESK_CONFIG") {
            Some(path) => read_file(Path::new(&path))?,
            None => FileConfig::default(),
        };
        let pick = |name: &str, from_file: Option<String>| env(name).or(from_file);

        let data_dir = env("FERRODESK_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| "data".into());
        let database = DatabaseUrl::parse(
            pick("DATABASE_URL", file.database_url).as_deref(),
            &data_dir,
        )?;
        let bind_text = pick("FERRODESK_BIND", file.bind)
            .or_else(|| env("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind: SocketAddr = bind_text.parse().map_err(|e| {
            invalid(
                "FERRODESK_BIND",
                format!("{bind_text:?} is not host:port ({e})"),
            )
        })?;
        let public_text = pick("FERRODESK_PUBLIC_URL", file.public_url)
            .unwrap_or_else(|| format!("http://{bind}"));
        let public_url = Url::parse(&public_text)
            .map_err(|e| invalid("FERRODESK_PUBLIC_URL", format!("{public_text:?}: {e}")))?;
        if !matches!(public_url.scheme(), "http" | "https") || public_url.host_str().is_none() {
            return Err(invalid(
                "FERRODESK_PUBLIC_URL",
                "must be an http:// or https:// URL with a host".into(),
            ));
        }
        let smtp_url = pick("FERRODESK_SMTP_URL", file.smtp_url)
            .filter(|s| !s.trim().is_empty())
            .map(Secret::new);
        if let Some(url) = &smtp_url {
            if !(url.expose().starts_with("smtp://") || url.expose().starts_with("smtps://")) {
                return Err(invalid(
                    "FERRODESK_SMTP_URL",
                    "must start with smtp:// or smtps://".into(),
                ));
            }
        }
        let mail_from = pick("FERRODESK_MAIL_FROM", file.mail_from).unwrap_or_else(|| {
            format!(
                "Ferrodesk <ferrodesk@{}>",
                public_url.host_str().unwrap_or("localhost")
            )
        });
        let secure_cookies = match env("FERRODESK_SECURE_COOKIES") {
            Some(v) => parse_bool("FERRODESK_SECURE_COOKIES", &v)?,
            None => file
                .secure_cookies
                .unwrap_or(public_url.scheme() == "https"),
        };
        let proxies = match env("FERRODESK_TRUSTED_PROXIES") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            None => file.trusted_proxies.unwrap_or_default(),
        };
        let trusted_proxies = proxies
            .iter()
            .map(|p| {
                p.parse().map_err(|_| {
                    invalid(
                        "FERRODESK_TRUSTED_PROXIES",
                        format!("{p:?} is not an IP address"),
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let mut rate_limits = file.rate_limits.unwrap_or_default();
        override_limit(
            &env,
            "FERRODESK_LOGIN_LIMIT_PER_IP",
            &mut rate_limits.login_per_ip,
        )?;
        override_limit(
            &env,
            "FERRODESK_API_LIMIT_PER_TOKEN",
            &mut rate_limits.api_per_token_per_minute,
        )?;
        override_limit(
            &env,
            "FERRODESK_API_LIMIT_PER_IP",
            &mut rate_limits.api_per_ip_per_minute,
        )?;
        override_limit(
            &env,
            "FERRODESK_LOGIN_LIMIT_PER_ACCOUNT",
            &mut rate_limits.login_per_account,
        )?;
        override_limit(
            &env,
            "FERRODESK_SIGNUP_LIMIT_PER_IP",
            &mut rate_limits.signup_per_ip,
        )?;
        override_limit(
            &env,
            "FERRODESK_RESET_LIMIT_PER_IP",
            &mut rate_limits.reset_per_ip,
        )?;
        override_limit(
            &env,
            "FERRODESK_RESET_LIMIT_PER_ACCOUNT",
            &mut rate_limits.reset_per_account,
        )?;
        override_limit(
            &env,
            "FERRODESK_TICKET_LIMIT_PER_ACCOUNT",
            &mut rate_limits.tickets_per_account,
        )?;
        for (name, value) in [
            ("rate_limits.window_secs", rate_limits.window_secs),
            ("rate_limits.login_per_ip", rate_limits.login_per_ip),
            (
                "rate_limits.login_per_account",
                rate_limits.login_per_account,
            ),
            ("rate_limits.signup_per_ip", rate_limits.signup_per_ip),
            ("rate_limits.reset_per_ip", rate_limits.reset_per_ip),
            (
                "rate_limits.reset_per_account",
                rate_limits.reset_per_account,
            ),
            (
                "rate_limits.tickets_per_account",
                rate_limits.tickets_per_account,
            ),
            (
                "rate_limits.api_per_token_per_minute",
                rate_limits.api_per_token_per_minute,
            ),
            (
                "rate_limits.api_per_ip_per_minute",
                rate_limits.api_per_ip_per_minute,
            ),
        ] {
            if value <= 0 {
                return Err(invalid(
                    name,
                    format!("{value}: use a positive whole number"),
                ));
            }
        }
        let log_json = match pick("FERRODESK_LOG_FORMAT", file.log_format).as_deref() {
            None | Some("pretty") => false,
            Some("json") => true,
            Some(other) => {
                return Err(invalid(
                    "FERRODESK_LOG_FORMAT",
                    format!("{other:?}: use json or pretty"),
                ))
            }
        };
        let mut max_concurrent_requests = file.max_concurrent_requests.unwrap_or(1024);
        override_limit(
            &env,
            "FERRODESK_MAX_CONCURRENT_REQUESTS",
            &mut max_concurrent_requests,
        )?;
        if max_concurrent_requests <= 0 {
            return Err(invalid(
                "max_concurrent_requests",
                "use a positive whole number".into(),
            ));
        }
        let mut max_attachment_bytes = file.max_attachment_bytes.unwrap_or(10 * 1024 * 1024);
        override_limit(
            &env,
            "FERRODESK_MAX_ATTACHMENT_BYTES",
            &mut max_attachment_bytes,
        )?;
        if max_attachment_bytes <= 0 {
            return Err(invalid(
                "max_attachment_bytes",
                "use a positive whole number".into(),
            ));
        }
        let upload_quota = upload_quota_config(&env, file.upload_quota.unwrap_or_default())?;
        let scheduler = scheduler_config(&env, file.scheduler.unwrap_or_default())?;
        let mut breaching_soon_minutes = file.breaching_soon_minutes.unwrap_or(120);
        override_limit(
            &env,
            "FERRODESK_BREACHING_SOON_MINUTES",
            &mut breaching_soon_minutes,
        )?;
        if !(1..=60 * 24 * 30).contains(&breaching_soon_minutes) {
            return Err(invalid(
                "breaching_soon_minutes",
                format!("{breaching_soon_minutes}: use a whole number of minutes from 1 to 43200 (30 days)"),
            ));
        }
        let search_language = pick("FERRODESK_SEARCH_LANGUAGE", file.search_language)
            .map(|l| l.trim().to_lowercase())
            .unwrap_or_else(|| "english".into());
        if !crate::store::SEARCH_LANGUAGES.contains(&search_language.as_str()) {
            return Err(invalid(
                "FERRODESK_SEARCH_LANGUAGE",
                format!(
                    "{search_language:?}: use one of {}",
                    crate::store::SEARCH_LANGUAGES.join(", ")
                ),
            ));
        }
        if matches!(database, DatabaseUrl::Sqlite(_))
            && !matches!(search_language.as_str(), "english" | "simple")
        {
            return Err(invalid(
                "FERRODESK_SEARCH_LANGUAGE",
                format!("{search_language:?}: on SQLite search stems English only; use english or simple, or PostgreSQL"),
            ));
        }
        let mut live_connections_per_user = file.live_connections_per_user.unwrap_or(16);
        override_limit(
            &env,
            "FERRODESK_LIVE_CONNECTIONS_PER_USER",
            &mut live_connections_per_user,
        )?;
        if !(1..=10_000).contains(&live_connections_per_user) {
            return Err(invalid(
                "live_connections_per_user",
                format!("{live_connections_per_user}: use a whole number from 1 to 10000"),
            ));
        }
        let mut live_backlog = file.live_backlog.unwrap_or(4096);
        override_limit(&env, "FERRODESK_LIVE_BACKLOG", &mut live_backlog)?;
        if !(16..=1_000_000).contains(&live_backlog) {
            return Err(invalid(
                "live_backlog",
                format!("{live_backlog}: use a whole number from 16 to 1000000"),
            ));
        }
        let site_root = env("LEPTOS_SITE_ROOT")
            .map(PathBuf::from)
            .or(file.site_root)
            .unwrap_or_else(|| "target/site".into());
        Ok(Self {
            data_dir,
            database,
            bind,
            public_url,
            smtp_url,
            mail_from,
            secure_cookies,
            trusted_proxies,
            rate_limits,
            log_json,
            site_root,
            max_concurrent_requests: usize::try_from(max_concurrent_requests).unwrap_or(1024),
            max_attachment_bytes: usize::try_from(max_attachment_bytes).unwrap_or(10 * 1024 * 1024),
            upload_quota,
            scheduler,
            breaching_soon_minutes,
            search_language,
            live_connections_per_user: usize::try_from(live_connections_per_user).unwrap_or(16),
            live_backlog: usize::try_from(live_backlog).unwrap_or(4096),
        })
    }

    /// A link into the app, always from the configured public URL (never
    /// the Host header of a request).
    pub fn link(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.public_url.as_str().trim_end_matches('/'),
            path_and_query
        )
    }
}

fn upload_quota_config(
    env: &impl Fn(&str) -> Option<String>,
    mut quota: UploadQuota,
) -> Result<UploadQuota, ConfigError> {
    for (name, slot) in [
        ("FERRODESK_UPLOAD_WINDOW_SECS", &mut quota.window_secs),
        (
            "FERRODESK_UPLOAD_FILES_PER_ACCOUNT",
            &mut quota.files_per_account,
        ),
        (
            "FERRODESK_UPLOAD_BYTES_PER_ACCOUNT",
            &mut quota.bytes_per_account,
        ),
        (
            "FERRODESK_UPLOAD_FILES_PER_TICKET",
            &mut quota.files_per_ticket,
        ),
        (
            "FERRODESK_UPLOAD_BYTES_PER_TICKET",
            &mut quota.bytes_per_ticket,
        ),
    ] {
        override_limit(env, name, slot)?;
    }
    for (name, value) in [
        ("upload_quota.window_secs", quota.window_secs),
        ("upload_quota.files_per_account", quota.files_per_account),
        ("upload_quota.bytes_per_account", quota.bytes_per_account),
        ("upload_quota.files_per_ticket", quota.files_per_ticket),
        ("upload_quota.bytes_per_ticket", quota.bytes_per_ticket),
    ] {
        if value <= 0 {
            return Err(invalid(
                name,
                format!("{value}: use a positive whole number"),
            ));
        }
    }
    Ok(quota)
}

fn scheduler_config(
    env: &impl Fn(&str) -> Option<String>,
    mut scheduler: SchedulerConfig,
) -> Result<SchedulerConfig, ConfigError> {
    if let Some(v) = env("FERRODESK_SCHEDULER") {
        scheduler.enabled = parse_bool("FERRODESK_SCHEDULER", &v)?;
    }
    override_limit(
        env,
        "FERRODESK_SCHEDULER_SWEEP_SECS",
        &mut scheduler.sweep_secs,
    )?;
    override_limit(
        env,
        "FERRODESK_SCHEDULER_LEASE_SECS",
        &mut scheduler.lease_secs,
    )?;
    override_limit(
        env,
        "FERRODESK_AGENT_IDLE_MINUTES",
        &mut scheduler.idle_minutes,
    )?;
    if let Some(v) = env("FERRODESK_RETURN_UNTOUCHED_MINUTES") {
        scheduler.return_untouched_minutes = match v.trim() {
            "" | "off" => None,
            text => Some(text.parse().map_err(|_| {
                invalid(
                    "FERRODESK_RETURN_UNTOUCHED_MINUTES",
                    format!("{text:?}: use a whole number of minutes, or off"),
                )
            })?),
        };
    }
    for (name, value) in [
        ("scheduler.sweep_secs", scheduler.sweep_secs),
        ("scheduler.lease_secs", scheduler.lease_secs),
        ("scheduler.idle_minutes", scheduler.idle_minutes),
        (
            "scheduler.return_untouched_minutes",
            scheduler.return_untouched_minutes.unwrap_or(1),
        ),
    ] {
        if value <= 0 {
            return Err(invalid(
                name,
                format!("{value}: use a positive whole number"),
            ));
        }
    }
    Ok(scheduler)
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::File {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

fn invalid(name: &'static str, reason: String) -> ConfigError {
    ConfigError::Invalid { name, reason }
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(invalid(name, format!("{other:?}: use true or false"))),
    }
}

fn override_limit(
    env: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    slot: &mut i64,
) -> Result<(), ConfigError> {
    if let Some(value) = env(name) {
        *slot = value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid(name, format!("{value:?}: use a positive whole number")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(|name| map.get(name).cloned())
    }

    #[test]
    fn no_database_url_means_sqlite_in_the_data_dir() {
        let config = load(&[("FERRODESK_DATA_DIR", "/srv/desk")]).unwrap();
        assert_eq!(
            config.database,
            DatabaseUrl::Sqlite("/srv/desk/ferrodesk.sqlite3".into())
        );
    }

    #[test]
    fn postgres_urls_select_postgres_and_stay_secret() {
        let config = load(&[("DATABASE_URL", "postgres://u:hunter2@db/desk")]).unwrap();
        assert!(matches!(config.database, DatabaseUrl::Postgres(_)));
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn unknown_database_schemes_are_a_clear_error() {
        let err = load(&[("DATABASE_URL", "mysql://root@localhost/desk")]).unwrap_err();
        assert!(err.to_string().contains("\"mysql\""), "{err}");
    }

    #[test]
    fn public_url_drives_links_and_cookie_security() {
        let config = load(&[("FERRODESK_PUBLIC_URL", "https://help.example.com/")]).unwrap();
        assert!(config.secure_cookies);
        assert_eq!(
            config.link("/portal/reset?x=1"),
            "https://help.example.com/portal/reset?x=1"
        );
    }

    #[test]
    fn the_example_file_in_deploy_is_valid() {
        let file: FileConfig =
            toml::from_str(include_str!("../../deploy/ferrodesk.example.toml")).unwrap();
        assert_eq!(file.public_url.as_deref(), Some("https://help.example.com"));
        assert_eq!(file.rate_limits.unwrap_or_default().login_per_account, 10);
    }

    #[test]
    fn bad_values_name_the_setting() {
        assert!(load(&[("FERRODESK_BIND", "nowhere")])
            .unwrap_err()
            .to_string()
            .contains("FERRODESK_BIND"));
        assert!(load(&[("FERRODESK_SMTP_URL", "http://x")])
            .unwrap_err()
            .to_string()
            .contains("FERRODESK_SMTP_URL"));
        assert!(load(&[("FERRODESK_LOGIN_LIMIT_PER_IP", "-3")])
            .unwrap_err()
            .to_string()
            .contains("LOGIN_LIMIT"));
    }
}
