//! The site: guides and reference pages rendered from templates into Markdown, then into HTML with a layout,
//! a search index, and a link check.

pub mod check;
mod diagram;
pub mod highlight;
mod html;
pub mod links;
pub mod markdown;
mod output;
pub mod pages;

pub use output::OutputDir;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value as TplValue};
use serde_json::json;

use crate::cli::SiteFormat;
use links::{rel_html, root_prefix, Mentions, SourceLinks};

/// The default templates and static files, embedded; a user folder overrides any single file.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("home.md", include_str!("../../templates/home.md")),
    ("binaries.md", include_str!("../../templates/binaries.md")),
    ("binary.md", include_str!("../../templates/binary.md")),
    ("commands.md", include_str!("../../templates/commands.md")),
    ("workqueue.md", include_str!("../../templates/workqueue.md")),
    ("implementers.md", include_str!("../../templates/implementers.md")),
    ("implementer.md", include_str!("../../templates/implementer.md")),
    ("calls.md", include_str!("../../templates/calls.md")),
    ("literals.md", include_str!("../../templates/literals.md")),
    ("feature_gates.md", include_str!("../../templates/feature_gates.md")),
    ("api_lifecycle.md", include_str!("../../templates/api_lifecycle.md")),
    ("metrics.md", include_str!("../../templates/metrics.md")),
    ("registry.md", include_str!("../../templates/registry.md")),
    (
        "topics/volume_plugins.md",
        include_str!("../../templates/topics/volume_plugins.md"),
    ),
    (
        "topics/preflight_checks.md",
        include_str!("../../templates/topics/preflight_checks.md"),
    ),
    ("package.md", include_str!("../../templates/package.md")),
    ("diff.md", include_str!("../../templates/diff.md")),
    ("macros.md", include_str!("../../templates/macros.md")),
    ("contents.md", include_str!("../../templates/contents.md")),
    ("layout.html", include_str!("../../templates/layout.html")),
    ("static/style.css", include_str!("../../templates/static/style.css")),
    ("static/search.js", include_str!("../../templates/static/search.js")),
];

pub struct SiteOptions {
    pub out: PathBuf,
    pub format: SiteFormat,
    pub templates: Option<PathBuf>,
    pub source_url: Option<String>,
    pub ref_name: String,
    pub title: String,
}

pub struct SiteReport {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub search_entries: usize,
    pub search_bytes: usize,
    /// The anchors and links of each page written, for the link check.
    pub links: Vec<(PathBuf, check::PageLinks)>,
}

/// Writes the default templates to `dir`.
pub fn export_templates(dir: &Path) -> Result<()> {
    for (name, text) in DEFAULT_TEMPLATES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("{}: cannot create", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    Ok(())
}

/// The template source of `name`: the user's file when it exists, else the embedded default.
fn template_source(dir: Option<&Path>, name: &str) -> Result<Option<String>> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .map(Some)
                .with_context(|| format!("{}: cannot read", path.display()));
        }
    }
    Ok(DEFAULT_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t.to_string()))
}

