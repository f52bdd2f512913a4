//! Two releases compared, topic by topic: each kind of topic has its change rules (`rules.rs`), generated from
//! the topic's definition, so a topic a user defines is compared too. Chosen packages' exported API is compared as
//! well (`--api`).

mod rules;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scan::PackageDoc;
use crate::topics::{TopicConfig, TopicDef, Topics};

pub const DIFF_SCHEMA: &str = "kubewalk/diff/v2";

/// A class of change; `diff --fail-on` takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Breaking,
    Notable,
    Info,
}

/// One kind of change: `<topic id>.<what>` (`volume_plugins.added`), the section (the topic's id), a class, a
/// severity, and a message template (`{subject}`, `{old}`, `{new}`). Every rule of the built-in topics has an
/// old/new fixture pair in `fixtures/diff/<id>/`.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub section: String,
    pub class: Class,
    pub severity: Severity,
    pub message: String,
    /// Whether a platform engineer must act on it before upgrading: its changes are also listed in the report's
    /// first section, "Before you upgrade".
    pub upgrade: bool,
}

/// The section of `--api` packages' changes.
pub const API_SECTION: &str = "api";

/// Every rule of every topic of a configuration, then the API rules.
pub fn rules(config: &TopicConfig) -> Vec<Rule> {
    let mut out: Vec<Rule> = config.topics.iter().flat_map(rules::of_topic).collect();
    out.extend(rules::api_rules(API_SECTION, &rules::ApiRules::API, Severity::Info));
    out
}

/// Where a side of a change is declared.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

impl Location {
    pub fn new(file: &str, line: u32) -> Location {
        Location {
            file: file.to_string(),
            line,
        }
    }

    /// `file:line`.
    pub fn parse(text: &str) -> Option<Location> {
        let (file, line) = text.rsplit_once(':')?;
        Some(Location::new(file, line.parse().ok()?))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub rule: String,
    pub section: String,
    pub class: Class,
    pub severity: Severity,
    /// The key the two sides were matched by.
    pub subject: String,
    pub message: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub old: Option<Location>,
    pub new: Option<Location>,
    /// What the change is about, each in a key of its own (`binary`, `command`, `flag`).
    #[serde(flatten)]
    pub about: BTreeMap<&'static str, String>,
    #[serde(skip)]
    pub upgrade: bool,
}

/// What one side of a comparison offers: its topics, and the documentation of the packages whose API is compared.
pub struct Side {
    pub topics: Topics,
    pub packages: Vec<PackageDoc<'static>>,
}

impl Side {
    fn package(&self, path: &str) -> Option<&PackageDoc<'static>> {
        self.packages.iter().find(|p| p.import_path == path)
    }
}

/// Collects the changes of one topic, by the rules generated for it.
pub(crate) struct Collector<'r> {
    rules: &'r [Rule],
    section: String,
    changes: Vec<Change>,
}

impl Collector<'_> {
    /// Whether the topic has the rule `<section>.<what>` (some rules exist only with a key of the definition).
    fn has_rule(&self, what: &str) -> bool {
        let id = format!("{}.{what}", self.section);
        self.rules.iter().any(|r| r.id == id)
    }

    /// A change by the rule `<section>.<what>`.
    fn push(
        &mut self,
        what: &str,
        subject: &str,
        values: (Option<String>, Option<String>),
        at: (Option<Location>, Option<Location>),
        about: BTreeMap<&'static str, String>,
    ) {
        let id = format!("{}.{what}", self.section);
        let rule = self
            .rules
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("rule {id} is generated with its topic"));
        let message = rule
            .message
            .replace("{subject}", subject)
            .replace("{old}", values.0.as_deref().unwrap_or("(none)"))
            .replace("{new}", values.1.as_deref().unwrap_or("(none)"));
        self.changes.push(Change {
            rule: rule.id.clone(),
            section: rule.section.clone(),
            class: rule.class,
            severity: rule.severity,
            subject: subject.to_string(),
            message,
            old_value: values.0,
            new_value: values.1,
            old: at.0,
            new: at.1,
            about,
            upgrade: rule.upgrade,
        });
    }
}

