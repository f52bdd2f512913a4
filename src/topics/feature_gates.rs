//! Feature gates: every entry of a map literal whose values are gate specs (`map[featuregate.Feature]
//! featuregate.FeatureSpec{X: {Default: true, PreRelease: featuregate.Beta}}`), in any package, also when the
//! spec is nested in the value (kubeadm's `{FeatureSpec: featuregate.FeatureSpec{...}}`) and in the versioned
//! form (`featuregate.VersionedSpecs{{Version: version.MustParse("1.26"), ...}, ...}`). The stage history and
//! owners are read from the comment above the gate's constant; the binaries that see a gate are the main
//! packages that import its package.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::binaries::{binary_name, MainPackages};
use super::{last_name, Cx};
use crate::consteval::ConstValue;
use crate::lower::BodyQuery;
use crate::model::{FileId, PkgId};
use crate::syntax::{Expr, Literal};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureGatesDef {
    /// The struct types of a gate's spec, `import/path.Type`.
    pub spec_types: Vec<String>,
    /// Named slice types holding one spec per version, `import/path.Type`; their elements are the spec type of
    /// the same package.
    #[serde(default)]
    pub versioned_types: Vec<String>,
}

impl FeatureGatesDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        for spec in &self.spec_types {
            query.literal_types.insert(last_name(spec));
        }
        for versioned in &self.versioned_types {
            query.literal_types.insert(last_name(versioned));
            if let Some(spec) = self.spec_of(versioned) {
                query.element_types.insert(last_name(versioned), last_name(spec));
            }
        }
    }

    /// The spec type a versioned type holds: the spec type of its package.
    fn spec_of(&self, versioned: &str) -> Option<&String> {
        let package = versioned.rsplit_once('.')?.0;
        self.spec_types
            .iter()
            .find(|s| s.rsplit_once('.').is_some_and(|(p, _)| p == package))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FeatureGatesReport {
    pub gates: Vec<FeatureGate>,
}

/// One gate as one package registers it. A gate that two packages register (`pkg/features` merges the
/// apiserver's) is listed once for each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureGate {
    pub name: String,
    /// The spec in effect: the only one, or the newest version's. `null` when not static.
    pub default: Option<bool>,
    /// `Alpha`, `Beta`, `GA` or `Deprecated`; the expression as written when it is not one of those.
    pub pre_release: String,
    pub lock_to_default: Option<bool>,
    /// Every spec, oldest first; one entry without a `version` for the unversioned form.
    pub versions: Vec<GateSpec>,
    /// The package whose map registers the gate.
    pub package: String,
    /// The variable (or function) holding the map.
    pub map: String,
    /// The map entry's key as written (`genericfeatures.APIListChunking`).
    pub key: String,
    pub file: String,
    pub line: u32,
    /// Where the gate's name constant is declared, when it is one.
    pub const_file: Option<String>,
    pub const_line: Option<u32>,
    /// The stages named in the constant's comment (`// alpha: v1.21`, `// beta: v1.22`), in order.
    pub history: Vec<Stage>,
    pub owners: Vec<String>,
    pub kep: Option<String>,
    /// The rest of the constant's comment.
    pub doc: Option<String>,
    /// The binaries whose main package imports the registering package.
    pub binaries: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GateSpec {
    /// `1.26` of `version.MustParse("1.26")`; `null` in the unversioned form.
    pub version: Option<String>,
    pub default: Option<bool>,
    pub pre_release: String,
    pub lock_to_default: Option<bool>,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// `alpha`, `beta`, `GA`, `deprecated` or `removed`, as the comment spells the stage.
    pub stage: String,
    pub version: String,
}

pub(crate) fn extract(cx: &Cx, def: &FeatureGatesDef, mains: &MainPackages) -> FeatureGatesReport {
    let split = |t: &String| t.rsplit_once('.').map(|(p, n)| (p.to_string(), n.to_string()));
    let specs: Vec<(String, String)> = def.spec_types.iter().filter_map(split).collect();
    let versioned: Vec<(String, String)> = def.versioned_types.iter().filter_map(split).collect();
    let importers = Importers::new(cx, mains);
    // Per map entry (file, key line): its specs.
    let mut entries: BTreeMap<(FileId, u32), Entry> = BTreeMap::new();
    for func in cx.all_funcs() {
        let (pkg, file) = (func.pkg, func.file());
        for lit in &func.func.decl.body.literals {
            let Some(key) = &lit.key else { continue };
            let is = |list: &[(String, String)]| list.iter().any(|(p, n)| cx.is_type(pkg, file, &lit.ty, p, n));
            if is(&versioned) {
                // The entry itself; its specs are the element literals recorded after it.
                entries
                    .entry((file, lit.line))
                    .or_insert_with(|| (pkg, holder(func.func), key, Vec::new()));
            } else if is(&specs) {
                let spec = spec(cx, pkg, file, lit);
                let entry = entries
                    .entry((file, entry_line(func.func, lit)))
                    .or_insert_with(|| (pkg, holder(func.func), key, Vec::new()));
                entry.3.push(spec);
            }
        }
    }
    let mut gates = Vec::new();
    for ((file, line), (pkg, map, key, mut versions)) in entries {
        versions.sort_by_key(|v| v.version.as_deref().map(version_key));
        let Some(current) = versions.last().cloned() else {
            continue;
        };
        let name = match cx.value(pkg, file, key) {
            Some(ConstValue::String(s)) => s,
            _ => key.to_string(),
        };
        let constant = constant_of(cx, pkg, file, key);
        let comment = constant
            .as_ref()
            .and_then(|c| c.2.clone())
            .map(|doc| Comment::parse(&doc))
            .unwrap_or_default();
        let package = cx.model.pkg(pkg).import_path.clone();
        gates.push(FeatureGate {
            name,
            default: current.default,
            pre_release: current.pre_release.clone(),
            lock_to_default: current.lock_to_default,
            versions,
            map,
            key: key.to_string(),
            file: cx.path(file).to_string(),
            line,
            const_file: constant.as_ref().map(|c| c.0.clone()),
            const_line: constant.as_ref().map(|c| c.1),
            history: comment.history,
            owners: comment.owners,
            kep: comment.kep,
            doc: comment.doc,
            binaries: importers.of(pkg),
            package,
        });
    }
    gates.sort_by(|a, b| (&a.name, &a.package, &a.file, a.line).cmp(&(&b.name, &b.package, &b.file, b.line)));
    FeatureGatesReport { gates }
}

/// One map entry: its package, the variable holding the map, the key, and its specs.
type Entry<'m> = (PkgId, String, &'m Expr, Vec<GateSpec>);