/// The template environment: undefined values are errors, and every value a Markdown template prints is escaped
/// as text unless a filter formatted it (see `markdown.rs`); HTML templates escape for HTML.
fn environment(dir: Option<PathBuf>) -> Environment<'static> {
    let dir_for_lookup = dir.clone();
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env.set_loader(move |name| {
        template_source(dir.as_deref(), name)
            .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::TemplateNotFound, format!("{e:#}")))
    });
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".md") {
            AutoEscape::Custom("markdown")
        } else {
            minijinja::default_auto_escape_callback(name)
        }
    });
    env.set_formatter(|out, state, value| {
        if state.auto_escape() != AutoEscape::Custom("markdown") {
            return minijinja::escape_formatter(out, state, value);
        }
        if value.is_safe() {
            return out
                .write_str(value.as_str().unwrap_or_default())
                .map_err(minijinja::Error::from);
        }
        let text = match value.as_str() {
            Some(text) => markdown::escape_text(text),
            None => markdown::escape_text(&value.to_string()),
        };
        out.write_str(&text).map_err(minijinja::Error::from)
    });
    // Text arguments are `Cow<str>`: a string is borrowed, any other value read as it prints, as minijinja reads a
    // `String` argument, without copying the hundreds of thousands of strings a site prints through these.
    env.add_filter("text", |value: Cow<str>| {
        TplValue::from_safe_string(markdown::escape_text(&value))
    });
    env.add_filter("cell", |value: Cow<str>| {
        TplValue::from_safe_string(markdown::escape_text(&value))
    });
    env.add_filter("code", |value: Cow<str>| {
        TplValue::from_safe_string(markdown::code_span(&value))
    });
    env.add_filter("codeblock", |value: Cow<str>, lang: Option<Cow<str>>| {
        TplValue::from_safe_string(markdown::code_block(&value, lang.as_deref().unwrap_or("")))
    });
    env.add_filter("doc", |value: Cow<str>| {
        TplValue::from_safe_string(markdown::doc_comment(&value, 4))
    });
    env.add_filter("url", |value: Cow<str>| {
        TplValue::from_safe_string(markdown::url(&value))
    });
    // HTML text whose long tokens may wrap between their parts (a package path in the sidebar or the table of
    // contents), for `layout.html`.
    env.add_filter("breakable", |value: Cow<str>| {
        TplValue::from_safe_string(html::breakable(&value))
    });
    // The small helpers every page template uses, as functions rather than macros: a macro call costs minijinja
    // thousands of instructions, and the package pages of v1.20.2 make hundreds of thousands of them.
    // `code_link(text, href)`: the text as code, linked when there is an address.
    env.add_function("code_link", |text: Cow<str>, href: Option<Cow<str>>| {
        TplValue::from_safe_string(match href.filter(|h| !h.is_empty()) {
            Some(href) => format!("[{}]({})", markdown::code_span(&text), markdown::url(&href)),
            None => markdown::code_span(&text),
        })
    });
    // `source_link(href)`: a source link, nothing when the site has no sources to link to.
    env.add_function("source_link", |href: Option<Cow<str>>| {
        TplValue::from_safe_string(
            href.filter(|h| !h.is_empty())
                .map(|h| format!("[source]({})", markdown::url(&h)))
                .unwrap_or_default(),
        )
    });
    // `source_at(href)`: a source link after a mention, in parentheses.
    env.add_function("source_at", |href: Option<Cow<str>>| {
        TplValue::from_safe_string(
            href.filter(|h| !h.is_empty())
                .map(|h| format!(" ([source]({}))", markdown::url(&h)))
                .unwrap_or_default(),
        )
    });
    // `platform_list(list)`: the platforms a declaration is built on, or "none".
    env.add_function(
        "platform_list",
        |list: TplValue| -> Result<TplValue, minijinja::Error> {
            let names: Vec<String> = list.try_iter()?.map(|name| name.to_string()).collect();
            Ok(TplValue::from_safe_string(if names.is_empty() {
                "none".to_string()
            } else {
                markdown::escape_text(&names.join(", "))
            }))
        },
    );
    // Whether a template exists, in the user's folder or among the defaults: a topic's own prose
    // (`topics/<id>.md`) is included where there is one.
    let dir_for_exists = dir_for_lookup;
    env.add_function("template_exists", move |name: Cow<str>| {
        template_source(dir_for_exists.as_deref(), &name).is_ok_and(|t| t.is_some())
    });
    env
}

