//! Commands (composite literals of a command type such as `cobra.Command`), the command tree made by
//! `AddCommand` calls, flag registrations, and options structs.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::{text_fields, Cx, FuncRef, TopicDef};
use crate::model::{FileId, PkgId};
use crate::syntax::{Expr, Literal, TypeExpr};

/// The value types pflag registers flags for; each has `T`, `TP`, `TVar` and `TVarP` methods.
const FLAG_TYPES: &[&str] = &[
    "Bool",
    "BoolSlice",
    "BytesBase64",
    "BytesHex",
    "Count",
    "Duration",
    "DurationSlice",
    "Float32",
    "Float32Slice",
    "Float64",
    "Float64Slice",
    "IP",
    "IPMask",
    "IPNet",
    "IPSlice",
    "Int",
    "Int16",
    "Int32",
    "Int32Slice",
    "Int64",
    "Int64Slice",
    "Int8",
    "IntSlice",
    "String",
    "StringArray",
    "StringSlice",
    "StringToInt",
    "StringToInt64",
    "StringToString",
    "Uint",
    "Uint16",
    "Uint32",
    "Uint64",
    "Uint8",
    "UintSlice",
];

/// Methods that give a flag set, and methods that mark a registered flag.
const FLAG_SET_METHODS: &[&str] = &["Flags", "PersistentFlags", "LocalFlags", "FlagSet"];
const MARK_METHODS: &[&str] = &["MarkDeprecated", "MarkHidden", "MarkShorthandDeprecated"];

/// The call names (with their least argument count) flag registrations need kept.
pub fn flag_vocabulary() -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for t in FLAG_TYPES {
        out.push((t.to_string(), 3));
        out.push((format!("{t}P"), 4));
        out.push((format!("{t}Var"), 4));
        out.push((format!("{t}VarP"), 5));
    }
    out.push(("Var".to_string(), 3));
    out.push(("VarP".to_string(), 4));
    out.push(("VarPF".to_string(), 4));
    for m in FLAG_SET_METHODS {
        out.push((m.to_string(), 0));
    }
    for m in MARK_METHODS {
        out.push((m.to_string(), 1));
    }
    out
}

/// How a registration method's arguments are laid out.
struct FlagForm {
    /// `string`, `stringSlice`, `value` for `Var`.
    ty: String,
    /// The argument that receives the value (`&o.Name`), for `...Var` forms.
    target: Option<usize>,
    name: usize,
    shorthand: Option<usize>,
    default: Option<usize>,
    usage: usize,
    arity: usize,
}

fn flag_form(method: &str) -> Option<FlagForm> {
    let lower_first = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    match method {
        "Var" => {
            return Some(FlagForm {
                ty: "value".into(),
                target: Some(0),
                name: 1,
                shorthand: None,
                default: None,
                usage: 2,
                arity: 3,
            })
        }
        "VarP" | "VarPF" => {
            return Some(FlagForm {
                ty: "value".into(),
                target: Some(0),
                name: 1,
                shorthand: Some(2),
                default: None,
                usage: 3,
                arity: 4,
            })
        }
        _ => {}
    }
    let (base, var, p) = if let Some(b) = method.strip_suffix("VarP") {
        (b, true, true)
    } else if let Some(b) = method.strip_suffix("Var") {
        (b, true, false)
    } else if let Some(b) = method.strip_suffix('P').filter(|b| FLAG_TYPES.contains(b)) {
        (b, false, true)
    } else {
        (method, false, false)
    };
    if !FLAG_TYPES.contains(&base) {
        return None;
    }
    let offset = usize::from(var);
    let name = offset;
    let shorthand = p.then_some(name + 1);
    let default = name + 1 + usize::from(p);
    Some(FlagForm {
        ty: lower_first(base),
        target: var.then_some(0),
        name,
        shorthand,
        default: Some(default),
        usage: default + 1,
        arity: default + 2,
    })
}

