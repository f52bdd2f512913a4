//! Page contexts: Rust computes every fact, link and order; templates only format. Each topic's pages are built
//! by its kind's module from its definition and its typed report.

mod binaries;
mod calls;
mod commands;
mod home;
mod implementers;
mod reference;
mod upgrade;
mod workqueue;

use crate::HashMap;
use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use super::links::{func_anchor, method_anchor, ref_page, rel, type_anchor, Mentions, PageId, SourceLinks};
use crate::scan::PackageDoc;
use crate::scanner::{Scan, Stats};
use crate::topics::{Report, TopicDef, Topics};

/// A page before rendering: which template, with what context.
pub struct PageSpec {
    pub id: PageId,
    pub title: String,
    /// `(title, page id)` from the home page down, the page itself excluded.
    pub breadcrumbs: Vec<(String, PageId)>,
    pub template: String,
    pub context: Context,
    /// Mermaid text to SVG, for the HTML conversion.
    pub diagrams: HashMap<String, String>,
    /// The sidebar section the page is listed in: `Guides`, a topic's entries, or `Reference`.
    pub section: Section,
}

/// A page's facts: JSON values a topic's pages are assembled from (its walkthroughs are added later), or a
/// template value made at once from typed facts.
pub enum Context {
    Json(Value),
    Template(minijinja::Value),
}

impl Default for Context {
    fn default() -> Context {
        Context::Json(Value::Null)
    }
}

impl From<Value> for Context {
    fn from(value: Value) -> Context {
        Context::Json(value)
    }
}

impl Context {
    /// The facts as the template gets them.
    pub fn into_template_value(self) -> minijinja::Value {
        match self {
            Context::Json(value) => minijinja::Value::from_serialize(value),
            Context::Template(value) => value,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Guides,
    /// A topic's entry pages, by the topic's position, a group within the topic, and a title.
    Entries(usize, u8, String),
    Reference,
}

/// One search entry: `[name, kind, detail, page id, anchor]`.
pub type SearchEntry = [String; 5];

/// The packages of what a site is built from: a scan's model, or the packages of a saved scan.
pub enum Packages<'a> {
    Scan(&'a Scan),
    Saved {
        docs: &'a [PackageDoc<'static>],
        by_path: HashMap<&'a str, usize>,
    },
}

/// A package's size, for the home page.
pub struct PackageSize {
    pub import_path: String,
    pub files: usize,
    pub types: usize,
    pub funcs: usize,
    pub methods: usize,
}

impl<'a> Packages<'a> {
    pub fn saved(docs: &'a [PackageDoc<'static>]) -> Packages<'a> {
        let mut by_path: HashMap<&str, usize> = HashMap::default();
        for (i, doc) in docs.iter().enumerate() {
            // As in the model: of two package clauses in one folder, the one with more files owns the path.
            match by_path.get(doc.import_path.as_ref()) {
                Some(&j) if docs[j].files.len() >= doc.files.len() => {}
                _ => {
                    by_path.insert(doc.import_path.as_ref(), i);
                }
            }
        }
        Packages::Saved { docs, by_path }
    }

    pub fn has_package(&self, path: &str) -> bool {
        match self {
            Packages::Scan(scan) => scan.tree_package(path).is_some(),
            Packages::Saved { by_path, .. } => by_path.contains_key(path),
        }
    }

    pub fn has_type(&self, path: &str, name: &str) -> bool {
        match self {
            Packages::Scan(scan) => scan
                .tree_package(path)
                .is_some_and(|p| scan.model.pkg(p).type_index.contains_key(name)),
            Packages::Saved { docs, by_path } => by_path
                .get(path)
                .is_some_and(|&i| docs[i].types.iter().any(|t| t.name == name)),
        }
    }

    /// Every package but external test packages, with its size.
    pub fn sizes(&self) -> Vec<PackageSize> {
        match self {
            Packages::Scan(scan) => scan
                .model
                .packages
                .iter()
                .filter(|p| !p.import_path.ends_with("_test") && !p.support)
                .map(|p| PackageSize {
                    import_path: p.import_path.clone(),
                    files: p.files.len(),
                    types: p.types.len(),
                    funcs: p.funcs.len(),
                    methods: p.methods.len(),
                })
                .collect(),
            Packages::Saved { docs, .. } => docs
                .iter()
                .filter(|p| !p.import_path.ends_with("_test"))
                .map(|p| PackageSize {
                    import_path: p.import_path.to_string(),
                    files: p.files.len(),
                    types: p.types.len(),
                    funcs: p.funcs.len(),
                    methods: p.methods.len(),
                })
                .collect(),
        }
    }

    /// The documentation of a package, as the scan JSON holds it.
    pub fn doc(&self, path: &str) -> Option<PackageDoc<'a>> {
        match self {
            Packages::Scan(scan) => {
                let id = scan.tree_package(path)?;
                Some(crate::scan::package_doc(&scan.model, &scan.consts, id))
            }
            Packages::Saved { docs, by_path } => by_path.get(path).map(|&i| docs[i].clone()),
        }
    }
}

