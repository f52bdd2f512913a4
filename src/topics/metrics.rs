//! Metrics: every call of a metrics package's constructors (`metrics.NewCounterVec(&metrics.CounterOpts{...},
//! []string{"code"})`), under whatever name the package is imported, with the options literal's name parts,
//! stability, deprecation and buckets, and the label list.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{add_call, Cx};
use crate::consteval::ConstValue;
use crate::lower::BodyQuery;
use crate::model::{FileId, PkgId};
use crate::syntax::{Body, Expr, LitKind, Literal, TypeExpr};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsDef {
    /// The metrics package, by import path.
    pub package: String,
    /// Its constructors, each with the type of metric it makes.
    pub constructors: BTreeMap<String, String>,
    /// The options structs the constructors take (`CounterOpts`, ...).
    pub options_types: Vec<String>,
    /// The stability a metric has when its options leave it out.
    pub default_stability: String,
    /// Bucket constructors of the package: `exponential` and `linear` (start, factor or width, count).
    #[serde(default)]
    pub exponential_buckets: Vec<String>,
    #[serde(default)]
    pub linear_buckets: Vec<String>,
}

impl MetricsDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        for name in self.constructors.keys() {
            add_call(query, name, 1);
        }
        for ty in &self.options_types {
            query.literal_types.insert(ty.clone());
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MetricsReport {
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// `namespace_subsystem_name`, the empty parts left out; null when a part is not static.
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub subsystem: Option<String>,
    /// The `Name` field as written when it is not static.
    pub name_expr: Option<String>,
    /// `Counter`, `Gauge`, `Histogram`, ...
    #[serde(rename = "type")]
    pub metric_type: String,
    pub help: Option<String>,
    /// `ALPHA`, `BETA`, `STABLE`, ...
    pub stability: String,
    pub deprecated_version: Option<String>,
    /// The label names; null when they are not a static list.
    pub labels: Option<Vec<String>>,
    /// Histogram buckets where static (a list, or the package's exponential and linear constructors).
    pub buckets: Option<Vec<f64>>,
    pub constructor: String,
    pub package: String,
    pub function: String,
    pub file: String,
    pub line: u32,
}

pub(crate) fn extract(cx: &Cx, def: &MetricsDef) -> MetricsReport {
    let mut metrics = Vec::new();
    for func in cx.all_funcs() {
        let (pkg, file) = (func.pkg, func.file());
        let body = &func.func.decl.body;
        for call in &body.calls {
            let Some((path, name)) = cx.callee(pkg, file, &call.fun) else {
                continue;
            };
            let Some(metric_type) = def.constructors.get(&name).filter(|_| path == def.package) else {
                continue;
            };
            let Some(opts) = call.args.first().and_then(|a| options_literal(body, a)) else {
                continue;
            };
            let field = |key: &str| opts.fields.iter().find(|f| f.key == key);
            let string = |key: &str| -> Result<Option<String>, ()> {
                match field(key) {
                    None => Ok(None),
                    Some(f) => cx.string(pkg, file, &f.value).map(Some).ok_or(()),
                }
            };
            let namespace = string("Namespace");
            let subsystem = string("Subsystem");
            let short = string("Name");
            let name = match (&namespace, &subsystem, &short) {
                (Ok(ns), Ok(sub), Ok(Some(n))) => {
                    let parts: Vec<&str> = [ns.as_deref(), sub.as_deref(), Some(n.as_str())]
                        .into_iter()
                        .flatten()
                        .filter(|p| !p.is_empty())
                        .collect();
                    Some(parts.join("_"))
                }
                _ => None,
            };
            let stability = match field("StabilityLevel") {
                None => def.default_stability.clone(),
                Some(f) => match cx.value(pkg, file, &f.value) {
                    Some(ConstValue::String(s)) => s,
                    _ => f.value.to_string(),
                },
            };
            let labels = call.args.get(1).and_then(|arg| labels(cx, pkg, file, call, arg));
            let buckets = field("Buckets").and_then(|f| buckets(cx, def, pkg, file, &f.value, &f.elements));
            metrics.push(Metric {
                name,
                namespace: namespace.ok().flatten(),
                subsystem: subsystem.ok().flatten(),
                name_expr: short
                    .is_err()
                    .then(|| field("Name").map(|f| f.value.to_string()))
                    .flatten(),
                metric_type: metric_type.clone(),
                help: string("Help").ok().flatten(),
                stability,
                deprecated_version: string("DeprecatedVersion").ok().flatten().filter(|v| !v.is_empty()),
                labels,
                buckets,
                constructor: name_of(&call.fun),
                package: cx.model.pkg(pkg).import_path.clone(),
                // A package-level `var (...)` group is one initialiser: the variable names the metric's.
                function: match (&call.assigned_to, func.func.decl.name.starts_with("var ")) {
                    (Some(var), true) => format!("var {var}"),
                    _ => func.func.decl.display_name(),
                },
                file: cx.path(file).to_string(),
                line: call.line,
            });
        }
    }
    metrics.sort_by(|a, b| (&a.name, &a.file, a.line).cmp(&(&b.name, &b.file, b.line)));
    MetricsReport { metrics }
}

fn name_of(fun: &Expr) -> String {
    match fun {
        Expr::Selector(_, name) | Expr::Ident(name) => name.clone(),
        other => other.to_string(),
    }
}

/// The options literal a constructor is given: `&Opts{...}` or `Opts{...}` written in the call.
fn options_literal<'b>(body: &'b Body, arg: &Expr) -> Option<&'b Literal> {
    let inner = match arg {
        Expr::Unary(op, inner) if op == "&" => inner.as_ref(),
        other => other,
    };
    let Expr::CompositeLit(Some(ty), line) = inner else {
        return None;
    };
    body.literals.iter().find(|l| l.line == *line && same_name(&l.ty, ty))
}

