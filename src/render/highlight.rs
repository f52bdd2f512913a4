//! Go excerpts highlighted as tree-sitter-highlight highlights them with tree-sitter-go's `highlights.scm` and
//! renders them with its `HtmlRenderer`, byte for byte, without running the query.
//!
//! Running the query cost more than parsing: on v1.20.2's site, 2.75 G instructions for 20,066 one-line excerpts
//! (1.5 MB), of which the parse took 1.4 G and the query's captures and the renderer most of the rest. With
//! tree-sitter-highlight, when several of the query's patterns capture one node the last one wins, so every
//! pattern of the query comes down to the kind of the node: an `identifier` is `variable` even where it is called
//! (`function` never shows), a `field_identifier` is `property`. `tests::same_as_tree_sitter_highlight` holds the
//! table below to tree-sitter-highlight over every line of the fixtures, broken fragments included, so a new
//! tree-sitter-go whose query says otherwise fails it.

use tree_sitter::Language;

/// The classes, in the order of `CLASS_OF` entries' indices.
const CLASSES: [&str; 10] = [
    "comment",
    "constant.builtin",
    "escape",
    "keyword",
    "number",
    "operator",
    "property",
    "string",
    "type",
    "variable",
];

/// Named node kinds and the class (index in `CLASSES`) the query gives them.
const NAMED: &[(&str, u8)] = &[
    ("comment", 0),
    ("true", 1),
    ("false", 1),
    ("nil", 1),
    ("iota", 1),
    ("escape_sequence", 2),
    ("int_literal", 4),
    ("float_literal", 4),
    ("imaginary_literal", 4),
    ("field_identifier", 6),
    ("interpreted_string_literal", 7),
    ("raw_string_literal", 7),
    ("rune_literal", 7),
    ("type_identifier", 8),
    ("identifier", 9),
];

/// Anonymous tokens the query calls operators (`&^` and `&^=` are not among them).
const OPERATORS: &[&str] = &[
    "--", "-", "-=", ":=", "!", "!=", "...", "*", "*=", "/", "/=", "&", "&&", "&=", "%", "%=", "^", "^=", "+", "++",
    "+=", "<-", "<", "<<", "<<=", "<=", "=", "==", ">", ">=", ">>", ">>=", "|", "|=", "||", "~",
];

/// Anonymous tokens the query calls keywords.
const KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

const OPERATOR: u8 = 5;
const KEYWORD: u8 = 3;

pub struct GoHighlighter {
    /// By node kind id: the index in `CLASSES` of the kind's class, if the query captures the kind.
    class_of: Vec<Option<u8>>,
    /// `<span class="hl-keyword">`, ... by index in `CLASSES`.
    open_tags: Vec<String>,
}

impl GoHighlighter {
    pub fn new() -> GoHighlighter {
        let language: Language = tree_sitter_go::LANGUAGE.into();
        let class_of = (0..language.node_kind_count() as u16)
            .map(|id| {
                let kind = language.node_kind_for_id(id)?;
                if language.node_kind_is_named(id) {
                    NAMED.iter().find(|(k, _)| *k == kind).map(|&(_, c)| c)
                } else if OPERATORS.contains(&kind) {
                    Some(OPERATOR)
                } else if KEYWORDS.contains(&kind) {
                    Some(KEYWORD)
                } else {
                    None
                }
            })
            .collect();
        let open_tags = CLASSES
            .iter()
            .map(|n| format!("<span class=\"hl-{}\">", n.replace('.', "-")))
            .collect();
        GoHighlighter { class_of, open_tags }
    }

    fn class(&self, kind: u16) -> Option<u8> {
        self.class_of.get(usize::from(kind)).copied().flatten()
    }

    /// The HTML of `code`: its text escaped, each captured node in a `<span>`, spans closed and opened again
    /// around line breaks, carriage returns dropped, and a line break at the end.
    pub fn highlight(&self, code: &str) -> String {
        let tree = crate::parse::parse(code);
        let mut out = Html {
            html: String::with_capacity(code.len() * 3),
            open: Vec::new(),
            tags: &self.open_tags,
        };
        let mut offset = 0;
        let mut cursor = tree.walk();
        // The captured nodes in the order the query yields them (a node before those inside it), each span ended
        // when the next capture starts at or after its end, as tree-sitter-highlight ends them.
        'walk: loop {
            let node = cursor.node();
            if let Some(class) = self.class(node.kind_id()) {
                let (start, end) = (node.start_byte(), node.end_byte());
                offset = out.end_spans_before(code, offset, start);
                out.text(&code[offset..start.max(offset)]);
                offset = offset.max(start);
                out.start(class, end);
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        offset = out.end_spans_before(code, offset, usize::MAX);
        out.text(&code[offset..]);
        if !out.html.ends_with('\n') {
            out.html.push('\n');
        }
        out.html
    }
}

/// The HTML being written and the spans open in it: each one's class and the byte its node ends at.
struct Html<'a> {
    html: String,
    open: Vec<(u8, usize)>,
    tags: &'a [String],
}

