//! A skim of a Go file's tokens before it is parsed: where the bodies of its top-level functions and methods lie,
//! which of them some topic may read, and whether every token could be Go.
//!
//! Three fifths of a Kubernetes tree's bytes are such bodies, and the topics read few of them, so the parser is
//! given only the rest (`parse::parse_skipping`). A body is skipped only when the lowering would keep nothing of
//! it: no name of the body query (`Interest`) is used in it in the shape the query keeps (`fs.String(a, b, c)` is
//! a call of `String` with three arguments, `s.String()` is not), none is in its declaration (name, receiver,
//! parameters, results), and the file is not `package main`, whose bodies keep every call. So a file's facts are
//! those of a full parse; `scan --parse check` compares the two.
//!
//! A syntax error inside a skipped body is not seen by the parser. The skim looks for the errors that tokens
//! alone show, and a file with any is parsed in full, so tree-sitter reports it where it always did: brackets
//! that do not match; strings, runes and comments left open; bytes that start no Go token; and pairs of tokens no
//! Go program has, an operator with two operands after another such operator or before `)`, `]`, `}`, `,`, `;`
//! or `{`, or after `(`, `[`, `{`, `,` (`x := ;`, `== ==`, `f(a, == b)`, the lines of a merge conflict). An
//! error that only a grammar sees (`} else else {`) in a body no topic reads goes unreported; `--parse full`
//! finds it.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::lower::BodyQuery;

/// The names that make a body worth parsing, from the topics' body query.
#[derive(Debug, Default)]
pub struct Interest {
    /// Names among a body's identifiers, each with the shape in which the query keeps it.
    in_body: HashMap<Box<[u8]>, Shape, BuildHasherDefault<Fnv>>,
    /// Any of these in a declaration before its body: functions whose returns, switches or index assignments are
    /// kept, constructors of queried types, receivers whose field uses are kept.
    in_header: HashSet<Box<[u8]>, BuildHasherDefault<Fnv>>,
    /// Every body of `package main` is wanted: there the lowering keeps every call.
    all_of_main: bool,
}

/// How a body must use a name for the lowering to keep something: `fs.String(name, value, usage)` is kept for
/// `String` with three arguments, and `s.String()` is not, so only the first makes the body wanted.
#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    /// Anywhere: a variable whose literal is kept, or a type named in `element_types`.
    anywhere: bool,
    /// Called with at least this many arguments (a comment among them counts, as tree-sitter counts it).
    call: Option<usize>,
    /// Followed by `{` or `[`: the type of a composite literal, perhaps generic.
    literal: bool,
}

impl Interest {
    /// No body is wanted: the declarations alone.
    pub fn none() -> Interest {
        Interest::default()
    }

    pub fn of(query: &BodyQuery) -> Interest {
        let mut interest = Interest {
            all_of_main: true,
            ..Interest::default()
        };
        let body = &mut interest.in_body;
        fn shape<'b>(body: &'b mut HashMap<Box<[u8]>, Shape, BuildHasherDefault<Fnv>>, name: &str) -> &'b mut Shape {
            body.entry(name.as_bytes().into()).or_default()
        }
        for (name, &min_args) in &query.calls {
            let call = &mut shape(body, name).call;
            *call = Some(call.map_or(min_args, |m| m.min(min_args)));
        }
        for name in &query.literal_types {
            shape(body, name).literal = true;
        }
        for (container, element) in &query.element_types {
            shape(body, container).anywhere = true;
            shape(body, element).anywhere = true;
        }
        for name in &query.list_vars {
            shape(body, name).anywhere = true;
        }
        for name in query
            .returns_of
            .iter()
            .chain(&query.switches_of)
            .chain(&query.index_assignments_of)
            .chain(&query.literal_types)
            .chain(&query.returns_for_results)
            .chain(&query.receivers_of)
        {
            interest.in_header.insert(name.as_bytes().into());
        }
        interest
    }
}

