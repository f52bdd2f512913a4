//! The API reference: a page for every package a guide mentions, from the package's documentation in the scan
//! (its types, fields, methods, method sets, implements, functions and constants), each entry linked back to the
//! guides that mention it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{Builder, Context, PageSpec, Section};
use crate::render::links::{func_anchor, home, method_anchor, ref_page, rel, type_anchor};
use crate::scan::{FieldDoc, FuncDoc, ImplDoc, InterfaceMethodDoc, PackageDoc};
use crate::HashMap;

// A package page's facts, typed: the page's template gets them in one conversion, where building them as JSON
// values first copied every nested list again at each level it was placed in.

#[derive(Serialize)]
struct PackageFacts<'a> {
    import_path: &'a str,
    name: &'a str,
    dir: &'a str,
    doc: Option<&'a str>,
    files: Vec<&'a str>,
    types: Vec<TypeFacts<'a>>,
    funcs: Vec<FuncFacts<'a>>,
    consts: Vec<ConstFacts<'a>>,
}

#[derive(Serialize)]
struct TypeFacts<'a> {
    anchor: String,
    name: &'a str,
    kind: &'a str,
    type_params: Option<&'a str>,
    #[serde(rename = "type")]
    ty: &'a str,
    doc: Option<&'a str>,
    src: Option<String>,
    platforms: &'a [String],
    fields: &'a [FieldDoc<'a>],
    interface_methods: &'a [InterfaceMethodDoc<'a>],
    embeds: &'a [String],
    methods: Vec<MethodFacts<'a>>,
    method_set: Vec<SetFacts<'a>>,
    implements: Vec<LinkFacts<'a>>,
    implemented_by: Vec<LinkFacts<'a>>,
    mentioned_by: Vec<BackLink>,
}

#[derive(Serialize)]
struct MethodFacts<'a> {
    anchor: String,
    name: &'a str,
    receiver: Option<&'a str>,
    signature: &'a str,
    doc: Option<&'a str>,
    src: Option<String>,
    platforms: &'a [String],
}

#[derive(Serialize)]
struct SetFacts<'a> {
    name: &'a str,
    signature: &'a str,
    value: bool,
    owner: LinkFacts<'a>,
    promoted_via: &'a [String],
}

/// A type named by its short form, linked when its package has a page.
#[derive(Serialize)]
struct LinkFacts<'a> {
    text: &'a str,
    href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platforms: Option<&'a [String]>,
}

#[derive(Serialize)]
struct BackLink {
    page: String,
    href: String,
}

#[derive(Serialize)]
struct FuncFacts<'a> {
    anchor: String,
    name: &'a str,
    type_params: Option<&'a str>,
    signature: &'a str,
    doc: Option<&'a str>,
    platforms: &'a [String],
    src: Option<String>,
}

#[derive(Serialize)]
struct ConstFacts<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    ty: Option<&'a str>,
    expr: Option<&'a str>,
    value: Option<&'a str>,
    value_kind: Option<&'a str>,
    doc: Option<&'a str>,
    src: Option<String>,
}

pub fn pages(b: &Builder) -> Vec<PageSpec> {
    let rendered: BTreeSet<String> = b.mentions.packages().into_iter().collect();
    // Each package's page on its own, in order: they only read what the guides recorded.
    use rayon::prelude::*;
    rendered
        .par_iter()
        .filter_map(|path| {
            let doc = b.data.packages.doc(path)?;
            Some(package_page(b, &rendered, path, &doc))
        })
        .collect()
}

