//! Topics: the subsystem facts walkthroughs are made of, each found by what it is (an interface's
//! implementers, a type's composite literals, a function's callers). Built-in topics are defined in
//! `builtin.toml`, in the same form a user writes in `kubewalk.toml`.

mod binaries;
mod calls;
mod commands;
mod implementers;
mod workqueue;

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::consteval::{self, ConstValue};
use crate::lower::BodyQuery;
use crate::model::{FileId, Located, Model, PkgId};
use crate::syntax::{Expr, FuncDecl};

const BUILTIN: &str = include_str!("builtin.toml");

/// A set of topic definitions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    #[serde(rename = "topic", default)]
    pub topics: Vec<TopicDef>,
}

/// One topic. `kind` says what it finds; the other keys configure that kind (see README, "Topics").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDef {
    pub id: String,
    pub kind: String,
    pub title: Option<String>,
    // binaries
    pub dir: Option<String>,
    // commands
    pub command_type: Option<String>,
    pub add_method: Option<String>,
    /// Types that group commands (kubectl's `templates.CommandGroups`), and the method that adds a group's
    /// commands to a parent (`groups.Add(cmd)`).
    #[serde(default)]
    pub group_types: Vec<String>,
    pub group_add_method: Option<String>,
    #[serde(default)]
    pub string_wrappers: Vec<String>,
    #[serde(default)]
    pub flag_packages: Vec<String>,
    #[serde(default)]
    pub options_methods: Vec<String>,
    // workqueue
    pub package: Option<String>,
    #[serde(default)]
    pub fifo_types: Vec<String>,
    #[serde(default)]
    pub interfaces: Vec<Vec<String>>,
    #[serde(default)]
    pub rate_limiter_interfaces: Vec<String>,
    #[serde(default)]
    pub constructors: Vec<String>,
    /// Config structs passed to constructors, whose `Name` field names the queue.
    #[serde(default)]
    pub config_types: Vec<String>,
    // implementers
    pub interface: Option<String>,
    pub name_method: Option<String>,
    pub capabilities: Option<String>,
    #[serde(default)]
    pub constructed_methods: Vec<String>,
    /// Result type names of the constructors (`Mounter`): the returns of any function with such a result are
    /// kept, to follow constructors through helpers such as `newMounterInternal`.
    #[serde(default)]
    pub constructor_results: Vec<String>,
    #[serde(default)]
    pub dispatch_methods: Vec<String>,
    pub registration: Option<String>,
    #[serde(default)]
    pub registration_dirs: Vec<String>,
    #[serde(default)]
    pub assembled_in_slices: bool,
    // calls
    #[serde(default)]
    pub functions: Vec<String>,
    // literals
    #[serde(rename = "type")]
    pub literal_type: Option<String>,
}

impl TopicConfig {
    /// The built-in topics, then the user's: `config` if given, else `ROOT/kubewalk.toml` if it exists. A user
    /// topic with the id of a built-in one replaces it.
    pub fn load(root: &Path, config: Option<&Path>) -> Result<TopicConfig> {
        let mut merged = parse_config(BUILTIN, "builtin.toml")?;
        let user_path = match config {
            Some(path) => Some(path.to_path_buf()),
            None => Some(root.join("kubewalk.toml")).filter(|p| p.is_file()),
        };
        if let Some(path) = user_path {
            let text = std::fs::read_to_string(&path).with_context(|| format!("{}: cannot read", path.display()))?;
            let user = parse_config(&text, &path.display().to_string())?;
            for topic in user.topics {
                merged.topics.retain(|t| t.id != topic.id);
                merged.topics.push(topic);
            }
        }
        Ok(merged)
    }

