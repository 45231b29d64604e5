//! A storefront back-end (BFF) on axum: browsers talk to it, it talks to Medusa.
//! One Medusa session per browser session, all made by one shared client (one
//! connection pool), so no customer ever sees another's session: the defect of the
//! JS client's process-wide token store (medusajs/medusa #8745) cannot happen here.
//!
//! The BFF holds the client as `Arc<dyn SessionFactory>` and each browser's Medusa
//! session as `Arc<dyn AuthSession>` (in a map from the BFF's own opaque cookie), so
//! its handlers are unit-tested with `medusa-auth-mock`'s `MockSessionFactory` and
//! `MockSession`: no Medusa needed to test "a refused login is 401".
//!
//! Routes: `POST /login {email, password}`, `GET /me`, `POST /logout`; the browser
//! session is an opaque `bff_session` cookie, never Medusa's.
//!
//! `cargo run -p medusa-auth-e2e --example storefront_bff` starts the fake Medusa
//! and the BFF on loopback and logs two customers in at once. Its tests (`cargo
//! test -p medusa-auth-e2e --example storefront_bff`, also run by the workspace's
//! tests) run two customers concurrently through many requests and check neither
//! sees the other, and drive the handlers over mocked Medusa sessions.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use medusa_auth_hyper::{AuthSession, Client, Customer, Error, SecretString, SessionFactory};
use medusa_auth_mock::{FakeMedusa, Seed};
use serde::{Deserialize, Serialize};

const COOKIE: &str = "bff_session";

/// The BFF's state: what makes Medusa sessions (the one client, over one
/// connection pool, in `main`; a mock in the handler tests), and the Medusa session
/// of each browser session, by the BFF's own opaque cookie.
#[derive(Clone)]
struct Bff {
    medusa: Arc<dyn SessionFactory>,
    sessions: Arc<Mutex<HashMap<String, Arc<dyn AuthSession>>>>,
}

