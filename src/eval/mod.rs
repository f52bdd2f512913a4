//! An evaluator of Go code, run statically the way the program runs it: a binary's package initialisers and
//! `main`, with the libraries it builds its command line with (pflag, the standard `flag`, cobra) and the parts
//! of the standard library that compute names and texts modelled natively (`native.rs`). Values that depend on
//! the outside world (files, the environment, code outside the tree) are `Unknown`; a condition that is
//! `Unknown` runs both of its branches, so every registration that can happen is seen. It runs as a linux build
//! does: `runtime.GOOS` is `linux`, and of a function declared per platform the linux file's is run.
//!
//! Topics use it to follow flag registrations into helpers, to evaluate defaults, and to build command trees
//! that are made in loops (`topics/commands.rs`).

mod exec;
mod native;
pub mod value;

use crate::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use crate::code::FuncCode;
use crate::consteval::{ConstValue, Consts};
use crate::model::{FileId, Located, Model, PkgId, TypeRef};
use crate::sources::Sources;
use crate::syntax::{FuncDecl, TypeExpr, ValueKind};
pub use native::{default_is_zero, flag_form, go_duration, go_quote, FLAG_TYPES};
pub use value::{CommandObj, FlagObj, FlagSetObj, IntKind, Obj, ObjId, Place, Site, Ty, Val};

/// How much one run may do before it stops: statements executed, calls deep, iterations of one loop.
const STEP_BUDGET: usize = 500_000;
const MAX_DEPTH: usize = 48;
const MAX_ITERATIONS: usize = 2_000;

pub struct Evaluator<'m> {
    pub model: &'m Model,
    consts: &'m Consts,
    sources: &'m Sources,
    /// The code read so far, shared with the evaluators of the same tree on other threads.
    code: Arc<CodeCache>,
    /// The text of each file read so far, with the byte offset of each line.
    texts: HashMap<FileId, Arc<FileText>>,
    /// Every function and method declaration of the model, by file and line.
    decls: HashMap<(FileId, u32), &'m FuncDecl>,
    /// The package-level names of each package looked in so far.
    names: std::cell::RefCell<Vec<Option<Rc<Names<'m>>>>>,
    /// What starting each package started so far runs, listed the first time.
    inits: Vec<Option<Rc<Inits<'m>>>>,
    /// The code of each function run so far, by file and line.
    funcs_code: HashMap<(FileId, u32), Func>,
    /// The package-level variable declarations of each file read so far.
    vars_code: HashMap<FileId, Arc<Vars>>,
    pub heap: Vec<Obj>,
    /// Package-level variables, each in a cell, initialised when first read.
    globals: HashMap<(PkgId, &'m str), ObjId>,
    initialising: HashSet<(PkgId, &'m str)>,
    steps: usize,
    /// A binary is being run, as with `--help` (not a function on its own).
    in_main: bool,
    /// How many branches the code being run is inside that may not run at all (an `if` whose condition is not
    /// known, and the like): the process exits only where it certainly gets to.
    uncertain: u32,
    /// The binary has exited: it parsed its command line's flags (`flag.Parse()`, `pflag.Parse()`), which print
    /// the usage and exit on `--help` when no flag is named `help`.
    exited: bool,
    depth: usize,
    /// Functions on the current call stack, to stop runaway recursion.
    stack: Vec<(FileId, u32)>,
    /// `pflag.CommandLine` and the standard `flag.CommandLine`.
    pub pflag_command_line: ObjId,
    pub go_command_line: ObjId,
    /// Every command created, in order.
    pub commands: Vec<ObjId>,
    /// Every flag registered, in order.
    pub flags: Vec<ObjId>,
    /// Commands run with `Execute` (or `ExecuteC`, `ExecuteContext`), in order.
    pub executed: Vec<ObjId>,
    /// Flag sets parsed (`pflag.Parse()`, `flag.Parse()`, `fs.Parse(args)`), in order.
    pub parsed: Vec<ObjId>,
    /// The line of the statement being run: where a registration or a command is.
    line: u32,
    /// The type a composite literal without one takes (an element of `[]T{{...}}`).
    expected: Option<Ty>,
    /// Functions whose string argument is their result as far as the evaluator is concerned (`i18n.T`,
    /// `templates.LongDesc`): `qualifier.Name`.
    pub text_wrappers: Vec<String>,
    /// The call being made passes its last argument spread (`f(xs...)`).
    spreading: bool,
    /// The command whose help or usage function is being run.
    helping: Option<ObjId>,
    /// The declared types of variables (`var l Level`), for the methods of a pointer to one.
    cell_types: HashMap<ObjId, Ty>,
    /// `KUBEWALK_TRACE_EVAL=Name`: calls of functions whose name contains it are printed, for debugging.
    trace: Option<String>,
}

/// A package's package-level variables and constants (by index in its values) and functions, by name: the
/// declaration of a linux file when there are several, else the first.
#[derive(Default)]
struct Names<'m> {
    values: HashMap<&'m str, usize>,
    funcs: HashMap<&'m str, &'m Located<FuncDecl>>,
}

/// What starting a package runs (`run_inits`), the same in every binary that imports it: the variables
/// initialised as the program starts, then the `init` functions, in declaration order.
struct Inits<'m> {
    vars: Vec<&'m str>,
    funcs: Vec<&'m Located<FuncDecl>>,
}

/// A file's text and the byte offset of each line.
type FileText = (String, Vec<usize>);

/// A function's code (or a `var` spec's), by the line it starts on; `None` when it cannot be read.
type Func = Option<Arc<FuncCode>>;

/// A file's package-level variable declarations.
type Vars = Vec<Arc<FuncCode>>;

/// The code evaluators of one tree have read (file texts, functions' and variables' code), for evaluators on
/// several threads to share: each is read and lowered once.
#[derive(Default)]
pub struct CodeCache {
    texts: Shared<FileId, Option<Arc<FileText>>>,
    funcs: Shared<(FileId, u32), Func>,
    vars: Shared<FileId, Arc<Vars>>,
    /// The import paths of each package, sorted: every main's run walks its import closure.
    imports: Shared<Arc<str>, Arc<[Arc<str>]>>,
    /// Whether a package-level variable (a package and the index of its value) has an initialiser made of
    /// literals and constants alone: asked of every argument that names it, in every main.
    constant_vars: Shared<(PkgId, usize), bool>,
}

/// A map that evaluators on several threads fill: each entry is made once, by the first thread that needs it,
/// while a second waits for it rather than making it again.
type Shared<K, V> = Mutex<HashMap<K, Arc<std::sync::OnceLock<V>>>>;

/// The entry of a shared map, made (outside the map's lock) when it is missing.
fn shared<K: std::hash::Hash + Eq, V: Clone>(map: &Shared<K, V>, key: K, make: impl FnOnce() -> V) -> V {
    let cell = map
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_default()
        .clone();
    cell.get_or_init(make).clone()
}

/// The code of one `var` or `const` spec at lines `line..=end_line` of a file, as a `var` declaration of its own;
/// `None` for a grouped spec.
fn spec_code_at(text: &FileText, line: u32, end_line: u32) -> Option<Arc<FuncCode>> {
    let spec = spec_text(text, line, end_line)?;
    if spec.trim_start().starts_with('(') {
        return None;
    }
    crate::lower::code_at_line(&format!("var {spec}"), line)
        .into_iter()
        .find(|c| c.var_decl && c.line == line)
        .map(Arc::new)
}

/// Lines `line..=end_line` of a file, a `var` or `const` spec, without the keyword an ungrouped spec shares its
/// line with.
fn spec_text(text: &FileText, line: u32, end_line: u32) -> Option<&str> {
    let lines = crate::lower::lines_at(&text.0, &text.1, line, end_line)?.trim_start();
    Some(
        ["var ", "var\t", "const ", "const\t"]
            .iter()
            .find_map(|k| lines.strip_prefix(k))
            .unwrap_or(lines),
    )
}

/// Whether a `var` spec (`spec_text`) is `name = []byte{...}` of integer literals and comments alone: a generated
/// protobuf descriptor, thousands of literals long, that `constant_like` would parse and walk to give the same
/// answer. Any other spec is left to it.
fn byte_literals_only(spec: &str, name: &str) -> bool {
    let Some(rest) = spec.trim_start().strip_prefix(name) else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix('=') else {
        return false;
    };
    let Some(mut rest) = rest.trim_start().strip_prefix("[]byte{") else {
        return false;
    };
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            // The literal ends the spec, but for a comment on its line.
            let after = after.trim();
            return after.is_empty() || (after.starts_with("//") && !after.contains('\n'));
        }
        if let Some(comment) = rest.strip_prefix("//") {
            let Some(end) = comment.find('\n') else { return false };
            rest = &comment[end..];
        } else if let Some(comment) = rest.strip_prefix("/*") {
            let Some(end) = comment.find("*/") else { return false };
            rest = &comment[end + 2..];
        } else if rest.starts_with(|c: char| c.is_ascii_digit()) {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
        } else {
            return false;
        }
    }
}

