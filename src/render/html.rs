//! Markdown to HTML: all pulldown-cmark options in one place, heading ids and the table of contents, links to
//! `.md` pages rewritten to `.html`, Go excerpts highlighted as tree-sitter-highlight highlights them
//! (`highlight.rs`), and Mermaid diagrams replaced by the SVG drawn for them at build time. A long token of text
//! or inline code (a path, an import path, a Go expression) gets break opportunities after its separators, so
//! that it wraps between its parts instead of inside a word or past its column.

use crate::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::highlight::GoHighlighter;
use super::links::slug;

/// The Markdown dialect of every page: GitHub-flavoured tables, strikethrough, task lists.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

pub struct Converter {
    highlight: GoHighlighter,
    /// Go excerpts already highlighted, by their text: a site shows the same excerpt on several pages (on v1.20.2,
    /// 27,649 excerpts of which 20,066 differ), and each is highlighted once.
    highlighted: std::sync::Mutex<HashMap<String, std::sync::Arc<str>>>,
}

impl Converter {
    pub fn new() -> Converter {
        Converter {
            highlight: GoHighlighter::new(),
            highlighted: Default::default(),
        }
    }

    /// Highlighted HTML of Go source, one `<span>` per highlighted region.
    pub fn highlight_go(&self, code: &str) -> std::sync::Arc<str> {
        let known = self
            .highlighted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(code)
            .cloned();
        if let Some(html) = known {
            return html;
        }
        // Outside the lock: two threads may highlight the same excerpt at once, and both get the same text.
        let html: std::sync::Arc<str> = self.highlight.highlight(code).into();
        self.highlighted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(code.to_string(), html.clone());
        html
    }

    /// Converts a page. `diagrams` maps a Mermaid block's text to the SVG that replaces it.
    pub fn convert(&self, markdown: &str, diagrams: &HashMap<String, String>) -> (String, Vec<TocEntry>) {
        self.convert_with(markdown, diagrams, |_| {})
    }

    /// Converts a page, showing each Markdown event to `read` as it is parsed (the link check reads the page's
    /// links from them).
    pub fn convert_with(
        &self,
        markdown: &str,
        diagrams: &HashMap<String, String>,
        mut read: impl FnMut(&Event),
    ) -> (String, Vec<TocEntry>) {
        let mut toc = Vec::new();
        let mut used_ids: HashMap<String, usize> = HashMap::default();
        let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
        let mut code: Option<(String, String)> = None;
        let mut images = 0usize;
        // Events go to the writer as they come, but for a heading's and a code block's, which are written whole
        // at their end: collecting a page's events first (1.8 million on v1.20.2's site) moved each once more.
        let events = Parser::new_ext(markdown, options()).filter_map(|event| {
            read(&event);
            if let Some((lang, text)) = &mut code {
                match event {
                    Event::Text(t) => text.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        let html = match lang.as_str() {
                            "go" => format!(
                                "<pre class=\"code\"><code class=\"language-go\">{}</code></pre>\n",
                                self.highlight_go(text)
                            ),
                            "mermaid" => match diagrams.get(text.trim_end()) {
                                Some(svg) => format!("<figure class=\"diagram\">{svg}</figure>\n"),
                                None => format!("<pre class=\"mermaid\">{}</pre>\n", escape(text)),
                            },
                            _ => format!("<pre class=\"code\"><code>{}</code></pre>\n", escape(text)),
                        };
                        code = None;
                        return Some(Event::Html(CowStr::from(html)));
                    }
                    _ => {}
                }
                return None;
            }
            if let Some((level, inner)) = &mut heading {
                match event {
                    Event::End(TagEnd::Heading(_)) => {
                        let text: String = inner
                            .iter()
                            .filter_map(|e| match e {
                                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                                _ => None,
                            })
                            .collect();
                        let mut id = slug(&text);
                        let n = used_ids.entry(id.clone()).or_insert(0);
                        if *n > 0 {
                            id = format!("{id}-{n}");
                        }
                        *n += 1;
                        let level_n = *level as u8;
                        if (2..=3).contains(&level_n) {
                            toc.push(TocEntry {
                                level: level_n,
                                id: id.clone(),
                                text: text.clone(),
                            });
                        }
                        let mut inner_html = String::new();
                        pulldown_cmark::html::push_html(
                            &mut inner_html,
                            std::mem::take(inner).into_iter().map(with_breaks),
                        );
                        heading = None;
                        return Some(Event::Html(CowStr::from(format!(
                            "<h{level_n} id=\"{id}\">{inner_html}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level_n}>\n"
                        ))));
                    }
                    other => inner.push(rewrite_link(other)),
                }
                return None;
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((level, Vec::new()));
                    None
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                    None
                }
                // An image's text is its `alt` attribute, where markup would show as text.
                Event::Start(Tag::Image { .. }) => {
                    images += 1;
                    Some(rewrite_link(event))
                }
                Event::End(TagEnd::Image) => {
                    images -= 1;
                    Some(event)
                }
                other if images > 0 => Some(rewrite_link(other)),
                other => Some(with_breaks(rewrite_link(other))),
            }
        });
        let mut html = String::with_capacity(markdown.len() * 2);
        pulldown_cmark::html::push_html(&mut html, events);
        (html, toc)
    }
}

