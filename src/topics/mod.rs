//! Topics: the subsystem facts walkthroughs are made of, each found by what it is (an interface's
//! implementers, a type's composite literals, a function's callers). A topic is a definition of a kind, read from
//! `builtin.toml` or a user's `kubewalk.toml`, and a typed report of that kind; the site renders and the diff
//! compares each report by its kind, so a topic a user defines gets a page and diff rules with no Rust written.

pub mod api_lifecycle;
pub mod binaries;
pub mod calls;
pub mod commands;
pub mod feature_gates;
pub mod implementers;
pub mod metrics;
pub mod outline;
pub mod registry;
pub mod workqueue;

use crate::HashMap;
use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::consteval::{ConstValue, Consts, Evaluator};
use crate::lower::BodyQuery;
use crate::model::{FileId, Located, Model, PkgId};
use crate::sources::Sources;
use crate::syntax::{Expr, FuncDecl, TypeExpr};

pub use api_lifecycle::{ApiLifecycleDef, ApiLifecycleReport};
pub use binaries::{BinariesDef, BinariesReport};
pub use calls::{CallsDef, CallsReport, LiteralsDef, LiteralsReport};
pub use commands::{CommandsDef, CommandsReport};
pub use feature_gates::{FeatureGatesDef, FeatureGatesReport};
pub use implementers::{ImplementersDef, ImplementersReport};
pub use metrics::{MetricsDef, MetricsReport};
pub use registry::{RegistryDef, RegistryReport};
pub use workqueue::{WorkqueueDef, WorkqueueReport};

const BUILTIN: &str = include_str!("builtin.toml");

/// One topic: an id (its key in the scan JSON and its page's name), what the site calls it, and its kind.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicDef {
    pub id: String,
    pub title: String,
    /// One line for the home page.
    pub summary: Option<String>,
    /// Functions whose bodies the topic's guide walks through, step by step (`topics/outline.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outline: Vec<outline::OutlineSpec>,
    #[serde(flatten)]
    pub kind: Kind,
}

impl TopicDef {
    /// What one entry of the topic is called in pages and in the diff report: an implementers topic's `noun`, else
    /// its title in the singular (`Volume plugins` -> `volume plugin`).
    pub fn noun(&self) -> String {
        let noun = match &self.kind {
            Kind::Implementers(d) => d.noun.as_ref(),
            Kind::Registry(d) => d.noun.as_ref(),
            _ => None,
        };
        if let Some(noun) = noun {
            return noun.clone();
        }
        let title = self.title.to_lowercase();
        title.strip_suffix('s').unwrap_or(&title).to_string()
    }
}

/// What a topic finds, with the keys of that kind. Each kind's keys are checked: a key of another kind, or a
/// misspelt one, is an error.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    Binaries(BinariesDef),
    Commands(CommandsDef),
    Workqueue(WorkqueueDef),
    Implementers(ImplementersDef),
    Calls(CallsDef),
    Literals(LiteralsDef),
    FeatureGates(FeatureGatesDef),
    ApiLifecycle(ApiLifecycleDef),
    Metrics(MetricsDef),
    Registry(Box<RegistryDef>),
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Binaries(_) => "binaries",
            Kind::Commands(_) => "commands",
            Kind::Workqueue(_) => "workqueue",
            Kind::Implementers(_) => "implementers",
            Kind::Calls(_) => "calls",
            Kind::Literals(_) => "literals",
            Kind::FeatureGates(_) => "feature_gates",
            Kind::ApiLifecycle(_) => "api_lifecycle",
            Kind::Metrics(_) => "metrics",
            Kind::Registry(_) => "registry",
        }
    }

    /// The body facts this kind needs, added to `query`.
    fn add_to_query(&self, query: &mut BodyQuery) {
        match self {
            Kind::Binaries(_) => {}
            Kind::Commands(def) => def.add_to_query(query),
            Kind::Workqueue(def) => def.add_to_query(query),
            Kind::Implementers(def) => def.add_to_query(query),
            Kind::Calls(def) => def.add_to_query(query),
            Kind::Literals(def) => def.add_to_query(query),
            Kind::FeatureGates(def) => def.add_to_query(query),
            Kind::ApiLifecycle(def) => def.add_to_query(query),
            Kind::Metrics(def) => def.add_to_query(query),
            Kind::Registry(def) => def.add_to_query(query),
        }
    }
}

