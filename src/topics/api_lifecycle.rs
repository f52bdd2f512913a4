//! API lifecycle: when each kind of a prerelease API version was introduced, is deprecated and is removed, read as
//! the lifecycle generator reads it (`+k8s:prerelease-lifecycle-gen:introduced=1.8` tags on the types of packages
//! tagged `+k8s:prerelease-lifecycle-gen=true`, with its defaults: deprecated three minors after introduced,
//! removed three after deprecated), or from hand-written `APILifecycle*` methods; and which group/versions (and
//! resources) an API server serves by default, from the `EnableVersions`/`DisableVersions` calls of its default
//! resource configuration.

use serde::{Deserialize, Serialize};

use super::{add_call, Cx};
use crate::consteval::ConstValue;
use crate::lower::BodyQuery;
use crate::model::{FileId, PkgId};
use crate::syntax::Expr;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiLifecycleDef {
    /// The generator's tag, without the `+`.
    pub tag: String,
    /// The hand-written methods that stand in for tags: `<prefix>Introduced`, `Deprecated`, `Removed`.
    pub method_prefix: String,
    /// Functions building an API server's default resource configuration.
    pub served_by: Vec<String>,
    /// Their methods that enable and disable group/versions, and single resources.
    pub enable_versions: String,
    pub disable_versions: String,
    pub enable_resources: String,
    pub disable_resources: String,
    /// The type of a group/version value (`SchemeGroupVersion`) and of a list of them, by name.
    pub group_version_type: String,
    pub group_version_resource_type: String,
}

impl ApiLifecycleDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        for call in [
            &self.enable_versions,
            &self.disable_versions,
            &self.enable_resources,
            &self.disable_resources,
        ] {
            add_call(query, call, 0);
        }
        for what in ["Introduced", "Deprecated", "Removed"] {
            query.returns_of.insert(format!("{}{what}", self.method_prefix));
        }
        query.literal_types.insert(self.group_version_type.clone());
        query.literal_types.insert(self.group_version_resource_type.clone());
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ApiLifecycleReport {
    pub kinds: Vec<ApiKind>,
    pub served: Vec<Served>,
}

/// One kind of a prerelease group/version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiKind {
    /// `""` for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// `major.minor`.
    pub introduced: Option<String>,
    pub deprecated: Option<String>,
    pub removed: Option<String>,
    pub replacement: Option<GroupVersionKind>,
    /// Which of `deprecated` and `removed` come from the generator's defaults rather than a tag.
    pub defaulted: Vec<String>,
    /// `tags`, or `methods` for hand-written `APILifecycle*` methods.
    pub source: String,
    pub package: String,
    pub file: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupVersionKind {
    pub group: String,
    pub version: String,
    pub kind: String,
}

/// A group/version (or one resource of it) an API server enables or disables by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Served {
    /// The function building the configuration, `import/path.Func`.
    pub server: String,
    pub group: String,
    pub version: String,
    /// For `EnableResources`/`DisableResources`: the resource.
    pub resource: Option<String>,
    pub enabled: bool,
    /// The expression as written when the group/version is not static.
    pub expr: Option<String>,
    pub file: String,
    pub line: u32,
}

impl Served {
    /// `apps/v1`, `v1` for the core group, with `/resource` for one resource.
    pub fn id(&self) -> String {
        let gv = if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        };
        match &self.resource {
            Some(r) => format!("{gv}/{r}"),
            None => gv,
        }
    }
}

