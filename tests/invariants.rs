//! The invariants of `kubewalk::invariants` on a regression corpus: the hand-written inputs of
//! `fixtures/fuzz/`, and every Go file of the fixtures, whole, truncated and with bytes replaced. `cargo fuzz run
//! invariants` (see `fuzz/`) explores further; what it finds is added to `fixtures/fuzz/`.

use std::path::{Path, PathBuf};

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            go_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
}

/// Copies of an input that break it in ways a fuzzer would: cut short at a few places, and with a byte of every
/// few replaced by one of Go's brackets or quotes. Deterministic, so that a failure can be reproduced.
fn mutations(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![data.to_vec()];
    for cut in [1, 2, 3] {
        out.push(data[..data.len() * cut / 4].to_vec());
    }
    for (n, with) in [(97, b'{'), (89, b'"'), (53, b')'), (131, b'`')] {
        let mut copy = data.to_vec();
        for (i, b) in copy.iter_mut().enumerate() {
            if i % n == n - 1 {
                *b = with;
            }
        }
        out.push(copy);
    }
    out
}

#[test]
fn the_regression_corpus_holds_every_invariant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut corpus = Vec::new();
    go_files(&root.join("fuzz"), &mut corpus);
    assert!(corpus.len() >= 3, "the hand-written corpus is in fixtures/fuzz");
    for path in &corpus {
        kubewalk::invariants::check(&std::fs::read(path).unwrap());
    }
    let mut files = Vec::new();
    go_files(&root, &mut files);
    assert!(files.len() > 50, "the fixtures' Go files are found");
    for path in files.iter().filter(|p| !p.starts_with(root.join("fuzz"))) {
        for input in mutations(&std::fs::read(path).unwrap()) {
            kubewalk::invariants::check(&input);
        }
    }
}
