use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use kubewalk::cache::Cache;
use kubewalk::cli::{Cli, Command, DiffArgs, DiffFormat, ScanArgs, SiteArgs, TemplatesCommand};
use kubewalk::topics::{self, TopicConfig};
use kubewalk::{diff, git, render, scan, scanner};

/// Everything went well.
const EXIT_OK: u8 = 0;
/// The run finished, but some input was bad: a file that could not be read or fully parsed.
const EXIT_PROBLEMS: u8 = 1;
/// The run could not be done: bad arguments, a root that is not a Go tree, an output that cannot be written.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    tree_sitter_on_mimalloc();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(EXIT_OK);
            }
            warn(format_args!("kubewalk: {err:#}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A line of the run's own output on standard output. Written through a locked handle, so that a closed pipe is
/// an error the caller maps to exit 0 (`kubewalk scan . | head`), never a panic.
fn say(line: std::fmt::Arguments) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_fmt(line)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A warning or a summary on standard error. A closed standard error is no reason to stop the run.
fn warn(line: std::fmt::Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(line).and_then(|()| err.write_all(b"\n"));
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Site(args) => run_site(args),
        Command::Templates(TemplatesCommand::Export { dir }) => {
            render::export_templates(&dir)?;
            say(format_args!(
                "wrote {} templates to {}",
                render::DEFAULT_TEMPLATES.len(),
                dir.display()
            ))?;
            Ok(EXIT_OK)
        }
        Command::Diff(args) => run_diff(args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "kubewalk", &mut out);
            std::io::stdout().lock().write_all(&out)?;
            Ok(EXIT_OK)
        }
        Command::Man { dir } => {
            std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
            clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), &dir)
                .with_context(|| format!("{}: cannot write the man pages", dir.display()))?;
            say(format_args!("wrote the man pages to {}", dir.display()))?;
            Ok(EXIT_OK)
        }
        Command::CheckLinks(args) => {
            let report = render::check::check_site(&args.dir)?;
            for broken in &report.broken {
                warn(format_args!("broken link: {broken}"));
            }
            say(format_args!(
                "{} pages, {} links, {} broken",
                report.pages,
                report.links,
                report.broken.len()
            ))?;
            Ok(if report.broken.is_empty() {
                EXIT_OK
            } else {
                EXIT_PROBLEMS
            })
        }
    }
}

fn run_site(args: SiteArgs) -> Result<u8> {
    let start = std::time::Instant::now();
    let options = render::SiteOptions {
        out: args.out.clone(),
        format: args.format,
        templates: args.templates.clone(),
        source_url: args.source_url.clone(),
        ref_name: args.ref_name.clone(),
        title: args.title.clone(),
    };
    // A saved scan renders without the tree: the facts are all in it, but for source excerpts.
    let (report, had_problems) = if args.root.is_file() {
        let config = TopicConfig::load(std::path::Path::new("."), args.common.config.as_deref())?;
        let saved = scan::SavedScan::read(&args.root)?;
        let topics = saved.topics(&config, &args.root.display().to_string())?;
        let data = render::pages::SiteData {
            stats: &saved.stats,
            packages: render::pages::Packages::saved(&saved.packages),
            topics: &topics,
            root: None,
        };
        let problems = saved.stats.parse_error_files > 0 || saved.stats.unreadable_files > 0;
        let report = render::build_site(data, &options)?;
        leave_to_exit(topics);
        leave_to_exit(saved);
        (report, problems)
    } else {
        let config = TopicConfig::load(&args.root, args.common.config.as_deref())?;
        let result = scanner::scan(&args.root, &args.common.scan_options(config.body_query()))?;
        for diagnostic in &result.diagnostics {
            warn(format_args!("warning: {diagnostic}"));
        }
        let topics = topics_of(&result, &config, args.common.jobs.map(usize::from));
        let data = render::pages::SiteData {
            stats: &result.stats,
            packages: render::pages::Packages::Scan(&result),
            topics: &topics,
            root: Some(&args.root),
        };
        let report = render::build_site(data, &options)?;
        let problems = result.had_problems();
        leave_to_exit(topics);
        leave_to_exit(result);
        (report, problems)
    };
    let links = render::check::check_pages(&args.out, &report.links);
    for broken in &links.broken {
        warn(format_args!("broken link: {broken}"));
    }
    if !links.broken.is_empty() {
        warn(format_args!(
            "kubewalk: {}: {} broken links in the site just written (a template links to a page it did not write)",
            args.out.display(),
            links.broken.len()
        ));
    }
    if !args.common.quiet {
        say(format_args!(
            "{} pages, {} files ({:.1} MB) in {}; search index {} entries ({:.1} kB); {} links checked, {} broken; {:.2} s",
            report.pages,
            report.files,
            report.bytes as f64 / 1e6,
            args.out.display(),
            report.search_entries,
            report.search_bytes as f64 / 1e3,
            links.links,
            links.broken.len(),
            start.elapsed().as_secs_f64(),
        ))?;
    }
    let code = if had_problems || !links.broken.is_empty() {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    };
    leave_to_exit(report);
    Ok(code)
}

