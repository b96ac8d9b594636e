//! Accounts over HTTP, on every backend: sign-up, sign-in, sign-out,
//! resets through real mail, invitations, roles and deactivation.

use crate::support::{backends, spawn_app, spawn_app_with, token_from, Db};
use app::domain::Role;

const PASSWORD: &str = "correct horse battery";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_the_backend() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let reply = app.client().get("/healthz").await;
        assert_eq!(reply.status, 200);
        let expected = if db == Db::Sqlite {
            "sqlite"
        } else {
            "postgres"
        };
        assert_eq!(reply.json()["backend"], expected);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_sign_out_sign_in() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let client = app.client();
        let reply = client
            .sign_up("Ada Lovelace", "Ada@Example.com", PASSWORD)
            .await;
        assert_eq!(reply.status, 200, "{db:?}: {}", reply.body);
        // No account until the address is confirmed.
        assert!(client.me().await.is_null());
        assert_eq!(
            client.sign_in("ada@example.com", PASSWORD).await.status,
            422
        );
        let confirmed = app.confirm_sign_up(&client, "ada@example.com").await;
        assert_eq!(confirmed.status, 200, "{db:?}: {}", confirmed.body);
        assert_eq!(client.me().await["email"], "ada@example.com");
        assert_eq!(client.me().await["role"], "customer");

        assert_eq!(client.sign_out().await.status, 200);
        assert!(client.me().await.is_null());

        let reply = client.sign_in("ada@example.com", PASSWORD).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(client.me().await["name"], "Ada Lovelace");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_unknown_credentials_get_the_same_answer() {
    for db in backends().await {
        let app = spawn_app(db).await;
        app.create_user("known@example.com", "Known", Role::Customer, PASSWORD)
            .await;
        let client = app.client();
        let wrong = client
            .sign_in("known@example.com", "not the password")
            .await;
        let unknown = client
            .sign_in("nobody@example.com", "not the password")
            .await;
        assert_eq!(wrong.status, 422);
        assert_eq!(wrong.status, unknown.status);
        assert_eq!(wrong.body, unknown.body);
        assert_eq!(
            wrong.form_error().as_deref(),
            Some("Email or password is incorrect.")
        );
        assert!(client.me().await.is_null());
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sign_up_input_gets_field_errors_and_loses_nothing() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let client = app.client();
        let reply = client.sign_up("", "not-an-email", "short").await;
        assert_eq!(reply.status, 422);
        assert_eq!(
            reply.field_error("name").as_deref(),
            Some("Enter your name.")
        );
        assert_eq!(
            reply.field_error("email").as_deref(),
            Some("Enter a valid email address, like name@example.com.")
        );
        assert_eq!(
            reply.field_error("password").as_deref(),
            Some("Use at least 8 characters.")
        );

        assert_eq!(
            app.sign_up_confirmed(&client, "First", "taken@example.com", PASSWORD)
                .await
                .status,
            200
        );
        let other = app.client();
        let reply = other
            .sign_up("Second", "TAKEN@example.com", "another password")
            .await;
        assert_eq!(reply.status, 200, "answered as for a new address");
        // The owner hears of it instead of the stranger.
        let told = app
            .smtp
            .wait_for(
                "taken@example.com",
                "Someone tried to sign up with your address",
            )
            .await;
        assert!(told.body().contains("/portal/reset"), "{}", told.body());
        // The first account is intact and keeps its password.
        assert_eq!(
            other.sign_in("taken@example.com", PASSWORD).await.status,
            200
        );
        assert_eq!(other.me().await["name"], "First");

        let garbage = client.call("auth/sign_up", &[("name", "x")]).await;
        assert_eq!(garbage.status, 400, "{}", garbage.body);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_reset_through_the_mail() {
    for db in backends().await {
        let app = spawn_app(db).await;
        app.create_user("reset@example.com", "Reset Me", Role::Customer, PASSWORD)
            .await;
        let client = app.client();

        let unknown = client
            .call("auth/request_reset", &[("email", "ghost@example.com")])
            .await;
        let known = client
            .call("auth/request_reset", &[("email", "reset@example.com")])
            .await;
        assert_eq!((unknown.status, known.status), (200, 200));
        assert_eq!(unknown.body, known.body);

        let mail = app
            .smtp
            .wait_for("reset@example.com", "Reset your Ferrodesk password")
            .await;
        assert!(
            mail.body()
                .contains("http://desk.example.test/portal/reset/confirm?token="),
            "{}",
            mail.body()
        );
        let token = token_from(&mail.body(), "/portal/reset/confirm?token=");
        assert_eq!(app.smtp.count_to("ghost@example.com").await, 0);

        let check = client
            .get(&format!("/api/auth/check_reset_token?token={token}"))
            .await;
        assert_eq!(check.status, 200);
        let short = client
            .call(
                "auth/reset_password",
                &[("token", &token), ("password", "short")],
            )
            .await;
        assert_eq!(
            short.field_error("password").as_deref(),
            Some("Use at least 8 characters.")
        );
        let done = client
            .call(
                "auth/reset_password",
                &[("token", &token), ("password", "a brand new passphrase")],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);

        let again = client
            .call(
                "auth/reset_password",
                &[("token", &token), ("password", "yet another passphrase")],
            )
            .await;
        assert_eq!(again.status, 422);
        assert!(again
            .form_error()
            .unwrap()
            .contains("expired or has already been used"));
        assert_eq!(
            client
                .get(&format!("/api/auth/check_reset_token?token={token}"))
                .await
                .status,
            422
        );

        assert_eq!(
            client.sign_in("reset@example.com", PASSWORD).await.status,
            422
        );
        assert_eq!(
            client
                .sign_in("reset@example.com", "a brand new passphrase")
                .await
                .status,
            200
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_reset_request_voids_the_old_link_and_links_expire() {
    for db in backends().await {
        let app = spawn_app(db).await;
        app.create_user("twice@example.com", "Twice", Role::Customer, PASSWORD)
            .await;
        let client = app.client();
        client
            .call("auth/request_reset", &[("email", "twice@example.com")])
            .await;
        let first = token_from(
            &app.smtp.wait_for("twice@example.com", "Reset").await.body(),
            "token=",
        );
        client
            .call("auth/request_reset", &[("email", "twice@example.com")])
            .await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        let second = loop {
            let mail = app.smtp.find("twice@example.com", "Reset").await.unwrap();
            let token = token_from(&mail.body(), "token=");
            if token != first || tokio::time::Instant::now() > deadline {
                break token;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_ne!(first, second);
        let old = client
            .call(
                "auth/reset_password",
                &[("token", &first), ("password", "new passphrase 1")],
            )
            .await;
        assert_eq!(old.status, 422);

        app.clock.advance(chrono::Duration::minutes(61));
        let late = client
            .call(
                "auth/reset_password",
                &[("token", &second), ("password", "new passphrase 2")],
            )
            .await;
        assert_eq!(late.status, 422);
        assert_eq!(
            client.sign_in("twice@example.com", PASSWORD).await.status,
            200
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_invite_agents_who_then_use_the_workspace() {
    for db in backends().await {
        let app = spawn_app(db).await;
        app.create_user("boss@example.com", "Boss", Role::Admin, PASSWORD)
            .await;
        let admin = app.client();
        assert_eq!(
            admin.sign_in("boss@example.com", PASSWORD).await.status,
            200
        );

        let bad = admin
            .call("admin/invite", &[("email", "nope"), ("role", "customer")])
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.field_error("email").is_some() && bad.field_error("role").is_some());

        let reply = admin
            .call(
                "admin/invite",
                &[("email", "new.agent@example.com"), ("role", "agent")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let mail = app
            .smtp
            .wait_for("new.agent@example.com", "You are invited to Ferrodesk")
            .await;
        let token = token_from(&mail.body(), "/invite?token=");

        let agent = app.client();
        let reply = agent
            .call(
                "auth/accept_invite",
                &[
                    ("token", &token),
                    ("name", "Nia Agent"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(agent.me().await["role"], "agent");
        let page = agent.get("/agent").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Agent workspace"));

        let reuse = app
            .client()
            .call(
                "auth/accept_invite",
                &[("token", &token), ("name", "Eve"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(reuse.status, 422);

        let users = admin.get("/api/admin/users").await;
        assert!(users.body.contains("new.agent@example.com"));
        assert!(
            !users.body.contains("argon2"),
            "hashes never leave the server"
        );
        let logged = crate::support::admin_events(&*app.store).await;
        assert!(logged.iter().any(|e| e.change.kind() == "UserInvited"));
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_guards_every_admin_function_and_page() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let target = app
            .create_user("target@example.com", "Target", Role::Customer, PASSWORD)
            .await;
        app.create_user("agent@example.com", "Agent", Role::Agent, PASSWORD)
            .await;
        let anonymous = app.client();
        assert_eq!(anonymous.get("/api/admin/users").await.status, 401);
        assert_eq!(anonymous.get("/agent").await.status, 401);

        let customer = app.client();
        app.sign_up_confirmed(&customer, "Cust", "cust@example.com", PASSWORD)
            .await;
        assert_eq!(customer.get("/api/admin/users").await.status, 403);
        let id = target.to_string();
        let reply = customer
            .call("admin/change_role", &[("user_id", &id), ("role", "admin")])
            .await;
        assert_eq!(reply.status, 403);
        let reply = customer.call("admin/deactivate", &[("user_id", &id)]).await;
        assert_eq!(reply.status, 403);
        for path in ["/agent", "/admin"] {
            let page = customer.get(path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.body.contains("Access refused"));
        }

        let agent = app.client();
        agent.sign_in("agent@example.com", PASSWORD).await;
        assert_eq!(agent.get("/agent").await.status, 200);
        assert_eq!(agent.get("/admin").await.status, 403);
        assert_eq!(
            agent
                .call(
                    "admin/invite",
                    &[("email", "x@example.com"), ("role", "admin")]
                )
                .await
                .status,
            403
        );
        assert_eq!(
            app.store.user_by_id(target).await.unwrap().unwrap().role,
            Role::Customer
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_changes_apply_on_the_next_request_and_deactivation_ends_sessions() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin_id = app
            .create_user("root@example.com", "Root", Role::Admin, PASSWORD)
            .await;
        let user_id = app
            .create_user("worker@example.com", "Worker", Role::Customer, PASSWORD)
            .await;
        let admin = app.client();
        admin.sign_in("root@example.com", PASSWORD).await;
        let worker = app.client();
        worker.sign_in("worker@example.com", PASSWORD).await;
        assert_eq!(worker.get("/agent").await.status, 403);

        let id = user_id.to_string();
        let reply = admin
            .call("admin/change_role", &[("user_id", &id), ("role", "agent")])
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(worker.get("/agent").await.status, 200);

        // Nobody can change their own role or deactivate themselves.
        let own = admin_id.to_string();
        assert_eq!(
            admin
                .call(
                    "admin/change_role",
                    &[("user_id", &own), ("role", "customer")]
                )
                .await
                .status,
            403
        );

        assert_eq!(
            admin
                .call("admin/deactivate", &[("user_id", &id)])
                .await
                .status,
            200
        );
        assert!(worker.me().await.is_null());
        assert_eq!(worker.get("/agent").await.status, 401);
        assert_eq!(
            worker.sign_in("worker@example.com", PASSWORD).await.status,
            422
        );
        let missing = admin
            .call("admin/deactivate", &[("user_id", "999999")])
            .await;
        assert_eq!(missing.status, 404);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profile_and_password_changes() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let client = app.client();
        app.sign_up_confirmed(&client, "Old Name", "me@example.com", PASSWORD)
            .await;
        let bad = client
            .call(
                "account/update_profile",
                &[("name", " "), ("timezone", "Mars/Base")],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.field_error("name").is_some() && bad.field_error("timezone").is_some());
        let ok = client
            .call(
                "account/update_profile",
                &[("name", "New Name"), ("timezone", "Europe/Berlin")],
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        let profile = client.get("/api/account/profile").await.json();
        assert_eq!(
            (profile["name"].as_str(), profile["timezone"].as_str()),
            (Some("New Name"), Some("Europe/Berlin"))
        );

        let other_session = app.client();
        other_session.sign_in("me@example.com", PASSWORD).await;
        let wrong = client
            .call(
                "account/change_password",
                &[
                    ("current_password", "wrong one!"),
                    ("new_password", "a new passphrase"),
                ],
            )
            .await;
        assert_eq!(
            wrong.field_error("current_password").as_deref(),
            Some("The current password is incorrect.")
        );
        let done = client
            .call(
                "account/change_password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "a new passphrase"),
                ],
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(
            client.me().await["email"],
            "me@example.com",
            "this session stays signed in"
        );
        assert!(other_session.me().await.is_null(), "other sessions end");
        assert_eq!(
            app.client()
                .sign_in("me@example.com", "a new passphrase")
                .await
                .status,
            200
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = spawn_app(Db::Sqlite).await;
    let client = app.client();
    let res = client
        .http
        .post(client.url("/api/auth/sign_up"))
        .header("origin", "https://evil.example")
        .form(&[
            ("input[name]", "Eve"),
            ("input[email]", "eve@example.com"),
            ("input[password]", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = client
        .http
        .post(client.url("/api/auth/sign_up"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("input[name]", "Eve"),
            ("input[email]", "eve@example.com"),
            ("input[password]", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let eve = app_domain_email("eve@example.com");
    assert!(app.store.user_by_email(&eve).await.unwrap().is_none());
    app.stop().await;
}

fn app_domain_email(text: &str) -> app::domain::EmailAddress {
    app::domain::EmailAddress::parse(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_a_nonce_csp() {
    let app = spawn_app(Db::Sqlite).await;
    let page = app.client().get("/portal/sign-in").await;
    assert_eq!(page.status, 200);
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let csp = header("content-security-policy");
    for directive in [
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "'nonce-",
    ] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "same-origin");
    assert!(!header("x-request-id").is_empty());
    let cookie = app.client();
    app.sign_up_confirmed(&cookie, "Cookie", "cookie@example.com", PASSWORD)
        .await;
    let res = cookie
        .http
        .post(cookie.url("/api/auth/sign_in"))
        .form(&[
            ("input[email]", "cookie@example.com"),
            ("input[password]", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let set_cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_attempts_are_rate_limited_per_account() {
    let app = spawn_app_with(Db::Sqlite, &[("FERRODESK_LOGIN_LIMIT_PER_ACCOUNT", "3")]).await;
    app.create_user("limited@example.com", "Limited", Role::Customer, PASSWORD)
        .await;
    let client = app.client();
    for _ in 0..3 {
        assert_eq!(
            client
                .sign_in("limited@example.com", "wrong password")
                .await
                .status,
            422
        );
    }
    let blocked = client.sign_in("limited@example.com", PASSWORD).await;
    assert_eq!(blocked.status, 429);
    let retry: u64 = blocked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert!(client.me().await.is_null());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_javascript_get_redirects_with_their_errors() {
    let app = spawn_app(Db::Sqlite).await;
    let client = app.client();
    let referer = client.url("/portal/sign-up");
    let res = client
        .http
        .post(client.url("/api/auth/sign_up"))
        .header("accept", "text/html")
        .header("referer", &referer)
        .form(&[
            ("input[name]", "X"),
            ("input[email]", "bad"),
            ("input[password]", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&referer) && location.contains("__err="),
        "{location}"
    );
    let page = client
        .get(location.trim_start_matches(&client.url("")))
        .await;
    assert!(
        page.body.contains("Enter a valid email address"),
        "the page shows the field error"
    );
    app.stop().await;
}
