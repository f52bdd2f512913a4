//! A binaries topic's pages: the index of binaries as an annotated tree, and a page per binary with its command
//! tree, commands, flags, options structs and layout (from the commands topics).

use crate::HashMap;
use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Value};

use super::{crumbs, topic_value, Builder, Context, PageSpec};
use crate::render::diagram::{self, TreeNode};
use crate::render::links::{binary_slugs, entry_page, rel, slug, topic_page, PageId};
use crate::topics::binaries::{BinariesReport, Binary};
use crate::topics::commands::{Command, CommandFlag, Flag};
use crate::topics::{Kind, Report, TopicDef};

/// The page of the binary in folder `dir`.
pub fn page_of(def: &TopicDef, report: &BinariesReport, dir: &str) -> Option<PageId> {
    let slugs = slugs(report);
    report
        .binaries
        .iter()
        .position(|b| b.dir == dir)
        .map(|i| entry_page(&def.id, &slugs[i]))
}

fn slugs(report: &BinariesReport) -> Vec<String> {
    let entries: Vec<(&str, bool)> = report
        .binaries
        .iter()
        .map(|b| (b.dir.as_str(), b.outside_dir))
        .collect();
    binary_slugs(&entries)
}

pub fn pages(b: &Builder, def: &TopicDef, report: &BinariesReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, true);
    let dir = match &def.kind {
        Kind::Binaries(d) => d.dir.as_str(),
        _ => "",
    };
    let slugs = slugs(report);
    let row = |(i, bin): (usize, &Binary)| {
        json!({
            "dir": bin.dir,
            "name": bin.name,
            "summary": bin.summary,
            "href": rel(&id, &entry_page(&def.id, &slugs[i]), None),
            "packages": bin.packages.len(),
        })
    };
    let own: Vec<Value> = report
        .binaries
        .iter()
        .enumerate()
        .filter(|(_, x)| !x.outside_dir)
        .map(row)
        .collect();
    let others: Vec<Value> = report
        .binaries
        .iter()
        .enumerate()
        .filter(|(_, x)| x.outside_dir)
        .map(row)
        .collect();
    let width = own
        .iter()
        .filter_map(|b| b["name"].as_str())
        .map(str::len)
        .max()
        .unwrap_or(0);
    let tree: Vec<String> = own
        .iter()
        .enumerate()
        .map(|(i, bin)| {
            let branch = if i + 1 == own.len() { "└──" } else { "├──" };
            let name = bin["name"].as_str().unwrap_or_default();
            let summary = bin["summary"].as_str().unwrap_or("");
            format!("{branch} {name:<width$}  {summary}").trim_end().to_string()
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "dir": dir,
        "binaries": own,
        "others": others,
        "tree": tree,
    });
    let mut pages = vec![b.page(&id, &def.title, &crumbs(def, None), "binaries.md", context)];
    // The binaries' pages on every core (a tenth of a second for v1.20.2's 77 on one); what they record is
    // ordered later.
    use rayon::prelude::*;
    pages.par_extend(report.binaries.par_iter().enumerate().map(|(i, bin)| {
        let mut page = binary_page(b, def, &id, &entry_page(&def.id, &slugs[i]), bin);
        if bin.outside_dir {
            page.section = super::Section::Entries(0, 1, "Other main packages".to_string());
            page.title = bin.dir.clone();
        }
        page
    }));
    pages
}

/// A command with its path from the root and its anchor on the binary's page.
pub(super) struct Placed<'r> {
    pub command: &'r Command,
    pub path: Vec<String>,
    pub anchor: String,
}

/// The root of the command tree a binary builds that another binary owns (the doc generators and `clicheck`
/// build kubectl's), with that binary's folder: its page describes the tree, which the builder's page links to.
pub(super) fn tree_of_another<'r>(by_id: &BTreeMap<&str, &'r Command>, bin: &Binary) -> Option<(&'r Command, &'r str)> {
    let root = *by_id.get(bin.root_command.as_deref()?)?;
    let owner = root.binary.as_deref()?;
    (owner != bin.dir).then_some((root, owner))
}