/// The objects a run made, for reading after it.
pub struct World {
    pub heap: Vec<Obj>,
    pub commands: Vec<ObjId>,
    pub flags: Vec<ObjId>,
    pub executed: Vec<ObjId>,
    pub parsed: Vec<ObjId>,
    pub pflag_command_line: ObjId,
    pub go_command_line: ObjId,
}

impl World {
    /// The object a value refers to, through pointers.
    pub fn deref(&self, v: &Val) -> Option<ObjId> {
        value::deref(&self.heap, v)
    }
}

/// What a statement does to the flow of a function.
#[derive(Debug, Clone, PartialEq)]
enum Flow {
    Normal,
    Return(Vec<Val>),
    Break(Option<String>),
    Continue(Option<String>),
    /// The budget is spent: unwind.
    Stop,
}

/// A deferred call: the function and its arguments, evaluated when `defer` ran.
type Deferred = (Val, Vec<Val>);

/// Where an expression is evaluated: its package and file (for names and imports), and its variables.
#[derive(Clone)]
struct Frame {
    pkg: PkgId,
    file: FileId,
    scope: Rc<value::Scope>,
    /// The function being run, as `(*T).Name`, for sites.
    function: Rc<str>,
    /// Calls deferred to the function's end.
    deferred: Rc<std::cell::RefCell<Vec<Deferred>>>,
}

impl<'m> Evaluator<'m> {
    pub fn new(model: &'m Model, consts: &'m Consts, sources: &'m Sources) -> Evaluator<'m> {
        Evaluator::sharing(model, consts, sources, Arc::default())
    }

    /// An evaluator that reads code through `code`, which other evaluators of the tree may share.
    pub fn sharing(model: &'m Model, consts: &'m Consts, sources: &'m Sources, code: Arc<CodeCache>) -> Evaluator<'m> {
        let mut e = Evaluator {
            model,
            consts,
            sources,
            code,
            texts: HashMap::default(),
            decls: model
                .packages
                .iter()
                .flat_map(|p| p.funcs.iter().chain(p.methods.iter()))
                .map(|f| ((f.file, f.decl.line), &f.decl))
                .collect(),
            names: std::cell::RefCell::new(vec![None; model.packages.len()]),
            inits: vec![None; model.packages.len()],
            funcs_code: HashMap::default(),
            vars_code: HashMap::default(),
            heap: Vec::new(),
            globals: HashMap::default(),
            initialising: HashSet::default(),
            steps: 0,
            in_main: false,
            uncertain: 0,
            exited: false,
            depth: 0,
            stack: Vec::new(),
            pflag_command_line: 0,
            go_command_line: 0,
            commands: Vec::new(),
            flags: Vec::new(),
            executed: Vec::new(),
            parsed: Vec::new(),
            line: 0,
            expected: None,
            text_wrappers: Vec::new(),
            spreading: false,
            helping: None,
            cell_types: HashMap::default(),
            trace: std::env::var("KUBEWALK_TRACE_EVAL")
                .ok()
                .filter(|t| !t.is_empty() && t != "1"),
        };
        e.reset();
        e
    }

    /// A fresh world: no objects, no variables, empty global flag sets. The code read stays.
    pub fn reset(&mut self) {
        self.heap.clear();
        self.globals.clear();
        self.initialising.clear();
        self.commands.clear();
        self.flags.clear();
        self.executed.clear();
        self.parsed.clear();
        self.helping = None;
        self.cell_types.clear();
        self.steps = 0;
        self.exited = false;
        self.uncertain = 0;
        self.depth = 0;
        self.stack.clear();
        let os = std::path::Path::new("kubewalk").display().to_string();
        self.pflag_command_line = self.alloc(Obj::FlagSet(Box::new(FlagSetObj {
            name: os.clone(),
            ..Default::default()
        })));
        self.go_command_line = self.alloc(Obj::FlagSet(Box::new(FlagSetObj {
            name: os,
            go: true,
            ..Default::default()
        })));
    }

    pub fn alloc(&mut self, obj: Obj) -> ObjId {
        self.heap.push(obj);
        self.heap.len() - 1
    }

    /// What a run made, taken out of the evaluator (which starts a fresh world): the objects, and the commands,
    /// flags, executed commands and parsed flag sets among them.
    pub fn take_world(&mut self) -> World {
        let world = World {
            heap: std::mem::take(&mut self.heap),
            commands: std::mem::take(&mut self.commands),
            flags: std::mem::take(&mut self.flags),
            executed: std::mem::take(&mut self.executed),
            parsed: std::mem::take(&mut self.parsed),
            pflag_command_line: self.pflag_command_line,
            go_command_line: self.go_command_line,
        };
        self.reset();
        world
    }

    /// Statements run since the world was made.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Whether the run is over: the step budget is spent, or the process has exited.
    pub fn exhausted(&self) -> bool {
        self.steps >= STEP_BUDGET || self.exited
    }

    /// Runs a binary as its process starts: the initialisers of the packages it imports that register flags or
    /// build commands (dependencies first), then its `main`.
    pub fn run_main(&mut self, pkg: PkgId) {
        self.in_main = true;
        for dep in self.import_closure(pkg) {
            self.run_inits(dep);
        }
        if let Some(main) = self.func_named(pkg, "main") {
            self.call_func(pkg, main.file, &main.decl, None, Vec::new());
        }
        self.in_main = false;
    }

    /// Runs one function with arguments the evaluator does not know: for code no binary reaches. A parameter
    /// (or receiver) that is a pointer to a flag set or to a struct of the tree gets a fresh one, so that what
    /// the function registers on it is seen.
    pub fn run_with_unknown_args(&mut self, pkg: PkgId, func: &Located<FuncDecl>) {
        let file = func.file;
        let mut args = Vec::new();
        for p in &func.decl.sig.params {
            let v = self.stand_in(pkg, file, &p.ty);
            args.extend(std::iter::repeat_n(v, p.names.len().max(1)));
        }
        let receiver = func.decl.receiver.as_ref().map(|r| self.stand_in(pkg, file, &r.ty));
        self.call_func(pkg, file, &func.decl, receiver, args);
    }

    /// A value to stand in for an unknown argument of a type.
    fn stand_in(&mut self, pkg: PkgId, file: FileId, ty: &TypeExpr) -> Val {
        match self.resolve_type(pkg, file, ty) {
            Ty::Pointer(inner) => match *inner {
                t @ (Ty::Named(_) | Ty::External(_)) => match native::make(self, &t, true) {
                    v @ Val::Obj(_) => v,
                    _ => Val::Unknown,
                },
                _ => Val::Unknown,
            },
            t @ Ty::Named(_) => match self.zero(&t) {
                v @ Val::Obj(_) => v,
                _ => Val::Unknown,
            },
            _ => Val::Unknown,
        }
    }

    /// The packages of the model a main package imports, directly or not, each after those it imports. The
    /// imports of vendored packages the scan skipped are read from their files, so that a package of the model
    /// reached only through them (cadvisor's, through its `install` packages) is reached.
    fn import_closure(&mut self, root: PkgId) -> Vec<PkgId> {
        let mut order = Vec::new();
        let mut seen: HashSet<Arc<str>> = HashSet::default();
        let start: Arc<str> = Arc::from(self.model.pkg(root).import_path.as_str());
        // Depth-first, iterative: (import path, whether its imports are done).
        let mut stack = vec![(start, false)];
        while let Some((path, done)) = stack.pop() {
            if done {
                if let Some(pkg) = self.model.package_by_path(&path) {
                    order.push(pkg);
                }
                continue;
            }
            if !seen.insert(path.clone()) {
                continue;
            }
            let imports = self.imports_of(&path);
            stack.push((path, true));
            for dep in imports.iter().rev() {
                if !seen.contains(dep) {
                    stack.push((dep.clone(), false));
                }
            }
        }
        order
    }

    /// The import paths a package imports, sorted and each once: from the model (its linux files), else from a
    /// vendored package's files. Read once for all the evaluators of a tree.
    fn imports_of(&self, path: &Arc<str>) -> Arc<[Arc<str>]> {
        shared(&self.code.imports, path.clone(), || {
            let mut imports: Vec<String> = if let Some(pkg) = self.model.package_by_path(path) {
                self.model
                    .pkg(pkg)
                    .files
                    .iter()
                    .filter(|&&f| self.linux(f))
                    .filter_map(|&f| self.model.file(f).syntax.as_ref())
                    .flat_map(|s| s.imports.iter().map(|i| i.path.clone()))
                    .collect()
            } else if path.split('/').next().is_some_and(|first| first.contains('.')) {
                self.sources.vendored_imports(path)
            } else {
                // The standard library has no folder in the tree.
                Vec::new()
            };
            imports.sort();
            imports.dedup();
            imports.iter().map(|i| Arc::from(i.as_str())).collect()
        })
    }

    /// A package's variables, initialised as the program starts (in declaration order; Go orders them by their
    /// dependencies, which reading a variable first initialises anyway), then its `init` functions.
    fn run_inits(&mut self, pkg: PkgId) {
        let inits = self.inits_of(pkg);
        for name in &inits.vars {
            self.global(pkg, name);
        }
        for f in &inits.funcs {
            self.call_func(pkg, f.file, &f.decl, None, Vec::new());
        }
    }

    /// What starting a package runs, listed the first time: the binaries that import a package all start it.
    fn inits_of(&mut self, pkg: PkgId) -> Rc<Inits<'m>> {
        if let Some(inits) = &self.inits[pkg.0] {
            return inits.clone();
        }
        let model: &'m Model = self.model;
        let package = model.pkg(pkg);
        // Only the variables of files that use a flag or command library are initialised here (one of them may
        // register a flag as it is initialised: `var addr = flag.String(...)`); the others when they are first
        // read, which gives the same values for the rest of the program and spares the run most of them.
        let vars = package
            .values
            .iter()
            .filter(|v| v.decl.kind == ValueKind::Var && self.linux(v.file) && v.decl.name != "_")
            .filter(|v| self.uses_flag_library(v.file))
            .map(|v| v.decl.name.as_str())
            .collect();
        let funcs = package
            .funcs
            .iter()
            .filter(|f| f.decl.name == "init" && self.linux(f.file))
            .collect();
        let inits = Rc::new(Inits { vars, funcs });
        self.inits[pkg.0] = Some(inits.clone());
        inits
    }

    /// Whether a file imports the standard `flag`, pflag or cobra.
    fn uses_flag_library(&self, file: FileId) -> bool {
        const LIBRARIES: [&str; 3] = ["flag", "github.com/spf13/pflag", "github.com/spf13/cobra"];
        self.model
            .file(file)
            .syntax
            .as_ref()
            .is_some_and(|s| s.imports.iter().any(|i| LIBRARIES.contains(&i.path.as_str())))
    }

    /// Whether a file is built on linux.
    fn linux(&self, file: FileId) -> bool {
        self.model.file(file).platforms.contains("linux")
    }

    /// A package-level function by name, the linux file's declaration when there are several.
    fn func_named(&self, pkg: PkgId, name: &str) -> Option<&'m Located<FuncDecl>> {
        self.names(pkg).funcs.get(name).copied()
    }

