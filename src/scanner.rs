//! Reading a tree into a `Model`: the walk, parallel parsing with a cache, diagnostics and counts.

use crate::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::cache::{Cache, ContentHash, Entry};
use crate::consteval::{self, Consts};
use crate::lower::{lower_revision, BodyQuery, DeclIndex, Previous};
use crate::model::{FileFacts, Model};
use crate::parse::{parse, parse_lazily, reparse};
use crate::platform::{platforms, read_constraints};
use crate::skim::Interest;
use crate::sources::Sources;
use crate::syntax::FileSyntax;
use crate::walk::{check_root, walk, Module, SourceFile, WalkOptions, Walked};
use tree_sitter::Tree;

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub walk: WalkOptions,
    /// Worker threads; `None` uses every core.
    pub jobs: Option<usize>,
    /// Folder of the per-file facts cache; `None` disables it.
    pub cache_dir: Option<PathBuf>,
    pub progress: bool,
    /// The body facts to keep for the topics.
    pub query: BodyQuery,
    pub parse: ParseMode,
}

/// Which function bodies are parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ParseMode {
    /// Only the bodies some topic may read (`skim`); the others are skipped, which changes no fact.
    #[default]
    Lazy,
    /// Every body, without the cache: also finds a syntax error in a body no topic reads.
    Full,
    /// Both, without the cache, and a problem for each file whose facts differ between the two.
    Check,
}

/// What the lowering of every file of a scan needs.
struct Lowering<'q> {
    query: &'q BodyQuery,
    interest: Interest,
    mode: ParseMode,
}

impl<'q> Lowering<'q> {
    fn new(options: &'q ScanOptions) -> Lowering<'q> {
        Lowering {
            query: &options.query,
            interest: Interest::of(&options.query),
            mode: options.parse,
        }
    }

    /// Parses `src`, in full or skipping the bodies no topic reads; whether any was skipped.
    fn parse(&self, src: &str) -> (Tree, bool) {
        match self.mode {
            ParseMode::Full => (parse(src), false),
            ParseMode::Lazy | ParseMode::Check => parse_lazily(src, &self.interest),
        }
    }
}

/// A problem with one file or folder, reported as `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// The counts of a scan, as documented in the JSON contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    pub packages: usize,
    pub types: usize,
    pub methods: usize,
    pub funcs: usize,
    pub parse_error_files: usize,
    pub unreadable_files: usize,
}

pub struct Scan {
    pub model: Model,
    /// Where the scanned files can be read again.
    pub sources: Sources,
    /// The static values of the model's constants and variables.
    pub consts: Consts,
    pub stats: Stats,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub cache_hits: usize,
}

impl Scan {
    /// True when some file could not be read or fully parsed.
    pub fn had_problems(&self) -> bool {
        self.stats.parse_error_files > 0 || self.stats.unreadable_files > 0
    }

    /// A package of the tree by import path; not a support package (`Package::support`).
    pub fn tree_package(&self, import_path: &str) -> Option<crate::model::PkgId> {
        self.model
            .package_by_path(import_path)
            .filter(|&p| !self.model.pkg(p).support)
    }
}

/// Scans the Go files under `root`. Errors only for a root that cannot be scanned at all; a bad file becomes a
/// diagnostic and the scan goes on.
pub fn scan(root: &Path, options: &ScanOptions) -> Result<Scan> {
    let start = Instant::now();
    // Reading the cache takes about as long as the walk: do both at once.
    let (walked, cache) = std::thread::scope(|s| {
        let cache = s.spawn(|| {
            options
                .cache_dir
                .as_deref()
                .map(|dir| Cache::load(dir, &[root], &options.query.fingerprint()))
        });
        let walked = walk_root(root, options);
        (walked, cache.join().expect("loading the cache does not panic"))
    });
    let walked = walked?;
    let mut cache = cache;
    let mut result = scan_walked(walked, root, cache.as_mut(), start, options)?;
    if let Some(cache) = cache {
        if let Err(err) = cache.write() {
            result.diagnostics.push(cache_problem(&cache, &err));
            result.diagnostics.sort();
        }
    }
    Ok(result)
}

