//! Two releases compared: the changes to binaries, commands, flags, the workqueue, volume plugins, preflight
//! checks and chosen packages' API, driven by one table of change rules.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Value};

use crate::scan::SCHEMA;

pub const DIFF_SCHEMA: &str = "kubewalk/diff/v1";

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

/// One kind of change: an id, a section, a class, a severity and a message template (`{subject}`, `{old}`,
/// `{new}`). Every rule has an old/new fixture pair in `fixtures/diff/<id>/`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub section: &'static str,
    pub class: Class,
    pub severity: Severity,
    pub message: &'static str,
}

const fn rule(
    id: &'static str,
    section: &'static str,
    class: Class,
    severity: Severity,
    message: &'static str,
) -> Rule {
    Rule {
        id,
        section,
        class,
        severity,
        message,
    }
}

use Class::{Added, Changed, Removed};
use Severity::{Breaking, Info, Notable};

pub const RULES: &[Rule] = &[
    rule("binary-added", "binaries", Added, Notable, "binary {subject} added"),
    rule(
        "binary-removed",
        "binaries",
        Removed,
        Breaking,
        "binary {subject} removed",
    ),
    rule("command-added", "commands", Added, Notable, "command {subject} added"),
    rule(
        "command-removed",
        "commands",
        Removed,
        Breaking,
        "command {subject} removed",
    ),
    rule(
        "command-moved",
        "commands",
        Changed,
        Info,
        "command {subject} moved from {old} to {new}",
    ),
    rule("flag-added", "flags", Added, Notable, "flag {subject} added"),
    rule("flag-removed", "flags", Removed, Breaking, "flag {subject} removed"),
    rule(
        "flag-type-changed",
        "flags",
        Changed,
        Breaking,
        "flag {subject} changed type from {old} to {new}",
    ),
    rule(
        "flag-default-changed",
        "flags",
        Changed,
        Notable,
        "flag {subject} changed default from {old} to {new}",
    ),
    rule(
        "flag-usage-changed",
        "flags",
        Changed,
        Info,
        "flag {subject} changed usage from {old} to {new}",
    ),
    rule(
        "flag-deprecated",
        "flags",
        Changed,
        Notable,
        "flag {subject} deprecated: {new}",
    ),
    rule("workqueue-api-added", "workqueue", Added, Notable, "{subject} added"),
    rule(
        "workqueue-api-removed",
        "workqueue",
        Removed,
        Breaking,
        "{subject} removed",
    ),
    rule(
        "workqueue-signature-changed",
        "workqueue",
        Changed,
        Breaking,
        "{subject} changed from {old} to {new}",
    ),
    rule(
        "workqueue-kind-changed",
        "workqueue",
        Changed,
        Breaking,
        "{subject} changed from {old} to {new}",
    ),
    rule(
        "rate-limiter-added",
        "workqueue",
        Added,
        Notable,
        "rate limiter {subject} added",
    ),
    rule(
        "rate-limiter-removed",
        "workqueue",
        Removed,
        Breaking,
        "rate limiter {subject} removed",
    ),
    rule(
        "queue-consumer-added",
        "workqueue",
        Added,
        Info,
        "{subject} now builds a queue",
    ),
    rule(
        "queue-consumer-removed",
        "workqueue",
        Removed,
        Info,
        "{subject} no longer builds a queue",
    ),
    rule(
        "volume-plugin-added",
        "volume_plugins",
        Added,
        Notable,
        "volume plugin {subject} added",
    ),
    rule(
        "volume-plugin-removed",
        "volume_plugins",
        Removed,
        Breaking,
        "volume plugin {subject} removed",
    ),
    rule(
        "volume-capability-changed",
        "volume_plugins",
        Changed,
        Notable,
        "volume plugin {subject} capabilities changed from {old} to {new}",
    ),
    rule(
        "volume-platform-changed",
        "volume_plugins",
        Changed,
        Notable,
        "volume plugin {subject} platforms changed from {old} to {new}",
    ),
    rule(
        "volume-registration-changed",
        "volume_plugins",
        Changed,
        Notable,
        "volume plugin {subject} registration changed from {old} to {new}",
    ),
    rule(
        "preflight-check-added",
        "preflight_checks",
        Added,
        Notable,
        "preflight check {subject} added",
    ),
    rule(
        "preflight-check-removed",
        "preflight_checks",
        Removed,
        Notable,
        "preflight check {subject} removed",
    ),
    rule(
        "preflight-platform-changed",
        "preflight_checks",
        Changed,
        Notable,
        "preflight check {subject} platforms changed from {old} to {new}",
    ),
    rule("api-added", "api", Added, Info, "{subject} added"),
    rule("api-removed", "api", Removed, Breaking, "{subject} removed"),
    rule(
        "api-changed",
        "api",
        Changed,
        Breaking,
        "{subject} changed from {old} to {new}",
    ),
];

