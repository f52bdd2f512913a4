//! The home page: the release at a glance, every topic's guide, the largest packages.

use serde_json::{json, Value};

use super::{Builder, PageSpec};
use crate::render::links::{home, rel, PageId};
use crate::topics::TopicDef;

/// A topic's guide as the home page lists it.
pub struct Guide<'d> {
    pub def: &'d TopicDef,
    pub page: PageId,
    /// What `{count}` in the topic's summary stands for.
    pub count: usize,
}

pub fn page(b: &Builder, guides: &[Guide]) -> PageSpec {
    let id = home();
    let stats = b.data.stats;
    let guides: Vec<Value> = guides
        .iter()
        .map(|g| {
            json!({
                "id": g.def.id,
                "title": g.def.title,
                "href": rel(&id, &g.page, None),
                "summary": g.def.summary.as_ref().map(|s| s.replace("{count}", &g.count.to_string())),
            })
        })
        .collect();
    let mut largest = b.data.packages.sizes();
    largest.sort_by(|a, b| {
        (b.types + b.funcs + b.methods)
            .cmp(&(a.types + a.funcs + a.methods))
            .then(a.import_path.cmp(&b.import_path))
    });
    let largest: Vec<Value> = largest
        .iter()
        .take(12)
        .map(|p| {
            json!({
                "import_path": p.import_path,
                "href": b.package_link(&id, &p.import_path),
                "files": p.files,
                "types": p.types,
                "funcs": p.funcs,
                "methods": p.methods,
            })
        })
        .collect();
    let binaries = b
        .data
        .topics
        .binaries()
        .map(|(_, r)| r.binaries.iter().filter(|x| !x.outside_dir).count());
    let (commands, flags) = b
        .data
        .topics
        .commands()
        .fold((0, 0), |(c, f), (_, r)| (c + r.commands.len(), f + r.flags.len()));
    let context = json!({
        "title": b.title,
        "release": b.source.ref_name,
        "stats": stats,
        "binaries": binaries,
        "binaries_dir": b.data.topics.binaries().map(|(d, _)| match &d.kind {
            crate::topics::Kind::Binaries(def) => def.dir.clone(),
            _ => String::new(),
        }),
        "commands": commands,
        "flags": flags,
        "guides": guides,
        "largest": largest,
    });
    b.page(&id, &b.title, &[], "home.md", context)
}
