//! Implementers of an interface (volume plugins, preflight checks): their names, capabilities, platforms, the
//! types they construct, switch dispatch in key methods, registration, and where lists of them are assembled.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Map, Value};

use super::{text_fields, Cx, FuncRef, TopicDef};
use crate::model::{MethodEntry, TypeRef};
use crate::syntax::{Expr, TypeExpr};

/// The implementers, and when the topic asks for it, where slices of the interface are assembled.
pub fn extract(cx: &Cx, topic: &TopicDef) -> (Value, Option<Value>) {
    let model = cx.model;
    let empty = || {
        (
            Value::Array(Vec::new()),
            topic.assembled_in_slices.then(|| Value::Array(Vec::new())),
        )
    };
    let Some(iface) = topic.interface.as_deref().and_then(|id| type_ref(cx, id)) else {
        return empty();
    };
    let iface_pkg = model.pkg(iface.pkg);
    let Some(info) = iface_pkg.named.get(&iface.name) else {
        return empty();
    };
    // The other interfaces of the package a capability pattern selects.
    let capabilities: Vec<String> = match &topic.capabilities {
        Some(pattern) => iface_pkg
            .named
            .iter()
            .filter(|(name, i)| i.interface.is_some() && glob(pattern, name))
            .map(|(name, _)| name.clone())
            .collect(),
        None => Vec::new(),
    };
    let registrations = topic
        .registration
        .as_deref()
        .map(|registration| registrations(cx, topic, registration));
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
        let mut m = Map::new();
        m.insert("type".into(), json!(model.type_id(ty)));
        m.insert("dir".into(), json!(pkg.dir));
        m.insert("file".into(), json!(cx.path(decl.file)));
        m.insert("line".into(), json!(decl.decl.line));
        m.insert("pointer_only".into(), json!(imp.pointer_only));
        m.insert("platforms".into(), json!(imp.platforms.names()));
        if let Some(name_method) = &topic.name_method {
            let (resolved, expr, location) = match method_returns(cx, methods, name_method) {
                Some((func, Some(expr))) => (
                    cx.string(func.pkg, func.file(), &expr, &[]),
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
            text_fields(&mut m, "name", resolved, expr.as_ref());
            m.insert("name_method".into(), json!(location));
        }
        if !capabilities.is_empty() {
            let has: Vec<&String> = capabilities
                .iter()
                .filter(|c| {
                    named
                        .implements
                        .iter()
                        .any(|i| i.interface.pkg == iface.pkg && &&i.interface.name == c)
                })
                .collect();
            m.insert("implements".into(), json!(has));
        }
        if !topic.constructors.is_empty() {
            m.insert("constructs".into(), constructs(cx, topic, methods));
        }
        if !topic.dispatch_methods.is_empty() {
            m.insert("dispatch".into(), dispatch(cx, topic, ty, methods));
        }
        if let Some(registrations) = &registrations {
            let calls = registrations.get(&pkg.import_path).cloned().unwrap_or_default();
            m.insert("registered".into(), Value::Array(calls));
        }
        out.push(Value::Object(m));
    }
    let assembled = topic.assembled_in_slices.then(|| assembled(cx, &iface));
    (Value::Array(out), assembled)
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
fn glob(pattern: &str, name: &str) -> bool {
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

fn constructs(cx: &Cx, topic: &TopicDef, methods: &[MethodEntry]) -> Value {
    let mut out = Vec::new();
    for role in &topic.constructors {
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
            let listed: Vec<Value> = topic
                .constructed_methods
                .iter()
                .filter_map(|name| {
                    let m = set.iter().find(|m| &m.name == name)?;
                    Some(json!({
                        "name": name,
                        "owner": cx.model.type_id(&m.owner),
                        "promoted_via": m.promoted_via,
                        "locations": m.locations.iter().map(|(f, l)| format!("{}:{}", cx.path(*f), l)).collect::<Vec<_>>(),
                    }))
                })
                .collect();
            out.push(json!({
                "role": role,
                "type": cx.model.type_id(&ty),
                "file": cx.model.type_decl(&ty).map(|d| cx.path(d.file)),
                "line": cx.model.type_decl(&ty).map(|d| d.decl.line),
                "constructed_at": format!("{}:{}", cx.path(func.file()), func.func.decl.line),
                "methods": listed,
            }));
        }
    }
    Value::Array(out)
}

/// Switch statements in the dispatch methods of the implementer and of the types it constructs.
fn dispatch(cx: &Cx, topic: &TopicDef, ty: &TypeRef, methods: &[MethodEntry]) -> Value {
    let mut types: Vec<(TypeRef, Vec<MethodEntry>)> = vec![(ty.clone(), methods.to_vec())];
    for role in &topic.constructors {
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
        for name in &topic.dispatch_methods {
            let Some(entry) = set.iter().find(|m| &m.name == name) else {
                continue;
            };
            let Some(func) = method_decl(cx, entry) else { continue };
            if !seen.insert((func.file(), func.func.decl.line)) {
                continue;
            }
            for sw in &func.func.decl.body.switches {
                out.push(json!({
                    "method": format!("{}.{}", cx.model.type_id(&entry.owner), name),
                    "file": cx.path(func.file()),
                    "line": sw.line,
                    "subject": sw.subject.as_ref().map(|s| s.to_string()),
                    "type_switch": sw.type_switch,
                    "cases": sw.cases.iter().map(|c| json!({
                        "line": c.line,
                        "labels": c.labels.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
                        "default": c.labels.is_empty(),
                        "calls": c.calls.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                }));
            }
        }
    }
    Value::Array(out)
}

/// Calls of a registration function (`emptydir.ProbeVolumePlugins()`) in the registration folders, by the import
/// path of the package that declares the function called.
fn registrations(cx: &Cx, topic: &TopicDef, registration: &str) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for func in cx.all_funcs() {
        let file_path = cx.path(func.file());
        let Some(dir) = topic
            .registration_dirs
            .iter()
            .find(|d| file_path.starts_with(&format!("{d}/")))
        else {
            continue;
        };
        // The binary: the folder right below the registration folder (`cmd/kubelet`).
        let binary = file_path[dir.len() + 1..]
            .split('/')
            .next()
            .map(|b| format!("{dir}/{b}"));
        for call in &func.func.decl.body.calls {
            let Some((path, name)) = cx.callee(func.pkg, func.file(), &call.fun) else {
                continue;
            };
            if name == registration {
                out.entry(path).or_default().push(json!({
                    "binary": binary,
                    "function": cx.func_name(&func.func.decl),
                    "file": file_path,
                    "line": call.line,
                }));
            }
        }
    }
    out
}

/// Functions that build slice literals of the interface type, with the element types.
fn assembled(cx: &Cx, iface: &TypeRef) -> Value {
    let mut out = Vec::new();
    for func in cx.all_funcs() {
        for lit in &func.func.decl.body.literals {
            let TypeExpr::Slice(elem) = &lit.ty else { continue };
            let TypeExpr::Name { pkg: q, name } = elem.as_ref() else {
                continue;
            };
            if cx
                .model
                .resolve_name(func.pkg, func.file(), q.as_deref(), name)
                .as_ref()
                != Some(iface)
            {
                continue;
            }
            let checks: Vec<Value> = lit
                .elements
                .iter()
                .map(|e| match constructed_type(cx, &func, e, &[]) {
                    Some(t) => json!(cx.model.type_id(&t)),
                    None => json!(e.to_string()),
                })
                .collect();
            out.push(json!({
                "function": cx.func_name(&func.func.decl),
                "package": cx.model.pkg(func.pkg).import_path,
                "file": cx.path(func.file()),
                "line": lit.line,
                "elements": checks,
            }));
        }
    }
    Value::Array(out)
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