/// The files a scan of `root` reads; an error for a root that is not a folder or holds no Go files.
pub fn walk_root(root: &Path, options: &ScanOptions) -> Result<Walked> {
    check_root(root)?;
    let walked = walk(root, options.walk)?;
    if walked.files.is_empty() {
        bail!("{}: no Go files", root.display());
    }
    Ok(walked)
}

/// A diagnostic for a cache that could not be written: the scan itself is whole.
pub fn cache_problem(cache: &Cache, err: &anyhow::Error) -> Diagnostic {
    Diagnostic {
        path: cache
            .path()
            .map_or_else(|| "scan cache".to_string(), |p| p.display().to_string()),
        line: None,
        message: format!("cannot write the scan cache: {err:#}"),
    }
}

/// Scans listed files (from a folder or from git), reading and adding to `cache`; writing it is the caller's
/// part, so the two revisions of a diff can share one cache. `root` names the tree in diagnostics about the walk.
pub fn scan_walked(
    walked: Walked,
    root: &Path,
    cache: Option<&mut Cache>,
    start: Instant,
    options: &ScanOptions,
) -> Result<Scan> {
    let pool = pool(options)?;
    let progress = progress(walked.files.len(), options);
    let lowering = Lowering::new(options);
    let processed = pool.install(|| {
        largest_first(
            walked.files,
            |f| f.size,
            |file| {
                let processed = process_file(&file, cache.as_deref(), &lowering);
                progress.inc(1);
                processed
            },
        )
    });
    progress.finish_and_clear();
    let lowered = Lowered {
        processed,
        walk_errors: walked.errors,
        modules: walked.modules,
        sources: walked.sources,
        support: walked.support,
        root: root.to_path_buf(),
        start,
        cache_error: None,
        packed: Vec::new(),
    };
    lowered.finish(cache, options)
}

/// The files of one tree read and lowered, before its model is built.
pub struct Lowered {
    /// In path order.
    processed: Vec<Processed>,
    walk_errors: Vec<String>,
    modules: Vec<Module>,
    sources: Sources,
    /// Folders scanned only for the evaluator (`walk::VendorImports`): not in the statistics.
    support: Vec<String>,
    root: PathBuf,
    start: Instant,
    /// The cache could not take the files parsed.
    cache_error: Option<Diagnostic>,
    /// The files' syntax, encoded while the side waits for its turn (`pack`), by index in `processed`.
    packed: Vec<Option<Vec<u8>>>,
}

