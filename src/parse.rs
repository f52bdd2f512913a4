//! tree-sitter-go, one parser per thread.

use std::cell::RefCell;

use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(new_parser());
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_go::LANGUAGE.into())
        .expect("the bundled tree-sitter-go grammar matches the tree-sitter runtime");
    parser
}

/// Parses Go source. tree-sitter always returns a tree (errors become ERROR nodes) unless it is cancelled, which
/// kubewalk never does.
pub fn parse(src: &str) -> Tree {
    PARSER.with(|parser| {
        parser
            .borrow_mut()
            .parse(src, None)
            .expect("parsing without a timeout or cancellation flag always yields a tree")
    })
}
