//! Implementers of an interface (volume plugins, preflight checks): their names, capabilities, platforms, the
//! types they construct, switch dispatch in key methods, registration, and where lists of them are assembled.

use crate::HashMap;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::binaries::MainPackages;
use super::{add_call, last_name, Cx, FuncRef};
use crate::lower::BodyQuery;
use crate::model::{MethodEntry, TypeRef};
use crate::platform::Platforms;
use crate::syntax::{Expr, TypeExpr};

/// An `implementers` topic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImplementersDef {
    /// `import/path.Interface`.
    pub interface: String,
    /// The method whose returned string names each implementer.
    pub name_method: Option<String>,
    /// Which other interfaces of the interface's package each implementer satisfies: names matching this
    /// `*Pattern*`.
    pub capabilities: Option<String>,
    /// Methods whose returned composite literals are the types the implementer constructs.
    #[serde(default)]
    pub constructors: Vec<String>,
    /// Result type names of constructors (`Mounter`): returns of any function with such a result are kept, to
    /// follow constructors through helpers.
    #[serde(default)]
    pub constructor_results: Vec<String>,
    /// Which methods of the constructed types to list.
    #[serde(default)]
    pub constructed_methods: Vec<String>,
    /// Switch statements in these methods (of the implementer or of the types it constructs) are summarised.
    #[serde(default)]
    pub dispatch_methods: Vec<String>,
    /// The package function whose calls in a binary register a package's implementers (`ProbeVolumePlugins`).
    pub registration: Option<String>,
    /// List the functions that build slice literals of the interface type (`[]Checker{...}`).
    #[serde(default)]
    pub assembled_in_slices: bool,
    /// What one implementer is called in the site and the diff report (`volume plugin`); default from the title.
    pub noun: Option<String>,
    /// A page per implementer, below the topic's page.
    #[serde(default)]
    pub entry_pages: bool,
    /// How a removed implementer counts in a diff: `breaking` (the default) or `notable`.
    #[serde(default)]
    pub removed: RemovedSeverity,
    /// What matches an implementer of one release with one of another: its `type` name (the default), or its
    /// static `name` where it has one.
    #[serde(default)]
    pub key: EntryKey,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKey {
    #[default]
    Type,
    Name,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovedSeverity {
    #[default]
    Breaking,
    Notable,
}

impl ImplementersDef {
    pub fn key_by_name(&self) -> bool {
        self.key == EntryKey::Name
    }

    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        query.returns_of.extend(self.name_method.iter().cloned());
        query.returns_of.extend(self.constructors.iter().cloned());
        query
            .returns_for_results
            .extend(self.constructor_results.iter().cloned());
        query.switches_of.extend(self.dispatch_methods.iter().cloned());
        if let Some(r) = &self.registration {
            add_call(query, r, 0);
        }
        if self.assembled_in_slices {
            query.literal_types.insert(last_name(&self.interface));
        }
    }
}

/// What an implementers topic finds. In the scan JSON: `topics.<id>` (the implementers) and, with
/// `assembled_in_slices`, `topics.<id>_assembled`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImplementersReport {
    pub implementers: Vec<Implementer>,
    pub assembled: Option<Vec<Assembled>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Implementer {
    /// `import/path.Name`.
    #[serde(rename = "type")]
    pub ty: String,
    pub dir: String,
    pub file: String,
    pub line: u32,
    pub pointer_only: bool,
    pub platforms: Vec<String>,
    /// Declared for tests: in a `testing` package (`pkg/volume/testing`, `volumetesting`) or a `_test.go` file.
    #[serde(default)]
    pub test_fake: bool,
    /// Where each of the interface's methods is declared for it: one entry per declaration, with the platforms
    /// its file is built for (`checks_unix.go` on darwin and linux, `checks_windows.go` on windows).
    pub implemented_in: Vec<MethodPlace>,
    /// With a `name_method`: the static name, or null with `name_expr`, and where the method is.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present_or_null"
    )]
    pub name: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_expr: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present_or_null"
    )]
    pub name_method: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implements: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constructs: Option<Vec<Constructed>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatch: Option<Vec<Dispatch>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered: Option<Vec<Registration>>,
}

