use clap::Parser;
use ferrodesk::cli::{run, Cli};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ferrodesk: {err}");
            ExitCode::FAILURE
        }
    }
}
