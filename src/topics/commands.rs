//! Commands and flags as the binaries build them: each binary's initialisers and `main` are run by the evaluator
//! (`eval`), so a command made in a loop, a flag registered by a helper on a flag set it was passed, a default
//! set by an options constructor and a deprecation made with `VisitAll` are what they are when the program runs.
//! Each command of a binary's tree is listed with its path and every flag it accepts, as its `--help` shows them;
//! command literals and flag registrations no binary reaches are run on their own, with unknown arguments.

use crate::HashMap;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::binaries::{MainPackages, Root};
use super::{add_call, last_name, Cx};
use crate::eval::{flag_form, CodeCache, CommandObj, Evaluator, FlagObj, Obj, ObjId, Val, World, FLAG_TYPES};
use crate::lower::BodyQuery;
use crate::model::{FileId, PkgId};
use crate::sources::Sources;
use crate::syntax::TypeExpr;

/// A `commands` topic: which type is a command, and how commands and flags are put together.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandsDef {
    /// Composite literals of this type (`github.com/spf13/cobra.Command`) are commands.
    pub command_type: String,
    /// Calls whose string argument is shown as the field's text (`i18n.T`, `templates.LongDesc`).
    #[serde(default)]
    pub string_wrappers: Vec<String>,
    /// Options structs: types with any of these methods (one of them `AddFlags`) are listed with their flags.
    #[serde(default)]
    pub options_methods: Vec<String>,
}

impl CommandsDef {
    pub(super) fn add_to_query(&self, query: &mut BodyQuery) {
        query.literal_types.insert(last_name(&self.command_type));
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
    /// Each binary's root command, its text and its flags when it has no command; not in the JSON (the binaries
    /// topic holds it).
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

/// One command: a command literal as one binary's tree holds it (a literal made in a loop is one command per
/// iteration), or a literal no binary reaches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// `file:line` of the literal; `file:line#2`, `#3`... for the further commands made from it.
    pub id: String,
    pub file: String,
    pub line: u32,
    pub package: String,
    pub function: String,
    /// The binary (its folder) whose command tree holds it, else whose folder does.
    pub binary: Option<String>,
    /// The full command line as a user types it: `kubeadm init phase preflight`; null when no binary reaches it.
    pub path: Option<String>,
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
    /// Present only when the command is deprecated; null when its message is not static.
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
    /// Every flag the command accepts, its own first, then those it inherits, each group by name.
    pub flags: Vec<CommandFlag>,
    /// The flag sets its help prints in sections, in their order (`generic`, `etcd`...), when its help or usage
    /// function prints sets of its own (a `NamedFlagSets`); the `flag_set` of its flags names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flag_sets: Vec<String>,
}

/// A flag as a command accepts it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommandFlag {
    pub name: String,
    pub shorthand: Option<String>,
    /// pflag's `Value.Type()`: `string`, `int32`, `duration`, `stringSlice`...; `func` and the like for the
    /// standard library's flags.
    #[serde(rename = "type")]
    pub ty: String,
    /// The default as `--help` prints it (strings quoted); null when `--help` prints none (the zero value) or when
    /// it is only known at run time.
    pub default: Option<String>,
    /// The default as pflag's `DefValue` holds it (unquoted), when known.
    pub default_value: Option<String>,
    /// The default's expression, when its value is only known at run time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_expr: Option<String>,
    pub usage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_expr: Option<String>,
    /// Present when the flag is deprecated: the message, null when it is not static.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present_or_null"
    )]
    pub deprecated: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present_or_null"
    )]
    pub shorthand_deprecated: Option<Option<String>>,
    pub hidden: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// From an ancestor's persistent flags (the global flag set included).
    pub inherited: bool,
    /// One of the command's own persistent flags, which its subcommands inherit.
    pub persistent: bool,
    /// `global` for `pflag.CommandLine` and `flag.CommandLine`, else the name of the flag set it was registered
    /// on when that is not a command's own (a `NamedFlagSets` section: `etcd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag_set: Option<String>,
    /// Where it is registered; null for cobra's own `--help` and for flags registered outside the tree.
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// One flag registration site, with every command that accepts the flag as its own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub name: String,
    pub shorthand: Option<String>,
    #[serde(rename = "type")]
    pub ty: String,
    pub method: String,
    pub default: Option<String>,
    pub default_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_expr: Option<String>,
    pub usage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_expr: Option<String>,
    pub file: String,
    pub line: u32,
    pub function: String,
    pub persistent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag_set: Option<String>,
    /// The struct field it binds (`&o.Field`): the struct's type and the field path.
    pub options_type: Option<String>,
    pub field: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::present_or_null"
    )]
    pub deprecated: Option<Option<String>>,
    pub hidden: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// The first command that accepts it as its own, and all of them.
    pub command: Option<String>,
    pub commands: Vec<String>,
    /// The binaries that register it (their folders).
    pub binaries: Vec<String>,
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

/// Methods that mark a registered flag, and the calls that give a command's flag sets.
const MARK_METHODS: &[&str] = &["MarkDeprecated", "MarkHidden", "MarkShorthandDeprecated"];

