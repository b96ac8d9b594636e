//! Times read in the viewer's timezone with the zone named: the profile's
//! for signed-in people, the browser's (reported in a cookie) for others,
//! UTC otherwise; a new account starts in the browser's zone.

use crate::support::{backends, spawn_app, Client};
use app::domain::Role;

async fn page(client: &Client, path: &str, cookie: Option<&str>) -> String {
    let mut req = client
        .http
        .get(client.url(path))
        .header("accept", "text/html");
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_show_times_in_the_viewers_zone() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let raised = ann
            .call(
                "tickets/raise",
                &[
                    ("subject", "Clock"),
                    ("description", "When?"),
                    ("urgency", ""),
                ],
            )
            .await;
        assert_eq!(raised.status, 200, "{}", raised.body);
        let ticket = ann.get("/api/tickets/mine").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let path = format!("/portal/tickets/{ticket}");
        assert!(page(&ann, &path, None).await.contains(" UTC"));

        let saved = ann
            .call(
                "account/update_profile",
                &[("name", "Ann"), ("timezone", "Asia/Tokyo")],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        let html = page(&ann, &path, None).await;
        assert!(html.contains(" JST"), "the profile's zone, named");
        assert!(!html.contains(" UTC<"), "no UTC times left");
        // Without a profile, the zone the browser reported is the page's
        // (handed to the browser app with the page); a bogus one is ignored.
        let visitor = app.client();
        let zone = "\\\"America/New_York\\\"";
        let html = page(&visitor, "/portal", Some("ferrodesk_tz=America/New_York")).await;
        assert!(html.contains(zone), "the reported zone is used");
        let html = page(&visitor, "/portal", Some("ferrodesk_tz=Mars/Base")).await;
        assert!(!html.contains("Mars/Base"));

        // A new account starts in the browser's zone.
        let bea = app.client();
        let reply = bea
            .call(
                "auth/sign_up",
                &[
                    ("name", "Bea"),
                    ("email", "bea@example.com"),
                    ("password", "a long enough passphrase"),
                    ("timezone", "Europe/Berlin"),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let confirmed = app.confirm_sign_up(&bea, "bea@example.com").await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.body);
        let profile = bea.get("/api/account/profile").await.json();
        assert_eq!(profile["timezone"], "Europe/Berlin", "{profile}");
        app.stop().await;
    }
}