    /// The body facts the topics need, by name.
    pub fn body_query(&self) -> BodyQuery {
        let mut query = BodyQuery::default();
        let last = |path: &str| path.rsplit(['.', '/']).next().unwrap_or(path).to_string();
        for topic in &self.topics {
            match topic.kind.as_str() {
                "commands" => {
                    if let Some(t) = &topic.command_type {
                        query.literal_types.insert(last(t));
                    }
                    if let Some(m) = &topic.add_method {
                        add_call(&mut query, m, 1);
                    }
                    query.literal_types.extend(topic.group_types.iter().map(|t| last(t)));
                    for (name, min_args) in commands::flag_vocabulary() {
                        add_call(&mut query, &name, min_args);
                    }
                }
                "workqueue" => {
                    for c in &topic.constructors {
                        add_call(&mut query, c, 0);
                    }
                    query.literal_types.extend(topic.config_types.iter().cloned());
                    query
                        .returns_for_results
                        .extend(topic.rate_limiter_interfaces.iter().cloned());
                }
                "implementers" => {
                    query.returns_of.extend(topic.name_method.iter().cloned());
                    query.returns_of.extend(topic.constructors.iter().cloned());
                    query
                        .returns_for_results
                        .extend(topic.constructor_results.iter().cloned());
                    query.switches_of.extend(topic.dispatch_methods.iter().cloned());
                    if let Some(r) = &topic.registration {
                        add_call(&mut query, r, 0);
                    }
                    if topic.assembled_in_slices {
                        if let Some(i) = &topic.interface {
                            query.literal_types.insert(last(i));
                        }
                    }
                }
                "calls" => {
                    for f in &topic.functions {
                        add_call(&mut query, &last(f), 0);
                    }
                }
                "literals" => query.literal_types.extend(topic.literal_type.iter().map(|t| last(t))),
                _ => {}
            }
        }
        query
    }
}

fn add_call(query: &mut BodyQuery, name: &str, min_args: usize) {
    let entry = query.calls.entry(name.to_string()).or_insert(min_args);
    *entry = (*entry).min(min_args);
}

fn parse_config(text: &str, name: &str) -> Result<TopicConfig> {
    let config: TopicConfig = toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map(|span| text[..span.start].matches('\n').count() + 1)
            .unwrap_or(1);
        anyhow::anyhow!("{name}:{line}: {}", err.message())
    })?;
    let mut ids = BTreeSet::new();
    for topic in &config.topics {
        if !ids.insert(&topic.id) {
            bail!("{name}: topic {:?} is defined twice", topic.id);
        }
        let missing = |what: &str| anyhow::anyhow!("{name}: topic {:?} (kind {}) needs `{what}`", topic.id, topic.kind);
        match topic.kind.as_str() {
            "binaries" => {}
            "commands" => {
                topic.command_type.as_ref().ok_or_else(|| missing("command_type"))?;
            }
            "workqueue" => {
                topic.package.as_ref().ok_or_else(|| missing("package"))?;
            }
            "implementers" => {
                topic.interface.as_ref().ok_or_else(|| missing("interface"))?;
            }
            "calls" => {
                if topic.functions.is_empty() {
                    return Err(missing("functions"));
                }
            }
            "literals" => {
                topic.literal_type.as_ref().ok_or_else(|| missing("type"))?;
            }
            other => bail!(
                "{name}: topic {:?} has unknown kind {other:?} (binaries, commands, workqueue, implementers, calls, literals)",
                topic.id
            ),
        }
    }
    Ok(config)
}

/// Every topic's facts, keyed by topic id. A `commands` topic also writes its flags and options structs, under
/// `flags` and `options_structs` for the built-in `cobra_commands`, else under `ID_flags` and `ID_options_structs`.
pub fn extract(model: &Model, config: &TopicConfig) -> Value {
    let mut out = Map::new();
    let cx = Cx {
        model,
        consts: std::cell::RefCell::new(consteval::Evaluator::new(model)),
    };
    // Commands first: binaries are summarised by their root command.
    let mut roots = commands::Roots::default();
    for topic in config.topics.iter().filter(|t| t.kind == "commands") {
        let (commands, flags, options, topic_roots) = commands::extract(&cx, topic);
        let (flags_key, options_key) = if topic.id == "cobra_commands" {
            ("flags".to_string(), "options_structs".to_string())
        } else {
            (format!("{}_flags", topic.id), format!("{}_options_structs", topic.id))
        };
        out.insert(topic.id.clone(), commands);
        out.insert(flags_key, flags);
        out.insert(options_key, options);
        roots.extend(topic_roots);
    }
    for topic in &config.topics {
        let value = match topic.kind.as_str() {
            "commands" => continue,
            "binaries" => binaries::extract(&cx, topic, &roots),
            "workqueue" => workqueue::extract(&cx, topic),
            "implementers" => {
                let (list, assembled) = implementers::extract(&cx, topic);
                if let Some(assembled) = assembled {
                    out.insert(format!("{}_assembled", topic.id), assembled);
                }
                list
            }
            "calls" => calls::extract_calls(&cx, topic),
            "literals" => calls::extract_literals(&cx, topic),
            _ => Value::Null,
        };
        out.insert(topic.id.clone(), value);
    }
    Value::Object(out)
}