    /// The index of a package-level variable or constant among its package's values, the linux file's when there
    /// are several.
    pub(super) fn value_named(&self, pkg: PkgId, name: &str) -> Option<usize> {
        self.names(pkg).values.get(name).copied()
    }

    /// A package's package-level names, indexed the first time.
    fn names(&self, pkg: PkgId) -> Rc<Names<'m>> {
        if let Some(names) = &self.names.borrow()[pkg.0] {
            return names.clone();
        }
        let model: &'m Model = self.model;
        let package = model.pkg(pkg);
        let mut names = Names::default();
        for (i, v) in package.values.iter().enumerate() {
            let kept = names.values.entry(v.decl.name.as_str()).or_insert(i);
            if !self.linux(package.values[*kept].file) && self.linux(v.file) {
                *kept = i;
            }
        }
        for f in &package.funcs {
            let kept = names.funcs.entry(f.decl.name.as_str()).or_insert(f);
            if !self.linux(kept.file) && self.linux(f.file) {
                *kept = f;
            }
        }
        let names = Rc::new(names);
        self.names.borrow_mut()[pkg.0] = Some(names.clone());
        names
    }

    /// A file's text and line offsets, read once.
    fn text(&mut self, file: FileId) -> Option<Arc<FileText>> {
        if let Some(t) = self.texts.get(&file) {
            return Some(t.clone());
        }
        let (sources, path) = (self.sources, &self.model.file(file).path);
        let text = shared(&self.code.texts, file, || {
            let src = sources.read(path)?;
            let starts = crate::lower::line_starts(&src);
            Some(Arc::new((src, starts)))
        })?;
        self.texts.insert(file, text.clone());
        Some(text)
    }

    /// The code of the function declared at lines `line..=end_line` of a file (`lower::func_code_at`).
    fn func_code(&mut self, file: FileId, line: u32, end_line: u32) -> Option<Arc<FuncCode>> {
        if let Some(code) = self.funcs_code.get(&(file, line)) {
            return code.clone();
        }
        let text = self.text(file)?;
        let code = shared(&self.code.funcs, (file, line), || {
            crate::lower::func_code_at(&text.0, &text.1, line, end_line).map(Arc::new)
        });
        self.funcs_code.insert((file, line), code.clone());
        code
    }

    /// The code of one `var` or `const` spec at lines `line..=end_line`, as a `var` declaration of its own.
    fn spec_code(&mut self, file: FileId, line: u32, end_line: u32) -> Option<Arc<FuncCode>> {
        if let Some(code) = self.funcs_code.get(&(file, line)) {
            return code.clone();
        }
        let text = self.text(file)?;
        let code = shared(&self.code.funcs, (file, line), || spec_code_at(&text, line, end_line));
        self.funcs_code.insert((file, line), code.clone());
        code
    }

    /// The package-level variable declarations of a file, parsing its declarations the first time.
    fn vars_code(&mut self, file: FileId) -> Arc<Vars> {
        if let Some(code) = self.vars_code.get(&file) {
            return code.clone();
        }
        let text = self.text(file);
        let code = shared(&self.code.vars, file, || {
            Arc::new(match text {
                Some(text) => {
                    let tree = crate::parse::parse_declarations(&text.0);
                    crate::lower::lower_code(&tree, &text.0)
                        .into_iter()
                        .filter(|c| c.var_decl)
                        .map(Arc::new)
                        .collect()
                }
                None => Vec::new(),
            })
        });
        self.vars_code.insert(file, code.clone());
        code
    }

    /// A package-level variable's cell, initialised from its declaration the first time.
    fn global(&mut self, pkg: PkgId, name: &str) -> Option<ObjId> {
        let index = self.value_named(pkg, name)?;
        let model: &'m Model = self.model;
        let located = &model.pkg(pkg).values[index];
        let key = (pkg, located.decl.name.as_str());
        if let Some(&cell) = self.globals.get(&key) {
            return Some(cell);
        }
        let (file, kind, ty) = (located.file, located.decl.kind, located.decl.ty.clone());
        let spec = (located.decl.spec_line, located.decl.spec_end_line);
        let cell = self.alloc(Obj::Cell(Val::Unknown));
        self.globals.insert(key, cell);
        if let Some(t) = &ty {
            let declared = self.resolve_type(pkg, file, t);
            if matches!(declared, Ty::Named(_)) {
                self.cell_types.insert(cell, declared);
            }
        }
        if !self.initialising.insert(key) {
            return Some(cell);
        }
        // A constant the scan evaluated; else the declaration's code.
        let known = self.consts.get(pkg, index).map(|v| const_val(v, ty.as_ref()));
        let value = match (kind, known) {
            (ValueKind::Const, Some(v)) => v,
            _ => self
                .eval_global_decl(pkg, file, name, ty.as_ref(), spec)
                .unwrap_or(Val::Unknown),
        };
        self.heap[cell] = Obj::Cell(value);
        Some(cell)
    }

    /// Evaluates a package-level `var` (or a `const` the scan could not) from its spec's code: the spec alone
    /// when it parses so, else the file's declarations.
    fn eval_global_decl(
        &mut self,
        pkg: PkgId,
        file: FileId,
        name: &str,
        ty: Option<&TypeExpr>,
        spec: (u32, u32),
    ) -> Option<Val> {
        let (code, at) = self.global_decl(file, name, spec)?;
        let stmt = &code.body[at];
        let crate::code::StmtKind::Var { names, values, .. } = &stmt.kind else {
            return None;
        };
        let i = names.iter().position(|n| n == name)?;
        let frame = self.top_frame(pkg, file, &format!("var {name}"));
        self.line = stmt.line;
        let value = match values.len() {
            0 => ty.map(|t| self.zero_of_expr(pkg, file, t)).unwrap_or(Val::Unknown),
            n if n == names.len() => self.eval(&frame, &values[i]),
            _ => {
                // `var a, b = f()`.
                let all = self.eval_multi(&frame, &values[0], names.len());
                all.get(i).cloned().unwrap_or(Val::Unknown)
            }
        };
        let value = match ty {
            Some(t) if is_duration(t) => retag_duration(value),
            _ => value,
        };
        Some(value)
    }

    /// The code declaring a package-level name, and the index of its `var` statement: the spec alone when it
    /// parses so, else the file's declarations.
    fn global_decl(&mut self, file: FileId, name: &str, spec: (u32, u32)) -> Option<(Arc<FuncCode>, usize)> {
        let at = |c: &FuncCode| {
            c.body.iter().position(
                |s| matches!(&s.kind, crate::code::StmtKind::Var { names, .. } if names.iter().any(|n| n == name)),
            )
        };
        if let Some(code) = self.spec_code(file, spec.0, spec.1) {
            if let Some(i) = at(&code) {
                return Some((code, i));
            }
        }
        self.vars_code(file)
            .iter()
            .find_map(|code| at(code).map(|i| (code.clone(), i)))
    }

    /// Whether reading a package-level name runs nothing the program could see: it is no variable, a constant,
    /// a variable already initialised, or one whose initialiser is made of literals and constants alone (a
    /// generated `fileDescriptor_*` `[]byte`, an enum's name map), which gives the same value whenever it runs.
    pub(super) fn reads_without_effects(&mut self, pkg: PkgId, name: &str) -> bool {
        let Some(index) = self.value_named(pkg, name) else {
            return true;
        };
        let model: &'m Model = self.model;
        let located = &model.pkg(pkg).values[index];
        if located.decl.kind == ValueKind::Const || self.globals.contains_key(&(pkg, located.decl.name.as_str())) {
            return true;
        }
        let code = self.code.clone();
        shared(&code.constant_vars, (pkg, index), || {
            let spec = (located.decl.spec_line, located.decl.spec_end_line);
            let text = self.text(located.file);
            if text.is_some_and(|t| spec_text(&t, spec.0, spec.1).is_some_and(|s| byte_literals_only(s, name))) {
                return true;
            }
            let Some((code, at)) = self.global_decl(located.file, name, spec) else {
                return false;
            };
            let crate::code::StmtKind::Var { names, values, .. } = &code.body[at].kind else {
                return false;
            };
            match names.iter().position(|n| n == name) {
                Some(i) if values.len() == names.len() => self.constant_like(pkg, located.file, &values[i]),
                Some(_) => values.is_empty(),
                None => false,
            }
        })
    }

    fn top_frame(&self, pkg: PkgId, file: FileId, function: &str) -> Frame {
        Frame {
            pkg,
            file,
            scope: Rc::new(value::Scope::default()),
            function: Rc::from(function),
            deferred: Default::default(),
        }
    }

    /// Calls a function or method of the tree. The result: its return values (`Unknown` for what is not known).
    fn call_func(
        &mut self,
        pkg: PkgId,
        file: FileId,
        decl: &FuncDecl,
        receiver: Option<Val>,
        args: Vec<Val>,
    ) -> Vec<Val> {
        self.call_func_spread(pkg, file, decl, receiver, args, false)
    }

    /// `call_func`, where `spread` says the last argument is a slice passed as the variadic parameter (`f(xs...)`).
    fn call_func_spread(
        &mut self,
        pkg: PkgId,
        file: FileId,
        decl: &FuncDecl,
        receiver: Option<Val>,
        args: Vec<Val>,
        spread: bool,
    ) -> Vec<Val> {
        let results = decl.sig.results.iter().map(|r| r.names.len().max(1)).sum::<usize>();
        let unknown = || vec![Val::Unknown; results];
        if self.depth >= MAX_DEPTH || self.exhausted() {
            return unknown();
        }
        let key = (file, decl.line);
        // A function already on the stack twice: recursion the evaluator does not follow further.
        if self.stack.iter().filter(|k| **k == key).count() >= 2 {
            return unknown();
        }
        let Some(code) = self.func_code(file, decl.line, decl.end_line) else {
            return unknown();
        };
        let name = decl.display_name();
        let frame = self.top_frame(pkg, file, &name);
        if let (Some(r), Some(recv)) = (&code.receiver, receiver) {
            // A method with a value receiver gets the value a pointer points to (`Tristate.String` through
            // `&o.Merge`).
            let recv = match (&recv, &decl.receiver) {
                (Val::Ref(place), Some(r)) if !r.is_pointer() => self.read_place(place),
                _ => recv,
            };
            self.define(&frame, r, recv);
        }
        self.bind_params(&frame, &code.params, code.variadic, args, spread);
        // Named results start as their zero values.
        let mut named = Vec::new();
        for r in decl.sig.results.iter() {
            for n in &r.names {
                let zero = self.zero_of_expr(pkg, file, &r.ty);
                named.push(self.define(&frame, n, zero));
            }
        }
        let traced = self.trace.as_ref().is_some_and(|t| name.contains(t.as_str()));
        if traced {
            let args: Vec<String> = code
                .params
                .iter()
                .map(|p| match frame.scope.lookup(p) {
                    Some(c) => format!("{p}={:?}", self.read_cell(c)),
                    None => p.clone(),
                })
                .collect();
            eprintln!(
                "{}call {name} ({}:{}) {}",
                " ".repeat(self.depth),
                self.model.file(file).path,
                decl.line,
                args.join(", ")
            );
        }
        self.depth += 1;
        self.stack.push(key);
        let caller_line = self.line;
        let flow = self.exec_block(&frame, &code.body);
        if traced {
            eprintln!("{}-> {name}: {:?}", " ".repeat(self.depth - 1), flow);
        }
        self.run_deferred(&frame);
        self.stack.pop();
        self.depth -= 1;
        // What the caller does next happens on its own line.
        self.line = caller_line;
        match flow {
            Flow::Return(values) if !values.is_empty() => {
                let mut values = values;
                values.resize(results.max(values.len()), Val::Unknown);
                // A map or slice returned as a named type of it takes the type, for its methods
                // (`return certMap` from a func returning `CertificateMap`).
                let declared = decl
                    .sig
                    .results
                    .iter()
                    .flat_map(|r| std::iter::repeat_n(&r.ty, r.names.len().max(1)));
                for (v, ty) in values.iter().zip(declared) {
                    self.retag(pkg, file, v, ty);
                }
                values
            }
            _ if !named.is_empty() => named.iter().map(|&c| self.read_cell(c)).collect(),
            _ => unknown(),
        }
    }

    /// Gives a map or slice object without a named type the named type it is assigned to.
    fn retag(&mut self, pkg: PkgId, file: FileId, v: &Val, ty: &TypeExpr) {
        let Some(obj) = v.obj() else { return };
        if !matches!(
            self.heap[obj],
            Obj::Map { ty: Ty::Map(..), .. } | Obj::Slice { ty: Ty::Slice(_), .. }
        ) {
            return;
        }
        let TypeExpr::Name { .. } = ty else { return };
        let declared = self.resolve_type(pkg, file, ty);
        let Ty::Named(t) = &declared else { return };
        let fits = matches!(
            (self.model.type_decl(t).map(|d| &d.decl.ty), &self.heap[obj]),
            (Some(TypeExpr::Map { .. }), Obj::Map { .. }) | (Some(TypeExpr::Slice(_)), Obj::Slice { .. })
        );
        if !fits {
            return;
        }
        match &mut self.heap[obj] {
            Obj::Map { ty, .. } | Obj::Slice { ty, .. } => *ty = declared,
            _ => {}
        }
    }

    fn run_deferred(&mut self, frame: &Frame) {
        let deferred: Vec<(Val, Vec<Val>)> = frame.deferred.borrow_mut().drain(..).rev().collect();
        for (fun, args) in deferred {
            self.call_value(frame, &fun, args);
        }
    }

    fn bind_params(&mut self, frame: &Frame, params: &[String], variadic: bool, mut args: Vec<Val>, spread: bool) {
        if variadic && !params.is_empty() {
            let fixed = params.len() - 1;
            let rest: Vec<Val> = if args.len() > fixed {
                args.split_off(fixed)
            } else {
                Vec::new()
            };
            let slice = match rest.as_slice() {
                // `f(xs...)`: the slice itself.
                [v] if spread => v.clone(),
                _ => {
                    let id = self.alloc(Obj::Slice {
                        ty: Ty::Unknown,
                        elems: rest,
                    });
                    Val::Obj(id)
                }
            };
            args.resize(fixed, Val::Unknown);
            args.push(slice);
        }
        for (i, p) in params.iter().enumerate() {
            let v = args.get(i).cloned().unwrap_or(Val::Unknown);
            if p != "_" {
                self.define(frame, p, v);
            }
        }
    }

    /// Defines a variable in a frame's scope; returns its cell.
    fn define(&mut self, frame: &Frame, name: &str, value: Val) -> ObjId {
        let cell = self.alloc(Obj::Cell(value));
        frame.scope.define(name, cell);
        cell
    }

    fn read_cell(&self, cell: ObjId) -> Val {
        value::read_cell(&self.heap, cell)
    }

    /// The method `name` of a value's dynamic type, with the receiver it is called on (a promoted method's
    /// embedded field).
    fn method_of(&mut self, recv: &Val, name: &str) -> Option<(PkgId, FileId, &'m FuncDecl, Val)> {
        let t = self.named_type_of(recv)?;
        let model: &'m Model = self.model;
        let info = model.pkg(t.pkg).named.get(&t.name)?;
        let set = info.method_set.as_ref()?;
        let entry = set.pointer.iter().find(|m| m.name == name)?;
        // The receiver: through the embedded fields the method is promoted by.
        let mut receiver = match self.deref_obj(recv) {
            Some(obj) => Val::Obj(obj),
            None => recv.clone(),
        };
        for field in &entry.promoted_via {
            receiver = self.field(&receiver, field);
        }
        let (file, line) = entry
            .locations
            .iter()
            .find(|(f, _)| self.linux(*f))
            .or(entry.locations.first())
            .copied()?;
        let decl = self.decl_at(file, line)?;
        Some((entry.owner.pkg, file, decl, receiver))
    }

    /// The function or method declared at a line of a file.
    pub(super) fn decl_at(&self, file: FileId, line: u32) -> Option<&'m FuncDecl> {
        self.decls.get(&(file, line)).copied()
    }

    /// The named type of the tree a value is (or points to): a struct, map or slice object's type, or the
    /// declared type of the variable or field a pointer points to (`&logging.verbosity`, a `Level`).
    pub(super) fn named_type_of(&mut self, v: &Val) -> Option<TypeRef> {
        if let Some(obj) = self.deref_obj(v) {
            return match &self.heap[obj] {
                Obj::Struct { ty: Ty::Named(t), .. }
                | Obj::Map { ty: Ty::Named(t), .. }
                | Obj::Slice { ty: Ty::Named(t), .. } => Some(t.clone()),
                _ => None,
            };
        }
        let declared = match v {
            Val::Ref(Place::Cell(cell)) => self.cell_types.get(cell).cloned()?,
            Val::Ref(Place::Field(obj, field)) => {
                let Obj::Struct {
                    ty: Ty::Named(owner), ..
                } = &self.heap[*obj]
                else {
                    return None;
                };
                let owner = owner.clone();
                let (pkg, file, ty, via) = self.field_type(&owner, field)?;
                if via.is_some() {
                    return None;
                }
                self.resolve_type(pkg, file, &ty)
            }
            _ => return None,
        };
        match declared {
            Ty::Named(t) => Some(t),
            _ => None,
        }
    }

    /// The object a value refers to, through pointers.
    fn deref_obj(&self, v: &Val) -> Option<ObjId> {
        value::deref(&self.heap, v)
    }

    /// A place's value; a key a map does not hold (when it holds no entry under a key not known) reads as the
    /// zero value of the map's values.
    fn read_place(&mut self, place: &Place) -> Val {
        match place {
            Place::CommandLine(false) => return Val::Obj(self.pflag_command_line),
            Place::CommandLine(true) => return Val::Obj(self.go_command_line),
            _ => {}
        }
        let v = value::read_place(&self.heap, place);
        if let (Val::Unknown, Place::Index(obj, key)) = (&v, place) {
            if let Obj::Map { ty, entries } = &self.heap[*obj] {
                if key.is_known() && entries.iter().all(|(k, _)| k.is_known() && k != key.as_ref()) {
                    let ty = ty.clone();
                    return self.map_zero(&ty);
                }
            }
        }
        v
    }

    /// The zero value of a map type's values.
    fn map_zero(&mut self, ty: &Ty) -> Val {
        let ty = match ty {
            Ty::Named(_) => native::named_underlying_of(self, ty).unwrap_or(Ty::Unknown),
            t => t.clone(),
        };
        match ty {
            Ty::Map(_, v) => self.zero(&v),
            _ => Val::Unknown,
        }
    }

    /// A struct's field, its zero value (from the field's declared type) when it was never set; a field of an
    /// embedded struct when the struct has none of that name.
    pub(super) fn field(&mut self, v: &Val, name: &str) -> Val {
        if let Some(value) = native::field(self, v, name) {
            return value;
        }
        let Some(obj) = self.deref_obj(v) else {
            return Val::Unknown;
        };
        let (ty, set) = match &self.heap[obj] {
            Obj::Struct { ty, fields } => (ty.clone(), fields.get(name).cloned()),
            _ => return Val::Unknown,
        };
        if let Some(value) = set {
            return value;
        }
        let Ty::Named(t) = ty else { return Val::Unknown };
        match self.field_type(&t, name) {
            Some((pkg, file, fty, None)) => {
                let zero = self.zero_of_expr(pkg, file, &fty);
                if let Obj::Struct { fields, .. } = &mut self.heap[obj] {
                    fields.insert(name.to_string(), zero.clone());
                }
                zero
            }
            // Promoted through an embedded field.
            Some((_, _, _, Some(embedded))) => {
                let inner = self.field(&Val::Obj(obj), &embedded);
                self.field(&inner, name)
            }
            None => Val::Unknown,
        }
    }

    /// The struct object that holds a field: the object itself, or for a promoted field the embedded struct it
    /// is promoted from (`o.BindPort`, declared by the embedded `*SecureServingOptions`).
    pub(super) fn field_owner(&mut self, obj: ObjId, name: &str) -> ObjId {
        let mut at = obj;
        for _ in 0..8 {
            let Obj::Struct {
                ty: Ty::Named(t),
                fields,
            } = &self.heap[at]
            else {
                break;
            };
            if fields.contains_key(name) {
                break;
            }
            let t = t.clone();
            let Some((_, _, _, Some(embedded))) = self.field_type(&t, name) else {
                break;
            };
            let inner = self.field(&Val::Obj(at), &embedded);
            match self.deref_obj(&inner) {
                Some(next) if next != at => at = next,
                _ => break,
            }
        }
        at
    }

    /// The declared type of a struct type's field, or the embedded field that has it.
    fn field_type(&self, t: &TypeRef, name: &str) -> Option<(PkgId, FileId, TypeExpr, Option<String>)> {
        let decl = self.model.type_decl(t)?;
        let TypeExpr::Struct(fields) = &decl.decl.ty else {
            return None;
        };
        // A named field, or an embedded one by its type's name.
        let own = |f: &&crate::syntax::Field| match f.names.is_empty() {
            true => embedded_name(&f.ty) == Some(name),
            false => f.names.iter().any(|n| n == name),
        };
        if let Some(f) = fields.iter().find(own) {
            return Some((t.pkg, decl.file, f.ty.clone(), None));
        }
        // An embedded field's own field.
        for f in fields.iter().filter(|f| f.names.is_empty()) {
            let Some(base) = embedded_name(&f.ty) else { continue };
            let inner = match self.resolve_type(t.pkg, decl.file, &f.ty) {
                Ty::Named(it) => Some(it),
                Ty::Pointer(p) => match *p {
                    Ty::Named(it) => Some(it),
                    _ => None,
                },
                _ => None,
            };
            if inner.is_some_and(|it| &it != t && self.field_type(&it, name).is_some()) {
                return Some((t.pkg, decl.file, f.ty.clone(), Some(base.to_string())));
            }
        }
        None
    }

    /// A type as written in a file, resolved.
    fn resolve_type(&self, pkg: PkgId, file: FileId, ty: &TypeExpr) -> Ty {
        match ty {
            TypeExpr::Name { pkg: None, name } if is_basic(name) => Ty::Basic(name.clone()),
            TypeExpr::Name { pkg: q, name } => match self.model.resolve_name(pkg, file, q.as_deref(), name) {
                Some(t) => Ty::Named(t),
                None => match q {
                    Some(q) => {
                        let path = self.model.qualifier_path(file, q).unwrap_or(q);
                        Ty::External(format!("{path}.{name}"))
                    }
                    None => Ty::Unknown,
                },
            },
            TypeExpr::Generic { base, .. } => self.resolve_type(pkg, file, base),
            TypeExpr::Pointer(inner) => Ty::Pointer(Box::new(self.resolve_type(pkg, file, inner))),
            TypeExpr::Slice(inner) | TypeExpr::Array { elem: inner, .. } | TypeExpr::Ellipsis(inner) => {
                Ty::Slice(Box::new(self.resolve_type(pkg, file, inner)))
            }
            TypeExpr::Map { key, value } => Ty::Map(
                Box::new(self.resolve_type(pkg, file, key)),
                Box::new(self.resolve_type(pkg, file, value)),
            ),
            TypeExpr::Paren(inner) => self.resolve_type(pkg, file, inner),
            TypeExpr::Func(_) | TypeExpr::Chan { .. } => Ty::Func,
            TypeExpr::Interface(_) => Ty::Interface,
            TypeExpr::Struct(fields) => Ty::Struct(Rc::new(field_order(fields))),
            _ => Ty::Unknown,
        }
    }

    fn zero_of_expr(&mut self, pkg: PkgId, file: FileId, ty: &TypeExpr) -> Val {
        let t = self.resolve_type(pkg, file, ty);
        self.zero(&t)
    }

    /// The zero value of a type: a struct is an object whose fields are their zero values.
    fn zero(&mut self, ty: &Ty) -> Val {
        match ty {
            Ty::Basic(name) => basic_zero(name),
            Ty::External(name) => native::zero(self, name),
            Ty::Named(t) => {
                let Some(decl) = self.model.type_decl(t) else {
                    return Val::Unknown;
                };
                let (pkg, file, under) = (t.pkg, decl.file, decl.decl.ty.clone());
                match &under {
                    TypeExpr::Struct(_) => Val::Obj(self.alloc(Obj::Struct {
                        ty: ty.clone(),
                        fields: Default::default(),
                    })),
                    TypeExpr::Name { .. } | TypeExpr::Generic { .. } => {
                        let inner = self.resolve_type(pkg, file, &under);
                        if inner == *ty {
                            return Val::Unknown;
                        }
                        self.zero(&inner)
                    }
                    // A named slice or map type's zero value is nil; it is kept as an empty object of the type,
                    // so that its methods can be called (`var sb SchemeBuilder; sb.Register(f)`).
                    TypeExpr::Slice(_) => Val::Obj(self.alloc(Obj::Slice {
                        ty: ty.clone(),
                        elems: Vec::new(),
                    })),
                    TypeExpr::Map { .. } => Val::Obj(self.alloc(Obj::Map {
                        ty: ty.clone(),
                        entries: Vec::new(),
                    })),
                    _ => Val::Nil,
                }
            }
            Ty::Pointer(_) | Ty::Slice(_) | Ty::Map(..) | Ty::Func | Ty::Interface => Val::Nil,
            _ => Val::Unknown,
        }
    }
}