/// Text with its surrounding blank lines dropped and the indentation common to its lines removed, as
/// `templates.LongDesc` and heredoc helpers present it.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(lines.len());
    let last = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(first, |i| i + 1);
    let body = &lines[first..last];
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| {
            if l.len() >= indent {
                l[indent..].trim_end()
            } else {
                l.trim()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A command literal.
struct Command<'m> {
    func: FuncRef<'m>,
    lit: &'m Literal,
}

/// Each binary folder's root command: its id and its static `Short`.
pub type Roots = BTreeMap<String, (String, Option<String>)>;

pub fn extract(cx: &Cx, topic: &TopicDef) -> (Value, Value, Value, Roots) {
    let command_type = topic.command_type.as_deref().unwrap_or_default();
    let add_method = topic.add_method.as_deref().unwrap_or("AddCommand");
    let (type_path, type_name) = command_type.rsplit_once('.').unwrap_or(("", command_type));
    let mut tree = Tree {
        cx,
        commands: Vec::new(),
        by_line: HashMap::new(),
        returned: HashMap::new(),
    };
    let funcs: Vec<FuncRef> = cx.all_funcs().collect();
    for func in &funcs {
        for lit in &func.func.decl.body.literals {
            if is_named(cx, func.pkg, func.file(), &lit.ty, type_path, type_name) {
                tree.by_line.insert((func.file(), lit.line), tree.commands.len());
                tree.commands.push(Command { func: *func, lit });
            }
        }
    }

    // Parent and child edges from `parent.AddCommand(child...)`.
    let mut parent: Vec<Option<(usize, FileId, u32)>> = vec![None; tree.commands.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); tree.commands.len()];
    let group_add = topic.group_add_method.as_deref();
    for func in &funcs {
        for call in &func.func.decl.body.calls {
            let Expr::Selector(recv, method) = &call.fun else {
                continue;
            };
            if Some(method.as_str()) == group_add {
                // `groups.Add(parent)`: every command of the function's unassigned command slices joins parent.
                let body = &func.func.decl.body;
                let is_group = matches!(recv.as_ref(), Expr::Ident(g) if body.literals.iter().any(|l| {
                    l.assigned_to.as_deref() == Some(g.as_str()) && is_group_type(cx, func, &l.ty, &topic.group_types)
                }));
                let Some(p) = (if is_group { call.args.first() } else { None })
                    .and_then(|a| tree.command_of(func, a).into_iter().next())
                else {
                    continue;
                };
                let slices: Vec<Expr> = body
                    .literals
                    .iter()
                    .filter(|l| l.assigned_to.is_none() && matches!(l.ty, TypeExpr::Slice(_)) && !l.elements.is_empty())
                    .filter(|l| !tree.by_line.contains_key(&(func.file(), l.line)))
                    .flat_map(|l| l.elements.clone())
                    .collect();
                for element in &slices {
                    for child in tree.command_of(func, element) {
                        if child != p && parent[child].is_none() {
                            parent[child] = Some((p, func.file(), call.line));
                            children[p].push(child);
                        }
                    }
                }
                continue;
            }
            if method != add_method {
                continue;
            }
            let Some(p) = tree.command_of(func, recv).into_iter().next() else {
                continue;
            };
            for arg in &call.args {
                for child in tree.command_of(func, arg) {
                    if child != p && parent[child].is_none() {
                        parent[child] = Some((p, func.file(), call.line));
                        children[p].push(child);
                    }
                }
            }
        }
    }

    // Each binary's root command: what a call in its main package constructs.
    let binaries = super::binaries::binary_dirs(cx, "cmd");
    let mut binary_of: Vec<Option<String>> = vec![None; tree.commands.len()];
    let mut roots: BTreeMap<String, usize> = BTreeMap::new();
    for (dir, pkg) in &binaries {
        let root = cx
            .model
            .pkg(*pkg)
            .funcs
            .iter()
            .flat_map(|f| f.decl.body.calls.iter().map(move |c| (f, c)))
            .find_map(|(f, call)| {
                let func = FuncRef { pkg: *pkg, func: f };
                tree.command_of(
                    &func,
                    &Expr::Call {
                        fun: Box::new(call.fun.clone()),
                        args: Vec::new(),
                        ellipsis: false,
                    },
                )
                .into_iter()
                .next()
            });
        // Else the parentless command in the binary's folder with the largest tree (kubeadm's main calls
        // app.Run, which builds the root command).
        let root = root.or_else(|| {
            let prefix = format!("{dir}/");
            (0..tree.commands.len())
                .filter(|&i| parent[i].is_none() && cx.path(tree.commands[i].func.file()).starts_with(&prefix))
                .max_by_key(|&i| (descendants(&children, i), std::cmp::Reverse(i)))
        });
        if let Some(root) = root {
            roots.insert(dir.clone(), root);
        }
    }
    // A tree that several binaries build belongs to the one named like its root command (kubectl's is also built
    // by cmd/clicheck and the doc generators); the others are visited after it, in folder order.
    let wrappers = &topic.string_wrappers;
    let names: Vec<Option<String>> = tree
        .commands
        .iter()
        .map(|c| {
            let usage = c.lit.fields.iter().find(|f| f.key == "Use")?;
            command_name(cx, c.func.pkg, c.func.file(), &usage.value, wrappers)
        })
        .collect();
    let mut by_claim: Vec<(&String, usize)> = roots.iter().map(|(dir, &root)| (dir, root)).collect();
    by_claim.sort_by_key(|&(dir, root)| names[root].as_deref() != dir.rsplit('/').next());
    for (dir, root) in by_claim {
        let mut stack = vec![root];
        while let Some(c) = stack.pop() {
            if binary_of[c].is_none() {
                binary_of[c] = Some(dir.clone());
                stack.extend(children[c].iter().copied());
            }
        }
    }
    // Commands no binary reaches still belong to the binary whose folder holds them.
    for (i, cmd) in tree.commands.iter().enumerate() {
        if binary_of[i].is_none() {
            let path = cx.path(cmd.func.file());
            binary_of[i] = binaries
                .keys()
                .find(|dir| path.starts_with(&format!("{dir}/")))
                .cloned();
        }
    }

    let flags = collect_flags(cx, topic, &mut tree, &funcs);

    let id = |i: usize| -> String {
        let c = &tree.commands[i];
        format!("{}:{}", cx.path(c.func.file()), c.lit.line)
    };
    let mut commands_json = Vec::new();
    for (i, cmd) in tree.commands.iter().enumerate() {
        let (pkg, file) = (cmd.func.pkg, cmd.func.file());
        let field = |key: &str| cmd.lit.fields.iter().find(|f| f.key == key).map(|f| &f.value);
        let mut m = Map::new();
        m.insert("id".into(), json!(id(i)));
        m.insert("file".into(), json!(cx.path(file)));
        m.insert("line".into(), json!(cmd.lit.line));
        m.insert("package".into(), json!(cx.model.pkg(pkg).import_path));
        m.insert("function".into(), json!(cx.func_name(&cmd.func.func.decl)));
        m.insert("binary".into(), json!(binary_of[i]));
        let use_full = field("Use").and_then(|e| cx.string(pkg, file, e, wrappers));
        m.insert("use".into(), json!(names[i]));
        text_fields(&mut m, "use_full", use_full, field("Use"));
        for (key, name) in [
            ("short", "Short"),
            ("long", "Long"),
            ("example", "Example"),
            ("deprecated", "Deprecated"),
        ] {
            let value = field(name);
            let resolved = value.and_then(|e| cx.string(pkg, file, e, wrappers));
            if value.is_some() || key != "deprecated" {
                text_fields(&mut m, key, resolved.map(|(s, w)| (dedent(&s), w)), value);
            }
        }
        let aliases: Vec<Value> = cmd
            .lit
            .fields
            .iter()
            .find(|f| f.key == "Aliases")
            .map(|f| {
                f.elements
                    .iter()
                    .map(|e| json!(cx.string(pkg, file, e, wrappers).map(|s| s.0)))
                    .collect()
            })
            .unwrap_or_default();
        m.insert("aliases".into(), Value::Array(aliases));
        m.insert(
            "hidden".into(),
            json!(field("Hidden").is_some_and(|e| matches!(e, Expr::Ident(t) if t == "true"))),
        );
        m.insert("root".into(), json!(roots.values().any(|&r| r == i)));
        m.insert("parent".into(), json!(parent[i].map(|(p, _, _)| id(p))));
        m.insert(
            "added_at".into(),
            json!(parent[i].map(|(_, f, l)| format!("{}:{}", cx.path(f), l))),
        );
        m.insert(
            "children".into(),
            Value::Array(children[i].iter().map(|&c| json!(id(c))).collect()),
        );
        commands_json.push(Value::Object(m));
    }

    let options = options_structs(cx, topic, &flags);
    let flags_json = flags
        .iter()
        .map(|f| {
            let mut v = f.json.clone();
            v.insert("command".into(), json!(f.command.map(id)));
            Value::Object(v)
        })
        .collect();
    let root_info = roots
        .iter()
        .map(|(dir, &r)| {
            let c = &commands_json[r];
            let text = c["short"]
                .as_str()
                .filter(|s| !s.is_empty())
                .or_else(|| c["long"].as_str());
            (dir.clone(), (id(r), text.map(str::to_string)))
        })
        .collect();
    (
        Value::Array(commands_json),
        Value::Array(flags_json),
        options,
        root_info,
    )
}

