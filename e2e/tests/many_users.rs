//! 1,000 session handles for 1,000 distinct customers on one client (one
//! connection pool), all in flight at once against the fake over loopback HTTP:
//! each handle sees only its own customer, by cookie and by bearer JWT.

use std::sync::Arc;

use medusa_auth_hyper::{Client, Credentials, ExposeSecret, SecretString};
use medusa_auth_mock::FakeMedusa;
use tokio::sync::Barrier;

const CUSTOMERS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_customers_at_once_each_see_only_themselves() {
    let fake = FakeMedusa::builder()
        .admin("admin@example.com", "supersecret")
        .build();
    let emails: Vec<String> = (0..CUSTOMERS)
        .map(|i| format!("shopper{i}@example.com"))
        .collect();
    for (i, email) in emails.iter().enumerate() {
        fake.add_customer(email, &format!("password-{i}"));
    }
    let server = fake.start_server().await.unwrap();
    let client = Client::builder().base_url(server.url()).build().unwrap();
    let barrier = Arc::new(Barrier::new(CUSTOMERS));

    let mut tasks = tokio::task::JoinSet::new();
    for (i, email) in emails.iter().cloned().enumerate() {
        let (client, barrier) = (client.clone(), barrier.clone());
        tasks.spawn(async move {
            let handle = client.session();
            let password = SecretString::from(format!("password-{i}"));
            handle
                .store()
                .authenticate(email.as_str(), password.clone())
                .await
                .map_err(|e| format!("{email}: {e}"))?;
            // Everyone logged in before anyone looks: the sessions overlap fully.
            barrier.wait().await;
            let by_cookie = handle
                .store()
                .get_session()
                .await
                .map_err(|e| format!("{email}: {e}"))?;
            let token = handle
                .store()
                .get_token(email.as_str(), password.clone())
                .await
                .map_err(|e| e.to_string())?;
            let bearer = client
                .session_with(Credentials::Bearer(token))
                .map_err(|e| e.to_string())?;
            let by_bearer = bearer
                .store()
                .get_session()
                .await
                .map_err(|e| format!("{email}: {e}"))?;
            if by_cookie.email != email || by_bearer.email != email {
                return Err(format!(
                    "{email} saw {} and {}",
                    by_cookie.email, by_bearer.email
                ));
            }
            Ok::<_, String>(
                handle
                    .session_cookie()
                    .map(|c| c.expose_secret().to_owned()),
            )
        });
    }
    let mut cookies = std::collections::HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let cookie = joined.unwrap().unwrap().expect("a session cookie");
        assert!(cookies.insert(cookie), "two handles share a cookie");
    }
    assert_eq!(cookies.len(), CUSTOMERS);
    // 4 requests per customer went to the one server.
    assert_eq!(fake.received_total(), CUSTOMERS * 4);
}