pub fn rule_by_id(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .expect("rules are referred to by registered ids")
}

/// Where a side of a change is declared.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub rule: &'static str,
    pub section: &'static str,
    pub class: Class,
    pub severity: Severity,
    pub subject: String,
    pub message: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub old: Option<Location>,
    pub new: Option<Location>,
}

/// Where a topic entry is declared: its `file` and `line`, or for a binary the file and line of `func main`.
fn loc(v: &Value) -> Option<Location> {
    let at = |file: &str, line: &str| {
        Some(Location {
            file: v.get(file)?.as_str()?.to_string(),
            line: v.get(line)?.as_u64()?,
        })
    };
    at("file", "line").or_else(|| at("main_file", "main_line"))
}

struct Collector {
    changes: Vec<Change>,
}

impl Collector {
    fn push(
        &mut self,
        id: &str,
        subject: &str,
        values: (Option<String>, Option<String>),
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        let rule = rule_by_id(id);
        let message = rule
            .message
            .replace("{subject}", subject)
            .replace("{old}", values.0.as_deref().unwrap_or("(none)"))
            .replace("{new}", values.1.as_deref().unwrap_or("(none)"));
        self.changes.push(Change {
            rule: rule.id,
            section: rule.section,
            class: rule.class,
            severity: rule.severity,
            subject: subject.to_string(),
            message,
            old_value: values.0,
            new_value: values.1,
            old: old.and_then(loc),
            new: new.and_then(loc),
        });
    }

    /// Added and removed entries of two keyed maps; returns the pairs present on both sides.
    fn added_removed<'a>(
        &mut self,
        old: &'a BTreeMap<String, &'a Value>,
        new: &'a BTreeMap<String, &'a Value>,
        added: &str,
        removed: &str,
    ) -> Vec<(&'a String, &'a Value, &'a Value)> {
        for (k, v) in new {
            if !old.contains_key(k) {
                self.push(added, k, (None, None), None, Some(v));
            }
        }
        let mut both = Vec::new();
        for (k, v) in old {
            match new.get(k) {
                Some(n) => both.push((k, *v, *n)),
                None => self.push(removed, k, (None, None), Some(v), None),
            }
        }
        both
    }
}

/// Checks that a document is a scan of this schema (a saved `scan --json` or one made in memory).
pub fn check_schema(doc: &Value, name: &str) -> anyhow::Result<()> {
    match doc.get("schema").and_then(Value::as_str) {
        Some(SCHEMA) => Ok(()),
        Some(other) => anyhow::bail!("{name}: scan schema {other:?}, kubewalk reads {SCHEMA:?}"),
        None => anyhow::bail!("{name}: not a kubewalk scan (no \"schema\" key)"),
    }
}

fn topic<'a>(doc: &'a Value, key: &str) -> Vec<&'a Value> {
    doc["topics"][key]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => Some(a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", ")),
        other => Some(other.to_string()),
    }
}

/// Compares two scan documents. `api` names packages whose exported API is compared too.
pub fn diff(old: &Value, new: &Value, api: &[String]) -> Vec<Change> {
    let mut c = Collector { changes: Vec::new() };
    binaries(&mut c, old, new);
    commands_and_flags(&mut c, old, new);
    workqueue(&mut c, old, new);
    volume(&mut c, old, new);
    preflight(&mut c, old, new);
    for path in api {
        package_api(
            &mut c,
            old,
            new,
            path,
            "api-added",
            "api-removed",
            "api-changed",
            "api-changed",
        );
    }
    c.changes
        .sort_by(|a, b| (a.section, a.class, &a.subject, a.rule).cmp(&(b.section, b.class, &b.subject, b.rule)));
    c.changes
}