fn is_group_type(cx: &Cx, func: &FuncRef, ty: &TypeExpr, group_types: &[String]) -> bool {
    group_types.iter().any(|g| {
        let (path, name) = g.rsplit_once('.').unwrap_or(("", g));
        is_named(cx, func.pkg, func.file(), ty, path, name)
    })
}

/// Whether a type as written in a file is `path.name` (or a pointer to it).
fn is_named(cx: &Cx, pkg: PkgId, file: FileId, ty: &TypeExpr, path: &str, name: &str) -> bool {
    match ty {
        TypeExpr::Pointer(inner) | TypeExpr::Paren(inner) => is_named(cx, pkg, file, inner, path, name),
        TypeExpr::Name { pkg: Some(q), name: n } => {
            n == name && cx.model.qualifier_path(file, q).as_deref() == Some(path)
        }
        TypeExpr::Name { pkg: None, name: n } => n == name && cx.model.pkg(pkg).import_path == path,
        _ => false,
    }
}

fn descendants(children: &[Vec<usize>], root: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![root];
    let mut seen = std::collections::HashSet::new();
    while let Some(c) = stack.pop() {
        if seen.insert(c) {
            count += 1;
            stack.extend(children[c].iter().copied());
        }
    }
    count
}

struct Tree<'c, 'm> {
    cx: &'c Cx<'m>,
    commands: Vec<Command<'m>>,
    by_line: HashMap<(FileId, u32), usize>,
    returned: HashMap<(PkgId, String), Vec<usize>>,
}