/// Frees nothing: the process is about to exit, and freeing a model of a whole tree (millions of small
/// allocations) takes a fifth of a second, a site's links 60 ms.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// A scanned tree's topics, its binaries run on `jobs` threads.
fn topics_of(result: &scanner::Scan, config: &TopicConfig, jobs: Option<usize>) -> topics::Topics {
    topics::extract(&result.model, &result.consts, &result.sources, config, jobs)
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    let config = TopicConfig::load(&args.root, args.common.config.as_deref())?;
    let result = scanner::scan(&args.root, &args.common.scan_options(config.body_query()))?;
    for diagnostic in &result.diagnostics {
        warn(format_args!("warning: {diagnostic}"));
    }
    if let Some(target) = &args.json {
        let topics = topics_of(&result, &config, args.common.jobs.map(usize::from));
        let doc = scan::document(&result, &topics, &config.topics);
        write_json(target, &doc)?;
    }
    let to_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    if !args.common.quiet {
        let stats = &result.stats;
        let line = format!(
            "{} files ({:.1} MB) in {} packages: {} types, {} methods, {} funcs; {} with parse errors, {} unreadable; {:.2} s{}",
            stats.files,
            stats.bytes as f64 / 1e6,
            stats.packages,
            stats.types,
            stats.methods,
            stats.funcs,
            stats.parse_error_files,
            stats.unreadable_files,
            result.elapsed.as_secs_f64(),
            if result.cache_hits > 0 { format!(" ({} files from the cache)", result.cache_hits) } else { String::new() },
        );
        // The summary goes to stderr when stdout carries the JSON.
        if to_stdout {
            warn(format_args!("{line}"));
        } else {
            say(format_args!("{line}"))?;
        }
    }
    let code = if result.had_problems() { EXIT_PROBLEMS } else { EXIT_OK };
    leave_to_exit(result);
    Ok(code)
}

fn write_json(target: &std::path::Path, value: &impl serde::Serialize) -> Result<()> {
    if target.as_os_str() == "-" {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        // As an io::Error, so that a closed pipe is recognised as one.
        serde_json::to_writer(&mut out, value)
            .map_err(std::io::Error::from)
            .context("cannot write JSON to standard output")?;
        out.write_all(b"\n")?;
        out.flush()?;
        return Ok(());
    }
    let file = std::fs::File::create(target).with_context(|| format!("{}: cannot create", target.display()))?;
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut out, value)
        .map_err(std::io::Error::from)
        .with_context(|| format!("{}: cannot write", target.display()))?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// One side of a diff before it is scanned: a saved scan, or the files of a folder or a git revision.
enum DiffInput {
    Saved(Box<scan::SavedScan>),
    Tree(kubewalk::walk::Walked),
    /// Read and lowered together with the other side.
    Lowered(scanner::Lowered),
}

fn diff_input(
    args: &DiffArgs,
    spec: &str,
    options: &scanner::ScanOptions,
    store: &git::BlobStore,
) -> Result<DiffInput> {
    if let Some(repo) = &args.git {
        // On the scan's own workers: the blobs are freed where the parse allocates, and their memory is reused.
        let walked = scanner::pool(options)?.install(|| git::walk_revision(repo, spec, options.walk, store))?;
        return Ok(DiffInput::Tree(walked));
    }
    let path = std::path::Path::new(spec);
    if path.is_file() {
        return Ok(DiffInput::Saved(Box::new(scan::SavedScan::read(path)?)));
    }
    Ok(DiffInput::Tree(scanner::walk_root(path, options)?))
}

/// The folder that names one side of a diff in diagnostics: the repository with `--git`, else the side's folder.
fn diff_root(args: &DiffArgs, spec: &str) -> std::path::PathBuf {
    args.git.clone().unwrap_or_else(|| std::path::PathBuf::from(spec))
}