/// Reads and lowers the two revisions of a diff in one pass. A file that is the same in both is lowered once; a
/// file changed between them is reparsed from the old revision's syntax tree, reusing what lies in unchanged
/// lines (`parse::reparse`). Files new in `new` come last, when `cache` holds every old file, so a file that only
/// moved is not parsed again either. The models are built one at a time, by `Lowered::finish`.
pub fn lower_revisions(
    old: (Walked, &Path),
    new: (Walked, &Path),
    cache: &mut Cache,
    options: &ScanOptions,
) -> Result<(Lowered, Lowered)> {
    let start = Instant::now();
    let ((old, old_root), (new, new_root)) = (old, new);
    let pool = pool(options)?;
    let progress = progress(old.files.len() + new.files.len(), options);
    let lowering = Lowering::new(options);
    // The files are handed to the workers and dropped as soon as they are lowered: with git, their text is in
    // memory.
    let new_count = new.files.len();
    let new_at: HashMap<String, usize> = new.files.iter().enumerate().map(|(j, f)| (f.path.clone(), j)).collect();
    let mut new_files: Vec<Option<SourceFile>> = new.files.into_iter().map(Some).collect();
    let pairs: Vec<(SourceFile, Option<(usize, SourceFile)>)> = old
        .files
        .into_iter()
        .map(|file| {
            let new = new_at.get(&file.path).and_then(|&j| Some((j, new_files[j].take()?)));
            (file, new)
        })
        .collect();
    let size =
        |(old, new): &(SourceFile, Option<(usize, SourceFile)>)| old.size.max(new.as_ref().map_or(0, |(_, f)| f.size));
    let paired = pool.install(|| {
        largest_first(pairs, size, |(old, new)| {
            let (j, new) = new.unzip();
            let lowered = process_pair(&old, new.as_ref(), cache, &lowering);
            progress.inc(1 + j.is_some() as u64);
            (j, lowered)
        })
    });
    let mut old_processed = Vec::with_capacity(paired.len());
    let mut new_processed: Vec<Option<Processed>> = (0..new_count).map(|_| None).collect();
    for (j, (old_file, new_file)) in paired {
        old_processed.push(old_file);
        if let (Some(j), Some(new_file)) = (j, new_file) {
            new_processed[j] = Some(new_file);
        }
    }
    let cache_error = add_to_cache(&old_processed, &[], Some(&mut *cache), &pool);
    let rest: Vec<(usize, SourceFile)> = new_files
        .into_iter()
        .enumerate()
        .filter_map(|(j, f)| Some((j, f?)))
        .collect();
    let rest = pool.install(|| {
        largest_first(
            rest,
            |(_, f)| f.size,
            |(j, file)| {
                let processed = process_file(&file, Some(cache), &lowering);
                progress.inc(1);
                (j, processed)
            },
        )
    });
    progress.finish_and_clear();
    for (j, processed) in rest {
        new_processed[j] = Some(processed);
    }
    let lowered = |processed, errors: Vec<String>, modules, sources, support, root: &Path| Lowered {
        processed,
        walk_errors: errors,
        modules,
        sources,
        support,
        root: root.to_path_buf(),
        start,
        cache_error: None,
        packed: Vec::new(),
    };
    let new_processed = new_processed
        .into_iter()
        .map(|p| p.expect("every new file is lowered"))
        .collect();
    let mut old = lowered(
        old_processed,
        old.errors,
        old.modules,
        old.sources,
        old.support,
        old_root,
    );
    old.cache_error = cache_error;
    let new = lowered(
        new_processed,
        new.errors,
        new.modules,
        new.sources,
        new.support,
        new_root,
    );
    Ok((old, new))
}

impl Lowered {
    /// Encodes the files' syntax as cache records do, while this side of a diff waits for the other to be read:
    /// the records take a fraction of the memory of the syntax trees (`finish` decodes them).
    pub fn pack(&mut self, options: &ScanOptions) -> Result<()> {
        let pool = pool(options)?;
        self.packed = pool.install(|| {
            self.processed
                .par_iter_mut()
                .map(|p| {
                    let Some(syntax) = p.facts.syntax.take() else {
                        return Ok(None);
                    };
                    Ok(Some(
                        crate::cache::encode(&syntax).context("cannot encode a file's syntax")?,
                    ))
                })
                .collect::<Result<_>>()
        })?;
        Ok(())
    }