impl Implementer {
    /// The static name, when the topic names its implementers.
    pub fn static_name(&self) -> Option<&str> {
        self.name.as_ref().and_then(|n| n.as_deref())
    }
}

/// A type an implementer's constructor method returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constructed {
    /// The constructor method (`NewMounter`).
    pub role: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    /// `file:line` of the constructor.
    pub constructed_at: String,
    pub methods: Vec<ConstructedMethod>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConstructedMethod {
    pub name: String,
    pub owner: String,
    pub promoted_via: Vec<String>,
    /// `file:line` of each declaration.
    pub locations: Vec<String>,
}

/// A switch statement in a dispatch method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dispatch {
    /// `import/path.Type.Method`.
    pub method: String,
    pub file: String,
    pub line: u32,
    pub subject: Option<String>,
    pub type_switch: bool,
    pub cases: Vec<DispatchCase>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DispatchCase {
    pub line: u32,
    pub labels: Vec<String>,
    pub default: bool,
    pub calls: Vec<String>,
}

/// A call of the registration function in a binary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub binary: Option<String>,
    pub function: String,
    pub file: String,
    pub line: u32,
}

/// A function that builds a slice literal of the interface type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assembled {
    pub function: String,
    pub package: String,
    pub file: String,
    /// The function's line.
    pub line: u32,
    /// The element types (`import/path.Name`), else the expressions as written, each once, in order.
    pub elements: Vec<String>,
    /// Every element put in a list, in a literal or by `append`, in order.
    pub entries: Vec<AssembledEntry>,
}

/// A declaration of an interface method of an implementer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodPlace {
    pub method: String,
    pub file: String,
    pub line: u32,
    pub platforms: Vec<String>,
}

/// One element a function puts in a list of the interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssembledEntry {
    /// As in `elements`.
    pub element: String,
    pub line: u32,
    /// The conditions of the `if`s it is added in, innermost last, as written (`!` before an `else`'s).
    pub conditions: Vec<String>,
    /// The platforms those conditions allow, when they test `runtime.GOOS`; null when they do not.
    pub platforms: Option<Vec<String>>,
}

