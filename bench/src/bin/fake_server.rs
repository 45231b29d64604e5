//! The server of the harness: the fake Medusa of `medusa-auth-mock` over loopback
//! HTTP on a free port, seeded with `Seed::interop()`, on a single-threaded runtime
//! so that it can be pinned to one core. Prints `url=http://127.0.0.1:PORT` and
//! serves until killed.

use std::io::Write as _;

use medusa_auth_mock::{FakeMedusa, Seed};

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let fake = FakeMedusa::from_seed(&Seed::interop());
        let server = fake.start_server().await.unwrap_or_else(|error| {
            eprintln!("fake_server: {error}");
            std::process::exit(1)
        });
        println!("url={}", server.url());
        let _ = std::io::stdout().flush();
        std::future::pending::<()>().await;
    });
}