impl Default for Converter {
    fn default() -> Self {
        Converter::new()
    }
}

/// Text and inline code with break opportunities in their long tokens (see `breakable`).
fn with_breaks(event: Event) -> Event {
    match event {
        Event::Text(text) if needs_breaks(&text) => Event::InlineHtml(CowStr::from(breakable(&text))),
        Event::Code(code) if needs_breaks(&code) => {
            Event::InlineHtml(CowStr::from(format!("<code>{}</code>", breakable(&code))))
        }
        other => other,
    }
}

/// The length from which a token gets break opportunities: a shorter one fits the narrowest column whole.
const LONG_TOKEN: usize = 16;

fn needs_breaks(text: &str) -> bool {
    if text.len() < LONG_TOKEN {
        return false;
    }
    if !text.is_ascii() {
        return text.split_whitespace().any(is_long);
    }
    // ASCII, the common case: a run of LONG_TOKEN bytes between whitespace (`char::is_whitespace`'s ASCII).
    let mut run = 0;
    for &b in text.as_bytes() {
        run = if matches!(b, b'\t'..=b'\r' | b' ') { 0 } else { run + 1 };
        if run == LONG_TOKEN {
            return true;
        }
    }
    false
}

/// Whether a token has `LONG_TOKEN` characters or more (fewer bytes than that are fewer characters).
fn is_long(token: &str) -> bool {
    token.len() >= LONG_TOKEN && (token.is_ascii() || token.chars().count() >= LONG_TOKEN)
}

/// The length from which a word written in camel case may break between its words.
const LONG_WORD: usize = 24;

/// `text` escaped for HTML, with a `<wbr>` after each separator (`/`, `.`, `_`, `,`, `:`, `=`, `&`, `;`, `|`) of
/// a token of 16 characters or more that another character follows, and inside a word of 24 letters or more
/// between the words of its camel case (`noopExpandable<wbr>Volume<wbr>Plugin`). A browser breaks a line at a space or after a
/// hyphen, but not inside `staging/src/k8s.io/component-base/logs/logs.go` or `[Hostname,InternalDNS]`: without
/// these it either lets the token run past its column or, told to wrap anywhere, breaks it inside a word.
pub fn breakable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut from = 0;
    break_points(text, |cut| {
        push_escaped(&mut out, &text[from..cut]);
        out.push_str("<wbr>");
        from = cut;
    });
    push_escaped(&mut out, &text[from..]);
    out
}

/// `text` cut where [`breakable`] puts its `<wbr>`s, for a script that builds the same text out of text nodes.
pub fn breakable_parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut from = 0;
    break_points(text, |cut| {
        parts.push(&text[from..cut]);
        from = cut;
    });
    parts.push(&text[from..]);
    parts
}