    /// Adds the files parsed to `cache` and builds the model.
    pub fn finish(mut self, cache: Option<&mut Cache>, options: &ScanOptions) -> Result<Scan> {
        let pool = pool(options)?;
        let packed = std::mem::take(&mut self.packed);
        // A packed side's records go to the cache as they are, then are decoded.
        let cache_error = add_to_cache(&self.processed, &packed, cache, &pool);
        if !packed.is_empty() {
            pool.install(|| {
                self.processed.par_iter_mut().zip(packed).try_for_each(|(p, bytes)| {
                    if let Some(bytes) = bytes {
                        p.facts.syntax = Some(crate::cache::decode(&bytes).context("cannot decode a file's syntax")?);
                    }
                    anyhow::Ok(())
                })
            })?;
        }
        let mut diagnostics: Vec<Diagnostic> = self
            .walk_errors
            .iter()
            .map(|e| Diagnostic {
                path: self.root.display().to_string(),
                line: None,
                message: e.clone(),
            })
            .collect();
        diagnostics.extend(self.cache_error);
        diagnostics.extend(cache_error);
        let mut facts = Vec::with_capacity(self.processed.len());
        let mut cache_hits = 0;
        let mut stats = Stats::default();
        let mut dirs = std::collections::BTreeSet::new();
        for processed in self.processed {
            diagnostics.extend(processed.diagnostics);
            if matches!(processed.cached, Cached::Hit) {
                cache_hits += 1;
            }
            if self.support.iter().any(|d| d == processed.facts.dir()) {
                facts.push(processed.facts);
                continue;
            }
            stats.files += 1;
            stats.bytes += processed.facts.size;
            dirs.insert(processed.facts.dir().to_string());
            match &processed.facts.syntax {
                Some(syntax) => {
                    stats.types += syntax.types.len();
                    stats.methods += syntax.funcs.iter().filter(|f| f.receiver.is_some()).count();
                    stats.funcs += syntax.funcs.iter().filter(|f| f.receiver.is_none()).count();
                    if !syntax.error_lines.is_empty() {
                        stats.parse_error_files += 1;
                    }
                }
                None => stats.unreadable_files += 1,
            }
            facts.push(processed.facts);
        }
        stats.packages = dirs.len();
        diagnostics.sort();
        let (model, consts) = pool.install(|| {
            let model = Model::build(facts, self.modules, &self.support);
            let consts = consteval::evaluate(&model);
            (model, consts)
        });
        Ok(Scan {
            model,
            sources: self.sources,
            consts,
            stats,
            diagnostics,
            elapsed: self.start.elapsed(),
            cache_hits,
        })
    }
}

/// Adds the files parsed this run to the cache (those `packed` as their encoded bytes); a diagnostic if they
/// cannot be encoded.
fn add_to_cache(
    processed: &[Processed],
    packed: &[Option<Vec<u8>>],
    cache: Option<&mut Cache>,
    pool: &rayon::ThreadPool,
) -> Option<Diagnostic> {
    let cache = cache?;
    let parsed: Vec<(ContentHash, Entry)> = processed
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match (&p.cached, &p.facts.syntax, packed.get(i)) {
            (Cached::Miss(hash), Some(syntax), _) => Some((*hash, Entry::Syntax(syntax))),
            (Cached::Miss(hash), None, Some(Some(bytes))) => Some((*hash, Entry::Encoded(bytes))),
            _ => None,
        })
        .collect();
    let result = pool.install(|| cache.add(&parsed));
    result.err().map(|err| cache_problem(cache, &err))
}

/// The worker threads for `options.jobs`, started once per process: each thread has its own malloc arena, and
/// memory freed in one thread's arena is not reused by another's, so new threads for every phase of a diff raised
/// its peak by over 100 MiB.
pub fn pool(options: &ScanOptions) -> Result<std::sync::Arc<rayon::ThreadPool>> {
    static POOLS: std::sync::Mutex<Vec<(Option<usize>, std::sync::Arc<rayon::ThreadPool>)>> =
        std::sync::Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, pool)) = pools.iter().find(|(jobs, _)| *jobs == options.jobs) {
        return Ok(pool.clone());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let pool = std::sync::Arc::new(pool);
    pools.push((options.jobs, pool.clone()));
    Ok(pool)
}

/// A progress bar on stderr when it is a terminal and progress is wanted, else a hidden one.
fn progress(len: usize, options: &ScanOptions) -> indicatif::ProgressBar {
    if !(options.progress && std::io::stderr().is_terminal()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} parsing {pos}/{len} files {wide_bar} {eta}")
            .expect("the progress template is valid"),
    );
    bar
}