/// The call names (with their least argument count) flag registrations need kept: the sites a run that reaches
/// none of them is started from.
pub fn flag_vocabulary() -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for t in FLAG_TYPES {
        for method in [t.to_string(), format!("{t}P"), format!("{t}Var"), format!("{t}VarP")] {
            let arity = flag_form(&method, false).map_or(3, |f| f.arity);
            out.push((method, arity));
        }
    }
    for m in ["Var", "VarP", "VarPF"] {
        out.push((m.to_string(), flag_form(m, false).map_or(3, |f| f.arity)));
    }
    for m in MARK_METHODS {
        out.push((m.to_string(), 1));
    }
    out
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

/// What the extraction accumulates across runs.
struct Out {
    commands: Vec<Command>,
    /// Registration sites `(file, line, name)` and their flags.
    flags: BTreeMap<(String, u32, String), Flag>,
    /// How many commands each literal has made so far, for ids.
    made: HashMap<(FileId, u32), usize>,
    /// Literal and registration sites some run has reported.
    seen_literals: BTreeSet<(FileId, u32)>,
    seen_registrations: BTreeSet<(FileId, u32)>,
    /// The tree's cobra adds a default `completion` command to a root with subcommands (cobra 1.2 and later).
    completion: bool,
}

/// The version of cobra a tree builds with, from `vendor/modules.txt` or `go.mod`: `(major, minor)`.
fn cobra_version(sources: &Sources) -> Option<(u32, u32)> {
    const COBRA: &str = "github.com/spf13/cobra ";
    let line = sources
        .read("vendor/modules.txt")
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("# ")
                    .and_then(|l| l.strip_prefix(COBRA))
                    .map(str::to_string)
            })
        })
        .or_else(|| {
            let gomod = sources.read("go.mod")?;
            gomod.lines().find_map(|l| {
                let l = l.trim().trim_start_matches("require").trim();
                l.strip_prefix(COBRA).map(str::to_string)
            })
        })?;
    let mut parts = line.trim().trim_start_matches('v').split(['.', ' ', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

pub(crate) fn extract(
    cx: &Cx,
    def: &CommandsDef,
    mains: &MainPackages,
    sources: &Sources,
    threads: usize,
) -> CommandsReport {
    let trace = std::env::var_os("KUBEWALK_TRACE_EVAL").is_some();
    let out = Out {
        commands: Vec::new(),
        flags: BTreeMap::new(),
        made: HashMap::default(),
        seen_literals: BTreeSet::new(),
        seen_registrations: BTreeSet::new(),
        completion: cobra_version(sources).is_some_and(|v| v >= (1, 2)),
    };
    let code = std::sync::Arc::new(CodeCache::default());
    let (mut out, mut roots) = run_binaries(cx, def, mains, sources, &code, out, threads);
    // Mains are listed in folder order.
    roots.sort_by_key(|r| mains.list.iter().position(|m| m.dir == r.binary));
    let mut ev = Evaluator::sharing(cx.model, cx.consts_table(), sources, code.clone());
    ev.text_wrappers = def.string_wrappers.clone();

    // Literals and registrations no binary reaches: their functions, run with unknown arguments.
    let (type_path, type_name) = def
        .command_type
        .rsplit_once('.')
        .unwrap_or(("", def.command_type.as_str()));
    let mut pending = Vec::new();
    for func in cx.all_funcs() {
        let file = func.file();
        let body = &func.func.decl.body;
        let literal = body.literals.iter().any(|l| {
            is_named(cx, func.pkg, file, &l.ty, type_path, type_name) && !out.seen_literals.contains(&(file, l.line))
        });
        let registration = body.calls.iter().any(|c| match &c.fun {
            crate::syntax::Expr::Selector(_, m) => {
                flag_form(m, false).is_some() && !out.seen_registrations.contains(&(file, c.line))
            }
            _ => false,
        });
        if (literal || registration) && !func.func.decl.name.starts_with("var ") {
            pending.push((func.pkg, func.func));
        }
    }
    let t = std::time::Instant::now();
    let n = pending.len();
    for (pkg, func) in pending {
        ev.run_with_unknown_args(pkg, func);
        let world = ev.take_world();
        let mut owners = HashMap::default();
        // The commands made here that no run reported, at the top of what they are added to.
        for &c in &world.commands {
            let cmd = command(&world, c);
            let unseen = |c: &CommandObj| !out.seen_literals.contains(&(c.file, c.line));
            if !unseen(cmd) || cmd.parent.is_some_and(|p| unseen(command(&world, p))) {
                continue;
            }
            let binary = mains.binary_of(cx.path(cmd.file)).cloned();
            emit_tree(cx, &world, &mut out, &mut owners, c, binary.as_deref(), false);
        }
        record_flags(cx, &world, &mut out, &owners, None);
    }

    if trace {
        eprintln!("{n} functions no binary reaches: {:?}", t.elapsed());
    }
    drop(ev);
    // The code the runs read (on v1.20.2, 2,271 functions and the texts of 1,131 files) is freed on a thread of
    // its own: freeing it took 30 ms of the one thread the rest of the topics wait for. Should no thread start,
    // the code is freed here, as it was before (`spawn` drops what it could not run).
    let _ = std::thread::Builder::new().spawn(move || drop(code));
    let mut flags: Vec<Flag> = out.flags.into_values().collect();
    // The binaries of a flag in folder order.
    for flag in &mut flags {
        flag.binaries
            .sort_by_key(|b| mains.list.iter().position(|m| &m.dir == b));
    }
    let options_structs = options_structs(cx, def, &flags);
    CommandsReport {
        commands: out.commands,
        flags,
        options_structs,
        roots,
    }
}

/// The binaries' runs as they are emitted: what they have put together so far, and whose turn it is.
///
/// Each binary runs in a world of its own. A tree several binaries build belongs to the binary named like its root
/// command (kubectl's is also built by the doc generators): those binaries claim their trees first, the others
/// point to the tree, without its text. Runs are emitted in one order whichever thread ran them, so the report is
/// the same for any number of threads: turn `k` (of `n` mains, in folder order) emits main `k` if its root is
/// named like its folder or it has none, turn `n + k` emits it otherwise; the other of its two turns passes.
struct Emitting {
    out: Out,
    claimed: HashMap<(FileId, u32), String>,
    roots: Vec<Root>,
    turn: usize,
    /// A thread panicked: the turns it held never come, so no thread waits for them (the panic then ends the
    /// run, as it would on one thread).
    failed: bool,
}

/// Marks the emission failed when its thread unwinds from a panic, and wakes the threads that wait for a turn.
struct FailOnPanic<'a>(&'a std::sync::Mutex<Emitting>, &'a std::sync::Condvar);

impl Drop for FailOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).failed = true;
            self.1.notify_all();
        }
    }
}

