//! The scenario table, run against the fake in memory and over loopback HTTP (and,
//! in the workspace's interop suite, against the real Medusa).
#![cfg(feature = "scenarios")]

#[cfg(feature = "server")]
#[path = "support/http_client.rs"]
mod http_client;

use medusa_auth_mock::scenarios::{self, Target};
use medusa_auth_mock::{FakeMedusa, Seed};

#[tokio::test]
async fn every_scenario_passes_against_the_in_memory_fake() {
    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let table = scenarios::all();
    let report = scenarios::run(&Target::memory(&fake), &seed, &table).await;
    println!("{report}");
    report.assert_success();
    // The interop seed has everyone the table needs: nothing is skipped.
    assert!(report.skipped.is_empty(), "{report}");
    assert_eq!(report.passed.len(), table.len());
}

#[tokio::test]
async fn the_production_scenarios_pass_against_a_production_fake() {
    let seed = Seed::interop();
    let fake = FakeMedusa::builder().seed(&seed).production(true).build();
    let table = scenarios::production();
    let report = scenarios::run(&Target::memory(&fake), &seed, &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());
}

#[tokio::test]
async fn the_development_table_fails_against_a_production_fake() {
    // The table is not vacuous: a backend that behaves otherwise fails it, and the
    // report names the scenarios.
    let seed = Seed::interop();
    let fake = FakeMedusa::builder().seed(&seed).production(true).build();
    let report = scenarios::run(&Target::memory(&fake), &seed, &scenarios::all()).await;
    assert!(!report.is_success());
    let failed: Vec<&str> = report.failures.iter().map(|f| f.scenario).collect();
    assert!(
        failed.contains(&"admin create_session answers the user and keeps a session cookie"),
        "{report}"
    );
    let shown = report.to_string();
    assert!(
        !shown.contains("supersecret") && !shown.contains("real_medusa_admin_api_token"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_smaller_seed_skips_what_it_cannot_run() {
    let seed = Seed::transcript();
    let fake = FakeMedusa::from_seed(&seed);
    let report = scenarios::run(&Target::memory(&fake), &seed, &scenarios::all()).await;
    report.assert_success();
    let skipped: Vec<&str> = report.skipped.iter().map(|(name, _)| *name).collect();
    assert!(
        skipped.contains(&"store exists is false for a guest customer (no account)"),
        "{report}"
    );
    assert!(
        skipped.contains(&"session handles do not share credentials"),
        "{report}"
    );
    assert!(
        !skipped.contains(&"an API token authenticates admin routes"),
        "{report}"
    );
}

#[cfg(feature = "server")]
#[tokio::test]
async fn every_scenario_passes_against_the_loopback_fake() {
    use std::sync::Arc;

    let seed = Seed::interop();
    let fake = FakeMedusa::from_seed(&seed);
    let server = fake.start_server().await.expect("a loopback server");
    let transport = Arc::new(http_client::HyperTestTransport::new());
    let target = Target::new("loopback fake", server.url(), transport.clone());
    let table = scenarios::all();
    let report = scenarios::run(&target, &seed, &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());

    let production = FakeMedusa::builder().seed(&seed).production(true).build();
    let production_server = production.start_server().await.expect("a loopback server");
    let target = Target::new(
        "loopback production fake",
        production_server.url(),
        transport,
    );
    let report = scenarios::run(&target, &seed, &scenarios::production()).await;
    println!("{report}");
    report.assert_success();
    assert!(fake.received_total() > table.len());
}
