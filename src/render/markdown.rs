//! Text from a source tree on its way into Markdown: escaped so that it reads as text, never as markup. Every
//! template value goes through `escape_text` unless a filter here formats it (`code_span`, `code_block`,
//! `doc_comment`, `url`); those return Markdown that kubewalk wrote, which is the only markup a page holds.
//!
//! Go doc comments are rendered by Go's own rules (`go/doc/comment`, Go 1.19): paragraphs, `# Headings` and
//! old-style headings, lists, code blocks, `[text]: URL` link definitions and bare URLs.

/// Inline text: one line (a line break would end a table row or start a block), every character that Markdown
/// or HTML would read as syntax escaped with a backslash, which CommonMark turns back into the character.
pub fn escape_text(text: &str) -> String {
    escape_line_start(escape_span(text.trim()))
}

/// Escapes the characters of a run of text, wherever it stands in a line.
fn escape_span(text: &str) -> String {
    // The characters below are ASCII: the text between them is copied as it is. Most values a template writes
    // (names, types, counts) hold none of them. A `matches!`, not `b"...".contains(b)`: that is a `memchr` call a
    // byte, 0.5 G instructions of v1.20.2's site.
    let special = |b: u8| {
        matches!(
            b,
            b'\r' | b'\n' | b'\\' | b'`' | b'*' | b'[' | b']' | b'<' | b'>' | b'&' | b'|' | b'~' | b'_' | b'#'
        )
    };
    let mut out = String::with_capacity(text.len() + 8);
    let mut from = 0;
    for (i, &b) in text.as_bytes().iter().enumerate().filter(|(_, &b)| special(b)) {
        out.push_str(&text[from..i]);
        from = i + 1;
        let prev = text[..i].chars().next_back();
        let next = text[i + 1..].chars().next();
        match b {
            b'\r' if next == Some('\n') => {}
            b'\n' | b'\r' => out.push(' '),
            // `snake_case` is not emphasis: an underscore between two alphanumerics stays as it is.
            b'_' if prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric) => out.push('_'),
            b'_' => out.push_str("\\_"),
            // A heading at the start of a line, or its closing sequence after a space.
            b'#' if prev.is_none_or(char::is_whitespace) => out.push_str("\\#"),
            b'#' => out.push('#'),
            _ => {
                out.push('\\');
                out.push(char::from(b));
            }
        }
    }
    out.push_str(&text[from..]);
    out
}

/// What would start a list, a quote or a setext underline at the start of a line.
fn escape_line_start(text: String) -> String {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(text[digits..].chars().next(), Some('.') | Some(')')) {
        return format!("{}\\{}", &text[..digits], &text[digits..]);
    }
    match text.chars().next() {
        Some('-' | '+' | '=') => format!("\\{text}"),
        _ => text,
    }
}

