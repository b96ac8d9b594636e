//! The REST API over real HTTP, on every backend: tokens (made from a
//! session only, scoped, never beyond their owner, revoked, expired, of a
//! deactivated owner), tickets raised, read and listed through the same
//! services as the pages, problem details for every kind of bad input, and
//! the request budget.

use crate::support::api::Api;
use crate::support::{backends, spawn_app, spawn_app_with, user_id};
use app::domain::Role;
use serde_json::json;

fn problem_type(reply: &crate::support::Reply) -> String {
    assert_eq!(
        reply.headers["content-type"], "application/problem+json",
        "{}",
        reply.body
    );
    let json = reply.json();
    assert_eq!(json["status"], reply.status, "{}", reply.body);
    assert!(json["title"].is_string() && json["detail"].is_string());
    json["type"]
        .as_str()
        .unwrap()
        .trim_start_matches("/api/docs#problem-")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_made_from_a_session_and_act_as_their_owner_within_their_scopes() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;

        // Shown once: the list never has the secret.
        let made = ada
            .api_post(
                "/tokens",
                &json!({"name": "CRM", "scopes": ["tickets:read"], "expires_in_days": 30}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let secret = made.json()["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("fdk_"));
        let listed = ada.api_get("/tokens").await;
        assert_eq!(listed.status, 200);
        assert!(!listed.body.contains(&secret));
        assert_eq!(listed.json()["items"][0]["name"], "CRM");
        assert_eq!(listed.json()["items"][0]["state"], "active");

        let reader = Api::new(&app.base, Some(&secret));
        let me = reader.get("/users/me").await;
        assert_eq!(me.status, 200, "{}", me.body);
        assert_eq!(me.json()["email"], "ada@example.com");
        assert_eq!(me.json()["scopes"], json!(["tickets:read"]));
        assert!(listed.json()["items"][0]["last_used_at"].is_null());
        assert!(!ada.api_get("/tokens").await.json()["items"][0]["last_used_at"].is_null());

        // A read token cannot write; no token manages tokens.
        let refused = reader
            .post(
                "/tickets",
                &json!({"subject": "Printer", "description": "Jammed."}),
            )
            .await;
        assert_eq!(refused.status, 403);
        assert_eq!(problem_type(&refused), "insufficient-scope");
        assert!(refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("tickets:write"));
        let minted = reader
            .post(
                "/tokens",
                &json!({"name": "x", "scopes": ["tickets:read"], "expires_in_days": 1}),
            )
            .await;
        assert_eq!(minted.status, 403);
        assert_eq!(problem_type(&minted), "insufficient-scope");

        // An agent's admin scope is dropped: never more than the owner.
        let all = ada.token(&["tickets:read", "tickets:write", "admin"]).await;
        assert_eq!(
            all.get("/users/me").await.json()["scopes"],
            json!(["tickets:read", "tickets:write"])
        );

        // Revoked, unknown, malformed and expired tokens are all 401.
        let id = made.json()["token"]["id"].as_i64().unwrap();
        assert_eq!(ada.api_delete(&format!("/tokens/{id}")).await.status, 204);
        assert_eq!(ada.api_delete(&format!("/tokens/{id}")).await.status, 404);
        let revoked = reader.get("/users/me").await;
        assert_eq!(revoked.status, 401);
        assert_eq!(problem_type(&revoked), "unauthenticated");
        assert!(revoked.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
        assert_eq!(
            Api::new(&app.base, Some("fdk_nonsense"))
                .get("/users/me")
                .await
                .status,
            401
        );
        let basic = reqwest::Client::new()
            .get(format!("{}/api/v1/users/me", app.base))
            .header("authorization", "Basic YWRhOnB3")
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), 401);
        assert_eq!(Api::new(&app.base, None).get("/users/me").await.status, 401);
        assert_eq!(all.get("/users/me").await.status, 200);
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(all.get("/users/me").await.status, 401);
        app.clock.advance(chrono::Duration::days(-31));

        // Another person's token cannot be revoked by this one.
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let theirs = ann.api_get("/tokens").await;
        assert_eq!(theirs.json()["items"], json!([]));
        let all_id = ada.api_get("/tokens").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        assert_eq!(
            ann.api_delete(&format!("/tokens/{all_id}")).await.status,
            404
        );
        assert_eq!(all.get("/users/me").await.status, 200);

        // A deactivated owner's tokens stop at once.
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let ada_id = user_id(&app, "ada@example.com").await.to_string();
        let off = admin
            .call("admin/deactivate", &[("user_id", &ada_id)])
            .await;
        assert_eq!(off.status, 200, "{}", off.body);
        assert_eq!(all.get("/users/me").await.status, 401);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_token_forms_name_every_problem() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let bad = ann
            .api_post(
                "/tokens",
                &json!({"name": " ", "scopes": ["tickets:delete"], "expires_in_days": 0}),
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(problem_type(&bad), "validation");
        let fields: Vec<String> = bad.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["name", "scopes", "expires_in_days"]);
        assert_eq!(ann.api_get("/tokens").await.json()["items"], json!([]));
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_are_raised_read_and_listed_as_on_the_pages() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let bob = app.signed_in("bob@example.com", Role::Customer).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ann_api = ann.token(&["tickets:read", "tickets:write"]).await;
        let bob_api = bob.token(&["tickets:read"]).await;
        let ada_api = ada.token(&["tickets:read"]).await;

        let raised = ann_api
            .post(
                "/tickets",
                &json!({"subject": "VPN drops", "description": "Every hour.", "urgency": "high"}),
            )
            .await;
        assert_eq!(raised.status, 201, "{}", raised.body);
        let id = raised.json()["id"].as_i64().unwrap();
        assert_eq!(
            raised.headers["location"],
            format!("/api/v1/tickets/{id}").as_str()
        );
        assert_eq!(raised.json()["priority"], "high");

        // A customer may not raise a critical one, as on the portal.
        let critical = ann_api
            .post(
                "/tickets",
                &json!({"subject": "All down", "description": "Now.", "urgency": "critical"}),
            )
            .await;
        assert_eq!(critical.status, 422);
        assert_eq!(critical.json()["errors"][0]["field"], "urgency");

        // Repeating a POST with its Idempotency-Key files nothing new.
        let body = json!({"subject": "Laptop", "description": "Broken hinge."});
        let first = ann_api
            .post_with("/tickets", &body, &[("idempotency-key", "k-1")])
            .await;
        let again = ann_api
            .post_with("/tickets", &body, &[("idempotency-key", "k-1")])
            .await;
        assert_eq!((first.status, again.status), (201, 201));
        assert_eq!(first.json()["id"], again.json()["id"]);
        let odd = ann_api
            .post_with("/tickets", &body, &[("idempotency-key", "k 1!")])
            .await;
        assert_eq!(odd.status, 400);

        let read = ann_api.get(&format!("/tickets/{id}")).await;
        assert_eq!(read.status, 200);
        assert_eq!(read.json()["subject"], "VPN drops");
        let hidden = bob_api.get(&format!("/tickets/{id}")).await;
        assert_eq!(hidden.status, 404);
        assert_eq!(problem_type(&hidden), "not-found");
        assert_eq!(bob_api.get("/tickets/nonsense").await.status, 404);
        assert_eq!(ada_api.get(&format!("/tickets/{id}")).await.status, 200);

        let mine = ann_api.get("/tickets").await;
        assert_eq!(mine.status, 200, "{}", mine.body);
        assert_eq!(mine.json()["items"].as_array().unwrap().len(), 2);
        assert_eq!(bob_api.get("/tickets").await.json()["items"], json!([]));
        let high = ada_api.get("/tickets?priority=high&sort=-created_at").await;
        assert_eq!(high.status, 200, "{}", high.body);
        let items = high.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], id);

        let sort = ada_api.get("/tickets?sort=colour").await;
        assert_eq!(sort.status, 400);
        assert!(sort.json()["detail"]
            .as_str()
            .unwrap()
            .contains("-created_at"));
        let unknown = ada_api.get("/tickets?colour=red").await;
        assert_eq!(unknown.status, 400);
        assert_eq!(problem_type(&unknown), "malformed");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_bad_body_gets_its_own_problem() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let api = ann.token(&["tickets:write"]).await;
        let cases: [(Option<&str>, Vec<u8>, u16, &str); 6] = [
            (
                None,
                br#"{"subject":"a","description":"b"}"#.to_vec(),
                415,
                "unsupported-media-type",
            ),
            (
                Some("text/plain"),
                b"hello".to_vec(),
                415,
                "unsupported-media-type",
            ),
            (
                Some("application/json"),
                br#"{"subject":"#.to_vec(),
                400,
                "malformed-json",
            ),
            (
                Some("application/json"),
                br#"{"subject":"a","description":"b","colour":1}"#.to_vec(),
                422,
                "invalid-body",
            ),
            (
                Some("application/json"),
                br#"{"subject":7,"description":"b"}"#.to_vec(),
                422,
                "invalid-body",
            ),
            (
                Some("application/json"),
                vec![b' '; 300 * 1024],
                413,
                "too-large",
            ),
        ];
        for (content_type, body, status, kind) in cases {
            let reply = api.post_raw("/tickets", content_type, body).await;
            assert_eq!(reply.status, status, "{content_type:?}: {}", reply.body);
            assert_eq!(problem_type(&reply), kind);
        }
        let wrong = api
            .post_raw(
                "/tickets",
                Some("application/json"),
                br#"{"subject":7,"description":"b"}"#.to_vec(),
            )
            .await;
        assert_eq!(wrong.json()["errors"][0]["field"], "subject");
        let empty = api
            .post("/tickets", &json!({"subject": "", "description": ""}))
            .await;
        assert_eq!(empty.status, 422);
        assert_eq!(problem_type(&empty), "validation");
        assert_eq!(ann.api_get("/tickets").await.json()["items"], json!([]));
        let nowhere = api.get("/nowhere").await;
        assert_eq!(nowhere.status, 404);
        assert_eq!(problem_type(&nowhere), "no-such-operation");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_past_its_budget_is_told_when_to_come_back() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_API_LIMIT_PER_TOKEN", "3")]).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let api = ann.token(&["tickets:read"]).await;
        for left in (0..3).rev() {
            let reply = api.get("/users/me").await;
            assert_eq!(reply.status, 200);
            assert_eq!(reply.headers["ratelimit-limit"], "3");
            assert_eq!(
                reply.headers["ratelimit-remaining"],
                left.to_string().as_str()
            );
        }
        let refused = api.get("/users/me").await;
        assert_eq!(refused.status, 429);
        assert_eq!(problem_type(&refused), "rate-limited");
        let retry: u64 = refused.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry));
        assert_eq!(refused.headers["ratelimit-remaining"], "0");
        // Another token of the same person has its own budget.
        let other = ann.token(&["tickets:read"]).await;
        assert_eq!(other.get("/users/me").await.status, 200);
        app.stop().await;
    }
}
