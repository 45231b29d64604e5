//! Writes the seed inputs of fuzz targets (built from transcripts.md) into a folder,
//! one file per input named by its SHA-256, as libFuzzer reads a corpus:
//!
//! ```text
//! cargo run -p medusa-auth-fuzz --bin seed_corpus -- OUT_DIR [TARGET…]
//! ```
//!
//! Each target gets `OUT_DIR/TARGET/`; with no target named, every target.

use std::path::PathBuf;
use std::process::ExitCode;

use medusa_auth_fuzz::Target;
use sha2::{Digest, Sha256};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: seed_corpus OUT_DIR [TARGET…]");
        return ExitCode::from(2);
    };
    let mut targets = Vec::new();
    for name in args {
        match Target::from_name(&name) {
            Some(target) => targets.push(target),
            None => {
                eprintln!("seed_corpus: no target named {name:?}");
                return ExitCode::from(2);
            }
        }
    }
    if targets.is_empty() {
        targets = Target::ALL.to_vec();
    }
    for target in targets {
        let dir = out.join(target.name());
        if let Err(error) = std::fs::create_dir_all(&dir) {
            eprintln!("seed_corpus: {}: {error}", dir.display());
            return ExitCode::FAILURE;
        }
        let seeds = target.seeds();
        for seed in &seeds {
            let name: String = Sha256::digest(seed)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            if let Err(error) = std::fs::write(dir.join(name), seed) {
                eprintln!("seed_corpus: {}: {error}", dir.display());
                return ExitCode::FAILURE;
            }
        }
        println!(
            "{}: {} seeds in {}",
            target.name(),
            seeds.len(),
            dir.display()
        );
    }
    ExitCode::SUCCESS
}
