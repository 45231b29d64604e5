//! The same walk through the fake Medusa's in-memory transport: no socket, no
//! runtime (a plain executor), and yet every SDK step (building, cookies, retries,
//! reading) runs for real.
//!
//! `cargo run --example in_memory`

#[path = "common/walk.rs"]
mod walk;

use std::process::ExitCode;

use medusa_auth_mock::{FakeMedusa, Seed};
use walk::{Users, walk};

fn main() -> ExitCode {
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    // A core client over the in-memory transport, on the fake's clock.
    let client = fake.client();
    match futures::executor::block_on(walk(&client, &Users::from_seed(&seed))) {
        Ok(()) => {
            println!("the fake received {} requests", fake.received_total());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("unexpected outcome: {message}");
            ExitCode::FAILURE
        }
    }
}