/// A set of topic definitions, built-in first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TopicConfig {
    pub topics: Vec<TopicDef>,
}

impl TopicConfig {
    /// The built-in topics, then the user's: `config` if given, else `ROOT/kubewalk.toml` if it exists. A user
    /// topic with the id of a built-in one replaces it.
    pub fn load(root: &Path, config: Option<&Path>) -> Result<TopicConfig> {
        let (mut merged, mut references) = parse_config(BUILTIN, "builtin.toml")?;
        let user_path = match config {
            Some(path) => Some(path.to_path_buf()),
            None => Some(root.join("kubewalk.toml")).filter(|p| p.is_file()),
        };
        if let Some(path) = user_path {
            let text = std::fs::read_to_string(&path).with_context(|| format!("{}: cannot read", path.display()))?;
            let (user, user_refs) = parse_config(&text, &path.display().to_string())?;
            references.retain(|r| !user.topics.iter().any(|t| t.id == r.from));
            references.extend(user_refs);
            for topic in user.topics {
                match merged.topics.iter_mut().find(|t| t.id == topic.id) {
                    Some(slot) => *slot = topic,
                    None => merged.topics.push(topic),
                }
            }
        }
        for TopicReference { from, target, at } in references {
            let is_queue_topic = merged
                .topics
                .iter()
                .any(|t| t.id == target && matches!(t.kind, Kind::Workqueue(_)));
            if !is_queue_topic {
                bail!("{at}: topic {from:?}: `queues` names {target:?}, which is not a workqueue topic");
            }
        }
        Ok(merged)
    }

    /// The body facts the topics need, by name.
    pub fn body_query(&self) -> BodyQuery {
        let mut query = BodyQuery::default();
        for topic in &self.topics {
            topic.kind.add_to_query(&mut query);
        }
        query
    }

    pub fn get(&self, id: &str) -> Option<&TopicDef> {
        self.topics.iter().find(|t| t.id == id)
    }
}

pub(crate) fn add_call(query: &mut BodyQuery, name: &str, min_args: usize) {
    let entry = query.calls.entry(name.to_string()).or_insert(min_args);
    *entry = (*entry).min(min_args);
}

/// The last element of `import/path.Name`: what the lowering matches names by.
pub(crate) fn last_name(path: &str) -> String {
    path.rsplit(['.', '/']).next().unwrap_or(path).to_string()
}

/// The file of `kubewalk.toml` as written: `[[topic]]` tables, each kept with where it is, so that an error in
/// one names its line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    topic: Vec<toml::Spanned<toml::Table>>,
}

/// A reference of one topic to another, checked once every topic file is read: the referring topic's id, the id
/// it names, and where (`file:line`).
struct TopicReference {
    from: String,
    target: String,
    at: String,
}