/// What holds the map: `var defaultFeatures` gives `defaultFeatures`, a function its name.
fn holder(func: &crate::model::Located<crate::syntax::FuncDecl>) -> String {
    let name = func.decl.display_name();
    name.strip_prefix("var ").map(str::to_string).unwrap_or(name)
}

/// The line of the map entry a spec literal belongs to: the versioned entry with the same key that starts
/// closest above it, else the literal's own line.
fn entry_line(func: &crate::model::Located<crate::syntax::FuncDecl>, spec: &Literal) -> u32 {
    func.decl
        .body
        .literals
        .iter()
        .filter(|l| l.line <= spec.line && !std::ptr::eq(*l, spec))
        .filter(|l| l.key.as_ref().map(|k| k.to_string()) == spec.key.as_ref().map(|k| k.to_string()))
        .filter(|l| {
            l.elements
                .iter()
                .any(|e| matches!(e, Expr::CompositeLit(_, line) if *line == spec.line))
        })
        .map(|l| l.line)
        .max()
        .unwrap_or(spec.line)
}

fn spec(cx: &Cx, pkg: PkgId, file: FileId, lit: &Literal) -> GateSpec {
    let field = |name: &str| lit.fields.iter().find(|f| f.key == name).map(|f| &f.value);
    let boolean = |name: &str| match field(name) {
        None => Some(false),
        Some(e) => match cx.value(pkg, file, e) {
            Some(ConstValue::Bool(b)) => Some(b),
            _ => None,
        },
    };
    let pre_release = match field("PreRelease") {
        None => "GA".to_string(),
        Some(e) => match cx.value(pkg, file, e) {
            Some(ConstValue::String(s)) => stage_name(&s).map_or(s, str::to_string),
            _ => e.to_string(),
        },
    };
    let version = field("Version").map(|e| match e {
        Expr::Call { args, .. } if args.len() == 1 => cx.string(pkg, file, &args[0]).unwrap_or_else(|| e.to_string()),
        other => cx.string(pkg, file, other).unwrap_or_else(|| other.to_string()),
    });
    GateSpec {
        version,
        default: boolean("Default"),
        pre_release,
        lock_to_default: boolean("LockToDefault"),
        line: lit.line,
    }
}

/// The name of a `prerelease` value as the featuregate package's constants call it.
fn stage_name(value: &str) -> Option<&'static str> {
    match value {
        "ALPHA" => Some("Alpha"),
        "BETA" => Some("Beta"),
        "" => Some("GA"),
        "DEPRECATED" => Some("Deprecated"),
        _ => None,
    }
}

