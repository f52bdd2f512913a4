//! Commands (composite literals of a command type such as `cobra.Command`), the command tree made by
//! `AddCommand` calls, flag registrations, and options structs.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::binaries::{MainPackages, Root};
use super::{add_call, last_name, Cx, FuncRef};
use crate::lower::BodyQuery;
use crate::model::{FileId, PkgId};
use crate::syntax::{Expr, Literal, TypeExpr};

/// A `commands` topic: which type is a command, and how commands, flags and options are put together.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandsDef {
    /// Composite literals of this type (`github.com/spf13/cobra.Command`) are commands.
    pub command_type: String,
    /// The method that makes a command a child of another.
    #[serde(default = "default_add_method")]
    pub add_method: String,
    /// Types that group commands (kubectl's `templates.CommandGroups`), and the method that adds a group's
    /// commands to a parent (`groups.Add(cmd)`).
    #[serde(default)]
    pub group_types: Vec<String>,
    pub group_add_method: Option<String>,
    /// The method that runs a command: a function a binary's main calls that runs a command makes it the root.
    #[serde(default = "default_execute_method")]
    pub execute_method: String,
    /// Calls whose string argument is shown as the field's text (`i18n.T`, `templates.LongDesc`).
    #[serde(default)]
    pub string_wrappers: Vec<String>,
    /// Packages whose package-level functions register global flags (`pflag`, `flag`).
    #[serde(default)]
    pub flag_packages: Vec<String>,
    /// Options structs: types with any of these methods (one of them `AddFlags`) are listed with their flags.
    #[serde(default)]
    pub options_methods: Vec<String>,
}

fn default_add_method() -> String {
    "AddCommand".to_string()
}

fn default_execute_method() -> String {
    "Execute".to_string()
}

impl CommandsDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        query.literal_types.insert(last_name(&self.command_type));
        add_call(query, &self.add_method, 1);
        add_call(query, &self.execute_method, 0);
        query
            .literal_types
            .extend(self.group_types.iter().map(|t| last_name(t)));
        for (name, min_args) in flag_vocabulary() {
            add_call(query, &name, min_args);
        }
    }
}

/// What a commands topic finds. In the scan JSON: `topics.<id>` (the commands), `topics.flags` and
/// `topics.options_structs` for the built-in `cobra_commands`, else `<id>_flags` and `<id>_options_structs`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CommandsReport {
    pub commands: Vec<Command>,
    pub flags: Vec<Flag>,
    pub options_structs: Vec<OptionsStruct>,
    /// Each binary's root command and the text that summarises it; not in the JSON (the binaries topic holds it).
    #[serde(skip)]
    pub roots: Vec<Root>,
}

impl CommandsReport {
    /// The JSON keys of this report's three lists, for a topic `id`.
    pub fn keys(id: &str) -> (String, String, String) {
        if id == "cobra_commands" {
            (id.to_string(), "flags".to_string(), "options_structs".to_string())
        } else {
            (id.to_string(), format!("{id}_flags"), format!("{id}_options_structs"))
        }
    }
}

/// One command literal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// `file:line` of the literal.
    pub id: String,
    pub file: String,
    pub line: u32,
    pub package: String,
    pub function: String,
    /// The binary (its folder) whose command tree holds it, else whose folder does.
    pub binary: Option<String>,
    /// The name: `Use` up to its first space.
    #[serde(rename = "use")]
    pub name: Option<String>,
    pub use_full: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_full_via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_full_expr: Option<String>,
    pub short: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_expr: Option<String>,
    pub long: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_expr: Option<String>,
    pub example: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example_via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example_expr: Option<String>,
    /// Present only when the literal sets `Deprecated`; null when its text is not static.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present_or_null"
    )]
    pub deprecated: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated_expr: Option<String>,
    pub aliases: Vec<Option<String>>,
    pub hidden: bool,
    pub root: bool,
    pub parent: Option<String>,
    /// `file:line` of the call that adds it to its parent.
    pub added_at: Option<String>,
    pub children: Vec<String>,
}

/// One flag registration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub name: String,
    pub shorthand: Option<String>,
    /// `string`, `stringSlice`, `value` for `Var`.
    #[serde(rename = "type")]
    pub ty: String,
    pub method: String,
    pub default: Option<String>,
    pub usage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_expr: Option<String>,
    pub file: String,
    pub line: u32,
    pub function: String,
    pub persistent: bool,
    /// `global`, a named flag set, or the variable holding the flag set.
    pub flag_set: Option<String>,
    pub options_type: Option<String>,
    pub field: Option<String>,
    pub deprecated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shorthand_deprecated: Option<String>,
    pub hidden: bool,
    /// The id of the command whose flag set it is.
    pub command: Option<String>,
}

