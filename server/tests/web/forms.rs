//! Nothing typed is lost when a plain form post (no JavaScript, or a form
//! that carries files) comes back with an error: the page renders again
//! with the values, which never travel in the URL, and passwords are never
//! kept.

use crate::support::{backends, spawn_app, Client};
use app::domain::Role;

/// A page as a browser asks for it.
async fn page(client: &Client, path: &str) -> String {
    let res = client
        .http
        .get(client.url(path))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// Where a failed browser form post sends the browser back to.
fn back_to(res: &reqwest::Response, client: &Client) -> String {
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    location.trim_start_matches(&client.url("")).to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_request_with_an_error_keeps_everything_typed() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let reply = admin
            .call(
                "admin/category_save",
                &[("name", "Printers"), ("default_priority", "normal")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let category = app.store.list_categories().await.unwrap()[0].id.to_string();

        let guest = app.client();
        let form = reqwest::multipart::Form::new()
            .text("email", "guest@example.com")
            .text("name", "Gus Guest")
            .text("subject", "")
            .text("description", "The printer on floor 3 prints blank pages.")
            .text("urgency", "high")
            .text("category", category.clone());
        let res = guest
            .http
            .post(guest.url("/api/tickets/raise"))
            .header("accept", "text/html")
            .header("referer", guest.url("/portal/tickets/new"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        let location = back_to(&res, &guest);
        assert!(
            !location.contains("printer") && !location.contains("guest%40"),
            "values stay out of the URL: {location}"
        );

        let html = page(&guest, &location).await;
        assert!(
            html.contains("The printer on floor 3 prints blank pages."),
            "{html}"
        );
        assert!(html.contains("value=\"guest@example.com\""), "email kept");
        assert!(html.contains("value=\"Gus Guest\""), "name kept");
        assert!(
            html.contains("<option value=\"high\" selected"),
            "urgency kept"
        );
        assert!(
            html.contains(&format!("<option value=\"{category}\" selected")),
            "category kept"
        );
        // Shown once: the next visit starts blank.
        let again = page(&guest, "/portal/tickets/new").await;
        assert!(!again.contains("prints blank pages"));
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sign_up_keeps_the_name_and_email_but_never_the_password() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let client = app.client();
        let res = client
            .http
            .post(client.url("/api/auth/sign_up"))
            .header("accept", "text/html")
            .header("referer", client.url("/portal/sign-up"))
            .form(&[
                ("input[name]", "Ann Example"),
                ("input[email]", "ann@example.com"),
                ("input[password]", "short"),
            ])
            .send()
            .await
            .unwrap();
        let location = back_to(&res, &client);
        assert!(!location.contains("Ann"), "{location}");
        let html = page(&client, &location).await;
        assert!(html.contains("value=\"Ann Example\""), "name kept");
        assert!(html.contains("value=\"ann@example.com\""), "email kept");
        assert!(
            !html.contains("value=\"short\""),
            "the password is never kept"
        );
        app.stop().await;
    }
}
