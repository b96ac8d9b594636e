//! Attachments over HTTP: streaming limits, storage by hash, and downloads
//! only for those who may see the ticket.

use crate::support::{backends, spawn_app, spawn_app_with, Client, Db, TestApp};
use app::domain::Role;
use reqwest::multipart::{Form, Part};

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

        let res = ann
            .upload(
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
            bob.upload(ticket, "x.txt", b"x".to_vec(), false)
                .await
                .status(),
            404
        );
        assert_eq!(
            app.client().get(&format!("/attachments/{id}")).await.status,
            401
        );

        let res = agent
            .upload(ticket, "internal-log.txt", b"stack trace".to_vec(), true)
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
        let sneaky = ann
            .upload(ticket, "sneaky.txt", b"sneaky bytes".to_vec(), true)
            .await;
        assert_eq!(sneaky.status(), 403);
        assert_eq!(
            stored_files(&app),
            before_sneaky,
            "a refused upload leaves nothing behind"
        );

        // The same bytes again are stored once; the name is per attachment.
        let before = stored_files(&app);
        assert_eq!(
            agent
                .upload(ticket, "copy.txt", b"quarterly numbers".to_vec(), false)
                .await
                .status(),
            303
        );
        assert_eq!(stored_files(&app), before);
        let history = agent.ticket_detail(ticket).await.history;
        assert_eq!(
            history
                .iter()
                .filter(|e| e.change.kind() == "AttachmentAdded")
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
    let res = ann
        .upload(ticket, "big.bin", vec![7u8; 64 * 1024], false)
        .await;
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
    let empty = ann.upload(ticket, "empty.txt", Vec::new(), false).await;
    assert_eq!(empty.status(), 422);
    assert_eq!(
        ann.upload(ticket, "ok.txt", vec![1u8; 1000], false)
            .await
            .status(),
        303
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_travel_with_the_request_and_with_replies_and_notes_keep_theirs_from_customers() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_MAX_ATTACHMENT_BYTES", "1024")]).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let agent = app.signed_in("agent@example.com", Role::Agent).await;
        let raised = ann
            .send_files(
                "tickets/raise",
                &[
                    ("subject", "Broken screen"),
                    ("description", "Photos attached."),
                    ("urgency", "normal"),
                ],
                &[("front.jpg", b"front"), ("back.jpg", b"back")],
            )
            .await;
        assert_eq!(raised.status, 200, "{}", raised.body);
        let id = ann.get("/api/tickets/mine").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let tid = id.to_string();
        let note = agent
            .send_files(
                "tickets/reply",
                &[
                    ("ticket_id", &tid),
                    ("body", "Vendor quote inside."),
                    ("internal", "on"),
                ],
                &[("quote.pdf", b"INTERNAL-QUOTE")],
            )
            .await;
        assert_eq!(note.status, 200, "{}", note.body);
        let reply = agent
            .send_files(
                "tickets/reply",
                &[("ticket_id", &tid), ("body", "Here is the guide.")],
                &[("guide.txt", b"step 1")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);

        let staff_view = agent
            .get(&format!("/api/tickets/detail?id={id}"))
            .await
            .json();
        let files: Vec<(String, bool, bool)> = staff_view["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["file_name"].as_str().unwrap().to_owned(),
                    a["message_id"].is_i64(),
                    a["internal"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            files,
            [
                ("front.jpg".into(), false, false),
                ("back.jpg".into(), false, false),
                ("quote.pdf".into(), true, true),
                ("guide.txt".into(), true, false),
            ]
        );
        let customer_view = ann.get(&format!("/api/tickets/detail?id={id}")).await;
        assert!(!customer_view.body.contains("quote.pdf"));
        assert!(customer_view.body.contains("guide.txt"));
        let page = ann.get(&format!("/portal/tickets/{id}")).await.body;
        assert!(
            page.contains("front.jpg") && page.contains("guide.txt") && !page.contains("quote.pdf")
        );
        let quote_id = staff_view["attachments"][2]["id"].as_i64().unwrap();
        let hidden = ann.get(&format!("/attachments/{quote_id}")).await;
        assert_eq!(
            hidden.status, 404,
            "an internal note's file is not the customer's"
        );

        let before = stored_files(&app);
        let too_big = ann
            .send_files(
                "tickets/reply",
                &[("ticket_id", &tid), ("body", "One more.")],
                &[("huge.bin", &[7u8; 4096])],
            )
            .await;
        assert_eq!(too_big.status, 413, "{}", too_big.body);
        assert!(too_big.body.contains("at most"), "{}", too_big.body);
        assert_eq!(
            stored_files(&app),
            before,
            "a refused form leaves no file behind"
        );
        let invalid = ann
            .send_files(
                "tickets/reply",
                &[("ticket_id", &tid), ("body", "   ")],
                &[("fine.txt", b"ok")],
            )
            .await;
        assert_eq!(invalid.status, 422);
        assert_eq!(
            stored_files(&app),
            before,
            "nor does one refused for its text"
        );
        let messages = ann
            .get(&format!("/api/tickets/detail?id={id}"))
            .await
            .json()["messages"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(
            messages, 1,
            "only the public reply; nothing from the refused forms"
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_and_pdfs_preview_inline_in_a_sandbox_and_the_rest_downloads() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let fake = b"<html><script>alert(1)</script>".to_vec();
        let reply = ann
            .send_files(
                "tickets/raise",
                &[
                    ("subject", "Screens"),
                    ("description", "Two screenshots."),
                    ("urgency", ""),
                ],
                &[
                    ("screen.png", &png),
                    ("report.pdf", b"%PDF-1.7\n%fake"),
                    ("trap.png", &fake),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let ticket = ann.get("/api/tickets/mine").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let detail = ann
            .get(&format!("/api/tickets/detail?id={ticket}"))
            .await
            .json();
        let id_of = |name: &str| {
            detail["attachments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["file_name"] == name)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let fetch = |path: String| {
            let http = ann.http.clone();
            let url = ann.url(&path);
            async move { http.get(url).send().await.unwrap().headers().clone() }
        };
        for (name, kind) in [
            ("screen.png", "image/png"),
            ("report.pdf", "application/pdf"),
        ] {
            let h = fetch(format!("/attachments/{}", id_of(name))).await;
            assert_eq!(h["content-type"], kind, "{name}");
            assert!(h["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("inline;"));
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert_eq!(h["content-security-policy"], "sandbox");
            // Asked for a download, it downloads.
            let h = fetch(format!("/attachments/{}?download=1", id_of(name))).await;
            assert!(h["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;"));
            assert_eq!(h["content-type"], "application/octet-stream");
        }
        // A name is not enough: HTML called .png is a download.
        let h = fetch(format!("/attachments/{}", id_of("trap.png"))).await;
        assert!(h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert_eq!(h["content-type"], "application/octet-stream");

        // The ticket page shows the picture once, and has one upload control.
        let html = ann
            .http
            .get(ann.url(&format!("/portal/tickets/{ticket}")))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains(&format!(
            "<img src=\"/attachments/{}\"",
            id_of("screen.png")
        )));
        assert_eq!(
            html.matches("type=\"file\"").count(),
            1,
            "one upload control"
        );
        assert_eq!(html.matches(">screen.png<").count(), 1, "listed once");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_large_file_in_a_reply_comes_back_to_the_ticket_with_the_reply_kept() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_MAX_ATTACHMENT_BYTES", "1024")]).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let ticket = raise(&ann).await;
        let page = ann.url(&format!("/portal/tickets/{ticket}"));
        let form = Form::new()
            .text("ticket_id", ticket.to_string())
            .text("body", "Here is the full log you asked for.")
            .part(
                "files",
                Part::bytes(vec![b'x'; 200_000]).file_name("big.log"),
            );
        let res = ann
            .http
            .post(ann.url("/api/tickets/reply"))
            .header("accept", "text/html")
            .header("referer", &page)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302);
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with(&page) && location.contains("__err="),
            "{location}"
        );
        let html = ann
            .http
            .get(location)
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("class=\"topbar\""),
            "the page keeps its header"
        );
        assert!(html.contains("too large"), "the error is shown: {html}");
        assert!(
            html.contains("Here is the full log you asked for."),
            "the reply is kept"
        );
        assert_eq!(stored_files(&app), 0, "nothing is left behind");
        app.stop().await;
    }
}

/// An admin deletes a spam ticket: it leaves the queues, search and its
/// requester's list; a TicketDeleted event stays; its own files go from
/// disk while a file another ticket shares stays. Agents may not delete.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_deletes_a_ticket_and_the_files_only_it_used() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let agent = app.signed_in("agent@example.com", Role::Agent).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        let keep = raise(&ann).await;
        let spam = raise(&ann).await;
        assert_ne!(keep, spam);
        let shared = b"shared bytes".to_vec();
        for (ticket, name, bytes) in [
            (keep, "shared.txt", shared.clone()),
            (spam, "shared.txt", shared),
            (spam, "only-spam.txt", b"spam only".to_vec()),
        ] {
            assert_eq!(ann.upload(ticket, name, bytes, false).await.status(), 303);
        }
        assert_eq!(stored_files(&app), 2, "the shared file is stored once");
        assert!(!agent.ticket_detail(spam).await.may_delete);
        assert!(admin.ticket_detail(spam).await.may_delete);

        let id = spam.to_string();
        let refused = agent.call("tickets/delete", &[("ticket_id", &id)]).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        let deleted = admin.call("tickets/delete", &[("ticket_id", &id)]).await;
        assert_eq!(deleted.status, 200, "{}", deleted.body);

        assert_eq!(stored_files(&app), 1, "only the shared file is left");
        let gone = admin.get(&format!("/api/tickets/detail?id={spam}")).await;
        assert_eq!(gone.status, 404);
        let mine = ann.get("/api/tickets/mine").await.json();
        let ids: Vec<i64> = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [keep]);
        let found = admin
            .get("/api/tickets/queue?params[view]=all_open&params[q]=Files")
            .await;
        assert_eq!(found.status, 200, "{}", found.body);
        let page: app::api::types::TicketPage = serde_json::from_str(&found.body).unwrap();
        let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
        assert_eq!(ids, [keep], "search finds the deleted ticket no more");
        let keep_detail = ann.ticket_detail(keep).await;
        assert_eq!(keep_detail.attachments.len(), 1);

        let logged = app.store.events_after(0, 1_000).await.unwrap();
        let last = logged.last().unwrap();
        assert_eq!(last.event.ticket, Some(spam));
        assert!(matches!(
            &last.event.change,
            app::domain::event::DomainEvent::TicketDeleted { subject } if subject == "Files"
        ));
        let again = admin.call("tickets/delete", &[("ticket_id", &id)]).await;
        assert_eq!(again.status, 404, "{}", again.body);
        app.stop().await;
    }
}
