//! An implementers topic's pages: every implementer with its name, capabilities and platforms, where lists of
//! them are assembled, and with `entry_pages` a page per implementer (what it constructs, its dispatch switches,
//! its registration). The volume plugins and preflight checks guides are two such topics.

use serde_json::{json, Value};

use super::{crumbs, topic_value, Builder, PageSpec};
use crate::platform::PLATFORMS;
use crate::render::links::{entry_page, entry_slugs, rel, topic_page};
use crate::topics::implementers::{Implementer, ImplementersReport};
use crate::topics::{Kind, TopicDef};

pub fn pages(b: &Builder, def: &TopicDef, report: &ImplementersReport) -> Vec<PageSpec> {
    let Kind::Implementers(kind) = &def.kind else {
        return Vec::new();
    };
    if report.implementers.is_empty() && report.assembled.as_ref().is_none_or(|a| a.is_empty()) {
        return Vec::new();
    }
    let id = topic_page(&def.id, kind.entry_pages);
    let noun = def.noun();
    let slugs: Vec<String> = {
        let entries: Vec<(&str, &str)> = report
            .implementers
            .iter()
            .map(|i| (i.dir.as_str(), i.ty.rsplit('.').next().unwrap_or(&i.ty)))
            .collect();
        entry_slugs(&entries)
    };
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for (i, imp) in report.implementers.iter().enumerate() {
        let title = title_of(imp);
        let page = kind.entry_pages.then(|| entry_page(&def.id, &slugs[i]));
        match &page {
            Some(page) => b.search(&title, &noun, &imp.ty, page, ""),
            None => b.search(
                imp.ty.rsplit('.').next().unwrap_or(&imp.ty),
                &noun,
                imp.static_name().unwrap_or(""),
                &id,
                "",
            ),
        }
        // Where lists add it: the platforms of the `runtime.GOOS` tests around each place (every platform where
        // there is none); without lists, everywhere it is implemented.
        let listed: Vec<&crate::topics::implementers::AssembledEntry> = report
            .assembled
            .iter()
            .flatten()
            .flat_map(|a| a.entries.iter())
            .filter(|e| e.element == imp.ty)
            .collect();
        let added_on = |p: &str| {
            listed.is_empty()
                || listed
                    .iter()
                    .any(|e| e.platforms.as_ref().is_none_or(|ps| ps.iter().any(|x| x == p)))
        };
        // Each file declaring its methods, with the platforms it is built for, once.
        let mut files: Vec<(String, Vec<String>)> = Vec::new();
        for m in &imp.implemented_in {
            if !files.iter().any(|(f, _)| *f == m.file) {
                files.push((m.file.clone(), m.platforms.clone()));
            }
        }
        let files: Vec<Value> = files
            .iter()
            .map(|(f, ps)| {
                json!({
                    "file": f.rsplit('/').next().unwrap_or(f),
                    "platforms": if ps.len() == PLATFORMS.len() { "all".to_string() } else { ps.join(", ") },
                    "src": b.src(&id, f, imp.implemented_in.iter().find(|m| &m.file == f).map_or(0, |m| m.line)),
                })
            })
            .collect();
        rows.push(json!({
            "fake": imp.test_fake,
            "files": files,
            "listed": !listed.is_empty(),
            "name": imp.static_name(),
            "named": imp.name.is_some(),
            "name_expr": imp.name_expr,
            "type": b.type_value(&id, &imp.ty),
            "implements": imp.implements,
            "platforms": imp.platforms,
            "on": PLATFORMS.iter().map(|p| imp.platforms.iter().any(|x| x == p) && added_on(p)).collect::<Vec<_>>(),
            "href": page.as_ref().map(|p| rel(&id, p, None)),
            "src": b.src(&id, &imp.file, imp.line),
        }));
        if let Some(page) = page {
            entries.push(entry(b, def, &id, &page, &title, imp));
        }
    }
    let assembled: Vec<Value> = report
        .assembled
        .iter()
        .flatten()
        .map(|a| {
            json!({
                "function": a.function,
                "src": b.src(&id, &a.file, a.line),
                "location": format!("{}:{}", a.file, a.line),
                "entries": a.entries.iter().map(|e| json!({
                    "text": e.element.rsplit('.').next().unwrap_or(&e.element),
                    "href": b.type_link(&id, &e.element),
                    "src": b.src(&id, &a.file, e.line),
                    "line": e.line,
                    "conditions": e.conditions,
                    "platforms": e.platforms.as_ref().map(|p| p.join(", ")),
                })).collect::<Vec<_>>(),
                "elements": a.elements.iter().map(|e| match b.type_link(&id, e) {
                    Some(href) => json!({ "text": e.rsplit('.').next().unwrap_or(e), "href": href }),
                    None => json!({ "text": e, "href": null }),
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "noun": noun,
        "interface": kind.interface.rsplit('/').next().unwrap_or(&kind.interface),
        "interface_name": kind.interface.rsplit('.').next().unwrap_or(&kind.interface),
        "interface_href": b.type_link(&id, &kind.interface),
        "platforms": PLATFORMS,
        "entries": rows,
        "assembled": assembled,
    });
    let mut pages = vec![b.page(&id, &def.title, &crumbs(def, None), "implementers.md", context)];
    pages.extend(entries);
    pages
}

/// An implementer's title: its static name, else its type.
fn title_of(imp: &Implementer) -> String {
    imp.static_name()
        .map(str::to_string)
        .unwrap_or_else(|| imp.ty.rsplit('/').next().unwrap_or(&imp.ty).to_string())
}

fn entry(b: &Builder, def: &TopicDef, index: &str, id: &str, title: &str, imp: &Implementer) -> PageSpec {
    let Kind::Implementers(kind) = &def.kind else {
        unreachable!("the caller matched the kind");
    };
    let constructs: Vec<Value> = imp
        .constructs
        .iter()
        .flatten()
        .map(|c| {
            json!({
                "role": c.role,
                "type": b.type_value(id, &c.ty),
                "methods": c.methods.iter().map(|m| json!({
                    "name": m.name,
                    "owner": b.type_value(id, &m.owner),
                    "promoted_via": m.promoted_via,
                    "src": m.locations.first().map(|l| b.src_at(id, l)),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let dispatch: Vec<Value> = imp
        .dispatch
        .iter()
        .flatten()
        .map(|d| {
            let mut v = serde_json::to_value(d).expect("plain data");
            v["method_short"] = json!(d.method.rsplit('/').next().unwrap_or(&d.method));
            v["src"] = json!(b.src(id, &d.file, d.line));
            v
        })
        .collect();
    let registered: Vec<Value> = imp
        .registered
        .iter()
        .flatten()
        .map(|r| {
            let binary = r.binary.as_deref().unwrap_or_default();
            json!({
                "binary": binary,
                "binary_href": b.binary_page(binary).map(|p| rel(id, &p, None)),
                "function": r.function,
                "src": b.src(id, &r.file, r.line),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "noun": def.noun(),
        "title": title,
        "named": imp.name.is_some(),
        "name": imp.static_name(),
        "name_expr": imp.name_expr,
        "name_method": kind.name_method,
        "name_src": imp.name_method.clone().flatten().map(|l| b.src_at(id, &l)),
        "type": b.type_value(id, &imp.ty),
        "dir": imp.dir,
        "src": b.src(id, &imp.file, imp.line),
        "implements": imp.implements,
        "platforms": imp.platforms,
        "pointer_only": imp.pointer_only,
        "constructs": constructs,
        "dispatch": dispatch,
        "registration": kind.registration,
        "registered": registered,
        // The files of its package built for some platforms only (emptyDir's medium detection per OS).
        "platform_files": imp
            .ty
            .rsplit_once('.')
            .and_then(|(path, _)| b.data.packages.doc(path))
            .map(|doc| {
                doc.files
                    .iter()
                    .filter(|f| f.platforms.len() < PLATFORMS.len() && !f.path.ends_with("_test.go"))
                    .map(|f| json!({
                        "file": f.path.rsplit('/').next().unwrap_or(&f.path),
                        "platforms": if f.platforms.is_empty() { "none".to_string() } else { f.platforms.join(", ") },
                        "constraint": f.go_build.as_deref().or(f.plus_build.first().map(|s| s.as_str())),
                        "src": b.src(id, &f.path, 1),
                    }))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    });
    b.page(id, title, &crumbs(def, Some(index)), "implementer.md", context)
}