/// A binary's commands in tree order from its root (unless another binary owns the tree), then the others of the
/// binary, each with its anchor.
pub(super) fn placed<'r>(commands: &[&'r Command], bin: &Binary) -> Vec<Placed<'r>> {
    let by_id: BTreeMap<&str, &Command> = commands.iter().map(|c| (c.id.as_str(), *c)).collect();
    let name_of = |c: &Command| c.name.clone().unwrap_or_else(|| "?".to_string());
    let mut order: Vec<(&Command, Vec<String>)> = Vec::new();
    let mut seen = BTreeSet::new();
    let own_tree = tree_of_another(&by_id, bin).is_none();
    if let Some(root) = bin
        .root_command
        .as_deref()
        .and_then(|r| by_id.get(r))
        .filter(|_| own_tree)
    {
        let mut stack = vec![(*root, Vec::<String>::new())];
        while let Some((c, parent_path)) = stack.pop() {
            if !seen.insert(c.id.as_str()) {
                continue;
            }
            let mut path = parent_path.clone();
            path.push(name_of(c));
            for child in c.children.iter().rev().filter_map(|ch| by_id.get(ch.as_str())) {
                stack.push((*child, path.clone()));
            }
            order.push((c, path));
        }
    }
    for c in commands {
        if c.binary.as_deref() == Some(bin.dir.as_str()) && !seen.contains(c.id.as_str()) {
            order.push((c, vec![name_of(c)]));
        }
    }
    // A command whose name is not static shows as `?`, which the slug drops: its line keeps its anchor apart.
    let mut anchors = BTreeSet::new();
    order
        .into_iter()
        .map(|(command, path)| {
            let mut anchor = format!("cmd-{}", slug(&path.join(" ")));
            if !anchors.insert(anchor.clone()) {
                anchor = format!("{anchor}-line-{}", command.line);
                anchors.insert(anchor.clone());
            }
            Placed { command, path, anchor }
        })
        .collect()
}

