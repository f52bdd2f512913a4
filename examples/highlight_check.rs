//! Checks the site's Go highlighting against tree-sitter-highlight with tree-sitter-go's own query, on every Go
//! block of a site's Markdown pages (a real tree's package pages hold tens of thousands of declarations).
//! `cargo run --release --example highlight_check -- SITE_FOLDER`

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kubewalk::render::highlight::GoHighlighter;
use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a site folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn main() {
    let site = PathBuf::from(std::env::args().nth(1).expect("usage: highlight_check SITE_FOLDER"));
    let mut files = Vec::new();
    markdown_files(&site, &mut files);
    let mut blocks = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a page");
        let mut rest = text.as_str();
        while let Some(start) = rest.find("```go\n") {
            rest = &rest[start + 6..];
            let end = rest.find("\n```").expect("a closed block");
            blocks.insert(format!("{}\n", &rest[..end]));
            rest = &rest[end..];
        }
    }
    let mut config = HighlightConfiguration::new(
        tree_sitter_go::LANGUAGE.into(),
        "go",
        tree_sitter_go::HIGHLIGHTS_QUERY,
        "",
        "",
    )
    .expect("the Go query compiles");
    let names: Vec<String> = config.names().iter().map(|n| n.to_string()).collect();
    config.configure(&names);
    let classes: Vec<String> = names
        .iter()
        .map(|n| format!("class=\"hl-{}\"", n.replace('.', "-")))
        .collect();
    let ours = GoHighlighter::new();
    let mut highlighter = Highlighter::new();
    let mut differ = 0;
    for code in &blocks {
        let events = highlighter
            .highlight(&config, code.as_bytes(), None, None, |_| None)
            .expect("highlighting does not fail");
        let mut renderer = HtmlRenderer::new();
        renderer
            .render(events, code.as_bytes(), &|h, out: &mut Vec<u8>| {
                out.extend_from_slice(classes[h.0].as_bytes())
            })
            .expect("rendering does not fail");
        let reference: String = renderer.lines().collect();
        let got = ours.highlight(code);
        if got != reference {
            differ += 1;
            if differ <= 10 {
                eprintln!("differs: {code:?}\n  ours:      {got:?}\n  reference: {reference:?}");
            }
        }
    }
    println!("{} Go blocks in {} pages, {} differ", blocks.len(), files.len(), differ);
    std::process::exit(i32::from(differ > 0));
}