/// What a site is built from.
pub struct SiteData<'a> {
    pub stats: &'a Stats,
    pub packages: Packages<'a>,
    pub topics: &'a Topics,
    /// The scanned tree, for source excerpts; none when the site is built from a saved scan.
    pub root: Option<&'a Path>,
}

pub struct Builder<'a> {
    pub data: SiteData<'a>,
    pub source: SourceLinks,
    pub mentions: Mentions,
    pub title: String,
    /// Filled as pages are built, on several threads: sorted when the index is written.
    pub search: std::sync::Mutex<Vec<SearchEntry>>,
}

impl<'a> Builder<'a> {
    fn src(&self, from: &str, path: &str, line: u32) -> Option<String> {
        self.source.url(from, path, line)
    }

    /// `file:line` to a source link.
    fn src_at(&self, from: &str, location: &str) -> Option<String> {
        let (file, line) = location.rsplit_once(':').unwrap_or((location, "0"));
        self.src(from, file, line.parse().unwrap_or(0))
    }

    /// A link to a type's reference entry (`import/path.Name`), recorded as a mention; `None` when the type is not
    /// in the scanned tree.
    fn type_link(&self, from: &str, id: &str) -> Option<String> {
        let (path, name) = id.rsplit_once('.')?;
        if !self.data.packages.has_type(path, name) {
            return None;
        }
        let anchor = type_anchor(name);
        self.mentions.add(path, &anchor, from);
        Some(rel(from, &ref_page(path), Some(&anchor)))
    }

    fn package_link(&self, from: &str, path: &str) -> Option<String> {
        if !self.data.packages.has_package(path) {
            return None;
        }
        self.mentions.add(path, "", from);
        Some(rel(from, &ref_page(path), None))
    }

    fn method_link(&self, from: &str, path: &str, ty: &str, name: &str) -> Option<String> {
        if !self.data.packages.has_package(path) {
            return None;
        }
        let anchor = method_anchor(ty, name);
        self.mentions.add(path, &anchor, from);
        Some(rel(from, &ref_page(path), Some(&anchor)))
    }

    fn func_link(&self, from: &str, path: &str, name: &str) -> Option<String> {
        if !self.data.packages.has_package(path) {
            return None;
        }
        let anchor = func_anchor(name);
        self.mentions.add(path, &anchor, from);
        Some(rel(from, &ref_page(path), Some(&anchor)))
    }

    fn type_value(&self, from: &str, id: &str) -> Value {
        let short = id.rsplit('/').next().unwrap_or(id);
        let name = short.rsplit('.').next().unwrap_or(short);
        json!({ "id": id, "short": short, "name": name, "href": self.type_link(from, id) })
    }

    fn search(&self, name: &str, kind: &str, detail: &str, page: &str, anchor: &str) {
        self.search.lock().unwrap_or_else(|e| e.into_inner()).push([
            name.to_string(),
            kind.to_string(),
            detail.to_string(),
            page.to_string(),
            anchor.to_string(),
        ]);
    }