/// The packages a diff compares the API of: `--api`, and the workqueue topics' packages.
fn compared_packages(args: &DiffArgs, config: &TopicConfig) -> Vec<String> {
    let mut wanted: Vec<String> = args.api.clone();
    for topic in &config.topics {
        if let topics::Kind::Workqueue(def) = &topic.kind {
            wanted.push(def.package.clone());
        }
    }
    wanted
}

/// One side of a diff: its topics and the packages whose API is compared. Both sides read and add to one cache,
/// so a file that is the same in both revisions is parsed once.
/// One side of a diff, scanned: a saved scan's topics as they are, or a tree's scan still to be read.
enum SideScan {
    Saved(diff::Side),
    Scanned(Box<scanner::Scan>),
}

/// Scans one side of a diff (or reads its saved scan).
fn scan_side(
    args: &DiffArgs,
    spec: &str,
    input: DiffInput,
    config: &TopicConfig,
    options: &scanner::ScanOptions,
    cache: &mut Cache,
) -> Result<SideScan> {
    let result = match input {
        DiffInput::Saved(saved) => {
            let wanted = compared_packages(args, config);
            let topics = saved.topics(config, spec)?;
            let packages = saved
                .packages
                .into_iter()
                .filter(|p| wanted.iter().any(|w| *w == p.import_path))
                .collect();
            return Ok(SideScan::Saved(diff::Side { topics, packages }));
        }
        DiffInput::Tree(walked) => {
            let root = diff_root(args, spec);
            scanner::scan_walked(walked, &root, Some(cache), std::time::Instant::now(), options)?
        }
        DiffInput::Lowered(lowered) => lowered.finish(Some(cache), options)?,
    };
    for diagnostic in &result.diagnostics {
        warn(format_args!("warning: {spec}: {diagnostic}"));
    }
    Ok(SideScan::Scanned(Box::new(result)))
}

/// What the comparison reads of a scanned side: its topics, and the packages whose API it compares, owned.
fn diff_side(
    args: &DiffArgs,
    scan: SideScan,
    config: &TopicConfig,
    jobs: Option<usize>,
    last: bool,
) -> (diff::Side, Option<SideCounts>) {
    let result = match scan {
        SideScan::Saved(side) => return (side, None),
        SideScan::Scanned(result) => result,
    };
    let wanted = compared_packages(args, config);
    let topics = topics_of(&result, config, jobs);
    let packages = wanted
        .iter()
        .filter_map(|path| result.tree_package(path))
        .map(|id| scan::package_doc(&result.model, &result.consts, id).into_owned())
        .collect();
    let counts = SideCounts::of(&result);
    // The old side is freed for the new side to reuse its memory; the last is left to the process's exit.
    if last {
        leave_to_exit(*result);
    } else {
        drop(result);
    }
    (diff::Side { topics, packages }, Some(counts))
}

/// The files of one scanned side of a diff, and how many of them were parsed rather than found in the cache.
struct SideCounts {
    files: usize,
    parsed: usize,
}

impl SideCounts {
    fn of(scan: &scanner::Scan) -> SideCounts {
        SideCounts {
            files: scan.stats.files,
            parsed: scan.stats.files - scan.stats.unreadable_files - scan.cache_hits,
        }
    }
}