/// Builds a site. `root` is the scanned tree (its files are linked and quoted), none for a saved scan.
pub fn build_site(data: pages::SiteData, options: &SiteOptions) -> Result<SiteReport> {
    let env = environment(options.templates.clone());
    // Local source links point into the tree; from a saved scan, at the folder the scan was of when it is given.
    let root_from_out = data.root.map(|root| relative_path(&options.out, root));
    let builder = pages::Builder {
        data,
        source: SourceLinks {
            template: options.source_url.clone(),
            ref_name: options.ref_name.clone(),
            root_from_out,
        },
        mentions: Mentions::default(),
        title: options.title.clone(),
        search: Default::default(),
    };
    let mut pages = builder.pages();
    pages.push(contents_page(&navigation(&pages)));
    let output = OutputDir::claim(&options.out)?;
    let mut report = SiteReport {
        pages: pages.len(),
        files: 0,
        bytes: 0,
        search_entries: 0,
        search_bytes: 0,
        links: Vec::new(),
    };
    let converter = html::Converter::new();
    let nav = navigation(&pages);
    let write = |path: &Path, text: &str| output.write(path, text.as_bytes());
    // Pages render, are written and have their links read in parallel; templates and conversion are pure.
    use rayon::prelude::*;
    // The search index is made beside the pages: its entries were all recorded as their facts were built.
    let entries = std::mem::take(&mut *builder.search.lock().unwrap_or_else(|e| e.into_inner()));
    // Each page's facts are dropped as soon as the template has them.
    let render = || -> Vec<Result<Written>> {
        pages
        .into_par_iter()
        // One page a task: split by halves, a thread kept a run of pages to itself, and on v1.20.2 one thread
        // rendered for 0.7 s after the other had finished (945 ms of pages against 505).
        .with_max_len(1)
        .map(|mut page| {
            let template = env.get_template(&page.template).map_err(template_error)?;
            let facts = std::mem::take(&mut page.context).into_template_value();
            let ctx = minijinja::context! {
                page => minijinja::context! { id => page.id, title => page.title, root => root_prefix(&page.id) },
                ..facts
            };
            let markdown = template.render(ctx).map_err(template_error)?;
            // The Markdown's links, read as the conversion parses it.
            let mut md_links = None;
            let html = if options.format != SiteFormat::Md {
                let mut links = check::MarkdownLinks::default();
                let (body, toc) = converter.convert_with(&markdown, &page.diagrams, |e| links.event(e));
                md_links = Some(links.finish());
                let layout = env.get_template("layout.html").map_err(template_error)?;
                let crumbs: Vec<serde_json::Value> = page
                    .breadcrumbs
                    .iter()
                    .map(|(t, p)| json!({ "title": t, "href": rel_html(&page.id, p, None) }))
                    .collect();
                let html = layout
                    .render(minijinja::context! {
                        page => page.id,
                        title => page.title,
                        site_title => options.title,
                        release => options.ref_name,
                        root => root_prefix(&page.id),
                        home => rel_html(&page.id, &links::home(), None),
                        breadcrumbs => crumbs,
                        nav_label => "Site",
                        nav => TplValue::from(Vec::<TplValue>::new()),
                        nav_script => format!("{}site-nav.js", root_prefix(&page.id)),
                        contents => rel_html(&page.id, links::CONTENTS, None),
                        search_placeholder => "Search types, functions, commands, flags",
                        toc => toc.iter().map(|t| json!({ "level": t.level, "id": t.id, "text": t.text })).collect::<Vec<_>>(),
                        body => body,
                    })
                    .map_err(template_error)?;
                Some(html)
            } else {
                None
            };
            let md = (options.format != SiteFormat::Html).then_some(markdown);
            let mut written = Vec::new();
            for (text, ext) in [(md, "md"), (html, "html")] {
                let Some(text) = text else { continue };
                let path = options.out.join(format!("{}.{ext}", page.id));
                let bytes = write(&path, &text)?;
                let links = match md_links.take().filter(|_| ext == "md") {
                    Some(links) => links,
                    None => check::page_links(&path, &text).expect("a page is .md or .html"),
                };
                written.push((path, bytes, links));
            }
            Ok(written)
        })
        .collect()
    };
    let search = || (options.format != SiteFormat::Md).then(|| search_index(entries));
    let (rendered, search) = rayon::join(render, search);
    for result in rendered {
        for (path, bytes, links) in result? {
            report.files += 1;
            report.bytes += bytes;
            report.links.push((path, links));
        }
    }
    if options.format != SiteFormat::Md {
        for name in ["static/style.css", "static/search.js"] {
            let text = template_source(options.templates.as_deref(), name)?.unwrap_or_default();
            report.bytes += write(&options.out.join(name), &text)?;
            report.files += 1;
        }
        report.bytes += write(&options.out.join("site-nav.js"), &nav_script(&nav)?)?;
        report.files += 1;
        let (entries, text) = search.expect("made for HTML")?;
        report.search_entries = entries;
        report.search_bytes = text.len();
        report.bytes += write(&options.out.join("search-index.js"), &text)?;
        report.files += 1;
    }
    output.finish()?;
    Ok(report)
}

