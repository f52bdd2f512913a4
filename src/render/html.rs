//! Markdown to HTML: all pulldown-cmark options in one place, heading ids and the table of contents, links to
//! `.md` pages rewritten to `.html`, Go excerpts highlighted with tree-sitter-highlight, and Mermaid diagrams
//! replaced by the SVG drawn for them at build time.

use std::collections::HashMap;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

use super::links::slug;

/// The highlight names of tree-sitter-go's query that get a CSS class (`hl-keyword`, ...).
const HIGHLIGHT_NAMES: &[&str] = &[
    "comment",
    "constant.builtin",
    "escape",
    "function",
    "function.builtin",
    "function.method",
    "keyword",
    "number",
    "operator",
    "property",
    "string",
    "type",
    "variable",
];

/// The Markdown dialect of every page: GitHub-flavoured tables, strikethrough, task lists.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

pub struct Converter {
    highlight: HighlightConfiguration,
    classes: Vec<String>,
}

impl Converter {
    pub fn new() -> Converter {
        let mut highlight = HighlightConfiguration::new(
            tree_sitter_go::LANGUAGE.into(),
            "go",
            tree_sitter_go::HIGHLIGHTS_QUERY,
            "",
            "",
        )
        .expect("the bundled Go highlight query compiles");
        highlight.configure(HIGHLIGHT_NAMES);
        let classes = HIGHLIGHT_NAMES
            .iter()
            .map(|n| format!("class=\"hl-{}\"", n.replace('.', "-")))
            .collect();
        Converter { highlight, classes }
    }

    /// Highlighted HTML of Go source, one `<span>` per highlighted region.
    pub fn highlight_go(&self, code: &str) -> String {
        let mut highlighter = Highlighter::new();
        let Ok(events) = highlighter.highlight(&self.highlight, code.as_bytes(), None, None, |_| None) else {
            return escape(code);
        };
        let mut renderer = HtmlRenderer::new();
        let classes = &self.classes;
        let rendered = renderer.render(events, code.as_bytes(), &|h, out: &mut Vec<u8>| {
            out.extend_from_slice(classes[h.0].as_bytes());
        });
        if rendered.is_err() {
            return escape(code);
        }
        renderer.lines().collect::<String>()
    }

    /// Converts a page. `diagrams` maps a Mermaid block's text to the SVG that replaces it.
    pub fn convert(&self, markdown: &str, diagrams: &HashMap<String, String>) -> (String, Vec<TocEntry>) {
        let mut toc = Vec::new();
        let mut events: Vec<Event> = Vec::new();
        let mut used_ids: HashMap<String, usize> = HashMap::new();
        let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
        let mut code: Option<(String, String)> = None;
        for event in Parser::new_ext(markdown, options()) {
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
                        events.push(Event::Html(CowStr::from(html)));
                        code = None;
                    }
                    _ => {}
                }
                continue;
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
                        pulldown_cmark::html::push_html(&mut inner_html, std::mem::take(inner).into_iter());
                        events.push(Event::Html(CowStr::from(format!(
                            "<h{level_n} id=\"{id}\">{inner_html}<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level_n}>\n"
                        ))));
                        heading = None;
                    }
                    other => inner.push(rewrite_link(other)),
                }
                continue;
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new())),
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(l) => l.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                other => events.push(rewrite_link(other)),
            }
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        (html, toc)
    }
}

impl Default for Converter {
    fn default() -> Self {
        Converter::new()
    }
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
    if url.contains("://") || url.starts_with('#') {
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
            &HashMap::new(),
        );
        assert!(html.contains("<h2 id=\"add-get-and-done\">"), "{html}");
        assert!(html.contains("<h2 id=\"add-get-and-done-1\">"), "{html}");
        assert!(html.contains("href=\"../ref/a.html#type-T\""), "{html}");
        assert_eq!(toc.len(), 2);
    }

    #[test]
    fn go_is_highlighted_and_mermaid_replaced() {
        let c = Converter::new();
        let mut diagrams = HashMap::new();
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
