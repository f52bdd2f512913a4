//! The change rules of each kind of topic, generated from a topic's definition, and the comparisons that fire
//! them. A rule's id is `<topic id>.<what>`.

use std::collections::{BTreeMap, BTreeSet};

use super::{Class, Collector, Location, Rule, Side};
use crate::scan::PackageDoc;
use crate::topics::api_lifecycle::{ApiKind, ApiLifecycleReport, Served};
use crate::topics::binaries::BinariesReport;
use crate::topics::calls::{CallsReport, LiteralsReport};
use crate::topics::commands::{CommandFlag, CommandsReport};
use crate::topics::feature_gates::{FeatureGate, FeatureGatesReport};
use crate::topics::implementers::{ImplementersReport, RemovedSeverity};
use crate::topics::metrics::{Metric, MetricsReport};
use crate::topics::registry::{RegistryEntry, RegistryReport};
use crate::topics::workqueue::WorkqueueReport;
use crate::topics::{Kind, Report, TopicDef};

use super::Severity::{self, Breaking, Info, Notable};
use Class::{Added, Changed, Removed};

fn rule(def_id: &str, what: &str, class: Class, severity: Severity, message: String) -> Rule {
    Rule {
        id: format!("{def_id}.{what}"),
        section: def_id.to_string(),
        class,
        severity,
        message,
        upgrade: false,
    }
}

/// The changes a platform engineer acts on before an upgrade, by the kind of topic: what they run or set
/// that the new release no longer accepts, or accepts differently.
fn matters_before_upgrade(kind: &Kind, what: &str) -> bool {
    let flags = [
        "flag-removed",
        "flag-deprecated",
        "flag-type-changed",
        "flag-default-changed",
    ];
    match kind {
        Kind::Binaries(_) => what == "removed" || flags.contains(&what),
        Kind::Commands(_) => what == "command-removed" || flags.contains(&what),
        Kind::FeatureGates(_) => what != "added",
        Kind::ApiLifecycle(_) => matches!(what, "kind-removed" | "no-longer-served"),
        Kind::Metrics(_) => what != "added",
        Kind::Registry(_) => matches!(what, "added" | "removed" | "default-changed" | "profile-changed"),
        Kind::Implementers(def) => def.registration.is_some() && what == "removed",
        Kind::Workqueue(_) | Kind::Calls(_) | Kind::Literals(_) => false,
    }
}

/// The rules of the flags of a topic's commands (or binaries).
fn flag_rules(id: &str) -> Vec<Rule> {
    let r = |what: &str, class, severity, message: &str| rule(id, what, class, severity, message.to_string());
    vec![
        r("flag-added", Added, Notable, "flag {subject} added"),
        r("flag-removed", Removed, Breaking, "flag {subject} removed"),
        r(
            "flag-type-changed",
            Changed,
            Breaking,
            "flag {subject} changed type from {old} to {new}",
        ),
        r(
            "flag-default-changed",
            Changed,
            Notable,
            "flag {subject} changed default from {old} to {new}",
        ),
        r(
            "flag-usage-changed",
            Changed,
            Info,
            "flag {subject} changed usage from {old} to {new}",
        ),
        r("flag-deprecated", Changed, Notable, "flag {subject} deprecated: {new}"),
    ]
}

/// The rules of one topic, from its kind and its keys.
pub fn of_topic(def: &TopicDef) -> Vec<Rule> {
    let mut out = rules_of(def);
    for rule in &mut out {
        let what = rule.id.strip_prefix(&format!("{}.", def.id)).unwrap_or(&rule.id);
        rule.upgrade = matters_before_upgrade(&def.kind, what);
    }
    out
}