impl Html<'_> {
    fn start(&mut self, class: u8, end: usize) {
        self.html.push_str(&self.tags[usize::from(class)]);
        self.open.push((class, end));
    }

    /// Ends the open spans whose nodes end at or before `at`, writing the text up to each end; the offset of the
    /// text written so far.
    fn end_spans_before(&mut self, code: &str, mut offset: usize, at: usize) -> usize {
        while let Some(&(_, end)) = self.open.last() {
            if end > at {
                break;
            }
            if end > offset {
                self.text(&code[offset..end]);
                offset = end;
            }
            self.open.pop();
            self.html.push_str("</span>");
        }
        offset
    }

    /// Source text, escaped as `HtmlRenderer` escapes it.
    fn text(&mut self, text: &str) {
        let mut rest = text;
        while let Some(i) = rest
            .bytes()
            .position(|b| matches!(b, b'<' | b'>' | b'&' | b'\'' | b'"' | b'\n' | b'\r'))
        {
            self.html.push_str(&rest[..i]);
            match rest.as_bytes()[i] {
                b'<' => self.html.push_str("&lt;"),
                b'>' => self.html.push_str("&gt;"),
                b'&' => self.html.push_str("&amp;"),
                b'\'' => self.html.push_str("&#39;"),
                b'"' => self.html.push_str("&quot;"),
                b'\n' => {
                    for _ in &self.open {
                        self.html.push_str("</span>");
                    }
                    self.html.push('\n');
                    for &(class, _) in &self.open {
                        self.html.push_str(&self.tags[usize::from(class)]);
                    }
                }
                // A lone carriage return is not rendered, nor is one before a line feed.
                _ => {}
            }
            rest = &rest[i + 1..];
        }
        self.html.push_str(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

    /// tree-sitter-highlight's rendering of `code` with tree-sitter-go's own query, as the site rendered it.
    fn reference(config: &HighlightConfiguration, classes: &[String], code: &str) -> String {
        let mut highlighter = Highlighter::new();
        let events = highlighter
            .highlight(config, code.as_bytes(), None, None, |_| None)
            .expect("highlighting does not fail");
        let mut renderer = HtmlRenderer::new();
        renderer
            .render(events, code.as_bytes(), &|h, out: &mut Vec<u8>| {
                out.extend_from_slice(classes[h.0].as_bytes())
            })
            .expect("rendering does not fail");
        renderer.lines().collect()
    }

    fn go_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a fixture folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                go_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "go") {
                out.push(path);
            }
        }
    }

    #[test]
    fn same_as_tree_sitter_highlight() {
        let mut config = HighlightConfiguration::new(
            tree_sitter_go::LANGUAGE.into(),
            "go",
            tree_sitter_go::HIGHLIGHTS_QUERY,
            "",
            "",
        )
        .expect("the Go query compiles");
        // Every capture of the query gets a class, those `GoHighlighter` never writes (`function`, ...) included.
        let names: Vec<String> = config.names().iter().map(|n| n.to_string()).collect();
        config.configure(&names);
        let classes: Vec<String> = names
            .iter()
            .map(|n| format!("class=\"hl-{}\"", n.replace('.', "-")))
            .collect();
        assert!(names.iter().any(|n| n == "function.method"), "{names:?}");
        let ours = GoHighlighter::new();
        let mut files = Vec::new();
        go_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut files,
        );
        files.sort();
        let mut texts: Vec<String> = vec![
            // Escapes in strings and runes, every literal, a comment, carriage returns, a span across lines.
            "var s, r = \"a\\tb\\\"<&>'\", '\\n' // c\r\n".to_string(),
            "x := []int{1, 0x2, 3.5, 4i} &^ y; z &^= 1; v := !true || nil == iota\n".to_string(),
            "s := `raw\nstring`\r\nt := 'a'\r".to_string(),
            "func (r *T) M(ch <-chan struct{}, f func(...any) error) (map[string]T, error)\n".to_string(),
            // Broken fragments: error recovery, missing tokens.
            "func (".to_string(),
            "if x := f(; x > {\n".to_string(),
            "type T struct{a int; b".to_string(),
            String::new(),
        ];
        for file in &files {
            // A fixture of invalid UTF-8 is read as the site reads a page's text.
            let text = String::from_utf8_lossy(&std::fs::read(file).expect("a fixture file")).into_owned();
            texts.extend(text.lines().map(|l| format!("{l}\n")));
            texts.push(text);
        }
        assert!(texts.len() > 1_000, "{} texts", texts.len());
        for code in &texts {
            assert_eq!(ours.highlight(code), reference(&config, &classes, code), "{code:?}");
        }
    }
}
