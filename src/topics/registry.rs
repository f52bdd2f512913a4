//! Registries: names registered to values, each found by the shape the registration has. Calls of a method on a
//! parameter of a given type (`plugins.Register(PluginName, factory)` on `*admission.Plugins`), index assignments
//! in a function (`controllers["endpoint"] = startEndpointController`), or the entries of the map literals in a
//! function (`runtime.Registry{selectorspread.Name: selectorspread.New}`); with the names' order and which are on
//! by default where lists say so, and which of chosen interfaces the registered packages implement.

use serde::{Deserialize, Serialize};

use super::implementers::glob;
use super::workqueue::Consumer;
use super::{add_call, last_name, Cx, FuncRef};
use crate::lower::BodyQuery;
use crate::model::{FileId, PkgId, TypeRef};
use crate::syntax::Expr;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryDef {
    /// What one entry is called (`admission plugin`).
    pub noun: Option<String>,
    /// The key naming an entry in a diff change (`plugin`, `controller`).
    #[serde(default = "default_subject")]
    pub subject_key: String,
    /// Calls of this method on a parameter of this type register an entry: `import/path.Type.Method`.
    pub register_method: Option<String>,
    /// `m[name] = value` in this function registers an entry: `import/path.Func`.
    pub assigned_in: Option<String>,
    /// The entries of map literals of `map_type` (a type name) in this function are the entries:
    /// `import/path.Func`.
    pub map_in: Option<String>,
    pub map_type: Option<String>,
    /// The names in order: a package variable (`import/path.Var`) set to a list literal or to a call of a
    /// `list_constructors` function.
    pub order: Option<String>,
    /// The names on by default: `import/path.Func:variable` or `import/path.Var`; every other entry is off.
    pub default_on: Option<String>,
    /// The names off by default, likewise; every other entry is on.
    pub default_off: Option<String>,
    /// Functions whose arguments are a list of names (`sets.NewString`), by name.
    #[serde(default)]
    pub list_constructors: Vec<String>,
    /// Interfaces (`import/path.Name`, the name may be a `*Plugin` pattern) whose implementers in an entry's
    /// package are listed with it.
    #[serde(default)]
    pub implements: Vec<String>,
    /// Functions building the default configuration (`import/path.Func`, those that exist), whose literals of
    /// `profile_type` (`{Name: x.Name, Weight: 2}`) enable entries at the extension point their place names.
    #[serde(default)]
    pub profile_in: Vec<String>,
    pub profile_type: Option<String>,
    /// The extension point that stands for every one the plugin implements (`MultiPoint`): such an entry is listed
    /// at each `implements` interface, named without `extension_suffix` (`FilterPlugin` is `Filter`), its weight at
    /// `weighted_point`.
    pub multi_point: Option<String>,
    pub extension_suffix: Option<String>,
    pub weighted_point: Option<String>,
    /// The method whose static result names an implementing type (`Name`): an entry's interfaces are then its
    /// type's, not every type's of its package (noderesources holds both Fit and BalancedAllocation).
    pub name_method: Option<String>,
    /// From 1.28 controllers are descriptors: this function (`import/path.Func`) passes `newXDescriptor()` calls
    /// to a register function, each returning a `descriptor_type` literal whose `descriptor_name`,
    /// `descriptor_value` and `descriptor_disabled` fields are the entry's name, value and default.
    pub descriptors_in: Option<String>,
    pub descriptor_type: Option<String>,
    pub descriptor_name: Option<String>,
    pub descriptor_value: Option<String>,
    pub descriptor_disabled: Option<String>,
    /// The id of a workqueue topic: an entry lists the queues its value builds, the queue constructions (that
    /// topic's consumers) in the functions it calls, `queue_depth` calls deep.
    pub queues: Option<String>,
    #[serde(default = "default_queue_depth")]
    pub queue_depth: usize,
}

fn default_queue_depth() -> usize {
    3
}

fn default_subject() -> String {
    "entry".to_string()
}