fn binary_page(b: &Builder, def: &TopicDef, index: &str, id: &str, bin: &Binary) -> PageSpec {
    // The commands, flags and options structs of every commands topic.
    let commands: Vec<&Command> = b.data.topics.commands().flat_map(|(_, r)| r.commands.iter()).collect();
    let flags: Vec<&Flag> = b.data.topics.commands().flat_map(|(_, r)| r.flags.iter()).collect();
    let options = b.data.topics.commands().flat_map(|(_, r)| r.options_structs.iter());
    let by_id: BTreeMap<&str, &Command> = commands.iter().map(|c| (c.id.as_str(), *c)).collect();
    let order = placed(&commands, bin);
    let anchor_of: HashMap<&str, String> = order
        .iter()
        .map(|p| (p.command.id.as_str(), p.anchor.clone()))
        .collect();
    // One search entry per flag name on a binary's page: the first command that has it as its own.
    let mut searched = BTreeSet::new();
    let command_values: Vec<CommandFacts> = order
        .iter()
        .map(|p| {
            let c = p.command;
            let anchor = p.anchor.clone();
            let path = p.path.join(" ");
            // The flags the command accepts, as its --help lists them: its own by flag set (a `NamedFlagSets`
            // section, the global set), then those inherited from its ancestors.
            // Sections only where its help prints several (one set, or cobra's own help: one table).
            let sectioned = c.flag_sets.len() > 1;
            let title_of = |set: Option<&str>| match set {
                _ if !sectioned => String::new(),
                None => String::new(),
                Some("global") => "Global flags".to_string(),
                Some(set) => format!("{} flags", capitalised(set)),
            };
            // The sections its help prints, in its order; others as they come.
            let mut sections: Vec<(String, Vec<CommandFlagFacts>)> =
                c.flag_sets.iter().map(|s| (title_of(Some(s)), Vec::new())).collect();
            let mut inherited = Vec::new();
            for f in &c.flags {
                let value = command_flag_value(b, id, f);
                if f.inherited {
                    inherited.push(value);
                    continue;
                }
                if searched.insert(f.name.clone()) {
                    b.search(&format!("--{}", f.name), "flag", &path, id, &anchor);
                }
                let title = title_of(f.flag_set.as_deref());
                match sections.iter_mut().find(|(t, _)| *t == title) {
                    Some((_, list)) => list.push(value),
                    None => sections.push((title, vec![value])),
                }
            }
            b.search(&path, "command", c.short.as_deref().unwrap_or(""), id, &anchor);
            let sections = sections
                .into_iter()
                .filter(|(_, flags)| !flags.is_empty())
                .map(|(title, flags)| SectionFacts { title, flags })
                .collect();
            CommandFacts {
                anchor,
                path,
                use_full: &c.use_full,
                use_full_expr: &c.use_full_expr,
                short: &c.short,
                long: &c.long,
                example: &c.example,
                aliases: &c.aliases,
                hidden: c.hidden,
                deprecated: c.deprecated.as_ref().and_then(Option::as_ref),
                parent: c
                    .parent
                    .as_deref()
                    .and_then(|p| anchor_of.get(p))
                    .map(|a| format!("#{a}")),
                src: b.src(id, &c.file, c.line),
                location: format!("{}:{}", c.file, c.line),
                function: &c.function,
                sections,
                inherited,
            }
        })
        .collect();
    // The command tree, when the binary has a root: drawn here if the tree is the binary's own, else linked.
    let mut diagrams = HashMap::default();
    let tree_of = tree_of_another(&by_id, bin).map(|(root, owner)| tree_link(b, id, &by_id, root, owner));
    let tree = bin
        .root_command
        .as_deref()
        .and_then(|r| by_id.get(r))
        .filter(|_| tree_of.is_none())
        .map(|root| {
            let node = command_tree(id, root, &by_id, &anchor_of, &mut BTreeSet::new());
            let mermaid = diagram::mermaid(&node);
            diagrams.insert(
                mermaid.clone(),
                diagram::svg(&node, &format!("{} command tree", bin.name)),
            );
            mermaid
        });
    let prefix = format!("{}/", bin.dir);
    let option_values: Vec<OptionsFacts> = options
        .filter(|o| o.file.starts_with(&prefix))
        .map(|o| {
            let oflags: Vec<FlagFacts> = flags
                .iter()
                .filter(|f| f.options_type.as_deref() == Some(o.ty.as_str()))
                .map(|f| flag_value(b, id, f))
                .collect();
            let anchor = format!("options-{}", slug(o.ty.rsplit('.').next().unwrap_or(&o.ty)));
            for f in &oflags {
                b.search(&format!("--{}", f.name), "flag", &o.ty, id, &anchor);
            }
            OptionsFacts {
                ty: b.type_value(id, &o.ty),
                methods: &o.methods,
                src: b.src(id, &o.file, o.line),
                flags: oflags,
                anchor,
            }
        })
        .collect();
    let packages: Vec<Value> = bin
        .packages
        .iter()
        .map(|p| {
            json!({
                "dir": p.dir, "name": p.name, "files": p.files, "summary": p.summary,
                "href": b.package_link(id, &p.import_path),
            })
        })
        .collect();
    // The flags the program parses apart from any command (all of a binary without cobra).
    let program_flags: Vec<CommandFlagFacts> = bin.flags.iter().map(|f| command_flag_value(b, id, f)).collect();
    for f in &bin.flags {
        if searched.insert(f.name.clone()) {
            b.search(&format!("--{}", f.name), "flag", &bin.name, id, "flags");
        }
    }
    let facts = BinaryFacts {
        topic: topic_value(def),
        program_flags,
        name: &bin.name,
        dir: &bin.dir,
        summary: &bin.summary,
        summary_source: &bin.summary_source,
        main_src: bin
            .main_file
            .as_deref()
            .map(|f| b.src(id, f, bin.main_line.unwrap_or(1))),
        main_file: &bin.main_file,
        tree,
        tree_of,
        commands: command_values,
        options: option_values,
        packages,
        related: related(b, id, bin),
    };
    let context = Context::Template(minijinja::Value::from_serialize(&facts));
    let mut page = b.page(id, &bin.name, &crumbs(def, Some(index)), "binary.md", context);
    page.diagrams = diagrams;
    page
}

