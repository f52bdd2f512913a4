//! Outlines: the steps of a chosen function's body in order, each with its line, read from its code (`code.rs`).
//! A topic names the functions (`outline = [...]`); guides show them as walkthroughs, and the workqueue guide
//! states its rules from them (`render/pages/workqueue.rs`).

use serde::{Deserialize, Serialize};

use super::{Cx, FuncRef};
use crate::code::{Block, Expr, FuncCode, Stmt, StmtKind};
use crate::model::PkgId;

/// A function to outline, as a topic names it: `import/path.Func`, `import/path.Type.Method`, or, in a topic with
/// a package of its own (the workqueue), `Func` and `Type.Method` in that package. A list names alternatives (a
/// type renamed between releases): the first that exists is outlined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OutlineSpec {
    One(String),
    FirstOf(Vec<String>),
}

impl OutlineSpec {
    pub fn names(&self) -> Vec<&str> {
        match self {
            OutlineSpec::One(n) => vec![n.as_str()],
            OutlineSpec::FirstOf(ns) => ns.iter().map(|n| n.as_str()).collect(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    /// `Func` or `(*Type).Method`, as the reference names it.
    pub function: String,
    pub package: String,
    pub file: String,
    pub line: u32,
    pub steps: Vec<Step>,
}

/// One step of a body. `kind` is `guard` (an `if` without `else` whose block ends by leaving: `return`,
/// `continue`, `break`, `goto` or a `panic`), `if` and `else` (`text` is the condition of an `else if`, empty for
/// a plain `else`), `loop`, `switch`, `select` and `case`, `call`, `assign` (also `var`, `x++`), `defer`, `go`,
/// `return`, `send` and `branch`; `text` is the statement or its header as `go/types.ExprString` writes
/// expressions (literal contents and function bodies elided).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub line: u32,
    pub kind: String,
    pub text: String,
    pub steps: Vec<Step>,
    /// The outlined function this step calls (its `function`), when it calls one: a method of the same receiver
    /// called on the receiver, or a function of the same package.
    pub calls: Option<String>,
    /// Package-level constants the step names, with their values: `v1.StorageMediumMemory` = `"Memory"`.
    pub constants: Vec<NamedConstant>,
    /// Functions, types and methods of the tree the step names, for links to the reference: `wait.Until`,
    /// `ed.setupTmpfs` (a method of the receiver's type).
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// As written in `text`.
    pub text: String,
    pub package: String,
    /// `Func`, `Type`, or `Type.Method`.
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedConstant {
    /// As written: `v1.StorageMediumMemory`, `maxRetries`.
    pub name: String,
    pub package: String,
    /// Go's literal of the value.
    pub value: String,
}

/// The outlines of a topic's functions, in the order named; a name that matches several declarations (one per
/// platform) gives one outline each. `package` is the topic's own package, for short names.
pub(crate) fn extract(cx: &Cx, specs: &[OutlineSpec], package: Option<&str>) -> Vec<Outline> {
    let funcs: Vec<FuncRef> = specs
        .iter()
        .flat_map(|spec| {
            spec.names()
                .into_iter()
                .map(|name| resolve(cx, name, package))
                .find(|found| !found.is_empty())
                .unwrap_or_default()
        })
        .collect();
    let outlined: Vec<(PkgId, Option<String>, String, String)> = funcs
        .iter()
        .map(|f| {
            let base = f
                .func
                .decl
                .receiver
                .as_ref()
                .and_then(|r| r.base().map(|(b, _)| b.to_string()));
            (f.pkg, base, f.func.decl.name.clone(), f.func.decl.display_name())
        })
        .collect();
    let mut out = Vec::new();
    for func in &funcs {
        let Some(code) = cx.code(func) else { continue };
        let mut locals: crate::HashSet<String> = code
            .params
            .iter()
            .chain(&code.results)
            .chain(&code.receiver)
            .cloned()
            .collect();
        declared(&code.body, &mut |n| {
            locals.insert(n.to_string());
        });
        let outliner = Outliner {
            cx,
            func,
            code: &code,
            outlined: &outlined,
            locals,
        };
        out.push(Outline {
            function: func.func.decl.display_name(),
            package: cx.model.pkg(func.pkg).import_path.clone(),
            file: cx.path(func.file()).to_string(),
            line: func.func.decl.line,
            steps: outliner.block(&code.body),
        });
    }
    out
}

/// The declarations a name stands for: `path.Func`, `path.Type.Method`, or short names in `package`.
fn resolve<'m>(cx: &Cx<'m>, name: &str, package: Option<&str>) -> Vec<FuncRef<'m>> {
    let (path, rest) = match name.rfind('/') {
        Some(slash) => match name[slash..].find('.') {
            Some(dot) => (name[..slash + dot].to_string(), &name[slash + dot + 1..]),
            None => return Vec::new(),
        },
        None => match package {
            Some(p) => (p.to_string(), name),
            None => return Vec::new(),
        },
    };
    let Some(pkg) = cx.model.package_by_path(&path) else {
        return Vec::new();
    };
    let p = cx.model.pkg(pkg);
    let found: Vec<_> = match rest.split_once('.') {
        None => p.funcs.iter().filter(|f| f.decl.name == rest).collect(),
        Some((ty, method)) => p
            .methods
            .iter()
            .filter(|f| {
                f.decl.name == method
                    && f.decl
                        .receiver
                        .as_ref()
                        .and_then(|r| r.base())
                        .is_some_and(|(b, _)| b == ty)
            })
            .collect(),
    };
    found.into_iter().map(|func| FuncRef { pkg, func }).collect()
}

/// What outlining one function needs: the function, its code, and every function the topic outlines (package,
/// receiver base, name, display name) for the links between them.
struct Outliner<'a, 'm> {
    cx: &'a Cx<'m>,
    func: &'a FuncRef<'m>,
    code: &'a FuncCode,
    outlined: &'a [(PkgId, Option<String>, String, String)],
    /// Its parameters, results, receiver and the variables it declares, which shadow package-level names.
    locals: crate::HashSet<String>,
}

impl Outliner<'_, '_> {
    fn block(&self, block: &Block) -> Vec<Step> {
        block.iter().flat_map(|s| self.stmt(s)).collect()
    }