fn binaries(c: &mut Collector, old: &Value, new: &Value) {
    fn key(doc: &Value) -> BTreeMap<String, &Value> {
        topic(doc, "binaries")
            .into_iter()
            .filter_map(|b| Some((b["dir"].as_str()?.to_string(), b)))
            .collect()
    }
    let (o, n) = (key(old), key(new));
    c.added_removed(&o, &n, "binary-added", "binary-removed");
}

/// Commands by `binary command path` (the Use words from the root), flags by `owner --name` where the owner is
/// the command's key, else the options type, else the function that registers it.
fn commands_and_flags(c: &mut Collector, old: &Value, new: &Value) {
    fn command_keys(doc: &Value) -> BTreeMap<String, String> {
        let commands = topic(doc, "cobra_commands");
        let by_id: BTreeMap<&str, &Value> = commands.iter().filter_map(|c| Some((c["id"].as_str()?, *c))).collect();
        let mut out = BTreeMap::new();
        for cmd in &commands {
            let mut words = Vec::new();
            let mut cur = Some(*cmd);
            let mut guard = 0;
            while let Some(x) = cur {
                words.push(x["use"].as_str().unwrap_or("?").to_string());
                cur = x["parent"].as_str().and_then(|p| by_id.get(p).copied());
                guard += 1;
                if guard > 32 {
                    break;
                }
            }
            words.reverse();
            let binary = cmd["binary"].as_str().unwrap_or(cmd["package"].as_str().unwrap_or("?"));
            if let Some(id) = cmd["id"].as_str() {
                out.insert(id.to_string(), format!("{binary} {}", words.join(" ")));
            }
        }
        out
    }
    let (ok, nk) = (command_keys(old), command_keys(new));
    fn commands<'a>(doc: &'a Value, keys: &BTreeMap<String, String>) -> BTreeMap<String, &'a Value> {
        topic(doc, "cobra_commands")
            .into_iter()
            .filter_map(|cmd| Some((keys.get(cmd["id"].as_str()?)?.clone(), cmd)))
            .collect()
    }
    let (oc, nc) = (commands(old, &ok), commands(new, &nk));
    for (k, o, n) in c.added_removed(&oc, &nc, "command-added", "command-removed") {
        if o["file"] != n["file"] {
            c.push(
                "command-moved",
                k,
                (text(&o["file"]), text(&n["file"])),
                Some(o),
                Some(n),
            );
        }
    }
    fn flags<'a>(doc: &'a Value, keys: &BTreeMap<String, String>) -> BTreeMap<String, &'a Value> {
        let mut out = BTreeMap::new();
        for f in topic(doc, "flags") {
            let owner = f["command"]
                .as_str()
                .and_then(|id| keys.get(id).cloned())
                .or_else(|| f["options_type"].as_str().map(str::to_string))
                .unwrap_or_else(|| {
                    format!(
                        "{} {}",
                        f["file"].as_str().unwrap_or(""),
                        f["function"].as_str().unwrap_or("")
                    )
                });
            out.entry(format!("{owner} --{}", f["name"].as_str().unwrap_or("?")))
                .or_insert(f);
        }
        out
    }
    let (of, nf) = (flags(old, &ok), flags(new, &nk));
    for (k, o, n) in c.added_removed(&of, &nf, "flag-added", "flag-removed") {
        for (field, rule) in [
            ("type", "flag-type-changed"),
            ("default", "flag-default-changed"),
            ("usage", "flag-usage-changed"),
        ] {
            if o[field] != n[field] {
                c.push(rule, k, (text(&o[field]), text(&n[field])), Some(o), Some(n));
            }
        }
        if o["deprecated"] != n["deprecated"] && !n["deprecated"].is_null() {
            c.push(
                "flag-deprecated",
                k,
                (text(&o["deprecated"]), text(&n["deprecated"])),
                Some(o),
                Some(n),
            );
        }
    }
}