fn rules_of(def: &TopicDef) -> Vec<Rule> {
    let id = def.id.as_str();
    let r = |what: &str, class, severity, message: &str| rule(id, what, class, severity, message.to_string());
    match &def.kind {
        Kind::Binaries(_) => {
            let mut out = vec![
                r("added", Added, Notable, "binary {subject} added"),
                r("removed", Removed, Breaking, "binary {subject} removed"),
            ];
            out.extend(flag_rules(id));
            out
        }
        Kind::Commands(_) => {
            let mut out = vec![
                r("command-added", Added, Notable, "command {subject} added"),
                r("command-removed", Removed, Breaking, "command {subject} removed"),
                r(
                    "command-moved",
                    Changed,
                    Info,
                    "command {subject} moved from {old} to {new}",
                ),
            ];
            out.extend(flag_rules(id));
            out
        }
        Kind::Workqueue(_) => {
            let mut out = api_rules(id, &ApiRules::WORKQUEUE, Notable);
            out.extend([
                r(
                    "kind-changed",
                    Changed,
                    Breaking,
                    "{subject} changed from {old} to {new}",
                ),
                r("rate-limiter-added", Added, Notable, "rate limiter {subject} added"),
                r(
                    "rate-limiter-removed",
                    Removed,
                    Breaking,
                    "rate limiter {subject} removed",
                ),
                r("consumer-added", Added, Info, "{subject} now builds a queue"),
                r("consumer-removed", Removed, Info, "{subject} no longer builds a queue"),
            ]);
            out
        }
        Kind::Implementers(kind) => {
            let noun = def.noun();
            let removed = match kind.removed {
                RemovedSeverity::Breaking => Breaking,
                RemovedSeverity::Notable => Notable,
            };
            let mut out = vec![
                rule(id, "added", Added, Notable, format!("{noun} {{subject}} added")),
                rule(id, "removed", Removed, removed, format!("{noun} {{subject}} removed")),
                rule(
                    id,
                    "platforms-changed",
                    Changed,
                    Notable,
                    format!("{noun} {{subject}} platforms changed from {{old}} to {{new}}"),
                ),
            ];
            if kind.capabilities.is_some() {
                out.push(rule(
                    id,
                    "capabilities-changed",
                    Changed,
                    Notable,
                    format!("{noun} {{subject}} capabilities changed from {{old}} to {{new}}"),
                ));
            }
            if kind.registration.is_some() {
                out.push(rule(
                    id,
                    "registration-changed",
                    Changed,
                    Notable,
                    format!("{noun} {{subject}} registration changed from {{old}} to {{new}}"),
                ));
            }
            out
        }
        Kind::Calls(_) => vec![
            r("added", Added, Info, "call of {subject} added"),
            r("removed", Removed, Info, "call of {subject} removed"),
            r(
                "values-changed",
                Changed,
                Notable,
                "call of {subject} changed from {old} to {new}",
            ),
        ],
        Kind::FeatureGates(_) => vec![
            r("added", Added, Info, "feature gate {subject} added ({new})"),
            r(
                "removed",
                Removed,
                Breaking,
                "feature gate {subject} removed: a component given it no longer starts",
            ),
            r(
                "stage-changed",
                Changed,
                Notable,
                "feature gate {subject} moved from {old} to {new}",
            ),
            r(
                "default-changed",
                Changed,
                Notable,
                "feature gate {subject} is now {new} by default (was {old})",
            ),
            r(
                "locked",
                Changed,
                Breaking,
                "feature gate {subject} is locked to {new}: setting it otherwise stops the component",
            ),
        ],
        Kind::ApiLifecycle(_) => vec![
            r("kind-added", Added, Info, "prerelease API kind {subject} added ({new})"),
            r("kind-removed", Removed, Breaking, "API kind {subject} removed ({old})"),
            r(
                "lifecycle-changed",
                Changed,
                Notable,
                "API kind {subject} lifecycle changed from {old} to {new}",
            ),
            r("served", Added, Notable, "{subject} is now served by default"),
            r(
                "no-longer-served",
                Removed,
                Breaking,
                "{subject} is no longer served by default ({new}): clients and stored manifests of it must move first",
            ),
        ],
        Kind::Metrics(_) => vec![
            r("added", Added, Info, "metric {subject} added ({new})"),
            r(
                "removed",
                Removed,
                Breaking,
                "metric {subject} removed ({old}): dashboards and alerts on it go blank",
            ),
            r(
                "labels-changed",
                Changed,
                Breaking,
                "metric {subject} labels changed from {old} to {new}",
            ),
            r(
                "stability-changed",
                Changed,
                Notable,
                "metric {subject} stability changed from {old} to {new}",
            ),
            r("deprecated", Changed, Notable, "metric {subject} deprecated in {new}"),
            r(
                "buckets-changed",
                Changed,
                Notable,
                "metric {subject} buckets changed from {old} to {new}",
            ),
        ],
        Kind::Registry(kind) => {
            let noun = def.noun();
            let mut out = vec![
                rule(
                    id,
                    "added",
                    Added,
                    Notable,
                    format!("{noun} {{subject}} added ({{new}})"),
                ),
                rule(id, "removed", Removed, Breaking, format!("{noun} {{subject}} removed")),
            ];
            if kind.default_on.is_some() || kind.default_off.is_some() {
                out.push(rule(
                    id,
                    "default-changed",
                    Changed,
                    Notable,
                    format!("{noun} {{subject}} is now {{new}} by default (was {{old}})"),
                ));
            }
            if !kind.profile_in.is_empty() {
                out.push(rule(
                    id,
                    "profile-changed",
                    Changed,
                    Notable,
                    format!("{noun} {{subject}} in the default configuration changed from {{old}} to {{new}}"),
                ));
            }
            if kind.order.is_some() {
                out.push(rule(
                    id,
                    "order-changed",
                    Changed,
                    Info,
                    format!("{noun} {{subject}} moved from position {{old}} to {{new}} among the entries of both"),
                ));
            }
            out
        }
        Kind::Literals(_) => vec![
            r("added", Added, Info, "literal in {subject} added"),
            r("removed", Removed, Info, "literal in {subject} removed"),
            r(
                "fields-changed",
                Changed,
                Notable,
                "literal in {subject} changed from {old} to {new}",
            ),
        ],
    }
}

