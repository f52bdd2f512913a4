//! Checks the site's Go highlighting against tree-sitter-highlight with tree-sitter-go's own query.
//!
//! `cargo run --release --example highlight_check -- SITE_FOLDER` compares every Go block of a site's Markdown
//! pages (a real tree's package pages hold tens of thousands of declarations). `-- --lines ROOT` compares every
//! line of ROOT's Go files that starts a `func` or `type` declaration, shapes the site may print one day included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kubewalk::render::highlight::GoHighlighter;
use tree_sitter_highlight::{HighlightConfiguration, Highlighter, HtmlRenderer};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The Go blocks of a site's Markdown pages.
fn site_blocks(site: &Path) -> BTreeSet<String> {
    let mut pages = Vec::new();
    files(site, "md", &mut pages);
    let mut blocks = BTreeSet::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("a page");
        let mut rest = text.as_str();
        while let Some(start) = rest.find("```go\n") {
            rest = &rest[start + 6..];
            let end = rest.find("\n```").expect("a closed block");
            blocks.insert(format!("{}\n", &rest[..end]));
            rest = &rest[end..];
        }
    }
    blocks
}

/// The lines of a tree's Go files that start a `func` or `type` declaration, without their indentation.
fn declaration_lines(root: &Path) -> BTreeSet<String> {
    let mut sources = Vec::new();
    files(root, "go", &mut sources);
    let mut lines = BTreeSet::new();
    for source in &sources {
        let Ok(text) = std::fs::read_to_string(source) else {
            continue;
        };
        for line in text.lines().map(|l| l.trim_start_matches('\t')) {
            if line.starts_with("func ") || line.starts_with("type ") {
                lines.insert(format!("{line}\n"));
            }
        }
    }
    lines
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let blocks = match args.as_slice() {
        [flag, root] if flag == "--lines" => declaration_lines(Path::new(root)),
        [site] => site_blocks(Path::new(site)),
        _ => panic!("usage: highlight_check SITE_FOLDER | highlight_check --lines ROOT"),
    };
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
    println!("{} Go texts, {} differ", blocks.len(), differ);
    std::process::exit(i32::from(differ > 0));
}