/// The byte offsets of `text` where [`breakable`] puts its `<wbr>`s, in order.
fn break_points(text: &str, mut cut: impl FnMut(usize)) {
    if text.is_ascii() {
        return ascii_break_points(text.as_bytes(), cut);
    }
    let mut at = 0;
    for token in text.split(char::is_whitespace) {
        if is_long(token) {
            // The length of the run of letters and digits a character is in, for the camel case rule.
            let mut run = 0;
            let mut in_run = false;
            let mut chars = token.char_indices().peekable();
            while let Some((offset, c)) = chars.next() {
                let alphanumeric = c.is_alphanumeric();
                if alphanumeric && !in_run {
                    run = token[offset..].chars().take_while(|c| c.is_alphanumeric()).count();
                }
                in_run = alphanumeric;
                let next = chars.peek().map(|&(_, n)| n);
                let separator = matches!(c, '/' | '.' | '_' | ',' | ':' | '=' | '&' | ';' | '|');
                let camel = in_run && run >= LONG_WORD && c.is_lowercase() && next.is_some_and(|n| n.is_uppercase());
                if (separator && next.is_some_and(|n| n.is_alphanumeric() || n == '-')) || camel {
                    cut(at + offset + c.len_utf8());
                }
            }
        }
        // The token and the whitespace character after it.
        at += token.len() + text[at + token.len()..].chars().next().map_or(0, char::len_utf8);
    }
}

/// [`break_points`] of ASCII text, the common case, byte by byte: the same cuts without decoding characters (the
/// conversion of v1.20.2's site spent 0.09 s of CPU in this search, against 0.05 s).
fn ascii_break_points(text: &[u8], mut cut: impl FnMut(usize)) {
    let mut at = 0;
    for token in text.split(|b| matches!(b, b'\t'..=b'\r' | b' ')) {
        if token.len() >= LONG_TOKEN {
            // The length of the run of letters and digits a byte is in, for the camel case rule.
            let mut run = 0;
            for (i, &c) in token.iter().enumerate() {
                let next = token.get(i + 1).copied();
                if c.is_ascii_alphanumeric() {
                    if i == 0 || !token[i - 1].is_ascii_alphanumeric() {
                        run = token[i..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                    }
                    if run >= LONG_WORD && c.is_ascii_lowercase() && next.is_some_and(|n| n.is_ascii_uppercase()) {
                        cut(at + i + 1);
                    }
                } else if matches!(c, b'/' | b'.' | b'_' | b',' | b':' | b'=' | b'&' | b';' | b'|')
                    && next.is_some_and(|n| n.is_ascii_alphanumeric() || n == b'-')
                {
                    cut(at + i + 1);
                }
            }
        }
        // The token and the whitespace byte after it.
        at += token.len() + 1;
    }
}

/// Text in HTML: as pulldown-cmark writes text, quotes stay as they are.
fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = memchr::memchr3(b'<', b'>', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&amp;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// A relative link to a `.md` page points at its `.html` twin.
fn rewrite_link(event: Event) -> Event {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(md_to_html(&dest_url)),
            title,
            id,
        }),
        other => other,
    }
}