impl<'c, 'm> Tree<'c, 'm> {
    /// The commands an expression in a function stands for: a literal, a variable bound to one, a slice of them,
    /// a loop variable over such a slice, or a call of a function that returns one.
    fn command_of(&mut self, func: &FuncRef<'m>, expr: &Expr) -> Vec<usize> {
        self.command_of_depth(func, expr, 0)
    }

    fn command_of_depth(&mut self, func: &FuncRef<'m>, expr: &Expr, depth: u32) -> Vec<usize> {
        if depth > 6 {
            return Vec::new();
        }
        let body = &func.func.decl.body;
        match expr {
            Expr::Unary(op, inner) if op == "&" => self.command_of_depth(func, inner, depth),
            Expr::Paren(inner) => self.command_of_depth(func, inner, depth),
            Expr::CompositeLit(_, line) => {
                if let Some(&i) = self.by_line.get(&(func.file(), *line)) {
                    return vec![i];
                }
                // A slice literal of commands.
                let elements: Vec<Expr> = body
                    .literals
                    .iter()
                    .find(|l| l.line == *line && !l.elements.is_empty())
                    .map(|l| l.elements.clone())
                    .unwrap_or_default();
                elements
                    .iter()
                    .flat_map(|e| self.command_of_depth(func, e, depth + 1))
                    .collect()
            }
            Expr::Ident(var) => {
                // The last binding of the variable before use wins in straight-line code; take the first one.
                if let Some(lit) = body.literals.iter().find(|l| l.assigned_to.as_deref() == Some(var)) {
                    if let Some(&i) = self.by_line.get(&(func.file(), lit.line)) {
                        return vec![i];
                    }
                    let elements = lit.elements.clone();
                    return elements
                        .iter()
                        .flat_map(|e| self.command_of_depth(func, e, depth + 1))
                        .collect();
                }
                if let Some(call) = body.calls.iter().find(|c| c.assigned_to.as_deref() == Some(var)) {
                    let call = Expr::Call {
                        fun: Box::new(call.fun.clone()),
                        args: Vec::new(),
                        ellipsis: false,
                    };
                    return self.command_of_depth(func, &call, depth + 1);
                }
                // `for _, c := range cmds`: every element of cmds.
                if let Some((_, over)) = body.ranges.iter().find(|(vars, _)| vars.len() == 2 && vars[1] == *var) {
                    let over = over.clone();
                    return self.command_of_depth(func, &over, depth + 1);
                }
                Vec::new()
            }
            Expr::Call { fun, .. } => {
                let Some((path, name)) = self.cx.callee(func.pkg, func.file(), fun) else {
                    return Vec::new();
                };
                let Some(target) = self.cx.func_by_path(&path, &name) else {
                    return Vec::new();
                };
                let key = (target.pkg, name.clone());
                if let Some(found) = self.returned.get(&key) {
                    return found.clone();
                }
                self.returned.insert(key.clone(), Vec::new());
                let returns: Vec<Expr> = target
                    .func
                    .decl
                    .body
                    .returns
                    .iter()
                    .filter_map(|(_, exprs)| exprs.first().cloned())
                    .collect();
                let mut found = Vec::new();
                for r in &returns {
                    found = self.command_of_depth(&target, r, depth + 1);
                    if !found.is_empty() {
                        break;
                    }
                }
                self.returned.insert(key, found.clone());
                found
            }
            _ => Vec::new(),
        }
    }
}