fn workqueue(c: &mut Collector, old: &Value, new: &Value) {
    let (ow, nw) = (&old["topics"]["workqueue"], &new["topics"]["workqueue"]);
    if let Some(path) = nw["package"].as_str().or(ow["package"].as_str()) {
        package_api(
            c,
            old,
            new,
            path,
            "workqueue-api-added",
            "workqueue-api-removed",
            "workqueue-signature-changed",
            "workqueue-kind-changed",
        );
    }
    fn limiters(w: &Value) -> BTreeMap<String, &Value> {
        w["rate_limiters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| Some((l["type"].as_str()?.rsplit('/').next()?.to_string(), l)))
            .collect()
    }
    c.added_removed(
        &limiters(ow),
        &limiters(nw),
        "rate-limiter-added",
        "rate-limiter-removed",
    );
    // Consumers by package and function; a function that builds several queues counts each constructor once.
    fn consumers(w: &Value) -> BTreeMap<String, &Value> {
        let mut out = BTreeMap::new();
        for x in w["consumers"].as_array().into_iter().flatten() {
            let key = format!(
                "{}.{} ({})",
                x["package"].as_str().unwrap_or(""),
                x["function"].as_str().unwrap_or(""),
                x["constructor"].as_str().unwrap_or("")
            );
            out.entry(key).or_insert(x);
        }
        out
    }
    c.added_removed(
        &consumers(ow),
        &consumers(nw),
        "queue-consumer-added",
        "queue-consumer-removed",
    );
}

/// The exported API of a package: types (by kind and declaration), functions and methods (by signature).
#[allow(clippy::too_many_arguments)]
fn package_api(
    c: &mut Collector,
    old: &Value,
    new: &Value,
    path: &str,
    added: &str,
    removed: &str,
    changed: &str,
    kind_changed: &str,
) {
    let find = |doc: &'_ Value| -> Option<Value> {
        doc["packages"]
            .as_array()?
            .iter()
            .find(|p| p["import_path"] == path)
            .cloned()
    };
    let (Some(op), Some(np)) = (find(old), find(new)) else {
        return;
    };
    let exported = |name: &str| name.chars().next().is_some_and(char::is_uppercase);
    let entries = |p: &Value| -> BTreeMap<String, (String, String, Value)> {
        let mut out = BTreeMap::new();
        let short = path.rsplit('/').next().unwrap_or(path);
        for t in p["types"].as_array().into_iter().flatten() {
            let name = t["name"].as_str().unwrap_or_default();
            if exported(name) {
                let kind = t["kind"].as_str().unwrap_or("").to_string();
                let decl = format!("{} {}", kind, t["type"].as_str().unwrap_or(""));
                out.entry(format!("type {short}.{name}"))
                    .or_insert((kind, decl, t.clone()));
            }
        }
        for f in p["funcs"].as_array().into_iter().flatten() {
            let name = f["name"].as_str().unwrap_or_default();
            if exported(name) {
                let sig = format!(
                    "{}{}",
                    f["type_params"].as_str().unwrap_or(""),
                    f["signature"].as_str().unwrap_or("")
                );
                out.entry(format!("func {short}.{name}"))
                    .or_insert(("func".into(), sig, f.clone()));
            }
        }
        // Methods from each exported type's method set, so that promoted methods and the methods an alias
        // gets from the type it stands for count as that type's API.
        for t in p["types"].as_array().into_iter().flatten() {
            let base = t["name"].as_str().unwrap_or_default();
            if !exported(base) {
                continue;
            }
            let set = t["method_set"]
                .as_array()
                .or_else(|| t["interface"]["method_set"].as_array());
            for m in set.into_iter().flatten() {
                let name = m["name"].as_str().unwrap_or_default();
                if exported(name) {
                    // Compared in canonical form (type arguments substituted), shown as declared.
                    let sig = m["canonical"]
                        .as_str()
                        .or(m["signature"].as_str())
                        .unwrap_or("")
                        .to_string();
                    let at = m["locations"][0].as_str().and_then(|l| l.rsplit_once(':'));
                    let located = json!({
                        "file": at.map(|(f, _)| f),
                        "line": at.and_then(|(_, l)| l.parse::<u64>().ok()),
                    });
                    out.entry(format!("method {short}.{base}.{name}"))
                        .or_insert(("method".into(), sig, located));
                }
            }
        }
        out
    };
    let (oe, ne) = (entries(&op), entries(&np));
    for (k, (_, _, v)) in &ne {
        if !oe.contains_key(k) {
            c.push(added, k, (None, None), None, Some(v));
        }
    }
    for (k, (okind, odecl, ov)) in &oe {
        match ne.get(k) {
            None => c.push(removed, k, (None, None), Some(ov), None),
            Some((nkind, ndecl, nv)) => {
                if okind != nkind {
                    c.push(
                        kind_changed,
                        k,
                        (Some(okind.clone()), Some(nkind.clone())),
                        Some(ov),
                        Some(nv),
                    );
                } else if odecl != ndecl {
                    c.push(
                        changed,
                        k,
                        (Some(odecl.clone()), Some(ndecl.clone())),
                        Some(ov),
                        Some(nv),
                    );
                }
            }
        }
    }
}

