//! "No unbounded allocation", enforced: while a target runs, the global allocator
//! refuses to hand out more than [`allocation_budget`] bytes beyond what was live
//! before, and a refused allocation aborts the process.

use std::alloc::System;
use std::sync::{Mutex, Once};

use crate::Target;

/// The global allocator of the fuzz binaries and of the replay test.
pub type BudgetAllocator = cap::Cap<System>;

/// A [`BudgetAllocator`] with no limit yet, for a `#[global_allocator]` static.
pub const fn budget_allocator() -> BudgetAllocator {
    cap::Cap::new(System, usize::MAX)
}

/// How many bytes a target may hold at once for an input of `input_len` bytes: a
/// fixed 4 MiB for the client, its parsed responses and their errors, plus 32 bytes
/// per input byte (a body is copied a few times over: bytes, parsed JSON, excerpt).
pub fn allocation_budget(input_len: usize) -> usize {
    4 * 1024 * 1024 + input_len.saturating_mul(32)
}

/// Runs `target` on `data` with [`allocation_budget`] in force.
pub fn run_within_budget(allocator: &'static BudgetAllocator, target: Target, data: &[u8]) {
    with_allocation_limit(allocator, allocation_budget(data.len()), || {
        target.run(data)
    });
}

/// Runs `work` with at most `budget` bytes allocated beyond what is live now; an
/// allocation past that aborts the process. One run at a time (the limit is
/// process-wide).
///
/// The first call also installs a panic hook that lifts the limit before the
/// previous hook reports the panic: printing a backtrace allocates megabytes, and an
/// allocation failing there would hang the report rather than show it.
pub fn with_allocation_limit<T>(
    allocator: &'static BudgetAllocator,
    budget: usize,
    work: impl FnOnce() -> T,
) -> T {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = allocator.set_limit(usize::MAX);
            report(info);
        }));
    });
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let limit = allocator.allocated().saturating_add(budget);
    // Only fails when the new limit is below what is live, which it never is.
    let _ = allocator.set_limit(limit);
    let lift = LiftLimit(allocator);
    let result = work();
    drop(lift);
    result
}

/// Lifts the limit again, also when the target panics (the replay test reports the
/// panic; it must not then fail to allocate the report).
struct LiftLimit<'a>(&'a BudgetAllocator);

impl Drop for LiftLimit<'_> {
    fn drop(&mut self) {
        let _ = self.0.set_limit(usize::MAX);
    }
}