fn same_name(a: &TypeExpr, b: &TypeExpr) -> bool {
    crate::lower::type_base_name(a) == crate::lower::type_base_name(b)
}

/// The label names of a constructor's second argument: a list literal of static strings, or `nil`.
fn labels(cx: &Cx, pkg: PkgId, file: FileId, call: &crate::syntax::Call, arg: &Expr) -> Option<Vec<String>> {
    if matches!(arg, Expr::Ident(n) if n == "nil") {
        return Some(Vec::new());
    }
    let (_, elements) = call.list_args.iter().find(|(i, _)| *i == 1)?;
    elements.iter().map(|e| cx.string(pkg, file, e)).collect()
}

/// Static buckets: a list of number literals, or a call of the package's exponential or linear constructor with
/// number arguments.
fn buckets(cx: &Cx, def: &MetricsDef, pkg: PkgId, file: FileId, value: &Expr, elements: &[Expr]) -> Option<Vec<f64>> {
    let number = |e: &Expr| -> Option<f64> {
        match e {
            Expr::Lit(LitKind::Int | LitKind::Float, text) => text.replace('_', "").parse().ok(),
            Expr::Unary(op, inner) if op == "-" => number_lit(inner).map(|v| -v),
            other => match cx.value(pkg, file, other) {
                Some(ConstValue::Int(i)) => Some(i as f64),
                _ => None,
            },
        }
    };
    match value {
        Expr::CompositeLit(..) => elements.iter().map(number).collect(),
        Expr::Call { fun, args, .. } if args.len() == 3 => {
            let name = name_of(fun);
            let (start, step, count) = (number(&args[0])?, number(&args[1])?, number(&args[2])? as usize);
            if def.exponential_buckets.contains(&name) {
                // As Prometheus computes them: each the previous times the factor.
                let mut out = Vec::with_capacity(count);
                let mut next = start;
                for _ in 0..count {
                    out.push(next);
                    next *= step;
                }
                Some(out)
            } else if def.linear_buckets.contains(&name) {
                let mut out = Vec::with_capacity(count);
                let mut next = start;
                for _ in 0..count {
                    out.push(next);
                    next += step;
                }
                Some(out)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn number_lit(e: &Expr) -> Option<f64> {
    match e {
        Expr::Lit(LitKind::Int | LitKind::Float, text) => text.replace('_', "").parse().ok(),
        _ => None,
    }
}
