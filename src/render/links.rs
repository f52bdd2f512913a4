//! The one place that makes URLs: page paths, anchors, links between pages, and links to source lines.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

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

/// The page listing every page (`templates/contents.md`).
pub const CONTENTS: &str = "contents";

/// The home page.
pub fn home() -> PageId {
    "index".to_string()
}

/// The reference page of a package.
pub fn ref_page(import_path: &str) -> PageId {
    format!("ref/{import_path}")
}

/// A topic's guide page: `<id>`, or `<id>/index` when the topic has a page per entry below it.
pub fn topic_page(id: &str, with_entries: bool) -> PageId {
    if with_entries {
        format!("{id}/index")
    } else {
        id.to_string()
    }
}

/// The page of one entry of a topic, below the topic's page.
pub fn entry_page(id: &str, slug: &str) -> PageId {
    format!("{id}/{slug}")
}

/// Page names for entries that each have a folder: the folder's last element, with `-<name>` added where two
/// entries share it (`volume_plugins/projected-projectedplugin`). `entries` are `(folder, name)`, and the result
/// is in their order.
pub fn entry_slugs(entries: &[(&str, &str)]) -> Vec<String> {
    let last = |dir: &str| dir.rsplit('/').next().unwrap_or(dir).to_string();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for (dir, _) in entries {
        *count.entry(last(dir)).or_default() += 1;
    }
    entries
        .iter()
        .map(|(dir, name)| {
            let base = last(dir);
            if count[&base] > 1 {
                format!("{base}-{}", slug(name))
            } else {
                base
            }
        })
        .collect()
}

/// Page names for binaries: the folder's last element for those below the binaries folder, the whole folder
/// with `-` for `/` for the others (`test-images-agnhost`); a name two binaries would share gets the whole folder.
pub fn binary_slugs(binaries: &[(&str, bool)]) -> Vec<String> {
    let short = |dir: &str, outside: bool| {
        if outside || dir.is_empty() {
            let whole = dir.replace('/', "-");
            if whole.is_empty() {
                "root".to_string()
            } else {
                whole
            }
        } else {
            dir.rsplit('/').next().unwrap_or(dir).to_string()
        }
    };
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for (dir, outside) in binaries {
        *count.entry(short(dir, *outside)).or_default() += 1;
    }
    binaries
        .iter()
        .map(|(dir, outside)| {
            let s = short(dir, *outside);
            if count[&s] > 1 {
                dir.replace('/', "-")
            } else {
                s
            }
        })
        .collect()
}

/// Whether a link names a scheme and a host (`https://...`), which makes it no link within the site. Most links
/// are relative and have no colon, which a byte search tells sooner than a search for `://` (190,000 links on
/// v1.20.2's site).
pub fn has_host(link: &str) -> bool {
    memchr::memchr(b':', link.as_bytes()).is_some() && link.contains("://")
}

/// The link from one page to another (with an optional anchor), relative, with the Markdown extension; the HTML
/// conversion rewrites `.md` to `.html`.
pub fn rel(from: &str, to: &str, anchor: Option<&str>) -> String {
    let (from_dirs, to_dirs) = (from.matches('/').count(), to.matches('/').count());
    // The folders the two pages share, from the root, and where the rest of `to` starts.
    let (mut common, mut rest) = (0, 0);
    for (a, b) in from.split('/').zip(to.split('/')).take(from_dirs.min(to_dirs)) {
        if a != b {
            break;
        }
        common += 1;
        rest += b.len() + 1;
    }
    let path = format!("{}{}", "../".repeat(from_dirs - common), &to[rest..]);
    let mut url = super::markdown::encode_path(&path);
    url.push_str(".md");
    if let Some(a) = anchor {
        url.push('#');
        url.push_str(a);
    }
    url
}

/// The link from one HTML page to another.
pub fn rel_html(from: &str, to: &str, anchor: Option<&str>) -> String {
    super::html::md_to_html(&rel(from, to, anchor))
}

/// A page's HTML file from the site's root, as the search index names it: `cmd/kubeadm.html#cmd-kubeadm-init`.
pub fn from_root_html(page: &str, anchor: &str) -> String {
    let url = format!("{}.html", encode_path(page));
    if anchor.is_empty() {
        url
    } else {
        format!("{url}#{anchor}")
    }
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
    /// The scanned root relative to the output folder, for local links; `None` without a tree to link to (a site
    /// built from a saved scan without `--source-url`): then there are no source links.
    pub root_from_out: Option<String>,
}

impl SourceLinks {
    pub fn url(&self, from: &str, path: &str, line: u32) -> Option<String> {
        match (&self.template, &self.root_from_out) {
            (Some(t), _) => Some(
                t.replace("{ref}", &encode_path(&self.ref_name))
                    .replace("{path}", &encode_path(path))
                    .replace("{line}", &line.to_string()),
            ),
            (None, Some(root)) => Some(format!(
                "{}{}/{}#L{line}",
                root_prefix(from),
                encode_path(root),
                encode_path(path)
            )),
            (None, None) => None,
        }
    }
}

/// Records which reference entries the guides link to, so that a reference page exists for every package a
/// guide mentions and every entry links back to the pages that mention it.
#[derive(Debug, Default)]
pub struct Mentions {
    /// Package import path to anchor to the pages that mention it.
    inner: Mutex<BTreeMap<String, BTreeMap<String, BTreeSet<PageId>>>>,
}

impl Mentions {
    pub fn add(&self, import_path: &str, anchor: &str, from: &str) {
        self.map()
            .entry(import_path.to_string())
            .or_default()
            .entry(anchor.to_string())
            .or_default()
            .insert(from.to_string());
    }

    pub fn packages(&self) -> Vec<String> {
        self.map().keys().cloned().collect()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, BTreeMap<String, BTreeSet<PageId>>>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The pages (other than reference pages) that mention an entry.
    pub fn back_links(&self, import_path: &str, anchor: &str) -> Vec<PageId> {
        self.map()
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
        assert_eq!(rel("ref/a/x", "ref/a b/y", Some("z")), "../a%20b/y.md#z");
        assert_eq!(rel("a/b/c/d", "a/b", None), "../../b.md");
        assert_eq!(root_prefix("ref/k8s.io/x"), "../../");
        assert_eq!(slug("Add, Get and Done!"), "add-get-and-done");
    }
}