/// Guides of other topics about this binary: implementers of an interface of one of its packages (kubeadm's
/// preflight checks).
fn related(b: &Builder, from: &str, bin: &Binary) -> Vec<Value> {
    let prefix = format!("{}/", bin.import_path);
    let mut out = Vec::new();
    for topic in &b.data.topics.list {
        let (Kind::Implementers(def), Report::Implementers(report)) = (&topic.def.kind, &topic.report) else {
            continue;
        };
        let path = def.interface.rsplit_once('.').map_or("", |(p, _)| p);
        if path.starts_with(&prefix) && !report.implementers.is_empty() {
            out.push(json!({
                "title": topic.def.title,
                "href": rel(from, &topic_page(&topic.def.id, def.entry_pages), None),
            }));
        }
    }
    out
}

fn command_tree(
    page: &str,
    c: &Command,
    by_id: &BTreeMap<&str, &Command>,
    anchors: &HashMap<&str, String>,
    seen: &mut BTreeSet<String>,
) -> TreeNode {
    seen.insert(c.id.clone());
    let children: Vec<&Command> = c
        .children
        .iter()
        .filter_map(|ch| by_id.get(ch.as_str()).copied())
        .filter(|ch| !seen.contains(&ch.id))
        .collect();
    let children = children
        .into_iter()
        .map(|ch| command_tree(page, ch, by_id, anchors, seen))
        .collect();
    TreeNode {
        label: c.name.clone().unwrap_or_else(|| "?".to_string()),
        note: c.short.clone(),
        href: anchors.get(c.id.as_str()).map(|a| rel(page, page, Some(a))),
        children,
    }
}

/// A flag as a command's table shows it: the default as --help prints it (else the expression, marked as
/// computed), the deprecation message.
fn command_flag_value<'a>(b: &Builder, page: &str, f: &'a CommandFlag) -> CommandFlagFacts<'a> {
    CommandFlagFacts {
        name: &f.name,
        shorthand: &f.shorthand,
        ty: &f.ty,
        default: &f.default,
        default_expr: &f.default_expr,
        usage: f
            .usage
            .clone()
            .or_else(|| f.usage_expr.as_ref().map(|e| format!("({e})"))),
        deprecated: f
            .deprecated
            .as_ref()
            .map(|m| m.clone().unwrap_or_else(|| "deprecated".to_string())),
        shorthand_deprecated: f.shorthand_deprecated.is_some(),
        hidden: f.hidden,
        required: f.required,
        persistent: f.persistent,
        src: f
            .file
            .as_deref()
            .and_then(|file| b.src(page, file, f.line.unwrap_or(1))),
    }
}

/// `secure serving` -> `Secure serving`, for a flag set's heading.
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn flag_value<'a>(b: &Builder, page: &str, f: &'a Flag) -> FlagFacts<'a> {
    FlagFacts {
        name: &f.name,
        shorthand: &f.shorthand,
        ty: &f.ty,
        default: &f.default,
        usage: f
            .usage
            .clone()
            .or_else(|| f.usage_expr.as_ref().map(|e| format!("({e})"))),
        deprecated: &f.deprecated,
        hidden: f.hidden,
        persistent: f.persistent,
        field: &f.field,
        src: b.src(page, &f.file, f.line),
    }
}

// A binary's page facts, typed: its template gets them in one conversion (a binary that builds kubectl's
// commands has thousands of flag rows, which json! built, then copied at each level they were placed in).

