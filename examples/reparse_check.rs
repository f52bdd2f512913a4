//! Checks incremental reparsing (what `kubewalk diff` does for a file changed between two revisions) against a
//! parse from scratch, on every changed file of two real trees: the syntax trees and the lowered facts must agree.
//! `cargo run --release --example reparse_check -- OLD_ROOT NEW_ROOT`

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use kubewalk::lower::{lower_file, lower_revision, Previous};
use kubewalk::parse::{parse, reparse};
use kubewalk::topics::TopicConfig;
use kubewalk::walk::{walk, WalkOptions};
use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1).map(PathBuf::from);
    let (old_root, new_root) = match (args.next(), args.next()) {
        (Some(old), Some(new)) => (old, new),
        _ => panic!("usage: reparse_check OLD_ROOT NEW_ROOT"),
    };
    let query = TopicConfig::load(&new_root, None).expect("topic config").body_query();
    let old = walk(&old_root, WalkOptions::default()).expect("walk the old tree");
    let new = walk(&new_root, WalkOptions::default()).expect("walk the new tree");
    let old_at: HashMap<&str, _> = old.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let pairs: Vec<(String, String, String)> = new
        .files
        .iter()
        .filter_map(|f| {
            let old = String::from_utf8(old_at.get(f.path.as_str())?.content.read().ok()?).ok()?;
            let new = String::from_utf8(f.content.read().ok()?).ok()?;
            (old != new).then(|| (f.path.clone(), old, new))
        })
        .collect();
    let start = Instant::now();
    let results: Vec<(bool, bool, f64, f64)> = pairs
        .par_iter()
        .with_max_len(1)
        .map(|(path, old, new)| {
            let old_tree = parse(old);
            let (old_syntax, old_index) = lower_revision(&old_tree, old, &query, None);
            let t = Instant::now();
            let incremental = reparse(&old_tree, old, new);
            let incremental_time = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let full = parse(new);
            let full_time = t.elapsed().as_secs_f64();
            let same_tree = incremental.root_node().to_sexp() == full.root_node().to_sexp();
            // As `diff` lowers it: unchanged declarations copied from the old revision's facts.
            let previous = Previous {
                src: old,
                syntax: &old_syntax,
                index: &old_index,
            };
            let reused = format!("{:?}", lower_revision(&incremental, new, &query, Some(previous)).0);
            let same_facts = reused == format!("{:?}", lower_file(&full, new, &query));
            if !same_tree || !same_facts {
                println!("differs: {path} (tree {same_tree}, facts {same_facts})");
            }
            (same_tree, same_facts, incremental_time, full_time)
        })
        .collect();
    let bytes: usize = pairs.iter().map(|(_, _, new)| new.len()).sum();
    let trees = results.iter().filter(|r| !r.0).count();
    let facts = results.iter().filter(|r| !r.1).count();
    let incremental: f64 = results.iter().map(|r| r.2).sum();
    let full: f64 = results.iter().map(|r| r.3).sum();
    println!(
        "{} changed files ({:.1} MB): {trees} syntax trees and {facts} lowered files differ; \
         reparse {incremental:.2} s, parse {full:.2} s (CPU); {:.1} s in all",
        pairs.len(),
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    if trees + facts > 0 {
        std::process::exit(1);
    }
}