impl RegistryDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        if let Some(method) = &self.register_method {
            add_call(query, &last_name(method), 2);
        }
        if let Some(func) = &self.assigned_in {
            query.index_assignments_of.insert(last_name(func));
        }
        if let Some(ty) = &self.map_type {
            query.literal_types.insert(ty.clone());
        }
        for list in [&self.order, &self.default_on, &self.default_off].into_iter().flatten() {
            let var = list.rsplit([':', '.']).next().unwrap_or(list);
            query.list_vars.insert(var.to_string());
        }
        for f in &self.list_constructors {
            add_call(query, &last_name(f), 0);
        }
        if let Some(ty) = &self.profile_type {
            query.literal_types.insert(ty.clone());
        }
        if let Some(method) = &self.name_method {
            query.returns_of.insert(method.clone());
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RegistryReport {
    pub entries: Vec<RegistryEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistryEntry {
    /// The name's static value; null when it is not static (`name_expr` has it as written).
    pub name: Option<String>,
    pub name_expr: String,
    /// What the name is registered to, as written (`startEndpointController`, `selectorspread.New`).
    pub value: String,
    /// The package that value comes from: a selector's package, else the registering one.
    pub implementation: String,
    /// The position of the name in the `order` list.
    pub order: Option<usize>,
    /// Whether it is on by default, when `default_on` or `default_off` says.
    pub default: Option<bool>,
    /// The `implements` interfaces some type of `implementation` satisfies, by name.
    pub implements: Vec<String>,
    /// The condition under which it is registered, when the registration is inside an `if`.
    pub condition: Option<String>,
    /// Where the default configuration enables it (`profile_in`), in its order.
    pub profile: Vec<ProfileUse>,
    /// The workqueues its value builds (`queues`), in the order they are reached.
    pub queues: Vec<QueueUse>,
    pub package: String,
    pub function: String,
    pub file: String,
    pub line: u32,
}

/// One place the default configuration enables an entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileUse {
    /// `Score`, `PreFilter`, `MultiPoint`, ...: the key its list is under.
    pub extension_point: String,
    /// The `Weight` field's static value, when set.
    pub weight: Option<i64>,
    /// The extension point written, when it is `multi_point` and this one is one of those it stands for.
    pub via: Option<String>,
    pub file: String,
    pub line: u32,
}

/// A queue an entry builds: a workqueue consumer reached from the entry's value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueUse {
    /// The queue's static name, when it has one.
    pub queue_name: Option<String>,
    pub constructor: String,
    /// The function that builds it, and its package.
    pub function: String,
    pub package: String,
    pub file: String,
    pub line: u32,
}

