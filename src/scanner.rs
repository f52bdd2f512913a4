//! Reading a tree into a `Model`: the walk, parallel parsing with a cache, diagnostics and counts.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::cache::{Cache, ContentHash};
use crate::lower::{lower_file, BodyQuery};
use crate::model::{FileFacts, Model};
use crate::parse::parse;
use crate::platform::{platforms, read_constraints};
use crate::syntax::FileSyntax;
use crate::walk::{check_root, walk, SourceFile, WalkOptions, Walked};

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
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
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
    let progress = if options.progress && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(walked.files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} parsing {pos}/{len} files {wide_bar} {eta}")
                .expect("the progress template is valid"),
        );
        Some(bar)
    } else {
        None
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    // One file per task, largest first: the first worker goes through the large generated files (whose syntax
    // trees take tens of MB while they live) one after another while the other steals the small files from the
    // far end, so two large trees rarely live at once. Results are put back in path order.
    let mut order: Vec<usize> = (0..walked.files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(walked.files[i].size));
    let mut indexed: Vec<(usize, Processed)> = pool.install(|| {
        order
            .par_iter()
            .with_max_len(1)
            .map(|&i| {
                let processed = process_file(&walked.files[i], cache.as_deref(), &options.query);
                if let Some(bar) = &progress {
                    bar.inc(1);
                }
                (i, processed)
            })
            .collect()
    });
    indexed.sort_unstable_by_key(|(i, _)| *i);
    let results = indexed.into_iter().map(|(_, p)| p);
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let mut diagnostics: Vec<Diagnostic> = walked
        .errors
        .iter()
        .map(|e| Diagnostic {
            path: root.display().to_string(),
            line: None,
            message: e.clone(),
        })
        .collect();
    let mut facts = Vec::with_capacity(results.len());
    // Files parsed this run, by content, for the cache.
    let mut parsed = Vec::new();
    let mut cache_hits = 0;
    let mut stats = Stats::default();
    let mut dirs = std::collections::BTreeSet::new();
    for processed in results {
        stats.files += 1;
        stats.bytes += processed.facts.size;
        dirs.insert(processed.facts.dir().to_string());
        diagnostics.extend(processed.diagnostics);
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
        match processed.cached {
            Cached::Hit => cache_hits += 1,
            Cached::Miss(hash) => parsed.push((hash, facts.len())),
            Cached::No => {}
        }
        facts.push(processed.facts);
    }
    stats.packages = dirs.len();
    if let Some(cache) = cache {
        let parsed: Vec<(ContentHash, &FileSyntax)> = parsed
            .iter()
            .filter_map(|&(hash, i)| Some((hash, facts[i].syntax.as_ref()?)))
            .collect();
        if let Err(err) = pool.install(|| cache.add(&parsed)) {
            diagnostics.push(cache_problem(cache, &err));
        }
    }
    diagnostics.sort();
    let model = pool.install(|| Model::build(facts, walked.modules));
    Ok(Scan {
        model,
        stats,
        diagnostics,
        elapsed: start.elapsed(),
        cache_hits,
    })
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

fn process_file(file: &SourceFile, cache: Option<&Cache>, query: &BodyQuery) -> Processed {
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
        Processed {
            diagnostics: vec![Diagnostic {
                path: facts.path.clone(),
                line,
                message,
            }],
            facts,
            cached: Cached::No,
        }
    };
    let bytes = match file.content.read() {
        Ok(bytes) => bytes,
        Err(err) => return unreadable(facts, None, format!("cannot read: {err}")),
    };
    facts.size = bytes.len() as u64;
    let src = match std::str::from_utf8(&bytes) {
        Ok(src) => src,
        Err(err) => {
            let line = bytes[..err.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            return unreadable(facts, Some(line), "not valid UTF-8, skipped".to_string());
        }
    };
    facts.constraints = read_constraints(src);
    facts.platforms = platforms(file.file_name(), &facts.constraints);
    let hash = cache.map(|_| ContentHash::of(&bytes));
    let (syntax, cached) = match (cache, hash) {
        (Some(cache), Some(hash)) => match cache.get(&hash) {
            Some(syntax) => (syntax, Cached::Hit),
            None => (lower_file(&parse(src), src, query), Cached::Miss(hash)),
        },
        _ => (lower_file(&parse(src), src, query), Cached::No),
    };
    let diagnostics = syntax
        .error_lines
        .first()
        .map(|&line| Diagnostic {
            path: file.path.clone(),
            line: Some(line),
            message: "parse error".to_string(),
        })
        .into_iter()
        .collect();
    facts.syntax = Some(syntax);
    Processed {
        facts,
        diagnostics,
        cached,
    }
}