pub(crate) fn extract(cx: &Cx, def: &ApiLifecycleDef) -> ApiLifecycleReport {
    let mut kinds = Vec::new();
    for (p, pkg) in cx.model.packages.iter().enumerate() {
        if pkg.support {
            continue;
        }
        let pkg_id = PkgId(p);
        // The generator reads a package's tags from its doc.go.
        let enabled = pkg.files.iter().map(|&f| cx.model.file(f)).any(|f| {
            f.path.rsplit('/').next() == Some("doc.go")
                && f.syntax
                    .as_ref()
                    .is_some_and(|s| s.package_tags.iter().any(|t| t.trim() == format!("{}=true", def.tag)))
        });
        let group = group_of(cx, pkg_id);
        if enabled {
            for ty in &pkg.types {
                let tag = |what: &str| {
                    let prefix = format!("{}:{what}=", def.tag);
                    ty.decl
                        .tags
                        .iter()
                        .find_map(|t| t.trim().strip_prefix(&prefix).map(|v| v.trim().to_string()))
                };
                let Some(introduced) = tag("introduced") else { continue };
                let mut defaulted = Vec::new();
                let deprecated = tag("deprecated").or_else(|| {
                    defaulted.push("deprecated".to_string());
                    plus_three(&introduced)
                });
                let removed = tag("removed").or_else(|| {
                    defaulted.push("removed".to_string());
                    deprecated.as_deref().and_then(plus_three)
                });
                let replacement = tag("replacement").and_then(|r| {
                    let parts: Vec<&str> = r.split(',').map(str::trim).collect();
                    match parts[..] {
                        [group, version, kind] => Some(GroupVersionKind {
                            group: group.to_string(),
                            version: version.to_string(),
                            kind: kind.to_string(),
                        }),
                        _ => None,
                    }
                });
                kinds.push(ApiKind {
                    group: group.clone().unwrap_or_default(),
                    version: pkg.name.clone(),
                    kind: ty.decl.name.clone(),
                    introduced: Some(introduced),
                    deprecated,
                    removed,
                    replacement,
                    defaulted,
                    source: "tags".to_string(),
                    package: pkg.import_path.clone(),
                    file: cx.path(ty.file).to_string(),
                    line: ty.decl.line,
                });
            }
        }
        // Hand-written lifecycle methods, outside generated files, for types no tag covers.
        for method in &pkg.methods {
            let file = cx.path(method.file);
            if file.rsplit('/').next().is_some_and(|n| n.starts_with("zz_generated")) {
                continue;
            }
            let Some(what) = method.decl.name.strip_prefix(&def.method_prefix) else {
                continue;
            };
            let Some((base, _)) = method.decl.receiver.as_ref().and_then(|r| r.base()) else {
                continue;
            };
            let version = method
                .decl
                .body
                .returns
                .first()
                .and_then(|(_, exprs)| match &exprs[..] {
                    [major, minor] => match (
                        cx.value(pkg_id, method.file, major),
                        cx.value(pkg_id, method.file, minor),
                    ) {
                        (Some(ConstValue::Int(a)), Some(ConstValue::Int(b))) => Some(format!("{a}.{b}")),
                        _ => None,
                    },
                    _ => None,
                });
            let at = match kinds
                .iter()
                .position(|k: &ApiKind| k.package == pkg.import_path && k.kind == base)
            {
                Some(at) => at,
                None => {
                    let line = pkg
                        .types
                        .iter()
                        .find(|t| t.decl.name == base)
                        .map(|t| (cx.path(t.file).to_string(), t.decl.line))
                        .unwrap_or_else(|| (file.to_string(), method.decl.line));
                    kinds.push(ApiKind {
                        group: group.clone().unwrap_or_default(),
                        version: pkg.name.clone(),
                        kind: base.to_string(),
                        source: "methods".to_string(),
                        package: pkg.import_path.clone(),
                        file: line.0,
                        line: line.1,
                        ..ApiKind::default()
                    });
                    kinds.len() - 1
                }
            };
            let kind = &mut kinds[at];
            if kind.source != "methods" {
                continue;
            }
            match what {
                "Introduced" => kind.introduced = version,
                "Deprecated" => kind.deprecated = version,
                "Removed" => kind.removed = version,
                _ => {}
            }
        }
    }
    kinds.sort_by(|a, b| (&a.group, &a.version, &a.kind, &a.package).cmp(&(&b.group, &b.version, &b.kind, &b.package)));
    ApiLifecycleReport {
        kinds,
        served: served(cx, def),
    }
}

/// `1.8` plus three minors.
fn plus_three(version: &str) -> Option<String> {
    let (major, minor) = version.split_once('.')?;
    Some(format!("{major}.{}", minor.parse::<u32>().ok()? + 3))
}

/// A package's API group: its `GroupName` constant.
fn group_of(cx: &Cx, pkg: PkgId) -> Option<String> {
    let value = cx.model.pkg(pkg).values.iter().find(|v| v.decl.name == "GroupName")?;
    let expr = value.decl.value.as_ref()?;
    cx.string(pkg, value.file, expr)
}

