//! kubewalk against Go's own parser on the fixture tree (see `tests/support/godump.rs`).

use std::path::Path;

use crate::support::godump::{build_godump, compare, godump, kubewalk_lines};
use crate::support::have_go;
use kubewalk::scanner::{scan, ScanOptions};
use kubewalk::walk::WalkOptions;

fn check(root: &Path, include_tests: bool) {
    if !have_go("differential") {
        return;
    }
    let options = ScanOptions {
        walk: WalkOptions {
            include_tests,
            include_vendor: false,
        },
        ..ScanOptions::default()
    };
    let result = scan(root, &options).expect("the fixture scans");
    let doc = serde_json::to_value(kubewalk::scan::document(&result, &Default::default(), &[])).unwrap();
    let binary = build_godump();
    let comparison = compare(&godump(&binary, root, include_tests), &kubewalk_lines(&doc));
    assert!(
        comparison.compared > 500,
        "godump described too little: {}",
        comparison.compared
    );
    assert!(
        comparison.agrees(),
        "kubewalk and go/parser disagree on {} (tests: {include_tests})\nstats go:       {}\nstats kubewalk: {}\nonly go:\n  {}\nonly kubewalk:\n  {}",
        root.display(),
        comparison.stats_go,
        comparison.stats_kubewalk,
        comparison.only_go.join("\n  "),
        comparison.only_kubewalk.join("\n  "),
    );
}

#[test]
fn fixture_agrees_with_go_parser() {
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s"), false);
}

#[test]
fn fixture_with_tests_agrees_with_go_parser() {
    check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s"), true);
}