/// The implementers, and when the topic asks for it, where slices of the interface are assembled.
pub(crate) fn extract(cx: &Cx, def: &ImplementersDef, mains: &MainPackages) -> ImplementersReport {
    let model = cx.model;
    let empty = || ImplementersReport {
        implementers: Vec::new(),
        assembled: def.assembled_in_slices.then(Vec::new),
    };
    let Some(iface) = type_ref(cx, &def.interface) else {
        return empty();
    };
    let iface_pkg = model.pkg(iface.pkg);
    let Some(info) = iface_pkg.named.get(&iface.name) else {
        return empty();
    };
    // The other interfaces of the package a capability pattern selects.
    let capabilities: Vec<String> = match &def.capabilities {
        Some(pattern) => iface_pkg
            .named
            .iter()
            .filter(|(name, i)| i.interface.is_some() && glob(pattern, name))
            .map(|(name, _)| name.clone())
            .collect(),
        None => Vec::new(),
    };
    let iface_methods: Vec<&str> = info
        .interface
        .as_ref()
        .map(|i| i.methods.iter().map(|m| m.name.as_str()).collect())
        .unwrap_or_default();
    let registrations = def
        .registration
        .as_deref()
        .map(|registration| registrations(cx, mains, registration));
    let mut out = Vec::new();
    for imp in &info.implemented_by {
        let ty = &imp.ty;
        let pkg = model.pkg(ty.pkg);
        let Some(decl) = model.type_decl(ty) else { continue };
        let Some(named) = pkg.named.get(&ty.name) else { continue };
        let methods = named
            .method_set
            .as_ref()
            .map(|s| s.pointer.as_slice())
            .unwrap_or_default();
        let mut entry = Implementer {
            ty: model.type_id(ty),
            dir: pkg.dir.clone(),
            file: cx.path(decl.file).to_string(),
            line: decl.decl.line,
            pointer_only: imp.pointer_only,
            platforms: imp.platforms.names().iter().map(|p| p.to_string()).collect(),
            test_fake: {
                let last = pkg.import_path.rsplit('/').next().unwrap_or("");
                last.ends_with("testing")
                    || pkg.import_path.contains("/testing/")
                    || cx.path(decl.file).ends_with("_test.go")
            },
            implemented_in: methods
                .iter()
                .filter(|m| iface_methods.contains(&m.name.as_str()))
                .flat_map(|m| {
                    m.locations.iter().map(|&(file, line)| MethodPlace {
                        method: m.name.clone(),
                        file: cx.path(file).to_string(),
                        line,
                        platforms: model
                            .file(file)
                            .platforms
                            .names()
                            .iter()
                            .map(|p| p.to_string())
                            .collect(),
                    })
                })
                .collect(),
            ..Implementer::default()
        };
        if let Some(name_method) = &def.name_method {
            let (name, expr, location) = match method_returns(cx, methods, name_method) {
                Some((func, Some(expr))) => (
                    cx.string(func.pkg, func.file(), &expr),
                    Some(expr),
                    Some(format!("{}:{}", cx.path(func.file()), func.func.decl.line)),
                ),
                Some((func, None)) => (
                    None,
                    None,
                    Some(format!("{}:{}", cx.path(func.file()), func.func.decl.line)),
                ),
                None => (None, None, None),
            };
            entry.name_expr = if name.is_none() {
                expr.map(|e| e.to_string())
            } else {
                None
            };
            entry.name = Some(name);
            entry.name_method = Some(location);
        }
        if !capabilities.is_empty() {
            let has = capabilities
                .iter()
                .filter(|c| {
                    named
                        .implements
                        .iter()
                        .any(|i| i.interface.pkg == iface.pkg && &&i.interface.name == c)
                })
                .cloned()
                .collect();
            entry.implements = Some(has);
        }
        if !def.constructors.is_empty() {
            entry.constructs = Some(constructs(cx, def, methods));
        }
        if !def.dispatch_methods.is_empty() {
            entry.dispatch = Some(dispatch(cx, def, ty, methods));
        }
        if let Some(registrations) = &registrations {
            entry.registered = Some(registrations.get(&pkg.import_path).cloned().unwrap_or_default());
        }
        out.push(entry);
    }
    ImplementersReport {
        implementers: out,
        assembled: def.assembled_in_slices.then(|| assembled(cx, &iface)),
    }
}

fn type_ref(cx: &Cx, id: &str) -> Option<TypeRef> {
    let (path, name) = id.rsplit_once('.')?;
    let pkg = cx.model.package_by_path(path)?;
    cx.model.pkg(pkg).type_index.contains_key(name).then(|| TypeRef {
        pkg,
        name: name.to_string(),
    })
}

/// `*VolumePlugin` style patterns: `*` matches any run of characters.
pub(crate) fn glob(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((prefix, rest)) => {
            let Some(tail) = name.strip_prefix(prefix) else {
                return false;
            };
            if rest.is_empty() {
                return true;
            }
            (0..=tail.len()).any(|i| tail.is_char_boundary(i) && glob(rest, &tail[i..]))
        }
    }
}

/// The declaration of a method of a method set (the first, when platform files each declare it).
fn method_decl<'m>(cx: &Cx<'m>, entry: &MethodEntry) -> Option<FuncRef<'m>> {
    let (file, line) = *entry.locations.first()?;
    let pkg = cx.model.pkg(entry.owner.pkg);
    let func = pkg.methods.iter().find(|m| m.file == file && m.decl.line == line)?;
    Some(FuncRef {
        pkg: entry.owner.pkg,
        func,
    })
}

