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

/// Public for `examples/highlight_check.rs`, which holds it to tree-sitter-highlight on a real site.
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
        let mut out = Html {
            html: String::with_capacity(code.len() * 3),
            open: Vec::new(),
            tags: &self.open_tags,
        };
        if let Some(tokens) = declaration::classes(code) {
            // One line, no strings: no span nests in another or crosses a line break.
            let mut offset = 0;
            for (start, end, class) in tokens {
                out.text(&code[offset..start]);
                out.html.push_str(&self.open_tags[usize::from(class)]);
                out.text(&code[start..end]);
                out.html.push_str("</span>");
                offset = end;
            }
            out.text(&code[offset..]);
            if !out.html.ends_with('\n') {
                out.html.push('\n');
            }
            return out.html;
        }
        let tree = crate::parse::parse(code);
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

/// The declarations a package page shows, `func (*T) Name(in *p.T, n int) error` and `type T struct{a int; b
/// []string}`, classed without a parse. They are one line each, printed by the scan from its model, and nearly all
/// of a site's Go: parsing v1.20.2's 20,066 took 1.4 G instructions. The classes are those of the node kinds
/// tree-sitter-go gives the tokens: a method's name is a `field_identifier`, a function's an `identifier`; a
/// parameter's name an `identifier`, and when no entry of the list has a name and a type, every entry is a type; a
/// qualifier a `package_identifier`, which has no class. Any other text is `None`, and parsed: strings, comments,
/// numbers but decimal ones, unions, expressions, operators but `*`, `...`, `<-` and `=`, a second line.
/// `examples/highlight_check.rs` compares the result with tree-sitter-highlight on every Go block of a site (on
/// v1.20.2, v1.25 and client-go: 47,664 declarations, 2 of them parsed, none different) and on every line of a
/// tree's Go that starts a `func` or `type` declaration (352,856 distinct lines of the same three trees, none
/// different once `Parser::parameter_names` was found there).
mod declaration {
    use super::{KEYWORD, OPERATOR};

    const NUMBER: u8 = 4;
    const PROPERTY: u8 = 6;
    const TYPE: u8 = 8;
    const VARIABLE: u8 = 9;

    /// The number of parameter names before one type from which the text is parsed (`Parser::parameter_names`).
    const NAMES_PARSED: usize = 10;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Tok {
        Ident,
        Int,
        /// `func`, `map`, `chan`, `struct`, `interface`, `type`.
        Keyword,
        Punct(u8),
        /// `*`, `...`, `<-`, `=`.
        Operator,
    }

