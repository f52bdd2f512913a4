//! The command line: exit codes, messages, determinism.

use std::path::{Path, PathBuf};

use crate::support::kubewalk;
use predicates::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

#[test]
fn missing_root_is_an_error_with_exit_code_2() {
    kubewalk()
        .args(["scan", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "kubewalk: /definitely/not/here: cannot read",
        ));
}

#[test]
fn root_that_is_a_file_is_an_error() {
    let file = fixture("mini-k8s").join("go.mod");
    kubewalk()
        .arg("scan")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("go.mod: not a directory"));
}

#[test]
fn root_without_go_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "no go here").unwrap();
    kubewalk()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(": no Go files"));
}

#[test]
fn bad_files_are_reported_skipped_and_counted_with_exit_code_1() {
    let out = kubewalk()
        .args(["scan", "--no-cache", "--json", "-"])
        .arg(fixture("broken"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("warning: bad/syntax.go:14: parse error"))
        .stderr(predicate::str::contains(
            "warning: bad/latin1.go:4: not valid UTF-8, skipped",
        ))
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["stats"]["files"], 3);
    assert_eq!(doc["stats"]["parse_error_files"], 1);
    assert_eq!(doc["stats"]["unreadable_files"], 1);
    // What parsed around the error is kept.
    let bad = doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "bad")
        .unwrap();
    let names: Vec<&str> = bad["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Survivor"), "{names:?}");
    let funcs: Vec<&str> = bad["funcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(funcs, ["Hello"]);
    assert_eq!(bad["files"][0]["parse_error_lines"][0], 14);
}

#[test]
fn summary_counts_the_fixture() {
    kubewalk()
        .args(["scan", "--no-cache"])
        .arg(fixture("mini-k8s"))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "74 files (0.1 MB) in 39 packages: 145 types, 194 methods, 93 funcs; 0 with parse errors, 0 unreadable;",
        ));
}

#[test]
fn json_is_byte_identical_for_any_thread_count() {
    let run = |jobs: &str| {
        kubewalk()
            .args([
                "scan",
                "--no-cache",
                "--quiet",
                "--include-tests",
                "--json",
                "-",
                "--jobs",
                jobs,
            ])
            .arg(fixture("mini-k8s"))
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    let one = run("1");
    assert!(one.starts_with(b"{\"schema\":\"kubewalk/scan/v1\""));
    assert_eq!(one, run("2"));
    assert_eq!(one, run("7"));
}

#[test]
fn cached_scan_gives_the_same_json() {
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        kubewalk()
            .args(["scan", "--quiet", "--json", "-", "--cache-dir"])
            .arg(cache.path())
            .arg(fixture("mini-k8s"))
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone()
    };
    let cold = run();
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 1);
    assert_eq!(cold, run());
    let cache_file = || std::fs::read_dir(cache.path()).unwrap().next().unwrap().unwrap().path();
    let whole = std::fs::read(cache_file()).unwrap();
    // A cache cut short, one with a changed byte in every record's data, and garbage are all ignored.
    std::fs::write(cache_file(), &whole[..whole.len() / 2]).unwrap();
    assert_eq!(cold, run());
    let mut changed = whole.clone();
    let mut at = changed.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut records = 0;
    while at < changed.len() {
        let len = u32::from_le_bytes(changed[at + 32..at + 36].try_into().unwrap()) as usize;
        let data = at + 32 + 4 + 16;
        changed[data + len / 2] ^= 0x20;
        at = data + len;
        records += 1;
    }
    assert_eq!(records, 74, "one record per file");
    std::fs::write(cache_file(), &changed).unwrap();
    assert_eq!(cold, run());
    // The run above parsed every file anew and wrote the cache back whole.
    assert_eq!(std::fs::read(cache_file()).unwrap(), whole);
    std::fs::write(cache_file(), b"kubewalk-scan-cache-garbage").unwrap();
    assert_eq!(cold, run());
}

