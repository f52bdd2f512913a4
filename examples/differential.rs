//! Compares `kubewalk scan` with Go's own parser on any tree, for real releases:
//! `cargo run --release --example differential -- ROOT [--include-tests]`.

#[path = "../tests/support/godump.rs"]
mod godump;

use std::path::PathBuf;
use std::time::Instant;

use kubewalk::scanner::{scan, ScanOptions};
use kubewalk::walk::WalkOptions;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: differential ROOT [--include-tests]"));
    let include_tests = args.any(|a| a == "--include-tests");
    let options = ScanOptions {
        walk: WalkOptions {
            include_tests,
            include_vendor: false,
        },
        ..ScanOptions::default()
    };
    let start = Instant::now();
    let result = scan(&root, &options).expect("scan");
    let doc = serde_json::to_value(kubewalk::scan::document(&result, &Default::default(), &[])).unwrap();
    let kubewalk_time = start.elapsed();
    let binary = godump::build_godump();
    let start = Instant::now();
    let go = godump::godump(&binary, &root, include_tests);
    let go_time = start.elapsed();
    let c = godump::compare(&go, &godump::kubewalk_lines(&doc));
    println!("go:       {}  ({:.2} s)", c.stats_go, go_time.as_secs_f64());
    println!("kubewalk: {}  ({:.2} s)", c.stats_kubewalk, kubewalk_time.as_secs_f64());
    println!(
        "lines compared: {}; only in go: {}; only in kubewalk: {}",
        c.compared,
        c.only_go.len(),
        c.only_kubewalk.len()
    );
    let mut kinds = std::collections::BTreeMap::new();
    for l in c.only_go.iter().chain(&c.only_kubewalk) {
        *kinds.entry(l.split(' ').next().unwrap_or("").to_string()).or_insert(0) += 1;
    }
    println!("differing lines by kind: {kinds:?}");
    for l in c.only_go.iter().take(40) {
        println!("- {l}");
    }
    for l in c.only_kubewalk.iter().take(40) {
        println!("+ {l}");
    }
    std::process::exit(if c.agrees() { 0 } else { 1 });
}