/// The files a page was written to (its Markdown, its HTML, as the format asks), their sizes and their links.
type Written = Vec<(PathBuf, u64, check::PageLinks)>;

fn template_error(err: minijinja::Error) -> anyhow::Error {
    // `templates/home.md:3: undefined value`, like any other `path:line` message.
    let place = match (err.name(), err.line()) {
        (Some(name), Some(line)) => format!("{name}:{line}: "),
        (Some(name), None) => format!("{name}: "),
        _ => String::new(),
    };
    let what = match err.detail() {
        Some(detail) => format!("{}: {detail}", err.kind()),
        None => err.kind().to_string(),
    };
    anyhow::anyhow!("template {place}{what}")
}

/// The sidebar: the guides (home and each topic's page), each topic's entry pages, the reference. Sections of
/// secondary pages (a topic's second group, the reference) are closed unless they hold the page shown.
fn navigation(pages: &[pages::PageSpec]) -> Vec<NavSection> {
    let mut sections: BTreeMap<&pages::Section, Vec<(String, String)>> = BTreeMap::new();
    for page in pages {
        sections
            .entry(&page.section)
            .or_default()
            .push((page.title.clone(), page.id.clone()));
    }
    sections
        .into_iter()
        .map(|(section, items)| {
            let (title, open) = match section {
                pages::Section::Guides => ("Guides".to_string(), true),
                pages::Section::Entries(_, group, title) => (title.clone(), *group == 0),
                pages::Section::Reference => ("Reference".to_string(), false),
            };
            NavSection { title, open, items }
        })
        .collect()
}

/// A section of the sidebar: `(title, page id)` items.
struct NavSection {
    title: String,
    open: bool,
    items: Vec<(String, String)>,
}

/// The site's navigation, written once as a script every page loads (`site-nav.js`): `window.KUBEWALK_NAV =
/// [{title, open, items: [[title, cut where it may wrap], path from the root]}]`. Each page carrying its own copy
/// was 111 kB a page on v1.20.2 (60 of the site's 102 MB of HTML), and the time to lay it out, write it and check
/// its links.
fn nav_script(sections: &[NavSection]) -> Result<String> {
    let data = sections_value(sections, |title, id| {
        json!([html::breakable_parts(title), links::from_root_html(id, "")])
    });
    Ok(format!("window.KUBEWALK_NAV = {};\n", serde_json::to_string(&data)?))
}

/// The sidebar's sections as data, `[{title, open, items}]`, each item `(title, page id)` written by `item`.
fn sections_value(sections: &[NavSection], item: impl Fn(&str, &str) -> serde_json::Value) -> Vec<serde_json::Value> {
    sections
        .iter()
        .map(|s| {
            let items: Vec<serde_json::Value> = s.items.iter().map(|(title, id)| item(title, id)).collect();
            json!({ "title": s.title, "open": s.open, "items": items })
        })
        .collect()
}

/// The page that lists every page by its section of the sidebar: the navigation of a reader without scripts, and
/// the page whose links check the sidebar's.
fn contents_page(sections: &[NavSection]) -> pages::PageSpec {
    let id = links::CONTENTS.to_string();
    let sections = sections_value(
        sections,
        |title, page| json!({ "title": title, "href": links::rel(&id, page, None) }),
    );
    pages::PageSpec {
        breadcrumbs: vec![("Home".to_string(), links::home())],
        title: "All pages".to_string(),
        template: "contents.md".to_string(),
        context: json!({ "title": "All pages", "sections": sections }).into(),
        diagrams: Default::default(),
        section: pages::Section::Guides,
        id,
    }
}