/// A run a thread has made and not yet emitted, or a turn it is to pass.
struct Held {
    turn: usize,
    run: Option<(usize, World, Option<ObjId>)>,
}

/// Runs every main, on `threads` threads each with an evaluator of its own, all reading code through `code` (a
/// world holds values only its thread may touch, so each thread also emits the runs it made, in its turn).
fn run_binaries(
    cx: &Cx,
    def: &CommandsDef,
    mains: &MainPackages,
    sources: &Sources,
    code: &std::sync::Arc<CodeCache>,
    out: Out,
    threads: usize,
) -> (Out, Vec<Root>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let trace = std::env::var_os("KUBEWALK_TRACE_EVAL").is_some();
    let n = mains.list.len();
    let next = AtomicUsize::new(0);
    let state = std::sync::Mutex::new(Emitting {
        out,
        claimed: HashMap::default(),
        roots: Vec::new(),
        turn: 0,
        failed: false,
    });
    let turned = std::sync::Condvar::new();
    let (model, consts) = (cx.model, cx.consts_table());
    let worker = || {
        let _fail = FailOnPanic(&state, &turned);
        let cx = Cx::new(model, consts, sources);
        let mut ev = Evaluator::sharing(model, consts, sources, code.clone());
        ev.text_wrappers = def.string_wrappers.clone();
        let mut held: Vec<Held> = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n {
                break;
            }
            let main = &mains.list[k];
            let t = std::time::Instant::now();
            ev.run_main(main.pkg);
            if trace {
                eprintln!(
                    "{}: {:?} {} objects {} steps",
                    main.dir,
                    t.elapsed(),
                    ev.heap.len(),
                    ev.steps()
                );
            }
            let world = ev.take_world();
            let root = root_of(&world);
            let name = root.and_then(|r| command_name(&world, r));
            let now = name.as_deref() == main.dir.rsplit('/').next() || root.is_none();
            let (emit, pass) = if now { (k, n + k) } else { (n + k, k) };
            held.push(Held {
                turn: emit,
                run: Some((k, world, root)),
            });
            held.push(Held { turn: pass, run: None });
            held.sort_by_key(|h| std::cmp::Reverse(h.turn));
            emit_held(&cx, mains, &state, &turned, &mut held, false);
        }
        emit_held(&cx, mains, &state, &turned, &mut held, true);
    };
    std::thread::scope(|scope| {
        for _ in 1..threads.clamp(1, n.max(1)) {
            scope.spawn(worker);
        }
        worker();
    });
    let state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    (state.out, state.roots)
}

/// Emits the held runs whose turn has come (`held` is sorted by turn, last first); with `wait`, waits for the
/// turns of all of them.
fn emit_held(
    cx: &Cx,
    mains: &MainPackages,
    state: &std::sync::Mutex<Emitting>,
    turned: &std::sync::Condvar,
    held: &mut Vec<Held>,
    wait: bool,
) {
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    while let Some(first) = held.last() {
        if s.failed {
            return;
        }
        if first.turn != s.turn {
            if !wait {
                return;
            }
            s = turned.wait(s).unwrap_or_else(|e| e.into_inner());
            continue;
        }
        let Some(Held { run, .. }) = held.pop() else { break };
        if let Some((k, world, root)) = run {
            let s = &mut *s;
            let root = emit_run(cx, &mut s.out, &mut s.claimed, &mains.list[k], &world, root);
            s.roots.push(root);
        }
        s.turn += 1;
        turned.notify_all();
    }
}

