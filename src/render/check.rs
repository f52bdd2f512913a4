//! The link checker: every relative link and anchor of the site's HTML and Markdown must resolve.

use std::collections::BTreeSet;

use crate::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A link that does not resolve: the page, and the link as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    pub page: String,
    pub link: String,
    pub reason: &'static str,
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ({})", self.page, self.link, self.reason)
    }
}

pub struct CheckReport {
    pub pages: usize,
    pub links: usize,
    pub broken: Vec<BrokenLink>,
}

/// A page's anchors and the links it holds.
pub struct PageLinks {
    ids: BTreeSet<String>,
    links: Vec<String>,
}

/// The anchors and links of a page of the site, by its file's extension: `None` for a file that is no page.
pub fn page_links(path: &Path, text: &str) -> Option<PageLinks> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => Some(html_links(text)),
        Some("md") => Some(markdown_links(text)),
        _ => None,
    }
}

/// Checks every `.html` and `.md` file below `dir`. Links to other sites are not followed; links to local
/// files outside the site (source files) must name an existing file.
pub fn check_site(dir: &Path) -> Result<CheckReport> {
    use rayon::prelude::*;
    let pages = walk_files(dir)?
        .into_par_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "html" || e == "md"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).with_context(|| format!("{}: cannot read", path.display()))?;
            let links = page_links(&path, &text).expect("an .html or .md file");
            Ok((path, links))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(check_pages(dir, &pages))
}

/// Checks the links of the pages of the site in `dir` (each page by its file's path). The pages are borrowed: a
/// site's (180,000 links and their anchors on v1.20.2) took 60 ms to free, on one thread, at the end of a run
/// that can leave them to its exit.
pub fn check_pages(dir: &Path, pages: &[(PathBuf, PageLinks)]) -> CheckReport {
    use rayon::prelude::*;
    let pages: PathMap<&PageLinks> = pages.iter().map(|(p, l)| (normalize(p).into_os_string(), l)).collect();
    let root = normalize(dir);
    let (links, mut broken) = pages
        .par_iter()
        // Source files are linked from many places: each thread looks at each once.
        .map_init(SourceFiles::default, |files, (path, page)| {
            check_page(&root, &pages, files, Path::new(path), page)
        })
        .reduce(
            || (0, Vec::new()),
            |(n, mut a), (m, b)| {
                a.extend(b);
                (n + m, a)
            },
        );
    broken.sort();
    CheckReport {
        pages: pages.len(),
        links,
        broken,
    }
}

/// A map by resolved path (`normalize` gives one spelling a path), keyed by its bytes: the check looks up 180,000
/// links of v1.20.2's site, and Path's component-wise hashing cost 2,000 instructions a lookup.
type PathMap<V> = HashMap<OsString, V>;

/// Files outside the site that links name: whether each exists, and how many lines it has.
#[derive(Default)]
struct SourceFiles {
    exists: PathMap<bool>,
    line_counts: PathMap<usize>,
}

/// Where a link of a page leads, without its anchor: the resolved path, the page there if it is one of the site's,
/// and whether anything is there.
struct Target<'p> {
    path: OsString,
    page: Option<&'p PageLinks>,
    exists: bool,
}