/// `target` relative to `from` (both made absolute), for local source links.
fn relative_path(from: &Path, target: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        check::normalize(&p)
    };
    let (from, target) = (abs(from), abs(target));
    let from_parts: Vec<_> = from.components().collect();
    let target_parts: Vec<_> = target.components().collect();
    let common = from_parts.iter().zip(&target_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from_parts.len() - common];
    parts.extend(
        target_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The search index of a site's entries (name, kind, detail, page, anchor): how many it holds, and the script
/// that sets it.
fn search_index(mut entries: Vec<[String; 5]>) -> Result<(usize, String)> {
    entries.sort();
    entries.dedup();
    let index: Vec<serde_json::Value> = entries
        .iter()
        .map(|[name, kind, detail, page, anchor]| json!([name, kind, detail, links::from_root_html(page, anchor)]))
        .collect();
    Ok((
        index.len(),
        format!("window.KUBEWALK_SEARCH = {};\n", serde_json::to_string(&index)?),
    ))
}

/// Where the two sides of a diff link to: a source URL template, a local folder, or nothing.
pub enum DiffSource {
    Url(String, String),
    Folder(PathBuf),
    None,
}

/// Writes a diff report as Markdown and HTML (`diff.md`, `diff.html`) in the site's style.
pub fn write_diff_report(
    report: &crate::diff::Report,
    output: &OutputDir,
    markdown: bool,
    html_too: bool,
    templates: Option<PathBuf>,
    sides: (&DiffSource, &DiffSource),
    title: &str,
) -> Result<()> {
    let out = output.path();
    let env = environment(templates.clone());
    let page = "diff";
    let link = |side: &DiffSource, loc: Option<&crate::diff::Location>| -> Option<serde_json::Value> {
        let loc = loc?;
        let href = match side {
            DiffSource::Url(template, reference) => Some(
                SourceLinks {
                    template: Some(template.clone()),
                    ref_name: reference.clone(),
                    root_from_out: None,
                }
                .url(page, &loc.file, loc.line)?,
            ),
            DiffSource::Folder(dir) => Some(format!(
                "{}/{}#L{}",
                markdown::encode_path(&relative_path(out, dir)),
                markdown::encode_path(&loc.file),
                loc.line
            )),
            DiffSource::None => None,
        };
        Some(json!({ "text": format!("{}:{}", loc.file, loc.line), "href": href }))
    };
    let sections: Vec<serde_json::Value> = report
        .sections
        .iter()
        .map(|s| {
            let anchor = section_anchor(s);
            let list: Vec<serde_json::Value> = s
                .changes
                .iter()
                .enumerate()
                .map(|(n, c)| {
                    json!({
                        "message": c.message, "rule": c.rule, "severity": c.severity,
                        "old": link(sides.0, c.old.as_ref()), "new": link(sides.1, c.new.as_ref()),
                        "anchor": change_anchor(&anchor, n),
                    })
                })
                .collect();
            json!({
                "title": s.title, "anchor": anchor, "count": list.len(), "changes": list,
                "added": s.added, "removed": s.removed, "changed": s.changed,
            })
        })
        .collect();
    // "Before you upgrade": the changes of each binary (its flags and commands, by every topic) first, binaries by
    // folder, then each other section's.
    let titles: BTreeMap<&str, &str> = report
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    let mut groups: Vec<((bool, String), Vec<serde_json::Value>)> = Vec::new();
    for c in &report.before_you_upgrade {
        let key = match c.about.get("binary") {
            Some(binary) => (true, binary.clone()),
            None => (
                false,
                titles
                    .get(c.section.as_str())
                    .copied()
                    .unwrap_or(&c.section)
                    .to_string(),
            ),
        };
        let change = json!({
            "message": c.message, "severity": c.severity,
            "old": link(sides.0, c.old.as_ref()), "new": link(sides.1, c.new.as_ref()),
        });
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(change),
            None => groups.push((key, vec![change])),
        }
    }
    let upgrade: Vec<serde_json::Value> = groups
        .into_iter()
        .map(|((binary, title), changes)| json!({ "title": title, "binary": binary, "changes": changes }))
        .collect();
    let ctx = json!({
        "old": report.old, "new": report.new, "total": report.total, "breaking": report.breaking,
        "upgrade": upgrade, "upgrade_count": report.before_you_upgrade.len(),
        "sections": sections,
        "page": { "id": page, "title": title, "root": "" },
    });
    let markdown_text = env
        .get_template("diff.md")
        .and_then(|t| t.render(TplValue::from_serialize(&ctx)))
        .map_err(template_error)?;
    if markdown {
        output.write(&out.join("diff.md"), markdown_text.as_bytes())?;
    }
    if html_too {
        let (body, toc) = html::Converter::new().convert(&markdown_text, &Default::default());
        // The sidebar lists the report's sections, as the headings of its page name them.
        let nav = [json!({
            "title": "This report",
            "open": true,
            "items": toc.iter().filter(|t| t.level == 2).map(|t| json!({
                "title": t.text, "href": format!("#{}", t.id), "current": false,
            })).collect::<Vec<_>>(),
        })];
        let layout = env.get_template("layout.html").map_err(template_error)?;
        let html_text = layout
            .render(TplValue::from_serialize(json!({
                "page": "diff",
                "title": title,
                "site_title": "kubewalk diff",
                "release": format!("{} → {}", report.old, report.new),
                "root": "",
                "home": "diff.html",
                "breadcrumbs": [],
                "nav_label": "Report",
                "nav": nav,
                "nav_script": null,
                "contents": null,
                "search_placeholder": "Search the changes: flags, commands, gates",
                "toc": toc.iter().map(|t| json!({ "level": t.level, "id": t.id, "text": t.text })).collect::<Vec<_>>(),
                "body": body,
            })))
            .map_err(template_error)?;
        output.write(&out.join("diff.html"), html_text.as_bytes())?;
        for name in ["static/style.css", "static/search.js"] {
            let text = template_source(templates.as_deref(), name)?.unwrap_or_default();
            output.write(&out.join(name), text.as_bytes())?;
        }
        let index = diff_search_index(report, &toc);
        let text = format!("window.KUBEWALK_SEARCH = {};\n", serde_json::to_string(&index)?);
        output.write(&out.join("search-index.js"), text.as_bytes())?;
    }
    Ok(())
}