/// FNV-1a: identifiers are short, and SipHash's set-up would cost more than the look-up.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The bytes between the braces of a body the parser skips, with where they start and end as (row, column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub start: usize,
    pub end: usize,
    pub start_point: (usize, usize),
    pub end_point: (usize, usize),
}

/// What the skim found: the bodies to skip, in order; none when the file is to be parsed in full.
#[derive(Debug, Default)]
pub struct Skim {
    pub gaps: Vec<Gap>,
    /// Some token could not be Go: parse in full, so that the parser reports the error.
    pub suspect: bool,
}

/// How a token takes part in the checks: the class of the token before decides whether a pair is possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// The start of the file.
    None,
    /// A token after which a newline ends the statement: an identifier, a literal, `break`, `continue`,
    /// `fallthrough`, `return`, `++`, `--`, `)`, `]`, `}`.
    Ends,
    /// An operator that needs an operand on both sides: `==`, `=`, `:=`, `+=`, `<<`, `&&`, `|`, `/`, ...
    Binary,
    /// `(`, `[`, `{`.
    Open,
    Comma,
    Semicolon,
    /// Keywords, `.`, `:`, `...`, and operators that may also be unary (`+ - ! ^ * & <- ~`).
    Other,
}

/// The keywords that change how the next token is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    None,
    Struct,
    Interface,
    /// The next name is the package's.
    Package,
    Other,
}

/// Where the skim is in the file's top-level declarations.
enum State {
    /// Between declarations, or in one that is not a function.
    Top,
    /// In a function declaration before its body, from its `func`; whether a name there is of interest.
    Header { wanted: bool },
    /// In a body whose `{` is at `open`, at `open_point`.
    Body {
        open: usize,
        open_point: (usize, usize),
        wanted: bool,
    },
}

/// Skims `src`. The gaps are the bodies no topic wants, each with at least one byte between its braces.
pub fn skim(src: &[u8], interest: &Interest) -> Skim {
    let mut s = Skimmer {
        src,
        interest,
        i: 0,
        row: 0,
        row_start: 0,
        brackets: Vec::new(),
        last: Class::None,
        last_keyword: Keyword::None,
        after_name: None,
        counts: Vec::new(),
        decl_start: true,
        state: State::Top,
        main: false,
        bad: false,
        gaps: Vec::new(),
    };
    match s.run() {
        Some(()) => Skim {
            gaps: s.gaps,
            suspect: false,
        },
        None => Skim {
            gaps: Vec::new(),
            suspect: true,
        },
    }
}

struct Skimmer<'s> {
    src: &'s [u8],
    interest: &'s Interest,
    i: usize,
    row: usize,
    row_start: usize,
    /// The open brackets, innermost last.
    brackets: Vec<u8>,
    last: Class,
    /// The last token when it was a keyword (`struct` and `interface` are followed by a type's braces).
    last_keyword: Keyword,
    /// The last token was a name of interest in a body, which the next token may make a call or a literal.
    after_name: Option<Shape>,
    /// The calls whose arguments are being counted, innermost last.
    counts: Vec<Count>,
    /// The next token at the top level starts a declaration.
    decl_start: bool,
    state: State,
    /// The file is `package main`, whose bodies keep every call: none is skipped.
    main: bool,
    /// A pair of tokens no Go program has.
    bad: bool,
    gaps: Vec<Gap>,
}

/// The class of a keyword, `None` for a name that is none: `break`, `continue`, `fallthrough` and `return` end a
/// statement at a newline, the others do not.
fn keyword(word: &[u8]) -> Option<Class> {
    if !word[0].is_ascii_lowercase() || word.len() > 11 {
        return None;
    }
    Some(match word {
        b"break" | b"continue" | b"fallthrough" | b"return" => Class::Ends,
        b"case" | b"chan" | b"const" | b"default" | b"defer" | b"else" | b"for" | b"func" | b"go" | b"goto" | b"if"
        | b"import" | b"interface" | b"map" | b"package" | b"range" | b"select" | b"struct" | b"switch" | b"type"
        | b"var" => Class::Other,
        _ => return None,
    })
}