/// The rules of a package's exported API in a section (`<section>.<prefix>added`, ...); what an addition counts
/// as.
pub fn api_rules(section: &str, rules: &ApiRules, added: Severity) -> Vec<Rule> {
    let p = rules.prefix;
    let r = |what: &str, class, severity, message: &str| rule(section, what, class, severity, message.to_string());
    vec![
        r(&format!("{p}added"), Added, added, "{subject} added"),
        r(&format!("{p}removed"), Removed, Breaking, "{subject} removed"),
        r(
            &format!("{p}changed"),
            Changed,
            Breaking,
            "{subject} changed from {old} to {new}",
        ),
    ]
}

/// Which rules a package comparison fires: the API section's (`api.added`), or a workqueue topic's
/// (`workqueue.api-added`, and `kind-changed` for a type that changes kind).
pub struct ApiRules {
    pub prefix: &'static str,
    pub kind_changed: &'static str,
}

impl ApiRules {
    pub const API: ApiRules = ApiRules {
        prefix: "",
        kind_changed: "changed",
    };
    const WORKQUEUE: ApiRules = ApiRules {
        prefix: "api-",
        kind_changed: "kind-changed",
    };
}

/// Compares one topic's reports (either may be missing: a topic only one side has).
pub fn compare(c: &mut Collector, def: &TopicDef, old: Option<&Report>, new: Option<&Report>, o: &Side, n: &Side) {
    match &def.kind {
        Kind::Binaries(_) => binaries(c, old.and_then(Report::binaries), new.and_then(Report::binaries)),
        Kind::Commands(_) => commands(c, old.and_then(Report::commands), new.and_then(Report::commands)),
        Kind::Workqueue(w) => workqueue(
            c,
            &w.package,
            old.and_then(Report::workqueue),
            new.and_then(Report::workqueue),
            o,
            n,
        ),
        Kind::Implementers(kind) => implementers(
            c,
            kind.key_by_name(),
            old.and_then(Report::implementers),
            new.and_then(Report::implementers),
        ),
        Kind::Calls(_) => calls(c, old.and_then(Report::calls), new.and_then(Report::calls)),
        Kind::Literals(_) => literals(c, old.and_then(Report::literals), new.and_then(Report::literals)),
        Kind::FeatureGates(_) => feature_gates(
            c,
            old.and_then(Report::feature_gates),
            new.and_then(Report::feature_gates),
        ),
        Kind::ApiLifecycle(_) => api_lifecycle(
            c,
            old.and_then(Report::api_lifecycle),
            new.and_then(Report::api_lifecycle),
        ),
        Kind::Metrics(_) => metrics(c, old.and_then(Report::metrics), new.and_then(Report::metrics)),
        Kind::Registry(d) => registry(
            c,
            &d.subject_key,
            old.and_then(Report::registry),
            new.and_then(Report::registry),
        ),
    }
}

/// Entries of both sides by key: the added and removed ones fire `added`/`removed` (with the rule prefix), the
/// pairs present on both sides are returned.
fn added_removed<'a, T>(
    c: &mut Collector,
    prefix: &str,
    old: &BTreeMap<String, &'a T>,
    new: &BTreeMap<String, &'a T>,
    at: impl Fn(&T) -> Option<Location>,
    about: impl Fn(&str, &T) -> BTreeMap<&'static str, String>,
) -> Vec<(String, &'a T, &'a T)> {
    for (k, v) in new {
        if !old.contains_key(k) {
            c.push(&format!("{prefix}added"), k, (None, None), (None, at(v)), about(k, v));
        }
    }
    let mut both = Vec::new();
    for (k, v) in old {
        match new.get(k) {
            Some(n) => both.push((k.clone(), *v, *n)),
            None => c.push(&format!("{prefix}removed"), k, (None, None), (at(v), None), about(k, v)),
        }
    }
    both
}

fn none<T>(_: &str, _: &T) -> BTreeMap<&'static str, String> {
    BTreeMap::new()
}

fn join(list: &[String]) -> Option<String> {
    Some(list.join(", "))
}

/// A flag's name as the two releases are matched by: `_` and `-` alike, as Kubernetes' word-separator
/// normalisation (`cliflag.WordSepNormalizeFunc`, which `cli.Run` installs) accepts either spelling, so a flag
/// whose name it rewrote (agnhost's `--retry_time` became `--retry-time`) is the same flag.
fn flag_key(name: &str) -> String {
    name.replace('_', "-")
}

fn binaries(c: &mut Collector, old: Option<&BinariesReport>, new: Option<&BinariesReport>) {
    use crate::topics::binaries::Binary;
    fn key(r: Option<&BinariesReport>) -> BTreeMap<String, &Binary> {
        r.iter().flat_map(|r| &r.binaries).map(|b| (b.dir.clone(), b)).collect()
    }
    let at = |b: &Binary| Some(Location::new(b.main_file.as_deref()?, b.main_line?));
    let about = |k: &str, _: &Binary| BTreeMap::from([("binary", k.to_string())]);
    for (dir, o, n) in added_removed(c, "", &key(old), &key(new), at, about) {
        // A binary without commands has flags of its own.
        fn flags(b: &Binary) -> BTreeMap<String, FlagAt<'_>> {
            b.flags
                .iter()
                .map(|f| {
                    (
                        format!("{} --{}", b.name, flag_key(&f.name)),
                        FlagAt {
                            flag: f,
                            command: &b.name,
                        },
                    )
                })
                .collect()
        }
        flag_changes(c, &dir, &flags(o), &flags(n));
    }
}