/// The anchor of a report's section, before its heading.
fn section_anchor(section: &crate::diff::Section) -> String {
    section.id.replace('_', "-")
}

/// The anchor of the `n`th change (from 0) of a section, in its row.
fn change_anchor(section_anchor: &str, n: usize) -> String {
    format!("{section_anchor}-change-{}", n + 1)
}

/// The search index of a diff report, in the site's form (`[name, kind, detail, href]`): the report's headings,
/// then each change by what it is about (its subject), linked to its row in its section. A report has its own
/// folder (`OutputDir::claim` would take a site's over), so this is all its search can find.
fn diff_search_index(report: &crate::diff::Report, toc: &[html::TocEntry]) -> Vec<serde_json::Value> {
    let mut entries = Vec::new();
    let mut parent = "";
    for t in toc {
        let detail = if t.level == 2 {
            parent = &t.text;
            String::new()
        } else {
            format!("in {parent}")
        };
        entries.push(json!([t.text, "section", detail, format!("diff.html#{}", t.id)]));
    }
    for section in &report.sections {
        let anchor = section_anchor(section);
        for (n, c) in section.changes.iter().enumerate() {
            entries.push(json!([
                c.subject,
                section.title,
                c.message,
                format!("diff.html#{}", change_anchor(&anchor, n))
            ]));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path(Path::new("/a/b/out"), Path::new("/a/src")), "../../src");
    }

    #[test]
    fn filters_print_any_value_and_refuse_undefined_ones() {
        let env = environment(None);
        let render = |source: &str| env.render_str(source, minijinja::context! { name => "a_b", n => 3, yes => true });
        assert_eq!(
            render("{{ name|code }} {{ n|code }} {{ yes|code }} {{ code_link(n, none) }} {{ platform_list([n]) }}")
                .unwrap(),
            "`a_b` `3` `True` `3` 3"
        );
        assert_eq!(render("{{ source_link(undefined_href) }}.").unwrap(), ".");
        let err = render("{{ missing|code }}").unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
    }
}
