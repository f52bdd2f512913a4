//! The truth for `render::highlight`: tree-sitter-highlight's HTML of Go with tree-sitter-go's own query, as the
//! site rendered it before. tree-sitter-highlight is a dev-dependency, so this file is compiled only where those
//! are: by `highlight.rs`'s tests and by `examples/highlight_check.rs`, which include it by path.

use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

pub struct Reference {
    config: HighlightConfiguration,
    /// `class="hl-…"` by capture index.
    classes: Vec<String>,
    highlighter: Highlighter,
}

impl Reference {
    pub fn new() -> Reference {
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
        assert!(names.iter().any(|n| n == "function.method"), "{names:?}");
        config.configure(&names);
        let classes = names
            .iter()
            .map(|n| format!("class=\"hl-{}\"", n.replace('.', "-")))
            .collect();
        Reference {
            config,
            classes,
            highlighter: Highlighter::new(),
        }
    }

    /// The HTML of `code`.
    pub fn html(&mut self, code: &str) -> String {
        let events = self
            .highlighter
            .highlight(&self.config, code.as_bytes(), None, None, |_| None)
            .expect("highlighting does not fail");
        let mut renderer = HtmlRenderer::new();
        let classes = &self.classes;
        renderer
            .render(events, code.as_bytes(), &|h, out: &mut Vec<u8>| {
                out.extend_from_slice(classes[h.0].as_bytes())
            })
            .expect("rendering does not fail");
        renderer.lines().collect()
    }
}
