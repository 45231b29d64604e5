//! 10,000 admin `get_session` calls on one logged-in session, through a core client
//! over the in-memory fake: every SDK step (building, cookie jar, reading) and every
//! fake step (cookie signature, session lookup, JSON) runs each time.
//!
//! `cargo run --release -p medusa-auth-mock --example get_session_10k`

use std::time::Instant;

use medusa_auth_mock::{FakeMedusa, Seed};

const CALLS: u32 = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let client = fake.client();
    let session = client.session();
    futures::executor::block_on(async {
        session
            .admin()
            .create_session("admin@example.com", "supersecret")
            .await?;
        let started = Instant::now();
        for _ in 0..CALLS {
            let user = session.admin().get_session().await?;
            assert_eq!(user.email, "admin@example.com");
        }
        let elapsed = started.elapsed();
        println!(
            "{CALLS} in-memory get_session calls: {:.1} ms ({:.1} µs per call)",
            elapsed.as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e6 / f64::from(CALLS)
        );
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    assert_eq!(fake.received_total(), 1 + CALLS as usize);
    // One session only: the logged-in one.
    assert_eq!(fake.session_count(), 1);
    Ok(())
}
