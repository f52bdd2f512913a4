//! The client-go workqueue: the queue interfaces and how they embed one another, the implementations and their
//! constructors, the FIFO queue's fields and which of them each method touches, the rate limiters, and every
//! place in the tree that builds a queue.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{Cx, TopicDef};
use crate::model::{PkgId, TypeRef};
use crate::syntax::{Access, Expr, TypeExpr};

pub fn extract(cx: &Cx, topic: &TopicDef) -> Value {
    let Some(path) = topic.package.as_deref() else {
        return Value::Null;
    };
    let Some(pkg_id) = cx.model.package_by_path(path) else {
        return Value::Null;
    };
    let pkg = cx.model.pkg(pkg_id);
    let exists = |name: &str| pkg.type_index.contains_key(name);

    // The interface chain, typed and untyped forms side by side.
    let mut chain = Vec::new();
    let mut queue_interfaces: Vec<String> = Vec::new();
    for group in &topic.interfaces {
        let forms: Vec<Value> = group
            .iter()
            .filter(|n| exists(n))
            .map(|name| {
                queue_interfaces.push(name.clone());
                interface_json(cx, pkg_id, name)
            })
            .collect();
        if !forms.is_empty() {
            chain.push(Value::Array(forms));
        }
    }

    // Implementations: types of the package implementing a queue interface.
    let mut implementations = Vec::new();
    for (name, info) in &pkg.named {
        if info.method_set.is_none() {
            continue;
        }
        let implements: Vec<String> = info
            .implements
            .iter()
            .filter(|i| i.interface.pkg == pkg_id && queue_interfaces.contains(&i.interface.name))
            .map(|i| i.interface.name.clone())
            .collect();
        if implements.is_empty() {
            continue;
        }
        let decl = cx.model.type_decl(&TypeRef {
            pkg: pkg_id,
            name: name.clone(),
        });
        implementations.push(json!({
            "type": name,
            "kind": decl.map(|d| if d.decl.alias { "alias" } else { "defined" }),
            "declared_as": decl.map(|d| d.decl.ty.to_string()),
            "file": decl.map(|d| cx.path(d.file)),
            "line": decl.map(|d| d.decl.line),
            "implements": implements,
        }));
    }

    let constructors: Vec<Value> = topic
        .constructors
        .iter()
        .filter_map(|name| pkg.funcs.iter().find(|f| &f.decl.name == name))
        .map(|f| {
            json!({
                "name": f.decl.name,
                "type_params": crate::syntax::type_params_string(&f.decl.type_params),
                "signature": f.decl.sig.to_string(),
                "file": cx.path(f.file),
                "line": f.decl.line,
                "doc": f.decl.doc,
            })
        })
        .collect();

    let fifo = topic
        .fifo_types
        .iter()
        .find(|n| {
            cx.model
                .type_decl(&TypeRef {
                    pkg: pkg_id,
                    name: n.to_string(),
                })
                .is_some_and(|d| !d.decl.alias && matches!(d.decl.ty, TypeExpr::Struct(_)))
        })
        .map(|name| fifo_json(cx, pkg_id, name));

    let mut rate_limiters = Vec::new();
    for iface in &topic.rate_limiter_interfaces {
        let Some(info) = pkg.named.get(iface) else { continue };
        for imp in &info.implemented_by {
            let Some(decl) = cx.model.type_decl(&imp.ty) else {
                continue;
            };
            let imp_pkg = cx.model.pkg(imp.ty.pkg);
            let ctors: Vec<Value> = imp_pkg
                .funcs
                .iter()
                .filter(|f| {
                    f.decl.sig.results.iter().any(|r| mentions(&r.ty, &imp.ty.name))
                        || f.decl
                            .body
                            .returns
                            .iter()
                            .any(|(_, e)| e.first().is_some_and(|e| constructs(e, &imp.ty.name)))
                })
                .map(|f| {
                    json!({
                        "name": f.decl.name,
                        "signature": f.decl.sig.to_string(),
                        "file": cx.path(f.file),
                        "line": f.decl.line,
                    })
                })
                .collect();
            rate_limiters.push(json!({
                "type": cx.model.type_id(&imp.ty),
                "interface": iface,
                "kind": if decl.decl.alias { "alias" } else { "defined" },
                "declared_as": decl.decl.ty.to_string(),
                "file": cx.path(decl.file),
                "line": decl.decl.line,
                "doc": decl.decl.doc,
                "pointer_only": imp.pointer_only,
                "constructors": ctors,
            }));
        }
    }

    json!({
        "package": path,
        "dir": pkg.dir,
        "interfaces": chain,
        "implementations": implementations,
        "constructors": constructors,
        "fifo": fifo,
        "rate_limiters": rate_limiters,
        "consumers": consumers(cx, topic, path),
    })
}

