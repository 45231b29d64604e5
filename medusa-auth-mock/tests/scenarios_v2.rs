//! The v2 scenario table, run against the fake v2 in memory and over loopback HTTP
//! (and, in the workspace's interop suite, against a real Medusa 2.21).
#![cfg(feature = "scenarios")]

#[cfg(feature = "server")]
#[path = "support/http_client.rs"]
mod http_client;

use medusa_auth_mock::v2::scenarios::{self, Target};
use medusa_auth_mock::{FakeMedusaV2, SeedV2};

#[tokio::test]
async fn every_v2_scenario_passes_against_the_in_memory_fake() {
    let seed = SeedV2::interop();
    let fake = FakeMedusaV2::from_seed(&seed);
    let table = scenarios::all();
    let report = scenarios::run(&Target::memory(&fake, &seed), &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());
}

#[tokio::test]
async fn the_v2_production_scenarios_pass_against_a_production_fake() {
    let seed = SeedV2::interop();
    let fake = FakeMedusaV2::builder().seed(&seed).production(true).build();
    let table = scenarios::production();
    let report = scenarios::run(&Target::memory(&fake, &seed), &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());
}

#[tokio::test]
async fn the_v2_development_table_fails_against_a_production_fake() {
    // The table is not vacuous: a backend that behaves otherwise fails it by name.
    let seed = SeedV2::interop();
    let fake = FakeMedusaV2::builder().seed(&seed).production(true).build();
    let report = scenarios::run(&Target::memory(&fake, &seed), &scenarios::all()).await;
    assert!(!report.is_success());
    let failed: Vec<&str> = report.failures.iter().map(|f| f.scenario).collect();
    assert!(
        failed.contains(&"open_session trades the token for a cookie that works alone"),
        "{report}"
    );
    let shown = report.to_string();
    assert!(
        !shown.contains("supersecret") && !shown.contains("sk_"),
        "{shown}"
    );
}

#[tokio::test]
async fn the_v2_scenario_names_are_unique_and_cover_every_call() {
    let table = scenarios::all();
    let mut names: Vec<&str> = table.iter().map(|s| s.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), table.len());
    let covers: Vec<&str> = table
        .iter()
        .chain(scenarios::production().iter())
        .flat_map(|s| s.covers.iter().copied())
        .collect();
    for call in [
        "auth.login",
        "auth.login_with",
        "auth.register",
        "auth.callback",
        "auth.open_session",
        "auth.logout",
        "auth.refresh",
        "auth.reset_password",
        "auth.update_password",
        "auth.providers",
        "store.me",
        "store.create_customer",
        "store.sign_up",
        "admin.me",
    ] {
        assert!(
            covers
                .iter()
                .any(|c| c.starts_with(&format!("call: {call}"))),
            "no scenario covers {call}"
        );
    }
}

#[cfg(feature = "server")]
#[tokio::test]
async fn every_v2_scenario_passes_against_the_loopback_fake() {
    use std::sync::Arc;

    let seed = SeedV2::interop();
    let fake = FakeMedusaV2::from_seed(&seed);
    let server = fake.start_server().await.expect("a loopback server");
    let transport = Arc::new(http_client::HyperTestTransport::new());
    let target = Target::new(
        "loopback fake v2",
        server.url(),
        transport.clone(),
        Target::fake_keys(&fake, &seed),
        Arc::new(fake.clone()),
    );
    let table = scenarios::all();
    let report = scenarios::run(&target, &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());

    let production = FakeMedusaV2::builder().seed(&seed).production(true).build();
    let production_server = production.start_server().await.expect("a loopback server");
    let target = Target::new(
        "loopback production fake v2",
        production_server.url(),
        transport,
        Target::fake_keys(&production, &seed),
        Arc::new(production.clone()),
    );
    let report = scenarios::run(&target, &scenarios::production()).await;
    println!("{report}");
    report.assert_success();
}