    /// The page of a binary, by its folder, when the site has one.
    fn binary_page(&self, dir: &str) -> Option<PageId> {
        let (def, report) = self.data.topics.binaries()?;
        binaries::page_of(def, report, dir)
    }

    fn page(
        &self,
        id: &str,
        title: &str,
        crumbs: &[(String, PageId)],
        template: &str,
        context: impl Into<Context>,
    ) -> PageSpec {
        PageSpec {
            id: id.to_string(),
            title: title.to_string(),
            breadcrumbs: crumbs.to_vec(),
            template: template.to_string(),
            context: context.into(),
            diagrams: HashMap::default(),
            section: Section::Guides,
        }
    }

    /// Every guide page (the home page, then each topic's pages in the order of the definitions), then the
    /// reference pages of the packages they mention.
    pub fn pages(&self) -> Vec<PageSpec> {
        use rayon::prelude::*;
        // Topics build their pages on every core; what they record (mentions, search entries) is ordered later.
        let topic_pages: Vec<(usize, Vec<PageSpec>)> = self
            .data
            .topics
            .list
            .par_iter()
            .enumerate()
            .map(|(i, topic)| {
                let mut pages = match &topic.report {
                    Report::Binaries(r) => binaries::pages(self, &topic.def, r),
                    Report::Commands(r) => commands::pages(self, &topic.def, r),
                    Report::Workqueue(r) => workqueue::pages(self, &topic.def, r.as_deref(), &topic.outlines),
                    Report::Implementers(r) => implementers::pages(self, &topic.def, r),
                    Report::Calls(r) => calls::calls_pages(self, &topic.def, r),
                    Report::Literals(r) => calls::literals_pages(self, &topic.def, r),
                    Report::FeatureGates(r) => upgrade::feature_gates_pages(self, &topic.def, r),
                    Report::ApiLifecycle(r) => upgrade::api_lifecycle_pages(self, &topic.def, r),
                    Report::Metrics(r) => upgrade::metrics_pages(self, &topic.def, r),
                    Report::Registry(r) => match &topic.def.kind {
                        crate::topics::Kind::Registry(def) => upgrade::registry_pages(self, &topic.def, def, r),
                        _ => Vec::new(),
                    },
                };
                self.attach_outlines(&mut pages, &topic.outlines);
                (i, pages)
            })
            .collect();
        let guides: Vec<home::Guide> = topic_pages
            .iter()
            .filter_map(|(i, pages)| {
                let topic = &self.data.topics.list[*i];
                let main = pages.first()?;
                Some(home::Guide {
                    def: &topic.def,
                    page: main.id.clone(),
                    count: count(&topic.report),
                })
            })
            .collect();
        let mut pages = vec![home::page(self, &guides)];
        for (i, mut list) in topic_pages {
            let title = self.data.topics.list[i].def.title.clone();
            for page in list.iter_mut().skip(1) {
                page.section = match std::mem::replace(&mut page.section, Section::Guides) {
                    // A group the kind chose, placed at its topic.
                    Section::Entries(_, group, title) => Section::Entries(i, group, title),
                    _ => Section::Entries(i, 0, title.clone()),
                };
            }
            pages.extend(list);
        }
        pages.extend(reference::pages(self));
        pages
    }
}

/// How many entries a report holds, for `{count}` in a topic's summary.
fn count(report: &Report) -> usize {
    match report {
        Report::Binaries(r) => r.binaries.len(),
        Report::Commands(r) => r.commands.len(),
        Report::Workqueue(r) => r.as_ref().map_or(0, |w| w.consumers.len()),
        Report::Implementers(r) => r.implementers.len(),
        Report::Calls(r) => r.calls.len(),
        Report::Literals(r) => r.literals.len(),
        Report::FeatureGates(r) => upgrade::gate_names(r).len(),
        Report::ApiLifecycle(r) => r.kinds.len(),
        Report::Metrics(r) => r.metrics.len(),
        Report::Registry(r) => r.entries.len(),
    }
}

