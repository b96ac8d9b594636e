//! A REST API client for tests: a program with a bearer token (no cookies,
//! no Origin), or a signed-in browser calling `/api/v1` with its session.

use super::{Client, Reply};
use serde_json::{json, Value};

/// A program holding an API token, or none.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Api {
    pub fn new(base: &str, token: Option<&str>) -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.to_owned(),
            token: token.map(str::to_owned),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        Client::reply(
            self.request(reqwest::Method::GET, path)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        let request = self.request(reqwest::Method::POST, path).json(body);
        Client::reply(request.send().await.unwrap()).await
    }

    /// A POST with a body and headers exactly as given.
    pub async fn post_raw(&self, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Reply {
        let mut request = self.request(reqwest::Method::POST, path).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        Client::reply(request.send().await.unwrap()).await
    }

    pub async fn post_with(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.request(reqwest::Method::POST, path).json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Client::reply(request.send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Client::reply(
            self.request(reqwest::Method::DELETE, path)
                .send()
                .await
                .unwrap(),
        )
        .await
    }
}

impl Client {
    /// `/api/v1` with this browser's session (cookie and Origin).
    pub async fn api_get(&self, path: &str) -> Reply {
        let res = self
            .http
            .get(self.url(&format!("/api/v1{path}")))
            .send()
            .await
            .unwrap();
        Self::reply(res).await
    }

    pub async fn api_post(&self, path: &str, body: &Value) -> Reply {
        let res = self
            .http
            .post(self.url(&format!("/api/v1{path}")))
            .json(body)
            .send()
            .await
            .unwrap();
        Self::reply(res).await
    }

    pub async fn api_delete(&self, path: &str) -> Reply {
        let res = self
            .http
            .delete(self.url(&format!("/api/v1{path}")))
            .send()
            .await
            .unwrap();
        Self::reply(res).await
    }

    /// Makes an API token from this session and returns a client holding it.
    pub async fn token(&self, scopes: &[&str]) -> Api {
        let made = self
            .api_post(
                "/tokens",
                &json!({"name": "Test integration", "scopes": scopes, "expires_in_days": 30}),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let secret = made.json()["secret"].as_str().unwrap().to_owned();
        Api::new(&self.url(""), Some(&secret))
    }
}