    /// The tokens of `code` (start, end, kind), or `None` for a byte outside the shapes.
    fn tokens(code: &str) -> Option<Vec<(usize, usize, Tok)>> {
        let b = code.as_bytes();
        let end = if b.last() == Some(&b'\n') { b.len() - 1 } else { b.len() };
        let mut out = Vec::with_capacity(16);
        let mut i = 0;
        while i < end {
            let c = b[i];
            let start = i;
            let tok = match c {
                b' ' => {
                    i += 1;
                    continue;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    while i < end && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                    match &code[start..i] {
                        "func" | "map" | "chan" | "struct" | "interface" | "type" => Tok::Keyword,
                        "break" | "case" | "const" | "continue" | "default" | "defer" | "else" | "fallthrough"
                        | "for" | "go" | "goto" | "if" | "import" | "package" | "range" | "return" | "select"
                        | "switch" | "var" => return None,
                        _ => Tok::Ident,
                    }
                }
                b'1'..=b'9' => {
                    while i < end && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    if i < end && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                        return None;
                    }
                    Tok::Int
                }
                b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b';' => {
                    i += 1;
                    Tok::Punct(c)
                }
                b'.' if b[i..end].starts_with(b"...") => {
                    i += 3;
                    Tok::Operator
                }
                b'.' => {
                    i += 1;
                    Tok::Punct(c)
                }
                b'<' if b.get(i + 1) == Some(&b'-') => {
                    i += 2;
                    Tok::Operator
                }
                b'*' | b'=' if !matches!(b.get(i + 1), Some(b'=')) => {
                    i += 1;
                    Tok::Operator
                }
                _ => return None,
            };
            // An identifier or number runs into the next word only through a byte refused above.
            out.push((start, i, tok));
        }
        Some(out)
    }

    struct Parser<'a> {
        code: &'a str,
        toks: Vec<(usize, usize, Tok)>,
        at: usize,
        out: Vec<(usize, usize, u8)>,
    }

    /// The classed tokens of a declaration the scan prints, in order; `None` for any other text.
    pub fn classes(code: &str) -> Option<Vec<(usize, usize, u8)>> {
        let toks = tokens(code)?;
        let mut p = Parser {
            code,
            toks,
            at: 0,
            out: Vec::with_capacity(16),
        };
        if p.keyword("func") {
            if p.punct(b'(') {
                p.params()?;
                p.ident(PROPERTY)?;
            } else {
                p.ident(VARIABLE)?;
                if p.punct(b'[') {
                    p.type_parameters()?;
                }
            }
            p.expect(b'(')?;
            p.params()?;
            if !p.done() {
                p.result()?;
            }
        } else if p.keyword("type") {
            p.ident(TYPE)?;
            // `type T[P any] ...` has type parameters; `type T []E`, `type T [4]E` and `type T [N]E` do not.
            if p.peek_punct() == Some(b'[')
                && p.peek_at(1) == Some(Tok::Ident)
                && p.peek_at(2) != Some(Tok::Punct(b']'))
            {
                p.take(None);
                p.type_parameters()?;
            }
            if p.text_is("=") {
                p.operator()?;
            }
            p.ty()?;
        } else {
            return None;
        }
        p.done().then_some(p.out)
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<(usize, usize, Tok)> {
            self.toks.get(self.at).copied()
        }

        fn peek_at(&self, n: usize) -> Option<Tok> {
            self.toks.get(self.at + n).map(|t| t.2)
        }

        fn peek_punct(&self) -> Option<u8> {
            match self.peek()?.2 {
                Tok::Punct(c) => Some(c),
                _ => None,
            }
        }

        fn text_is(&self, text: &str) -> bool {
            self.peek().is_some_and(|(s, e, _)| &self.code[s..e] == text)
        }

        fn done(&self) -> bool {
            self.at == self.toks.len()
        }

        fn take(&mut self, class: Option<u8>) {
            let (s, e, _) = self.toks[self.at];
            if let Some(class) = class {
                self.out.push((s, e, class));
            }
            self.at += 1;
        }

        fn keyword(&mut self, word: &str) -> bool {
            let yes = self.peek().is_some_and(|t| t.2 == Tok::Keyword) && self.text_is(word);
            if yes {
                self.take(Some(KEYWORD));
            }
            yes
        }

        fn punct(&mut self, c: u8) -> bool {
            let yes = self.peek_punct() == Some(c);
            if yes {
                self.take(None);
            }
            yes
        }

        fn expect(&mut self, c: u8) -> Option<()> {
            self.punct(c).then_some(())
        }

        fn operator(&mut self) -> Option<()> {
            (self.peek()?.2 == Tok::Operator).then(|| self.take(Some(OPERATOR)))
        }

        fn ident(&mut self, class: u8) -> Option<()> {
            (self.peek()?.2 == Tok::Ident).then(|| self.take(Some(class)))
        }

        /// Whether token `i` can start a type.
        fn starts_type_at(&self, i: usize) -> bool {
            match self.toks.get(i) {
                Some(&(s, e, Tok::Operator)) => matches!(&self.code[s..e], "*" | "<-"),
                Some(&(s, e, Tok::Keyword)) => &self.code[s..e] != "type",
                Some(&(_, _, Tok::Ident | Tok::Punct(b'[' | b'('))) => true,
                _ => false,
            }
        }

        /// The index of the bracket that closes the one at `i`.
        fn closing(&self, i: usize) -> Option<usize> {
            let mut depth = 0usize;
            for (j, t) in self.toks.iter().enumerate().skip(i) {
                match t.2 {
                    Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                    Tok::Punct(b')' | b']' | b'}') => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j);
                        }
                    }
                    _ => {}
                }
            }
            None
        }

        /// Whether the entry of a parameter list or struct at token `i` is a name and a type (`n int`, `b
        /// []byte`, `args ...string`, `a [N]T`), rather than a type (`T`, `p.T`, `List[T]`); `end` is what may
        /// follow a whole entry (`,` or `)`, `;` or `}`).
        fn names_at(&self, i: usize, end: [u8; 2]) -> Option<bool> {
            if self.toks.get(i)?.2 != Tok::Ident {
                return Some(false);
            }
            match self.toks.get(i + 1)?.2 {
                Tok::Punct(b'[') => {
                    // `Generic[T]` ends the entry after its `]`; `name [N]T` goes on with the element type.
                    let close = self.closing(i + 1)?;
                    Some(!matches!(self.toks.get(close + 1)?.2, Tok::Punct(c) if end.contains(&c)))
                }
                Tok::Operator => Some(matches!(
                    &self.code[self.toks[i + 1].0..self.toks[i + 1].1],
                    "*" | "<-" | "..."
                )),
                _ => Some(self.starts_type_at(i + 1)),
            }
        }

        /// A parameter list after its `(`, to its `)`.
        fn params(&mut self) -> Option<()> {
            if self.punct(b')') {
                return Some(());
            }
            // Whether any entry is a name and a type: then every lone identifier is a name.
            let mut named = false;
            let (mut i, mut entry_start) = (self.at, true);
            while i < self.toks.len() {
                if entry_start {
                    named |= self.names_at(i, [b',', b')'])?;
                }
                match self.toks[i].2 {
                    Tok::Punct(b'(' | b'[' | b'{') => i = self.closing(i)?,
                    Tok::Punct(b')') => break,
                    _ => {}
                }
                entry_start = self.toks[i].2 == Tok::Punct(b',');
                i += 1;
            }
            loop {
                if named {
                    self.parameter_names()?;
                }
                if self.text_is("...") {
                    self.operator()?;
                }
                self.ty()?;
                if self.punct(b')') {
                    return Some(());
                }
                self.expect(b',')?;
                if self.punct(b')') {
                    return Some(());
                }
            }
        }

        /// A function's type parameters after their `[`, to the `]`: names (`identifier`) and constraints.
        fn type_parameters(&mut self) -> Option<()> {
            loop {
                self.parameter_names()?;
                self.ty()?;
                if self.punct(b']') {
                    return Some(());
                }
                self.expect(b',')?;
            }
        }

        /// A list of names (`a, b`) before their type; how many.
        fn names(&mut self, class: u8) -> Option<usize> {
            let mut count = 1;
            while self.peek()?.2 == Tok::Ident && self.peek_at(1) == Some(Tok::Punct(b',')) {
                self.take(Some(class));
                self.take(None);
                count += 1;
            }
            self.ident(class).map(|()| count)
        }

        /// The names of parameters before one type (`trap, a1, a2, a3, a4, a5, a6, a7, a8, a9 uintptr`), at most
        /// one fewer than `NAMES_PARSED`: from 10 on, tree-sitter-go reads the first as a type (seen on every line
        /// of v1.20.2's Go; a struct's field names are not affected), and the text is parsed so that it says so.
        fn parameter_names(&mut self) -> Option<()> {
            (self.names(VARIABLE)? < NAMES_PARSED).then_some(())
        }

        /// A function's results: a parameter list or one type.
        fn result(&mut self) -> Option<()> {
            if self.punct(b'(') {
                self.params()
            } else {
                self.ty()
            }
        }

        fn type_name(&mut self) -> Option<()> {
            if self.peek()?.2 == Tok::Ident && self.peek_at(1) == Some(Tok::Punct(b'.')) {
                // The qualifier is a `package_identifier`, which has no class.
                self.take(None);
                self.take(None);
            }
            self.ident(TYPE)?;
            if self.peek_punct() == Some(b'[') {
                self.take(None);
                loop {
                    self.ty()?;
                    if self.punct(b']') {
                        return Some(());
                    }
                    self.expect(b',')?;
                }
            }
            Some(())
        }

        fn ty(&mut self) -> Option<()> {
            let (s, e, tok) = self.peek()?;
            match (tok, &self.code[s..e]) {
                (Tok::Operator, "*") => {
                    self.take(Some(OPERATOR));
                    self.ty()
                }
                (Tok::Operator, "<-") => {
                    self.take(Some(OPERATOR));
                    self.keyword("chan").then_some(())?;
                    self.ty()
                }
                (Tok::Punct(b'['), _) => {
                    self.take(None);
                    match self.peek()?.2 {
                        Tok::Punct(b']') => {}
                        Tok::Int => self.take(Some(NUMBER)),
                        Tok::Ident if self.peek_at(1) == Some(Tok::Punct(b']')) => self.take(Some(VARIABLE)),
                        _ => return None,
                    }
                    self.expect(b']')?;
                    self.ty()
                }
                (Tok::Keyword, "map") => {
                    self.take(Some(KEYWORD));
                    self.expect(b'[')?;
                    self.ty()?;
                    self.expect(b']')?;
                    self.ty()
                }
                (Tok::Keyword, "chan") => {
                    self.take(Some(KEYWORD));
                    if self.text_is("<-") {
                        self.operator()?;
                    }
                    self.ty()
                }
                (Tok::Keyword, "func") => {
                    self.take(Some(KEYWORD));
                    self.expect(b'(')?;
                    self.params()?;
                    if self.starts_type_at(self.at) {
                        self.result()?;
                    }
                    Some(())
                }
                (Tok::Keyword, "struct") => {
                    self.take(Some(KEYWORD));
                    self.expect(b'{')?;
                    self.fields()
                }
                (Tok::Keyword, "interface") => {
                    self.take(Some(KEYWORD));
                    self.expect(b'{')?;
                    self.elements()
                }
                (Tok::Ident, _) => self.type_name(),
                _ => None,
            }
        }

        /// A struct's fields after its `{`, to its `}`: names (`field_identifier`) and a type, or an embedded type.
        fn fields(&mut self) -> Option<()> {
            loop {
                if self.punct(b'}') {
                    return Some(());
                }
                if self.peek_at(1) == Some(Tok::Punct(b',')) || self.names_at(self.at, [b';', b'}'])? {
                    self.names(PROPERTY)?;
                    self.ty()?;
                } else {
                    // An embedded field.
                    if self.text_is("*") {
                        self.operator()?;
                    }
                    self.type_name()?;
                }
                if !self.punct(b';') {
                    return self.expect(b'}');
                }
            }
        }

        /// An interface's elements after its `{`, to its `}`: methods (`field_identifier` and a signature) and
        /// embedded types.
        fn elements(&mut self) -> Option<()> {
            loop {
                if self.punct(b'}') {
                    return Some(());
                }
                if self.peek()?.2 == Tok::Ident && self.peek_at(1) == Some(Tok::Punct(b'(')) {
                    self.take(Some(PROPERTY));
                    self.take(None);
                    self.params()?;
                    if self.starts_type_at(self.at) {
                        self.result()?;
                    }
                } else {
                    self.type_name()?;
                }
                if !self.punct(b';') {
                    return self.expect(b'}');
                }
            }
        }
    }
}