/// A flag registration, ready for JSON but for its command's id.
struct Flag {
    json: Map<String, Value>,
    command: Option<usize>,
    options_type: Option<String>,
}

fn collect_flags<'m>(cx: &Cx<'m>, topic: &TopicDef, tree: &mut Tree<'_, 'm>, funcs: &[FuncRef<'m>]) -> Vec<Flag> {
    let mut flags = Vec::new();
    let mut marks: Vec<(FileId, String, String, Option<String>)> = Vec::new();
    for func in funcs {
        let (pkg, file) = (func.pkg, func.file());
        let decl = &func.func.decl;
        for call in &decl.body.calls {
            let Expr::Selector(recv, method) = &call.fun else {
                continue;
            };
            if MARK_METHODS.contains(&method.as_str()) {
                if let Some(name) = call.args.first().and_then(|a| cx.string(pkg, file, a, &[])) {
                    let message = call.args.get(1).and_then(|a| cx.string(pkg, file, a, &[])).map(|s| s.0);
                    marks.push((file, name.0, method.clone(), message));
                }
                continue;
            }
            let Some(form) = flag_form(method) else { continue };
            if call.args.len() != form.arity {
                continue;
            }
            // Where the flag set comes from.
            let global = match recv.as_ref() {
                Expr::Ident(q) => cx
                    .model
                    .qualifier_path(file, q)
                    .filter(|p| topic.flag_packages.contains(p))
                    .is_some(),
                _ => false,
            };
            let (command, persistent, flag_set) = if global {
                (None, false, Some("global".to_string()))
            } else {
                flag_set_of(cx, tree, func, recv)
            };
            let arg_string = |i: usize| cx.string(pkg, file, &call.args[i], &topic.string_wrappers);
            let Some((name, _)) = arg_string(form.name) else {
                continue;
            };
            let mut m = Map::new();
            m.insert("name".into(), json!(name));
            m.insert(
                "shorthand".into(),
                json!(form
                    .shorthand
                    .and_then(&arg_string)
                    .map(|s| s.0)
                    .filter(|s| !s.is_empty())),
            );
            m.insert("type".into(), json!(form.ty));
            m.insert("method".into(), json!(method));
            let default = form.default.map(|i| {
                let arg = &call.args[i];
                cx.value(pkg, file, arg)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| arg.to_string())
            });
            m.insert("default".into(), json!(default));
            text_fields(&mut m, "usage", arg_string(form.usage), Some(&call.args[form.usage]));
            m.insert("file".into(), json!(cx.path(file)));
            m.insert("line".into(), json!(call.line));
            m.insert("function".into(), json!(cx.func_name(decl)));
            m.insert("persistent".into(), json!(persistent));
            m.insert("flag_set".into(), json!(flag_set));
            let (options_type, field) = match form.target.map(|i| &call.args[i]) {
                Some(target) => bound_field(cx, func, target),
                None => (None, None),
            };
            let options_type = options_type.or_else(|| {
                if command.is_none() && !global {
                    receiver_type_id(cx, func)
                } else {
                    None
                }
            });
            m.insert("options_type".into(), json!(options_type));
            m.insert("field".into(), json!(field));
            m.insert("deprecated".into(), Value::Null);
            m.insert("hidden".into(), json!(false));
            flags.push(Flag {
                json: m,
                command,
                options_type,
            });
        }
    }
    for (file, name, method, message) in marks {
        for f in flags
            .iter_mut()
            .filter(|f| f.json["name"] == name.as_str() && f.json["file"] == cx.path(file))
        {
            match method.as_str() {
                "MarkDeprecated" => {
                    f.json
                        .insert("deprecated".into(), json!(message.clone().unwrap_or_default()));
                }
                "MarkHidden" => {
                    f.json.insert("hidden".into(), json!(true));
                }
                _ => {
                    f.json.insert(
                        "shorthand_deprecated".into(),
                        json!(message.clone().unwrap_or_default()),
                    );
                }
            }
        }
    }
    flags
}