    fn stmt(&self, stmt: &Stmt) -> Vec<Step> {
        let line = stmt.line;
        let step = |kind: &str, text: String, steps: Vec<Step>, exprs: Vec<&Expr>| Step {
            line,
            kind: kind.to_string(),
            text,
            steps,
            calls: exprs.iter().find_map(|e| self.calls(e)),
            constants: self.constants(&exprs),
            mentions: self.mentions(&exprs),
        };
        // A case of a switch or type switch: at its own line, `default` or its expressions or types.
        let case = |line: u32, default: bool, text: String, body: &Block, exprs: Vec<&Expr>| Step {
            line,
            ..step(
                "case",
                if default { "default".to_string() } else { text },
                self.block(body),
                exprs,
            )
        };
        let join = |es: &[Expr]| es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ");
        let header = |init: &Option<Box<Stmt>>, rest: String| match init.as_deref().and_then(simple) {
            Some(init) if rest.is_empty() => format!("{init};"),
            Some(init) => format!("{init}; {rest}"),
            None => rest,
        };
        match &stmt.kind {
            StmtKind::Expr(e) => {
                let kind = if matches!(e, Expr::Call { .. }) { "call" } else { "expr" };
                vec![step(kind, e.to_string(), Vec::new(), vec![e])]
            }
            StmtKind::Assign { lhs, rhs, .. } => {
                let exprs = lhs.iter().chain(rhs).collect();
                vec![step("assign", simple(stmt).unwrap_or_default(), Vec::new(), exprs)]
            }
            StmtKind::Var { values, .. } => {
                vec![step(
                    "assign",
                    simple(stmt).unwrap_or_default(),
                    Vec::new(),
                    values.iter().collect(),
                )]
            }
            StmtKind::IncDec { target, .. } => {
                vec![step(
                    "assign",
                    simple(stmt).unwrap_or_default(),
                    Vec::new(),
                    vec![target],
                )]
            }
            StmtKind::If { init, cond, then, els } => {
                let kind = if els.is_none() && leaves(then) { "guard" } else { "if" };
                let mut out = vec![step(kind, header(init, cond.to_string()), self.block(then), vec![cond])];
                let mut els = els.as_deref();
                while let Some(e) = els {
                    match &e.kind {
                        StmtKind::If {
                            init,
                            cond,
                            then,
                            els: next,
                        } => {
                            out.push(Step {
                                line: e.line,
                                ..step("else", header(init, cond.to_string()), self.block(then), vec![cond])
                            });
                            els = next.as_deref();
                        }
                        StmtKind::Block(b) => {
                            out.push(Step {
                                line: e.line,
                                ..step("else", String::new(), self.block(b), Vec::new())
                            });
                            els = None;
                        }
                        _ => els = None,
                    }
                }
                out
            }
            StmtKind::For { init, cond, post, body } => {
                let text = match (init.as_deref().and_then(simple), cond, post.as_deref().and_then(simple)) {
                    (None, None, None) => "for".to_string(),
                    (None, Some(c), None) => format!("for {c}"),
                    (i, c, p) => format!(
                        "for {}; {}; {}",
                        i.unwrap_or_default(),
                        c.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                        p.unwrap_or_default()
                    ),
                };
                vec![step("loop", text, self.block(body), cond.iter().collect())]
            }
            StmtKind::Range {
                key,
                value,
                define,
                over,
                body,
            } => {
                let vars: Vec<String> = key.iter().chain(value).map(|e| e.to_string()).collect();
                let text = if vars.is_empty() {
                    format!("for range {over}")
                } else {
                    format!(
                        "for {} {} range {over}",
                        vars.join(", "),
                        if *define { ":=" } else { "=" }
                    )
                };
                vec![step("loop", text, self.block(body), vec![over])]
            }
            StmtKind::Switch { init, tag, cases } => {
                let text = header(init, tag.as_ref().map(|t| t.to_string()).unwrap_or_default());
                let cases = cases
                    .iter()
                    .map(|c| case(c.line, c.default, join(&c.exprs), &c.body, c.exprs.iter().collect()))
                    .collect();
                vec![step("switch", text, cases, tag.iter().collect())]
            }
            StmtKind::TypeSwitch {
                init,
                bind,
                subject,
                cases,
            } => {
                let subject = match bind {
                    Some(b) => format!("{b} := {subject}.(type)"),
                    None => format!("{subject}.(type)"),
                };
                let cases = cases
                    .iter()
                    .map(|c| {
                        let types = c.types.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", ");
                        case(c.line, c.default, types, &c.body, Vec::new())
                    })
                    .collect();
                vec![step("switch", header(init, subject), cases, vec![])]
            }
            StmtKind::Select { cases } => {
                let cases = cases
                    .iter()
                    .map(|c| {
                        let text = match &c.comm {
                            _ if c.default => "default".to_string(),
                            Some(comm) => simple(comm).unwrap_or_default(),
                            None => String::new(),
                        };
                        let exprs = match c.comm.as_deref().map(|s| &s.kind) {
                            Some(StmtKind::Assign { lhs, rhs, .. }) => lhs.iter().chain(rhs).collect(),
                            Some(StmtKind::Expr(e)) => vec![e],
                            Some(StmtKind::Send { channel, value }) => vec![channel, value],
                            _ => Vec::new(),
                        };
                        Step {
                            line: c.line,
                            ..step("case", text, self.block(&c.body), exprs)
                        }
                    })
                    .collect();
                vec![step("select", "select".to_string(), cases, Vec::new())]
            }
            StmtKind::Return(es) => {
                let text = if es.is_empty() {
                    "return".to_string()
                } else {
                    format!("return {}", join(es))
                };
                vec![step("return", text, Vec::new(), es.iter().collect())]
            }
            StmtKind::Defer(e) => vec![step("defer", e.to_string(), Vec::new(), vec![e])],
            StmtKind::Go(e) => vec![step("go", e.to_string(), Vec::new(), vec![e])],
            StmtKind::Block(b) => self.block(b),
            StmtKind::Labeled(label, inner) => {
                // As go/ast places it: at the label.
                let mut steps = self.stmt(inner);
                if let Some(first) = steps.first_mut() {
                    first.text = format!("{label}: {}", first.text);
                    first.line = line;
                }
                steps
            }
            StmtKind::Branch(keyword, label) => {
                let text = match label {
                    Some(l) => format!("{keyword} {l}"),
                    None => keyword.clone(),
                };
                vec![step("branch", text, Vec::new(), Vec::new())]
            }
            StmtKind::Send { channel, value } => {
                vec![step(
                    "send",
                    simple(stmt).unwrap_or_default(),
                    Vec::new(),
                    vec![channel, value],
                )]
            }
            StmtKind::Other => Vec::new(),
        }
    }

