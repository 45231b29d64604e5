//! A storefront back-end (BFF) on axum: browsers talk to it, it talks to Medusa.
//! One medusa-auth session handle per browser session, all over one shared client
//! (one connection pool), so no customer ever sees another's session: the defect
//! of the JS client's process-wide token store (medusajs/medusa #8745) cannot
//! happen here.
//!
//! Routes: `POST /login {email, password}`, `GET /me`, `POST /logout`; the browser
//! session is an opaque `bff_session` cookie, never Medusa's.
//!
//! `cargo run --example storefront_bff` starts the fake Medusa and the BFF on
//! loopback and logs two customers in at once. Its test (`cargo test --example
//! storefront_bff`, also run by the workspace's tests) runs two customers
//! concurrently through many requests and checks neither sees the other.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use medusa_auth_core::{Client, CustomHeaders, SecretString, Session, StoreAuthApi};
use medusa_auth_hyper::MedusaClient;
use medusa_auth_mock::{FakeMedusa, Seed};
use serde::{Deserialize, Serialize};

const COOKIE: &str = "bff_session";

/// The BFF's state: the one Medusa client, and a session handle per browser.
#[derive(Clone)]
struct Bff {
    medusa: Client,
    sessions: Arc<Mutex<HashMap<String, Session>>>,
}

#[derive(Deserialize)]
struct Login {
    email: String,
    password: String,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Me {
    id: String,
    email: String,
    first_name: Option<String>,
}

impl Bff {
    fn new(medusa: Client) -> Self {
        Bff {
            medusa,
            sessions: Arc::default(),
        }
    }

    fn router(self) -> Router {
        Router::new()
            .route("/login", post(login))
            .route("/me", get(me))
            .route("/logout", post(logout))
            .with_state(self)
    }