#[derive(Serialize)]
struct BinaryFacts<'a> {
    topic: Value,
    program_flags: Vec<CommandFlagFacts<'a>>,
    name: &'a str,
    dir: &'a str,
    summary: &'a Option<String>,
    summary_source: &'a str,
    main_src: Option<Option<String>>,
    main_file: &'a Option<String>,
    tree: Option<String>,
    tree_of: Option<TreeLink>,
    commands: Vec<CommandFacts<'a>>,
    options: Vec<OptionsFacts<'a>>,
    packages: Vec<Value>,
    related: Vec<Value>,
}

/// A command tree another binary's page describes: that binary's name, the tree's root on its page, and how many
/// commands the tree has.
#[derive(Serialize)]
pub(super) struct TreeLink {
    pub name: String,
    pub href: String,
    pub commands: usize,
}

/// The link from page `from` to the tree under `root`, which the page of the binary in folder `owner` describes.
pub(super) fn tree_link(
    b: &Builder,
    from: &str,
    by_id: &BTreeMap<&str, &Command>,
    root: &Command,
    owner: &str,
) -> TreeLink {
    let owner_bin = b
        .data
        .topics
        .binaries()
        .and_then(|(_, report)| report.binaries.iter().find(|x| x.dir == owner));
    let name = owner_bin.map_or_else(
        || owner.rsplit('/').next().unwrap_or(owner).to_string(),
        |x| x.name.clone(),
    );
    // The root is the first command its owner's page places: its anchor is its name's.
    let anchor = format!("cmd-{}", slug(root.name.as_deref().unwrap_or("?")));
    let href = b
        .binary_page(owner)
        .map(|page| rel(from, &page, Some(&anchor)))
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(c) = stack.pop() {
        if seen.insert(c.id.as_str()) {
            stack.extend(c.children.iter().filter_map(|ch| by_id.get(ch.as_str()).copied()));
        }
    }
    TreeLink {
        name,
        href,
        commands: seen.len(),
    }
}

#[derive(Serialize)]
struct CommandFacts<'a> {
    anchor: String,
    path: String,
    use_full: &'a Option<String>,
    use_full_expr: &'a Option<String>,
    short: &'a Option<String>,
    long: &'a Option<String>,
    example: &'a Option<String>,
    aliases: &'a [Option<String>],
    hidden: bool,
    deprecated: Option<&'a String>,
    parent: Option<String>,
    src: Option<String>,
    location: String,
    function: &'a str,
    sections: Vec<SectionFacts<'a>>,
    inherited: Vec<CommandFlagFacts<'a>>,
}

#[derive(Serialize)]
struct SectionFacts<'a> {
    title: String,
    flags: Vec<CommandFlagFacts<'a>>,
}

/// A flag as a command's table shows it.
#[derive(Serialize)]
struct CommandFlagFacts<'a> {
    name: &'a str,
    shorthand: &'a Option<String>,
    #[serde(rename = "type")]
    ty: &'a str,
    default: &'a Option<String>,
    default_expr: &'a Option<String>,
    usage: Option<String>,
    deprecated: Option<String>,
    shorthand_deprecated: bool,
    hidden: bool,
    required: bool,
    persistent: bool,
    src: Option<String>,
}

#[derive(Serialize)]
struct OptionsFacts<'a> {
    anchor: String,
    #[serde(rename = "type")]
    ty: Value,
    methods: &'a [String],
    src: Option<String>,
    flags: Vec<FlagFacts<'a>>,
}

/// A flag of an options struct.
#[derive(Serialize)]
struct FlagFacts<'a> {
    name: &'a str,
    shorthand: &'a Option<String>,
    #[serde(rename = "type")]
    ty: &'a str,
    default: &'a Option<String>,
    usage: Option<String>,
    deprecated: &'a Option<Option<String>>,
    hidden: bool,
    persistent: bool,
    field: &'a Option<String>,
    src: Option<String>,
}
