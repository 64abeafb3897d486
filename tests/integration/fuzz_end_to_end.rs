//! A bounded end-to-end fuzz run for CI: a few mutated cases of every input
//! kind through the real binary, none of which may panic, abort, hang or
//! use over 1 GB (the long run is `cargo run --release --example fuzz`).

use std::path::Path;
use std::time::Duration;

use crate::fuzz_cases::{Case, KINDS, Rng, Samples, finding, run};

#[test]
fn mutated_inputs_of_every_kind_fail_cleanly_end_to_end() {
    let samples = Samples::load(Path::new(env!("CARGO_MANIFEST_DIR")));
    let binary = Path::new(env!("CARGO_BIN_EXE_costsim"));
    let root = tempfile::tempdir().expect("a folder");
    let mut rng = Rng(14);
    let mut findings = Vec::new();
    for kind in KINDS {
        for _ in 0..6 {
            let case = Case::draw(kind, &mut rng, &samples);
            // The test build is slower than a release build: 30 s, not 10 s.
            let outcome = run(binary, root.path(), &case, Duration::from_secs(30));
            if let Some(defect) = finding(&outcome) {
                findings.push(format!(
                    "{}: {defect} after {:?}: {:?}: {}",
                    case.kind, outcome.elapsed, case.args, outcome.stderr
                ));
            }
        }
    }
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
