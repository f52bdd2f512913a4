//! The one place that makes URLs: page paths, anchors, links between pages, and links to source lines.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use super::markdown::encode_path;

/// A page of the site, by its path without extension: `index`, `cmd/kubeadm`, `ref/k8s.io/client-go/util/workqueue`.
pub type PageId = String;

/// Anchor of a type on its package's reference page.
pub fn type_anchor(name: &str) -> String {
    format!("type-{name}")
}

pub fn func_anchor(name: &str) -> String {
    format!("func-{name}")
}

pub fn method_anchor(ty: &str, name: &str) -> String {
    format!("method-{ty}-{name}")
}

/// An anchor from free text: lower case, runs of other characters as one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The reference page of a package.
pub fn ref_page(import_path: &str) -> PageId {
    format!("ref/{import_path}")
}

/// The link from one page to another (with an optional anchor), relative, with the Markdown extension; the HTML
/// conversion rewrites `.md` to `.html`.
pub fn rel(from: &str, to: &str, anchor: Option<&str>) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let to_dirs = &to_parts[..to_parts.len() - 1];
    let common = from_dirs.iter().zip(to_dirs).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from_dirs.len() - common];
    parts.extend(to_parts[common..].iter().map(|s| s.to_string()));
    let mut url = format!("{}.md", super::markdown::encode_path(&parts.join("/")));
    if let Some(a) = anchor {
        url.push('#');
        url.push_str(a);
    }
    url
}

/// The relative prefix from a page to the site root: `../../` for `ref/k8s.io/x`.
pub fn root_prefix(page: &str) -> String {
    "../".repeat(page.matches('/').count())
}

/// Links to the source lines of the scanned release.
#[derive(Debug, Clone)]
pub struct SourceLinks {
    /// `https://github.com/kubernetes/kubernetes/blob/{ref}/{path}#L{line}`; `None` links to local files.
    pub template: Option<String>,
    pub ref_name: String,
    /// The scanned root relative to the output folder, for local links.
    pub root_from_out: String,
}

impl SourceLinks {
    pub fn url(&self, from: &str, path: &str, line: u32) -> String {
        match &self.template {
            Some(t) => t
                .replace("{ref}", &encode_path(&self.ref_name))
                .replace("{path}", &encode_path(path))
                .replace("{line}", &line.to_string()),
            None => format!(
                "{}{}/{}#L{line}",
                root_prefix(from),
                encode_path(&self.root_from_out),
                encode_path(path)
            ),
        }
    }
}

/// Records which reference entries the guides link to, so that a reference page exists for every package a
/// guide mentions and every entry links back to the pages that mention it.
#[derive(Debug, Default)]
pub struct Mentions {
    /// Package import path to anchor to the pages that mention it.
    inner: RefCell<BTreeMap<String, BTreeMap<String, BTreeSet<PageId>>>>,
}

impl Mentions {
    pub fn add(&self, import_path: &str, anchor: &str, from: &str) {
        self.inner
            .borrow_mut()
            .entry(import_path.to_string())
            .or_default()
            .entry(anchor.to_string())
            .or_default()
            .insert(from.to_string());
    }

    pub fn packages(&self) -> Vec<String> {
        self.inner.borrow().keys().cloned().collect()
    }

    /// The pages (other than reference pages) that mention an entry.
    pub fn back_links(&self, import_path: &str, anchor: &str) -> Vec<PageId> {
        self.inner
            .borrow()
            .get(import_path)
            .and_then(|m| m.get(anchor))
            .map(|s| s.iter().filter(|p| !p.starts_with("ref/")).cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(rel("index", "cmd/kubeadm", None), "cmd/kubeadm.md");
        assert_eq!(rel("cmd/kubeadm", "index", None), "../index.md");
        assert_eq!(rel("cmd/kubeadm", "cmd/index", Some("x")), "index.md#x");
        assert_eq!(
            rel(
                "ref/k8s.io/client-go/util/workqueue",
                "ref/k8s.io/kubernetes/pkg/volume",
                None
            ),
            "../../kubernetes/pkg/volume.md"
        );
        assert_eq!(
            rel(
                "ref/k8s.io/kubernetes/pkg/volume/projected",
                "ref/k8s.io/kubernetes/pkg/volume",
                None
            ),
            "../volume.md"
        );
        assert_eq!(root_prefix("ref/k8s.io/x"), "../../");
        assert_eq!(slug("Add, Get and Done!"), "add-get-and-done");
    }
}