    /// The outlined function a call in the expression (outermost first) calls.
    fn calls(&self, e: &Expr) -> Option<String> {
        let receiver = self.code.receiver.as_deref();
        let base = self
            .func
            .func
            .decl
            .receiver
            .as_ref()
            .and_then(|r| r.base().map(|(b, _)| b.to_string()));
        let mut found = None;
        visit_one(e, &mut |x| {
            let Expr::Call { fun, .. } = x else { return };
            if found.is_some() {
                return;
            }
            found = match fun.as_ref() {
                Expr::Selector(on, m) if matches!(on.as_ref(), Expr::Ident(r) if Some(r.as_str()) == receiver) => self
                    .outlined
                    .iter()
                    .find(|(p, b, n, _)| *p == self.func.pkg && b.is_some() && *b == base && n == m)
                    .map(|o| o.3.clone()),
                Expr::Ident(f) => self
                    .outlined
                    .iter()
                    .find(|(p, b, n, _)| *p == self.func.pkg && b.is_none() && n == f)
                    .map(|o| o.3.clone()),
                _ => None,
            };
        });
        found
    }

    /// The package-level constants the expressions name, each once, with their values.
    fn constants(&self, exprs: &[&Expr]) -> Vec<NamedConstant> {
        let model = self.cx.model;
        let file = self.func.file();
        let mut out: Vec<NamedConstant> = Vec::new();
        for e in exprs {
            visit_one(e, &mut |x| {
                let (pkg, name, text) = match x {
                    Expr::Selector(q, name) => match q.as_ref() {
                        Expr::Ident(q) if !self.is_local(q) => {
                            let Some(pkg) = model.qualifier_pkg(file, q) else {
                                return;
                            };
                            (pkg, name, format!("{q}.{name}"))
                        }
                        _ => return,
                    },
                    Expr::Ident(name) if !self.is_local(name) => (self.func.pkg, name, name.clone()),
                    _ => return,
                };
                let Some(value) = self.cx.package_const(pkg, name) else {
                    return;
                };
                if !out.iter().any(|c| c.name == text) {
                    out.push(NamedConstant {
                        name: text,
                        package: model.pkg(pkg).import_path.clone(),
                        value: match value {
                            crate::consteval::ConstValue::String(s) => crate::eval::go_quote(s),
                            other => other.to_string(),
                        },
                    });
                }
            });
        }
        out
    }