/// A struct type's field names in order, an embedded field by its type's name: what an unkeyed literal sets.
fn field_order(fields: &[crate::syntax::Field]) -> Vec<String> {
    fields
        .iter()
        .flat_map(|f| match f.names.is_empty() {
            true => vec![embedded_name(&f.ty).unwrap_or("_").to_string()],
            false => f.names.clone(),
        })
        .collect()
}

fn embedded_name(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Pointer(inner) | TypeExpr::Paren(inner) => embedded_name(inner),
        TypeExpr::Name { name, .. } => Some(name),
        TypeExpr::Generic { base, .. } => embedded_name(base),
        _ => None,
    }
}

/// A predeclared type's name, as written: the model's non-interface types, their aliases and the interfaces.
fn is_basic(name: &str) -> bool {
    crate::model::is_predeclared(name) || matches!(name, "byte" | "rune" | "error" | "any")
}

fn basic_zero(name: &str) -> Val {
    match name {
        "bool" => Val::Bool(false),
        "string" => Val::Str(String::new()),
        "float32" | "float64" => Val::Float(0.0),
        "error" | "any" => Val::Nil,
        _ => Val::int(0),
    }
}

fn is_duration(ty: &TypeExpr) -> bool {
    matches!(ty, TypeExpr::Name { pkg: Some(p), name } if p == "time" && name == "Duration")
}