/// The flag set a registration is made on: a command's `Flags()`/`PersistentFlags()`, a variable holding one,
/// a named flag set (`fss.FlagSet("misc")`), or a parameter.
fn flag_set_of<'m>(
    cx: &Cx<'m>,
    tree: &mut Tree<'_, 'm>,
    func: &FuncRef<'m>,
    recv: &Expr,
) -> (Option<usize>, bool, Option<String>) {
    match recv {
        Expr::Call { fun, args, .. } => {
            let Expr::Selector(owner, method) = fun.as_ref() else {
                return (None, false, None);
            };
            match method.as_str() {
                "Flags" | "LocalFlags" | "PersistentFlags" => (
                    tree.command_of(func, owner).into_iter().next(),
                    method == "PersistentFlags",
                    None,
                ),
                "FlagSet" => {
                    let name = args
                        .first()
                        .and_then(|a| cx.string(func.pkg, func.file(), a, &[]))
                        .map(|s| s.0);
                    (None, false, name)
                }
                _ => (None, false, None),
            }
        }
        Expr::Ident(var) => {
            let bound = func
                .func
                .decl
                .body
                .calls
                .iter()
                .find(|c| c.assigned_to.as_deref() == Some(var));
            match bound {
                Some(call) => flag_set_of(
                    cx,
                    tree,
                    func,
                    &Expr::Call {
                        fun: Box::new(call.fun.clone()),
                        args: call.args.clone(),
                        ellipsis: false,
                    },
                ),
                None => (None, false, Some(var.clone())),
            }
        }
        _ => (None, false, None),
    }
}