fn volume(c: &mut Collector, old: &Value, new: &Value) {
    fn plugins(doc: &Value) -> BTreeMap<String, &Value> {
        topic(doc, "volume_plugins")
            .into_iter()
            .filter_map(|p| {
                let key = p["name"]
                    .as_str()
                    .or_else(|| p["type"].as_str()?.rsplit('/').next())?
                    .to_string();
                Some((key, p))
            })
            .collect()
    }
    let (o, n) = (plugins(old), plugins(new));
    for (k, o, n) in c.added_removed(&o, &n, "volume-plugin-added", "volume-plugin-removed") {
        if o["implements"] != n["implements"] {
            c.push(
                "volume-capability-changed",
                k,
                (text(&o["implements"]), text(&n["implements"])),
                Some(o),
                Some(n),
            );
        }
        if o["platforms"] != n["platforms"] {
            c.push(
                "volume-platform-changed",
                k,
                (text(&o["platforms"]), text(&n["platforms"])),
                Some(o),
                Some(n),
            );
        }
        let reg = |p: &Value| -> BTreeSet<String> {
            p["registered"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    format!(
                        "{} {}",
                        r["binary"].as_str().unwrap_or(""),
                        r["function"].as_str().unwrap_or("")
                    )
                })
                .collect()
        };
        let (or, nr) = (reg(o), reg(n));
        if or != nr {
            let join = |s: &BTreeSet<String>| Some(s.iter().cloned().collect::<Vec<_>>().join(", "));
            c.push(
                "volume-registration-changed",
                k,
                (join(&or), join(&nr)),
                Some(o),
                Some(n),
            );
        }
    }
}

fn preflight(c: &mut Collector, old: &Value, new: &Value) {
    fn checks(doc: &Value) -> BTreeMap<String, &Value> {
        topic(doc, "preflight_checks")
            .into_iter()
            .filter_map(|p| Some((p["type"].as_str()?.rsplit('.').next()?.to_string(), p)))
            .collect()
    }
    let (o, n) = (checks(old), checks(new));
    for (k, o, n) in c.added_removed(&o, &n, "preflight-check-added", "preflight-check-removed") {
        if o["platforms"] != n["platforms"] {
            c.push(
                "preflight-platform-changed",
                k,
                (text(&o["platforms"]), text(&n["platforms"])),
                Some(o),
                Some(n),
            );
        }
    }
}

/// Counts per section and class.
pub fn summary(changes: &[Change]) -> BTreeMap<&'static str, BTreeMap<&'static str, usize>> {
    let mut out: BTreeMap<&'static str, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for section in [
        "binaries",
        "commands",
        "flags",
        "workqueue",
        "volume_plugins",
        "preflight_checks",
        "api",
    ] {
        out.insert(
            section,
            [("added", 0), ("removed", 0), ("changed", 0)].into_iter().collect(),
        );
    }
    for ch in changes {
        let class = match ch.class {
            Added => "added",
            Removed => "removed",
            Changed => "changed",
        };
        *out.entry(ch.section).or_default().entry(class).or_default() += 1;
    }
    out
}

/// The report document (`kubewalk/diff/v1`), documented in docs/diff-json.md.
pub fn report(old_label: &str, new_label: &str, changes: &[Change]) -> Value {
    json!({
        "schema": DIFF_SCHEMA,
        "old": old_label,
        "new": new_label,
        "summary": summary(changes),
        "changes": changes,
    })
}