/// A topic file's topics, and the references between topics it makes.
fn parse_config(text: &str, name: &str) -> Result<(TopicConfig, Vec<TopicReference>)> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let raw: RawConfig = toml::from_str(text).map_err(|err| {
        let line = err.span().map_or(1, |span| line_of(span.start));
        anyhow::anyhow!("{name}:{line}: {}", err.message().trim_end())
    })?;
    let mut topics = Vec::new();
    let mut references = Vec::new();
    let mut ids = BTreeSet::new();
    for spanned in raw.topic {
        let span = spanned.span();
        let at = line_of(span.start);
        let mut table = spanned.into_inner();
        // The line of a key of this topic, for an error about it: from the table's header to the next header.
        let key_line = |key: &str| {
            let start = text[..span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
            text[start..]
                .lines()
                .enumerate()
                .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with('['))
                .find(|(_, l)| {
                    l.trim_start()
                        .strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
                .map_or(at, |(i, _)| line_of(start) + i)
        };
        let mut string = |key: &str, required: bool| -> Result<Option<String>> {
            match table.remove(key) {
                Some(toml::Value::String(s)) => Ok(Some(s)),
                Some(other) => bail!(
                    "{name}:{}: `{key}` must be a string, not {}",
                    key_line(key),
                    other.type_str()
                ),
                None if required => bail!("{name}:{at}: a topic needs an `{key}`"),
                None => Ok(None),
            }
        };
        let id = string("id", true)?.expect("required");
        let title = string("title", false)?;
        let summary = string("summary", false)?;
        let outline_line = key_line("outline");
        let outline: Vec<outline::OutlineSpec> = match table.remove("outline") {
            None => Vec::new(),
            Some(v) => Vec::<outline::OutlineSpec>::deserialize(v).map_err(|_| {
                anyhow::anyhow!(
                    "{name}:{outline_line}: topic {id:?}: `outline` is a list of function names and lists of them"
                )
            })?,
        };
        match table.get("kind") {
            None => bail!("{name}:{at}: topic {id:?} needs a `kind` ({})", KINDS.join(", ")),
            Some(toml::Value::String(kind)) if KINDS.contains(&kind.as_str()) => {}
            Some(other) => bail!(
                "{name}:{}: topic {id:?} has unknown kind {} ({})",
                key_line("kind"),
                other
                    .as_str()
                    .map_or_else(|| other.type_str().to_string(), |k| format!("{k:?}")),
                KINDS.join(", ")
            ),
        }
        let kind = Kind::deserialize(toml::Value::Table(table)).map_err(|err| {
            let message = err.message().trim_end().to_string();
            // serde names the offending key in backticks: `unknown field `x``, `missing field `x``.
            let key = message.split('`').nth(1).unwrap_or("");
            let line = if message.starts_with("unknown field") || message.starts_with("invalid type") {
                key_line(key)
            } else {
                at
            };
            anyhow::anyhow!("{name}:{line}: topic {id:?}: {message}")
        })?;
        if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') || id.is_empty() {
            bail!("{name}:{at}: topic id {id:?}: use letters, digits, `_` and `-`, it names a page");
        }
        if SITE_PAGES.contains(&id.as_str()) {
            bail!("{name}:{at}: topic id {id:?}: the site names a page or folder of its own so");
        }
        if !ids.insert(id.clone()) {
            bail!("{name}:{at}: topic {id:?} is defined twice");
        }
        if let Kind::Registry(def) = &kind {
            if let Some(target) = &def.queues {
                references.push(TopicReference {
                    from: id.clone(),
                    target: target.clone(),
                    at: format!("{name}:{}", key_line("queues")),
                });
            }
        }
        let title = title.unwrap_or_else(|| default_title(&id));
        let short = outline.iter().flat_map(|o| o.names()).find(|n| !n.contains('/'));
        if let (Some(short), false) = (short, matches!(kind, Kind::Workqueue(_))) {
            bail!("{name}:{outline_line}: topic {id:?}: outline {short:?} needs its import path (`import/path.Func`)");
        }
        topics.push(TopicDef {
            id,
            title,
            summary,
            outline,
            kind,
        });
    }
    Ok((TopicConfig { topics }, references))
}

const KINDS: &[&str] = &[
    "binaries",
    "commands",
    "workqueue",
    "implementers",
    "calls",
    "literals",
    "feature_gates",
    "api_lifecycle",
    "metrics",
    "registry",
];