/// The breadcrumbs of a topic's pages: home, then the topic's own page for its entries.
fn crumbs(def: &TopicDef, topic_page: Option<&str>) -> Vec<(String, PageId)> {
    let mut out = vec![("Home".to_string(), super::links::home())];
    if let Some(page) = topic_page {
        out.push((def.title.clone(), page.to_string()));
    }
    out
}

/// The topic's definition as a template sees it.
fn topic_value(def: &TopicDef) -> Value {
    serde_json::to_value(def).expect("a definition is plain data")
}

/// Items grouped by a key, keys in order.
fn group_by<T, K: Ord>(items: impl IntoIterator<Item = T>, key: impl Fn(&T) -> K) -> BTreeMap<K, Vec<T>> {
    let mut out: BTreeMap<K, Vec<T>> = BTreeMap::new();
    for item in items {
        out.entry(key(&item)).or_default().push(item);
    }
    out
}

/// The anchor of a function's walkthrough on its guide: `outline-type-add` for `(*Type).Add`.
pub fn outline_anchor(function: &str) -> String {
    format!("outline-{}", crate::render::links::slug(function))
}

impl Builder<'_> {
    /// Puts each walkthrough on the page of the entry whose type is in the outlined function's package (an
    /// emptyDir function on the emptyDir plugin's page), else on the topic's guide (its first page).
    fn attach_outlines(&self, pages: &mut [PageSpec], outlines: &[crate::topics::outline::Outline]) {
        if pages.is_empty() {
            return;
        }
        let mut by_page: Vec<Vec<&crate::topics::outline::Outline>> = vec![Vec::new(); pages.len()];
        for o in outlines {
            let entry = pages.iter().position(|p| {
                let Context::Json(context) = &p.context else {
                    return false;
                };
                context["type"]["id"]
                    .as_str()
                    .and_then(|id| id.rsplit_once('.'))
                    .is_some_and(|(path, _)| path == o.package)
            });
            by_page[entry.unwrap_or(0)].push(o);
        }
        for (page, list) in pages.iter_mut().zip(by_page) {
            if list.is_empty() {
                continue;
            }
            match &mut page.context {
                Context::Json(context) => context["outlines"] = json!(self.outlines(&page.id, &list)),
                Context::Template(_) => unreachable!("a topic's pages are built as JSON"),
            }
        }
    }

    /// The walkthroughs of a page: for each outline its title, anchor, reference link, source link, and its
    /// steps as a nested Markdown list.
    fn outlines(&self, from: &str, outlines: &[&crate::topics::outline::Outline]) -> Vec<Value> {
        outlines
            .iter()
            .map(|o| {
                let href = match o.function.rsplit_once(").") {
                    Some((recv, name)) => {
                        let ty = recv.trim_start_matches(['(', '*']);
                        self.method_link(from, &o.package, ty, name)
                    }
                    None => self.func_link(from, &o.package, &o.function),
                };
                let mut body = String::new();
                self.outline_steps(from, o, &o.steps, 0, &mut body);
                json!({
                    "function": o.function,
                    "package": o.package,
                    "anchor": outline_anchor(&o.function),
                    "href": href,
                    "src": self.src(from, &o.file, o.line),
                    "body": body,
                })
            })
            .collect()
    }

    /// Code whose names of the tree link to the reference: adjacent code spans, the named ones linked.
    fn linked_code(&self, from: &str, text: &str, mentions: &[crate::topics::outline::Mention]) -> String {
        use crate::render::markdown::{code_span, url};
        let is_ident = |c: char| c.is_alphanumeric() || c == '_';
        // Each mention's first place in the text, at a name boundary, with its link.
        let mut places: Vec<(usize, usize, String)> = mentions
            .iter()
            .filter_map(|m| {
                let at = text.match_indices(m.text.as_str()).map(|(i, _)| i).find(|&i| {
                    let before = text[..i].chars().next_back().is_none_or(|c| !is_ident(c) && c != '.');
                    let after = text[i + m.text.len()..].chars().next().is_none_or(|c| !is_ident(c));
                    before && after
                })?;
                let href = match m.name.split_once('.') {
                    Some((ty, method)) => self.method_link(from, &m.package, ty, method),
                    None if self.data.packages.has_type(&m.package, &m.name) => {
                        self.type_link(from, &format!("{}.{}", m.package, m.name))
                    }
                    None => self.func_link(from, &m.package, &m.name),
                }?;
                Some((at, at + m.text.len(), href))
            })
            .collect();
        places.sort();
        let mut out = String::new();
        let mut pos = 0;
        for (start, end, href) in places {
            if start < pos {
                continue;
            }
            if start > pos {
                out.push_str(&code_span(&text[pos..start]));
            }
            out.push_str(&format!("[{}]({})", code_span(&text[start..end]), url(&href)));
            pos = end;
        }
        if pos < text.len() || out.is_empty() {
            out.push_str(&code_span(&text[pos..]));
        }
        out
    }

    /// "Returns", or "Returns `values`" with the values' names linked.
    fn returns(&self, from: &str, step: &crate::topics::outline::Step) -> String {
        match step.text.strip_prefix("return").map(str::trim_start) {
            Some("") | None => "Returns".to_string(),
            Some(values) => format!("Returns {}", self.linked_code(from, values, &step.mentions)),
        }
    }

    fn outline_steps(
        &self,
        from: &str,
        o: &crate::topics::outline::Outline,
        steps: &[crate::topics::outline::Step],
        depth: usize,
        out: &mut String,
    ) {
        use crate::render::markdown::{code_span, url};
        for s in steps {
            let code = self.linked_code(from, &s.text, &s.mentions);
            // A guard that only leaves reads as one sentence: "Returns `nil, true` when `len(q.queue) == 0`".
            let leaves_only = s.kind == "guard"
                && s.steps.len() == 1
                && matches!(s.steps[0].kind.as_str(), "return" | "branch")
                && s.steps[0].steps.is_empty();
            let line = if leaves_only {
                let exit = &s.steps[0];
                let what = match exit.kind.as_str() {
                    "return" => self.returns(from, exit),
                    _ => code_span(&exit.text),
                };
                format!("{what} when {code}")
            } else {
                match s.kind.as_str() {
                    "guard" => format!("When {code}, leaves:"),
                    "if" => format!("If {code}:"),
                    "else" if s.text.is_empty() => "Else:".to_string(),
                    "else" => format!("Else if {code}:"),
                    "loop" => format!("Loops {code}:"),
                    "switch" if s.text.is_empty() => "Switch:".to_string(),
                    "switch" => format!("Switch on {code}:"),
                    "select" => "Waits on the first ready case:".to_string(),
                    "case" if s.text == "default" => "Default:".to_string(),
                    "case" => format!("Case {code}:"),
                    "call" => format!("Calls {code}"),
                    "defer" => format!("Defers {code}"),
                    "go" => format!("Starts {code} in a goroutine"),
                    "return" => self.returns(from, s),
                    _ => code,
                }
            };
            out.push_str(&"  ".repeat(depth));
            out.push_str("- ");
            out.push_str(&line);
            for c in &s.constants {
                out.push_str(&format!(" ({} = {})", code_span(&c.name), code_span(&c.value)));
            }
            if let Some(target) = &s.calls {
                out.push_str(&format!(" ([walkthrough](#{}))", url(&outline_anchor(target))));
            }
            if let Some(src) = self.src(from, &o.file, s.line) {
                out.push_str(&format!(" · [{}]({})", s.line, url(&src)));
            } else {
                out.push_str(&format!(" · line {}", s.line));
            }
            out.push('\n');
            if !leaves_only {
                self.outline_steps(from, o, &s.steps, depth + 1, out);
            }
        }
    }
}
