//! A workqueue topic's page: the queue interfaces and their embedding, the FIFO queue's fields and which each
//! method touches, the rate limiters, and who builds queues.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{crumbs, topic_value, Builder, PageSpec};
use crate::render::diagram::{self, TreeNode};
use crate::render::links::topic_page;
use crate::topics::workqueue::WorkqueueReport;
use crate::topics::TopicDef;

/// The methods whose interplay the guide walks through, in this order.
const WALKTHROUGH: &[&str] = &["Add", "Get", "Done", "ShutDown", "ShutDownWithDrain"];

pub fn pages(b: &Builder, def: &TopicDef, report: Option<&WorkqueueReport>) -> Vec<PageSpec> {
    let Some(wq) = report else {
        return Vec::new();
    };
    let id = topic_page(&def.id, false);
    let id = id.as_str();
    let path = wq.package.as_str();
    let interfaces: Vec<Vec<Value>> = wq
        .interfaces
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|i| {
                    let mut v = serde_json::to_value(i).expect("plain data");
                    v["href"] = json!(b.type_link(id, &format!("{path}.{}", i.name)));
                    v
                })
                .collect()
        })
        .collect();
    // The groups go from the FIFO interface outwards; each outer interface embeds the one before it, so the
    // outermost is the root of the diagram.
    let mut diagrams = HashMap::new();
    let mut chain: Option<TreeNode> = None;
    for group in &interfaces {
        let Some(first) = group.first() else { continue };
        chain = Some(TreeNode {
            label: first["name"].as_str().unwrap_or_default().to_string(),
            note: chain.as_ref().map(|inner| format!("embeds {}", inner.label)),
            href: first["href"].as_str().map(str::to_string),
            children: chain.into_iter().collect(),
        });
    }
    let chain_diagram = chain.map(|node| {
        let mermaid = diagram::mermaid(&node);
        diagrams.insert(mermaid.clone(), diagram::svg(&node, "workqueue interfaces"));
        mermaid
    });
    let implementations: Vec<Value> = wq
        .implementations
        .iter()
        .map(|i| {
            json!({
                "type": b.type_value(id, &format!("{path}.{}", i.ty)),
                "kind": i.kind, "declared_as": i.declared_as, "implements": i.implements,
            })
        })
        .collect();
    let fifo = wq.fifo.as_ref().map(|f| {
        let methods: Vec<Value> = f
            .methods
            .iter()
            .map(|m| {
                let reads: Vec<&str> = m.fields.iter().filter(|x| x.reads).map(|x| x.field.as_str()).collect();
                let writes: Vec<&str> = m.fields.iter().filter(|x| x.writes).map(|x| x.field.as_str()).collect();
                let calls: Vec<String> = m
                    .fields
                    .iter()
                    .flat_map(|x| x.calls.iter().map(move |c| format!("{}.{c}", x.field)))
                    .collect();
                json!({
                    "name": m.name,
                    "signature": m.signature,
                    "doc": m.doc,
                    "href": b.method_link(id, path, &f.ty, &m.name),
                    "src": b.src(id, &m.file, m.line),
                    "reads": reads, "writes": writes, "calls": calls,
                    "calls_methods": m.calls_methods,
                    "fields": m.fields,
                    "excerpt": b.excerpt(&m.file, m.line, m.end_line),
                })
            })
            .collect();
        let walkthrough: Vec<Value> = WALKTHROUGH
            .iter()
            .filter_map(|n| methods.iter().find(|m| m["name"] == *n).cloned())
            .collect();
        json!({
            "type": b.type_value(id, &format!("{path}.{}", f.ty)),
            "name": f.ty,
            "type_params": f.type_params,
            "doc": f.doc,
            "src": b.src(id, &f.file, f.line),
            "fields": f.fields,
            "methods": methods,
            "walkthrough": walkthrough,
        })
    });
    let limiters: Vec<Value> = wq
        .rate_limiters
        .iter()
        .map(|l| {
            b.search(
                l.ty.rsplit('.').next().unwrap_or(&l.ty),
                "rate limiter",
                &l.ty,
                id,
                "rate-limiters",
            );
            json!({
                "type": b.type_value(id, &l.ty),
                "interface": l.interface, "kind": l.kind, "doc": l.doc,
                "constructors": l.constructors.iter().map(|c| json!({
                    "name": c.name, "signature": c.signature,
                    "src": b.src(id, &c.file, c.line),
                })).collect::<Vec<_>>(),
                "src": b.src(id, &l.file, l.line),
            })
        })
        .collect();
    let consumers: Vec<Value> = wq
        .consumers
        .iter()
        .map(|c| {
            json!({
                "package": c.package, "function": c.function, "constructor": c.constructor,
                "queue_name": c.queue_name, "rate_limiter": c.rate_limiter,
                "anchor": consumer_anchor(&c.file, c.line),
                "src": b.src(id, &c.file, c.line),
            })
        })
        .collect();
    let constructors: Vec<Value> = wq
        .constructors
        .iter()
        .map(|c| {
            json!({
                "name": c.name, "signature": c.signature, "type_params": c.type_params, "doc": c.doc,
                "href": b.func_link(id, path, &c.name),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "package": path,
        "package_href": b.package_link(id, path),
        "interfaces": interfaces,
        "chain": chain_diagram,
        "implementations": implementations,
        "constructors": constructors,
        "fifo": fifo,
        "rate_limiters": limiters,
        "consumers": consumers,
        "sources": b.has_sources(),
    });
    let mut page = b.page(id, &def.title, &crumbs(def, None), "workqueue.md", context);
    page.diagrams = diagrams;
    vec![page]
}

/// The anchor of a queue construction's row on the workqueue guide, which other guides (controllers) link to.
pub fn consumer_anchor(file: &str, line: u32) -> String {
    let slug: String = file
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("queue-{slug}-{line}")
}