/// `filter_plugins` -> `Filter plugins`.
fn default_title(id: &str) -> String {
    let words = id.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// One topic's definition and what it found.
#[derive(Debug, Clone)]
pub struct Topic {
    pub def: TopicDef,
    pub report: Report,
    /// The walkthroughs of the functions the definition's `outline` names.
    pub outlines: Vec<outline::Outline>,
}

/// A topic's findings, typed by its kind.
#[derive(Debug, Clone)]
pub enum Report {
    Binaries(BinariesReport),
    Commands(CommandsReport),
    Workqueue(Option<Box<WorkqueueReport>>),
    Implementers(ImplementersReport),
    Calls(CallsReport),
    Literals(LiteralsReport),
    FeatureGates(FeatureGatesReport),
    ApiLifecycle(ApiLifecycleReport),
    Metrics(MetricsReport),
    Registry(RegistryReport),
}

impl Report {
    pub fn binaries(&self) -> Option<&BinariesReport> {
        match self {
            Report::Binaries(r) => Some(r),
            _ => None,
        }
    }

    pub fn commands(&self) -> Option<&CommandsReport> {
        match self {
            Report::Commands(r) => Some(r),
            _ => None,
        }
    }

    pub fn workqueue(&self) -> Option<&WorkqueueReport> {
        match self {
            Report::Workqueue(r) => r.as_deref(),
            _ => None,
        }
    }

    pub fn implementers(&self) -> Option<&ImplementersReport> {
        match self {
            Report::Implementers(r) => Some(r),
            _ => None,
        }
    }

    pub fn calls(&self) -> Option<&CallsReport> {
        match self {
            Report::Calls(r) => Some(r),
            _ => None,
        }
    }

    pub fn literals(&self) -> Option<&LiteralsReport> {
        match self {
            Report::Literals(r) => Some(r),
            _ => None,
        }
    }

    pub fn feature_gates(&self) -> Option<&FeatureGatesReport> {
        match self {
            Report::FeatureGates(r) => Some(r),
            _ => None,
        }
    }

    pub fn api_lifecycle(&self) -> Option<&ApiLifecycleReport> {
        match self {
            Report::ApiLifecycle(r) => Some(r),
            _ => None,
        }
    }

    pub fn metrics(&self) -> Option<&MetricsReport> {
        match self {
            Report::Metrics(r) => Some(r),
            _ => None,
        }
    }

    pub fn registry(&self) -> Option<&RegistryReport> {
        match self {
            Report::Registry(r) => Some(r),
            _ => None,
        }
    }
}

/// Every topic's report, in the order of the definitions.
#[derive(Debug, Clone, Default)]
pub struct Topics {
    pub list: Vec<Topic>,
}

impl Topics {
    pub fn get(&self, id: &str) -> Option<&Topic> {
        self.list.iter().find(|t| t.def.id == id)
    }

    /// The binaries of the tree: the first binaries topic's.
    pub fn binaries(&self) -> Option<(&TopicDef, &BinariesReport)> {
        self.list.iter().find_map(|t| match &t.report {
            Report::Binaries(r) => Some((&t.def, r)),
            _ => None,
        })
    }

    /// Every commands topic's report.
    pub fn commands(&self) -> impl Iterator<Item = (&TopicDef, &CommandsReport)> {
        self.list.iter().filter_map(|t| match &t.report {
            Report::Commands(r) => Some((&t.def, r)),
            _ => None,
        })
    }
}

/// The names at the site's root that are not a topic's: the home page, the page of all pages, the reference's
/// folder and the folder of the style sheet and script.
const SITE_PAGES: [&str; 4] = ["index", "contents", "ref", "static"];

/// Every topic's facts. Binaries are found first (commands and registrations belong to them), then commands
/// (a binary is summarised by its root command), then the rest. The binaries run on `jobs` threads (as many as
/// the machine has when `None`).
pub fn extract(model: &Model, consts: &Consts, sources: &Sources, config: &TopicConfig, jobs: Option<usize>) -> Topics {
    let cx = Cx::new(model, consts, sources);
    let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let binaries_def = config.topics.iter().find_map(|t| match &t.kind {
        Kind::Binaries(def) => Some(def),
        _ => None,
    });
    let mains = binaries::main_packages(&cx, binaries_def);
    // The commands topics run the binaries (most of the work) on a thread of their own, beside the other topics.
    let (commands, others) = std::thread::scope(|scope| {
        let commands = scope.spawn(|| {
            let cx = Cx::new(model, consts, sources);
            let trace = std::env::var_os("KUBEWALK_TRACE_EVAL").is_some();
            let run = |topic: &TopicDef| {
                let Kind::Commands(def) = &topic.kind else { return None };
                let t = std::time::Instant::now();
                let report = commands::extract(&cx, def, &mains, sources, threads);
                if trace {
                    eprintln!("topic {}: {:?}", topic.id, t.elapsed());
                }
                Some(report)
            };
            config.topics.iter().map(run).collect::<Vec<_>>()
        });
        let mut others = config
            .topics
            .iter()
            .map(|topic| {
                let report = match &topic.kind {
                    // Made from the binaries' runs, below.
                    Kind::Binaries(_) | Kind::Commands(_) => None,
                    Kind::Workqueue(def) => Some(Report::Workqueue(workqueue::extract(&cx, def).map(Box::new))),
                    Kind::Implementers(def) => Some(Report::Implementers(implementers::extract(&cx, def, &mains))),
                    Kind::Calls(def) => Some(Report::Calls(calls::extract_calls(&cx, def))),
                    Kind::Literals(def) => Some(Report::Literals(calls::extract_literals(&cx, def))),
                    Kind::FeatureGates(def) => Some(Report::FeatureGates(feature_gates::extract(&cx, def, &mains))),
                    Kind::ApiLifecycle(def) => Some(Report::ApiLifecycle(api_lifecycle::extract(&cx, def))),
                    Kind::Metrics(def) => Some(Report::Metrics(metrics::extract(&cx, def))),
                    Kind::Registry(def) => Some(Report::Registry(registry::extract(&cx, def))),
                };
                // Short names are of the topic's own package (the workqueue's).
                let package = match &topic.kind {
                    Kind::Workqueue(def) => Some(def.package.as_str()),
                    _ => None,
                };
                (report, outline::extract(&cx, &topic.outline, package))
            })
            .collect::<Vec<_>>();
        // While the binaries run: the registries whose entries build workqueues (controllers) are linked to
        // another topic's queue constructions.
        for i in 0..others.len() {
            let Kind::Registry(def) = &config.topics[i].kind else {
                continue;
            };
            let (Some(id), depth) = (def.queues.clone(), def.queue_depth) else {
                continue;
            };
            let Some(queues) = config.topics.iter().position(|t| t.id == id) else {
                continue;
            };
            let Some(consumers) = others[queues].0.as_ref().and_then(Report::workqueue) else {
                continue;
            };
            let consumers = consumers.consumers.clone();
            if let Some(Report::Registry(r)) = &mut others[i].0 {
                registry::link_queues(&cx, &mut r.entries, &consumers, depth);
            }
        }
        let commands = commands.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (commands, others)
    });
    let roots: Vec<binaries::Root> = commands.iter().flatten().flat_map(|r| r.roots.clone()).collect();
    let list = config
        .topics
        .iter()
        .zip(commands)
        .zip(others)
        .map(|((topic, commands), (report, outlines))| {
            let report = match (&topic.kind, commands, report) {
                (Kind::Binaries(def), _, _) => Report::Binaries(binaries::extract(&cx, def, &mains, &roots, sources)),
                (_, Some(commands), _) => Report::Commands(commands),
                (_, None, Some(report)) => report,
                (_, None, None) => unreachable!("every topic but the binaries has a report above"),
            };
            Topic {
                def: topic.clone(),
                report,
                outlines,
            }
        })
        .collect::<Vec<Topic>>();
    Topics { list }
}

/// A file's text and the byte offset of each of its lines.
type FileText = std::rc::Rc<(String, Vec<usize>)>;

/// A function's code, shared by the topics that read it.
type Code = std::rc::Rc<crate::code::FuncCode>;

/// Shared look-ups for topic extractors.
pub(crate) struct Cx<'m> {
    pub model: &'m Model,
    table: &'m Consts,
    consts: std::cell::RefCell<Evaluator<'m>>,
    sources: &'m Sources,
    /// The text and line offsets of each file read for its code.
    texts: std::cell::RefCell<HashMap<FileId, FileText>>,
    /// Each function's code, lowered once: the controllers' registry follows calls from each of its entries
    /// through many of the same functions (on v1.20.2, 38 entries and 644 lowerings, most of them repeats).
    codes: std::cell::RefCell<HashMap<(FileId, u32), Option<Code>>>,
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
    pub fn new(model: &'m Model, consts: &'m Consts, sources: &'m Sources) -> Cx<'m> {
        Cx {
            model,
            table: consts,
            consts: std::cell::RefCell::new(Evaluator::with_values(model, consts)),
            sources,
            texts: Default::default(),
            codes: Default::default(),
        }
    }

    /// A function's whole code, lowered from its file's source (the scan keeps only what topics ask for).
    pub fn code(&self, func: &FuncRef) -> Option<Code> {
        let (line, end_line) = (func.func.decl.line, func.func.decl.end_line);
        let key = (func.file(), line);
        if let Some(code) = self.codes.borrow().get(&key) {
            return code.clone();
        }
        let code = self
            .text(func.file())
            .and_then(|text| crate::lower::func_code_at(&text.0, &text.1, line, end_line).map(Code::new));
        self.codes.borrow_mut().insert(key, code.clone());
        code
    }

    /// A function's code when its source has `word` in it, else `None`: a substring test stands in for parsing
    /// the body of a function that cannot name `word`.
    pub fn code_mentioning(&self, func: &FuncRef, word: &str) -> Option<Code> {
        let text = self.text(func.file())?;
        let (line, end_line) = (func.func.decl.line, func.func.decl.end_line);
        if !crate::lower::lines_at(&text.0, &text.1, line, end_line)?.contains(word) {
            return None;
        }
        self.code(func)
    }

    /// A file's text and the offsets its lines start at, read once.
    fn text(&self, file: FileId) -> Option<FileText> {
        if let Some(t) = self.texts.borrow().get(&file) {
            return Some(t.clone());
        }
        let src = self.sources.read(self.path(file))?;
        let starts = crate::lower::line_starts(&src);
        let t = std::rc::Rc::new((src, starts));
        self.texts.borrow_mut().insert(file, t.clone());
        Some(t)
    }

    /// The package-level constants the scan evaluated.
    pub fn consts_table(&self) -> &'m Consts {
        self.table
    }

    pub fn path(&self, file: FileId) -> &'m str {
        &self.model.file(file).path
    }

    /// Every function and method of the tree, and the initialisers of package-level variables, in package order.
    pub fn all_funcs(&self) -> impl Iterator<Item = FuncRef<'m>> + '_ {
        let model = self.model;
        model
            .packages
            .iter()
            .enumerate()
            .filter(|(_, pkg)| !pkg.support)
            .flat_map(move |(p, pkg)| {
                pkg.funcs
                    .iter()
                    .chain(pkg.methods.iter())
                    .chain(pkg.var_inits.iter())
                    .map(move |func| FuncRef { pkg: PkgId(p), func })
            })
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
                Some((path.to_string(), name.clone()))
            }
            Expr::Index(inner, _) | Expr::Paren(inner) => self.callee(pkg, file, inner),
            _ => None,
        }
    }

    /// Whether a type as written in a file (pointers looked through) is the named type `path.name`.
    pub fn is_type(&self, pkg: PkgId, file: FileId, ty: &TypeExpr, path: &str, name: &str) -> bool {
        let mut ty = ty;
        while let TypeExpr::Pointer(inner) = ty {
            ty = inner;
        }
        let TypeExpr::Name { pkg: q, name: n } = ty else {
            return false;
        };
        n == name
            && match q {
                Some(q) => self.model.qualifier_path(file, q) == Some(path),
                None => self.model.pkg(pkg).import_path == path,
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

    /// The value of a package-level constant by name, when the scan evaluated it.
    pub fn package_const(&self, pkg: PkgId, name: &str) -> Option<&'m ConstValue> {
        let index = self
            .model
            .pkg(pkg)
            .values
            .iter()
            .position(|v| v.decl.kind == crate::syntax::ValueKind::Const && v.decl.name == name)?;
        self.table.get(pkg, index)
    }

    /// The static value of an expression in a file, if it has one.
    pub fn value(&self, pkg: PkgId, file: FileId, expr: &Expr) -> Option<ConstValue> {
        self.consts.borrow_mut().eval(pkg, file, expr)
    }

    /// A static string.
    pub fn string(&self, pkg: PkgId, file: FileId, expr: &Expr) -> Option<String> {
        match self.value(pkg, file, expr) {
            Some(ConstValue::String(s)) => Some(s),
            _ => None,
        }
    }
}

/// For a key that is absent when a fact does not apply and null when it applies but is not static: a present
/// key, null included, is `Some`.
pub(crate) fn present_or_null<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
