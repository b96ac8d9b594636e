//! The `ferrodesk` binary: configuration errors, migrate, admin create,
//! serve and a graceful stop on SIGTERM.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn ferrodesk(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferrodesk"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FERRODESK_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    cmd
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn an_unknown_database_scheme_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = ferrodesk(dir.path())
        .env("DATABASE_URL", "mysql://root@localhost/desk")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = text(&output);
    assert!(
        message.contains("DATABASE_URL") && message.contains("\"mysql\""),
        "{message}"
    );
}

#[test]
fn migrate_then_create_admins_with_a_password_from_env_or_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let output = ferrodesk(dir.path()).arg("migrate").output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("Database is up to date (sqlite)"));

    let create = |email: &str, password_env: Option<&str>, stdin: &str| {
        let mut cmd = ferrodesk(dir.path());
        cmd.args(["admin", "create", "--email", email, "--name", "Ada Admin"]);
        if let Some(p) = password_env {
            cmd.env("FERRODESK_ADMIN_PASSWORD", p);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = create("ada@example.com", Some("a long staff passphrase"), "");
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("Admin ada@example.com created"));

    let duplicate = create("ada@example.com", Some("a long staff passphrase"), "");
    assert!(!duplicate.status.success());
    assert!(text(&duplicate).contains("already exists"));

    let short = create("bob@example.com", Some("short"), "");
    assert!(!short.status.success());
    assert!(text(&short).contains("Use at least 8 characters."));
    let common = create("bob@example.com", Some("password123"), "");
    assert!(!common.status.success());
    assert!(
        text(&common).contains("most common passwords"),
        "{}",
        text(&common)
    );
    let personal = create("bob@example.com", Some("ada admin forever"), "");
    assert!(
        text(&personal).contains("does not contain your name"),
        "{}",
        text(&personal)
    );

    let from_stdin = create("cy@example.com", None, "typed on standard input\n");
    assert!(from_stdin.status.success(), "{}", text(&from_stdin));

    let bad_email = create("not-an-email", Some("a long staff passphrase"), "");
    assert!(text(&bad_email).contains("--email"));
}

#[test]
fn serve_answers_health_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = ferrodesk(dir.path())
        .env("FERRODESK_BIND", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let healthy = loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            break response;
        }
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        healthy.starts_with("HTTP/1.1 200") && healthy.contains("\"backend\":\"sqlite\""),
        "{healthy}"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("Ferrodesk is running at http://127.0.0.1:{port}")),
        "{stdout}"
    );
    assert!(stdout.contains("ferrodesk admin create"));
}