fn run_diff(args: DiffArgs) -> Result<u8> {
    return_freed_memory_at_once();
    let config = TopicConfig::load(&diff_root(&args, &args.new), args.common.config.as_deref())?;
    let options = args.common.scan_options(config.body_query());
    // Both revisions are listed first: git blobs the two share are read once, and none is kept past its scan.
    let store = git::BlobStore::default();
    let old_input = diff_input(&args, &args.old, &options, &store)?;
    let new_input = diff_input(&args, &args.new, &options, &store)?;
    drop(store);
    let fingerprint = options.query.fingerprint();
    let mut cache = match (&options.cache_dir, &args.git) {
        (Some(dir), Some(repo)) => Cache::load(dir, &[repo], &fingerprint),
        (Some(dir), None) => Cache::load(dir, &[args.old.as_ref(), args.new.as_ref()], &fingerprint),
        (None, _) => Cache::in_memory(&fingerprint),
    };
    let any_scanned = !matches!((&old_input, &new_input), (DiffInput::Saved(_), DiffInput::Saved(_)));
    // Two trees are read in one pass, so a changed file can be reparsed from its old syntax tree.
    let (old_input, new_input) = match (old_input, new_input) {
        (DiffInput::Tree(old), DiffInput::Tree(new)) => {
            let (old_root, new_root) = (diff_root(&args, &args.old), diff_root(&args, &args.new));
            let (old, mut new) = scanner::lower_revisions((old, &old_root), (new, &new_root), &mut cache, &options)?;
            // The new side waits while the old side is read: its files' syntax is kept encoded meanwhile.
            new.pack(&options)?;
            (DiffInput::Lowered(old), DiffInput::Lowered(new))
        }
        inputs => inputs,
    };
    // The sides are read one after the other, each on every core, and the old side's model and evaluators are
    // freed before the new side's model is built. Measured on the 2-core AMD EPYC, 2026-12-07, v1.20.2 ->
    // v1.25.0, three interleaved runs each: 578-619 MiB and 10.6-11.2 s, against 743-782 MiB and 9.3-12.0 s with
    // the old side's topics on a thread of their own beside the new side's scan, one evaluator thread a side.
    // (On 2026-12-02, when the binaries' runs were slower, the sides one after the other took 11.2 s against 9.7.)
    let jobs = args.common.jobs.map(usize::from);
    let old_scan = scan_side(&args, &args.old, old_input, &config, &options, &mut cache)?;
    let old = diff_side(&args, old_scan, &config, jobs, false);
    let new_scan = scan_side(&args, &args.new, new_input, &config, &options, &mut cache)?;
    if any_scanned {
        if let Err(err) = cache.write() {
            warn(format_args!("warning: {}", scanner::cache_problem(&cache, &err)));
        }
    }
    drop(cache);
    let new = diff_side(&args, new_scan, &config, jobs, true);
    finish_diff(args, old, new)
}

/// Compares the two sides read and writes the report in the formats asked for.
fn finish_diff(
    args: DiffArgs,
    (old_side, old_counts): (diff::Side, Option<SideCounts>),
    (new_side, new_counts): (diff::Side, Option<SideCounts>),
) -> Result<u8> {
    let source_of = |spec: &str| match (&args.git, std::path::Path::new(spec).is_dir()) {
        (None, true) => render::DiffSource::Folder(std::path::PathBuf::from(spec)),
        _ => render::DiffSource::None,
    };
    let (old_source, new_source) = (source_of(&args.old), source_of(&args.new));
    let old_name = args.old_ref.clone().unwrap_or_else(|| args.old.clone());
    let new_name = args.new_ref.clone().unwrap_or_else(|| args.new.clone());
    let report = diff::diff(&old_name, &new_name, &old_side, &new_side, &args.api);
    let (md, html, json) = match args.format {
        DiffFormat::Md => (true, false, false),
        DiffFormat::Html => (false, true, false),
        DiffFormat::Json => (false, false, true),
        DiffFormat::All => (true, true, true),
    };
    let sides = match &args.source_url {
        Some(t) => (
            render::DiffSource::Url(t.clone(), old_name.clone()),
            render::DiffSource::Url(t.clone(), new_name.clone()),
        ),
        None => (old_source, new_source),
    };
    let output = render::OutputDir::claim(&args.out)?;
    if md || html {
        let title = format!("{old_name} → {new_name}");
        render::write_diff_report(
            &report,
            &output,
            md,
            html,
            args.templates.clone(),
            (&sides.0, &sides.1),
            &title,
        )?;
    }
    if json {
        let mut bytes = serde_json::to_vec(&report)?;
        bytes.push(b'\n');
        output.write(&args.out.join("diff.json"), &bytes)?;
    }
    output.finish()?;
    if !args.common.quiet {
        say(format_args!("{old_name} → {new_name}: {} changes", report.total))?;
        for section in &report.sections {
            say(format_args!(
                "  {:<20} {:>4} added {:>4} removed {:>4} changed",
                section.id, section.added, section.removed, section.changed
            ))?;
        }
        let files = |c: &Option<SideCounts>| c.as_ref().map_or("a saved scan".to_string(), |c| c.files.to_string());
        let parsed: usize = [&old_counts, &new_counts]
            .iter()
            .filter_map(|c| c.as_ref())
            .map(|c| c.parsed)
            .sum();
        say(format_args!(
            "files: {} old, {} new, {parsed} parsed",
            files(&old_counts),
            files(&new_counts)
        ))?;
    }
    let failing = report.changes().any(|c| args.fail_on.contains(&c.class));
    Ok(if failing { EXIT_PROBLEMS } else { EXIT_OK })
}

