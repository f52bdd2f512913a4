//! tree-sitter-go, one parser per thread.

use std::cell::RefCell;

use tree_sitter::{InputEdit, Parser, Point, Tree};

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

/// Parses Go source but for the bytes of `gaps` (`skim::skim`): each skipped body reads as `{}`, at the lines
/// and columns it has in `src`.
pub fn parse_skipping(src: &str, gaps: &[crate::skim::Gap]) -> Tree {
    if gaps.is_empty() {
        return parse(src);
    }
    let point = |(row, column): (usize, usize)| Point::new(row, column);
    let mut ranges = Vec::with_capacity(gaps.len() + 1);
    let (mut start_byte, mut start_point) = (0, Point::new(0, 0));
    for gap in gaps {
        ranges.push(tree_sitter::Range {
            start_byte,
            end_byte: gap.start,
            start_point,
            end_point: point(gap.start_point),
        });
        (start_byte, start_point) = (gap.end, point(gap.end_point));
    }
    // The last range runs to the end of any text, as tree-sitter's default range does.
    ranges.push(tree_sitter::Range {
        start_byte,
        end_byte: u32::MAX as usize,
        start_point,
        end_point: Point::new(u32::MAX as usize, u32::MAX as usize),
    });
    PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser
            .set_included_ranges(&ranges)
            .expect("the gaps of a skim are in order and apart");
        let tree = parser.parse(src, None);
        parser.set_included_ranges(&[]).expect("no ranges is the whole text");
        tree.expect("parsing without a timeout or cancellation flag always yields a tree")
    })
}

/// Parses `src`, skipping the function bodies `interest` does not want (`skim`); whether any was skipped. A file
/// whose skim finds a token that could not be Go, or whose skipping parse has an error, is parsed in full, so
/// that its syntax errors are the full parse's.
pub fn parse_lazily(src: &str, interest: &crate::skim::Interest) -> (Tree, bool) {
    let skimmed = crate::skim::skim(src.as_bytes(), interest);
    if skimmed.suspect || skimmed.gaps.is_empty() {
        return (parse(src), false);
    }
    let tree = parse_skipping(src, &skimmed.gaps);
    if tree.root_node().has_error() {
        return (parse(src), false);
    }
    (tree, true)
}

/// Parses a file's declarations: every function body reads as `{}` (`parse_lazily`).
pub fn parse_declarations(src: &str) -> Tree {
    parse_lazily(src, &crate::skim::Interest::none()).0
}

/// Parses `new`, the same file as `old` in another revision of the tree, reusing the parts of `old_tree` that lie
/// in lines the two share: tree-sitter's incremental parsing, told which lines changed by a histogram line diff.
/// A result with a syntax error is parsed again from scratch, so no error is ever an artefact of the reuse.
pub fn reparse(old_tree: &Tree, old: &str, new: &str) -> Tree {
    let input = imara_diff::InternedInput::new(old, new);
    let diff = imara_diff::Diff::compute(imara_diff::Algorithm::Histogram, &input);
    let (old_lines, new_lines) = (LineStarts::of(old), LineStarts::of(new));
    let mut tree = old_tree.clone();
    let hunks: Vec<imara_diff::Hunk> = diff.hunks().collect();
    // From the last change to the first: the text before a change is still the old text when it is applied.
    for hunk in hunks.iter().rev() {
        let (start, start_point) = old_lines.position(hunk.before.start);
        let (old_end, old_end_point) = old_lines.position(hunk.before.end);
        let inserted = &new[new_lines.position(hunk.after.start).0..new_lines.position(hunk.after.end).0];
        tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: start + inserted.len(),
            start_position: start_point,
            old_end_position: old_end_point,
            new_end_position: advance(start_point, inserted),
        });
    }
    let reparsed = PARSER.with(|parser| {
        parser
            .borrow_mut()
            .parse(new, Some(&tree))
            .expect("parsing without a timeout or cancellation flag always yields a tree")
    });
    if reparsed.root_node().has_error() {
        return parse(new);
    }
    reparsed
}

/// The byte offset where each line of a text starts (a final line without a newline included).
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn of(text: &'t str) -> LineStarts<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts { text, starts }
    }

    /// The byte offset and point where line `line` starts; past the last line, the end of the text.
    fn position(&self, line: u32) -> (usize, Point) {
        match self.starts.get(line as usize) {
            Some(&byte) => (byte, Point::new(line as usize, 0)),
            None => {
                let last = self.starts.len() - 1;
                (self.text.len(), Point::new(last, self.text.len() - self.starts[last]))
            }
        }
    }
}

/// The point reached from `at` after `text`.
fn advance(at: Point, text: &str) -> Point {
    match text.rfind('\n') {
        None => Point::new(at.row, at.column + text.len()),
        Some(last) => Point::new(at.row + text.matches('\n').count(), text.len() - last - 1),
    }
}