/// Emits one binary's run: its command tree, unless another binary claimed it, and its flags.
fn emit_run(
    cx: &Cx,
    out: &mut Out,
    claimed: &mut HashMap<(FileId, u32), String>,
    main: &super::binaries::MainPackage,
    world: &World,
    root: Option<ObjId>,
) -> Root {
    let mut owners = HashMap::default();
    let mut root_id = None;
    let mut text = None;
    if let Some(r) = root {
        let c = command(world, r);
        let site = (c.file, c.line);
        match claimed.get(&site) {
            Some(id) => root_id = Some(id.clone()),
            None => {
                let id = emit_tree(cx, world, out, &mut owners, r, Some(&main.dir), true);
                claimed.insert(site, id.clone());
                root_id = Some(id);
                text = root_text(world, r);
            }
        }
    }
    record_flags(cx, world, out, &owners, Some(&main.dir));
    Root {
        binary: main.dir.clone(),
        command: root_id,
        text,
        // The flags of a program that parses a set of its own, besides any command tree (etcd's server parses
        // its flags unless it is run as `etcd gateway`).
        flags: program_flags(cx, world),
    }
}

/// The root of the tree a run executed (climbed to the top: `init` may add the executed command to a root),
/// else the parentless command with the largest tree.
fn root_of(w: &World) -> Option<ObjId> {
    let climb = |mut c: ObjId| {
        for _ in 0..64 {
            match &w.heap[c] {
                Obj::Command(cmd) if cmd.parent.is_some() => c = cmd.parent.unwrap_or(c),
                _ => break,
            }
        }
        c
    };
    if let Some(&first) = w.executed.first() {
        return Some(climb(first));
    }
    let size = |root: ObjId| {
        let mut n = 0;
        let mut stack = vec![root];
        while let Some(c) = stack.pop() {
            n += 1;
            if let Obj::Command(cmd) = &w.heap[c] {
                stack.extend(cmd.children.iter().copied());
            }
        }
        n
    };
    w.commands
        .iter()
        .copied()
        .filter(|&c| matches!(&w.heap[c], Obj::Command(cmd) if cmd.parent.is_none()))
        .max_by_key(|&c| (size(c), std::cmp::Reverse(c)))
}

fn command(w: &World, c: ObjId) -> &CommandObj {
    match &w.heap[c] {
        Obj::Command(cmd) => cmd,
        _ => unreachable!("a command id is a command"),
    }
}

/// A command's name as cobra's `Name()` gives it: `Use` up to its first space.
fn command_name(w: &World, c: ObjId) -> Option<String> {
    match command(w, c).fields.get("Use") {
        Some(Val::Str(u)) => Some(u.split(' ').next().unwrap_or_default().to_string()),
        _ => None,
    }
}

/// A root's text for its binary's summary: its `Short`, else its `Long`.
fn root_text(w: &World, r: ObjId) -> Option<String> {
    let c = command(w, r);
    let text = |k: &str| {
        c.fields
            .get(k)
            .and_then(Val::as_str)
            .map(dedent)
            .filter(|s| !s.is_empty())
    };
    text("Short").or_else(|| text("Long"))
}

