//! The client-go workqueue: the queue interfaces and how they embed one another, the implementations and their
//! constructors, the FIFO queue's fields and which of them each method touches, the rate limiters, and every
//! place in the tree that builds a queue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{add_call, Cx};
use crate::lower::BodyQuery;
use crate::model::{PkgId, TypeRef};
use crate::syntax::{Access, Expr, TypeExpr};

/// A `workqueue` topic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkqueueDef {
    /// The queue's package.
    pub package: String,
    /// The FIFO queue whose methods get a field-access table (the first that exists).
    #[serde(default)]
    pub fifo_types: Vec<String>,
    /// The queue interfaces, outermost last (the forms of each that exist).
    #[serde(default)]
    pub interfaces: Vec<Vec<String>>,
    #[serde(default)]
    pub rate_limiter_interfaces: Vec<String>,
    #[serde(default)]
    pub constructors: Vec<String>,
    /// Config structs passed to constructors, whose `Name` field names the queue.
    #[serde(default)]
    pub config_types: Vec<String>,
    /// The function building the rate limiter controllers use, whose composition the guide evaluates (the first
    /// that exists).
    #[serde(default)]
    pub default_rate_limiters: Vec<String>,
}

impl WorkqueueDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        for c in &self.constructors {
            add_call(query, c, 0);
        }
        query.literal_types.extend(self.config_types.iter().cloned());
        query.receivers_of.extend(self.fifo_types.iter().cloned());
        query
            .returns_for_results
            .extend(self.rate_limiter_interfaces.iter().cloned());
    }
}