/// Runs `work` on every item in parallel, one item per task, largest first, and returns the results in the order of
/// `items`. The first worker goes through the large generated files (whose syntax trees take tens of MB while they
/// live) one after another while the other steals the small files from the far end, so two large trees rarely
/// live at once.
fn largest_first<T: Send, R: Send>(items: Vec<T>, size: impl Fn(&T) -> u64, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let mut items: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    items.sort_by_key(|(_, item)| std::cmp::Reverse(size(item)));
    let mut done: Vec<(usize, R)> = items
        .into_par_iter()
        .with_max_len(1)
        .map(|(k, item)| (k, work(item)))
        .collect();
    done.sort_unstable_by_key(|(k, _)| *k);
    done.into_iter().map(|(_, r)| r).collect()
}

enum Cached {
    Hit,
    Miss(ContentHash),
    No,
}

struct Processed {
    facts: FileFacts,
    diagnostics: Vec<Diagnostic>,
    cached: Cached,
}

fn process_file(file: &SourceFile, cache: Option<&Cache>, lowering: &Lowering) -> Processed {
    match read_file(file) {
        Ok((facts, src)) => lower_source(file, facts, &src, cache, lowering, Reuse::None).0,
        Err(unreadable) => *unreadable,
    }
}

/// A file of the old revision of a diff and, when there is one, the file at the same path in the new revision.
fn process_pair(
    old: &SourceFile,
    new: Option<&SourceFile>,
    cache: &Cache,
    lowering: &Lowering,
) -> (Processed, Option<Processed>) {
    let Some(new) = new else {
        return (process_file(old, Some(cache), lowering), None);
    };
    let (old_facts, old_src) = match read_file(old) {
        Ok(read) => read,
        Err(unreadable) => return (*unreadable, Some(process_file(new, Some(cache), lowering))),
    };
    let (new_facts, new_src) = match read_file(new) {
        Ok(read) => read,
        Err(unreadable) => {
            let old = lower_source(old, old_facts, &old_src, Some(cache), lowering, Reuse::None).0;
            return (old, Some(*unreadable));
        }
    };
    if old_src == new_src {
        let old = lower_source(old, old_facts, &old_src, Some(cache), lowering, Reuse::None).0;
        let new = Processed {
            facts: FileFacts {
                syntax: old.facts.syntax.clone(),
                ..new_facts
            },
            diagnostics: old.diagnostics.clone(),
            cached: Cached::Hit,
        };
        return (old, Some(new));
    }
    let (old, kept) = lower_source(old, old_facts, &old_src, Some(cache), lowering, Reuse::KeepTree);
    let reuse = match (&kept, &old.facts.syntax) {
        (Some((tree, index)), Some(syntax)) => Reuse::From(
            tree.as_ref(),
            Previous {
                src: &old_src,
                syntax,
                index,
            },
        ),
        _ => Reuse::None,
    };
    let new = lower_source(new, new_facts, &new_src, Some(cache), lowering, reuse).0;
    (old, Some(new))
}

/// The facts of a file that need only its text, and the text; a processed file with a diagnostic when it cannot
/// be read or is not UTF-8.
fn read_file(file: &SourceFile) -> Result<(FileFacts, String), Box<Processed>> {
    let mut facts = FileFacts {
        path: file.path.clone(),
        size: file.size,
        constraints: Default::default(),
        platforms: Default::default(),
        syntax: None,
        problem: None,
    };
    let unreadable = |mut facts: FileFacts, line: Option<u32>, message: String| {
        facts.problem = Some(message.clone());
        Box::new(Processed {
            diagnostics: vec![Diagnostic {
                path: facts.path.clone(),
                line,
                message,
            }],
            facts,
            cached: Cached::No,
        })
    };
    let bytes = match file.content.read() {
        Ok(bytes) => bytes,
        Err(err) => return Err(unreadable(facts, None, format!("cannot read: {err}"))),
    };
    facts.size = bytes.len() as u64;
    let src = match String::from_utf8(bytes) {
        Ok(src) => src,
        Err(err) => {
            let bytes = err.as_bytes();
            let valid = err.utf8_error().valid_up_to();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            return Err(unreadable(facts, Some(line), "not valid UTF-8, skipped".to_string()));
        }
    };
    facts.constraints = read_constraints(&src);
    facts.platforms = platforms(file.file_name(), &facts.constraints);
    Ok((facts, src))
}

