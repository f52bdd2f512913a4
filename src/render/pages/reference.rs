//! The API reference: a page for every package a guide mentions, from the package's documentation in the scan
//! (its types, fields, methods, method sets, implements, functions and constants), each entry linked back to the
//! guides that mention it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{Builder, PageSpec, Section};
use crate::render::links::{func_anchor, home, method_anchor, ref_page, rel, type_anchor};
use crate::scan::ImplDoc;

pub fn pages(b: &Builder) -> Vec<PageSpec> {
    let rendered: BTreeSet<String> = b.mentions.packages().into_iter().collect();
    // Each package's page on its own, in order: they only read what the guides recorded.
    use rayon::prelude::*;
    rendered
        .par_iter()
        .filter_map(|path| {
            let doc = b.data.packages.doc(path)?;
            let id = ref_page(path);
            let link_if_rendered = |target: &str| -> Value {
                let (tpath, name) = target.rsplit_once('.').unwrap_or(("", target));
                let short = target.rsplit('/').next().unwrap_or(target);
                if rendered.contains(tpath) {
                    json!({ "text": short, "href": rel(&id, &ref_page(tpath), Some(&type_anchor(name))) })
                } else {
                    json!({ "text": short, "href": null })
                }
            };
            let impls = |list: &[ImplDoc], with_platforms: bool| -> Vec<Value> {
                list.iter()
                    .map(|i| {
                        let mut v = link_if_rendered(&i.id);
                        v["pointer_only"] = json!(i.pointer_only);
                        if with_platforms {
                            v["platforms"] = json!(i.platforms);
                        }
                        v
                    })
                    .collect()
            };
            let types: Vec<Value> = doc
                .types
                .iter()
                .map(|t| {
                    let name = t.name.as_ref();
                    let anchor = type_anchor(name);
                    b.search(name, "type", path, &id, &anchor);
                    let methods: Vec<Value> = doc
                        .methods
                        .iter()
                        .filter(|m| m.receiver.as_ref().and_then(|r| r.base.as_deref()) == Some(name))
                        .map(|m| {
                            json!({
                                "anchor": method_anchor(name, &m.name),
                                "name": m.name,
                                "receiver": m.receiver.as_ref().map(|r| &r.ty),
                                "signature": m.signature,
                                "doc": m.doc,
                                "src": b.src(&id, &m.file, m.line),
                                "platforms": m.platforms,
                            })
                        })
                        .collect();
                    let set = t
                        .method_set
                        .as_ref()
                        .or_else(|| t.interface.as_ref().map(|i| &i.method_set));
                    let method_set: Vec<Value> = set
                        .into_iter()
                        .flatten()
                        .map(|m| {
                            json!({
                                "name": m.name, "signature": m.signature, "value": m.value,
                                "owner": link_if_rendered(&m.owner),
                                "promoted_via": m.promoted_via,
                            })
                        })
                        .collect();
                    let backs: Vec<Value> = b
                        .mentions
                        .back_links(path, &anchor)
                        .iter()
                        .map(|p| json!({ "page": p, "href": rel(&id, p, None) }))
                        .collect();
                    json!({
                        "anchor": anchor,
                        "name": name,
                        "kind": t.kind,
                        "type_params": t.type_params,
                        "type": t.ty,
                        "doc": t.doc,
                        "src": b.src(&id, &t.file, t.line),
                        "platforms": t.platforms,
                        "fields": t.fields,
                        "interface_methods": t.interface.as_ref().map(|i| i.methods.clone()).unwrap_or_default(),
                        "embeds": t.interface.as_ref().map(|i| i.embeds.clone()).unwrap_or_default(),
                        "methods": methods,
                        "method_set": method_set,
                        "implements": impls(&t.implements, true),
                        "implemented_by": impls(&t.implemented_by, false),
                        "mentioned_by": backs,
                    })
                })
                .collect();
            let funcs: Vec<Value> = doc
                .funcs
                .iter()
                .map(|f| {
                    let anchor = func_anchor(&f.name);
                    b.search(&f.name, "func", path, &id, &anchor);
                    json!({
                        "anchor": anchor, "name": f.name, "type_params": f.type_params, "signature": f.signature,
                        "doc": f.doc, "platforms": f.platforms,
                        "src": b.src(&id, &f.file, f.line),
                    })
                })
                .collect();
            let consts: Vec<Value> = doc
                .consts
                .iter()
                .filter(|c| c.name != "_")
                .map(|c| {
                    json!({
                        "name": c.name, "type": c.ty, "expr": c.expr, "value": c.value,
                        "value_kind": c.value_kind, "doc": c.doc,
                        "src": b.src(&id, &c.file, c.line),
                    })
                })
                .collect();
            let context = json!({
                "import_path": path,
                "name": doc.name,
                "dir": doc.dir,
                "doc": doc.doc,
                "files": doc.files.iter().map(|f| f.path.to_string()).collect::<Vec<_>>(),
                "types": types,
                "funcs": funcs,
                "consts": consts,
            });
            let mut page = b.page(&id, path, &[("Home".to_string(), home())], "package.md", context);
            page.section = Section::Reference;
            Some(page)
        })
        .collect()
}