#[derive(Deserialize)]
struct Login {
    email: String,
    password: SecretString,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Me {
    id: String,
    email: String,
    first_name: Option<String>,
}

impl From<Customer> for Me {
    fn from(customer: Customer) -> Self {
        Me {
            id: customer.id,
            email: customer.email,
            first_name: customer.first_name,
        }
    }
}

impl Bff {
    fn new(medusa: Arc<dyn SessionFactory>) -> Self {
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

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<dyn AuthSession>>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn session_of(&self, headers: &HeaderMap) -> Option<(String, Arc<dyn AuthSession>)> {
        let id = browser_session_id(headers)?;
        let session = self.sessions().get(&id).cloned()?;
        Some((id, session))
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

/// What a failed Medusa call means to the browser: its credentials refused (401),
/// its input refused (400), or Medusa not answering as it should (502).
fn failure(error: &Error) -> Response {
    match error {
        error if error.is_unauthorized() => StatusCode::UNAUTHORIZED.into_response(),
        Error::InvalidInput(_) => (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
        _ => StatusCode::BAD_GATEWAY.into_response(),
    }
}

async fn login(State(bff): State<Bff>, Json(body): Json<Login>) -> Response {
    // A new Medusa session for this browser: no other browser's cookie or token.
    let session = bff.medusa.session();
    match session
        .store()
        .authenticate(body.email, body.password)
        .await
    {
        Ok(customer) => {
            let id = uuid::Uuid::new_v4().to_string();
            bff.sessions().insert(id.clone(), session);
            let cookie = format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax");
            ([(header::SET_COOKIE, cookie)], Json(Me::from(customer))).into_response()
        }
        Err(error) => failure(&error),
    }
}

async fn me(State(bff): State<Bff>, headers: HeaderMap) -> Response {
    let Some((_, session)) = bff.session_of(&headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match session.store().get_session().await {
        Ok(customer) => Json(Me::from(customer)).into_response(),
        Err(error) => failure(&error),
    }
}

async fn logout(State(bff): State<Bff>, headers: HeaderMap) -> Response {
    let Some((id, session)) = bff.session_of(&headers) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    bff.sessions().remove(&id);
    // The session forgets its credentials even if Medusa does not answer.
    let _ = session.store().delete_session().await;
    StatusCode::NO_CONTENT.into_response()
}

/// The BFF on loopback: its address, and how to stop it.
struct Serving {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn serve(bff: Bff) -> Result<Serving, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, bff.router())
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Serving { addr, stop, task })
}

impl Serving {
    /// Stops accepting, waits for the connections to finish (bounded, to catch a
    /// hang), and so drops the server's hold on the BFF's state.
    async fn stop(self) {
        let _ = self.stop.send(());
        let waited = tokio::time::timeout(std::time::Duration::from_secs(30), self.task).await;
        assert!(waited.is_ok(), "the BFF did not stop");
    }
}

/// The fake Medusa and the BFF, both on loopback.
struct Running {
    bff: SocketAddr,
    seed: Seed,
    serving: Serving,
    medusa: medusa_auth_mock::FakeServer,
}

impl Running {
    async fn stop(self) {
        self.serving.stop().await;
        self.medusa.shutdown().await;
    }
}

async fn start() -> Result<Running, String> {
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let medusa = fake.start_server().await.map_err(|e| e.to_string())?;
    // One client, one connection pool, for every browser session.
    let client = Client::builder()
        .base_url(medusa.url())
        .build()
        .map_err(|e| e.to_string())?;
    let serving = serve(Bff::new(Arc::new(client))).await?;
    Ok(Running {
        bff: serving.addr,
        seed,
        serving,
        medusa,
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
    use medusa_auth_hyper::ExposeSecret;
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
        let outcome = two_customers_at_once(&running, 20).await;
        running.stop().await;
        let (a, b) = outcome?;
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
    use medusa_auth_hyper::{ExposeSecret, Timestamp, TransportError};
    use medusa_auth_mock::{MockSession, MockSessionFactory, Sequence};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_customers_at_once_never_see_each_other() {
        let running = start().await.unwrap();
        let (a, b) = two_customers_at_once(&running, 200).await.unwrap();
        assert_eq!((a, b), (200, 200));
        running.stop().await;
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
        drop(browser);
        running.stop().await;
    }

    // The handlers over mocked Medusa sessions: no Medusa, strict expectations.

    const ALICE: &str = "alice@example.com";
    const HER_PASSWORD: &str = "her password";

    fn alice() -> Customer {
        let mut customer = Customer::new("cus_alice", ALICE, Timestamp::UNIX_EPOCH);
        customer.first_name = Some("Alice".into());
        customer
    }

    /// A session expecting alice's login, answering `answer`.
    fn alice_logging_in(
        order: &mut Sequence,
        answer: impl Fn() -> Result<Customer, Error> + Send + 'static,
    ) -> MockSession {
        let mut session = MockSession::new();
        session
            .store
            .expect_send_authenticate()
            .withf(|call| call.email() == ALICE && call.password().expose_secret() == HER_PASSWORD)
            .times(1)
            .in_sequence(order)
            .returning(move |_| answer());
        session
    }

    /// The BFF over a factory handing out `sessions`, on loopback, and a browser.
    struct Harness {
        bff: Bff,
        serving: Serving,
        browser: Browser,
    }

    impl Harness {
        async fn new(sessions: impl IntoIterator<Item = MockSession>) -> Harness {
            let bff = Bff::new(Arc::new(MockSessionFactory::handing_out(sessions)));
            let serving = serve(bff.clone()).await.unwrap();
            let browser = Browser::new(serving.addr);
            Harness {
                bff,
                serving,
                browser,
            }
        }

        /// Stops the BFF, then drops the last hold on the mocks here, in the test:
        /// an expectation left unmet (a login the factory expected, a call a
        /// session expected) fails the test.
        async fn finish(self) {
            drop(self.browser);
            self.serving.stop().await;
            drop(self.bff);
        }
    }

    #[tokio::test]
    async fn the_login_of_alice_fails_with_401() {
        let mut order = Sequence::new();
        let session = alice_logging_in(&mut order, || Err(Error::unauthorized()));
        let harness = Harness::new([session]).await;
        let error = harness
            .browser
            .login(ALICE, HER_PASSWORD)
            .await
            .unwrap_err();
        assert!(error.contains("401"), "{error}");
        assert!(
            harness.bff.sessions().is_empty(),
            "a refused login keeps no session"
        );
        harness.finish().await;
    }

    #[tokio::test]
    async fn a_medusa_outage_at_login_is_502() {
        let mut order = Sequence::new();
        let session = alice_logging_in(&mut order, || {
            Err(TransportError::connect("connection refused")
                .with_target("127.0.0.1:9000")
                .into())
        });
        let harness = Harness::new([session]).await;
        let error = harness
            .browser
            .login(ALICE, HER_PASSWORD)
            .await
            .unwrap_err();
        assert!(error.contains("502"), "{error}");
        assert!(harness.bff.sessions().is_empty());
        harness.finish().await;
    }

    #[tokio::test]
    async fn me_after_a_successful_mocked_login_answers_the_mocked_customer() {
        let mut order = Sequence::new();
        let mut session = alice_logging_in(&mut order, || Ok(alice()));
        // Two looks at /me, then the logout: in this order, and nothing else (after
        // the logout the BFF must not ask Medusa at all).
        session
            .store
            .expect_send_get_session()
            .times(2)
            .in_sequence(&mut order)
            .returning(|_| Ok(alice()));
        session
            .store
            .expect_send_delete_session()
            .times(1)
            .in_sequence(&mut order)
            .returning(|_| Ok(()));
        let harness = Harness::new([session]).await;
        let expected = Me {
            id: "cus_alice".into(),
            email: ALICE.into(),
            first_name: Some("Alice".into()),
        };

        let (cookie, me) = harness.browser.login(ALICE, HER_PASSWORD).await.unwrap();
        assert_eq!(me, expected);
        assert!(cookie.starts_with("bff_session="), "{cookie}");
        for _ in 0..2 {
            assert_eq!(
                harness.browser.me(&cookie).await.unwrap().as_ref(),
                Some(&expected)
            );
        }
        harness.browser.logout(&cookie).await.unwrap();
        assert_eq!(harness.browser.me(&cookie).await.unwrap(), None);
        assert!(harness.bff.sessions().is_empty());
        harness.finish().await;
    }

    #[tokio::test]
    async fn a_medusa_session_revoked_behind_the_bff_is_401_at_me() {
        let mut order = Sequence::new();
        let mut session = alice_logging_in(&mut order, || Ok(alice()));
        session
            .store
            .expect_send_get_session()
            .times(1)
            .in_sequence(&mut order)
            .returning(|_| Err(Error::unauthorized()));
        let harness = Harness::new([session]).await;
        let (cookie, _) = harness.browser.login(ALICE, HER_PASSWORD).await.unwrap();
        assert_eq!(harness.browser.me(&cookie).await.unwrap(), None);
        harness.finish().await;
    }
}