/// What a parse shares with another revision of the same file.
enum Reuse<'a> {
    None,
    /// Give the index of declarations back, and the syntax tree of a full parse, to lower the file's next
    /// revision from.
    KeepTree,
    /// Copy the facts of the unchanged declarations of the file's previous revision, and reparse from its tree
    /// when it has one. A tree that skipped bodies is not reparsed from: the new revision skips its own.
    From(Option<&'a Tree>, Previous<'a>),
}

/// Lowers a file's text, from the cache when it holds the content (and every parse mode but `lazy` parses).
fn lower_source(
    file: &SourceFile,
    mut facts: FileFacts,
    src: &str,
    cache: Option<&Cache>,
    lowering: &Lowering,
    reuse: Reuse,
) -> (Processed, Option<(Option<Tree>, DeclIndex)>) {
    let hash = cache.map(|_| ContentHash::of(src.as_bytes()));
    let cached = match (cache, hash) {
        (Some(cache), Some(hash)) if lowering.mode == ParseMode::Lazy => cache.get(&hash),
        _ => None,
    };
    let mut diagnostics = Vec::new();
    let (syntax, cached, tree) = match cached {
        Some(syntax) => (syntax, Cached::Hit, None),
        None => {
            let keep = matches!(reuse, Reuse::KeepTree);
            let (old_tree, previous) = match reuse {
                Reuse::From(old_tree, previous) => (old_tree, Some(previous)),
                _ => (None, None),
            };
            let (tree, skipped) = match (old_tree, &previous) {
                (Some(old_tree), Some(previous)) => (reparse(old_tree, previous.src, src), false),
                _ => lowering.parse(src),
            };
            let (syntax, index) = lower_revision(&tree, src, lowering.query, previous);
            if lowering.mode == ParseMode::Check && skipped {
                diagnostics.extend(compare_with_full_parse(file, src, &syntax, lowering.query));
            }
            let keep = keep.then(|| ((!skipped).then_some(tree), index));
            (syntax, hash.map_or(Cached::No, Cached::Miss), keep)
        }
    };
    diagnostics.extend(syntax.error_lines.first().map(|&line| Diagnostic {
        path: file.path.clone(),
        line: Some(line),
        message: "parse error".to_string(),
    }));
    facts.syntax = Some(syntax);
    (
        Processed {
            facts,
            diagnostics,
            cached,
        },
        tree,
    )
}

/// `--parse check`: a problem when the facts of a parse that skipped bodies are not those of a full parse, at
/// the first declaration that differs.
fn compare_with_full_parse(file: &SourceFile, src: &str, lazy: &FileSyntax, query: &BodyQuery) -> Option<Diagnostic> {
    let full = crate::lower::lower_file(&parse(src), src, query);
    let bytes = |syntax: &FileSyntax| bincode::serialize(syntax).expect("facts serialize");
    if bytes(lazy) == bytes(&full) {
        return None;
    }
    let line = lazy
        .funcs
        .iter()
        .zip(&full.funcs)
        .find(|(a, b)| bincode::serialize(a).ok() != bincode::serialize(b).ok())
        .map(|(a, _)| a.line);
    Some(Diagnostic {
        path: file.path.clone(),
        line,
        message: "the facts of a parse that skipped bodies differ from a full parse's".to_string(),
    })
}
