//! Generic topics a user can define: call sites of functions, and composite literals of a type.

use serde_json::{json, Map, Value};

use super::{Cx, TopicDef};
use crate::syntax::TypeExpr;

/// Every call of the topic's functions (`import/path.Func`), with the caller and the arguments.
pub fn extract_calls(cx: &Cx, topic: &TopicDef) -> Value {
    let wanted: Vec<(String, String)> = topic
        .functions
        .iter()
        .filter_map(|f| f.rsplit_once('.').map(|(p, n)| (p.to_string(), n.to_string())))
        .collect();
    let mut out = Vec::new();
    for func in cx.all_funcs() {
        for call in &func.func.decl.body.calls {
            let Some(callee) = cx.callee(func.pkg, func.file(), &call.fun) else {
                continue;
            };
            if !wanted.contains(&callee) {
                continue;
            }
            out.push(json!({
                "function": format!("{}.{}", callee.0, callee.1),
                "file": cx.path(func.file()),
                "line": call.line,
                "package": cx.model.pkg(func.pkg).import_path,
                "caller": cx.func_name(&func.func.decl),
                "args": call.args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                "values": call.args.iter().map(|a| cx.value(func.pkg, func.file(), a).map(|v| v.to_string())).collect::<Vec<_>>(),
            }));
        }
    }
    Value::Array(out)
}

/// Every composite literal of the topic's type (`import/path.Type`), with its keyed fields.
pub fn extract_literals(cx: &Cx, topic: &TopicDef) -> Value {
    let Some((path, name)) = topic.literal_type.as_deref().and_then(|t| t.rsplit_once('.')) else {
        return Value::Array(Vec::new());
    };
    let mut out = Vec::new();
    for func in cx.all_funcs() {
        for lit in &func.func.decl.body.literals {
            let mut ty = &lit.ty;
            while let TypeExpr::Pointer(inner) = ty {
                ty = inner;
            }
            let TypeExpr::Name { pkg: q, name: n } = ty else {
                continue;
            };
            if n != name {
                continue;
            }
            let resolved = match q {
                Some(q) => cx.model.qualifier_path(func.file(), q),
                None => Some(cx.model.pkg(func.pkg).import_path.clone()),
            };
            if resolved.as_deref() != Some(path) {
                continue;
            }
            let mut fields = Map::new();
            for f in &lit.fields {
                let value = cx.value(func.pkg, func.file(), &f.value).map(|v| v.to_string());
                fields.insert(f.key.clone(), json!({ "expr": f.value.to_string(), "value": value }));
            }
            out.push(json!({
                "file": cx.path(func.file()),
                "line": lit.line,
                "package": cx.model.pkg(func.pkg).import_path,
                "function": cx.func_name(&func.func.decl),
                "fields": fields,
            }));
        }
    }
    Value::Array(out)
}