/// A command's tree into the report, depth first: ids, paths and the flags each command accepts; `owners` gets
/// the commands that accept each flag as their own. Returns the root's id. `reached`: a binary's tree, whose
/// commands have paths.
fn emit_tree(
    cx: &Cx,
    w: &World,
    out: &mut Out,
    owners: &mut HashMap<ObjId, Vec<String>>,
    root: ObjId,
    binary: Option<&str>,
    reached: bool,
) -> String {
    let mut ids: HashMap<ObjId, String> = HashMap::default();
    let mut order: Vec<(ObjId, Vec<String>)> = Vec::new();
    let mut stack = vec![(root, Vec::<String>::new())];
    let mut visited = BTreeSet::new();
    while let Some((c, parent_path)) = stack.pop() {
        if !visited.insert(c) {
            continue;
        }
        let cmd = command(w, c);
        let site = (cmd.file, cmd.line);
        let n = out.made.entry(site).or_insert(0);
        *n += 1;
        let base = format!("{}:{}", cx.path(cmd.file), cmd.line);
        ids.insert(c, if *n == 1 { base } else { format!("{base}#{n}") });
        out.seen_literals.insert(site);
        let mut path = parent_path;
        // A path starts with what the user types: the binary's name (cobra's help shows the root's name, which
        // may differ: kubectl-convert's root is `convert`).
        let own_name = match (c == root, binary) {
            (true, Some(dir)) if reached => dir.rsplit('/').next().map(str::to_string),
            _ => command_name(w, c),
        };
        path.push(own_name.unwrap_or_else(|| "?".to_string()));
        for &child in cmd.children.iter().rev() {
            stack.push((child, path.clone()));
        }
        order.push((c, path));
    }
    for (c, path) in &order {
        let cmd = command(w, *c);
        let pkg = cx.model.pkg(cmd.pkg);
        let text = |key: &str| -> (Option<String>, Option<String>, Option<String>) {
            match cmd.fields.get(key) {
                Some(Val::Str(s)) => (Some(dedent(s)), cmd.via.get(key).cloned(), None),
                Some(_) => (None, None, cmd.exprs.get(key).cloned()),
                None => (None, None, None),
            }
        };
        let (use_full, use_full_via, use_full_expr) = match cmd.fields.get("Use") {
            Some(Val::Str(s)) => (Some(s.clone()), cmd.via.get("Use").cloned(), None),
            Some(_) => (None, None, cmd.exprs.get("Use").cloned()),
            None => (None, None, None),
        };
        let (short, short_via, short_expr) = text("Short");
        let (long, long_via, long_expr) = text("Long");
        let (example, example_via, example_expr) = text("Example");
        let deprecated_set = cmd
            .fields
            .get("Deprecated")
            .is_some_and(|v| !matches!(v, Val::Str(s) if s.is_empty()));
        let (deprecated, deprecated_via, deprecated_expr) = text("Deprecated");
        let aliases = match cmd.fields.get("Aliases").and_then(|v| w.deref(v)).map(|o| &w.heap[o]) {
            Some(Obj::Slice { elems, .. }) => elems.iter().map(|e| e.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        };
        let hidden = cmd.fields.get("Hidden").and_then(Val::as_bool).unwrap_or(false);
        let id = ids[c].clone();
        let mut children: Vec<String> = cmd.children.iter().filter_map(|ch| ids.get(ch).cloned()).collect();
        let is_root = *c == root;
        if reached && is_root && !cmd.children.is_empty() && !children_named(w, *c, "help") {
            children.push(format!("{id}/help"));
            if out.completion && !children_named(w, *c, "completion") && !completion_disabled(w, cmd) {
                children.push(format!("{id}/completion"));
            }
        }
        let mut flag_sets: Vec<String> = Vec::new();
        for &set in &cmd.usage_sets {
            // A set printed under its own name, else (a copy made to print it: `PrintSections`) under the set
            // its flags were registered on.
            let label = match &w.heap[set] {
                _ if set == w.pflag_command_line || set == w.go_command_line => Some("global".to_string()),
                Obj::FlagSet(fs) if !fs.name.is_empty() => Some(fs.name.clone()),
                Obj::FlagSet(fs) => fs.flags.first().and_then(|&f| flag_set_label(w, flag_obj(w, f))),
                _ => None,
            };
            if let Some(label) = label.filter(|l| !flag_sets.contains(l)) {
                flag_sets.push(label);
            }
        }
        let flags = command_flags(cx, w, *c, is_root && reached)
            .into_iter()
            .map(|(f, flag)| {
                if let (Some(f), false) = (f, flag.inherited) {
                    owners.entry(f).or_default().push(id.clone());
                }
                flag
            })
            .collect();
        out.commands.push(Command {
            id: id.clone(),
            file: cx.path(cmd.file).to_string(),
            line: cmd.line,
            package: pkg.import_path.clone(),
            function: cmd.function.clone(),
            binary: binary.map(str::to_string),
            path: reached.then(|| path.join(" ")),
            name: command_name(w, *c),
            use_full,
            use_full_via,
            use_full_expr,
            short,
            short_via,
            short_expr,
            long,
            long_via,
            long_expr,
            example,
            example_via,
            example_expr,
            deprecated: deprecated_set.then_some(deprecated),
            deprecated_via: deprecated_set.then_some(deprecated_via).flatten(),
            deprecated_expr: deprecated_set.then_some(deprecated_expr).flatten(),
            aliases,
            hidden,
            root: is_root && reached,
            parent: cmd.parent.and_then(|p| ids.get(&p).cloned()),
            added_at: cmd
                .added_at
                .filter(|_| cmd.parent.is_some_and(|p| ids.contains_key(&p)))
                .map(|(f, l)| format!("{}:{l}", cx.path(f))),
            children,
            flags,
            flag_sets,
        });
    }
    // cobra's `help` command, which a root gets when it has subcommands and no `help` of its own.
    let cmd = command(w, root);
    if reached && !cmd.children.is_empty() && !children_named(w, root, "help") {
        let name = command_name(w, root).unwrap_or_else(|| "?".to_string());
        let path = binary
            .and_then(|dir| dir.rsplit('/').next())
            .unwrap_or(&name)
            .to_string();
        let mut help = help_command(&ids[&root], &path, &name, binary, cmd, cx);
        // It inherits the root's persistent flags, as every subcommand does.
        let mut names = BTreeSet::from(["help".to_string()]);
        for f in set_flags(w, cmd.persistent)
            .into_iter()
            .chain(set_flags(w, w.pflag_command_line))
        {
            if names.insert(flag_obj(w, f).name.clone()) {
                help.flags.push(command_flag(cx, w, f, true, true));
            }
        }
        help.flags.sort_by(|a, b| a.name.cmp(&b.name));
        let inherited: Vec<CommandFlag> = help.flags.iter().filter(|f| f.inherited).cloned().collect();
        out.commands.push(help);
        if out.completion && !children_named(w, root, "completion") {
            let options = cmd
                .fields
                .get("CompletionOptions")
                .and_then(|v| w.deref(v))
                .map(|o| &w.heap[o]);
            let option = |name: &str| match options {
                Some(Obj::Struct { fields, .. }) => fields.get(name).and_then(Val::as_bool).unwrap_or(false),
                _ => false,
            };
            if !option("DisableDefaultCmd") {
                let no_desc = !option("DisableNoDescFlag") && !option("DisableDescriptions");
                let hidden = option("HiddenDefaultCmd");
                out.commands.extend(completion_commands(
                    &ids[&root],
                    &path,
                    binary,
                    cmd,
                    cx,
                    &inherited,
                    no_desc,
                    hidden,
                ));
            }
        }
    }
    ids[&root].clone()
}

fn children_named(w: &World, c: ObjId, name: &str) -> bool {
    command(w, c)
        .children
        .iter()
        .any(|&ch| command_name(w, ch).as_deref() == Some(name))
}

/// cobra's default `help` command of a root with subcommands: `root_path` is how the user reaches the root,
/// `root_name` the root's own name, which cobra's text uses.
fn help_command(
    root_id: &str,
    root_path: &str,
    root_name: &str,
    binary: Option<&str>,
    root: &CommandObj,
    cx: &Cx,
) -> Command {
    Command {
        id: format!("{root_id}/help"),
        file: cx.path(root.file).to_string(),
        line: root.line,
        package: cx.model.pkg(root.pkg).import_path.clone(),
        function: "(*cobra.Command).InitDefaultHelpCmd".to_string(),
        binary: binary.map(str::to_string),
        path: Some(format!("{root_path} help")),
        name: Some("help".to_string()),
        use_full: Some("help [command]".to_string()),
        short: Some("Help about any command".to_string()),
        long: Some(format!(
            "Help provides help for any command in the application.\nSimply type {root_name} help [path to command] for full details."
        )),
        parent: Some(root_id.to_string()),
        flags: vec![help_flag("help")],
        ..Command::default()
    }
}

/// Whether a root turns cobra's default `completion` command off (`CompletionOptions.DisableDefaultCmd`).
fn completion_disabled(w: &World, root: &CommandObj) -> bool {
    match root
        .fields
        .get("CompletionOptions")
        .and_then(|v| w.deref(v))
        .map(|o| &w.heap[o])
    {
        Some(Obj::Struct { fields, .. }) => fields.get("DisableDefaultCmd").and_then(Val::as_bool).unwrap_or(false),
        _ => false,
    }
}

/// cobra's default `completion` command of a root with subcommands, and one subcommand per shell, each with
/// `--no-descriptions` unless the root turns it off; they inherit the root's persistent flags.
#[allow(clippy::too_many_arguments)]
fn completion_commands(
    root_id: &str,
    root_path: &str,
    binary: Option<&str>,
    root: &CommandObj,
    cx: &Cx,
    inherited: &[CommandFlag],
    no_desc: bool,
    hidden: bool,
) -> Vec<Command> {
    let id = format!("{root_id}/completion");
    let path = format!("{root_path} completion");
    let make = |id: String, parent: &str, path: String, name: &str, short: String, extra: Vec<CommandFlag>| {
        let mut flags = vec![help_flag(name)];
        flags.extend(extra);
        flags.sort_by(|a, b| a.name.cmp(&b.name));
        flags.extend(inherited.iter().cloned());
        Command {
            id,
            file: cx.path(root.file).to_string(),
            line: root.line,
            package: cx.model.pkg(root.pkg).import_path.clone(),
            function: "(*cobra.Command).InitDefaultCompletionCmd".to_string(),
            binary: binary.map(str::to_string),
            path: Some(path),
            name: Some(name.to_string()),
            use_full: Some(name.to_string()),
            short: Some(short),
            parent: Some(parent.to_string()),
            flags,
            ..Command::default()
        }
    };
    let shells = ["bash", "zsh", "fish", "powershell"];
    let mut top = make(
        id.clone(),
        root_id,
        path.clone(),
        "completion",
        "Generate the autocompletion script for the specified shell".to_string(),
        Vec::new(),
    );
    top.hidden = hidden;
    top.children = shells.iter().map(|s| format!("{id}/{s}")).collect();
    let mut out = vec![top];
    for shell in shells {
        let no_descriptions = CommandFlag {
            name: "no-descriptions".to_string(),
            ty: "bool".to_string(),
            default_value: Some("false".to_string()),
            usage: Some("disable completion descriptions".to_string()),
            ..CommandFlag::default()
        };
        out.push(make(
            format!("{id}/{shell}"),
            &id,
            format!("{path} {shell}"),
            shell,
            format!("Generate the autocompletion script for {shell}"),
            if no_desc { vec![no_descriptions] } else { Vec::new() },
        ));
    }
    out
}

/// cobra's `-h, --help` of a command.
fn help_flag(name: &str) -> CommandFlag {
    CommandFlag {
        name: "help".to_string(),
        shorthand: Some("h".to_string()),
        ty: "bool".to_string(),
        default: None,
        default_value: Some("false".to_string()),
        usage: Some(format!("help for {name}")),
        ..CommandFlag::default()
    }
}

/// The flags of a set, in the order they were added.
fn set_flags(w: &World, set: ObjId) -> Vec<ObjId> {
    match &w.heap[set] {
        Obj::FlagSet(fs) => fs.flags.clone(),
        _ => Vec::new(),
    }
}

fn flag_obj(w: &World, f: ObjId) -> &FlagObj {
    match &w.heap[f] {
        Obj::Flag(flag) => flag,
        _ => unreachable!("a flag id is a flag"),
    }
}

/// Every flag a command accepts, as cobra merges them when it parses: its own flags and persistent flags, the
/// persistent flags of its ancestors (nearest first; a name already taken is skipped), the global
/// `pflag.CommandLine` as the root's persistent flags, and `--help`.
fn command_flags(cx: &Cx, w: &World, c: ObjId, root: bool) -> Vec<(Option<ObjId>, CommandFlag)> {
    let cmd = command(w, c);
    // A command whose help prints flag sets of its own making (kubelet parses its `cleanFlagSet` itself): those.
    if !cmd.usage_sets.is_empty() {
        let mut names = BTreeSet::new();
        let mut list: Vec<(Option<ObjId>, CommandFlag)> = cmd
            .usage_sets
            .iter()
            .flat_map(|&set| set_flags(w, set).into_iter().map(move |f| (set, f)))
            .filter(|&(_, f)| names.insert(flag_obj(w, f).name.clone()))
            .map(|(set, f)| (Some(f), command_flag(cx, w, f, set == cmd.persistent, false)))
            .collect();
        list.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        return list;
    }
    let mut own: Vec<(ObjId, bool)> = Vec::new();
    let mut names = BTreeSet::new();
    let take = |list: &mut Vec<(ObjId, bool)>, names: &mut BTreeSet<String>, f: ObjId, persistent: bool| {
        if names.insert(flag_obj(w, f).name.clone()) {
            list.push((f, persistent));
        }
    };
    for f in set_flags(w, cmd.local) {
        take(&mut own, &mut names, f, false);
    }
    for f in set_flags(w, cmd.persistent) {
        take(&mut own, &mut names, f, true);
    }
    let mut inherited: Vec<(ObjId, bool)> = Vec::new();
    let mut at = cmd.parent;
    let mut top = c;
    while let Some(p) = at {
        for f in set_flags(w, command(w, p).persistent) {
            take(&mut inherited, &mut names, f, true);
        }
        top = p;
        at = command(w, p).parent;
    }
    // The global set joins the root's persistent flags.
    if root || top != c {
        let target = if top == c { &mut own } else { &mut inherited };
        for f in set_flags(w, w.pflag_command_line) {
            take(target, &mut names, f, true);
        }
    }
    let name = command_name(w, c).unwrap_or_default();
    let mut list: Vec<(Option<ObjId>, CommandFlag)> = own
        .iter()
        .map(|&(f, p)| (Some(f), command_flag(cx, w, f, p, false)))
        .collect();
    if !names.contains("help") {
        list.push((None, help_flag(&name)));
    }
    list.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut rest: Vec<(Option<ObjId>, CommandFlag)> = inherited
        .iter()
        .map(|&(f, p)| (Some(f), command_flag(cx, w, f, p, true)))
        .collect();
    rest.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    list.extend(rest);
    list
}

/// The flags of a program apart from its commands: those of the flag sets its `main` parses that are no
/// command's (all of them, for a binary without commands).
fn program_flags(cx: &Cx, w: &World) -> Vec<CommandFlag> {
    // A set a command's help prints is that command's (kubelet parses its `cleanFlagSet` itself).
    let printed: BTreeSet<ObjId> = w
        .commands
        .iter()
        .flat_map(|&c| command(w, c).usage_sets.iter().copied())
        .collect();
    let own = |set: ObjId| matches!(&w.heap[set], Obj::FlagSet(fs) if fs.command) || printed.contains(&set);
    let mut seen = BTreeSet::new();
    let mut list = Vec::new();
    for &set in w.parsed.iter().filter(|&&set| !own(set)) {
        for f in set_flags(w, set) {
            if seen.insert(flag_obj(w, f).name.clone()) {
                list.push(command_flag(cx, w, f, false, false));
            }
        }
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    list
}

/// A message field of a flag: absent when unset, null when set but not static.
fn message(v: &Val) -> Option<Option<String>> {
    match v {
        Val::Nil => None,
        Val::Str(s) if s.is_empty() => None,
        Val::Str(s) => Some(Some(s.clone())),
        _ => Some(None),
    }
}

/// What `--help` prints as a flag's default: nothing for its type's zero value, strings quoted.
fn shown_default(flag: &FlagObj) -> Option<String> {
    let def = flag.def_value.as_ref()?;
    if crate::eval::default_is_zero(&flag.ty, def) {
        return None;
    }
    Some(if flag.ty == "string" {
        crate::eval::go_quote(def)
    } else {
        def.clone()
    })
}

fn flag_set_label(w: &World, flag: &FlagObj) -> Option<String> {
    let set = flag.registered_on?;
    if set == w.pflag_command_line || set == w.go_command_line {
        return Some("global".to_string());
    }
    match &w.heap[set] {
        Obj::FlagSet(fs) if !fs.command && !fs.name.is_empty() => Some(fs.name.clone()),
        _ => None,
    }
}

fn command_flag(cx: &Cx, w: &World, f: ObjId, persistent: bool, inherited: bool) -> CommandFlag {
    let flag = flag_obj(w, f);
    CommandFlag {
        name: flag.name.clone(),
        shorthand: Some(flag.shorthand.clone()).filter(|s| !s.is_empty()),
        ty: flag.ty.clone(),
        default: shown_default(flag),
        default_value: flag.def_value.clone(),
        default_expr: flag.default_expr.clone(),
        usage: flag.usage.as_str().map(str::to_string),
        usage_expr: flag.usage_expr.clone(),
        deprecated: message(&flag.deprecated),
        shorthand_deprecated: message(&flag.shorthand_deprecated),
        hidden: flag.hidden,
        required: flag.required,
        inherited,
        persistent,
        flag_set: flag_set_label(w, flag),
        file: flag.site.as_ref().map(|s| cx.path(s.file).to_string()),
        line: flag.site.as_ref().map(|s| s.line),
    }
}

/// Every flag a run registered, by registration site, with the commands that accept it as their own.
fn record_flags(cx: &Cx, w: &World, out: &mut Out, owners: &HashMap<ObjId, Vec<String>>, binary: Option<&str>) {
    let persistent: BTreeSet<ObjId> = w
        .commands
        .iter()
        .flat_map(|&c| set_flags(w, command(w, c).persistent))
        .collect();
    for &f in &w.flags {
        let flag = flag_obj(w, f);
        let Some(site) = &flag.site else { continue };
        out.seen_registrations.insert((site.file, site.line));
        let key = (cx.path(site.file).to_string(), site.line, flag.name.clone());
        let entry = out.flags.entry(key).or_insert_with(|| Flag {
            name: flag.name.clone(),
            shorthand: Some(flag.shorthand.clone()).filter(|s| !s.is_empty()),
            ty: flag.ty.clone(),
            method: site.method.clone(),
            default: shown_default(flag),
            default_value: flag.def_value.clone(),
            default_expr: flag.default_expr.clone(),
            usage: flag.usage.as_str().map(str::to_string),
            usage_expr: flag.usage_expr.clone(),
            file: cx.path(site.file).to_string(),
            line: site.line,
            function: site.function.clone(),
            persistent: persistent.contains(&f),
            flag_set: flag_set_label(w, flag),
            options_type: flag.bound.as_ref().map(|(t, _)| t.clone()),
            field: flag.bound.as_ref().map(|(_, f)| f.clone()),
            deprecated: message(&flag.deprecated),
            hidden: flag.hidden,
            required: flag.required,
            command: None,
            commands: Vec::new(),
            binaries: Vec::new(),
        });
        for id in owners.get(&f).into_iter().flatten() {
            if !entry.commands.contains(id) {
                entry.commands.push(id.clone());
            }
        }
        if entry.command.is_none() {
            entry.command = entry.commands.first().cloned();
        }
        if let Some(b) = binary {
            if !entry.binaries.iter().any(|x| x == b) {
                entry.binaries.push(b.to_string());
            }
        }
    }
}

/// Whether a type as written in a file is `path.name` (or a pointer to it).
fn is_named(cx: &Cx, pkg: PkgId, file: FileId, ty: &TypeExpr, path: &str, name: &str) -> bool {
    match ty {
        TypeExpr::Pointer(inner) | TypeExpr::Paren(inner) => is_named(cx, pkg, file, inner, path, name),
        TypeExpr::Name { pkg: Some(q), name: n } => n == name && cx.model.qualifier_path(file, q) == Some(path),
        TypeExpr::Name { pkg: None, name: n } => n == name && cx.model.pkg(pkg).import_path == path,
        _ => false,
    }
}

/// Types with an `AddFlags` method (and which of the other options methods they have), with their flags.
fn options_structs(cx: &Cx, def: &CommandsDef, flags: &[Flag]) -> Vec<OptionsStruct> {
    let mut out = Vec::new();
    for pkg in cx.model.packages.iter().filter(|p| !p.support) {
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
            let mut names: Vec<String> = flags
                .iter()
                .filter(|f| f.options_type.as_deref() == Some(id.as_str()))
                .map(|f| f.name.clone())
                .collect();
            names.dedup();
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