/// A call of a name the query keeps with `need` arguments or more, whose arguments are being counted.
struct Count {
    /// `brackets.len()` inside its parentheses.
    depth: usize,
    need: usize,
    args: usize,
    /// A token of an argument after the last comma.
    in_arg: bool,
}

impl Skimmer<'_> {
    /// `None` as soon as something could not be Go.
    fn run(&mut self) -> Option<()> {
        let src = self.src;
        while self.i < src.len() && !self.main {
            let b = src[self.i];
            match b {
                b'\n' => {
                    self.newline();
                    self.i += 1;
                    self.row += 1;
                    self.row_start = self.i;
                }
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'/' if src.get(self.i + 1) == Some(&b'/') => {
                    self.comment();
                    self.i = memchr(b'\n', src, self.i).unwrap_or(src.len());
                }
                b'/' if src.get(self.i + 1) == Some(&b'*') => {
                    self.comment();
                    let end = find(b"*/", src, self.i + 2)?;
                    let rows = self.count_rows(self.i + 2, end);
                    self.i = end + 2;
                    if rows {
                        // A comment across lines ends a statement as a newline does.
                        self.newline();
                    }
                }
                b'"' => {
                    let end = self.quoted(b'"')?;
                    self.token(Class::Ends);
                    self.i = end;
                }
                b'\'' => {
                    let end = self.quoted(b'\'')?;
                    self.token(Class::Ends);
                    self.i = end;
                }
                b'`' => {
                    let end = memchr(b'`', src, self.i + 1)?;
                    self.count_rows(self.i + 1, end);
                    self.token(Class::Ends);
                    self.i = end + 1;
                }
                b'0'..=b'9' => {
                    let end = self.number(self.i);
                    self.token(Class::Ends);
                    self.i = end;
                }
                b'.' if src.get(self.i + 1).is_some_and(u8::is_ascii_digit) => {
                    let end = self.number(self.i);
                    self.token(Class::Ends);
                    self.i = end;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' | 0x80..=0xff => self.word()?,
                b'(' | b'[' | b'{' => {
                    self.open(b)?;
                    self.i += 1;
                }
                b')' | b']' | b'}' => {
                    self.close(b)?;
                    self.i += 1;
                }
                _ => self.operator()?,
            }
        }
        if self.main {
            self.gaps.clear();
            return Some(());
        }
        self.newline();
        (self.brackets.is_empty() && !self.bad).then_some(())
    }

    /// A newline, or what counts as one: ends the statement after a token that can end one.
    fn newline(&mut self) {
        if self.last == Class::Ends {
            self.semicolon();
        }
    }

    /// The rows from `start` to `end`; whether there were any.
    fn count_rows(&mut self, start: usize, end: usize) -> bool {
        let mut any = false;
        for (k, &b) in self.src[start..end].iter().enumerate() {
            if b == b'\n' {
                self.row += 1;
                self.row_start = start + k + 1;
                any = true;
            }
        }
        any
    }

    /// The end of a string or rune literal opened at `self.i` with `quote`; `None` if a line ends first.
    fn quoted(&self, quote: u8) -> Option<usize> {
        let src = self.src;
        let mut j = self.i + 1;
        while j < src.len() {
            match src[j] {
                b'\\' => j += 2,
                b'\n' => return None,
                c if c == quote => return Some(j + 1),
                _ => j += 1,
            }
        }
        None
    }

    /// The end of a number starting at `start`: digits, letters (`0x`, `e`, `i`), `_`, `.`, and a sign after an
    /// exponent's letter.
    fn number(&self, start: usize) -> usize {
        let src = self.src;
        let hex = src[start..].starts_with(b"0x") || src[start..].starts_with(b"0X");
        let mut j = start + 1;
        while j < src.len() {
            let c = src[j];
            let exponent = if hex { b"pP" } else { b"eE" };
            let sign = (c == b'+' || c == b'-') && exponent.contains(&src[j - 1]);
            if !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign) {
                break;
            }
            j += 1;
        }
        j
    }

    /// An identifier or keyword.
    fn word(&mut self) -> Option<()> {
        let src = self.src;
        let start = self.i;
        let mut j = start;
        while j < src.len() {
            let c = src[j];
            if c.is_ascii_alphanumeric() || c == b'_' {
                j += 1;
            } else if c >= 0x80 {
                // A letter or digit outside ASCII is part of a name; any other such character is no Go token.
                let rest = std::str::from_utf8(&src[j..(j + 4).min(src.len())])
                    .or_else(|e| std::str::from_utf8(&src[j..j + e.valid_up_to()]))
                    .ok()?;
                let ch = rest.chars().next()?;
                if !ch.is_alphanumeric() {
                    return None;
                }
                j += ch.len_utf8();
            } else {
                break;
            }
        }
        if j == start {
            return None;
        }
        let word = &src[start..j];
        self.i = j;
        if let Some(class) = keyword(word) {
            let at_decl = self.decl_start && self.brackets.is_empty();
            self.token(class);
            self.last_keyword = match word {
                b"struct" => Keyword::Struct,
                b"interface" => Keyword::Interface,
                b"package" => Keyword::Package,
                _ => Keyword::Other,
            };
            if word == b"func" && at_decl && matches!(self.state, State::Top) {
                self.state = State::Header { wanted: false };
            }
            return Some(());
        }
        let after_package = self.last_keyword == Keyword::Package;
        self.token(Class::Ends);
        if after_package && word == b"main" && self.interest.all_of_main {
            self.main = true;
        }
        match &mut self.state {
            State::Header { wanted } => *wanted = *wanted || self.interest.in_header.contains(word),
            State::Body { wanted: false, .. } => {
                if let Some(&shape) = self.interest.in_body.get(word) {
                    if shape.anywhere {
                        self.want();
                    } else {
                        self.after_name = Some(shape);
                    }
                }
            }
            _ => {}
        }
        Some(())
    }

    /// tree-sitter counts a comment among a call's arguments: a call whose arguments are being counted is taken
    /// to have enough.
    fn comment(&mut self) {
        if !self.counts.is_empty() {
            self.want();
        }
    }

    /// The body being skimmed is wanted.
    fn want(&mut self) {
        if let State::Body { wanted, .. } = &mut self.state {
            *wanted = true;
        }
        self.counts.clear();
    }

    fn open(&mut self, b: u8) -> Option<()> {
        let after_type_keyword = matches!(self.last_keyword, Keyword::Struct | Keyword::Interface);
        let after_name = self.after_name.take();
        // No expression starts with `{`: `x == {` is not Go.
        if b == b'{' && self.last == Class::Binary {
            return None;
        }
        self.token(Class::Open);
        if b == b'{' && self.brackets.is_empty() {
            if let State::Header { wanted } = self.state {
                if !after_type_keyword {
                    self.state = State::Body {
                        open: self.i,
                        open_point: (self.row, self.i + 1 - self.row_start),
                        wanted,
                    };
                }
            }
        }
        self.brackets.push(b);
        if let Some(shape) = after_name {
            match (b, shape.call) {
                (b'(', Some(0)) => self.want(),
                (b'(', Some(need)) => self.counts.push(Count {
                    depth: self.brackets.len(),
                    need,
                    args: 0,
                    in_arg: false,
                }),
                // `New[T](...)` calls `New`; `T{...}` and `T[int]{...}` are literals of `T`.
                (b'[', Some(_)) => self.want(),
                (b'{' | b'[', _) if shape.literal => self.want(),
                _ => {}
            }
        }
        Some(())
    }

    fn close(&mut self, b: u8) -> Option<()> {
        let open = match b {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        if self.brackets.pop()? != open || self.last == Class::Binary {
            return None;
        }
        if self.counts.last().is_some_and(|c| c.depth == self.brackets.len() + 1) {
            let count = self.counts.pop().expect("just seen");
            if count.args + usize::from(count.in_arg) >= count.need {
                self.want();
            }
        }
        self.token(Class::Ends);
        if self.brackets.is_empty() {
            if let State::Body {
                open,
                open_point,
                wanted,
            } = self.state
            {
                if !wanted && self.i > open + 1 {
                    self.gaps.push(Gap {
                        start: open + 1,
                        end: self.i,
                        start_point: open_point,
                        end_point: (self.row, self.i - self.row_start),
                    });
                }
                self.state = State::Top;
            }
        }
        Some(())
    }

    /// An operator or punctuation; `None` for a byte that starts no Go token.
    fn operator(&mut self) -> Option<()> {
        use Class::{Binary, Comma, Ends, Other, Semicolon};
        let at = |k: usize| self.src.get(self.i + k).copied().unwrap_or(0);
        let (len, class) = match (at(0), at(1), at(2)) {
            (b'<', b'<', b'=') | (b'>', b'>', b'=') | (b'&', b'^', b'=') => (3, Binary),
            (b'.', b'.', b'.') => (3, Other),
            (b'<', b'-', _) => (2, Other),
            (b'+', b'+', _) | (b'-', b'-', _) => (2, Ends),
            (b'&', b'&', _) | (b'|', b'|', _) | (b'<', b'<', _) | (b'>', b'>', _) | (b'&', b'^', _) => (2, Binary),
            (b'=' | b'!' | b'<' | b'>' | b':' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^', b'=', _) => {
                (2, Binary)
            }
            (b'+' | b'-' | b'!' | b'^' | b'*' | b'&' | b'~' | b'.' | b':', _, _) => (1, Other),
            (b'/' | b'%' | b'|' | b'<' | b'>' | b'=', _, _) => (1, Binary),
            (b',', _, _) => (1, Comma),
            (b';', _, _) => (1, Semicolon),
            _ => return None,
        };
        self.i += len;
        if matches!(class, Semicolon | Comma) && self.last == Binary {
            return None;
        }
        if class == Semicolon {
            self.semicolon();
            return Some(());
        }
        self.token(class);
        Some(())
    }

    /// The end of a statement or declaration, written or implied by a newline.
    fn semicolon(&mut self) {
        self.last = Class::Semicolon;
        if self.brackets.is_empty() {
            self.decl_start = true;
            if matches!(self.state, State::Header { .. }) {
                // A function declared without a body (implemented in assembly).
                self.state = State::Top;
            }
        }
    }

    /// A token of `class`; checks the pair it makes with the token before, and counts it into the arguments of
    /// the call it is directly in.
    fn token(&mut self, class: Class) {
        if class == Class::Binary && matches!(self.last, Class::Binary | Class::Open | Class::Comma) {
            self.bad = true;
        }
        if self.brackets.is_empty() {
            self.decl_start = false;
        }
        if let Some(count) = self.counts.last_mut().filter(|c| c.depth == self.brackets.len()) {
            if class == Class::Comma {
                count.args += usize::from(count.in_arg);
                count.in_arg = false;
            } else {
                count.in_arg = true;
            }
        }
        self.last = class;
        self.last_keyword = Keyword::None;
        self.after_name = None;
    }
}

fn memchr(byte: u8, src: &[u8], from: usize) -> Option<usize> {
    src[from..].iter().position(|&b| b == byte).map(|k| from + k)
}

fn find(needle: &[u8], src: &[u8], from: usize) -> Option<usize> {
    src.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|k| from + k)
}