    /// The functions, types and receiver methods of the tree the expressions name, each once.
    fn mentions(&self, exprs: &[&Expr]) -> Vec<Mention> {
        let model = self.cx.model;
        let file = self.func.file();
        let receiver = self.code.receiver.as_deref();
        let base = self
            .func
            .func
            .decl
            .receiver
            .as_ref()
            .and_then(|r| r.base().map(|(b, _)| b.to_string()));
        let own = model.pkg(self.func.pkg);
        let mut out: Vec<Mention> = Vec::new();
        let declares = |p: &crate::model::Package, name: &str| {
            p.funcs.iter().any(|f| f.decl.name == name) || p.type_index.contains_key(name)
        };
        for e in exprs {
            visit_one(e, &mut |x| {
                let found = match x {
                    Expr::Selector(q, name) => match q.as_ref() {
                        Expr::Ident(q) if Some(q.as_str()) == receiver => base.as_ref().and_then(|b| {
                            own.methods
                                .iter()
                                .any(|m| {
                                    &m.decl.name == name
                                        && m.decl
                                            .receiver
                                            .as_ref()
                                            .and_then(|r| r.base())
                                            .is_some_and(|(rb, _)| rb == b)
                                })
                                .then(|| (format!("{q}.{name}"), own.import_path.clone(), format!("{b}.{name}")))
                        }),
                        Expr::Ident(q) if !self.is_local(q) => model
                            .qualifier_pkg(file, q)
                            .filter(|p| declares(model.pkg(*p), name))
                            .map(|p| (format!("{q}.{name}"), model.pkg(p).import_path.clone(), name.clone())),
                        _ => None,
                    },
                    Expr::Call { fun, .. } => match fun.as_ref() {
                        Expr::Ident(name) if !self.is_local(name) && own.funcs.iter().any(|f| &f.decl.name == name) => {
                            Some((name.clone(), own.import_path.clone(), name.clone()))
                        }
                        _ => None,
                    },
                    _ => None,
                };
                if let Some((text, package, name)) = found {
                    if !out.iter().any(|m| m.text == text) {
                        out.push(Mention { text, package, name });
                    }
                }
            });
        }
        out
    }

