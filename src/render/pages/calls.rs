//! The pages of `calls` and `literals` topics: every call site, and every literal with its keyed fields.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::{crumbs, group_by, topic_value, Builder, PageSpec};
use crate::render::links::topic_page;
use crate::topics::calls::{CallsReport, LiteralsReport};
use crate::topics::TopicDef;

pub fn calls_pages(b: &Builder, def: &TopicDef, report: &CallsReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let functions: Vec<Value> = group_by(&report.calls, |c| c.function.clone())
        .into_iter()
        .map(|(function, calls)| {
            let (path, name) = function.rsplit_once('.').unwrap_or(("", &function));
            let rows: Vec<Value> = calls
                .iter()
                .map(|c| {
                    b.search(&c.caller, "call", &function, &id, "");
                    json!({
                        "package": c.package,
                        "caller": c.caller,
                        "args": c.args.iter().zip(&c.values).map(|(a, v)| json!({ "expr": a, "value": v })).collect::<Vec<_>>(),
                        "src": b.src(&id, &c.file, c.line),
                    })
                })
                .collect();
            json!({
                "function": function,
                "short": function.rsplit('/').next().unwrap_or(&function),
                "href": b.func_link(&id, path, name),
                "calls": rows,
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "count": report.calls.len(),
        "functions": functions,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "calls.md", context)]
}

pub fn literals_pages(b: &Builder, def: &TopicDef, report: &LiteralsReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let ty = match &def.kind {
        crate::topics::Kind::Literals(d) => d.literal_type.clone(),
        _ => String::new(),
    };
    // One column per field any literal sets, in name order.
    let keys: Vec<String> = report
        .literals
        .iter()
        .flat_map(|l| l.fields.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows: Vec<Value> = report
        .literals
        .iter()
        .map(|l| {
            b.search(&l.function, "literal", &ty, &id, "");
            json!({
                "package": l.package,
                "function": l.function,
                "fields": keys.iter().map(|k| l.fields.get(k).map(|f| json!({
                    "expr": f.expr, "value": f.value,
                }))).collect::<Vec<_>>(),
                "src": b.src(&id, &l.file, l.line),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "type": b.type_value(&id, &ty),
        "keys": keys,
        "literals": rows,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "literals.md", context)]
}
