//! What must hold for any input, however broken: the fuzz target (`fuzz/`) and the regression corpus
//! (`tests/invariants.rs`, `fixtures/fuzz/`) check these on arbitrary bytes. Parsing, lowering, the model, the
//! topics and the site's text filters never panic; lowering is deterministic and survives the cache's encoding;
//! and reparsing a file from another revision gives what parsing it from scratch gives.

use crate::lower::{lower_file, lower_revision, BodyQuery, Previous};
use crate::model::{FileFacts, Model};
use crate::parse::{parse, reparse};
use crate::platform::{platforms, read_constraints};
use crate::syntax::FileSyntax;
use crate::topics::TopicConfig;

/// Checks every invariant on one input; panics, with what broke, when one does not hold.
pub fn check(data: &[u8]) {
    // The scanner skips a file that is not UTF-8; so does the check.
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let config = TopicConfig::load(std::path::Path::new("/nonexistent"), None).expect("the built-in topics load");
    let query = config.body_query();
    let tree = parse(src);
    let first = lower_file(&tree, src, &query);
    let again = lower_file(&parse(src), src, &query);
    assert_eq!(encode(&first), encode(&again), "lowering the same input twice differs");
    let decoded: FileSyntax = bincode::deserialize(&encode(&first)).expect("a lowered file decodes");
    assert_eq!(
        encode(&decoded),
        encode(&first),
        "the cache's encoding does not round-trip"
    );
    // A second revision of the file: the input with a line inserted in the middle.
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let new = [
        &lines[..lines.len() / 2],
        &["var kubewalkInserted = 1\n"],
        &lines[lines.len() / 2..],
    ]
    .concat()
    .concat();
    reparse_agrees(src, &new, &query);
    reparse_agrees(&new, src, &query);
    // The model, constant values and every built-in topic, on a tree of this one file.
    let constraints = read_constraints(src);
    // A main package, so that the evaluator runs it as a binary.
    let path = "cmd/fuzz/input.go";
    let file = FileFacts {
        path: path.to_string(),
        size: src.len() as u64,
        platforms: platforms("input.go", &constraints),
        constraints,
        syntax: Some(first),
        problem: None,
    };
    let model = Model::build(vec![file], Vec::new(), &[]);
    let consts = crate::consteval::evaluate(&model);
    let sources = crate::sources::Sources::Memory([(path.to_string(), src.to_string())].into());
    let topics = crate::topics::extract(&model, &consts, &sources, &config, None);
    let _ = crate::scan::topics_json(&topics);
    // The text filters of the site.
    let _ = crate::render::markdown::doc_comment(src, 4);
    let _ = crate::render::markdown::escape_text(src);
    let _ = crate::render::markdown::code_span(src);
    let _ = crate::render::markdown::code_block(src, "go");
}

fn encode(syntax: &FileSyntax) -> Vec<u8> {
    bincode::serialize(syntax).expect("a lowered file encodes")
}

/// Lowering `new` reparsed from `old`'s tree, reusing `old`'s unchanged declarations, is lowering it from scratch.
fn reparse_agrees(old: &str, new: &str, query: &BodyQuery) {
    let old_tree = parse(old);
    let (old_syntax, old_index) = lower_revision(&old_tree, old, query, None);
    let incremental = reparse(&old_tree, old, new);
    let previous = Previous {
        src: old,
        syntax: &old_syntax,
        index: &old_index,
    };
    let (reused, _) = lower_revision(&incremental, new, query, Some(previous));
    let scratch = lower_file(&parse(new), new, query);
    assert_eq!(
        encode(&reused),
        encode(&scratch),
        "reparsing from the old revision differs from parsing anew"
    );
}
