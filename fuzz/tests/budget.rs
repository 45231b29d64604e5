//! The allocation budget is real: an allocation past it ends the process (which
//! libFuzzer reports as a crash), one within it goes through.

use std::process::Command;

use medusa_auth_fuzz::{BudgetAllocator, budget_allocator, with_allocation_limit};

#[global_allocator]
static ALLOCATOR: BudgetAllocator = budget_allocator();

const PROBE: &str = "MEDUSA_FUZZ_BUDGET_PROBE";

/// Allocates 8 MiB under a 1 MiB budget; only does so in the child process the
/// test below starts.
#[test]
fn over_budget_probe() {
    if std::env::var_os(PROBE).is_none() {
        return;
    }
    let kept = with_allocation_limit(&ALLOCATOR, 1024 * 1024, || vec![1u8; 8 * 1024 * 1024]);
    println!("allocated {} bytes past the budget", kept.len());
}

#[test]
fn an_allocation_past_the_budget_aborts() {
    let child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "over_budget_probe",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(PROBE, "1")
        .output()
        .expect("the probe runs");
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(
        !child.status.success(),
        "the probe was not stopped: {stderr}"
    );
    assert!(
        stderr.contains("memory allocation of 8388608 bytes failed"),
        "{stderr}"
    );
}

#[test]
fn an_allocation_within_the_budget_goes_through() {
    let kept = with_allocation_limit(&ALLOCATOR, 16 * 1024 * 1024, || vec![1u8; 8 * 1024 * 1024]);
    assert_eq!(kept.len(), 8 * 1024 * 1024);
}