/// A flag as one command (or a binary without commands) accepts it.
struct FlagAt<'r> {
    flag: &'r CommandFlag,
    command: &'r str,
}

/// The changes of flags keyed by `path --name`: added, removed, type, default (only when both values are known: an
/// expression that moved is not a change), usage, deprecation.
fn flag_changes(c: &mut Collector, binary: &str, old: &BTreeMap<String, FlagAt>, new: &BTreeMap<String, FlagAt>) {
    let at = |f: &FlagAt| Some(Location::new(f.flag.file.as_deref()?, f.flag.line?));
    let about = |_: &str, f: &FlagAt| {
        BTreeMap::from([
            ("binary", binary.to_string()),
            ("command", f.command.to_string()),
            ("flag", f.flag.name.clone()),
        ])
    };
    let old: BTreeMap<String, &FlagAt> = old.iter().map(|(k, v)| (k.clone(), v)).collect();
    let new: BTreeMap<String, &FlagAt> = new.iter().map(|(k, v)| (k.clone(), v)).collect();
    for (k, o, n) in added_removed(c, "flag-", &old, &new, at, about) {
        let (of, nf) = (o.flag, n.flag);
        let default = |f: &CommandFlag| f.default.clone().or_else(|| f.default_value.clone());
        let compared = [
            ("flag-type-changed", Some(of.ty.clone()), Some(nf.ty.clone()), true),
            (
                "flag-default-changed",
                default(of),
                default(nf),
                // A default whose type changed is reported with the type.
                of.default_value.is_some() && nf.default_value.is_some() && of.ty == nf.ty,
            ),
            (
                "flag-usage-changed",
                of.usage.clone(),
                nf.usage.clone(),
                of.usage.is_some() && nf.usage.is_some(),
            ),
        ];
        for (what, ov, nv, known) in compared {
            if known && ov != nv {
                c.push(what, &k, (ov, nv), (at(o), at(n)), about(&k, n));
            }
        }
        if nf.deprecated.is_some() && of.deprecated.is_none() {
            let message = nf.deprecated.clone().flatten();
            c.push("flag-deprecated", &k, (None, message), (at(o), at(n)), about(&k, n));
        }
    }
}

/// Commands by their path as a user types it (`kubeadm init phase preflight`; a command no binary reaches by its
/// package and name); flags by `path --name`, over every flag each command accepts as its own, so a flag that
/// moved between helpers is unchanged. The flags of a command added or removed come and go with it.
fn commands(c: &mut Collector, old: Option<&CommandsReport>, new: Option<&CommandsReport>) {
    use crate::topics::commands::Command;
    fn key(cmd: &Command) -> String {
        match &cmd.path {
            Some(p) => p.clone(),
            None => format!("{} {} (not reached)", cmd.package, cmd.name.as_deref().unwrap_or("?")),
        }
    }
    fn commands(r: Option<&CommandsReport>) -> BTreeMap<String, &Command> {
        let mut out = BTreeMap::new();
        for cmd in r.iter().flat_map(|r| &r.commands) {
            out.entry(key(cmd)).or_insert(cmd);
        }
        out
    }
    let (oc, nc) = (commands(old), commands(new));
    let at = |cmd: &Command| Some(Location::new(&cmd.file, cmd.line));
    let about = |k: &str, cmd: &Command| {
        let mut m = BTreeMap::new();
        if let Some(b) = &cmd.binary {
            m.insert("binary", b.clone());
        }
        m.insert("command", k.to_string());
        m
    };
    fn flags<'c>(cmd: &'c Command, k: &'c str) -> BTreeMap<String, FlagAt<'c>> {
        cmd.flags
            .iter()
            .filter(|f| !f.inherited && f.file.is_some())
            .map(|f| (format!("{k} --{}", flag_key(&f.name)), FlagAt { flag: f, command: k }))
            .collect()
    }
    for (k, o, n) in added_removed(c, "command-", &oc, &nc, at, about) {
        if o.file != n.file {
            c.push(
                "command-moved",
                &k,
                (Some(o.file.clone()), Some(n.file.clone())),
                (at(o), at(n)),
                about(&k, n),
            );
        }
        let binary = n.binary.clone().unwrap_or_default();
        flag_changes(c, &binary, &flags(o, &k), &flags(n, &k));
    }
}

