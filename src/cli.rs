//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kubewalk",
    version,
    about = "Maps the subsystems of a Kubernetes source tree and documents them"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse every Go file of a tree into a model of its packages, declarations and types
    Scan(ScanArgs),
    /// Write the documentation site of a tree: guides and API reference, in Markdown and HTML
    Site(SiteArgs),
    /// Work with the site's templates
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Check that every link and anchor of a generated site resolves
    CheckLinks(CheckLinksArgs),
    /// Compare two releases: binaries, commands, flags, workqueue, volume plugins, preflight checks, API
    Diff(DiffArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Write man pages: kubewalk.1 and one per subcommand
    Man {
        /// Folder to write the pages to
        dir: PathBuf,
    },
}

/// What `diff` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Md,
    Html,
    Json,
    All,
}

/// What `site` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SiteFormat {
    Md,
    Html,
    Both,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old release: a checkout folder or a saved `scan --json` file (with --git: a revision)
    pub old: String,
    /// The new release: a checkout folder or a saved `scan --json` file (with --git: a revision)
    pub new: String,
    /// Read both releases from this repository's object database (tags, branches, commits), without a checkout
    #[arg(long, value_name = "REPO")]
    pub git: Option<PathBuf>,
    /// Output folder of the report
    #[arg(long, default_value = "out/diff")]
    pub out: PathBuf,
    /// Which reports to write
    #[arg(long, value_enum, default_value_t = DiffFormat::All)]
    pub format: DiffFormat,
    /// Exit with code 1 when a change of this class is found (repeatable)
    #[arg(long, value_name = "CLASS", value_enum)]
    pub fail_on: Vec<crate::diff::Class>,
    /// Also compare the exported API of this package (import path; repeatable)
    #[arg(long, value_name = "PKG")]
    pub api: Vec<String>,
    /// Source links, e.g. https://github.com/kubernetes/kubernetes/blob/{ref}/{path}#L{line}
    #[arg(long, value_name = "TEMPLATE")]
    pub source_url: Option<String>,
    /// Names of the two releases in the report and in {ref} (default: the arguments)
    #[arg(long, value_name = "NAME")]
    pub old_ref: Option<String>,
    #[arg(long, value_name = "NAME")]
    pub new_ref: Option<String>,
    /// A folder of templates overriding the defaults (diff.md, layout.html)
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    pub templates: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the default templates to DIR, to change them and pass DIR to `site --templates`
    Export {
        /// Folder to write the templates to
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct CheckLinksArgs {
    /// A folder written by `kubewalk site`
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// A Kubernetes checkout, or any Go module such as a client-go checkout
    pub root: PathBuf,
    /// Output folder
    #[arg(long, default_value = "out/site")]
    pub out: PathBuf,
    /// Which formats to write
    #[arg(long, value_enum, default_value_t = SiteFormat::Both)]
    pub format: SiteFormat,
    /// A folder of templates; each file there replaces the default of the same name
    #[arg(long, value_name = "DIR", value_parser = existing_dir)]
    pub templates: Option<PathBuf>,
    /// Source links, e.g. https://github.com/kubernetes/kubernetes/blob/{ref}/{path}#L{line}; without it, links
    /// go to the local files
    #[arg(long, value_name = "TEMPLATE")]
    pub source_url: Option<String>,
    /// The release name shown on the pages and put in {ref} of --source-url
    #[arg(long = "ref", value_name = "NAME", default_value = "HEAD")]
    pub ref_name: String,
    /// The site's title
    #[arg(long, default_value = "Kubernetes source walkthroughs")]
    pub title: String,
    #[command(flatten)]
    pub common: CommonScanArgs,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// A Kubernetes checkout, or any Go module such as a client-go checkout
    pub root: PathBuf,
    /// Write the scan as JSON to FILE, or to standard output with `-`
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonScanArgs,
}

/// Options shared by every command that scans a tree.
#[derive(Debug, Args, Clone)]
pub struct CommonScanArgs {
    /// Also scan `_test.go` files
    #[arg(long)]
    pub include_tests: bool,
    /// Also scan `vendor/` folders
    #[arg(long)]
    pub include_vendor: bool,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// No progress bar and no summary
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Parse every file even when the cache knows it
    #[arg(long)]
    pub no_cache: bool,
    /// Folder of the scan cache (default: $KUBEWALK_CACHE_DIR, $XDG_CACHE_HOME/kubewalk or ~/.cache/kubewalk)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Topic definitions to add to the built-in ones (default: ROOT/kubewalk.toml when it exists)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Which function bodies to parse: `lazy` those a topic may read; `full` all, which also finds a syntax
    /// error in a body no topic reads; `check` both, with a problem for each file whose facts differ
    #[arg(long, value_enum, value_name = "MODE", default_value_t = crate::scanner::ParseMode::Lazy)]
    pub parse: crate::scanner::ParseMode,
}

/// A folder that must exist: a templates folder that is not there is a mistake, not a request for the defaults.
fn existing_dir(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_dir() => Ok(path),
        Ok(_) => Err("not a folder".to_string()),
        Err(err) => Err(format!("cannot read: {err}")),
    }
}

impl CommonScanArgs {
    pub fn scan_options(&self, query: crate::lower::BodyQuery) -> crate::scanner::ScanOptions {
        crate::scanner::ScanOptions {
            walk: crate::walk::WalkOptions {
                include_tests: self.include_tests,
                include_vendor: self.include_vendor,
            },
            jobs: self.jobs.map(usize::from),
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir.clone().or_else(crate::cache::default_dir)
            },
            progress: !self.quiet,
            query,
            parse: self.parse,
        }
    }
}
