//! A commands topic's page: every command of every binary, by binary, linked to its entry on the binary's page;
//! and the commands no binary reaches.

use serde_json::{json, Value};

use super::binaries::{placed, tree_link, tree_of_another};
use super::{crumbs, topic_value, Builder, PageSpec};
use crate::render::links::{rel, topic_page};
use crate::topics::commands::{Command, CommandsReport};
use crate::topics::TopicDef;

pub fn pages(b: &Builder, def: &TopicDef, report: &CommandsReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let commands: Vec<&Command> = report.commands.iter().collect();
    let mut binaries: Vec<Value> = Vec::new();
    let mut placed_ids = std::collections::BTreeSet::new();
    if let Some((_, bins)) = b.data.topics.binaries() {
        let by_id: std::collections::BTreeMap<&str, &Command> = commands.iter().map(|c| (c.id.as_str(), *c)).collect();
        for bin in &bins.binaries {
            let list = placed(&commands, bin);
            // A tree another binary owns is listed under that binary, and linked from this one.
            let tree_of = tree_of_another(&by_id, bin).map(|(root, owner)| tree_link(b, &id, &by_id, root, owner));
            if list.is_empty() && tree_of.is_none() {
                continue;
            }
            let Some(page) = b.binary_page(&bin.dir) else { continue };
            let rows: Vec<Value> = list
                .iter()
                .map(|p| {
                    placed_ids.insert(p.command.id.as_str());
                    let flags = report
                        .flags
                        .iter()
                        .filter(|f| f.command.as_deref() == Some(p.command.id.as_str()))
                        .count();
                    json!({
                        "path": p.path.join(" "),
                        "short": p.command.short,
                        "flags": flags,
                        "href": rel(&id, &page, Some(&p.anchor)),
                    })
                })
                .collect();
            binaries.push(json!({
                "name": bin.name,
                "dir": bin.dir,
                "href": rel(&id, &page, None),
                "tree_of": tree_of,
                "commands": rows,
            }));
        }
    }
    let unplaced: Vec<Value> = report
        .commands
        .iter()
        .filter(|c| !placed_ids.contains(c.id.as_str()))
        .map(|c| {
            json!({
                "name": c.name,
                "short": c.short,
                "function": c.function,
                "package": c.package,
                "src": b.src(&id, &c.file, c.line),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "commands": report.commands.len(),
        "flags": report.flags.len(),
        "options_structs": report.options_structs.len(),
        "binaries": binaries,
        "unplaced": unplaced,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "commands.md", context)]
}
