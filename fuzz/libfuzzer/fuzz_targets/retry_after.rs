//! libFuzzer entry for `medusa_auth_fuzz::Target::RetryAfter`.
#![no_main]

use medusa_auth_fuzz::{BudgetAllocator, Target, budget_allocator, run_within_budget};

#[global_allocator]
static ALLOCATOR: BudgetAllocator = budget_allocator();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    run_within_budget(&ALLOCATOR, Target::RetryAfter, data);
});
