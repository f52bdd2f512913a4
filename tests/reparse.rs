//! Incremental reparsing, which `kubewalk diff` uses for a file changed between two revisions, gives exactly what
//! parsing from scratch gives: the same syntax tree and the same lowered facts, for edits of every shape.

use std::path::Path;

use kubewalk::lower::{lower_file, lower_revision, BodyQuery, Previous};
use kubewalk::parse::{parse, reparse};
use kubewalk::topics::TopicConfig;

fn check(old: &str, new: &str, query: &BodyQuery, what: &str) {
    let old_tree = parse(old);
    let (old_syntax, old_index) = lower_revision(&old_tree, old, query, None);
    let incremental = reparse(&old_tree, old, new);
    let full = parse(new);
    assert_eq!(
        incremental.root_node().to_sexp(),
        full.root_node().to_sexp(),
        "syntax trees differ after {what}"
    );
    // As `diff` lowers it: the facts of unchanged declarations are copied from the old revision, moved.
    let previous = Previous {
        src: old,
        syntax: &old_syntax,
        index: &old_index,
    };
    assert_eq!(
        format!("{:?}", lower_revision(&incremental, new, query, Some(previous)).0),
        format!("{:?}", lower_file(&full, new, query)),
        "lowered facts differ after {what}"
    );
}

/// Edits of one file: lines added, removed and changed at the start, middle and end, a last line without a
/// newline, a syntax error, and everything replaced.
fn edits(src: &str) -> Vec<(&'static str, String)> {
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let half = lines.len() / 2;
    let join = |parts: &[&str]| parts.concat();
    vec![
        ("a line added at the start", format!("// added\n{src}")),
        ("the first line removed", join(&lines[1..])),
        ("a line changed in the middle", {
            let mut l = lines.clone();
            l[half] = "\tx := 1 // changed\n";
            join(&l)
        }),
        ("lines added in the middle", {
            let mut l = lines.clone();
            l.insert(half, "func Added(a, b int) int {\n\treturn a + b\n}\n");
            join(&l)
        }),
        ("the second half removed", join(&lines[..half])),
        ("the halves swapped", join(&[&lines[half..], &lines[..half]].concat())),
        ("the last newline removed", src.trim_end_matches('\n').to_string()),
        ("text appended without a newline", format!("{src}var Tail = 1")),
        ("the last line changed into two, the second without a newline", {
            let last = lines.len().saturating_sub(1);
            format!("{}var A = 1\nvar B = \"{}\"", join(&lines[..last]), "b".repeat(40))
        }),
        (
            "a syntax error",
            format!("{}func (\n{}", join(&lines[..half]), join(&lines[half..])),
        ),
        // The same declarations in `package main`, whose bodies keep every call, or out of it.
        ("the package renamed to main", {
            let l: Vec<String> = lines
                .iter()
                .map(|l| match l.starts_with("package ") {
                    true => "package main\n".to_string(),
                    false => l.to_string(),
                })
                .collect();
            l.concat()
        }),
        // Doc comments changed above unchanged declarations: a new one, and one cut off by a blank line.
        (
            "a comment put above every function",
            src.replace("\nfunc ", "\n// Note.\nfunc "),
        ),
        (
            "a blank line put under every comment",
            src.replace("\n//", "\n//x\n\n//"),
        ),
        ("everything replaced", "package other\n\nconst X = 1\n".to_string()),
        ("everything removed", String::new()),
    ]
}

#[test]
fn reparsing_a_changed_file_gives_what_parsing_it_gives() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s");
    let query = TopicConfig::load(&root, None).unwrap().body_query();
    let files = kubewalk::walk::walk(&root, Default::default()).unwrap().files;
    assert!(files.len() > 50);
    for file in &files {
        let src = String::from_utf8(file.content.read().unwrap()).unwrap();
        for (what, new) in edits(&src) {
            check(&src, &new, &query, &format!("{what} in {}", file.path));
            check(&new, &src, &query, &format!("{what}, undone, in {}", file.path));
        }
    }
}