impl Default for GoHighlighter {
    fn default() -> GoHighlighter {
        GoHighlighter::new()
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
#[path = "highlight_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::reference::Reference;
    use super::*;

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
        let mut reference = Reference::new();
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
            assert_eq!(ours.highlight(code), reference.html(code), "{code:?}");
        }
        // The declarations of package pages, classed without a parse, and shapes near them that are parsed.
        let declarations = [
            "func (*T) String() string\n",
            "func (r *T) M(a, b int, c ...string) (n int, err error)\n",
            "func F(int, p.T, ...any) error\n",
            "func F(a, b)\n",
            "func Syscall6(trap, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2 uintptr, err syscall.Errno)\n",
            "type T struct{a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 int}\n",
            "func F(dAtA []byte, m map[string][]*p.T, ch <-chan struct{}, out chan<- int, c chan int) [4]byte\n",
            "func F(f func(int) error, g func()) func(...any) (x int)\n",
            "func (List[T]) Len(xs [N]T, ys [2]T, l List[T], g p.G[K, V]) int\n",
            "func Map[K comparable, V any](m map[K]V) []K\n",
            "type T struct{a, b int; *p.Embedded; Other; List[T]; f func(); n [3]byte; s []T}\n",
            "type I interface{io.Reader; Read(p []byte) (n int, err error); Close() error}\n",
            "type A = p.B\n",
            "type S []*p.T\n",
            "type Q[T comparable] interface{Push(item T); Pop() (item T)}\n",
            "type E struct{}",
        ];
        let parsed = [
            "type X struct{a [n + 4]byte}\n",
            "type X struct{a int `json:\"a\"`}\n",
            "type C interface{~int | string}\n",
            "func f() {\n",
            "func (\n",
            "func f(a int\n",
            "func f() int\nfunc g()\n",
            "func Syscall9(trap, a1, a2, a3, a4, a5, a6, a7, a8, a9 uintptr) (r1, r2 uintptr, err syscall.Errno)\n",
            "func f() (r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 int)\n",
            "var x = 1\n",
        ];
        for code in declarations.iter().chain(&parsed) {
            assert_eq!(ours.highlight(code), reference.html(code), "{code:?}");
        }
        for code in declarations {
            assert!(
                declaration::classes(code).is_some(),
                "not classed without a parse: {code:?}"
            );
        }
        for code in parsed {
            assert!(
                declaration::classes(code).is_none(),
                "classed without a parse: {code:?}"
            );
        }
    }
}