/// The queues each entry builds: the `consumers` (queue constructions) in the functions its value is or calls,
/// following calls of package-level functions `depth` deep. Method calls are not followed (their receiver's type
/// is not known without type checking).
pub(crate) fn link_queues(cx: &Cx, entries: &mut [RegistryEntry], consumers: &[Consumer], depth: usize) {
    for e in entries.iter_mut() {
        let start = match e.value.rsplit_once('.') {
            Some((_, name)) => cx.func_by_path(&e.implementation, name),
            None => cx.func_by_path(&e.package, &e.value),
        };
        let Some(start) = start else { continue };
        let mut seen: Vec<(PkgId, u32, FileId)> = Vec::new();
        let mut level = vec![start];
        for round in 0..=depth {
            let mut next = Vec::new();
            for func in level {
                let key = (func.pkg, func.func.decl.line, func.file());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let path = &cx.model.pkg(func.pkg).import_path;
                let name = func.func.decl.display_name();
                for c in consumers.iter().filter(|c| &c.package == path && c.function == name) {
                    e.queues.push(QueueUse {
                        queue_name: c.queue_name.clone(),
                        constructor: c.constructor.clone(),
                        function: c.function.clone(),
                        package: c.package.clone(),
                        file: c.file.clone(),
                        line: c.line,
                    });
                }
                // What the last level calls is past the depth: its code is not read.
                if round == depth {
                    continue;
                }
                let Some(code) = cx.code(&func) else { continue };
                crate::code::visit_exprs(&code.body, &mut |_, x| {
                    let crate::code::Expr::Call { fun, .. } = x else { return };
                    let callee = match fun.as_ref() {
                        crate::code::Expr::Ident(n) => Some((path.clone(), n.clone())),
                        crate::code::Expr::Selector(q, n) => match q.as_ref() {
                            crate::code::Expr::Ident(q) => cx
                                .model
                                .qualifier_path(func.file(), q)
                                .map(|p| (p.to_string(), n.clone())),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(f) = callee.and_then(|(p, n)| cx.func_by_path(&p, &n)) {
                        next.push(f);
                    }
                });
            }
            level = next;
        }
    }
}

pub(crate) fn extract(cx: &Cx, def: &RegistryDef) -> RegistryReport {
    let mut entries: Vec<RegistryEntry> = Vec::new();
    let mut push = |cx: &Cx, func: &FuncRef, key: &Expr, value: &Expr, line: u32, condition: Option<&String>| {
        let (pkg, file) = (func.pkg, func.file());
        // `pkg.New`, or a wrapper given it (`runtime.FactoryAdapter(fts, nodevolumelimits.NewAzureDisk)`).
        let of_selector = |e: &Expr| match e {
            Expr::Selector(q, _) => match q.as_ref() {
                Expr::Ident(q) => cx.model.qualifier_path(file, q).map(str::to_string),
                _ => None,
            },
            _ => None,
        };
        let implementation = match value {
            Expr::Call { args, .. } => args.iter().rev().find_map(of_selector),
            other => of_selector(other),
        }
        .unwrap_or_else(|| cx.model.pkg(pkg).import_path.clone());
        entries.push(RegistryEntry {
            name: cx.string(pkg, file, key),
            name_expr: key.to_string(),
            value: value.to_string(),
            implementation,
            package: cx.model.pkg(pkg).import_path.clone(),
            function: func.func.decl.display_name(),
            file: cx.path(file).to_string(),
            line,
            condition: condition.cloned(),
            ..RegistryEntry::default()
        });
    };
    let split = |id: &Option<String>| {
        id.as_ref()
            .and_then(|f| f.rsplit_once('.').map(|(p, n)| (p.to_string(), n.to_string())))
    };
    let register = def.register_method.as_ref().and_then(|m| {
        let (ty, method) = m.rsplit_once('.')?;
        let (path, name) = ty.rsplit_once('.')?;
        Some((path.to_string(), name.to_string(), method.to_string()))
    });
    let (assigned_in, map_in) = (split(&def.assigned_in), split(&def.map_in));
    for func in cx.all_funcs() {
        let decl = &func.func.decl;
        let here = || (cx.model.pkg(func.pkg).import_path.clone(), decl.name.clone());
        if let Some((path, ty, method)) = &register {
            // The parameters of the registry's type: `plugins *admission.Plugins`.
            let params: Vec<&String> = decl
                .sig
                .params
                .iter()
                .filter(|p| cx.is_type(func.pkg, func.file(), &p.ty, path, ty))
                .flat_map(|p| p.names.iter())
                .collect();
            for call in &decl.body.calls {
                let Expr::Selector(on, m) = &call.fun else { continue };
                let on_param = matches!(on.as_ref(), Expr::Ident(n) if params.contains(&n));
                if m == method && on_param && call.args.len() >= 2 {
                    push(cx, &func, &call.args[0], &call.args[1], call.line, None);
                }
            }
        }
        if decl.receiver.is_none() && assigned_in.as_ref() == Some(&here()) {
            for a in &decl.body.index_assignments {
                push(cx, &func, &a.key, &a.value, a.line, a.guard.as_ref());
            }
        }
        if decl.receiver.is_none() && map_in.as_ref() == Some(&here()) {
            let wanted = |ty: &crate::syntax::TypeExpr| {
                crate::lower::type_base_name(ty).is_some_and(|n| def.map_type.as_deref() == Some(n))
            };
            for lit in decl.body.literals.iter().filter(|l| wanted(&l.ty)) {
                for f in &lit.fields {
                    let key = key_expr(&f.key);
                    push(cx, &func, &key, &f.value, f.line, None);
                }
            }
        }
    }
    if let Some((path, name)) = split(&def.descriptors_in) {
        entries.extend(descriptors(cx, def, &path, &name));
    }
    let profile = profile(cx, def);
    let interfaces = interfaces(cx, def);
    for e in &mut entries {
        let Some(name) = &e.name else { continue };
        e.implements = implemented(cx, def, &interfaces, &e.implementation, name);
        let implements = e.implements.clone();
        for (_, u) in profile.iter().filter(|(n, _)| n == name) {
            if def.multi_point.as_ref() != Some(&u.extension_point) {
                e.profile.push(u.clone());
                continue;
            }
            let suffix = def.extension_suffix.as_deref().unwrap_or("");
            for point in implements
                .iter()
                .filter_map(|i| i.strip_suffix(suffix))
                .filter(|p| !p.is_empty())
            {
                e.profile.push(ProfileUse {
                    extension_point: point.to_string(),
                    weight: u.weight.filter(|_| def.weighted_point.as_deref() == Some(point)),
                    via: Some(u.extension_point.clone()),
                    ..u.clone()
                });
            }
        }
    }
    let order = def.order.as_ref().map(|o| names(cx, def, o));
    let on = def.default_on.as_ref().map(|o| names(cx, def, o));
    let off = def.default_off.as_ref().map(|o| names(cx, def, o));
    for e in &mut entries {
        let Some(name) = e.name.clone() else { continue };
        e.order = order.as_ref().and_then(|o| o.iter().position(|n| *n == name));
        // A descriptor says its default itself.
        if e.default.is_some() {
            continue;
        }
        e.default = match (&on, &off) {
            (Some(on), _) => Some(on.contains(&name)),
            (None, Some(off)) => Some(!off.contains(&name)),
            _ => None,
        };
    }
    entries.sort_by(|a, b| {
        (a.order.is_none(), a.order, &a.name, &a.file, a.line).cmp(&(
            b.order.is_none(),
            b.order,
            &b.name,
            &b.file,
            b.line,
        ))
    });
    RegistryReport { entries }
}

/// The entries of descriptor form: each `newXDescriptor()` called (as an argument) in the function, read from
/// the `descriptor_type` literal it returns.
fn descriptors(cx: &Cx, def: &RegistryDef, path: &str, name: &str) -> Vec<RegistryEntry> {
    use crate::code::{Expr as E, StmtKind};
    let (Some(ty), Some(name_field)) = (&def.descriptor_type, &def.descriptor_name) else {
        return Vec::new();
    };
    let Some(func) = cx.func_by_path(path, name) else {
        return Vec::new();
    };
    let Some(code) = cx.code(&func) else { return Vec::new() };
    // `register(newEndpointsControllerDescriptor())`: calls given a call of a function of the package.
    let mut makers: Vec<(u32, String)> = Vec::new();
    crate::code::visit_exprs(&code.body, &mut |line, e| {
        let E::Call { args, .. } = e else { return };
        for a in args {
            if let E::Call { fun, args: none, .. } = a {
                if let (E::Ident(f), true) = (fun.as_ref(), none.is_empty()) {
                    if !makers.iter().any(|(_, m)| m == f) {
                        makers.push((line, f.clone()));
                    }
                }
            }
        }
    });
    let pkg_path = cx.model.pkg(func.pkg).import_path.clone();
    let mut out = Vec::new();
    for (line, maker) in makers {
        let Some(made) = cx.func_by_path(&pkg_path, &maker) else {
            continue;
        };
        let Some(made_code) = cx.code(&made) else { continue };
        let literal = made_code.body.iter().find_map(|s| match &s.kind {
            StmtKind::Return(es) => es.iter().find_map(|e| {
                let inner = match e {
                    E::Unary(op, x) if op == "&" => x.as_ref(),
                    other => other,
                };
                match inner {
                    E::Composite {
                        ty: Some(t), elements, ..
                    } if crate::lower::type_base_name(t).is_some_and(|n| n == ty) => Some(elements.clone()),
                    _ => None,
                }
            }),
            _ => None,
        });
        let Some(elements) = literal else { continue };
        let field = |key: &Option<String>| {
            let key = key.as_ref()?;
            elements
                .iter()
                .find(|el| matches!(&el.key, Some(E::Ident(k)) if k == key))
                .map(|el| el.value.clone())
        };
        let Some(name_expr) = field(&Some(name_field.clone())) else {
            continue;
        };
        let value = field(&def.descriptor_value).map(|v| v.to_string()).unwrap_or_default();
        let disabled = field(&def.descriptor_disabled).map(|v| v.to_string());
        out.push(RegistryEntry {
            name: const_string(cx, made.file(), made.pkg, &name_expr),
            name_expr: name_expr.to_string(),
            value,
            implementation: pkg_path.clone(),
            default: Some(disabled.as_deref() != Some("true")),
            package: pkg_path.clone(),
            function: name.to_string(),
            file: cx.path(func.file()).to_string(),
            line,
            ..RegistryEntry::default()
        });
    }
    out
}

/// The static string of a name as code writes it: a literal, or a constant of the package or of an import.
fn const_string(cx: &Cx, file: FileId, pkg: PkgId, e: &crate::code::Expr) -> Option<String> {
    use crate::code::Expr as E;
    let (pkg, name) = match e {
        E::Lit(crate::syntax::LitKind::String, text) => {
            return Some(text.trim_matches(|c| c == '"' || c == '`').to_string())
        }
        E::Ident(n) => (pkg, n),
        E::Selector(q, n) => match q.as_ref() {
            E::Ident(q) => (cx.model.qualifier_pkg(file, q)?, n),
            _ => return None,
        },
        _ => return None,
    };
    match cx.package_const(pkg, name)? {
        crate::consteval::ConstValue::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The entries the default configuration enables: the `profile_type` literals of the `profile_in` functions, by
/// name, with the extension point of the list each is in (the key above `Enabled`).
fn profile(cx: &Cx, def: &RegistryDef) -> Vec<(String, ProfileUse)> {
    let Some(ty) = &def.profile_type else { return Vec::new() };
    let mut out = Vec::new();
    for place in &def.profile_in {
        let Some((path, name)) = place.rsplit_once('.') else {
            continue;
        };
        let Some(func) = cx.func_by_path(path, name) else {
            continue;
        };
        let (pkg, file) = (func.pkg, func.file());
        for lit in &func.func.decl.body.literals {
            if crate::lower::type_base_name(&lit.ty) != Some(ty.as_str())
                || lit.path.last().map(String::as_str) != Some("Enabled")
            {
                continue;
            }
            let field = |key: &str| lit.fields.iter().find(|f| f.key == key).map(|f| &f.value);
            let Some(plugin) = field("Name").and_then(|e| cx.string(pkg, file, e)) else {
                continue;
            };
            let weight = field("Weight").and_then(|e| {
                let e = match e {
                    Expr::Call { args, .. } if args.len() == 1 => &args[0],
                    other => other,
                };
                match cx.value(pkg, file, e) {
                    Some(crate::consteval::ConstValue::Int(i)) => i64::try_from(i).ok(),
                    _ => None,
                }
            });
            let point = lit
                .path
                .len()
                .checked_sub(2)
                .map(|i| lit.path[i].clone())
                .unwrap_or_default();
            out.push((
                plugin,
                ProfileUse {
                    extension_point: point,
                    weight,
                    via: None,
                    file: cx.path(file).to_string(),
                    line: lit.line,
                },
            ));
        }
    }
    out
}

/// A map literal's key as the lowering keeps it (its text) back as an expression: `selectorspread.Name`.
fn key_expr(text: &str) -> Expr {
    match text.split_once('.') {
        Some((q, name)) if !q.is_empty() && q.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            Expr::Selector(Box::new(Expr::Ident(q.to_string())), name.to_string())
        }
        _ if text.starts_with('"') => Expr::Lit(crate::syntax::LitKind::String, text.to_string()),
        _ => Expr::Ident(text.to_string()),
    }
}

/// The static names of a list: `import/path.Var` (a package variable) or `import/path.Func:variable`.
fn names(cx: &Cx, def: &RegistryDef, list: &str) -> Vec<String> {
    let (place, var) = match list.split_once(':') {
        Some((func, var)) => (func, Some(var)),
        None => (list, None),
    };
    let Some((path, name)) = place.rsplit_once('.') else {
        return Vec::new();
    };
    let Some(pkg) = cx.model.package_by_path(path) else {
        return Vec::new();
    };
    let p = cx.model.pkg(pkg);
    let (var, bodies): (&str, Vec<(FileId, &crate::syntax::Body)>) = match var {
        Some(var) => (
            var,
            p.funcs
                .iter()
                .filter(|f| f.decl.name == name)
                .map(|f| (f.file, &f.decl.body))
                .collect(),
        ),
        None => (name, p.var_inits.iter().map(|f| (f.file, &f.decl.body)).collect()),
    };
    let constructors: Vec<String> = def.list_constructors.iter().map(|c| last_name(c)).collect();
    for (file, body) in bodies {
        if let Some(lit) = body.literals.iter().find(|l| l.assigned_to.as_deref() == Some(var)) {
            return strings(cx, pkg, file, &lit.elements);
        }
        let call = body.calls.iter().find(|c| {
            c.assigned_to.as_deref() == Some(var)
                && matches!(&c.fun, Expr::Selector(_, n) | Expr::Ident(n) if constructors.contains(n))
        });
        if let Some(call) = call {
            return strings(cx, pkg, file, &call.args);
        }
    }
    Vec::new()
}

fn strings(cx: &Cx, pkg: PkgId, file: FileId, exprs: &[Expr]) -> Vec<String> {
    exprs.iter().filter_map(|e| cx.string(pkg, file, e)).collect()
}

/// The interfaces an entry implements: those of the type of its package whose `name_method` returns its name, else
/// those of any type of its package.
fn implemented(
    cx: &Cx,
    def: &RegistryDef,
    interfaces: &[(String, Vec<TypeRef>)],
    package: &str,
    name: &str,
) -> Vec<String> {
    let Some(pkg) = cx.model.package_by_path(package) else {
        return Vec::new();
    };
    let named: Option<String> = def.name_method.as_ref().and_then(|method| {
        cx.model.pkg(pkg).methods.iter().find_map(|m| {
            let (ty, _) = m.decl.receiver.as_ref()?.base()?;
            let (_, exprs) = m.decl.body.returns.first()?;
            let returned = cx.string(pkg, m.file, exprs.first()?)?;
            (m.decl.name == *method && returned == name).then(|| ty.to_string())
        })
    });
    interfaces
        .iter()
        .filter(|(_, by)| match &named {
            Some(ty) => by.iter().any(|t| t.pkg == pkg && t.name == *ty),
            None => by.iter().any(|t| t.pkg == pkg),
        })
        .map(|(n, _)| n.clone())
        .collect()
}

/// Each `implements` interface by name, with the types that implement it.
fn interfaces(cx: &Cx, def: &RegistryDef) -> Vec<(String, Vec<TypeRef>)> {
    let mut out = Vec::new();
    for id in &def.implements {
        let Some((path, pattern)) = id.rsplit_once('.') else {
            continue;
        };
        let Some(pkg) = cx.model.package_by_path(path) else {
            continue;
        };
        for (name, info) in &cx.model.pkg(pkg).named {
            if info.interface.is_none() || !glob(pattern, name) {
                continue;
            }
            let mut types: Vec<TypeRef> = info.implemented_by.iter().map(|i| i.ty.clone()).collect();
            types.sort();
            types.dedup();
            out.push((name.clone(), types));
        }
    }
    out
}