/// What a workqueue topic finds; null in the JSON when the tree has no such package.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkqueueReport {
    pub package: String,
    pub dir: String,
    /// The interface chain from the FIFO queue outwards, each group the forms (typed, untyped) present.
    pub interfaces: Vec<Vec<QueueInterface>>,
    pub implementations: Vec<QueueImplementation>,
    pub constructors: Vec<QueueConstructor>,
    pub fifo: Option<Fifo>,
    pub rate_limiters: Vec<RateLimiter>,
    /// What the default rate limiter function returns, evaluated.
    pub default_rate_limiter: Option<LimiterComposition>,
    pub consumers: Vec<Consumer>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueInterface {
    pub name: String,
    pub type_params: Option<String>,
    pub declared_as: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub doc: Option<String>,
    pub embeds: Vec<String>,
    pub methods: Vec<InterfaceMethod>,
    pub method_set: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InterfaceMethod {
    pub name: String,
    pub signature: String,
    pub doc: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueImplementation {
    /// The type's name in the package.
    #[serde(rename = "type")]
    pub ty: String,
    /// `alias` or `defined`.
    pub kind: Option<String>,
    pub declared_as: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub implements: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueConstructor {
    pub name: String,
    pub type_params: Option<String>,
    pub signature: String,
    pub file: String,
    pub line: u32,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Fifo {
    #[serde(rename = "type")]
    pub ty: String,
    pub type_params: Option<String>,
    pub file: String,
    pub line: u32,
    pub doc: Option<String>,
    pub fields: Vec<FifoField>,
    pub methods: Vec<FifoMethod>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FifoField {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub doc: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FifoMethod {
    pub name: String,
    pub receiver: Option<String>,
    pub signature: String,
    pub file: String,
    pub line: u32,
    pub end_line: u32,
    pub doc: Option<String>,
    /// The queue's fields it touches, in declaration order.
    pub fields: Vec<FieldAccess>,
    /// Other methods of the queue it calls.
    pub calls_methods: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldAccess {
    pub field: String,
    pub reads: bool,
    pub writes: bool,
    /// Methods called on the field.
    pub calls: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimiter {
    /// `import/path.Name`.
    #[serde(rename = "type")]
    pub ty: String,
    pub interface: String,
    pub kind: String,
    pub declared_as: String,
    pub file: String,
    pub line: u32,
    pub doc: Option<String>,
    pub pointer_only: bool,
    pub constructors: Vec<LimiterConstructor>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimiterConstructor {
    pub name: String,
    pub signature: String,
    pub file: String,
    pub line: u32,
}

/// A call of a queue constructor outside the queue's package.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Consumer {
    pub constructor: String,
    pub file: String,
    pub line: u32,
    pub package: String,
    pub function: String,
    pub queue_name: Option<String>,
    pub rate_limiter: Option<String>,
    pub args: Vec<String>,
}

pub(crate) fn extract(cx: &Cx, def: &WorkqueueDef) -> Option<WorkqueueReport> {
    let path = def.package.as_str();
    let pkg_id = cx.model.package_by_path(path)?;
    let pkg = cx.model.pkg(pkg_id);
    let exists = |name: &str| pkg.type_index.contains_key(name);

    // The interface chain, typed and untyped forms side by side.
    let mut chain = Vec::new();
    let mut queue_interfaces: Vec<String> = Vec::new();
    for group in &def.interfaces {
        let forms: Vec<QueueInterface> = group
            .iter()
            .filter(|n| exists(n))
            .map(|name| {
                queue_interfaces.push(name.clone());
                interface(cx, pkg_id, name)
            })
            .collect();
        if !forms.is_empty() {
            chain.push(forms);
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
        implementations.push(QueueImplementation {
            ty: name.clone(),
            kind: decl.map(|d| if d.decl.alias { "alias" } else { "defined" }.to_string()),
            declared_as: decl.map(|d| d.decl.ty.to_string()),
            file: decl.map(|d| cx.path(d.file).to_string()),
            line: decl.map(|d| d.decl.line),
            implements,
        });
    }

    let constructors = def
        .constructors
        .iter()
        .filter_map(|name| pkg.funcs.iter().find(|f| &f.decl.name == name))
        .map(|f| QueueConstructor {
            name: f.decl.name.clone(),
            type_params: crate::syntax::type_params_string(&f.decl.type_params),
            signature: f.decl.sig.to_string(),
            file: cx.path(f.file).to_string(),
            line: f.decl.line,
            doc: f.decl.doc.clone(),
        })
        .collect();

    let fifo = def
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
        .and_then(|name| fifo(cx, pkg_id, name));

    let mut rate_limiters = Vec::new();
    for iface in &def.rate_limiter_interfaces {
        let Some(info) = pkg.named.get(iface) else { continue };
        for imp in &info.implemented_by {
            let Some(decl) = cx.model.type_decl(&imp.ty) else {
                continue;
            };
            let imp_pkg = cx.model.pkg(imp.ty.pkg);
            let ctors = imp_pkg
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
                .map(|f| LimiterConstructor {
                    name: f.decl.name.clone(),
                    signature: f.decl.sig.to_string(),
                    file: cx.path(f.file).to_string(),
                    line: f.decl.line,
                })
                .collect();
            rate_limiters.push(RateLimiter {
                ty: cx.model.type_id(&imp.ty),
                interface: iface.clone(),
                kind: if decl.decl.alias { "alias" } else { "defined" }.to_string(),
                declared_as: decl.decl.ty.to_string(),
                file: cx.path(decl.file).to_string(),
                line: decl.decl.line,
                doc: decl.decl.doc.clone(),
                pointer_only: imp.pointer_only,
                constructors: ctors,
            });
        }
    }

    Some(WorkqueueReport {
        package: path.to_string(),
        dir: pkg.dir.clone(),
        interfaces: chain,
        implementations,
        constructors,
        fifo,
        rate_limiters,
        default_rate_limiter: def
            .default_rate_limiters
            .iter()
            .find_map(|name| default_rate_limiter(cx, pkg_id, name)),
        consumers: consumers(cx, def, path),
    })
}

/// A rate limiter function's result: the tree of constructors and literals its return statement builds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimiterComposition {
    pub function: String,
    pub doc: Option<String>,
    pub file: String,
    pub line: u32,
    pub tree: LimiterNode,
}

/// One constructor call or literal of a limiter: its arguments by parameter (or field) name, and the limiters
/// it is given (`parts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimiterNode {
    /// The constructor (`NewItemExponentialFailureRateLimiter`) or the literal's type (`BucketRateLimiter`).
    pub name: String,
    /// The first sentence of the constructor's doc, else of the type's.
    pub doc: Option<String>,
    pub line: u32,
    pub args: Vec<LimiterArg>,
    pub parts: Vec<LimiterNode>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LimiterArg {
    /// The parameter's or field's name.
    pub name: Option<String>,
    /// As written.
    pub text: String,
    /// Its static value where it is a number or a duration (`1000 * time.Second` is `16m40s`).
    pub value: Option<String>,
}

fn default_rate_limiter(cx: &Cx, pkg_id: PkgId, name: &str) -> Option<LimiterComposition> {
    let pkg = cx.model.pkg(pkg_id);
    let func = pkg.funcs.iter().find(|f| f.decl.name == name)?;
    let func = super::FuncRef { pkg: pkg_id, func };
    let code = cx.code(&func)?;
    let (line, result) = code.body.iter().find_map(|s| match &s.kind {
        crate::code::StmtKind::Return(es) if es.len() == 1 => Some((s.line, &es[0])),
        _ => None,
    })?;
    let tree = limiter_node(cx, pkg_id, func.file(), line, result)?;
    Some(LimiterComposition {
        function: name.to_string(),
        doc: func.func.decl.doc.clone(),
        file: cx.path(func.file()).to_string(),
        line: func.func.decl.line,
        tree,
    })
}

/// A call of a function of the queue package, or a literal of one of its types, as a node; else `None`.
fn limiter_node(
    cx: &Cx,
    pkg_id: PkgId,
    file: crate::model::FileId,
    line: u32,
    e: &crate::code::Expr,
) -> Option<LimiterNode> {
    use crate::code::Expr as E;
    let pkg = cx.model.pkg(pkg_id);
    let own_name = |fun: &E| -> Option<String> {
        match fun {
            E::Ident(n) => Some(n.clone()),
            E::Index(inner, _) | E::Paren(inner) => match inner.as_ref() {
                E::Ident(n) => Some(n.clone()),
                _ => None,
            },
            _ => None,
        }
    };
    let doc_of = |doc: &Option<String>| doc.as_deref().map(super::binaries::first_sentence);
    let node = |name: String, doc: Option<String>, named: Vec<(Option<String>, &E)>| {
        let mut n = LimiterNode {
            name,
            doc,
            line,
            ..LimiterNode::default()
        };
        for (param, arg) in named {
            match limiter_node(cx, pkg_id, file, line, arg) {
                Some(part) => n.parts.push(part),
                None => {
                    let value = fold(cx, file, arg)
                        .map(|v| v.to_string())
                        .filter(|v| *v != arg.to_string());
                    n.args.push(LimiterArg {
                        name: param,
                        text: arg.to_string(),
                        value,
                    });
                }
            }
        }
        n
    };
    match e {
        E::Unary(op, inner) if op == "&" => limiter_node(cx, pkg_id, file, line, inner),
        E::Paren(inner) => limiter_node(cx, pkg_id, file, line, inner),
        E::Call { fun, args, .. } => {
            let name = own_name(fun)?;
            let decl = pkg.funcs.iter().find(|f| f.decl.name == name)?;
            let params: Vec<(String, bool)> = decl
                .decl
                .sig
                .params
                .iter()
                .flat_map(|p| {
                    p.names
                        .iter()
                        .map(move |n| (n.clone(), matches!(p.ty, TypeExpr::Ellipsis(_))))
                })
                .collect();
            let named = args
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let param = params.get(i).or(params.last().filter(|(_, variadic)| *variadic));
                    (param.map(|(n, _)| n.clone()), a)
                })
                .collect();
            // A constructor without a doc is described by the type it returns.
            let result_doc = || {
                let ty = decl.decl.sig.results.first()?;
                let base = crate::lower::type_base_name(&ty.ty)?;
                pkg.types.iter().find(|t| t.decl.name == base)?.decl.doc.clone()
            };
            let doc = decl.decl.doc.clone().or_else(result_doc);
            Some(node(name, doc_of(&doc), named))
        }
        E::Composite {
            ty: Some(ty), elements, ..
        } => {
            let name = crate::lower::type_base_name(ty)?.to_string();
            let decl = pkg.types.iter().find(|t| t.decl.name == name)?;
            let named = elements
                .iter()
                .map(|el| (el.key.as_ref().map(|k| k.to_string()), &el.value))
                .collect();
            Some(node(name, doc_of(&decl.decl.doc), named))
        }
        _ => None,
    }
}

/// A number or a duration an argument is written as: literals, `time` units, and `*`, `/`, `+`, `-` of them.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Duration(i128),
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Num::Int(i) => write!(f, "{i}"),
            Num::Duration(d) => f.write_str(&crate::eval::go_duration(*d)),
        }
    }
}

fn fold(cx: &Cx, file: crate::model::FileId, e: &crate::code::Expr) -> Option<Num> {
    use crate::code::Expr as E;
    match e {
        E::Lit(crate::syntax::LitKind::Int, text) => text.replace('_', "").parse().ok().map(Num::Int),
        E::Paren(inner) => fold(cx, file, inner),
        E::Selector(q, unit) => {
            let E::Ident(q) = q.as_ref() else { return None };
            if cx.model.qualifier_path(file, q) != Some("time") {
                return None;
            }
            let ns: i128 = match unit.as_str() {
                "Nanosecond" => 1,
                "Microsecond" => 1_000,
                "Millisecond" => 1_000_000,
                "Second" => 1_000_000_000,
                "Minute" => 60_000_000_000,
                "Hour" => 3_600_000_000_000,
                _ => return None,
            };
            Some(Num::Duration(ns))
        }
        E::Binary(l, op, r) => {
            let (l, r) = (fold(cx, file, l)?, fold(cx, file, r)?);
            let int = |n: Num| match n {
                Num::Int(i) | Num::Duration(i) => i,
            };
            // A duration divided by a duration is a number; any other mix with a duration is a duration.
            let duration = match op.as_str() {
                "/" => matches!((l, r), (Num::Duration(_), Num::Int(_))),
                _ => matches!(l, Num::Duration(_)) || matches!(r, Num::Duration(_)),
            };
            let v = match op.as_str() {
                "*" => int(l).checked_mul(int(r))?,
                "/" if int(r) != 0 => int(l) / int(r),
                "+" => int(l).checked_add(int(r))?,
                "-" => int(l).checked_sub(int(r))?,
                _ => return None,
            };
            Some(if duration { Num::Duration(v) } else { Num::Int(v) })
        }
        _ => None,
    }
}

fn interface(cx: &Cx, pkg: PkgId, name: &str) -> QueueInterface {
    let ty = TypeRef {
        pkg,
        name: name.to_string(),
    };
    let decl = cx.model.type_decl(&ty);
    let info = cx.model.pkg(pkg).named.get(name);
    let set = info.and_then(|i| i.interface.as_ref());
    let methods = match decl.map(|d| &d.decl.ty) {
        Some(TypeExpr::Interface(elems)) => elems
            .iter()
            .filter_map(|e| match e {
                crate::syntax::InterfaceElem::Method { name, sig, doc, line } => Some(InterfaceMethod {
                    name: name.clone(),
                    signature: sig.to_string(),
                    doc: doc.clone(),
                    line: *line,
                }),
                crate::syntax::InterfaceElem::Embed(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let embeds = match decl.map(|d| &d.decl.ty) {
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
    QueueInterface {
        name: name.to_string(),
        type_params: decl.and_then(|d| crate::syntax::type_params_string(&d.decl.type_params)),
        declared_as: decl.map(|d| d.decl.ty.to_string()),
        file: decl.map(|d| cx.path(d.file).to_string()),
        line: decl.map(|d| d.decl.line),
        doc: decl.and_then(|d| d.decl.doc.clone()),
        embeds,
        methods,
        method_set: set.map(|s| s.methods.iter().map(|m| m.name.clone()).collect()),
    }
}

/// The FIFO queue: its fields with their docs, and for each method which fields it reads, writes, or calls a
/// method on.
fn fifo(cx: &Cx, pkg_id: PkgId, name: &str) -> Option<Fifo> {
    let pkg = cx.model.pkg(pkg_id);
    let ty = TypeRef {
        pkg: pkg_id,
        name: name.to_string(),
    };
    let decl = cx.model.type_decl(&ty)?;
    let TypeExpr::Struct(fields) = &decl.decl.ty else {
        return None;
    };
    let field_names: Vec<&str> = fields.iter().flat_map(|f| f.names.iter().map(String::as_str)).collect();
    let fifo_fields = fields
        .iter()
        .flat_map(|f| {
            let names = if f.names.is_empty() {
                vec![f.ty.to_string()]
            } else {
                f.names.clone()
            };
            names.into_iter().map(move |n| FifoField {
                name: n,
                ty: f.ty.to_string(),
                doc: f.doc.clone(),
                line: f.line,
            })
        })
        .collect();
    let mut methods = Vec::new();
    for &i in pkg.method_index.get(name).into_iter().flatten() {
        let m = &pkg.methods[i];
        let mut by_field: BTreeMap<&str, FieldAccess> = BTreeMap::new();
        let mut calls_own: Vec<String> = Vec::new();
        for usage in &m.decl.body.receiver_fields {
            if !field_names.contains(&usage.field.as_str()) {
                if usage.access == Access::CallMethod && usage.method.is_none() {
                    calls_own.push(usage.field.clone());
                }
                continue;
            }
            let entry = by_field.entry(&usage.field).or_insert_with(|| FieldAccess {
                field: usage.field.clone(),
                ..FieldAccess::default()
            });
            match usage.access {
                Access::Read => entry.reads = true,
                Access::Write => entry.writes = true,
                Access::CallMethod => {
                    if let Some(method) = &usage.method {
                        if !entry.calls.contains(method) {
                            entry.calls.push(method.clone());
                        }
                    }
                }
            }
        }
        // Fields in declaration order.
        let touches = field_names.iter().filter_map(|f| by_field.remove(f)).collect();
        calls_own.dedup();
        methods.push(FifoMethod {
            name: m.decl.name.clone(),
            receiver: m.decl.receiver.as_ref().map(|r| r.ty.to_string()),
            signature: m.decl.sig.to_string(),
            file: cx.path(m.file).to_string(),
            line: m.decl.line,
            end_line: m.decl.end_line,
            doc: m.decl.doc.clone(),
            fields: touches,
            calls_methods: calls_own,
        });
    }
    Some(Fifo {
        ty: name.to_string(),
        type_params: crate::syntax::type_params_string(&decl.decl.type_params),
        file: cx.path(decl.file).to_string(),
        line: decl.decl.line,
        doc: decl.decl.doc.clone(),
        fields: fifo_fields,
        methods,
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
fn consumers(cx: &Cx, def: &WorkqueueDef, path: &str) -> Vec<Consumer> {
    let queue_pkg = cx.model.package_by_path(path);
    let mut out = Vec::new();
    // Calls inside the workqueue package are its own wiring, not consumers.
    for func in cx.all_funcs().filter(|f| Some(f.pkg) != queue_pkg) {
        for call in &func.func.decl.body.calls {
            let Some((callee_path, name)) = cx.callee(func.pkg, func.file(), &call.fun) else {
                continue;
            };
            if callee_path != path || !def.constructors.contains(&name) {
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
                    queue_name = cx.string(func.pkg, func.file(), arg);
                } else if ty.contains("RateLimiter") {
                    limiter = Some(arg.to_string());
                } else if let Expr::CompositeLit(_, line) = arg {
                    // A config struct: its Name field.
                    let lit = func.func.decl.body.literals.iter().find(|l| l.line == *line);
                    if let Some(field) = lit.and_then(|l| l.fields.iter().find(|f| f.key == "Name")) {
                        queue_name = cx.string(func.pkg, func.file(), &field.value);
                    }
                }
            }
            out.push(Consumer {
                constructor: name,
                file: cx.path(func.file()).to_string(),
                line: call.line,
                package: cx.model.pkg(func.pkg).import_path.clone(),
                function: func.func.decl.display_name(),
                queue_name,
                rate_limiter: limiter,
                args: call.args.iter().map(|a| a.to_string()).collect(),
            });
        }
    }
    out
}
