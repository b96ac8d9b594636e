#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test
//! Attachments over HTTP: streaming limits, storage by hash, and downloads
//! only for those who may see the ticket.

mod support;

use app::domain::Role;
use reqwest::multipart::{Form, Part};
use support::{backends, spawn_app, spawn_app_with, Client, Db, TestApp};

async fn raise(client: &Client) -> i64 {
    let reply = client
        .call(
            "tickets/raise",
            &[
                ("subject", "Files"),
                ("description", "See attached"),
                ("urgency", "low"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    client.get("/api/tickets/mine").await.json()["items"][0]["id"]
        .as_i64()
        .unwrap()
}

async fn upload(
    client: &Client,
    ticket: i64,
    name: &str,
    bytes: Vec<u8>,
    internal: bool,
) -> reqwest::Response {
    let mut form = Form::new();
    if internal {
        form = form.text("internal", "on");
    }
    form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    client
        .http
        .post(client.url(&format!("/tickets/{ticket}/attachments")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn stored_files(app: &TestApp) -> usize {
    let root = app.data_dir().join("attachments");
    walk(&root)
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_stored_once_and_served_only_to_who_may_see_them() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let bob = app.signed_in("bob@example.com", Role::Customer).await;
        let agent = app.signed_in("agent@example.com", Role::Agent).await;
        let ticket = raise(&ann).await;

        let res = upload(
            &ann,
            ticket,
            "../../Prüfbericht.txt",
            b"quarterly numbers".to_vec(),
            false,
        )
        .await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            format!("/portal/tickets/{ticket}")
        );
        let detail = ann
            .get(&format!("/api/tickets/detail?id={ticket}"))
            .await
            .json();
        let file = &detail["attachments"][0];
        assert_eq!(
            (file["file_name"].as_str(), file["size_bytes"].as_i64()),
            (Some("Prüfbericht.txt"), Some(17))
        );
        let id = file["id"].as_i64().unwrap();

        let download = ann
            .http
            .get(ann.url(&format!("/attachments/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 200);
        let h = download.headers().clone();
        assert!(h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert!(h["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''Pr%C3%BCfbericht.txt"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["content-security-policy"], "sandbox");
        assert_eq!(h["content-type"], "application/octet-stream");
        assert_eq!(
            download.bytes().await.unwrap().as_ref(),
            b"quarterly numbers"
        );

        let other = bob.get(&format!("/attachments/{id}")).await;
        let missing = bob.get(&format!("/attachments/{}", id + 100)).await;
        assert_eq!((other.status, missing.status), (404, 404));
        assert_eq!(
            other.body, missing.body,
            "another customer's file looks exactly like a missing one"
        );
        assert_eq!(
            upload(&bob, ticket, "x.txt", b"x".to_vec(), false)
                .await
                .status(),
            404
        );
        assert_eq!(
            app.client().get(&format!("/attachments/{id}")).await.status,
            401
        );

        let res = upload(
            &agent,
            ticket,
            "internal-log.txt",
            b"stack trace".to_vec(),
            true,
        )
        .await;
        assert_eq!(res.status(), 303);
        let staff = agent
            .get(&format!("/api/tickets/detail?id={ticket}"))
            .await
            .json();
        let internal_id = staff["attachments"][1]["id"].as_i64().unwrap();
        assert_eq!(staff["attachments"][1]["internal"], true);
        let customer = ann.get(&format!("/api/tickets/detail?id={ticket}")).await;
        assert!(
            !customer.body.contains("internal-log.txt"),
            "internal files never reach the customer"
        );
        assert_eq!(
            ann.get(&format!("/attachments/{internal_id}")).await.status,
            404
        );
        let before_sneaky = stored_files(&app);
        let sneaky = upload(&ann, ticket, "sneaky.txt", b"sneaky bytes".to_vec(), true).await;
        assert_eq!(sneaky.status(), 403);
        assert_eq!(
            stored_files(&app),
            before_sneaky,
            "a refused upload leaves nothing behind"
        );

        // The same bytes again are stored once; the name is per attachment.
        let before = stored_files(&app);
        assert_eq!(
            upload(
                &agent,
                ticket,
                "copy.txt",
                b"quarterly numbers".to_vec(),
                false
            )
            .await
            .status(),
            303
        );
        assert_eq!(stored_files(&app), before);
        let history = agent
            .get(&format!("/api/tickets/detail?id={ticket}"))
            .await
            .json()["history"]
            .clone();
        assert_eq!(
            history
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["kind"] == "attachment")
                .count(),
            3
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_uploads_get_413_and_leave_nothing_behind() {
    let app = spawn_app_with(Db::Sqlite, &[("FERRODESK_MAX_ATTACHMENT_BYTES", "1024")]).await;
    let ann = app.signed_in("ann@example.com", Role::Customer).await;
    let ticket = raise(&ann).await;
    let res = upload(&ann, ticket, "big.bin", vec![7u8; 64 * 1024], false).await;
    assert_eq!(res.status(), 413);
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'none'"));
    assert!(res.text().await.unwrap().contains("File too large"));
    assert_eq!(stored_files(&app), 0, "no stored file, no temporary file");
    let detail = ann
        .get(&format!("/api/tickets/detail?id={ticket}"))
        .await
        .json();
    assert_eq!(detail["attachments"], serde_json::json!([]));
    let empty = upload(&ann, ticket, "empty.txt", Vec::new(), false).await;
    assert_eq!(empty.status(), 422);
    assert_eq!(
        upload(&ann, ticket, "ok.txt", vec![1u8; 1000], false)
            .await
            .status(),
        303
    );
    app.stop().await;
}