/// The method named `name` and the first expression of its first return.
fn method_returns<'m>(cx: &Cx<'m>, methods: &[MethodEntry], name: &str) -> Option<(FuncRef<'m>, Option<Expr>)> {
    let entry = methods.iter().find(|m| m.name == name)?;
    let func = method_decl(cx, entry)?;
    let expr = func
        .func
        .decl
        .body
        .returns
        .first()
        .and_then(|(_, e)| e.first().cloned());
    Some((func, expr))
}

/// The type a returned expression constructs: `&T{...}`, `T{...}`, `&pkg.T{...}`.
fn constructed_type(cx: &Cx, func: &FuncRef, expr: &Expr, methods: &[MethodEntry]) -> Option<TypeRef> {
    constructed_type_depth(cx, func, expr, methods, 0)
}

/// The type a returned expression constructs: `&T{...}`, `T{...}`, `&pkg.T{...}`, or what a call of another
/// constructor returns (`plugin.newMounterInternal(...)`, `newMounter(...)`), followed a few calls deep.
fn constructed_type_depth(
    cx: &Cx,
    func: &FuncRef,
    expr: &Expr,
    methods: &[MethodEntry],
    depth: u32,
) -> Option<TypeRef> {
    if depth > 4 {
        return None;
    }
    match expr {
        Expr::Unary(op, inner) if op == "&" => constructed_type_depth(cx, func, inner, methods, depth),
        Expr::Paren(inner) => constructed_type_depth(cx, func, inner, methods, depth),
        Expr::CompositeLit(Some(ty), _) => {
            let (q, name) = match ty {
                TypeExpr::Name { pkg, name } => (pkg.as_deref(), name.as_str()),
                TypeExpr::Generic { base, .. } => match base.as_ref() {
                    TypeExpr::Name { pkg, name } => (pkg.as_deref(), name.as_str()),
                    _ => return None,
                },
                _ => return None,
            };
            cx.model.resolve_name(func.pkg, func.file(), q, name)
        }
        Expr::Call { fun, .. } => {
            let receiver = func.func.decl.receiver.as_ref().and_then(|r| r.name.as_deref());
            let target = match fun.as_ref() {
                Expr::Selector(operand, name) if matches!(operand.as_ref(), Expr::Ident(r) if Some(r.as_str()) == receiver) => {
                    methods
                        .iter()
                        .find(|m| &m.name == name)
                        .and_then(|m| method_decl(cx, m))
                }
                other => cx
                    .callee(func.pkg, func.file(), other)
                    .and_then(|(path, name)| cx.func_by_path(&path, &name)),
            }?;
            target
                .func
                .decl
                .body
                .returns
                .iter()
                .find_map(|(_, exprs)| constructed_type_depth(cx, &target, exprs.first()?, methods, depth + 1))
        }
        _ => None,
    }
}

