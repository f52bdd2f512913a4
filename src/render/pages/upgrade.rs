//! The pages of what an upgrade needs: feature gates, the API lifecycle, metrics and registries (admission and
//! scheduler plugins, controllers).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::workqueue::consumer_anchor;
use super::{crumbs, topic_value, Builder, PageSpec};
use crate::render::links::{rel, topic_page};
use crate::topics::api_lifecycle::ApiLifecycleReport;
use crate::topics::binaries::first_sentence;
use crate::topics::feature_gates::{FeatureGate, FeatureGatesReport};
use crate::topics::metrics::MetricsReport;
use crate::topics::registry::RegistryReport;
use crate::topics::RegistryDef;
use crate::topics::TopicDef;

/// The stages in the order a gate goes through them, as the page's sections.
const STAGES: [&str; 4] = ["Alpha", "Beta", "GA", "Deprecated"];

/// Each gate's registrations, by name: a gate two packages register is one gate.
pub fn gate_names(report: &FeatureGatesReport) -> BTreeMap<&str, Vec<&FeatureGate>> {
    let mut out: BTreeMap<&str, Vec<&FeatureGate>> = BTreeMap::new();
    for gate in &report.gates {
        out.entry(gate.name.as_str()).or_default().push(gate);
    }
    out
}

