//! A workqueue topic's page: the queue interfaces and their embedding, the FIFO queue's fields and which each
//! method touches, the rate limiters, and who builds queues.

use crate::HashMap;

use serde_json::{json, Value};

use super::{crumbs, topic_value, Builder, PageSpec};
use crate::render::diagram::{self, TreeNode};
use crate::render::links::topic_page;
use crate::topics::outline::{Outline, Step};
use crate::topics::workqueue::{LimiterNode, WorkqueueReport};
use crate::topics::TopicDef;

/// The methods whose interplay the guide walks through, in this order.
const WALKTHROUGH: &[&str] = &["Add", "Get", "Done", "ShutDown", "ShutDownWithDrain"];

pub fn pages(b: &Builder, def: &TopicDef, report: Option<&WorkqueueReport>, outlines: &[Outline]) -> Vec<PageSpec> {
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
    let mut diagrams = HashMap::default();
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
                    "outline": outlines
                        .iter()
                        .find(|o| o.line == m.line && o.file == m.file)
                        .map(|o| format!("#{}", super::outline_anchor(&o.function))),
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
        "default_limiter": wq.default_rate_limiter.as_ref().map(|d| {
            let users = wq.consumers.iter().filter(|c| c.rate_limiter.as_deref().is_some_and(|r| r.contains(&d.function))).count();
            json!({
                "function": d.function,
                "doc": d.doc,
                "href": b.func_link(id, path, &d.function),
                "src": b.src(id, &d.file, d.line),
                "tree": limiter_markdown(&d.tree, 0),
                "users": users,
            })
        }),
        "rules": wq.fifo.as_ref().map(|f| rules(b, id, outlines, &f.ty)).unwrap_or_default(),
        "consumers": consumers,
    });
    let mut page = b.page(id, &def.title, &crumbs(def, None), "workqueue.md", context);
    page.diagrams = diagrams;
    vec![page]
}

/// The default rate limiter's composition as a nested Markdown list.
fn limiter_markdown(node: &LimiterNode, depth: usize) -> String {
    use crate::render::markdown::{code_span, escape_text};
    let mut out = format!("{}- {}", "  ".repeat(depth), code_span(&node.name));
    let args: Vec<String> = node
        .args
        .iter()
        .map(|a| {
            let mut text = match &a.name {
                Some(n) => format!("{} = {}", code_span(n), code_span(&a.text)),
                None => code_span(&a.text),
            };
            if let Some(v) = &a.value {
                text.push_str(&format!(" ({})", code_span(v)));
            }
            text
        })
        .collect();
    if !args.is_empty() {
        out.push_str(&format!(" with {}", args.join(", ")));
    }
    if let Some(doc) = &node.doc {
        out.push_str(&format!(": {}", escape_text(doc)));
    }
    out.push('\n');
    for part in &node.parts {
        out.push_str(&limiter_markdown(part, depth + 1));
    }
    out
}

/// The FIFO queue's rules, read from the outlines of its `Add`, `Get` and `Done`: which set `Add` returns on
/// (the item is already waiting), which set `Get` moves an item into (it is being processed), and what `Done`
/// does when the item was added again meanwhile. A rule whose steps are not found is left out.
fn rules(b: &Builder, from: &str, outlines: &[Outline], fifo: &str) -> Vec<String> {
    use crate::render::markdown::code_span;
    let of = |method: &str| {
        outlines
            .iter()
            .find(|o| o.function == format!("(*{fifo}).{method}") || o.function == format!("({fifo}).{method}"))
    };
    let (Some(add), Some(get), Some(done)) = (of("Add"), of("Get"), of("Done")) else {
        return Vec::new();
    };
    let at = |o: &Outline, line: u32| match b.src(from, &o.file, line) {
        Some(src) => format!("[line {line}]({})", crate::render::markdown::url(&src)),
        None => format!("line {line}"),
    };
    // `q.dirty.has(item)`: the receiver's field and the parameter.
    let set_test = |text: &str| -> Option<(String, String)> {
        let inner = text.strip_suffix(')')?;
        let (call, arg) = inner.split_once(".has(")?;
        let (_, field) = call.split_once('.')?;
        Some((field.to_string(), arg.to_string()))
    };
    let guards: Vec<(&Step, String)> = add
        .steps
        .iter()
        .filter(|s| s.kind == "guard")
        .filter_map(|s| set_test(&s.text).map(|(f, _)| (s, f)))
        .collect();
    let mut out = Vec::new();
    let Some((dedup, dirty)) = guards.first() else {
        return out;
    };
    out.push(format!(
        "**An item waits in the queue once.** `Add` returns without queueing when {} ({}): an item added again \
         while it waits is dropped, as many times as it is added.",
        code_span(&dedup.text),
        at(add, dedup.line)
    ));
    // Get moves the item from the dirty set into another: the set of items being processed.
    let inserts: Vec<&Step> = get
        .steps
        .iter()
        .filter(|s| s.kind == "call" && s.text.contains(".insert("))
        .collect();
    let processing = inserts
        .iter()
        .filter_map(|s| {
            s.text
                .split_once(".insert(")
                .and_then(|(c, _)| c.split_once('.'))
                .map(|(_, f)| (s, f.to_string()))
        })
        .find(|(_, f)| f != dirty);
    if let Some((insert, processing)) = processing {
        let held = guards.iter().find(|(_, f)| *f == processing);
        let mut rule = format!(
            "**A worker holds an item alone.** `Get` moves the item it returns into `{processing}` ({}) and out \
             of `{dirty}`.",
            at(get, insert.line)
        );
        if let Some((guard, _)) = held {
            rule.push_str(&format!(
                " `Add` of an item in `{processing}` marks it in `{dirty}` and returns when {} ({}): it is not \
                 queued while a worker has it.",
                code_span(&guard.text),
                at(add, guard.line)
            ));
        }
        out.push(rule);
    }
    // Done queues the item again when it was added while processed: the branch (an `if`, or a case of a
    // switch without a tag) that tests the dirty set.
    fn branch_on<'s>(steps: &'s [Step], test: &dyn Fn(&str) -> bool) -> Option<&'s Step> {
        steps.iter().find_map(|s| {
            let branch = matches!(s.kind.as_str(), "if" | "guard" | "else" | "case") && test(&s.text);
            if branch {
                Some(s)
            } else {
                branch_on(&s.steps, test)
            }
        })
    }
    let on_dirty = |text: &str| set_test(text).is_some_and(|(f, _)| f == *dirty);
    if let Some(requeue) = branch_on(&done.steps, &on_dirty) {
        let action = requeue.steps.iter().find(|s| s.kind == "assign" || s.kind == "call");
        out.push(format!(
            "**Done queues it again.** `Done` ends the processing and, when {} ({}), queues the item again{}: an \
             item added while it was processed is processed once more, after the worker is done with it.",
            code_span(&requeue.text),
            at(done, requeue.line),
            action
                .map(|a| format!(" with {}", code_span(&a.text)))
                .unwrap_or_default()
        ));
    }
    out
}

/// The anchor of a queue construction's row on the workqueue guide, which other guides (controllers) link to.
pub fn consumer_anchor(file: &str, line: u32) -> String {
    let slug: String = file
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("queue-{slug}-{line}")
}