/// A type with an `AddFlags` method, and the flags bound to its fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OptionsStruct {
    #[serde(rename = "type")]
    pub ty: String,
    pub file: String,
    pub line: u32,
    pub methods: Vec<String>,
    pub flags: Vec<String>,
}

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

/// A command literal where it is written.
struct Literal_<'m> {
    func: FuncRef<'m>,
    lit: &'m Literal,
}

pub(crate) fn extract(cx: &Cx, def: &CommandsDef, mains: &MainPackages) -> CommandsReport {
    let (type_path, type_name) = def
        .command_type
        .rsplit_once('.')
        .unwrap_or(("", def.command_type.as_str()));
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
                tree.commands.push(Literal_ { func: *func, lit });
            }
        }
    }

    // Parent and child edges from `parent.AddCommand(child...)`.
    let mut parent: Vec<Option<(usize, FileId, u32)>> = vec![None; tree.commands.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); tree.commands.len()];
    let group_add = def.group_add_method.as_deref();
    for func in &funcs {
        for call in &func.func.decl.body.calls {
            let Expr::Selector(recv, method) = &call.fun else {
                continue;
            };
            if Some(method.as_str()) == group_add {
                // `groups.Add(parent)`: every command of the function's unassigned command slices joins parent.
                let body = &func.func.decl.body;
                let is_group = matches!(recv.as_ref(), Expr::Ident(g) if body.literals.iter().any(|l| {
                    l.assigned_to.as_deref() == Some(g.as_str()) && is_group_type(cx, func, &l.ty, &def.group_types)
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
            if *method != def.add_method {
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

    // Each binary's root command: a command its main package declares at package level, else what a call in it
    // constructs; climbing to the top of that command's tree (`init` may add the constructed one to a root).
    let mut binary_of: Vec<Option<String>> = vec![None; tree.commands.len()];
    let mut roots: BTreeMap<String, usize> = BTreeMap::new();
    for main in &mains.list {
        let (dir, pkg) = (&main.dir, main.pkg);
        let package = cx.model.pkg(pkg);
        let declared = package
            .var_inits
            .iter()
            .flat_map(|f| f.decl.body.literals.iter().map(move |l| (f.file, l.line)))
            .find_map(|at| tree.by_line.get(&at).copied());
        let root = declared.or_else(|| {
            package
                .funcs
                .iter()
                .flat_map(|f| f.decl.body.calls.iter().map(move |c| (f, c)))
                .find_map(|(f, call)| {
                    let func = FuncRef { pkg, func: f };
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
                })
        });
        // Else the command that a function main calls executes: `func Start() error { return rootCmd.Execute() }`.
        let root = root.or_else(|| {
            package
                .funcs
                .iter()
                .flat_map(|f| f.decl.body.calls.iter().map(move |c| (f, c)))
                .find_map(|(f, call)| {
                    let (path, name) = cx.callee(pkg, f.file, &call.fun)?;
                    let callee = cx.func_by_path(&path, &name)?;
                    callee.func.decl.body.calls.iter().find_map(|c| match &c.fun {
                        Expr::Selector(recv, method) if *method == def.execute_method => {
                            tree.command_of(&callee, recv).into_iter().next()
                        }
                        _ => None,
                    })
                })
        });
        let root = root.map(|mut r| {
            let mut steps = 0;
            while let Some((p, _, _)) = parent[r] {
                r = p;
                steps += 1;
                if steps > 64 {
                    break;
                }
            }
            r
        });
        // Else the parentless command in the binary's folder with the largest tree (kubeadm's main calls
        // app.Run, which builds the root command).
        let root = root.or_else(|| {
            (0..tree.commands.len())
                .filter(|&i| parent[i].is_none() && mains.binary_of(cx.path(tree.commands[i].func.file())) == Some(dir))
                .max_by_key(|&i| (descendants(&children, i), std::cmp::Reverse(i)))
        });
        if let Some(root) = root {
            roots.insert(dir.clone(), root);
        }
    }
    // A tree that several binaries build belongs to the one named like its root command (kubectl's is also built
    // by cmd/clicheck and the doc generators); the others are visited after it, in folder order.
    let wrappers = &def.string_wrappers;
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
            binary_of[i] = mains.binary_of(cx.path(cmd.func.file())).cloned();
        }
    }

    let flags = collect_flags(cx, def, &mut tree, &funcs);

    let id = |i: usize| -> String {
        let c = &tree.commands[i];
        format!("{}:{}", cx.path(c.func.file()), c.lit.line)
    };
    let mut commands = Vec::new();
    for (i, cmd) in tree.commands.iter().enumerate() {
        let (pkg, file) = (cmd.func.pkg, cmd.func.file());
        let field = |key: &str| cmd.lit.fields.iter().find(|f| f.key == key).map(|f| &f.value);
        let text = |key: &str| cx.text(pkg, file, field(key), wrappers).map(|s| dedent(&s));
        let use_full = cx.text(pkg, file, field("Use"), wrappers);
        let (short, long, example) = (text("Short"), text("Long"), text("Example"));
        let deprecated = field("Deprecated").map(|_| text("Deprecated"));
        let aliases = cmd
            .lit
            .fields
            .iter()
            .find(|f| f.key == "Aliases")
            .map(|f| {
                f.elements
                    .iter()
                    .map(|e| cx.string(pkg, file, e, wrappers).map(|s| s.value))
                    .collect()
            })
            .unwrap_or_default();
        let deprecated_parts = deprecated.clone().unwrap_or_default();
        commands.push(Command {
            id: id(i),
            file: cx.path(file).to_string(),
            line: cmd.lit.line,
            package: cx.model.pkg(pkg).import_path.clone(),
            function: cx.func_name(&cmd.func.func.decl),
            binary: binary_of[i].clone(),
            name: names[i].clone(),
            use_full: use_full.value,
            use_full_via: use_full.via,
            use_full_expr: use_full.expr,
            short: short.value,
            short_via: short.via,
            short_expr: short.expr,
            long: long.value,
            long_via: long.via,
            long_expr: long.expr,
            example: example.value,
            example_via: example.via,
            example_expr: example.expr,
            deprecated: deprecated.map(|d| d.value),
            deprecated_via: deprecated_parts.via,
            deprecated_expr: deprecated_parts.expr,
            aliases,
            hidden: field("Hidden").is_some_and(|e| matches!(e, Expr::Ident(t) if t == "true")),
            root: roots.values().any(|&r| r == i),
            parent: parent[i].map(|(p, _, _)| id(p)),
            added_at: parent[i].map(|(_, f, l)| format!("{}:{}", cx.path(f), l)),
            children: children[i].iter().map(|&c| id(c)).collect(),
        });
    }

    let options_structs = options_structs(cx, def, &flags);
    let flags = flags
        .into_iter()
        .map(|(mut flag, command)| {
            flag.command = command.map(id);
            flag
        })
        .collect();
    let roots = roots
        .iter()
        .map(|(dir, &r)| {
            let c = &commands[r];
            let text = c.short.as_deref().filter(|s| !s.is_empty()).or(c.long.as_deref());
            Root {
                binary: dir.clone(),
                command: id(r),
                text: text.map(str::to_string),
            }
        })
        .collect();
    CommandsReport {
        commands,
        flags,
        options_structs,
        roots,
    }
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
    commands: Vec<Literal_<'m>>,
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
                // A package-level variable: `var rootCmd = &cobra.Command{...}`, used in `init` and `main`.
                match self.cx.var_init(func.pkg, var) {
                    Some(init) if init.func.decl.line != func.func.decl.line || init.file() != func.file() => {
                        self.command_of_depth(&init, expr, depth + 1)
                    }
                    _ => Vec::new(),
                }
            }
            // An exported package-level variable of another package: `cmd.RootCmd`.
            Expr::Selector(operand, name) => {
                let Expr::Ident(qualifier) = operand.as_ref() else {
                    return Vec::new();
                };
                let Some(pkg) = self
                    .cx
                    .model
                    .qualifier_path(func.file(), qualifier)
                    .and_then(|path| self.cx.model.package_by_path(&path))
                else {
                    return Vec::new();
                };
                match self.cx.var_init(pkg, name) {
                    Some(init) => self.command_of_depth(&init, &Expr::Ident(name.clone()), depth + 1),
                    None => Vec::new(),
                }
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

/// The flag registrations, each with the command (an index into the tree) whose flag set it is.
fn collect_flags<'m>(
    cx: &Cx<'m>,
    def: &CommandsDef,
    tree: &mut Tree<'_, 'm>,
    funcs: &[FuncRef<'m>],
) -> Vec<(Flag, Option<usize>)> {
    let mut flags: Vec<(Flag, Option<usize>)> = Vec::new();
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
                    let message = call
                        .args
                        .get(1)
                        .and_then(|a| cx.string(pkg, file, a, &[]))
                        .map(|s| s.value);
                    marks.push((file, name.value, method.clone(), message));
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
                    .filter(|p| def.flag_packages.contains(p))
                    .is_some(),
                _ => false,
            };
            let (command, persistent, flag_set) = if global {
                (None, false, Some("global".to_string()))
            } else {
                flag_set_of(cx, tree, func, recv)
            };
            let arg_string = |i: usize| cx.string(pkg, file, &call.args[i], &def.string_wrappers);
            let Some(name) = arg_string(form.name) else {
                continue;
            };
            let default = form.default.map(|i| {
                let arg = &call.args[i];
                cx.value(pkg, file, arg)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| arg.to_string())
            });
            let usage = cx.text(pkg, file, Some(&call.args[form.usage]), &def.string_wrappers);
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
            let flag = Flag {
                name: name.value,
                shorthand: form
                    .shorthand
                    .and_then(&arg_string)
                    .map(|s| s.value)
                    .filter(|s| !s.is_empty()),
                ty: form.ty,
                method: method.clone(),
                default,
                usage: usage.value,
                usage_via: usage.via,
                usage_expr: usage.expr,
                file: cx.path(file).to_string(),
                line: call.line,
                function: cx.func_name(decl),
                persistent,
                flag_set,
                options_type,
                field,
                deprecated: None,
                shorthand_deprecated: None,
                hidden: false,
                command: None,
            };
            flags.push((flag, command));
        }
    }
    for (file, name, method, message) in marks {
        let path = cx.path(file);
        for (f, _) in flags.iter_mut().filter(|(f, _)| f.name == name && f.file == path) {
            match method.as_str() {
                "MarkDeprecated" => f.deprecated = Some(message.clone().unwrap_or_default()),
                "MarkHidden" => f.hidden = true,
                _ => f.shorthand_deprecated = Some(message.clone().unwrap_or_default()),
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
                        .map(|s| s.value);
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
fn options_structs(cx: &Cx, def: &CommandsDef, flags: &[(Flag, Option<usize>)]) -> Vec<OptionsStruct> {
    let mut out = Vec::new();
    for pkg in &cx.model.packages {
        for (name, ids) in &pkg.method_index {
            let methods: Vec<String> = def
                .options_methods
                .iter()
                .filter(|m| ids.iter().any(|&i| pkg.methods[i].decl.name == **m))
                .cloned()
                .collect();
            if !methods.iter().any(|m| m == "AddFlags") {
                continue;
            }
            let Some(decl) = pkg.type_index.get(name).and_then(|t| t.first()).map(|&i| &pkg.types[i]) else {
                continue;
            };
            let id = format!("{}.{}", pkg.import_path, name);
            let names = flags
                .iter()
                .filter(|(f, _)| f.options_type.as_deref() == Some(id.as_str()))
                .map(|(f, _)| f.name.clone())
                .collect();
            out.push(OptionsStruct {
                ty: id,
                file: cx.path(decl.file).to_string(),
                line: decl.decl.line,
                methods,
                flags: names,
            });
        }
    }
    out.sort_by(|a, b| a.ty.cmp(&b.ty));
    out
}

/// A command's name as cobra's `Name()` gives it: `Use` up to its first space. It is known even when `Use` is not a
/// constant, as long as a constant prefix reaches past that space: `fmt.Sprintf("get [%s] TYPE", ...)`,
/// `"get " + usage`.
fn command_name(cx: &Cx, pkg: PkgId, file: FileId, expr: &Expr, wrappers: &[String]) -> Option<String> {
    if let Some(text) = cx.string(pkg, file, expr, wrappers) {
        return Some(text.value.split(' ').next().unwrap_or_default().to_string());
    }
    let prefix = match expr {
        Expr::Paren(inner) => return command_name(cx, pkg, file, inner, wrappers),
        Expr::Call { fun, args, .. } if cx.callee(pkg, file, fun) == Some(("fmt".into(), "Sprintf".into())) => {
            let format = cx.string(pkg, file, args.first()?, &[])?.value;
            // The output is the format up to its first verb (`%%` included, which only shortens the prefix).
            format.split('%').next().unwrap_or_default().to_string()
        }
        Expr::Binary(left, op, _) if op == "+" => cx.string(pkg, file, left, &[])?.value,
        _ => return None,
    };
    prefix.split_once(' ').map(|(name, _)| name.to_string())
}
