//! Checks the site's Go highlighting against tree-sitter-highlight with tree-sitter-go's own query.
//!
//! `cargo run --release --example highlight_check -- SITE_FOLDER` compares every Go block of a site's Markdown
//! pages (a real tree's package pages hold tens of thousands of declarations). `-- --lines ROOT` compares every
//! line of ROOT's Go files that starts a `func` or `type` declaration, shapes the site may print one day included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kubewalk::render::highlight::GoHighlighter;

#[path = "../src/render/highlight_reference.rs"]
mod highlight_reference;

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
    let mut reference = highlight_reference::Reference::new();
    let ours = GoHighlighter::new();
    let mut differ = 0;
    for code in &blocks {
        let expected = reference.html(code);
        let got = ours.highlight(code);
        if got != expected {
            differ += 1;
            if differ <= 10 {
                eprintln!("differs: {code:?}\n  ours:      {got:?}\n  reference: {expected:?}");
            }
        }
    }
    println!("{} Go texts, {} differ", blocks.len(), differ);
    std::process::exit(i32::from(differ > 0));
}