    fn session_of(&self, headers: &HeaderMap) -> Option<(String, Session)> {
        let id = browser_session_id(headers)?;
        let sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.get(&id).cloned().map(|session| (id, session))
    }
}

fn browser_session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

async fn login(State(bff): State<Bff>, Json(body): Json<Login>) -> Response {
    let session = bff.medusa.session();
    let password = SecretString::from(body.password);
    match session
        .store()
        .authenticate(&body.email, &password, &CustomHeaders::new())
        .await
    {
        Ok(customer) => {
            let id = uuid::Uuid::new_v4().to_string();
            bff.sessions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(id.clone(), session);
            let cookie = format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax");
            let me = Me {
                id: customer.id,
                email: customer.email,
                first_name: customer.first_name,
            };
            ([(header::SET_COOKIE, cookie)], Json(me)).into_response()
        }
        Err(error) if error.is_unauthorized() => StatusCode::UNAUTHORIZED.into_response(),
        Err(error) if matches!(error, medusa_auth_core::Error::InvalidInput(_)) => {
            (StatusCode::BAD_REQUEST, error.to_string()).into_response()
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

async fn me(State(bff): State<Bff>, headers: HeaderMap) -> Response {
    let Some((_, session)) = bff.session_of(&headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match session.store().get_session(&CustomHeaders::new()).await {
        Ok(customer) => Json(Me {
            id: customer.id,
            email: customer.email,
            first_name: customer.first_name,
        })
        .into_response(),
        Err(error) if error.is_unauthorized() => StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

async fn logout(State(bff): State<Bff>, headers: HeaderMap) -> Response {
    let Some((id, session)) = bff.session_of(&headers) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    bff.sessions
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&id);
    // The handle forgets its credentials even if Medusa does not answer.
    let _ = session.store().delete_session(&CustomHeaders::new()).await;
    StatusCode::NO_CONTENT.into_response()
}

/// The fake Medusa and the BFF, both on loopback.
struct Running {
    bff: SocketAddr,
    seed: Seed,
    _medusa: medusa_auth_mock::FakeServer,
}

async fn start() -> Result<Running, String> {
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let medusa = fake.start_server().await.map_err(|e| e.to_string())?;
    let client = MedusaClient::builder()
        .base_url(medusa.url())
        .build()
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let bff = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, Bff::new(client).router()).await;
    });
    Ok(Running {
        bff,
        seed,
        _medusa: medusa,
    })
}

/// A browser: its own cookie store, talking to the BFF.
struct Browser {
    http: reqwest::Client,
    base: String,
}

impl Browser {
    fn new(bff: SocketAddr) -> Self {
        let http = reqwest::Client::builder().build().expect("a client");
        Browser {
            http,
            base: format!("http://{bff}"),
        }
    }

    async fn login(&self, email: &str, password: &str) -> Result<(String, Me), String> {
        let response = self
            .http
            .post(format!("{}/login", self.base))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("login answered {}", response.status()));
        }
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .ok_or("no session cookie")?
            .to_owned();
        Ok((cookie, response.json().await.map_err(|e| e.to_string())?))
    }

    async fn me(&self, cookie: &str) -> Result<Option<Me>, String> {
        let response = self
            .http
            .get(format!("{}/me", self.base))
            .header(header::COOKIE, cookie)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        match response.status() {
            StatusCode::UNAUTHORIZED => Ok(None),
            status if status.is_success() => {
                Ok(Some(response.json().await.map_err(|e| e.to_string())?))
            }
            status => Err(format!("/me answered {status}")),
        }
    }

    async fn logout(&self, cookie: &str) -> Result<(), String> {
        self.http
            .post(format!("{}/logout", self.base))
            .header(header::COOKIE, cookie)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// One shopper's visit: log in, look at `/me` `rounds` times, log out, and check
/// `/me` no longer answers. Returns what went wrong, if anything.
async fn visit(
    bff: SocketAddr,
    email: String,
    password: String,
    rounds: usize,
) -> Result<usize, String> {
    let browser = Browser::new(bff);
    let (cookie, me) = browser.login(&email, &password).await?;
    if me.email != email {
        return Err(format!(
            "logged in as {email} but the BFF says {}",
            me.email
        ));
    }
    for _ in 0..rounds {
        match browser.me(&cookie).await? {
            Some(seen) if seen.email == email => {}
            Some(seen) => return Err(format!("{email} saw {}", seen.email)),
            None => return Err(format!("{email} lost the session")),
        }
    }
    browser.logout(&cookie).await?;
    if browser.me(&cookie).await?.is_some() {
        return Err(format!("{email} is still logged in after logout"));
    }
    Ok(rounds)
}

async fn two_customers_at_once(running: &Running, rounds: usize) -> Result<(usize, usize), String> {
    let first = running.seed.customer().ok_or("no customer")?;
    let second = running.seed.second_customer().ok_or("no second customer")?;
    use medusa_auth_core::ExposeSecret;
    let a = tokio::spawn(visit(
        running.bff,
        first.email.clone(),
        first.password.expose_secret().to_owned(),
        rounds,
    ));
    let b = tokio::spawn(visit(
        running.bff,
        second.email.clone(),
        second.password.expose_secret().to_owned(),
        rounds,
    ));
    let (a, b) = tokio::join!(a, b);
    Ok((
        a.map_err(|e| e.to_string())??,
        b.map_err(|e| e.to_string())??,
    ))
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = async {
        let running = start().await?;
        println!(
            "the BFF listens on http://{} (Medusa: the fake, on loopback)",
            running.bff
        );
        let (a, b) = two_customers_at_once(&running, 20).await?;
        println!("two customers logged in at once, {a} and {b} calls to /me: each saw only itself");
        println!("after logout neither is logged in");
        Ok::<(), String>(())
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("unexpected outcome: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_customers_at_once_never_see_each_other() {
        let running = start().await.unwrap();
        let (a, b) = two_customers_at_once(&running, 200).await.unwrap();
        assert_eq!((a, b), (200, 200));
    }

    #[tokio::test]
    async fn a_wrong_password_and_no_cookie_are_unauthorized() {
        let running = start().await.unwrap();
        let browser = Browser::new(running.bff);
        let error = browser
            .login("customer@example.com", "wrong")
            .await
            .unwrap_err();
        assert!(error.contains("401"), "{error}");
        assert_eq!(browser.me("bff_session=made-up").await.unwrap(), None);
    }
}