fn constructs(cx: &Cx, def: &ImplementersDef, methods: &[MethodEntry]) -> Vec<Constructed> {
    let mut out = Vec::new();
    for role in &def.constructors {
        let Some(entry) = methods.iter().find(|m| &m.name == role) else {
            continue;
        };
        let Some(func) = method_decl(cx, entry) else { continue };
        let mut seen = BTreeSet::new();
        for (_, exprs) in &func.func.decl.body.returns {
            let Some(ty) = exprs.first().and_then(|e| constructed_type(cx, &func, e, methods)) else {
                continue;
            };
            if !seen.insert(ty.clone()) {
                continue;
            }
            let named = cx.model.pkg(ty.pkg).named.get(&ty.name);
            let set = named
                .and_then(|n| n.method_set.as_ref())
                .map(|s| s.pointer.as_slice())
                .unwrap_or_default();
            let listed = def
                .constructed_methods
                .iter()
                .filter_map(|name| {
                    let m = set.iter().find(|m| &m.name == name)?;
                    Some(ConstructedMethod {
                        name: name.clone(),
                        owner: cx.model.type_id(&m.owner),
                        promoted_via: m.promoted_via.clone(),
                        locations: m
                            .locations
                            .iter()
                            .map(|(f, l)| format!("{}:{}", cx.path(*f), l))
                            .collect(),
                    })
                })
                .collect();
            out.push(Constructed {
                role: role.clone(),
                ty: cx.model.type_id(&ty),
                file: cx.model.type_decl(&ty).map(|d| cx.path(d.file).to_string()),
                line: cx.model.type_decl(&ty).map(|d| d.decl.line),
                constructed_at: format!("{}:{}", cx.path(func.file()), func.func.decl.line),
                methods: listed,
            });
        }
    }
    out
}