/// `1.26` sorts before `1.100`.
fn version_key(version: &str) -> Vec<u64> {
    version
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

/// The file, line and doc comment of the constant a key names.
fn constant_of(cx: &Cx, pkg: PkgId, file: FileId, key: &Expr) -> Option<(String, u32, Option<String>)> {
    let (pkg, name) = match key {
        Expr::Ident(name) => (pkg, name),
        Expr::Selector(q, name) => match q.as_ref() {
            Expr::Ident(q) => (cx.model.qualifier_pkg(file, q)?, name),
            _ => return None,
        },
        _ => return None,
    };
    let value = cx.model.pkg(pkg).values.iter().find(|v| &v.decl.name == name)?;
    Some((cx.path(value.file).to_string(), value.decl.line, value.decl.doc.clone()))
}

/// What a gate constant's comment says: `owner:`, `kep:` and stage lines, and the prose.
#[derive(Default, Debug, PartialEq)]
struct Comment {
    history: Vec<Stage>,
    owners: Vec<String>,
    kep: Option<String>,
    doc: Option<String>,
}

impl Comment {
    fn parse(doc: &str) -> Comment {
        let mut out = Comment::default();
        let mut prose: Vec<&str> = Vec::new();
        for line in doc.lines() {
            let text = line.trim();
            let tag = text
                .split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()));
            match tag {
                Some((k, v)) if k == "owner" || k == "owners" => {
                    out.owners.extend(
                        v.split([',', ' '])
                            .map(str::trim)
                            .filter(|o| !o.is_empty())
                            .map(str::to_string),
                    );
                }
                Some((k, v)) if k == "kep" => out.kep = Some(v.to_string()),
                Some((k, v))
                    if matches!(
                        k.as_str(),
                        "alpha" | "beta" | "ga" | "stable" | "deprecated" | "removed"
                    ) =>
                {
                    let stage = text.split_once(':').map_or("", |(s, _)| s.trim()).to_string();
                    let version = v.split_whitespace().next().unwrap_or("").to_string();
                    out.history.push(Stage { stage, version });
                }
                _ => prose.push(text),
            }
        }
        let prose = prose.join("\n").trim().to_string();
        out.doc = (!prose.is_empty()).then_some(prose);
        out
    }
}

/// Which main packages import (directly or not) each package.
struct Importers {
    /// Per main package: its name and every package it imports, itself included.
    mains: Vec<(String, Vec<bool>)>,
}

impl Importers {
    fn new(cx: &Cx, mains: &MainPackages) -> Importers {
        let model = cx.model;
        let imports: Vec<Vec<usize>> = model
            .packages
            .iter()
            .map(|p| {
                let mut out: Vec<usize> = p
                    .files
                    .iter()
                    .map(|&f| model.file(f))
                    .filter(|f| !f.path.ends_with("_test.go"))
                    .filter_map(|f| f.syntax.as_ref())
                    .flat_map(|s| s.imports.iter())
                    .filter_map(|i| model.package_by_path(&i.path).map(|id| id.0))
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();
        let mains = mains
            .list
            .iter()
            .filter(|m| m.in_dir)
            .map(|m| {
                let mut seen = vec![false; imports.len()];
                let mut stack = vec![m.pkg.0];
                seen[m.pkg.0] = true;
                while let Some(p) = stack.pop() {
                    for &q in &imports[p] {
                        if !seen[q] {
                            seen[q] = true;
                            stack.push(q);
                        }
                    }
                }
                (binary_name(&model.pkg(m.pkg).import_path), seen)
            })
            .collect();
        Importers { mains }
    }

    fn of(&self, pkg: PkgId) -> Vec<String> {
        let mut out: Vec<String> = self
            .mains
            .iter()
            .filter(|(_, seen)| seen[pkg.0])
            .map(|(n, _)| n.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_comment_gives_owners_stages_kep_and_prose() {
        let c = Comment::parse("owner: @alice, @bob\nalpha: v1.21\nbeta: v1.22 (on by default)\nkep: https://kep.k8s.io/1\n\nEnables the thing.");
        assert_eq!(c.owners, ["@alice", "@bob"]);
        assert_eq!(
            c.history,
            [
                Stage {
                    stage: "alpha".into(),
                    version: "v1.21".into()
                },
                Stage {
                    stage: "beta".into(),
                    version: "v1.22".into()
                }
            ]
        );
        assert_eq!(c.kep.as_deref(), Some("https://kep.k8s.io/1"));
        assert_eq!(c.doc.as_deref(), Some("Enables the thing."));
    }

    #[test]
    fn versions_sort_by_number() {
        let mut v = vec!["1.100", "1.26", "1.9"];
        v.sort_by_key(|s| version_key(s));
        assert_eq!(v, ["1.9", "1.26", "1.100"]);
    }
}