pub fn feature_gates_pages(b: &Builder, def: &TopicDef, report: &FeatureGatesReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let binary_href = |name: &str| -> Option<String> {
        let (_, bins) = b.data.topics.binaries()?;
        let bin = bins.binaries.iter().find(|x| x.name == name && !x.outside_dir)?;
        Some(rel(&id, &b.binary_page(&bin.dir)?, None))
    };
    let by_name = gate_names(report);
    let mut by_stage: BTreeMap<usize, Vec<Value>> = BTreeMap::new();
    for (name, regs) in &by_name {
        let gate = regs[0];
        let stage = STAGES
            .iter()
            .position(|s| *s == gate.pre_release)
            .unwrap_or(STAGES.len());
        b.search(name, "feature gate", &gate.pre_release, &id, &anchor(name));
        by_stage.entry(stage).or_default().push(json!({
            "name": name,
            "anchor": anchor(name),
            "default": gate.default,
            "lock_to_default": gate.lock_to_default,
            "history": gate.history,
            "versions": if gate.versions.iter().any(|v| v.version.is_some()) { gate.versions.clone() } else { Vec::new() },
            "owners": gate.owners,
            "kep": gate.kep,
            "doc": gate.doc.as_deref().map(|d| first_sentence(&d.replace('\n', " "))),
            "registered": regs.iter().map(|g| json!({
                "package": g.package,
                "href": b.package_link(&id, &g.package),
                "src": b.src(&id, &g.file, g.line),
            })).collect::<Vec<_>>(),
            "const_src": gate.const_file.as_deref().and_then(|f| b.src(&id, f, gate.const_line.unwrap_or(0))),
        }));
    }
    let stages: Vec<Value> = by_stage
        .into_iter()
        .map(|(i, gates)| {
            let title = STAGES.get(i).copied().unwrap_or("Other");
            json!({ "title": title, "anchor": title.to_lowercase(), "gates": gates })
        })
        .collect();
    // The binaries that accept a package's gates, once per package: every gate of a package goes to the same ones.
    let mut packages: BTreeMap<&str, (usize, &[String])> = BTreeMap::new();
    for g in &report.gates {
        packages.entry(g.package.as_str()).or_insert((0, &g.binaries)).0 += 1;
    }
    let packages: Vec<Value> = packages
        .into_iter()
        .map(|(path, (gates, binaries))| {
            json!({
                "path": path,
                "href": b.package_link(&id, path),
                "gates": gates,
                "binaries": binaries.iter().map(|n| json!({ "name": n, "href": binary_href(n) })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "count": by_name.len(),
        "registrations": report.gates.len(),
        "packages": packages,
        "stages": stages,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "feature_gates.md", context)]
}

fn anchor(name: &str) -> String {
    format!("gate-{}", name.to_lowercase())
}

pub fn api_lifecycle_pages(b: &Builder, def: &TopicDef, report: &ApiLifecycleReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let mut versions: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    for k in &report.kinds {
        let gv = if k.group.is_empty() {
            k.version.clone()
        } else {
            format!("{}/{}", k.group, k.version)
        };
        b.search(&k.kind, "API kind", &gv, &id, &anchor_of(&gv));
        versions.entry((gv, k.package.clone())).or_default().push(json!({
            "kind": k.kind,
            "introduced": k.introduced,
            "deprecated": k.deprecated,
            "removed": k.removed,
            "defaulted": k.defaulted,
            "replacement": k.replacement.as_ref().map(|r| if r.group.is_empty() {
                format!("{}/{}", r.version, r.kind)
            } else {
                format!("{}/{}/{}", r.group, r.version, r.kind)
            }),
            "source": k.source,
            "src": b.src(&id, &k.file, k.line),
        }));
    }
    let versions: Vec<Value> = versions
        .into_iter()
        .map(|((gv, package), kinds)| {
            json!({
                "id": gv,
                "anchor": anchor_of(&gv),
                "package": package,
                "href": b.package_link(&id, &package),
                "kinds": kinds,
            })
        })
        .collect();
    let mut servers: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for s in &report.served {
        servers.entry(s.server.as_str()).or_default().push(json!({
            "id": if s.expr.is_some() { s.expr.clone().unwrap_or_default() } else { s.id() },
            "enabled": s.enabled,
            "resource": s.resource,
            "src": b.src(&id, &s.file, s.line),
        }));
    }
    let servers: Vec<Value> = servers
        .into_iter()
        .map(|(server, list)| {
            let (path, name) = server.rsplit_once('.').unwrap_or(("", server));
            json!({
                // `apiextensions-apiserver/pkg/apiserver.DefaultAPIResourceConfigSource`: servers often share the
                // last element of their package.
                "name": server.strip_prefix("k8s.io/").unwrap_or(server),
                "href": b.func_link(&id, path, name),
                "enabled": list.iter().filter(|s| s["enabled"] == true).count(),
                "disabled": list.iter().filter(|s| s["enabled"] == false).count(),
                "entries": list,
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "count": report.kinds.len(),
        "versions": versions,
        "servers": servers,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "api_lifecycle.md", context)]
}

fn anchor_of(group_version: &str) -> String {
    group_version.replace(['/', '.'], "-")
}

pub fn metrics_pages(b: &Builder, def: &TopicDef, report: &MetricsReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let mut by_stability: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for m in &report.metrics {
        let shown = m.name.clone().or_else(|| m.name_expr.clone()).unwrap_or_default();
        b.search(&shown, "metric", &m.metric_type, &id, "");
        by_stability.entry(m.stability.clone()).or_default().push(json!({
            "name": shown,
            "static": m.name.is_some(),
            "type": m.metric_type,
            "help": m.help.as_deref().map(first_sentence),
            "labels": m.labels,
            "buckets": m.buckets.as_ref().map(|list| list.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")),
            "deprecated_version": m.deprecated_version,
            "package": m.package,
            "src": b.src(&id, &m.file, m.line),
        }));
    }
    // The stable ones first: they are the ones a release promises to keep.
    let order = |s: &str| match s {
        "STABLE" => 0,
        "BETA" => 1,
        "ALPHA" => 2,
        _ => 3,
    };
    let mut groups: Vec<(String, Vec<Value>)> = by_stability.into_iter().collect();
    groups.sort_by_key(|(s, _)| (order(s), s.clone()));
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(stability, metrics)| json!({ "title": stability, "anchor": stability.to_lowercase(), "metrics": metrics }))
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "count": report.metrics.len(),
        "groups": groups,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "metrics.md", context)]
}

pub fn registry_pages(b: &Builder, def: &TopicDef, reg: &RegistryDef, report: &RegistryReport) -> Vec<PageSpec> {
    let id = topic_page(&def.id, false);
    let noun = def.noun();
    // The queue topic has a page when it found the queue package, and then some entry builds a queue.
    let builds_queues = report.entries.iter().any(|e| !e.queues.is_empty());
    let queue_page = reg
        .queues
        .as_ref()
        .filter(|_| builds_queues)
        .map(|q| topic_page(q, false));
    let rows: Vec<Value> = report
        .entries
        .iter()
        .map(|e| {
            let name = e.name.clone().unwrap_or_else(|| e.name_expr.clone());
            b.search(&name, &noun, &e.value, &id, "");
            json!({
                "name": name,
                "static": e.name.is_some(),
                // A factory written in place is named by its package.
                "value": if e.value.starts_with("(func") {
                    format!("func literal in {}", e.implementation.rsplit('/').next().unwrap_or(&e.implementation))
                } else {
                    e.value.clone()
                },
                "order": e.order.map(|o| o + 1),
                "default": e.default,
                "implements": e.implements,
                "implementation": e.implementation,
                "condition": e.condition,
                "profile": e.profile.iter().map(|u| match u.weight {
                    Some(w) => format!("{} (weight {w})", u.extension_point),
                    None => u.extension_point.clone(),
                }).collect::<Vec<_>>(),
                "href": b.package_link(&id, &e.implementation),
                "src": b.src(&id, &e.file, e.line),
                "queues": e.queues.iter().map(|q| json!({
                    "name": q.queue_name.clone().unwrap_or_else(|| format!("unnamed, in {}", q.function)),
                    "href": queue_page.as_ref().map(|p| rel(&id, p, Some(&consumer_anchor(&q.file, q.line)))),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let context = json!({
        "topic": topic_value(def),
        "noun": noun,
        "count": rows.len(),
        "ordered": report.entries.iter().any(|e| e.order.is_some()),
        "defaults": report.entries.iter().any(|e| e.default.is_some()),
        "on": report.entries.iter().filter(|e| e.default == Some(true)).count(),
        "implements": report.entries.iter().any(|e| !e.implements.is_empty()),
        "profiled": report.entries.iter().any(|e| !e.profile.is_empty()),
        "queues": builds_queues,
        "queue_page": queue_page.as_ref().map(|p| rel(&id, p, Some("who-builds-queues"))),
        "entries": rows,
    });
    vec![b.page(&id, &def.title, &crumbs(def, None), "registry.md", context)]
}
