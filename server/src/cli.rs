//! The command line: `serve` (default), `migrate`, `admin create`.

use crate::accounts::passwords;
use crate::clock::{SharedClock, SystemClock};
use crate::config::Config;
use crate::startup;
use crate::store::{self, NewUser, StoreError};
use app::domain::{DisplayName, EmailAddress, Password, Role, TimezoneName};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "ferrodesk",
    version,
    about = "Ferrodesk, an open-source service desk"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the database with realistic demo tickets (for benchmarks).
    Seed {
        /// How many tickets to add.
        #[arg(long, default_value_t = 1_000_000)]
        tickets: u64,
        #[arg(long, default_value_t = 20_000)]
        customers: u64,
        #[arg(long, default_value_t = 200)]
        agents: u64,
        /// The random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin account. The password comes from FERRODESK_ADMIN_PASSWORD
    /// or, when that is unset, from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Start(#[from] startup::StartError),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Input(String),
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let config = Config::load(|name| std::env::var(name).ok())?;
    crate::telemetry::init(config.log_json);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = store::open(&config.database).await?;
            println!("Database is up to date ({}).", db.store.backend().as_str());
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::Create { email, name },
        } => create_admin(config, &email, &name).await,
        Command::Seed {
            tickets,
            customers,
            agents,
            seed,
        } => {
            let options = crate::seed::SeedOptions {
                tickets,
                customers,
                agents,
                seed,
            };
            seed_database(config, options).await
        }
    }
}

async fn seed_database(config: Config, options: crate::seed::SeedOptions) -> Result<(), CliError> {
    let db = store::open(&config.database).await?;
    let started = std::time::Instant::now();
    let mut last_report = 0;
    let report = crate::seed::seed(&db.store, &options, chrono::Utc::now(), |done| {
        if done - last_report >= 100_000 || done == options.tickets {
            last_report = done;
            let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
            println!("{done} tickets ({rate:.0}/s)");
        }
    })
    .await?;
    // Fresh statistics, so the first queries after a bulk load plan well.
    db.store.refresh_statistics().await?;
    println!(
        "Seeded {} tickets and {} messages into {} in {:.1} s.",
        report.tickets,
        report.messages,
        db.store.backend().as_str(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn serve(config: Config) -> Result<(), CliError> {
    let clock: SharedClock = Arc::new(SystemClock);
    let running = startup::start(config, clock).await?;
    let url = running.config.public_url.clone();
    println!("Ferrodesk is running at {url}");
    println!("Data directory: {}", running.config.data_dir.display());
    println!(
        "Create the first admin with:\n  FERRODESK_ADMIN_PASSWORD='…' ferrodesk admin create --email you@example.com --name 'Your Name'"
    );
    startup::shutdown_signal().await;
    running.stop().await;
    Ok(())
}

async fn create_admin(config: Config, email: &str, name: &str) -> Result<(), CliError> {
    let email = EmailAddress::parse(email).map_err(|m| CliError::Input(format!("--email: {m}")))?;
    let name = DisplayName::parse(name).map_err(|m| CliError::Input(format!("--name: {m}")))?;
    let password = match std::env::var("FERRODESK_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                CliError::Input(format!("cannot read the password from standard input: {e}"))
            })?;
            text.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let password =
        Password::parse(&password).map_err(|m| CliError::Input(format!("password: {m}")))?;
    passwords::check_strength(&password, email.as_str(), name.as_str())
        .map_err(|m| CliError::Input(format!("password: {m}")))?;
    let hash = passwords::hash(password.expose().to_owned())
        .await
        .map_err(|e| CliError::Input(e.to_string()))?;
    let db = store::open(&config.database).await?;
    let user = NewUser {
        email,
        name,
        role: Role::Admin,
        password_hash: hash,
        timezone: TimezoneName::utc(),
    };
    match db.store.insert_user(user, chrono::Utc::now()).await {
        Ok(user) => {
            println!("Admin {} created (id {}).", user.email, user.id);
            Ok(())
        }
        Err(StoreError::Conflict(_)) => Err(CliError::Input(
            "an account with this email already exists".into(),
        )),
        Err(other) => Err(other.into()),
    }
}