/// For `&o.Field.Sub`: the options type (`o`'s type, the receiver or a parameter) and the field path.
fn bound_field(cx: &Cx, func: &FuncRef, target: &Expr) -> (Option<String>, Option<String>) {
    let Expr::Unary(op, inner) = target else {
        return (None, None);
    };
    if op != "&" {
        return (None, None);
    }
    let mut path = Vec::new();
    let mut e = inner.as_ref();
    while let Expr::Selector(operand, field) = e {
        path.push(field.clone());
        e = operand;
    }
    let Expr::Ident(root) = e else {
        return (None, None);
    };
    path.reverse();
    if path.is_empty() {
        return (None, None);
    }
    let decl = &func.func.decl;
    let root_type = match &decl.receiver {
        Some(r) if r.name.as_deref() == Some(root.as_str()) => receiver_type_id(cx, func),
        _ => decl
            .sig
            .params
            .iter()
            .find(|p| p.names.iter().any(|n| n == root))
            .and_then(|p| type_id_of(cx, func, &p.ty)),
    };
    (root_type, Some(path.join(".")))
}

fn receiver_type_id(cx: &Cx, func: &FuncRef) -> Option<String> {
    let (base, _) = func.func.decl.receiver.as_ref()?.base()?;
    Some(format!("{}.{}", cx.model.pkg(func.pkg).import_path, base))
}

fn type_id_of(cx: &Cx, func: &FuncRef, ty: &TypeExpr) -> Option<String> {
    match ty {
        TypeExpr::Pointer(inner) => type_id_of(cx, func, inner),
        TypeExpr::Name { pkg, name } => {
            let target = cx.model.resolve_name(func.pkg, func.file(), pkg.as_deref(), name)?;
            Some(cx.model.type_id(&target))
        }
        _ => None,
    }
}

/// Types with an `AddFlags` method (and which of the other options methods they have), with their flags.
fn options_structs(cx: &Cx, topic: &TopicDef, flags: &[Flag]) -> Value {
    let mut out = Vec::new();
    for pkg in &cx.model.packages {
        for (name, ids) in &pkg.method_index {
            let methods: Vec<&str> = topic
                .options_methods
                .iter()
                .map(String::as_str)
                .filter(|m| ids.iter().any(|&i| pkg.methods[i].decl.name == *m))
                .collect();
            if !methods.contains(&"AddFlags") {
                continue;
            }
            let Some(decl) = pkg.type_index.get(name).and_then(|t| t.first()).map(|&i| &pkg.types[i]) else {
                continue;
            };
            let id = format!("{}.{}", pkg.import_path, name);
            let names: Vec<&Value> = flags
                .iter()
                .filter(|f| f.options_type.as_deref() == Some(id.as_str()))
                .map(|f| &f.json["name"])
                .collect();
            out.push(json!({
                "type": id,
                "file": cx.path(decl.file),
                "line": decl.decl.line,
                "methods": methods,
                "flags": names,
            }));
        }
    }
    out.sort_by(|a, b| a["type"].as_str().cmp(&b["type"].as_str()));
    Value::Array(out)
}

/// A command's name as cobra's `Name()` gives it: `Use` up to its first space. It is known even when `Use` is not a
/// constant, as long as a constant prefix reaches past that space: `fmt.Sprintf("get [%s] TYPE", ...)`,
/// `"get " + usage`.
fn command_name(cx: &Cx, pkg: PkgId, file: FileId, expr: &Expr, wrappers: &[String]) -> Option<String> {
    if let Some((value, _)) = cx.string(pkg, file, expr, wrappers) {
        return Some(value.split(' ').next().unwrap_or_default().to_string());
    }
    let prefix = match expr {
        Expr::Paren(inner) => return command_name(cx, pkg, file, inner, wrappers),
        Expr::Call { fun, args, .. } if cx.callee(pkg, file, fun) == Some(("fmt".into(), "Sprintf".into())) => {
            let (format, _) = cx.string(pkg, file, args.first()?, &[])?;
            // The output is the format up to its first verb (`%%` included, which only shortens the prefix).
            format.split('%').next().unwrap_or_default().to_string()
        }
        Expr::Binary(left, op, _) if op == "+" => cx.string(pkg, file, left, &[])?.0,
        _ => return None,
    };
    prefix.split_once(' ').map(|(name, _)| name.to_string())
}