/// One page's links that do not resolve, and how many links it has; `root` is the site's folder, resolved.
fn check_page(
    root: &Path,
    pages: &PathMap<&PageLinks>,
    files: &mut SourceFiles,
    path: &Path,
    page: &PageLinks,
) -> (usize, Vec<BrokenLink>) {
    let mut out = Vec::new();
    let rel_page = path.strip_prefix(root).unwrap_or(path).display().to_string();
    // A page links to a few targets many times (its own anchors, its package's neighbours): each is resolved once.
    let mut targets: HashMap<&str, Target> = HashMap::default();
    for link in &page.links {
        if is_external(link) {
            continue;
        }
        let (target, anchor) = match link.split_once('#') {
            Some((t, a)) => (t, Some(a)),
            None => (link.as_str(), None),
        };
        let resolved = targets.entry(target).or_insert_with(|| {
            let target_path = if target.is_empty() {
                path.to_path_buf()
            } else {
                let parent = path.parent().unwrap_or(root);
                let target = percent_decode(target);
                match resolve(parent, &target) {
                    Some(resolved) => resolved,
                    None => normalize(&parent.join(target)),
                }
            };
            let target_path = target_path.into_os_string();
            let page = pages.get(&target_path).copied();
            let exists = page.is_some()
                || *files
                    .exists
                    .entry(target_path.clone())
                    .or_insert_with(|| Path::new(&target_path).exists());
            Target {
                path: target_path,
                page,
                exists,
            }
        });
        let broken = |reason| BrokenLink {
            page: rel_page.clone(),
            link: link.clone(),
            reason,
        };
        if !resolved.exists {
            out.push(broken("no such file"));
            continue;
        }
        let Some(anchor) = anchor.filter(|a| !a.is_empty()) else {
            continue;
        };
        match resolved.page {
            Some(target_page) => {
                if !target_page.ids.contains(anchor) {
                    out.push(broken("no such anchor"));
                }
            }
            // A source file's `#L12` line anchor: the file must have that many lines.
            None => {
                let line: Option<usize> = anchor.strip_prefix('L').and_then(|n| n.parse().ok());
                let lines = match files.line_counts.get(&resolved.path) {
                    Some(&lines) => lines,
                    None => {
                        let lines = std::fs::read(&resolved.path)
                            .map(|t| memchr::memchr_iter(b'\n', &t).count() + 1)
                            .unwrap_or(0);
                        files.line_counts.insert(resolved.path.clone(), lines);
                        lines
                    }
                };
                if line.is_none_or(|l| l == 0 || l > lines) {
                    out.push(broken("no such line"));
                }
            }
        }
    }
    (page.links.len(), out)
}

fn walk_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("{}: cannot read", d.display()))? {
            let entry = entry?;
            let ty = entry.file_type()?;
            if ty.is_dir() {
                stack.push(entry.path());
            } else if ty.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether a link leads out of the site and its sources (`https://...`, `mailto:...`).
fn is_external(link: &str) -> bool {
    super::links::has_host(link) || link.starts_with("mailto:") || link.starts_with("javascript:")
}

/// A link's path with its percent-encoding decoded, as a browser finds the file.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A relative link's target from a page's folder (itself resolved), as `normalize` gives it: each leading `..`
/// takes the folder's last part off, the rest is appended. `None` for what that does not cover (a link with `.`,
/// `..` or an empty part after its start, one that climbs past the root, a path not in UTF-8), which `normalize`
/// resolves. Each link of a site is resolved: this costs a tenth of `normalize` on the whole joined path.
fn resolve(folder: &Path, link: &str) -> Option<PathBuf> {
    let mut base = folder.to_str().filter(|_| std::path::MAIN_SEPARATOR == '/')?;
    let absolute = base.starts_with('/');
    let mut rest = link;
    loop {
        if let Some(after) = rest.strip_prefix("../") {
            // Up to the root (`/a` to ``) but not past it, nor past the start of a relative folder.
            base = &base[..base.rfind('/')?];
            rest = after;
        } else if let Some(after) = rest.strip_prefix("./") {
            rest = after;
        } else {
            break;
        }
    }
    if (base.is_empty() && !absolute) || rest.starts_with('/') || rest.split('/').any(|p| matches!(p, "" | "." | ".."))
    {
        return None;
    }
    Some(PathBuf::from(format!("{base}/{rest}")))
}

/// A path with `.` and `..` components resolved, without touching the file system.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `id="..."` and `href="..."` attributes of generated HTML (kubewalk writes attributes with double quotes).
fn html_links(text: &str) -> PageLinks {
    let attr = |needle: &str| -> Vec<String> {
        memchr::memmem::find_iter(text.as_bytes(), needle.as_bytes())
            .filter_map(|i| {
                let value = &text[i + needle.len()..];
                value.find('"').map(|end| unescape_attr(&value[..end]))
            })
            .collect()
    };
    PageLinks {
        ids: attr(" id=\"").into_iter().collect(),
        links: attr(" href=\""),
    }
}

/// Attribute values with HTML's character references decoded (`&#x2f;`, `&amp;`, ...).
fn unescape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Links of a Markdown page, and its anchors: `<a id="...">` and GitHub's heading slugs.
fn markdown_links(text: &str) -> PageLinks {
    let mut links = MarkdownLinks::default();
    for event in Parser::new_ext(text, super::html::options()) {
        links.event(&event);
    }
    links.finish()
}

/// The links and anchors of a Markdown page, read from its events as it is parsed (once, by whoever parses it).
#[derive(Default)]
pub struct MarkdownLinks {
    ids: BTreeSet<String>,
    links: Vec<String>,
    heading: Option<String>,
}

impl MarkdownLinks {
    pub fn event(&mut self, event: &Event) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => self.links.push(dest_url.to_string()),
            Event::Start(Tag::Heading { .. }) => self.heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = self.heading.take() {
                    self.ids.insert(github_slug(&h));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = &mut self.heading {
                    h.push_str(t);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let mut rest = h.as_ref();
                while let Some(i) = rest.find(" id=\"") {
                    rest = &rest[i + 5..];
                    if let Some(end) = rest.find('"') {
                        self.ids.insert(rest[..end].to_string());
                        rest = &rest[end..];
                    }
                }
            }
            _ => {}
        }
    }

    pub fn finish(self) -> PageLinks {
        PageLinks {
            ids: self.ids,
            links: self.links,
        }
    }
}

/// GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces as `-`.
fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_resolved_from_its_folder_lands_where_normalize_puts_it() {
        assert_eq!(percent_decode("a%20b%2Fc%zz%2"), "a b/c%zz%2");
        // A link resolved from its page's folder lands where normalizing the joined path does, or is left to it.
        for (folder, link) in [
            ("/out/ref/k8s.io/api", "../../binaries/kubectl.html"),
            ("/out/ref", "../../../tree/pkg/a.go"),
            ("/out", "x.md"),
            ("/out/a", "./b/../c.md"),
            ("/out/a", "b//c.md"),
            ("/out/a", "b/."),
            ("/out", "../../.."),
            ("/tmp/site/binaries", "../../../work/tree/a.go"),
            ("/out", "../x.md"),
            ("/out", "../../x.md"),
            ("/out/a", "/abs.md"),
            ("out/a", "../../b.md"),
        ] {
            let folder = Path::new(folder);
            let joined = normalize(&folder.join(link));
            if let Some(resolved) = resolve(folder, link) {
                assert_eq!(resolved.as_os_str(), joined.as_os_str(), "{folder:?} {link}");
            }
        }
        assert!(resolve(Path::new("/out/ref/k8s.io"), "../../binaries/kubectl.html").is_some());
        assert!(resolve(Path::new("/out"), "./b/../c.md").is_none());
        // A site just below the root links its sources by climbing to it.
        assert!(resolve(Path::new("/tmp/site/binaries"), "../../../work/tree/a.go").is_some());
    }

    #[test]
    fn finds_broken_links_and_anchors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "<a href=\"b.html#x\">b</a> <a href=\"b.html#nope\">c</a> <a href=\"missing.html\">m</a> <a href=\"https://x\">e</a> <a href=\"mailto:a@example.invalid\">f</a> <a href=\"javascript:void(0)\">g</a>").unwrap();
        std::fs::write(dir.path().join("b.html"), "<h2 id=\"x\">x</h2><a href=\"#x\">self</a>").unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "## Add, Get and Done\n\n[ok](#add-get-and-done) [ok](b.md#y) [bad](b.md#z)\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.md"), "<a id=\"y\"></a>\n").unwrap();
        // Source files outside the site, linked by line from a page in a folder.
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("ref/k8s.io")).unwrap();
        std::fs::create_dir_all(dir.path().join("tree/pkg")).unwrap();
        std::fs::write(dir.path().join("tree/pkg/a.go"), "package a\n\nfunc F() {}\n").unwrap();
        std::fs::write(
            site.join("ref/k8s.io/p.md"),
            "[ok](../../../tree/pkg/a.go#L3) [bad](../../../tree/pkg/a.go#L9) [gone](../../../tree/pkg/b.go#L1)\n",
        )
        .unwrap();
        let report = check_site(dir.path()).unwrap();
        let broken: Vec<String> = report.broken.iter().map(|b| b.to_string()).collect();
        assert_eq!(
            broken,
            [
                "a.html: b.html#nope (no such anchor)",
                "a.html: missing.html (no such file)",
                "a.md: b.md#z (no such anchor)",
                "site/ref/k8s.io/p.md: ../../../tree/pkg/a.go#L9 (no such line)",
                "site/ref/k8s.io/p.md: ../../../tree/pkg/b.go#L1 (no such file)",
            ]
        );
    }
}
