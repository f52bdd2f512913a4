//! kubewalk against what the binaries of `fixtures/helpwalk` print for `--help`. The fixture is built with Go
//! against Debian's cobra and pflag (golang-github-spf13-cobra-dev, golang-github-spf13-pflag-dev) in a GOPATH,
//! `tools/helpwalk/helpwalk.py` walks every command's `--help`, and each command path, flag, shorthand, type
//! word, usage, default and DEPRECATED mark it prints is looked for in `kubewalk scan --json`; what kubewalk lists
//! and `--help` does not is a disagreement too.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Deserializer};

use crate::support::{have_go, kubewalk};

/// The GOPATH entry Debian's golang-*-dev packages install their sources in.
const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// The libraries the fixture is built against, each with the Debian package that installs it.
const LIBRARIES: &[(&str, &str)] = &[
    ("github.com/spf13/cobra", "golang-github-spf13-cobra-dev"),
    ("github.com/spf13/pflag", "golang-github-spf13-pflag-dev"),
];

/// The fixture's import path (its go.mod's module); the build puts the tree there in a GOPATH.
const IMPORT_PATH: &str = "example.com/helpwalk";

#[test]
fn fixture_agrees_with_the_binaries_help() {
    if !have_go("helpwalk") || !have_debian_libraries("helpwalk") {
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture = manifest.join("fixtures/helpwalk");
    let work = tempfile::tempdir().unwrap();
    let binaries = build(manifest, &fixture, work.path());
    let oracle = record_help(manifest, &binaries, work.path());
    let scan = scan(&fixture);

    let names: Vec<String> = binaries
        .iter()
        .map(|b| b.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let walked: Vec<String> = oracle.binaries.keys().cloned().collect();
    assert_eq!(
        walked, names,
        "helpwalk.py walked every binary of fixtures/helpwalk/cmd"
    );
    let comparison = compare(&oracle, &scan);
    let shown: usize = comparison.tallies.values().map(|t| t.flags).sum();
    // A help text helpwalk.py could not parse would leave nothing to compare, and agree vacuously.
    assert!(shown >= 80, "--help of the fixture shows too few flags: {shown}");
    assert!(
        comparison.disagreements.is_empty(),
        "kubewalk disagrees with --help of the binaries of fixtures/helpwalk in {} places\n\n{}\n{}",
        comparison.disagreements.len(),
        comparison.table(),
        comparison.disagreements.join("\n"),
    );
}

/// Whether Debian's cobra and pflag sources are installed; without them the test says so in one line and passes,
/// unless `KUBEWALK_REQUIRE_GO` is set (as for Go itself, see `have_go`).
fn have_debian_libraries(test: &str) -> bool {
    let missing: Vec<&str> = LIBRARIES
        .iter()
        .filter(|(path, _)| !Path::new(DEBIAN_GOPATH).join("src").join(path).is_dir())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("KUBEWALK_REQUIRE_GO").is_none(),
        "{test}: KUBEWALK_REQUIRE_GO is set but {} not installed in {DEBIAN_GOPATH}",
        missing.join(" and ")
    );
    eprintln!(
        "{test}: skipped, Debian's cobra and pflag sources are not installed (apt-get install {})",
        missing.join(" ")
    );
    false
}

/// Builds every binary of the fixture's `cmd/` in GOPATH mode, the tree copied into a GOPATH below `work` and
/// Debian's sources a second GOPATH entry. Go's build cache is kept in `target/` across runs.
fn build(manifest: &Path, fixture: &Path, work: &Path) -> Vec<PathBuf> {
    let gopath = work.join("gopath");
    let tree = gopath.join("src").join(IMPORT_PATH);
    copy_tree(fixture, &tree);
    let bin = work.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // `go build -o DIR/` writes one binary per main package when DIR ends in a separator.
    let mut out = bin.clone().into_os_string();
    out.push("/");
    let output = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg("./cmd/...")
        .current_dir(&tree)
        .env("GO111MODULE", "off")
        .env(
            "GOPATH",
            std::env::join_paths([gopath.as_path(), Path::new(DEBIAN_GOPATH)]).unwrap(),
        )
        .env("GOCACHE", manifest.join("target/helpwalk/gocache"))
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", "0")
        .output()
        .expect("`go` runs");
    assert!(
        output.status.success(),
        "go build of fixtures/helpwalk failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut binaries: Vec<PathBuf> = std::fs::read_dir(fixture.join("cmd"))
        .unwrap()
        .map(|e| bin.join(e.unwrap().file_name()))
        .collect();
    binaries.sort();
    for b in &binaries {
        assert!(b.is_file(), "go build made no {}", b.display());
    }
    binaries
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs helpwalk.py on the binaries; its scratch folders go below `work`.
fn record_help(manifest: &Path, binaries: &[PathBuf], work: &Path) -> Oracle {
    let out = work.join("help.json");
    let output = Command::new("python3")
        .arg(manifest.join("tools/helpwalk/helpwalk.py"))
        .arg("--quiet")
        .arg("-o")
        .arg(&out)
        .args(binaries)
        .env("TMPDIR", work)
        .output()
        .expect("python3 runs tools/helpwalk/helpwalk.py (apt-get install python3)");
    assert!(
        output.status.success(),
        "helpwalk.py failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&std::fs::read(&out).unwrap()).expect("helpwalk.py writes its documented JSON")
}

fn scan(fixture: &Path) -> ScanDoc {
    let stdout = kubewalk()
        .args(["scan", "--no-cache", "--quiet", "--json", "-"])
        .arg(fixture)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&stdout).expect("the scan JSON has binaries and cobra_commands")
}

/// What helpwalk.py records (see its docstring), as far as it is compared.
#[derive(Deserialize)]
struct Oracle {
    binaries: BTreeMap<String, HelpBinary>,
}

#[derive(Deserialize)]
struct HelpBinary {
    commands: Vec<HelpCommand>,
}

#[derive(Deserialize)]
struct HelpCommand {
    path: String,
    exit_code: Option<i32>,
    flags: Vec<HelpFlag>,
}

#[derive(Deserialize)]
struct HelpFlag {
    name: String,
    shorthand: Option<String>,
    /// The word printed after the name, `bool` when none is.
    #[serde(rename = "type")]
    ty: String,
    type_printed: bool,
    /// As printed in `(default ...)`, quotes included.
    default: Option<String>,
    usage: String,
    deprecated: Option<String>,
    /// Listed under cobra's `Global Flags:`.
    inherited: bool,
}

/// The parts of `kubewalk scan --json` compared (docs/topics.md).
#[derive(Deserialize)]
struct ScanDoc {
    topics: ScanTopics,
}

#[derive(Deserialize)]
struct ScanTopics {
    binaries: Vec<ScanBinary>,
    cobra_commands: Vec<ScanCommand>,
}

#[derive(Deserialize)]
struct ScanBinary {
    name: String,
    dir: String,
    root_command: Option<String>,
    /// The flags of a binary without commands.
    #[serde(default)]
    flags: Vec<ScanFlag>,
}

#[derive(Deserialize)]
struct ScanCommand {
    binary: Option<String>,
    path: Option<String>,
    hidden: bool,
    flags: Vec<ScanFlag>,
}

#[derive(Deserialize)]
struct ScanFlag {
    name: String,
    shorthand: Option<String>,
    #[serde(rename = "type")]
    ty: String,
    default: Option<String>,
    usage: Option<String>,
    #[serde(default, deserialize_with = "present")]
    deprecated: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    shorthand_deprecated: Option<Option<String>>,
    hidden: bool,
    inherited: bool,
}

/// A key that is present (`Some`), its value possibly null: how the scan JSON marks deprecations.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// One command as kubewalk has it.
struct Ours<'a> {
    path: &'a str,
    hidden: bool,
    flags: &'a [ScanFlag],
}

/// The counts of one binary: of what --help shows, how much kubewalk has the same.
#[derive(Default)]
struct Tally {
    flags: usize,
    found: usize,
    defaults: usize,
    defaults_equal: usize,
    deprecations: usize,
    deprecations_equal: usize,
    paths: usize,
    paths_found: usize,
}

struct Comparison {
    tallies: BTreeMap<String, Tally>,
    disagreements: Vec<String>,
}

impl Comparison {
    fn table(&self) -> String {
        let mut out = format!(
            "{:18} {:>9} {:>9} {:>12} {:>9}\n",
            "binary", "flags", "defaults", "deprecation", "paths"
        );
        for (name, t) in &self.tallies {
            let ratio = |a: usize, b: usize| format!("{a}/{b}");
            writeln!(
                out,
                "{name:18} {:>9} {:>9} {:>12} {:>9}",
                ratio(t.found, t.flags),
                ratio(t.defaults_equal, t.defaults),
                ratio(t.deprecations_equal, t.deprecations),
                ratio(t.paths_found, t.paths)
            )
            .unwrap();
        }
        out
    }
}

fn compare(oracle: &Oracle, scan: &ScanDoc) -> Comparison {
    let mut tallies = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (name, help) in &oracle.binaries {
        let Some(binary) = scan.topics.binaries.iter().find(|b| &b.name == name) else {
            disagreements.push(format!("{name}: kubewalk has no binary of that name"));
            continue;
        };
        let ours = our_commands(binary, scan);
        let tally: &mut Tally = tallies.entry(name.clone()).or_default();
        let out = &mut disagreements;
        let mut per_path: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &ours {
            *per_path.entry(c.path).or_default() += 1;
        }
        for (path, n) in per_path.into_iter().filter(|(_, n)| *n > 1) {
            out.push(format!("{path}: kubewalk has {n} commands of this path"));
        }
        for command in &help.commands {
            let path = command.path.as_str();
            tally.paths += 1;
            if command.exit_code != Some(0) {
                out.push(format!("{path}: --help exited with {:?}", command.exit_code));
            }
            let Some(mine) = ours.iter().find(|c| c.path == path) else {
                let flags: Vec<String> = command.flags.iter().map(|f| format!("--{}", f.name)).collect();
                tally.flags += flags.len();
                out.push(format!(
                    "{path}: --help walks to this command (with {}), kubewalk has no command of this path",
                    flags.join(" ")
                ));
                continue;
            };
            tally.paths_found += 1;
            if mine.hidden {
                out.push(format!("{path}: --help lists this command, kubewalk says it is hidden"));
            }
            compare_flags(path, &command.flags, mine.flags, tally, out);
        }
        for mine in ours.iter().filter(|c| !c.hidden) {
            if !help.commands.iter().any(|c| c.path == mine.path) {
                out.push(format!(
                    "{}: kubewalk has this command, --help does not reach it",
                    mine.path
                ));
            }
        }
    }
    Comparison { tallies, disagreements }
}

/// A binary's commands as kubewalk has them; a binary without commands is one, named like the binary.
fn our_commands<'a>(binary: &'a ScanBinary, scan: &'a ScanDoc) -> Vec<Ours<'a>> {
    if binary.root_command.is_none() {
        return vec![Ours {
            path: &binary.name,
            hidden: false,
            flags: &binary.flags,
        }];
    }
    scan.topics
        .cobra_commands
        .iter()
        .filter(|c| c.binary.as_deref() == Some(binary.dir.as_str()))
        .filter_map(|c| {
            Some(Ours {
                path: c.path.as_deref()?,
                hidden: c.hidden,
                flags: &c.flags,
            })
        })
        .collect()
}

fn compare_flags(path: &str, help: &[HelpFlag], ours: &[ScanFlag], tally: &mut Tally, out: &mut Vec<String>) {
    for flag in help {
        tally.flags += 1;
        let at = format!("{path} --{}", flag.name);
        let Some(mine) = ours.iter().find(|f| f.name == flag.name) else {
            out.push(format!("{at}: --help lists it, kubewalk does not"));
            continue;
        };
        tally.found += 1;
        if mine.hidden {
            out.push(format!("{at}: --help lists it, kubewalk says it is hidden"));
        }
        // pflag prints no shorthand whose use is deprecated.
        let shorthand = mine
            .shorthand
            .as_deref()
            .filter(|_| mine.shorthand_deprecated.is_none());
        if shorthand != flag.shorthand.as_deref() {
            out.push(format!(
                "{at}: shorthand: --help {:?}, kubewalk {shorthand:?}",
                flag.shorthand
            ));
        }
        let (word, usage) = unquote_usage(&mine.ty, mine.usage.as_deref().unwrap_or_default());
        let help_word = if flag.type_printed { flag.ty.as_str() } else { "" };
        if word != help_word {
            out.push(format!(
                "{at}: type word: --help {help_word:?}, kubewalk {word:?} (type {})",
                mine.ty
            ));
        }
        if words(&usage) != words(&flag.usage) {
            out.push(format!("{at}: usage: --help {:?}, kubewalk {usage:?}", flag.usage));
        }
        match (&flag.default, &mine.default) {
            (Some(shown), mine) => {
                tally.defaults += 1;
                if mine.as_ref() == Some(shown) {
                    tally.defaults_equal += 1;
                } else {
                    out.push(format!("{at}: default: --help {shown}, kubewalk {mine:?}"));
                }
            }
            (None, Some(mine)) => out.push(format!("{at}: default: --help shows none, kubewalk {mine}")),
            (None, None) => {}
        }
        tally.deprecations += 1;
        let deprecated = mine.deprecated.as_ref().map(|m| m.as_deref().unwrap_or("(not static)"));
        if deprecated == flag.deprecated.as_deref() {
            tally.deprecations_equal += 1;
        } else {
            out.push(format!(
                "{at}: DEPRECATED: --help {:?}, kubewalk {deprecated:?}",
                flag.deprecated
            ));
        }
        if mine.inherited != flag.inherited {
            out.push(format!(
                "{at}: inherited: --help {}, kubewalk {}",
                flag.inherited, mine.inherited
            ));
        }
    }
    for mine in ours.iter().filter(|f| !f.hidden) {
        if !help.iter().any(|f| f.name == mine.name) {
            out.push(format!("{path} --{}: kubewalk lists it, --help does not", mine.name));
        }
    }
}

/// The word pflag prints after a flag's name and the usage it prints (its `UnquoteUsage`): the first back-quoted
/// word of the usage, without the quotes; else the value's type, renamed as pflag does; nothing for a bool.
fn unquote_usage(ty: &str, usage: &str) -> (String, String) {
    if let Some(start) = usage.find('`') {
        if let Some(len) = usage[start + 1..].find('`') {
            let name = &usage[start + 1..start + 1 + len];
            let rest = &usage[start + 2 + len..];
            return (name.to_string(), format!("{}{name}{rest}", &usage[..start]));
        }
    }
    let word = match ty {
        "bool" => "",
        "float64" => "float",
        "int64" => "int",
        "uint64" => "uint",
        "stringSlice" => "strings",
        "intSlice" => "ints",
        "uintSlice" => "uints",
        "boolSlice" => "bools",
        other => other,
    };
    (word.to_string(), usage.to_string())
}

/// A usage with its line breaks and runs of spaces as single spaces, as helpwalk.py joins continuation lines.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
