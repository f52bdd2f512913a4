//! Generic topics a user can define: call sites of functions, and composite literals of a type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{add_call, last_name, Cx};
use crate::lower::BodyQuery;

/// A `calls` topic: every call of these functions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallsDef {
    /// `import/path.Func`.
    pub functions: Vec<String>,
}

impl CallsDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        for f in &self.functions {
            add_call(query, &last_name(f), 0);
        }
    }
}

/// A `literals` topic: every composite literal of a type.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiteralsDef {
    /// `import/path.Type`.
    #[serde(rename = "type")]
    pub literal_type: String,
}

impl LiteralsDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        query.literal_types.insert(last_name(&self.literal_type));
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallsReport {
    pub calls: Vec<CallSite>,
}

/// One call of a topic's function.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallSite {
    /// `import/path.Func` called.
    pub function: String,
    pub file: String,
    pub line: u32,
    pub package: String,
    pub caller: String,
    /// The arguments as written, and their static values where they have one.
    pub args: Vec<String>,
    pub values: Vec<Option<String>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LiteralsReport {
    pub literals: Vec<LiteralSite>,
}

/// One composite literal of a topic's type.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiteralSite {
    pub file: String,
    pub line: u32,
    pub package: String,
    pub function: String,
    /// Keyed fields: the expression as written and its static value.
    pub fields: BTreeMap<String, FieldValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    pub expr: String,
    pub value: Option<String>,
}

/// Every call of the topic's functions (`import/path.Func`), with the caller and the arguments.
pub(crate) fn extract_calls(cx: &Cx, def: &CallsDef) -> CallsReport {
    let wanted: Vec<(String, String)> = def
        .functions
        .iter()
        .filter_map(|f| f.rsplit_once('.').map(|(p, n)| (p.to_string(), n.to_string())))
        .collect();
    let mut calls = Vec::new();
    for func in cx.all_funcs() {
        for call in &func.func.decl.body.calls {
            let Some(callee) = cx.callee(func.pkg, func.file(), &call.fun) else {
                continue;
            };
            if !wanted.contains(&callee) {
                continue;
            }
            calls.push(CallSite {
                function: format!("{}.{}", callee.0, callee.1),
                file: cx.path(func.file()).to_string(),
                line: call.line,
                package: cx.model.pkg(func.pkg).import_path.clone(),
                caller: func.func.decl.display_name(),
                args: call.args.iter().map(|a| a.to_string()).collect(),
                values: call
                    .args
                    .iter()
                    .map(|a| cx.value(func.pkg, func.file(), a).map(|v| v.to_string()))
                    .collect(),
            });
        }
    }
    CallsReport { calls }
}

/// Every composite literal of the topic's type (`import/path.Type`), with its keyed fields.
pub(crate) fn extract_literals(cx: &Cx, def: &LiteralsDef) -> LiteralsReport {
    let Some((path, name)) = def.literal_type.rsplit_once('.') else {
        return LiteralsReport::default();
    };
    let mut literals = Vec::new();
    for func in cx.all_funcs() {
        for lit in &func.func.decl.body.literals {
            if !cx.is_type(func.pkg, func.file(), &lit.ty, path, name) {
                continue;
            }
            let fields = lit
                .fields
                .iter()
                .map(|f| {
                    let value = cx.value(func.pkg, func.file(), &f.value).map(|v| v.to_string());
                    (
                        f.key.clone(),
                        FieldValue {
                            expr: f.value.to_string(),
                            value,
                        },
                    )
                })
                .collect();
            literals.push(LiteralSite {
                file: cx.path(func.file()).to_string(),
                line: lit.line,
                package: cx.model.pkg(func.pkg).import_path.clone(),
                function: func.func.decl.display_name(),
                fields,
            });
        }
    }
    LiteralsReport { literals }
}