fn package_page<'a>(b: &Builder, rendered: &BTreeSet<String>, path: &'a str, doc: &'a PackageDoc<'a>) -> PageSpec {
    let id = ref_page(path);
    let link_if_rendered = |target: &'a str| -> LinkFacts<'a> {
        let (tpath, name) = target.rsplit_once('.').unwrap_or(("", target));
        let short = target.rsplit('/').next().unwrap_or(target);
        LinkFacts {
            text: short,
            href: rendered
                .contains(tpath)
                .then(|| rel(&id, &ref_page(tpath), Some(&type_anchor(name)))),
            pointer_only: None,
            platforms: None,
        }
    };
    let impls = |list: &'a [ImplDoc], with_platforms: bool| -> Vec<LinkFacts<'a>> {
        list.iter()
            .map(|i| LinkFacts {
                pointer_only: Some(i.pointer_only),
                platforms: with_platforms.then_some(i.platforms.as_slice()),
                ..link_if_rendered(&i.id)
            })
            .collect()
    };
    // Each type's methods, in the package's order: a generated package has thousands (v1.20.2's core/v1, 3,601
    // methods of 258 types), and each type looked through all of them.
    let mut methods_of: HashMap<&str, Vec<&FuncDoc>> = HashMap::default();
    for m in &doc.methods {
        if let Some(base) = m.receiver.as_ref().and_then(|r| r.base.as_deref()) {
            methods_of.entry(base).or_default().push(m);
        }
    }
    let types: Vec<TypeFacts> = doc
        .types
        .iter()
        .map(|t| {
            let name = t.name.as_ref();
            let anchor = type_anchor(name);
            b.search(name, "type", path, &id, &anchor);
            let methods = methods_of
                .get(name)
                .into_iter()
                .flatten()
                .map(|m| MethodFacts {
                    anchor: method_anchor(name, &m.name),
                    name: &m.name,
                    receiver: m.receiver.as_ref().map(|r| r.ty.as_str()),
                    signature: &m.signature,
                    doc: m.doc.as_deref(),
                    src: b.src(&id, &m.file, m.line),
                    platforms: &m.platforms,
                })
                .collect();
            let set = t
                .method_set
                .as_ref()
                .or_else(|| t.interface.as_ref().map(|i| &i.method_set));
            let method_set = set
                .into_iter()
                .flatten()
                .map(|m| SetFacts {
                    name: &m.name,
                    signature: &m.signature,
                    value: m.value,
                    owner: link_if_rendered(&m.owner),
                    promoted_via: &m.promoted_via,
                })
                .collect();
            let mentioned_by = b
                .mentions
                .back_links(path, &anchor)
                .into_iter()
                .map(|p| BackLink {
                    href: rel(&id, &p, None),
                    page: p,
                })
                .collect();
            TypeFacts {
                name,
                kind: &t.kind,
                type_params: t.type_params.as_deref(),
                ty: &t.ty,
                doc: t.doc.as_deref(),
                src: b.src(&id, &t.file, t.line),
                platforms: &t.platforms,
                fields: &t.fields,
                interface_methods: t.interface.as_ref().map_or(&[], |i| i.methods.as_slice()),
                embeds: t.interface.as_ref().map_or(&[], |i| i.embeds.as_slice()),
                methods,
                method_set,
                implements: impls(&t.implements, true),
                implemented_by: impls(&t.implemented_by, false),
                mentioned_by,
                anchor,
            }
        })
        .collect();
    let funcs = doc
        .funcs
        .iter()
        .map(|f| {
            let anchor = func_anchor(&f.name);
            b.search(&f.name, "func", path, &id, &anchor);
            FuncFacts {
                anchor,
                name: &f.name,
                type_params: f.type_params.as_deref(),
                signature: &f.signature,
                doc: f.doc.as_deref(),
                platforms: &f.platforms,
                src: b.src(&id, &f.file, f.line),
            }
        })
        .collect();
    let consts = doc
        .consts
        .iter()
        .filter(|c| c.name != "_")
        .map(|c| ConstFacts {
            name: &c.name,
            ty: c.ty.as_deref(),
            expr: c.expr.as_deref(),
            value: c.value.as_deref(),
            value_kind: c.value_kind.as_deref(),
            doc: c.doc.as_deref(),
            src: b.src(&id, &c.file, c.line),
        })
        .collect();
    let facts = PackageFacts {
        import_path: path,
        name: &doc.name,
        dir: &doc.dir,
        doc: doc.doc.as_deref(),
        files: doc.files.iter().map(|f| f.path.as_ref()).collect(),
        types,
        funcs,
        consts,
    };
    let context = Context::Template(minijinja::Value::from_serialize(&facts));
    let mut page = b.page(&id, path, &[("Home".to_string(), home())], "package.md", context);
    page.section = Section::Reference;
    page
}