/// Switch statements in the dispatch methods of the implementer and of the types it constructs.
fn dispatch(cx: &Cx, def: &ImplementersDef, ty: &TypeRef, methods: &[MethodEntry]) -> Vec<Dispatch> {
    let mut types: Vec<(TypeRef, Vec<MethodEntry>)> = vec![(ty.clone(), methods.to_vec())];
    for role in &def.constructors {
        let Some(entry) = methods.iter().find(|m| &m.name == role) else {
            continue;
        };
        let Some(func) = method_decl(cx, entry) else { continue };
        for (_, exprs) in &func.func.decl.body.returns {
            if let Some(t) = exprs.first().and_then(|e| constructed_type(cx, &func, e, methods)) {
                if !types.iter().any(|(x, _)| *x == t) {
                    let set = cx
                        .model
                        .pkg(t.pkg)
                        .named
                        .get(&t.name)
                        .and_then(|n| n.method_set.as_ref())
                        .map(|s| s.pointer.clone())
                        .unwrap_or_default();
                    types.push((t, set));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (_, set) in &types {
        for name in &def.dispatch_methods {
            let Some(entry) = set.iter().find(|m| &m.name == name) else {
                continue;
            };
            let Some(func) = method_decl(cx, entry) else { continue };
            if !seen.insert((func.file(), func.func.decl.line)) {
                continue;
            }
            for sw in &func.func.decl.body.switches {
                out.push(Dispatch {
                    method: format!("{}.{}", cx.model.type_id(&entry.owner), name),
                    file: cx.path(func.file()).to_string(),
                    line: sw.line,
                    subject: sw.subject.as_ref().map(|s| s.to_string()),
                    type_switch: sw.type_switch,
                    cases: sw
                        .cases
                        .iter()
                        .map(|c| DispatchCase {
                            line: c.line,
                            labels: c.labels.iter().map(|l| l.to_string()).collect(),
                            default: c.labels.is_empty(),
                            calls: c.calls.iter().map(|f| f.to_string()).collect(),
                        })
                        .collect(),
                });
            }
        }
    }
    out
}

/// Calls of a registration function (`emptydir.ProbeVolumePlugins()`) in the binaries, by the import path of the
/// package that declares the function called.
fn registrations(cx: &Cx, mains: &MainPackages, registration: &str) -> HashMap<String, Vec<Registration>> {
    // The packages that declare the registration function; only files importing one can register.
    let providers: BTreeSet<&str> = cx
        .model
        .packages
        .iter()
        .filter(|p| p.funcs.iter().any(|f| f.decl.name == registration))
        .map(|p| p.import_path.as_str())
        .collect();
    let mut out: HashMap<String, Vec<Registration>> = HashMap::default();
    for func in cx.all_funcs() {
        let imports = cx
            .model
            .file(func.file())
            .syntax
            .as_ref()
            .map(|s| s.imports.as_slice())
            .unwrap_or_default();
        if !imports.iter().any(|i| providers.contains(i.path.as_str())) {
            continue;
        }
        let file_path = cx.path(func.file());
        let Some(binary) = mains.binary_of(file_path) else {
            continue;
        };
        let Some(code) = cx.code_mentioning(&func, registration) else {
            continue;
        };
        // A call (`awsebs.ProbeVolumePlugins()`) or the function as a value, as in kube-controller-manager's
        // `pluginMigrationStatus` map of `pluginInfo{pluginProbeFunction: awsebs.ProbeVolumePlugins}`.
        crate::code::visit_exprs(&code.body, &mut |line, e| {
            let crate::code::Expr::Selector(q, name) = e else {
                return;
            };
            let crate::code::Expr::Ident(q) = q.as_ref() else {
                return;
            };
            if name != registration {
                return;
            }
            let Some(path) = cx.model.qualifier_path(func.file(), q) else {
                return;
            };
            if !providers.contains(path) {
                return;
            }
            out.entry(path.to_string()).or_default().push(Registration {
                binary: Some(binary.clone()),
                function: func.func.decl.display_name(),
                file: file_path.to_string(),
                line,
            });
        });
    }
    out
}

/// Functions that build lists of the interface type: those with a literal of `[]Iface`, or a parameter or result
/// of that type (`addCommonChecks(checks []Checker, ...) []Checker`). Each is read from its code: the elements of
/// its `[]Iface` literals and of `append` calls on its lists, with the `if`s around each.
fn assembled(cx: &Cx, iface: &TypeRef) -> Vec<Assembled> {
    let is_list = |func: &FuncRef, ty: &TypeExpr| match ty {
        TypeExpr::Slice(elem) => match elem.as_ref() {
            TypeExpr::Name { pkg: q, name } => {
                cx.model
                    .resolve_name(func.pkg, func.file(), q.as_deref(), name)
                    .as_ref()
                    == Some(iface)
            }
            _ => false,
        },
        _ => false,
    };
    let mut out = Vec::new();
    for func in cx.all_funcs() {
        let decl = &func.func.decl;
        let builds = decl.body.literals.iter().any(|l| is_list(&func, &l.ty))
            || decl
                .sig
                .params
                .iter()
                .chain(&decl.sig.results)
                .any(|p| is_list(&func, &p.ty));
        if !builds {
            continue;
        }
        let Some(code) = cx.code(&func) else { continue };
        // The lists: parameters and results of the type, and variables set to a literal of it.
        let mut lists: Vec<String> = decl
            .sig
            .params
            .iter()
            .chain(&decl.sig.results)
            .filter(|p| is_list(&func, &p.ty))
            .flat_map(|p| p.names.clone())
            .collect();
        let mut walker = ListWalker {
            cx,
            func: &func,
            is_list: &is_list,
            lists: &mut lists,
            entries: Vec::new(),
        };
        walker.block(&code.body, &mut Vec::new());
        let entries = walker.entries;
        if entries.is_empty() {
            continue;
        }
        let mut elements: Vec<String> = Vec::new();
        for e in &entries {
            if !elements.contains(&e.element) {
                elements.push(e.element.clone());
            }
        }
        out.push(Assembled {
            function: decl.display_name(),
            package: cx.model.pkg(func.pkg).import_path.clone(),
            file: cx.path(func.file()).to_string(),
            line: decl.line,
            elements,
            entries,
        });
    }
    out
}

/// Walks a function's code for the elements it puts in lists, keeping the conditions it is under.
struct ListWalker<'a, 'm> {
    cx: &'a Cx<'m>,
    func: &'a FuncRef<'m>,
    is_list: &'a dyn Fn(&FuncRef, &TypeExpr) -> bool,
    lists: &'a mut Vec<String>,
    entries: Vec<AssembledEntry>,
}

impl ListWalker<'_, '_> {
    fn block(&mut self, block: &[crate::code::Stmt], conds: &mut Vec<crate::code::Expr>) {
        use crate::code::{Expr as E, StmtKind as S};
        for stmt in block {
            match &stmt.kind {
                S::If { init, cond, then, els } => {
                    if let Some(init) = init {
                        self.block(std::slice::from_ref(init.as_ref()), conds);
                    }
                    conds.push(cond.clone());
                    self.block(then, conds);
                    conds.pop();
                    if let Some(els) = els {
                        conds.push(negate(cond));
                        self.block(std::slice::from_ref(els.as_ref()), conds);
                        conds.pop();
                    }
                }
                S::For { body, .. } | S::Range { body, .. } => self.block(body, conds),
                S::Block(b) => self.block(b, conds),
                S::Labeled(_, inner) => self.block(std::slice::from_ref(inner.as_ref()), conds),
                S::Switch { cases, .. } | S::Select { cases } => {
                    for c in cases {
                        self.block(&c.body, conds);
                    }
                }
                S::TypeSwitch { cases, .. } => {
                    for c in cases {
                        self.block(&c.body, conds);
                    }
                }
                S::Assign { lhs, rhs, .. } => {
                    for (i, r) in rhs.iter().enumerate() {
                        let literal = self.elements_of(stmt.line, r, conds);
                        if literal {
                            if let Some(E::Ident(n)) = lhs.get(i) {
                                if !self.lists.contains(n) {
                                    self.lists.push(n.clone());
                                }
                            }
                        }
                    }
                }
                S::Var { values, names, ty } => {
                    let typed = ty.as_ref().is_some_and(|t| (self.is_list)(self.func, t));
                    for (i, v) in values.iter().enumerate() {
                        if self.elements_of(stmt.line, v, conds) || typed {
                            if let Some(n) = names.get(i) {
                                self.lists.push(n.clone());
                            }
                        }
                    }
                    if typed && values.is_empty() {
                        self.lists.extend(names.iter().cloned());
                    }
                }
                S::Expr(e) => {
                    self.elements_of(stmt.line, e, conds);
                }
                S::Return(es) => {
                    for e in es {
                        self.elements_of(stmt.line, e, conds);
                    }
                }
                _ => {}
            }
        }
    }

    /// Records the elements of a `[]Iface` literal or of an `append` to a list; says whether `e` is a list
    /// (a literal of the type, or an `append` to one).
    fn elements_of(&mut self, line: u32, e: &crate::code::Expr, conds: &[crate::code::Expr]) -> bool {
        use crate::code::Expr as E;
        match e {
            E::Composite {
                ty: Some(ty),
                elements,
                line: at,
            } if (self.is_list)(self.func, ty) => {
                for el in elements {
                    self.push(*at, &el.value, conds);
                }
                true
            }
            E::Call { fun, args, ellipsis } if matches!(fun.as_ref(), E::Ident(n) if n == "append") => {
                let onto_list = match args.first() {
                    Some(E::Ident(n)) => self.lists.contains(n),
                    Some(other) => self.elements_of(line, other, conds),
                    None => false,
                };
                if onto_list {
                    // `append(checks, more...)` adds another list, whose elements are listed where it is built.
                    let spread = usize::from(*ellipsis);
                    for a in &args[1..args.len() - spread] {
                        self.push(line, a, conds);
                    }
                }
                onto_list
            }
            _ => false,
        }
    }

    fn push(&mut self, line: u32, e: &crate::code::Expr, conds: &[crate::code::Expr]) {
        use crate::code::Expr as E;
        let mut inner = e;
        while let E::Unary(op, x) = inner {
            if op != "&" {
                break;
            }
            inner = x;
        }
        let element = match inner {
            E::Composite { ty: Some(ty), .. } => {
                let named = match ty {
                    TypeExpr::Name { pkg, name } => Some((pkg.as_deref(), name.as_str())),
                    TypeExpr::Generic { base, .. } => match base.as_ref() {
                        TypeExpr::Name { pkg, name } => Some((pkg.as_deref(), name.as_str())),
                        _ => None,
                    },
                    _ => None,
                };
                named
                    .and_then(|(q, n)| self.cx.model.resolve_name(self.func.pkg, self.func.file(), q, n))
                    .map(|t| self.cx.model.type_id(&t))
                    .unwrap_or_else(|| e.to_string())
            }
            _ => e.to_string(),
        };
        let platforms =
            conds
                .iter()
                .map(|c| goos(self.cx, self.func.file(), c))
                .fold(None, |acc: Option<Platforms>, p| match (acc, p) {
                    (None, p) => p,
                    (Some(a), None) => Some(a),
                    (Some(a), Some(p)) => Some(a.intersect(p)),
                });
        self.entries.push(AssembledEntry {
            element,
            line,
            conditions: conds.iter().map(|c| c.to_string()).collect(),
            platforms: platforms.map(|p| p.names().iter().map(|n| n.to_string()).collect()),
        });
    }
}

/// The condition of an `else`: `err == nil` for `err != nil`, `x` for `!x`, else `!(cond)`.
fn negate(cond: &crate::code::Expr) -> crate::code::Expr {
    use crate::code::Expr as E;
    match cond {
        E::Binary(l, op, r) if op == "==" || op == "!=" => {
            E::Binary(l.clone(), if op == "==" { "!=" } else { "==" }.to_string(), r.clone())
        }
        E::Unary(op, inner) if op == "!" => inner.as_ref().clone(),
        other => E::Unary("!".to_string(), Box::new(E::Paren(Box::new(other.clone())))),
    }
}

/// The platforms a condition allows when it tests `runtime.GOOS` (`==`, `!=`, `&&`, `||`, `!`); `None` when it
/// says nothing about the platform.
fn goos(cx: &Cx, file: crate::model::FileId, cond: &crate::code::Expr) -> Option<Platforms> {
    use crate::code::Expr as E;
    let is_goos = |e: &E| match e {
        E::Selector(q, n) if n == "GOOS" => {
            matches!(q.as_ref(), E::Ident(q) if cx.model.qualifier_path(file, q) == Some("runtime"))
        }
        _ => false,
    };
    let os = |e: &E| match e {
        E::Lit(crate::syntax::LitKind::String, text) => Some(text.trim_matches(['"', '`']).to_string()),
        _ => None,
    };
    let only = |name: &str| {
        crate::platform::PLATFORMS
            .iter()
            .position(|p| *p == name)
            .map_or(Platforms(0), |i| Platforms(1 << i))
    };
    match cond {
        E::Paren(inner) => goos(cx, file, inner),
        E::Unary(op, inner) if op == "!" => goos(cx, file, inner).map(|p| Platforms(Platforms::ALL.0 & !p.0)),
        E::Binary(l, op, r) if op == "==" || op == "!=" => {
            let name = if is_goos(l) {
                os(r)
            } else if is_goos(r) {
                os(l)
            } else {
                None
            }?;
            let p = only(&name);
            Some(if op == "==" {
                p
            } else {
                Platforms(Platforms::ALL.0 & !p.0)
            })
        }
        E::Binary(l, op, r) if op == "&&" || op == "||" => match (goos(cx, file, l), goos(cx, file, r)) {
            (Some(a), Some(b)) => Some(if op == "&&" { a.intersect(b) } else { a.union(b) }),
            (Some(a), None) | (None, Some(a)) if op == "&&" => Some(a),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs() {
        assert!(glob("*VolumePlugin", "AttachableVolumePlugin"));
        assert!(glob("*VolumePlugin", "VolumePlugin"));
        assert!(!glob("*VolumePlugin", "VolumePluginMgr"));
        assert!(glob("Volume*", "VolumePluginMgr"));
        assert!(glob("A*B*C", "AxxBxxC"));
    }
}