fn interface_json(cx: &Cx, pkg: PkgId, name: &str) -> Value {
    let ty = TypeRef {
        pkg,
        name: name.to_string(),
    };
    let decl = cx.model.type_decl(&ty);
    let info = cx.model.pkg(pkg).named.get(name);
    let set = info.and_then(|i| i.interface.as_ref());
    let own: Vec<Value> = match decl.map(|d| &d.decl.ty) {
        Some(TypeExpr::Interface(elems)) => elems
            .iter()
            .filter_map(|e| match e {
                crate::syntax::InterfaceElem::Method { name, sig, doc, line } => {
                    Some(json!({ "name": name, "signature": sig.to_string(), "doc": doc, "line": line }))
                }
                crate::syntax::InterfaceElem::Embed(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let embeds: Vec<String> = match decl.map(|d| &d.decl.ty) {
        Some(TypeExpr::Interface(elems)) => elems
            .iter()
            .filter_map(|e| match e {
                crate::syntax::InterfaceElem::Embed(t) => Some(t.to_string()),
                _ => None,
            })
            .collect(),
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    };
    json!({
        "name": name,
        "type_params": decl.and_then(|d| crate::syntax::type_params_string(&d.decl.type_params)),
        "declared_as": decl.map(|d| d.decl.ty.to_string()),
        "file": decl.map(|d| cx.path(d.file)),
        "line": decl.map(|d| d.decl.line),
        "doc": decl.and_then(|d| d.decl.doc.clone()),
        "embeds": embeds,
        "methods": own,
        "method_set": set.map(|s| s.methods.iter().map(|m| m.name.clone()).collect::<Vec<_>>()),
    })
}

/// The FIFO queue: its fields with their docs, and for each method which fields it reads, writes, or calls a
/// method on.
fn fifo_json(cx: &Cx, pkg_id: PkgId, name: &str) -> Value {
    let pkg = cx.model.pkg(pkg_id);
    let ty = TypeRef {
        pkg: pkg_id,
        name: name.to_string(),
    };
    let decl = cx.model.type_decl(&ty).expect("the caller checked the type exists");
    let TypeExpr::Struct(fields) = &decl.decl.ty else {
        return Value::Null;
    };
    let field_names: Vec<&str> = fields.iter().flat_map(|f| f.names.iter().map(String::as_str)).collect();
    let fields_json: Vec<Value> = fields
        .iter()
        .flat_map(|f| {
            let names = if f.names.is_empty() {
                vec![f.ty.to_string()]
            } else {
                f.names.clone()
            };
            names
                .into_iter()
                .map(move |n| json!({ "name": n, "type": f.ty.to_string(), "doc": f.doc, "line": f.line }))
        })
        .collect();
    let mut methods = Vec::new();
    for &i in pkg.method_index.get(name).into_iter().flatten() {
        let m = &pkg.methods[i];
        let mut by_field: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        let mut calls_own: Vec<&str> = Vec::new();
        for usage in &m.decl.body.receiver_fields {
            if !field_names.contains(&usage.field.as_str()) {
                if usage.access == Access::CallMethod && usage.method.is_none() {
                    calls_own.push(&usage.field);
                }
                continue;
            }
            let entry = by_field.entry(&usage.field).or_insert_with(|| {
                let mut e = Map::new();
                e.insert("field".into(), json!(usage.field));
                e.insert("reads".into(), json!(false));
                e.insert("writes".into(), json!(false));
                e.insert("calls".into(), json!([]));
                e
            });
            match usage.access {
                Access::Read => {
                    entry.insert("reads".into(), json!(true));
                }
                Access::Write => {
                    entry.insert("writes".into(), json!(true));
                }
                Access::CallMethod => {
                    if let (Some(method), Some(Value::Array(calls))) = (&usage.method, entry.get_mut("calls")) {
                        if !calls.iter().any(|c| c == method.as_str()) {
                            calls.push(json!(method));
                        }
                    }
                }
            }
        }
        // Fields in declaration order.
        let touches: Vec<Value> = field_names
            .iter()
            .filter_map(|f| by_field.remove(f))
            .map(Value::Object)
            .collect();
        calls_own.dedup();
        methods.push(json!({
            "name": m.decl.name,
            "receiver": m.decl.receiver.as_ref().map(|r| r.ty.to_string()),
            "signature": m.decl.sig.to_string(),
            "file": cx.path(m.file),
            "line": m.decl.line,
            "end_line": m.decl.end_line,
            "doc": m.decl.doc,
            "fields": touches,
            "calls_methods": calls_own,
        }));
    }
    json!({
        "type": name,
        "type_params": crate::syntax::type_params_string(&decl.decl.type_params),
        "file": cx.path(decl.file),
        "line": decl.decl.line,
        "doc": decl.decl.doc,
        "fields": fields_json,
        "methods": methods,
    })
}

/// `&T{...}` or `T{...}` (also `T[X]{...}`) of a type of the same package.
fn constructs(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Unary(op, inner) if op == "&" => constructs(inner, name),
        Expr::CompositeLit(Some(ty), _) => mentions(ty, name),
        _ => false,
    }
}

fn mentions(ty: &TypeExpr, name: &str) -> bool {
    match ty {
        TypeExpr::Name { pkg: None, name: n } => n == name,
        TypeExpr::Pointer(inner) | TypeExpr::Paren(inner) => mentions(inner, name),
        TypeExpr::Generic { base, .. } => mentions(base, name),
        _ => false,
    }
}

/// Every call of a workqueue constructor in the tree, with the queue's name when it is static and the rate
/// limiter argument.
fn consumers(cx: &Cx, topic: &TopicDef, path: &str) -> Value {
    let queue_pkg = cx.model.package_by_path(path);
    let mut out = Vec::new();
    // Calls inside the workqueue package are its own wiring, not consumers.
    for func in cx.all_funcs().filter(|f| Some(f.pkg) != queue_pkg) {
        for call in &func.func.decl.body.calls {
            let Some((callee_path, name)) = cx.callee(func.pkg, func.file(), &call.fun) else {
                continue;
            };
            if callee_path != path || !topic.constructors.contains(&name) {
                continue;
            }
            // Parameter names of the constructor tell which argument is the name and which the limiter.
            let params: Vec<(String, String)> = queue_pkg
                .and_then(|p| cx.model.pkg(p).funcs.iter().find(|f| f.decl.name == name))
                .map(|f| {
                    f.decl
                        .sig
                        .params
                        .iter()
                        .flat_map(|p| p.names.iter().map(move |n| (n.clone(), p.ty.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            let mut queue_name: Option<String> = None;
            let mut limiter: Option<String> = None;
            for (i, arg) in call.args.iter().enumerate() {
                let (param, ty) = params.get(i).cloned().unwrap_or_default();
                if param == "name" {
                    queue_name = cx.string(func.pkg, func.file(), arg, &[]).map(|s| s.0);
                } else if ty.contains("RateLimiter") {
                    limiter = Some(arg.to_string());
                } else if let Expr::CompositeLit(_, line) = arg {
                    // A config struct: its Name field.
                    let lit = func.func.decl.body.literals.iter().find(|l| l.line == *line);
                    if let Some(field) = lit.and_then(|l| l.fields.iter().find(|f| f.key == "Name")) {
                        queue_name = cx.string(func.pkg, func.file(), &field.value, &[]).map(|s| s.0);
                    }
                }
            }
            out.push(json!({
                "constructor": name,
                "file": cx.path(func.file()),
                "line": call.line,
                "package": cx.model.pkg(func.pkg).import_path,
                "function": cx.func_name(&func.func.decl),
                "queue_name": queue_name,
                "rate_limiter": limiter,
                "args": call.args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            }));
        }
    }
    Value::Array(out)
}