fn workqueue(
    c: &mut Collector,
    package: &str,
    old: Option<&WorkqueueReport>,
    new: Option<&WorkqueueReport>,
    o: &Side,
    n: &Side,
) {
    use crate::topics::workqueue::{Consumer, RateLimiter};
    let path = new
        .map(|w| w.package.as_str())
        .or(old.map(|w| w.package.as_str()))
        .unwrap_or(package);
    if old.is_some() && new.is_some() {
        package_api(c, o.package(path), n.package(path), path, ApiRules::WORKQUEUE);
    }
    fn limiters(w: Option<&WorkqueueReport>) -> BTreeMap<String, &RateLimiter> {
        w.iter()
            .flat_map(|w| &w.rate_limiters)
            .filter_map(|l| Some((l.ty.rsplit('/').next()?.to_string(), l)))
            .collect()
    }
    let at = |l: &RateLimiter| Some(Location::new(&l.file, l.line));
    added_removed(c, "rate-limiter-", &limiters(old), &limiters(new), at, none);
    // Consumers by package and function; a function that builds several queues counts each constructor once.
    fn consumers(w: Option<&WorkqueueReport>) -> BTreeMap<String, &Consumer> {
        let mut out = BTreeMap::new();
        for x in w.iter().flat_map(|w| &w.consumers) {
            out.entry(format!("{}.{} ({})", x.package, x.function, x.constructor))
                .or_insert(x);
        }
        out
    }
    let at = |x: &Consumer| Some(Location::new(&x.file, x.line));
    added_removed(c, "consumer-", &consumers(old), &consumers(new), at, none);
}

fn implementers(c: &mut Collector, by_name: bool, old: Option<&ImplementersReport>, new: Option<&ImplementersReport>) {
    use crate::topics::implementers::Implementer;
    // By static name when the topic says so and there is one, else by type name.
    fn entries(r: Option<&ImplementersReport>, by_name: bool) -> BTreeMap<String, &Implementer> {
        r.iter()
            .flat_map(|r| &r.implementers)
            .map(|i| {
                let name = i.static_name().filter(|_| by_name).map(str::to_string);
                let key = name.unwrap_or_else(|| i.ty.rsplit('/').next().unwrap_or(&i.ty).to_string());
                (key, i)
            })
            .collect()
    }
    let at = |i: &Implementer| Some(Location::new(&i.file, i.line));
    let about = |k: &str, _: &Implementer| BTreeMap::from([("entry", k.to_string())]);
    for (k, o, n) in added_removed(c, "", &entries(old, by_name), &entries(new, by_name), at, about) {
        if o.implements.is_some() && o.implements != n.implements {
            let list = |i: &Implementer| join(i.implements.as_deref().unwrap_or_default());
            c.push(
                "capabilities-changed",
                &k,
                (list(o), list(n)),
                (at(o), at(n)),
                about(&k, n),
            );
        }
        if o.platforms != n.platforms {
            c.push(
                "platforms-changed",
                &k,
                (join(&o.platforms), join(&n.platforms)),
                (at(o), at(n)),
                about(&k, n),
            );
        }
        let reg = |i: &Implementer| -> Option<BTreeSet<String>> {
            i.registered.as_ref().map(|list| {
                list.iter()
                    .map(|r| format!("{} {}", r.binary.as_deref().unwrap_or(""), r.function))
                    .collect()
            })
        };
        let (or, nr) = (reg(o), reg(n));
        if or.is_some() && or != nr {
            let text =
                |s: Option<BTreeSet<String>>| Some(s.unwrap_or_default().into_iter().collect::<Vec<_>>().join(", "));
            c.push(
                "registration-changed",
                &k,
                (text(or), text(nr)),
                (at(o), at(n)),
                about(&k, n),
            );
        }
    }
}