#[test]
fn summary_mentions_cache_hits() {
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        kubewalk()
            .args(["scan", "--cache-dir"])
            .arg(cache.path())
            .arg(fixture("mini-k8s"))
            .assert()
            .code(0)
    };
    run().stdout(predicate::str::contains("from the cache").not());
    run().stdout(predicate::str::contains("(74 files from the cache)"));
}

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::write(dir.path().join("a/a.go"), "package a\n\nfunc F() {}\n").unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("a/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("a/a.go"), dir.path().join("a/link.go")).unwrap();
    kubewalk()
        .args(["scan", "--no-cache"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("1 files"));
}

#[test]
fn tests_and_vendor_are_opt_in() {
    let count = |args: &[&str]| -> u64 {
        let out = kubewalk()
            .args(["scan", "--no-cache", "--quiet", "--json", "-"])
            .args(args)
            .arg(fixture("mini-k8s"))
            .assert()
            .get_output()
            .stdout
            .clone();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        doc["stats"]["files"].as_u64().unwrap()
    };
    let base = count(&[]);
    assert_eq!(count(&["--include-tests"]), base + 2);
    assert_eq!(count(&["--include-vendor"]), base + 1);
}

#[test]
fn json_to_a_file_keeps_the_summary_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scan.json");
    kubewalk()
        .args(["scan", "--no-cache", "--json"])
        .arg(&target)
        .arg(fixture("mini-k8s"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("74 files"));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(doc["schema"], "kubewalk/scan/v1");
}

/// Runs kubewalk with its standard output a pipe whose reading end is already closed.
fn with_closed_stdout(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubewalk"))
        .args(args)
        .env(
            "KUBEWALK_CACHE_DIR",
            std::env::temp_dir().join("kubewalk-test-cache-unused"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reading end goes before kubewalk writes anything: its first write meets a closed pipe.
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_exits_0_for_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture("mini-k8s");
    let site = dir.path().join("site");
    let diff = dir.path().join("diff");
    let templates = dir.path().join("templates");
    let os = |s: &str| std::ffi::OsString::from(s);
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec![os("scan"), os("--no-cache"), root.clone().into()],
        vec![os("scan"), os("--no-cache"), os("--json"), os("-"), root.clone().into()],
        vec![
            os("site"),
            os("--no-cache"),
            os("--out"),
            site.clone().into(),
            root.clone().into(),
        ],
        vec![os("check-links"), site.clone().into()],
        vec![
            os("diff"),
            os("--no-cache"),
            os("--out"),
            diff.into(),
            root.clone().into(),
            root.clone().into(),
        ],
        vec![os("templates"), os("export"), templates.into()],
    ];
    for args in &runs {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let output = with_closed_stdout(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_templates_folder_that_does_not_exist_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["site", "diff"] {
        let mut run = kubewalk();
        run.args([command, "--templates", "/definitely/not/here", "--out"])
            .arg(dir.path().join(command))
            .arg(fixture("mini-k8s"));
        if command == "diff" {
            run.arg(fixture("mini-k8s"));
        }
        run.assert()
            .code(2)
            .stderr(predicate::str::contains("/definitely/not/here").and(predicate::str::contains("cannot read")));
    }
}

#[test]
fn site_owns_its_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let site = |root: &Path| site_into(&out, root);
    site(&fixture("mini-k8s")).code(0);
    assert!(out.join("volume_plugins/emptydir.md").exists());
    // What may stand in the way of the next run: a file where it needs a folder, and a link where it writes a
    // page, to a file outside the folder that must not be written through.
    std::fs::remove_dir_all(out.join("binaries")).unwrap();
    std::fs::write(out.join("binaries"), "in the way").unwrap();
    let outside = dir.path().join("outside.md");
    std::fs::write(&outside, "keep me").unwrap();
    std::fs::remove_file(out.join("index.md")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, out.join("index.md")).unwrap();
    // A second site over the first: nothing of the first stays, no link breaks, and the folder is the one a
    // fresh run writes.
    site(&fixture("hostile"))
        .code(0)
        .stdout(predicate::str::contains(" 0 broken"));
    assert!(!out.join("volume_plugins/emptydir.md").exists());
    assert!(out.join("binaries/kube-evil.md").exists());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep me");
    let fresh = dir.path().join("fresh");
    site_into(&fresh, &fixture("hostile")).code(0);
    assert_eq!(folder_contents(&out), folder_contents(&fresh));
    // A run that fails part way leaves no page of an older run beside the ones it wrote.
    site(&fixture("mini-k8s")).code(0);
    let broken = dir.path().join("broken-templates");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("home.md"), "# Home\n\n{{ no_such_value }}\n").unwrap();
    kubewalk()
        .args(["site", "--no-cache", "--templates"])
        .arg(&broken)
        .arg("--out")
        .arg(&out)
        .arg(fixture("hostile"))
        .assert()
        .code(2);
    assert!(!out.join("volume_plugins/emptydir.md").exists());
    assert!(out.join(".kubewalk-output").exists());
    // A folder kubewalk did not write is left alone.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    kubewalk()
        .args(["site", "--no-cache", "--out"])
        .arg(&mine)
        .arg(fixture("mini-k8s"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not empty and kubewalk did not write it"));
    assert_eq!(std::fs::read_to_string(mine.join("notes.txt")).unwrap(), "keep me");
    // The diff report's folder likewise.
    kubewalk()
        .args(["diff", "--no-cache", "--out"])
        .arg(&mine)
        .arg(fixture("mini-k8s"))
        .arg(fixture("mini-k8s"))
        .assert()
        .code(2);
}

/// A page that a run would write as it stands is left as it is, its time of change included; any other is
/// written again, whether it differs in length or only in its bytes.
#[test]
fn site_leaves_a_page_as_it_is_when_it_holds_what_the_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let site = || site_into(&out, &fixture("mini-k8s")).code(0);
    site();
    let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400);
    let modified = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let (kept, same_length, shorter) = (
        out.join("index.html"),
        out.join("index.md"),
        out.join("volume_plugins/emptydir.md"),
    );
    for path in [&kept, &same_length, &shorter] {
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
    }
    let mut bytes = std::fs::read(&same_length).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&same_length, &bytes).unwrap();
    std::fs::write(&shorter, "x").unwrap();
    site();
    assert_eq!(modified(&kept), long_ago);
    assert_ne!(modified(&same_length), long_ago);
    assert_ne!(modified(&shorter), long_ago);
    let fresh = dir.path().join("fresh");
    site_into(&fresh, &fixture("mini-k8s")).code(0);
    assert_eq!(folder_contents(&out), folder_contents(&fresh));
}

/// `kubewalk site` of `root` into `out`, without the cache.
fn site_into(out: &Path, root: &Path) -> assert_cmd::assert::Assert {
    kubewalk()
        .args(["site", "--no-cache", "--out"])
        .arg(out)
        .arg(root)
        .assert()
}

/// Every file and folder below `dir` (paths relative to it), with each file's bytes; links are listed as links.
fn folder_contents(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.is_dir() {
                pending.push(path);
                out.push((relative, None));
            } else if meta.is_file() {
                out.push((relative, Some(std::fs::read(&path).unwrap())));
            } else {
                out.push((relative, Some(b"(a link)".to_vec())));
            }
        }
    }
    out.sort();
    out
}

/// The allocator commits memory as it is used: the option is in place when mimalloc starts, before the runtime's
/// first allocation reserves an arena (mimalloc prints its options when told to be verbose).
#[cfg(target_os = "linux")]
#[test]
fn the_allocator_commits_memory_as_it_is_used() {
    kubewalk()
        .env("MIMALLOC_VERBOSE", "1")
        .args(["scan", "--quiet", "--no-cache"])
        .arg(fixture("mini-k8s"))
        .assert()
        .code(0)
        .stderr(predicate::str::contains("option 'arena_eager_commit': 0"));
}