/// Shared look-ups for topic extractors.
pub(crate) struct Cx<'m> {
    pub model: &'m Model,
    consts: std::cell::RefCell<consteval::Evaluator<'m>>,
}

/// A function or method and where it lives.
#[derive(Clone, Copy)]
pub(crate) struct FuncRef<'m> {
    pub pkg: PkgId,
    pub func: &'m Located<FuncDecl>,
}

impl<'m> FuncRef<'m> {
    pub fn file(&self) -> FileId {
        self.func.file
    }
}

impl<'m> Cx<'m> {
    pub fn path(&self, file: FileId) -> &'m str {
        &self.model.file(file).path
    }

    /// Every function and method of the tree, in package order.
    pub fn all_funcs(&self) -> impl Iterator<Item = FuncRef<'m>> + '_ {
        let model = self.model;
        model.packages.iter().enumerate().flat_map(move |(p, pkg)| {
            pkg.funcs
                .iter()
                .chain(pkg.methods.iter())
                .map(move |func| FuncRef { pkg: PkgId(p), func })
        })
    }

    /// `Func`, or `(*T).Method` / `(T).Method`.
    pub fn func_name(&self, func: &FuncDecl) -> String {
        match &func.receiver {
            Some(r) => {
                let base = r.base().map(|(b, _)| b).unwrap_or("?");
                if r.is_pointer() {
                    format!("(*{base}).{}", func.name)
                } else {
                    format!("({base}).{}", func.name)
                }
            }
            None => func.name.clone(),
        }
    }

    /// The package and name a call's function refers to: `F`, `pkg.F`, `pkg.F[T]`. Method calls on values
    /// give `None`.
    pub fn callee(&self, pkg: PkgId, file: FileId, fun: &Expr) -> Option<(String, String)> {
        match fun {
            Expr::Ident(name) => Some((self.model.pkg(pkg).import_path.clone(), name.clone())),
            Expr::Selector(operand, name) => {
                let Expr::Ident(qualifier) = operand.as_ref() else {
                    return None;
                };
                // A local variable or parameter shadows nothing we can see; an import qualifier resolves.
                let path = self.model.qualifier_path(file, qualifier)?;
                Some((path, name.clone()))
            }
            Expr::Index(inner, _) | Expr::Paren(inner) => self.callee(pkg, file, inner),
            _ => None,
        }
    }

    /// A package-level function by import path and name.
    pub fn func_by_path(&self, import_path: &str, name: &str) -> Option<FuncRef<'m>> {
        let pkg = self.model.package_by_path(import_path)?;
        self.model
            .pkg(pkg)
            .funcs
            .iter()
            .find(|f| f.decl.name == name)
            .map(|func| FuncRef { pkg, func })
    }

    /// The static value of an expression in a file, if it has one.
    pub fn value(&self, pkg: PkgId, file: FileId, expr: &Expr) -> Option<ConstValue> {
        self.consts.borrow_mut().eval(pkg, file, expr)
    }

    /// A static string, also through calls of `wrappers` (`i18n.T("...")`): the value and the wrapper used.
    pub fn string(
        &self,
        pkg: PkgId,
        file: FileId,
        expr: &Expr,
        wrappers: &[String],
    ) -> Option<(String, Option<String>)> {
        if let Some(ConstValue::String(s)) = self.value(pkg, file, expr) {
            return Some((s, None));
        }
        if let Expr::Call { fun, args, .. } = expr {
            let wrapper = fun.to_string();
            if args.len() == 1 && wrappers.contains(&wrapper) {
                let (s, _) = self.string(pkg, file, &args[0], wrappers)?;
                return Some((s, Some(wrapper)));
            }
        }
        None
    }
}

/// `{"value": ..., "expr": ...}`-style pair: the static string, and the expression as written when it is not.
pub(crate) fn text_fields(
    map: &mut Map<String, Value>,
    key: &str,
    resolved: Option<(String, Option<String>)>,
    expr: Option<&Expr>,
) {
    match resolved {
        Some((value, wrapper)) => {
            map.insert(key.to_string(), Value::String(value));
            if let Some(w) = wrapper {
                map.insert(format!("{key}_via"), Value::String(w));
            }
        }
        None => {
            map.insert(key.to_string(), Value::Null);
            if let Some(e) = expr {
                map.insert(format!("{key}_expr"), Value::String(e.to_string()));
            }
        }
    }
}