/// Inline code. Backtick code spans where they can be; a code span cannot hold a `|` inside a table, nor be
/// empty, so those are written as `<code>` with the text escaped for HTML.
pub fn code_span(text: &str) -> String {
    // The common case, one pass over a short name or type: no line break, no `|` or backtick, not blank.
    let plain = |b: &u8| !matches!(b, b'\n' | b'\r' | b'|' | b'`');
    if text.as_bytes().iter().all(plain) && !text.trim().is_empty() {
        let pad = if text.starts_with(' ') && text.ends_with(' ') {
            " "
        } else {
            ""
        };
        let mut out = String::with_capacity(text.len() + 4);
        for part in ["`", pad, text, pad, "`"] {
            out.push_str(part);
        }
        return out;
    }
    let text: std::borrow::Cow<str> = if text.contains(['\n', '\r']) {
        text.replace("\r\n", " ").replace(['\n', '\r'], " ").into()
    } else {
        text.into()
    };
    if text.contains('|') || text.trim().is_empty() {
        let mut out = String::from("<code>");
        for c in text.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '"' => out.push_str("&quot;"),
                '|' => out.push_str("&#124;"),
                // Markdown's own escapes and emphasis are parsed inside inline HTML's text too.
                '\\' => out.push_str("&#92;"),
                '`' => out.push_str("&#96;"),
                '*' => out.push_str("&#42;"),
                '_' => out.push_str("&#95;"),
                '[' => out.push_str("&#91;"),
                ']' => out.push_str("&#93;"),
                '~' => out.push_str("&#126;"),
                c => out.push(c),
            }
        }
        out.push_str("</code>");
        return out;
    }
    let fence = "`".repeat(longest_run(&text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || (text.starts_with(' ') && text.ends_with(' ')) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A fenced code block with its info string (`go`, `mermaid`, or none): the fence is longer than any run of
/// backticks in the text, so nothing in it can close the block.
pub fn code_block(text: &str, lang: &str) -> String {
    let text = text.trim_end_matches(['\n', '\r']);
    let fence = "`".repeat((longest_run(text, '`') + 1).max(3));
    format!("{fence}{lang}\n{text}\n{fence}")
}

fn longest_run(text: &str, c: char) -> usize {
    if !text.contains(c) {
        return 0;
    }
    text.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

/// A URL for a Markdown link destination: what would end the destination (spaces, parentheses, angle brackets)
/// or be read as an escape, percent-encoded. URLs kubewalk makes are already encoded; this is for the rest.
pub fn url(text: &str) -> String {
    // The common case, a link kubewalk made: printable ASCII with nothing to encode.
    let plain = |b: &u8| matches!(b, b'!'..=b'~') && !b"\"()<>\\`".contains(b);
    if text.as_bytes().iter().all(plain) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            '`' => out.push_str("%60"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path for a URL: every byte but unreserved characters and `/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A Go doc comment (comment markers removed) as Markdown blocks, by the rules of `go/doc/comment`. Headings
/// are written at `heading_level`.
pub fn doc_comment(text: &str, heading_level: usize) -> String {
    let lines = unindent(text.split('\n').map(|l| l.trim_end_matches('\r')).collect());
    let spans = parse_spans(&lines);
    let mut links: Vec<(String, String)> = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    for span in &spans {
        let body = &lines[span.start..span.end];
        match span.kind {
            SpanKind::List => blocks.push(list(body)),
            SpanKind::Code => blocks.push(Block::Code(
                unindent(body.iter().map(String::as_str).collect()).join("\n"),
            )),
            SpanKind::Heading => blocks.push(Block::Heading(body[0][1..].trim().to_string())),
            SpanKind::OldHeading => blocks.push(Block::Heading(body[0].trim().to_string())),
            SpanKind::Para => {
                let defs: Option<Vec<(String, String)>> = body.iter().map(|l| link_def(l)).collect();
                match defs {
                    Some(defs) => {
                        for def in defs {
                            if !links.iter().any(|(t, _)| *t == def.0) {
                                links.push(def);
                            }
                        }
                    }
                    None => blocks.push(Block::Para(body.join("\n"))),
                }
            }
        }
    }
    let hashes = "#".repeat(heading_level.clamp(1, 6));
    let mut out = Vec::new();
    for block in &blocks {
        out.push(match block {
            Block::Para(text) => linked_text(text, &links),
            Block::Heading(text) => format!("{hashes} {}", linked_text(text, &links)),
            Block::Code(text) => code_block(text, ""),
            Block::List { numbered, loose, items } => {
                let sep = if *loose { "\n\n" } else { "\n" };
                items
                    .iter()
                    .enumerate()
                    .map(|(i, paragraphs)| {
                        let marker = if *numbered {
                            format!("{}.", i + 1)
                        } else {
                            "-".to_string()
                        };
                        let indent = " ".repeat(marker.len() + 1);
                        let body: Vec<String> = paragraphs
                            .iter()
                            .map(|p| linked_text(p, &links).replace('\n', &format!("\n{indent}")))
                            .collect();
                        format!("{marker} {}", body.join(&format!("\n\n{indent}")))
                    })
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        });
    }
    out.join("\n\n")
}

enum Block {
    Para(String),
    Heading(String),
    Code(String),
    List {
        numbered: bool,
        loose: bool,
        /// Each item's paragraphs.
        items: Vec<Vec<String>>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SpanKind {
    Code,
    Heading,
    List,
    OldHeading,
    Para,
}

struct Span {
    start: usize,
    end: usize,
    kind: SpanKind,
}

/// `go/doc/comment`'s `parseSpans`: the block structure of a comment's lines.
fn parse_spans(lines: &[String]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut i = 0;
    let mut force_indent = 0;
    // Each line is looked at most twice: once unindented, once forced indented.
    let mut watchdog = 2 * lines.len() + 2;
    'spans: loop {
        while i < lines.len() && lines[i].is_empty() {
            i += 1;
        }
        if i >= lines.len() || watchdog == 0 {
            break;
        }
        watchdog -= 1;
        let start = i;
        let mut end;
        let kind;
        if i < force_indent || indented(&lines[i]) {
            let mut unindented_list_ok = is_list(&lines[i]) && i < force_indent;
            i += 1;
            while i < lines.len()
                && (lines[i].is_empty()
                    || i < force_indent
                    || indented(&lines[i])
                    || (unindented_list_ok && is_list(&lines[i])))
            {
                if lines[i].is_empty() {
                    unindented_list_ok = false;
                }
                i += 1;
            }
            end = i;
            while end > start && lines[end - 1].is_empty() {
                end -= 1;
            }
            // Indented lines followed by an unindented closing brace: a pasted function, the brace included.
            if end < lines.len() && lines[end].starts_with('}') {
                end += 1;
            }
            kind = if is_list(&lines[start]) {
                SpanKind::List
            } else {
                SpanKind::Code
            };
        } else {
            i += 1;
            while i < lines.len() && !lines[i].is_empty() && !indented(&lines[i]) {
                i += 1;
            }
            end = i;
            if i < lines.len() && !lines[i].is_empty() && !is_list(&lines[i]) {
                if is_list(&lines[i - 1]) {
                    // A mistakenly unindented list: leave its items to the indented span.
                    force_indent = end;
                    end -= 1;
                    while end > start && is_list(&lines[end - 1]) {
                        end -= 1;
                    }
                } else if lines[i - 1].ends_with('{') || lines[i - 1].ends_with('\\') {
                    // A misindented code block's first line.
                    force_indent = end;
                    end -= 1;
                }
                if start == end && force_indent > start {
                    i = start;
                    continue 'spans;
                }
            }
            kind = if end - start == 1 && is_heading(&lines[start]) {
                SpanKind::Heading
            } else if end - start == 1 && is_old_heading(&lines[start], lines, start) {
                SpanKind::OldHeading
            } else {
                SpanKind::Para
            };
        }
        spans.push(Span { start, end, kind });
        i = end;
    }
    spans
}

fn indented(line: &str) -> bool {
    line.starts_with(' ') || line.starts_with('\t')
}

fn leading_space(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Removes the indentation common to the lines, blank lines at both ends, and the spaces of blank lines.
fn unindent(lines: Vec<&str>) -> Vec<String> {
    let mut lines: Vec<&str> = lines;
    while lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let Some(first) = lines.first() else {
        return Vec::new();
    };
    let mut prefix = leading_space(first);
    for line in &lines[1..] {
        if !line.trim().is_empty() {
            let common = prefix
                .bytes()
                .zip(leading_space(line).bytes())
                .take_while(|(a, b)| a == b)
                .count();
            prefix = &prefix[..common];
        }
    }
    lines
        .iter()
        .map(|line| {
            let line = line.strip_prefix(prefix).unwrap_or(line);
            if line.trim().is_empty() {
                String::new()
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// A list marker (`-`, `*`, `+`, `•`, or a number with `.` or `)`) followed by indented text: the number (empty
/// for a bullet) and the text.
fn list_marker(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    let (num, rest) = if let Some(rest) = line.strip_prefix(['•', '*', '+', '-']) {
        ("", rest)
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || !matches!(line.as_bytes().get(digits), Some(b'.' | b')')) {
            return None;
        }
        (&line[..digits], &line[digits + 1..])
    };
    (indented(rest) && !rest.trim().is_empty()).then_some((num, rest))
}

fn is_list(line: &str) -> bool {
    list_marker(line).is_some()
}

fn is_heading(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 2 && b[0] == b'#' && (b[1] == b' ' || b[1] == b'\t') && line.trim() != "#"
}

/// `go/doc/comment`'s old-style heading: a capitalised line without sentence punctuation, alone between two
/// paragraphs.
fn is_old_heading(line: &str, all: &[String], off: usize) -> bool {
    if off == 0
        || !all[off - 1].is_empty()
        || off + 2 >= all.len()
        || !all[off + 1].is_empty()
        || indented(&all[off + 2])
    {
        return false;
    }
    let line = line.trim();
    let Some(first) = line.chars().next() else {
        return false;
    };
    if !first.is_alphabetic() || !first.is_uppercase() {
        return false;
    }
    if !line.chars().last().is_some_and(|c| c.is_alphanumeric()) {
        return false;
    }
    if line.contains(|c| ";:!?+*/=[]{}_^°&§~%#@<\">\\".contains(c)) {
        return false;
    }
    // `'` only for a possessive `'s`; `.` only when followed by a non-space.
    let possessive_only = line
        .split('\'')
        .skip(1)
        .all(|after| after == "s" || after.starts_with("s "));
    let dots_inside = line
        .split('.')
        .skip(1)
        .all(|after| !after.is_empty() && !after.starts_with(' '));
    possessive_only && dots_inside
}

/// `[text]: URL`, with a scheme Go recognises.
fn link_def(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('[')?;
    let i = rest.find("]:")?;
    let after = &rest[i + 2..];
    if !(after.starts_with(' ') || after.starts_with('\t')) || after.trim().is_empty() {
        return None;
    }
    let url = after.trim();
    let (scheme, _) = url.split_once("://")?;
    is_scheme(scheme).then(|| (rest[..i].to_string(), url.to_string()))
}

fn is_scheme(s: &str) -> bool {
    matches!(s, "file" | "ftp" | "gopher" | "http" | "https" | "mailto" | "nntp")
}

/// One list span: items, each a list of paragraphs; loose when a blank line separates anything.
fn list(lines: &[String]) -> Block {
    let numbered = list_marker(&lines[0]).is_some_and(|(n, _)| !n.is_empty());
    let mut loose = false;
    let mut items: Vec<Vec<String>> = Vec::new();
    let mut text: Vec<String> = Vec::new();
    let flush = |items: &mut Vec<Vec<String>>, text: &mut Vec<String>| {
        if let Some(item) = items.last_mut() {
            if !text.is_empty() {
                item.push(text.join("\n"));
            }
        }
        text.clear();
    };
    for line in lines {
        let mut line = line.as_str();
        if let Some((num, rest)) = list_marker(line).filter(|(n, _)| n.is_empty() != numbered) {
            let _ = num;
            flush(&mut items, &mut text);
            items.push(Vec::new());
            line = rest;
        }
        let line = line.trim();
        if line.is_empty() {
            loose = true;
            flush(&mut items, &mut text);
            continue;
        }
        text.push(line.to_string());
    }
    flush(&mut items, &mut text);
    Block::List { numbered, loose, items }
}

/// A paragraph's text: escaped, with `[text]` of a link definition and bare URLs as links, and doc links
/// (`[Name]`, `[pkg.Name]`) as their text, as Go's text printer shows them.
fn linked_text(text: &str, links: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut plain = String::new();
    let mut rest = text;
    let flush = |plain: &mut String, out: &mut String| {
        if !plain.is_empty() {
            out.push_str(&plain.split('\n').map(escape_span).collect::<Vec<_>>().join("\n"));
            plain.clear();
        }
    };
    while !rest.is_empty() {
        if rest.starts_with('[') {
            if let Some(close) = rest.find(']') {
                let inner = &rest[1..close];
                let after = &rest[close + 1..];
                if let Some((_, url_)) = links.iter().find(|(t, _)| t == inner) {
                    flush(&mut plain, &mut out);
                    out.push_str(&format!("[{}]({})", escape_text(inner), url(url_)));
                    rest = after;
                    continue;
                }
                let before_ok = plain
                    .chars()
                    .last()
                    .is_none_or(|c| c.is_ascii_punctuation() || c.is_whitespace());
                let after_ok = after
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_punctuation() || c.is_whitespace());
                if before_ok && after_ok && is_doc_link(inner) {
                    plain.push_str(inner);
                    rest = after;
                    continue;
                }
            }
        }
        if let Some(found) = auto_url(rest) {
            flush(&mut plain, &mut out);
            out.push_str(&format!("[{}]({})", escape_text(found), url(found)));
            rest = &rest[found.len()..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut plain, &mut out);
    // Each line of the paragraph stays a line (a soft break); none may start a block.
    out.split('\n')
        .map(|line| escape_line_start(line.trim().to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `Name`, `pkg.Name`, `Type.Method`, `pkg.Type.Method`, `*Type`, `path/to/pkg.Name`: what Go reads as a doc link.
fn is_doc_link(text: &str) -> bool {
    let text = text.strip_prefix('*').unwrap_or(text);
    let Some(name) = text.rsplit('.').next() else {
        return false;
    };
    let is_ident = |s: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
    };
    is_ident(name)
        && name.chars().next().is_some_and(char::is_uppercase)
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.split('/').all(|p| !p.is_empty()))
}

/// `go/doc/comment`'s `autoURL`: a URL at the start of `s`, without trailing sentence punctuation and with
/// balanced brackets.
fn auto_url(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    if b.len() < 7 {
        return None;
    }
    let colon = (3..=6).find(|&i| b[i] == b':')?;
    if s.get(colon..colon + 3) != Some("://") || !is_scheme(&s[..colon]) {
        return None;
    }
    let is_host = |c: u8| c.is_ascii_alphanumeric() || b"_@-.[]:".contains(&c);
    let is_punct = |c: u8| b".,:;?!".contains(&c);
    let is_path = |c: u8| c.is_ascii_alphanumeric() || b"$'()*+&#=@~_/-[]{}%".contains(&c);
    let mut i = colon + 3;
    if i >= b.len() || !is_host(b[i]) || is_punct(b[i]) {
        return None;
    }
    i += 1;
    let mut end = i;
    while i < b.len() && is_host(b[i]) {
        if !is_punct(b[i]) {
            end = i + 1;
        }
        i += 1;
    }
    i = end;
    let mut stack: Vec<u8> = Vec::new();
    end = i;
    while i < b.len() {
        let c = b[i];
        if is_punct(c) {
            i += 1;
            continue;
        }
        if !is_path(c) {
            break;
        }
        match c {
            b'(' => stack.push(b')'),
            b'{' => stack.push(b'}'),
            b'[' => stack.push(b']'),
            b')' | b'}' | b']' => {
                if stack.last() != Some(&c) {
                    break;
                }
                stack.pop();
            }
            _ => {}
        }
        if stack.is_empty() {
            end = i + 1;
        }
        i += 1;
    }
    Some(&s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape_text("kubernetes.io/<script>alert(2)</script>"),
            "kubernetes.io/\\<script\\>alert(2)\\</script\\>"
        );
        assert_eq!(
            escape_text("a | b *c* [d](e) `f` ~g~ &amp;"),
            "a \\| b \\*c\\* \\[d\\](e) \\`f\\` \\~g\\~ \\&amp;"
        );
        assert_eq!(
            escape_text("snake_case _em_ # not #1"),
            "snake_case \\_em\\_ \\# not \\#1"
        );
        assert_eq!(escape_text("- item\n# heading"), "\\- item \\# heading");
        assert_eq!(escape_text("1. first"), "1\\. first");
        assert_eq!(escape_text("==="), "\\===");
        assert_eq!(escape_text("é_b x\r\ny_ z#"), "é_b x y\\_ z#");
    }

    #[test]
    fn code_spans_and_blocks_hold_anything() {
        assert_eq!(code_span("*Metrics"), "`*Metrics`");
        assert_eq!(code_span(" a "), "`  a  `");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x`"), "`` `x` ``");
        assert_eq!(code_span("a || b"), "<code>a &#124;&#124; b</code>");
        assert_eq!(code_span("<b>\nc"), "`<b> c`");
        assert_eq!(code_block("x\n```\ny", "go"), "````go\nx\n```\ny\n````");
        assert_eq!(url("a b(c).md#x"), "a%20b%28c%29.md#x");
        assert_eq!(url("../../pkg/a.go#L28"), "../../pkg/a.go#L28");
        assert_eq!(url("x\u{85}é\u{7f}"), "x%C2%85é%7F");
        assert_eq!(encode_path("pkg/a b/c(1).go"), "pkg/a%20b/c%281%29.go");
    }

    #[test]
    fn doc_comments_follow_go_doc_rules() {
        let doc = "Package workqueue provides a simple queue that supports the following\nfeatures:\n  - Fair: items processed in the order in which they are added.\n  - Stingy: a single item will not be processed multiple times concurrently,\n    and processed once.\n\n# Usage\n\nCall [New] and see https://example.com/x.\n\n\tq := New()\n\tq.Add(x)\n\nSee [the docs].\n\n[the docs]: https://example.com/docs";
        assert_eq!(
            doc_comment(doc, 4),
            "Package workqueue provides a simple queue that supports the following\nfeatures:\n\n\
             - Fair: items processed in the order in which they are added.\n\
             - Stingy: a single item will not be processed multiple times concurrently,\n  and processed once.\n\n\
             #### Usage\n\n\
             Call New and see [https://example.com/x](https://example.com/x).\n\n\
             ```\nq := New()\nq.Add(x)\n```\n\n\
             See [the docs](https://example.com/docs)."
        );
        // An old-style heading: a capitalised line alone between paragraphs.
        assert_eq!(
            doc_comment("Intro.\n\nHow It Works\n\nText.", 4),
            "Intro.\n\n#### How It Works\n\nText."
        );
        assert_eq!(doc_comment("<b>bold</b> *x*", 4), "\\<b\\>bold\\</b\\> \\*x\\*");
    }
}