fn calls(c: &mut Collector, old: Option<&CallsReport>, new: Option<&CallsReport>) {
    use crate::topics::calls::CallSite;
    // By function, caller and arguments as written; the n-th of several identical calls is its own entry.
    fn entries(r: Option<&CallsReport>) -> BTreeMap<String, &CallSite> {
        let mut out = BTreeMap::new();
        for call in r.iter().flat_map(|r| &r.calls) {
            let base = format!(
                "{} in {}.{}({})",
                call.function.rsplit('/').next().unwrap_or(&call.function),
                call.package,
                call.caller,
                call.args.join(", ")
            );
            let mut key = base.clone();
            let mut n = 1;
            while out.contains_key(&key) {
                n += 1;
                key = format!("{base} #{n}");
            }
            out.insert(key, call);
        }
        out
    }
    let at = |x: &CallSite| Some(Location::new(&x.file, x.line));
    for (k, o, n) in added_removed(c, "", &entries(old), &entries(new), at, none) {
        if o.values != n.values {
            let text = |x: &CallSite| {
                Some(
                    x.values
                        .iter()
                        .map(|v| v.clone().unwrap_or_else(|| "?".to_string()))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            c.push(
                "values-changed",
                &k,
                (text(o), text(n)),
                (at(o), at(n)),
                BTreeMap::new(),
            );
        }
    }
}

/// Gates by name; a gate two packages register is compared by its first registration (they must agree, or the
/// component fails to start).
fn feature_gates(c: &mut Collector, old: Option<&FeatureGatesReport>, new: Option<&FeatureGatesReport>) {
    fn gates(r: Option<&FeatureGatesReport>) -> BTreeMap<String, &FeatureGate> {
        let mut out = BTreeMap::new();
        for g in r.iter().flat_map(|r| &r.gates) {
            out.entry(g.name.clone()).or_insert(g);
        }
        out
    }
    fn on(default: Option<bool>) -> String {
        match default {
            Some(true) => "on".to_string(),
            Some(false) => "off".to_string(),
            None => "not static".to_string(),
        }
    }
    let at = |g: &FeatureGate| Some(Location::new(&g.file, g.line));
    let about =
        |name: &str, g: &FeatureGate| BTreeMap::from([("gate", name.to_string()), ("binaries", g.binaries.join(", "))]);
    let (old, new) = (gates(old), gates(new));
    for (name, g) in &new {
        if !old.contains_key(name) {
            let value = format!("{}, {}", g.pre_release, on(g.default));
            c.push("added", name, (None, Some(value)), (None, at(g)), about(name, g));
        }
    }
    for (name, o) in &old {
        let Some(n) = new.get(name) else {
            let value = format!("{}, {}", o.pre_release, on(o.default));
            c.push("removed", name, (Some(value), None), (at(o), None), about(name, o));
            continue;
        };
        let both = (at(o), at(n));
        if o.pre_release != n.pre_release {
            c.push(
                "stage-changed",
                name,
                (Some(o.pre_release.clone()), Some(n.pre_release.clone())),
                both.clone(),
                about(name, n),
            );
        }
        if o.default != n.default {
            c.push(
                "default-changed",
                name,
                (Some(on(o.default)), Some(on(n.default))),
                both.clone(),
                about(name, n),
            );
        }
        if n.lock_to_default == Some(true) && o.lock_to_default != Some(true) {
            c.push("locked", name, (None, Some(on(n.default))), both, about(name, n));
        }
    }
}

/// Kinds by `group/version.Kind`; served group/versions (and resources) by server and id.
fn api_lifecycle(c: &mut Collector, old: Option<&ApiLifecycleReport>, new: Option<&ApiLifecycleReport>) {
    fn kinds(r: Option<&ApiLifecycleReport>) -> BTreeMap<String, &ApiKind> {
        let mut out = BTreeMap::new();
        for k in r.iter().flat_map(|r| &r.kinds) {
            let gv = if k.group.is_empty() {
                k.version.clone()
            } else {
                format!("{}/{}", k.group, k.version)
            };
            out.entry(format!("{gv}.{}", k.kind)).or_insert(k);
        }
        out
    }
    fn lifecycle(k: &ApiKind) -> String {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "-".to_string());
        format!(
            "introduced {}, deprecated {}, removed {}",
            v(&k.introduced),
            v(&k.deprecated),
            v(&k.removed)
        )
    }
    fn served(r: Option<&ApiLifecycleReport>) -> BTreeMap<String, &Served> {
        let mut out = BTreeMap::new();
        for s in r.iter().flat_map(|r| &r.served) {
            // A later call for the same group/version wins, as in the configuration itself.
            out.insert(s.id(), s);
        }
        out
    }
    let at = |k: &ApiKind| Some(Location::new(&k.file, k.line));
    let about = |_: &str, k: &ApiKind| {
        BTreeMap::from([
            ("group", k.group.clone()),
            ("version", k.version.clone()),
            ("kind", k.kind.clone()),
        ])
    };
    let (ok, nk) = (kinds(old), kinds(new));
    for (key, k) in &nk {
        if !ok.contains_key(key) {
            c.push(
                "kind-added",
                key,
                (None, Some(lifecycle(k))),
                (None, at(k)),
                about(key, k),
            );
        }
    }
    for (key, o) in &ok {
        match nk.get(key) {
            None => c.push(
                "kind-removed",
                key,
                (Some(lifecycle(o)), None),
                (at(o), None),
                about(key, o),
            ),
            Some(n) if lifecycle(o) != lifecycle(n) => c.push(
                "lifecycle-changed",
                key,
                (Some(lifecycle(o)), Some(lifecycle(n))),
                (at(o), at(n)),
                about(key, n),
            ),
            Some(_) => {}
        }
    }
    let at = |s: &Served| Some(Location::new(&s.file, s.line));
    let about = |_: &str, s: &Served| {
        let mut out = BTreeMap::from([("group", s.group.clone()), ("version", s.version.clone())]);
        if let Some(r) = &s.resource {
            out.insert("resource", r.clone());
        }
        out
    };
    let (os, ns) = (served(old), served(new));
    for (key, o) in &os {
        let now = ns.get(key).filter(|n| n.enabled);
        if o.enabled && now.is_none() {
            let why = if ns.contains_key(key) {
                "disabled"
            } else {
                "no longer listed"
            };
            let new_at = ns.get(key).and_then(|n| at(n));
            c.push(
                "no-longer-served",
                key,
                (None, Some(why.to_string())),
                (at(o), new_at),
                about(key, o),
            );
        }
    }
    for (key, n) in &ns {
        // A resource kept served while the rest of its group/version stops is not newly served.
        let version_was_served = n.resource.is_some()
            && os
                .values()
                .any(|o| o.enabled && o.resource.is_none() && o.group == n.group && o.version == n.version);
        if n.enabled && !os.get(key).is_some_and(|o| o.enabled) && !version_was_served {
            c.push("served", key, (None, None), (None, at(n)), about(key, n));
        }
    }
}

/// Metrics by full name (those whose name is not static are left out); one declared twice is compared by its first.
fn metrics(c: &mut Collector, old: Option<&MetricsReport>, new: Option<&MetricsReport>) {
    fn by_name(r: Option<&MetricsReport>) -> BTreeMap<String, &Metric> {
        let mut out = BTreeMap::new();
        for m in r.iter().flat_map(|r| &r.metrics) {
            if let Some(name) = &m.name {
                out.entry(name.clone()).or_insert(m);
            }
        }
        out
    }
    fn describe(m: &Metric) -> String {
        format!("{} {}", m.stability, m.metric_type)
    }
    fn labels(m: &Metric) -> Option<String> {
        m.labels.as_ref().map(|l| format!("[{}]", l.join(", ")))
    }
    let at = |m: &Metric| Some(Location::new(&m.file, m.line));
    let about = |name: &str, _: &Metric| BTreeMap::from([("metric", name.to_string())]);
    let (old, new) = (by_name(old), by_name(new));
    for (name, m) in &new {
        if !old.contains_key(name) {
            c.push("added", name, (None, Some(describe(m))), (None, at(m)), about(name, m));
        }
    }
    for (name, o) in &old {
        let Some(n) = new.get(name) else {
            c.push(
                "removed",
                name,
                (Some(describe(o)), None),
                (at(o), None),
                about(name, o),
            );
            continue;
        };
        let both = (at(o), at(n));
        if o.labels.is_some() && n.labels.is_some() && o.labels != n.labels {
            c.push(
                "labels-changed",
                name,
                (labels(o), labels(n)),
                both.clone(),
                about(name, n),
            );
        }
        if o.stability != n.stability {
            c.push(
                "stability-changed",
                name,
                (Some(o.stability.clone()), Some(n.stability.clone())),
                both.clone(),
                about(name, n),
            );
        }
        if let (Some(ob), Some(nb)) = (&o.buckets, &n.buckets) {
            if ob != nb {
                let text = |b: &[f64]| {
                    Some(format!(
                        "[{}]",
                        b.iter().map(f64::to_string).collect::<Vec<_>>().join(", ")
                    ))
                };
                c.push(
                    "buckets-changed",
                    name,
                    (text(ob), text(nb)),
                    both.clone(),
                    about(name, n),
                );
            }
        }
        if n.deprecated_version.is_some() && o.deprecated_version != n.deprecated_version {
            c.push(
                "deprecated",
                name,
                (o.deprecated_version.clone(), n.deprecated_version.clone()),
                both,
                about(name, n),
            );
        }
    }
}

/// Entries by name (as written when not static).
fn registry(c: &mut Collector, subject_key: &str, old: Option<&RegistryReport>, new: Option<&RegistryReport>) {
    fn entries(r: Option<&RegistryReport>) -> BTreeMap<String, &RegistryEntry> {
        let mut out = BTreeMap::new();
        for e in r.iter().flat_map(|r| &r.entries) {
            out.entry(e.name.clone().unwrap_or_else(|| e.name_expr.clone()))
                .or_insert(e);
        }
        out
    }
    fn on(default: Option<bool>) -> Option<String> {
        default.map(|d| if d { "on".to_string() } else { "off".to_string() })
    }
    let key: &'static str = match subject_key {
        "plugin" => "plugin",
        "controller" => "controller",
        _ => "entry",
    };
    let at = |e: &RegistryEntry| Some(Location::new(&e.file, e.line));
    let about = |name: &str, _: &RegistryEntry| BTreeMap::from([(key, name.to_string())]);
    let (old, new) = (entries(old), entries(new));
    for (name, e) in &new {
        if !old.contains_key(name) {
            let value = on(e.default).map_or_else(|| e.value.clone(), |d| format!("{d} by default"));
            c.push("added", name, (None, Some(value)), (None, at(e)), about(name, e));
        }
    }
    for (name, o) in &old {
        let Some(n) = new.get(name) else {
            c.push("removed", name, (None, None), (at(o), None), about(name, o));
            continue;
        };
        if o.default.is_some() && n.default.is_some() && o.default != n.default {
            c.push(
                "default-changed",
                name,
                (on(o.default), on(n.default)),
                (at(o), at(n)),
                about(name, n),
            );
        }
        // As a set: the order the configuration lists extension points in means nothing.
        let profile = |e: &RegistryEntry| {
            let mut uses: Vec<String> = e
                .profile
                .iter()
                .map(|u| match u.weight {
                    Some(w) => format!("{} (weight {w})", u.extension_point),
                    None => u.extension_point.clone(),
                })
                .collect();
            uses.sort();
            if uses.is_empty() {
                "not enabled".to_string()
            } else {
                uses.join(", ")
            }
        };
        if profile(o) != profile(n) && c.has_rule("profile-changed") {
            c.push(
                "profile-changed",
                name,
                (Some(profile(o)), Some(profile(n))),
                (at(o), at(n)),
                about(name, n),
            );
        }
        // The place among the entries both sides order: one added or removed moves nothing else.
        let rank = |side: &BTreeMap<String, &RegistryEntry>, other: &BTreeMap<String, &RegistryEntry>| {
            let own = side.get(name)?.order?;
            let before = side
                .iter()
                .filter(|(k, e)| other.get(*k).is_some_and(|x| x.order.is_some()) && e.order.is_some_and(|p| p < own))
                .count();
            Some(before + 1)
        };
        let (ro, rn) = (rank(&old, &new), rank(&new, &old));
        if ro.is_some() && rn.is_some() && ro != rn {
            let pos = |r: Option<usize>| r.map(|p| p.to_string());
            c.push(
                "order-changed",
                name,
                (pos(ro), pos(rn)),
                (at(o), at(n)),
                about(name, n),
            );
        }
    }
}

