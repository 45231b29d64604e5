//! Replays, under the allocation budget, every input the fuzz targets must keep
//! passing: the seeds made from transcripts.md, the crash reproducers in
//! `fuzz/regressions/` (each once made a target fail; see its README), and the corpus
//! `fuzz/run.sh` grew on this machine in `fuzz/corpus/` (ignored by git; absent on a
//! fresh clone).

use std::path::Path;

use medusa_auth_fuzz::{BudgetAllocator, Target, budget_allocator, run_within_budget};

#[global_allocator]
static ALLOCATOR: BudgetAllocator = budget_allocator();

fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let data = std::fs::read(&path).expect("a readable file");
            (path.display().to_string(), data)
        })
        .collect();
    files.sort();
    files
}

fn replay(target: Target) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = target.seeds();
    assert!(
        seeds.len() >= 10,
        "{}: only {} seeds",
        target.name(),
        seeds.len()
    );
    for seed in &seeds {
        run_within_budget(&ALLOCATOR, target, seed);
    }
    let corpus = files_in(&root.join("corpus").join(target.name()));
    let regressions = files_in(&root.join("regressions").join(target.name()));
    for (path, data) in corpus.iter().chain(&regressions) {
        eprintln!("replaying {path}");
        run_within_budget(&ALLOCATOR, target, data);
    }
    eprintln!(
        "{}: {} seeds, {} corpus inputs, {} reproducers passed",
        target.name(),
        seeds.len(),
        corpus.len(),
        regressions.len()
    );
}

#[test]
fn responses() {
    replay(Target::Responses);
}

#[test]
fn set_cookie() {
    replay(Target::SetCookie);
}

#[test]
fn retry_after() {
    replay(Target::RetryAfter);
}

#[test]
fn client_calls() {
    replay(Target::ClientCalls);
}