/// mimalloc instead of glibc's allocator: the evaluator makes and drops millions of small objects, and with glibc
/// malloc and free were a third of a scan's time. A warm `scan --json` of v1.20.2 on this project's 2-core
/// machine: 13.4 s with glibc, 10.6 s with mimalloc (3 runs each, same output).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc returns the memory it frees to the system at once rather than after its default 10 ms
/// (`mi_option_purge_delay`): a page a worker thread frees is otherwise purged only when that thread next
/// allocates, and the threads that build a diff's next side are others. A diff frees the waiting side's syntax
/// trees (once encoded) and then the old side's model and evaluators, and builds as much again. Measured on the
/// project's 2-core AMD EPYC, 2026-12-07, v1.20.2 -> v1.25.0, four interleaved rounds with the new side packed:
/// peak RSS 474-477 MiB against 511-536, wall time 10.1-10.9 s against 9.8-11.2, CPU time 17.4-18.8 s against
/// 17.2-19.4 (up to 0.7 s more of it in the kernel). Purging at once only while those two frees ran: 519 MiB.
/// Set for a diff only, when it starts; mimalloc reads the option at each purge.
fn return_freed_memory_at_once() {
    /// `mi_option_purge_delay` of mimalloc.h's `mi_option_e` (v2 and v3 alike), which libmimalloc-sys does not name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one option's value; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

/// mimalloc commits an arena's memory as it hands it out, not all at once when it reserves the arena (its
/// `arena_eager_commit` option, 2 by default: eager where the OS overcommits, as Linux does). Measured on the
/// project's 2-core AMD EPYC, 2026-12-02, v1.20.2 (three runs each way, the same output): a cold `scan
/// --include-tests` peaks at 237-245 MiB instead of 270-281, `site` at 475-482 MiB instead of 543-566, a cold `diff
/// --git v1.20.2 v1.25.0` at 1015-1019 MiB instead of 1085-1093 with 0.5 s of system time instead of 1.3; the
/// wall times the same within the machine's noise. The option is read when an arena is reserved, and the first is
/// reserved by the runtime's first allocation, before `main`: so it is set by an ELF constructor, which runs before
/// the runtime starts.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static COMMIT_MEMORY_WHEN_USED: extern "C" fn() = {
    extern "C" fn commit_memory_when_used() {
        /// `mi_option_arena_eager_commit` of mimalloc.h's `mi_option_e` (v2 and v3 alike), which libmimalloc-sys
        /// does not name.
        const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
        // SAFETY: sets one option's value; it allocates nothing and is safe before mimalloc's own start.
        unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }
    commit_memory_when_used
};

/// tree-sitter's C code allocates through mimalloc too, instead of glibc's malloc. Measured with bench/builds.sh on
/// this project's 2-core machine of 2026-12-01 (an Intel Xeon with AVX-512), v1.20.2 with tests: a cold scan's
/// peak memory 319 -> 301 MiB, a cold diff --git v1.20.2 -> v1.25.0's 1065 -> 1002 MiB, the time the same within
/// the machine's noise (0.90x to 1.07x across runs). The same runs retired two tricks measured on another
/// processor: a `--wrap=memcmp` that returned at once from tree-sitter's zero-length compares of external-scanner
/// states (a scan without it took 0.93x and 1.06x the time with it, in two runs: no gain here), and glibc's
/// fastbins turned off for a diff (without it, 0.95x the time): neither pays on this machine.
fn tree_sitter_on_mimalloc() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    use std::ffi::c_void;
    /// tree-sitter's allocator must not return null for a non-zero size; mimalloc does when memory runs out, and
    /// tree-sitter's own default aborts then, as these do.
    fn or_abort(p: *mut c_void, size: usize) -> *mut c_void {
        if p.is_null() && size != 0 {
            std::process::abort();
        }
        p
    }
    unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        // SAFETY: mimalloc's malloc, under malloc's contract.
        or_abort(unsafe { mi_malloc(size) }, size)
    }
    unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        // SAFETY: as calloc.
        or_abort(unsafe { mi_calloc(count, size) }, count.saturating_mul(size))
    }
    unsafe extern "C" fn realloc(p: *mut c_void, size: usize) -> *mut c_void {
        // SAFETY: as realloc; `p` came from these functions.
        or_abort(unsafe { mi_realloc(p, size) }, size)
    }
    // SAFETY: called first thing in main, before any tree-sitter object exists and while no other thread runs; the
    // four functions are one allocator's, never return null for a non-zero size, and align as malloc does.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc,
            calloc,
            realloc,
            free: mi_free,
        }));
    }
}