fn retag_duration(v: Val) -> Val {
    match v {
        Val::Int(i, _) => Val::Int(i, IntKind::Duration),
        other => other,
    }
}

/// A constant the scan evaluated, as a value.
fn const_val(v: &ConstValue, ty: Option<&TypeExpr>) -> Val {
    match v {
        ConstValue::Int(i) => {
            let kind = if ty.is_some_and(is_duration) {
                IntKind::Duration
            } else {
                IntKind::Plain
            };
            Val::Int(*i, kind)
        }
        ConstValue::String(s) => Val::Str(s.clone()),
        ConstValue::Bool(b) => Val::Bool(*b),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::FileFacts;
    use crate::platform::{platforms, read_constraints};
    use crate::topics::TopicConfig;

    /// A model of Go files (`path`, source) under module `example.com/m`, with their sources and constants.
    pub fn tree(files: &[(&str, &str)]) -> (Model, Consts, Sources) {
        let config = TopicConfig::load(std::path::Path::new("/nonexistent"), None).expect("built-in topics");
        let query = config.body_query();
        let facts = files
            .iter()
            .map(|(path, src)| {
                let constraints = read_constraints(src);
                let name = path.rsplit('/').next().unwrap_or(path);
                FileFacts {
                    path: path.to_string(),
                    size: src.len() as u64,
                    platforms: platforms(name, &constraints),
                    constraints,
                    syntax: Some(crate::lower::lower_file(&crate::parse::parse(src), src, &query)),
                    problem: None,
                }
            })
            .collect();
        let modules = vec![crate::walk::Module {
            dir: String::new(),
            path: "example.com/m".to_string(),
        }];
        let model = Model::build(facts, modules, &[]);
        let consts = crate::consteval::evaluate(&model);
        let sources = Sources::Memory(files.iter().map(|(p, s)| (p.to_string(), s.to_string())).collect());
        (model, consts, sources)
    }

    /// Runs the main package at `dir` and gives the world it made.
    pub fn run(files: &[(&str, &str)], dir: &str) -> World {
        let (model, consts, sources) = tree(files);
        let mut ev = Evaluator::new(&model, &consts, &sources);
        let pkg = model
            .package_by_path(&format!("example.com/m/{dir}"))
            .expect("the main package");
        ev.run_main(pkg);
        ev.take_world()
    }

    /// The flags a run registered, in order: name and `DefValue`.
    pub fn flag_defaults(w: &World) -> Vec<(String, Option<String>)> {
        flags(w).map(|f| (f.name.clone(), f.def_value.clone())).collect()
    }

    /// The flags a run registered, in order: name and type.
    pub fn flag_types(w: &World) -> Vec<(String, String)> {
        flags(w).map(|f| (f.name.clone(), f.ty.clone())).collect()
    }

    fn flags(w: &World) -> impl Iterator<Item = &FlagObj> {
        w.flags.iter().map(|&f| match &w.heap[f] {
            Obj::Flag(flag) => flag.as_ref(),
            _ => unreachable!("a registered flag is a flag object"),
        })
    }

    fn command_names(w: &World) -> Vec<String> {
        w.commands
            .iter()
            .map(|&c| match &w.heap[c] {
                Obj::Command(_) => {
                    let mut path = Vec::new();
                    let mut at = Some(c);
                    while let Some(id) = at {
                        let Obj::Command(x) = &w.heap[id] else { break };
                        path.push(x.fields.get("Use").and_then(Val::as_str).unwrap_or("?").to_string());
                        at = x.parent;
                    }
                    path.reverse();
                    path.join(" ")
                }
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn commands_made_in_loops_over_a_tree_of_phases_nest_as_the_phases_do() {
        let src = r#"package main

import (
	"strings"

	"github.com/spf13/cobra"
)

type Phase struct {
	Name   string
	Phases []Phase
}

type runner struct {
	parent *runner
	name   string
	level  int
	path   []string
	phase  Phase
}

type Runner struct {
	Phases  []Phase
	runners []*runner
}

func add(r *Runner, parent *runner, p Phase) {
	name := strings.ToLower(p.Name)
	path := []string{name}
	if parent != nil {
		name = strings.Join([]string{parent.name, name}, "/")
		path = append(parent.path, path...)
	}
	cur := &runner{parent: parent, name: name, level: len(path) - 1, path: path, phase: p}
	r.runners = append(r.runners, cur)
	for _, child := range p.Phases {
		add(r, cur, child)
	}
}

func (r *Runner) Bind(cmd *cobra.Command) {
	for _, p := range r.Phases {
		add(r, nil, p)
	}
	phase := &cobra.Command{Use: "phase"}
	cmd.AddCommand(phase)
	sub := map[string]*cobra.Command{}
	for _, p := range r.runners {
		c := &cobra.Command{Use: strings.ToLower(p.phase.Name)}
		if p.level == 0 {
			phase.AddCommand(c)
		} else {
			sub[p.parent.name].AddCommand(c)
		}
		sub[p.name] = c
	}
}

func main() {
	root := &cobra.Command{Use: "tool"}
	r := &Runner{}
	r.Phases = append(r.Phases, Phase{Name: "Certs", Phases: []Phase{{Name: "ca"}, {Name: "apiserver"}}})
	r.Phases = append(r.Phases, Phase{Name: "etcd", Phases: []Phase{{Name: "local"}}})
	r.Bind(root)
	root.Execute()
}
"#;
        let w = run(&[("cmd/tool/main.go", src)], "cmd/tool");
        assert_eq!(
            command_names(&w),
            [
                "tool",
                "tool phase",
                "tool phase certs",
                "tool phase certs ca",
                "tool phase certs apiserver",
                "tool phase etcd",
                "tool phase etcd local"
            ]
        );
    }
}

#[cfg(test)]
mod scheme_tests {
    use super::tests::{flag_defaults, run};

    /// The part of apimachinery's `runtime` a scheme's registrations use.
    const RUNTIME_GO: &str = r#"package runtime

type Scheme struct{}

func NewScheme() *Scheme { return &Scheme{} }

type SchemeBuilder []func(*Scheme) error

func (sb *SchemeBuilder) AddToScheme(s *Scheme) error {
	for _, f := range *sb {
		if err := f(s); err != nil {
			return err
		}
	}
	return nil
}

func (sb *SchemeBuilder) Register(funcs ...func(*Scheme) error) {
	for _, f := range funcs {
		*sb = append(*sb, f)
	}
}

func NewSchemeBuilder(funcs ...func(*Scheme) error) SchemeBuilder {
	var sb SchemeBuilder
	sb.Register(funcs...)
	return sb
}

func Must(err error) {
	if err != nil {
		panic(err)
	}
}
"#;

    #[test]
    fn defaults_set_through_a_schemes_defaulting_and_conversion_functions_are_seen() {
        let external = r#"package v1alpha1

import "k8s.io/apimachinery/pkg/runtime"

type Config struct {
	Workers int32
	Name    string
	Period  int64
	Limits  Limits
}

type Limits struct {
	Max *int32
	Min *int32
}

var (
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)
	AddToScheme   = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error { return nil }
"#;
        let internal = r#"package config

type Config struct {
	Workers int32
	Name    string
	Period  int64
	Limits  Limits
}

type Limits struct {
	Max *int32
	Min *int32
}
"#;
        let defaults = r#"package v1alpha1

import (
	"unsafe"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/pointer"

	"example.com/m/config"
	v1alpha1 "example.com/m/external"
)

var (
	localSchemeBuilder = &v1alpha1.SchemeBuilder
	AddToScheme        = localSchemeBuilder.AddToScheme
)

func init() {
	localSchemeBuilder.Register(addDefaultingFuncs)
	localSchemeBuilder.Register(RegisterConversions)
}

func addDefaultingFuncs(s *runtime.Scheme) error { return RegisterDefaults(s) }

func RegisterDefaults(s *runtime.Scheme) error {
	s.AddTypeDefaultingFunc(&v1alpha1.Config{}, func(obj interface{}) { SetObjectDefaults_Config(obj.(*v1alpha1.Config)) })
	return nil
}

func SetObjectDefaults_Config(in *v1alpha1.Config) { SetDefaults_Config(in) }

func SetDefaults_Config(c *v1alpha1.Config) {
	if c.Workers == 0 {
		c.Workers = 5
	}
	if c.Name == "" {
		c.Name = "widget"
	}
	if c.Limits.Max == nil {
		c.Limits.Max = pointer.Int32Ptr(32 * 1024)
	}
	if c.Limits.Min == nil {
		min := int32(7)
		c.Limits.Min = &min
	}
}

func RegisterConversions(s *runtime.Scheme) error {
	if err := s.AddGeneratedConversionFunc((*v1alpha1.Config)(nil), (*config.Config)(nil), func(a, b interface{}, scope interface{}) error {
		return Convert_v1alpha1_Config_To_config_Config(a.(*v1alpha1.Config), b.(*config.Config), scope)
	}); err != nil {
		return err
	}
	return nil
}

func Convert_v1alpha1_Config_To_config_Config(in *v1alpha1.Config, out *config.Config, s interface{}) error {
	out.Workers = in.Workers
	out.Name = in.Name
	out.Period = in.Period
	out.Limits.Max = (*int32)(unsafe.Pointer(in.Limits.Max))
	out.Limits.Min = (*int32)(unsafe.Pointer(in.Limits.Min))
	return nil
}
"#;
        let scheme = r#"package scheme

import (
	"k8s.io/apimachinery/pkg/runtime"

	v1alpha1 "example.com/m/config/v1alpha1"
)

var Scheme = runtime.NewScheme()

func init() {
	runtime.Must(v1alpha1.AddToScheme(Scheme))
}
"#;
        let main = r#"package main

import (
	"os"

	"github.com/spf13/pflag"

	"example.com/m/config"
	"example.com/m/config/scheme"
	v1alpha1 "example.com/m/external"
)

func main() {
	versioned := v1alpha1.Config{}
	scheme.Scheme.Default(&versioned)
	internal := config.Config{}
	if err := scheme.Scheme.Convert(&versioned, &internal, nil); err != nil {
		os.Exit(1)
	}
	fs := pflag.NewFlagSet("tool", pflag.ContinueOnError)
	fs.Int32Var(&internal.Workers, "workers", internal.Workers, "workers")
	fs.StringVar(&internal.Name, "name", internal.Name, "the name")
	fs.Int64Var(&internal.Period, "period", internal.Period, "the period")
	fs.Int32Var(internal.Limits.Max, "max", *internal.Limits.Max, "the most")
	fs.Int32Var(internal.Limits.Min, "min", *internal.Limits.Min, "the least")
	fs.Parse(os.Args[1:])
}
"#;
        let w = run(
            &[
                ("vendor/k8s.io/apimachinery/pkg/runtime/scheme.go", RUNTIME_GO),
                ("external/types.go", external),
                ("config/types.go", internal),
                ("config/v1alpha1/defaults.go", defaults),
                ("config/scheme/scheme.go", scheme),
                ("cmd/tool/main.go", main),
            ],
            "cmd/tool",
        );
        assert_eq!(
            flag_defaults(&w),
            [
                ("workers".to_string(), Some("5".to_string())),
                ("name".to_string(), Some("widget".to_string())),
                ("period".to_string(), Some("0".to_string())),
                ("max".to_string(), Some("32768".to_string())),
                ("min".to_string(), Some("7".to_string())),
            ]
        );
    }

    #[test]
    fn a_schemes_registrations_run_in_gos_order_and_with_the_builders_functions_at_the_call() {
        let types = r#"package reg

import "k8s.io/apimachinery/pkg/runtime"

type A struct{ N int32 }

type B struct{ N int32 }

var Builder = runtime.NewSchemeBuilder(first)

func first(s *runtime.Scheme) error {
	s.AddTypeDefaultingFunc(&A{}, func(obj interface{}) { obj.(*A).N = 1 })
	return nil
}

func Late(s *runtime.Scheme) error {
	s.AddTypeDefaultingFunc(&B{}, func(obj interface{}) { obj.(*B).N = 3 })
	return nil
}
"#;
        let main = r#"package main

import (
	"os"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"

	"example.com/m/reg"
)

func main() {
	s := runtime.NewScheme()
	runtime.Must(reg.Builder.AddToScheme(s))
	// Too late for s: AddToScheme ran the functions the builder had.
	reg.Builder.Register(reg.Late)
	// After the builder's: the first registered for A stays.
	s.AddTypeDefaultingFunc(&reg.A{}, func(obj interface{}) { obj.(*reg.A).N = 2 })
	a := reg.A{}
	s.Default(&a)
	b := reg.B{}
	s.Default(&b)
	fs := pflag.NewFlagSet("tool", pflag.ContinueOnError)
	fs.Int32Var(&a.N, "a", a.N, "")
	fs.Int32Var(&b.N, "b", b.N, "")
	fs.Parse(os.Args[1:])
}
"#;
        let w = run(
            &[
                ("vendor/k8s.io/apimachinery/pkg/runtime/scheme.go", RUNTIME_GO),
                ("reg/types.go", types),
                ("cmd/tool/main.go", main),
            ],
            "cmd/tool",
        );
        assert_eq!(
            flag_defaults(&w),
            [
                ("a".to_string(), Some("1".to_string())),
                ("b".to_string(), Some("0".to_string())),
            ]
        );
    }
}

#[cfg(test)]
mod net_tests {
    use super::tests::{flag_defaults, run};

    #[test]
    fn what_the_arguments_of_a_call_outside_the_tree_do_is_done() {
        let opts = r#"package opts

import "github.com/spf13/pflag"

type Options struct{ Level *int }

func New() *Options { return &Options{Level: pflag.Int("level", 2, "")} }

func Register(name string) string { pflag.String(name, "", ""); return name }
"#;
        // A file that imports no flag library: its variable is initialised when it is first read.
        let vars = r#"package main

import "example.com/m/opts"

var defaults = opts.New()

var descriptor = []byte{
	// 2 bytes of a gzipped FileDescriptorProto
	0x1f, 0x8b,
}

var names = []string{opts.Register("third")}

var sized = []byte{0x1, byte(len(opts.Register("fourth")))}
"#;
        let main = r#"package main

import (
	"github.com/gogo/protobuf/proto"
	"github.com/spf13/pflag"

	"example.com/m/opts"
)

type Name string

func main() {
	proto.RegisterType((*opts.Options)(nil), "opts.Options")
	proto.RegisterType(defaults, Name(opts.Register("first")))
	proto.RegisterFile("a", []byte(opts.Register("second")))
	proto.RegisterFile("b", descriptor)
	proto.RegisterFile("c", names)
	proto.RegisterFile("d", sized)
	pflag.Parse()
}
"#;
        let w = run(
            &[
                ("opts/opts.go", opts),
                ("cmd/tool/vars.go", vars),
                ("cmd/tool/main.go", main),
            ],
            "cmd/tool",
        );
        assert_eq!(
            flag_defaults(&w),
            [
                ("level".to_string(), Some("2".to_string())),
                ("first".to_string(), Some("".to_string())),
                ("second".to_string(), Some("".to_string())),
                ("third".to_string(), Some("".to_string())),
                ("fourth".to_string(), Some("".to_string())),
            ]
        );
    }

    #[test]
    fn only_a_byte_slice_of_integer_literals_is_answered_without_parsing() {
        let cases = [
            ("var d = []byte{0x1f, 0x8b}", true),
            (
                "var d = []byte{\n\t// 3 bytes of a gzipped FileDescriptorProto\n\t0x1f, 0x8b, 0x08,\n}",
                true,
            ),
            ("\td = []byte{ /* empty */ } // in a group", true),
            ("var d = []byte{0x1, byte(len(s))}", false),
            ("var d = []byte{0x1, x}", false),
            ("var d = []byte{'a'}", false),
            ("var d []byte = []byte{0x1}", false),
            ("var d, e = []byte{0x1}, f()", false),
            ("var dd = []byte{0x1}", false),
            ("var d = []byte{0x1}[f():]", false),
            ("var d = []byte{0x1", false),
        ];
        for (source, want) in cases {
            let text = (source.to_string(), crate::lower::line_starts(source));
            let end = text.1.len() as u32;
            let spec = super::spec_text(&text, 1, end).expect("the lines are there");
            assert_eq!(super::byte_literals_only(spec, "d"), want, "{source}");
        }
    }

    #[test]
    fn ip_addresses_parse_and_compare_as_in_go() {
        let main = r#"package main

import (
	"fmt"
	"net"

	"github.com/spf13/pflag"
)

func hosts(bind string) (string, string) {
	if net.ParseIP(bind).To4() != nil {
		return "0.0.0.0", "127.0.0.1"
	}
	return "[::]", "[::1]"
}

func main() {
	h4, _ := hosts("0.0.0.0")
	h6, _ := hosts("::")
	_, bad := hosts("not an address")
	fs := pflag.NewFlagSet("tool", pflag.ContinueOnError)
	fs.String("v4", fmt.Sprintf("%s:%v", h4, 10256), "")
	fs.String("v6", h6, "")
	fs.String("bad", bad, "")
}
"#;
        let w = run(&[("cmd/tool/main.go", main)], "cmd/tool");
        let defaults = flag_defaults(&w);
        assert_eq!(
            defaults,
            [
                ("v4".to_string(), Some("0.0.0.0:10256".to_string())),
                ("v6".to_string(), Some("[::]".to_string())),
                ("bad".to_string(), Some("[::1]".to_string())),
            ]
        );
    }
}

#[cfg(test)]
mod embedded_tests {
    use super::tests::{flag_defaults, flag_types, run};

    #[test]
    fn a_flag_bound_to_a_field_promoted_from_an_embedded_struct_has_its_types_name() {
        let main = r#"package main

import (
	"flag"
	"strconv"
)

type Level int32

func (l *Level) String() string     { return strconv.Itoa(int(*l)) }
func (l *Level) Set(v string) error { return nil }

type settings struct {
	verbosity Level
}

type loggingT struct {
	settings
	other int
}

var logging loggingT

func init() {
	logging.verbosity = 2
}

func main() {
	flag.Var(&logging.verbosity, "v", "number for the log level verbosity")
	flag.Parse()
}
"#;
        let w = run(&[("cmd/tool/main.go", main)], "cmd/tool");
        assert_eq!(flag_types(&w), [("v".to_string(), "Level".to_string())]);
        assert_eq!(flag_defaults(&w), [("v".to_string(), Some("2".to_string()))]);
    }

    #[test]
    fn a_method_of_a_field_of_a_named_int_type_changes_the_field() {
        let main = r#"package main

import "github.com/spf13/pflag"

type Tristate int

const (
	Unset Tristate = iota
	True
	False
)

func (f *Tristate) Default(v bool) {
	if v {
		*f = True
	} else {
		*f = False
	}
}

func (f Tristate) String() string {
	if f == True {
		return "true"
	}
	return "false"
}

func (f *Tristate) Set(v string) error { return nil }
func (f *Tristate) Type() string       { return "tristate" }

type options struct {
	Merge Tristate
}

func main() {
	o := &options{}
	o.Merge.Default(true)
	fs := pflag.NewFlagSet("tool", pflag.ContinueOnError)
	fs.Var(&o.Merge, "merge", "merge them")
}
"#;
        let w = run(&[("cmd/tool/main.go", main)], "cmd/tool");
        assert_eq!(flag_types(&w), [("merge".to_string(), "tristate".to_string())]);
        assert_eq!(flag_defaults(&w), [("merge".to_string(), Some("true".to_string()))]);
    }
}

#[cfg(test)]
mod help_exit_tests {
    use super::tests::{flag_defaults, run, tree};
    use super::Evaluator;

    fn names(w: &super::World) -> Vec<String> {
        flag_defaults(w).into_iter().map(|(name, _)| name).collect()
    }

    #[test]
    fn a_binary_run_with_help_ends_where_it_parses_its_command_line() {
        for (library, parse) in [("flag", "flag.Parse()"), ("github.com/spf13/pflag", "pflag.Parse()")] {
            let prefix = library.rsplit('/').next().unwrap_or(library);
            let main = format!(
                r#"package main

import "{library}"

var before = {prefix}.String("before", "", "registered as the package starts")

func main() {{
	{prefix}.Int("in-main", 1, "registered before the parse")
	{parse}
	{prefix}.Bool("after", false, "never registered under --help")
	for i := 0; i < 1000; i++ {{
		work(i)
	}}
}}

func work(i int) int {{ return i * 2 }}
"#
            );
            let w = run(&[("cmd/tool/main.go", &main)], "cmd/tool");
            assert_eq!(names(&w), ["before", "in-main"], "{library}");
            assert_eq!(w.parsed.len(), 1, "{library}");
        }
    }

    #[test]
    fn a_binary_with_a_flag_named_help_goes_on_after_the_parse() {
        let main = r#"package main

import "flag"

func main() {
	flag.Bool("help", false, "the program's own help")
	flag.Parse()
	flag.Bool("after", false, "registered: --help does not end the run")
}
"#;
        let w = run(&[("cmd/tool/main.go", main)], "cmd/tool");
        assert_eq!(names(&w), ["help", "after"]);
    }

    #[test]
    fn a_parse_in_a_branch_that_may_not_run_ends_nothing() {
        for branch in [
            "if os.Getenv(\"TOOL_PARSE\") != \"\" {\n\t\tflag.Parse()\n\t}",
            "switch os.Getenv(\"TOOL_MODE\") {\n\tcase \"parse\":\n\t\tflag.Parse()\n\t}",
            "for os.Getenv(\"TOOL_AGAIN\") != \"\" {\n\t\tflag.Parse()\n\t}",
        ] {
            let main = format!(
                r#"package main

import (
	"flag"
	"os"
)

func main() {{
	flag.String("first", "", "before the branch")
	{branch}
	flag.String("second", "", "after it")
}}
"#
            );
            let w = run(&[("cmd/tool/main.go", &main)], "cmd/tool");
            assert_eq!(names(&w), ["first", "second"], "{branch}");
        }
    }

    #[test]
    fn parsing_a_flag_set_of_its_own_does_not_end_the_run() {
        let main = r#"package main

import (
	"flag"
	"os"
)

func main() {
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	fs.String("first", "", "on the set")
	fs.Parse(os.Args[1:])
	fs.String("second", "", "also on the set")
}
"#;
        let w = run(&[("cmd/tool/main.go", main)], "cmd/tool");
        assert_eq!(names(&w), ["first", "second"]);
    }

    #[test]
    fn a_function_no_binary_reaches_goes_on_after_the_parse() {
        let lib = r#"package lib

import "flag"

func Setup() {
	flag.String("first", "", "before the parse")
	flag.Parse()
	flag.String("second", "", "after it")
}
"#;
        let (model, consts, sources) = tree(&[("pkg/lib/lib.go", lib)]);
        let mut ev = Evaluator::new(&model, &consts, &sources);
        let pkg = model.package_by_path("example.com/m/pkg/lib").expect("the package");
        let setup = ev.func_named(pkg, "Setup").expect("Setup");
        ev.run_with_unknown_args(pkg, setup);
        assert_eq!(names(&ev.take_world()), ["first", "second"]);
    }
}