pub fn md_to_html(url: &str) -> String {
    if super::links::has_host(url) || url.starts_with('#') {
        return url.to_string();
    }
    let (path, anchor) = match url.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (url, None),
    };
    match path.strip_suffix(".md") {
        Some(stem) => match anchor {
            Some(a) => format!("{stem}.html#{a}"),
            None => format!("{stem}.html"),
        },
        None => url.to_string(),
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_ids_and_links_go_to_html() {
        let c = Converter::new();
        let (html, toc) = c.convert(
            "## Add, Get and Done\n\nSee [x](../ref/a.md#type-T).\n\n## Add, Get and Done\n",
            &HashMap::default(),
        );
        assert!(html.contains("<h2 id=\"add-get-and-done\">"), "{html}");
        assert!(html.contains("<h2 id=\"add-get-and-done-1\">"), "{html}");
        assert!(html.contains("href=\"../ref/a.html#type-T\""), "{html}");
        // Only relative links are rewritten.
        assert_eq!(
            md_to_html("https://example.invalid/a.md"),
            "https://example.invalid/a.md"
        );
        assert_eq!(md_to_html("a.md#x:y"), "a.html#x:y");
        assert_eq!(md_to_html("#a.md"), "#a.md");
        assert_eq!(toc.len(), 2);
    }

    #[test]
    fn long_tokens_break_after_their_separators() {
        assert_eq!(
            breakable("see staging/src/k8s.io/logs.go:32 <now>"),
            "see staging/<wbr>src/<wbr>k8s.<wbr>io/<wbr>logs.<wbr>go:<wbr>32 &lt;now&gt;"
        );
        // A short token stays whole, and a separator run breaks once, after its last character.
        assert_eq!(
            breakable("a/b.c https://example.invalid"),
            "a/b.c https://<wbr>example.<wbr>invalid"
        );
        assert_eq!(
            breakable("volume.noopExpandableVolumePlugin NewQueue.Add"),
            "volume.<wbr>noop<wbr>Expandable<wbr>Volume<wbr>Plugin NewQueue.Add"
        );
        // The sidebar's script gets the same cuts as parts of the text, whitespace and all.
        assert_eq!(
            breakable_parts("a  k8s.io/api/core/v1\tx"),
            ["a  k8s.", "io/", "api/", "core/", "v1\tx"]
        );
        assert_eq!(breakable_parts(""), [""]);
        // ASCII text is cut byte by byte, any other character by character: the same cuts.
        for text in [
            "see staging/src/k8s.io/logs.go:32 <now>",
            "volume.noopExpandableVolumePlugin NewQueue.Add",
            "a\u{b}k8s.io/api/core/v1,x|y=z;w&v_u:-a.-b.",
        ] {
            assert_eq!(format!("{} é", breakable(text)), breakable(&format!("{text} é")));
        }
        // Tokens are split at what `char::is_whitespace` calls whitespace, and counted in characters.
        assert!(!needs_breaks("short words only, all of them"));
        assert!(needs_breaks("a\u{b}bcdefghijklmnopq"));
        assert!(!needs_breaks("abcdefghijklmno\u{b}p"));
        assert!(!needs_breaks("ééééééééééééééé x"));
        assert!(needs_breaks("éééééééééééééééé"));
        assert!(!needs_breaks("abcdefgh\u{a0}ijklmnopq"));
        let c = Converter::new();
        let (html, toc) = c.convert(
            "## staging/src/k8s.io/apiserver\n\n| Default | Usage |\n| --- | --- |\n| `s.AdvertiseAddress` | x |\n",
            &HashMap::default(),
        );
        assert!(
            html.contains("staging/<wbr>src/<wbr>k8s.<wbr>io/<wbr>apiserver<a class"),
            "{html}"
        );
        assert!(html.contains("<td><code>s.<wbr>AdvertiseAddress</code></td>"), "{html}");
        assert_eq!(toc[0].text, "staging/src/k8s.io/apiserver");
    }

    #[test]
    fn go_is_highlighted_and_mermaid_replaced() {
        let c = Converter::new();
        let mut diagrams = HashMap::default();
        diagrams.insert("graph TD\n  a --> b".to_string(), "<svg>drawn</svg>".to_string());
        let (html, _) = c.convert(
            "```go\nfunc f() {}\n```\n\n```mermaid\ngraph TD\n  a --> b\n```\n",
            &diagrams,
        );
        assert!(html.contains("<span class=\"hl-keyword\">func</span>"), "{html}");
        assert!(
            html.contains("<figure class=\"diagram\"><svg>drawn</svg></figure>"),
            "{html}"
        );
    }
}