/// A section of the report: one topic's changes (or the API's).
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub changes: Vec<Change>,
}

/// The report document (`kubewalk/diff/v2`), documented in docs/diff.md.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub old: String,
    pub new: String,
    pub total: usize,
    pub breaking: usize,
    /// The changes to act on before upgrading (rules marked `upgrade`), from every section, in section order: a
    /// copy, so a reader of this list alone needs nothing else.
    pub before_you_upgrade: Vec<Change>,
    pub sections: Vec<Section>,
}

impl Report {
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.sections.iter().flat_map(|s| s.changes.iter())
    }
}

/// Compares two sides. The sections are the new side's topics (a topic only the old side has is compared
/// against nothing), then `api` for the `--api` packages.
pub fn diff(old_name: &str, new_name: &str, old: &Side, new: &Side, api: &[String]) -> Report {
    let mut defs: Vec<&TopicDef> = new.topics.list.iter().map(|t| &t.def).collect();
    for t in &old.topics.list {
        if !defs.iter().any(|d| d.id == t.def.id) {
            defs.push(&t.def);
        }
    }
    let mut sections = Vec::new();
    for def in defs {
        let rules = rules::of_topic(def);
        let mut c = Collector {
            rules: &rules,
            section: def.id.clone(),
            changes: Vec::new(),
        };
        let (o, n) = (old.topics.get(&def.id), new.topics.get(&def.id));
        rules::compare(&mut c, def, o.map(|t| &t.report), n.map(|t| &t.report), old, new);
        sections.push(section(def.id.clone(), def.title.clone(), c.changes));
    }
    let rules = rules::api_rules(API_SECTION, &rules::ApiRules::API, Severity::Info);
    let mut c = Collector {
        rules: &rules,
        section: API_SECTION.to_string(),
        changes: Vec::new(),
    };
    for path in api {
        rules::package_api(&mut c, old.package(path), new.package(path), path, rules::ApiRules::API);
    }
    sections.push(section(API_SECTION.to_string(), "Package API".to_string(), c.changes));
    let total = sections.iter().map(|s| s.changes.len()).sum();
    let breaking = sections
        .iter()
        .flat_map(|s| &s.changes)
        .filter(|c| c.severity == Severity::Breaking)
        .count();
    // The tree's own binaries first (by folder), then the other main packages, then what is not about a binary,
    // each in section order.
    let own = |dir: &str| {
        [old, new].iter().any(|side| {
            side.topics
                .binaries()
                .is_some_and(|(_, r)| r.binaries.iter().any(|b| b.dir == dir && !b.outside_dir))
        })
    };
    let mut before_you_upgrade: Vec<Change> = sections
        .iter()
        .flat_map(|s| &s.changes)
        .filter(|c| c.upgrade)
        .cloned()
        .collect();
    before_you_upgrade.sort_by_cached_key(|c| match c.about.get("binary") {
        Some(dir) => (if own(dir) { 0 } else { 1 }, dir.clone()),
        None => (2, String::new()),
    });
    Report {
        schema: DIFF_SCHEMA,
        old: old_name.to_string(),
        new: new_name.to_string(),
        total,
        breaking,
        before_you_upgrade,
        sections,
    }
}

fn section(id: String, title: String, mut changes: Vec<Change>) -> Section {
    changes.sort_by(|a, b| (a.class, &a.subject, &a.rule).cmp(&(b.class, &b.subject, &b.rule)));
    let count = |class: Class| changes.iter().filter(|c| c.class == class).count();
    Section {
        added: count(Class::Added),
        removed: count(Class::Removed),
        changed: count(Class::Changed),
        id,
        title,
        changes,
    }
}