/// The calls of the enable and disable methods in the `served_by` functions, each group/version found through
/// the `SchemeGroupVersion` variable it names (or the elements of a package variable's list passed with `...`).
fn served(cx: &Cx, def: &ApiLifecycleDef) -> Vec<Served> {
    let mut out = Vec::new();
    for func in cx.all_funcs() {
        if !def.served_by.contains(&func.func.decl.name) || func.func.decl.receiver.is_some() {
            continue;
        }
        let server = format!("{}.{}", cx.model.pkg(func.pkg).import_path, func.func.decl.name);
        let (pkg, file) = (func.pkg, func.file());
        for call in &func.func.decl.body.calls {
            let Expr::Selector(_, method) = &call.fun else { continue };
            let (enabled, resources) = match method.as_str() {
                m if m == def.enable_versions => (true, false),
                m if m == def.disable_versions => (false, false),
                m if m == def.enable_resources => (true, true),
                m if m == def.disable_resources => (false, true),
                _ => continue,
            };
            let mut args: Vec<(FileId, PkgId, &Expr, u32)> = Vec::new();
            for arg in &call.args {
                match (arg, call.ellipsis) {
                    (Expr::Ident(var), true) => {
                        // `EnableVersions(stableAPIGroupVersionsEnabledByDefault...)`: the list's elements.
                        if let Some((file, lit)) = package_literal(cx, pkg, var) {
                            args.extend(lit.elements.iter().map(|e| (file, pkg, e, lit.line)));
                        }
                    }
                    _ => args.push((file, pkg, arg, call.line)),
                }
            }
            for (file, pkg, arg, line) in args {
                let (gv, resource) = if resources {
                    match arg {
                        Expr::Call { fun, args, .. } if args.len() == 1 => match fun.as_ref() {
                            Expr::Selector(gv, _) => (gv.as_ref(), cx.string(pkg, file, &args[0])),
                            _ => (arg, None),
                        },
                        _ => (arg, None),
                    }
                } else {
                    (arg, None)
                };
                let resolved = group_version(cx, def, file, gv);
                out.push(Served {
                    server: server.clone(),
                    group: resolved.as_ref().map(|r| r.0.clone()).unwrap_or_default(),
                    version: resolved.as_ref().map(|r| r.1.clone()).unwrap_or_default(),
                    resource,
                    enabled,
                    expr: resolved.is_none().then(|| arg.to_string()),
                    file: cx.path(file).to_string(),
                    line,
                });
            }
        }
    }
    out
}

/// The composite literal a package-level variable is initialised with, and its file (a `var (...)` group's
/// initialisers are one declaration, so every one of the package's is looked through).
fn package_literal<'m>(cx: &Cx<'m>, pkg: PkgId, var: &str) -> Option<(FileId, &'m crate::syntax::Literal)> {
    cx.model.pkg(pkg).var_inits.iter().find_map(|init| {
        let lit = init
            .decl
            .body
            .literals
            .iter()
            .find(|l| l.assigned_to.as_deref() == Some(var))?;
        Some((init.file, lit))
    })
}

/// The group and version of `pkg.SchemeGroupVersion`: the fields of the literal its package assigns it.
fn group_version(cx: &Cx, def: &ApiLifecycleDef, file: FileId, expr: &Expr) -> Option<(String, String)> {
    let Expr::Selector(q, var) = expr else { return None };
    let Expr::Ident(q) = q.as_ref() else { return None };
    let target = cx.model.qualifier_pkg(file, q)?;
    let (file, lit) = package_literal(cx, target, var)?;
    if crate::lower::type_base_name(&lit.ty) != Some(def.group_version_type.as_str()) {
        return None;
    }
    let field = |name: &str| {
        let value = &lit.fields.iter().find(|f| f.key == name)?.value;
        cx.string(target, file, value)
    };
    Some((field("Group").unwrap_or_default(), field("Version")?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_generator_adds_three_minors() {
        assert_eq!(super::plus_three("1.8").as_deref(), Some("1.11"));
        assert_eq!(super::plus_three("1.19").as_deref(), Some("1.22"));
        assert_eq!(super::plus_three("x"), None);
    }
}