fn literals(c: &mut Collector, old: Option<&LiteralsReport>, new: Option<&LiteralsReport>) {
    use crate::topics::calls::LiteralSite;
    // By package and function; the n-th literal of a function is its own entry.
    fn entries(r: Option<&LiteralsReport>) -> BTreeMap<String, &LiteralSite> {
        let mut out = BTreeMap::new();
        for lit in r.iter().flat_map(|r| &r.literals) {
            let base = format!("{}.{}", lit.package, lit.function);
            let mut key = base.clone();
            let mut n = 1;
            while out.contains_key(&key) {
                n += 1;
                key = format!("{base} #{n}");
            }
            out.insert(key, lit);
        }
        out
    }
    let at = |x: &LiteralSite| Some(Location::new(&x.file, x.line));
    let text = |x: &LiteralSite| {
        Some(
            x.fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.value.as_deref().unwrap_or(&v.expr)))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    for (k, o, n) in added_removed(c, "", &entries(old), &entries(new), at, none) {
        if text(o) != text(n) {
            c.push(
                "fields-changed",
                &k,
                (text(o), text(n)),
                (at(o), at(n)),
                BTreeMap::new(),
            );
        }
    }
}

/// The exported API of a package: types (by kind and declaration), functions and methods (by signature).
pub fn package_api(c: &mut Collector, old: Option<&PackageDoc>, new: Option<&PackageDoc>, path: &str, rules: ApiRules) {
    let (Some(op), Some(np)) = (old, new) else {
        return;
    };
    let exported = |name: &str| name.chars().next().is_some_and(char::is_uppercase);
    let short = path.rsplit('/').next().unwrap_or(path);
    // Each entry: its kind, what is compared, and where it is.
    let entries = |p: &PackageDoc| -> BTreeMap<String, (String, String, Option<Location>)> {
        let mut out = BTreeMap::new();
        for t in p.types.iter().filter(|t| exported(&t.name)) {
            let decl = format!("{} {}", t.kind, t.ty);
            out.entry(format!("type {short}.{}", t.name)).or_insert((
                t.kind.to_string(),
                decl,
                Some(Location::new(&t.file, t.line)),
            ));
        }
        for f in p.funcs.iter().filter(|f| exported(&f.name)) {
            let sig = format!("{}{}", f.type_params.as_deref().unwrap_or(""), f.signature);
            out.entry(format!("func {short}.{}", f.name)).or_insert((
                "func".to_string(),
                sig,
                Some(Location::new(&f.file, f.line)),
            ));
        }
        // Methods from each exported type's method set, so that promoted methods and the methods an alias gets
        // from the type it stands for count as that type's API.
        for t in p.types.iter().filter(|t| exported(&t.name)) {
            let set = t.method_set.as_ref().or(t.interface.as_ref().map(|i| &i.method_set));
            for m in set.into_iter().flatten().filter(|m| exported(&m.name)) {
                // Compared in canonical form (type arguments substituted).
                let at = m.locations.first().and_then(|l| Location::parse(l));
                out.entry(format!("method {short}.{}.{}", t.name, m.name)).or_insert((
                    "method".to_string(),
                    m.canonical.clone(),
                    at,
                ));
            }
        }
        out
    };
    let (oe, ne) = (entries(op), entries(np));
    let p = rules.prefix;
    for (k, (_, _, at)) in &ne {
        if !oe.contains_key(k) {
            c.push(
                &format!("{p}added"),
                k,
                (None, None),
                (None, at.clone()),
                BTreeMap::new(),
            );
        }
    }
    for (k, (okind, odecl, oat)) in &oe {
        match ne.get(k) {
            None => c.push(
                &format!("{p}removed"),
                k,
                (None, None),
                (oat.clone(), None),
                BTreeMap::new(),
            ),
            Some((nkind, ndecl, nat)) => {
                let at = (oat.clone(), nat.clone());
                if okind != nkind {
                    c.push(
                        rules.kind_changed,
                        k,
                        (Some(okind.clone()), Some(nkind.clone())),
                        at,
                        BTreeMap::new(),
                    );
                } else if odecl != ndecl {
                    c.push(
                        &format!("{p}changed"),
                        k,
                        (Some(odecl.clone()), Some(ndecl.clone())),
                        at,
                        BTreeMap::new(),
                    );
                }
            }
        }
    }
}