    /// A parameter, result, receiver or variable the function declares.
    fn is_local(&self, name: &str) -> bool {
        self.locals.contains(name)
    }
}

/// Calls `f` on every name a block declares (`:=`, `var`, range variables), nested blocks included.
fn declared(block: &[Stmt], f: &mut dyn FnMut(&str)) {
    for stmt in block {
        match &stmt.kind {
            StmtKind::Assign { lhs, op, .. } if op == ":=" => lhs
                .iter()
                .filter_map(|e| if let Expr::Ident(n) = e { Some(n) } else { None })
                .for_each(|n| f(n)),
            StmtKind::Var { names, .. } => names.iter().for_each(|n| f(n)),
            StmtKind::Range {
                key,
                value,
                define: true,
                body,
                ..
            } => {
                key.iter().chain(value).for_each(|e| {
                    if let Expr::Ident(n) = e {
                        f(n)
                    }
                });
                declared(body, f);
            }
            StmtKind::If { init, then, els, .. } => {
                init.iter().for_each(|s| declared(std::slice::from_ref(s.as_ref()), f));
                declared(then, f);
                els.iter().for_each(|s| declared(std::slice::from_ref(s.as_ref()), f));
            }
            StmtKind::For { init, body, .. } => {
                init.iter().for_each(|s| declared(std::slice::from_ref(s.as_ref()), f));
                declared(body, f);
            }
            StmtKind::Range { body, .. } => declared(body, f),
            StmtKind::Switch { init, cases, .. } => {
                init.iter().for_each(|s| declared(std::slice::from_ref(s.as_ref()), f));
                cases.iter().for_each(|c| declared(&c.body, f));
            }
            StmtKind::Select { cases } => cases.iter().for_each(|c| declared(&c.body, f)),
            StmtKind::TypeSwitch { init, bind, cases, .. } => {
                init.iter().for_each(|s| declared(std::slice::from_ref(s.as_ref()), f));
                bind.iter().for_each(|b| f(b));
                cases.iter().for_each(|c| declared(&c.body, f));
            }
            StmtKind::Block(b) => declared(b, f),
            StmtKind::Labeled(_, s) => declared(std::slice::from_ref(s.as_ref()), f),
            _ => {}
        }
    }
}

/// Every expression inside one expression, itself first (function literals' bodies included).
fn visit_one<'a>(e: &'a Expr, f: &mut dyn FnMut(&'a Expr)) {
    crate::code::visit_expr_tree(e, &mut |_, x| f(x));
}

/// A simple statement's text: an assignment, `var`, `x++`, or an expression.
fn simple(stmt: &Stmt) -> Option<String> {
    let join = |es: &[Expr]| es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", ");
    Some(match &stmt.kind {
        StmtKind::Assign { lhs, op, rhs } => format!("{} {op} {}", join(lhs), join(rhs)),
        StmtKind::Var { names, ty, values } => {
            let mut text = format!("var {}", names.join(", "));
            if let Some(ty) = ty {
                text.push_str(&format!(" {ty}"));
            }
            if !values.is_empty() {
                text.push_str(&format!(" = {}", join(values)));
            }
            text
        }
        StmtKind::IncDec { target, inc } => format!("{target}{}", if *inc { "++" } else { "--" }),
        StmtKind::Expr(e) => e.to_string(),
        StmtKind::Send { channel, value } => format!("{channel} <- {value}"),
        _ => return None,
    })
}

/// Whether a block ends by leaving: `return`, `continue`, `break`, `goto`, or a call of `panic`.
fn leaves(block: &Block) -> bool {
    match block.last().map(|s| &s.kind) {
        Some(StmtKind::Return(_)) => true,
        Some(StmtKind::Branch(k, _)) => k != "fallthrough",
        Some(StmtKind::Expr(Expr::Call { fun, .. })) => matches!(fun.as_ref(), Expr::Ident(n) if n == "panic"),
        _ => false,
    }
}
