//! Release diffs: every change rule has an old/new fixture pair that makes it fire (with a snapshot of the
//! report), git revisions are read without a checkout, and exit codes say what happened.

use std::path::{Path, PathBuf};

use crate::support::kubewalk;
use kubewalk::topics::TopicConfig;
use predicates::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/diff")
}

fn report(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("diff.json")).unwrap()).unwrap()
}

/// Every change of a report, across its sections.
fn changes(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["changes"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn every_rule_has_a_fixture_pair_that_makes_it_fire() {
    let dir = tempfile::tempdir().unwrap();
    let mut snapshot = String::new();
    // The rules of the built-in topics, generated from their definitions.
    let config = TopicConfig::load(&fixtures(), None).unwrap();
    for rule in kubewalk::diff::rules(&config) {
        let pair = fixtures().join(&rule.id);
        assert!(
            pair.join("old").is_dir() && pair.join("new").is_dir(),
            "rule {} has no fixture pair in fixtures/diff/{}/{{old,new}}",
            rule.id,
            rule.id
        );
        let out = dir.path().join(&rule.id);
        kubewalk()
            .args([
                "diff",
                "--no-cache",
                "--quiet",
                "--format",
                "json",
                "--api",
                "k8s.io/kubernetes/pkg/api/thing",
                "--out",
            ])
            .arg(&out)
            .arg(pair.join("old"))
            .arg(pair.join("new"))
            .assert()
            .code(0);
        let changes = changes(&report(&out));
        assert!(
            changes.iter().any(|c| c["rule"] == rule.id),
            "rule {} did not fire on its fixture: {changes:#?}",
            rule.id
        );
        // Every entry links to the source: an added one in the new tree, a removed one in the old, a changed one in
        // both.
        for c in &changes {
            let class = c["class"].as_str().unwrap();
            let (old, new) = (c["old"]["file"].is_string(), c["new"]["file"].is_string());
            let linked = match class {
                "added" => new,
                "removed" => old,
                _ => old && new,
            };
            assert!(linked, "{} entry without its source: {c:#}", c["rule"]);
        }
        snapshot.push_str(&format!("{}\n", rule.id));
        for c in &changes {
            snapshot.push_str(&format!(
                "  {} [{}] {}\n",
                c["rule"].as_str().unwrap(),
                c["severity"].as_str().unwrap(),
                c["message"].as_str().unwrap()
            ));
        }
    }
    insta::with_settings!({ omit_expression => true }, { insta::assert_snapshot!("rules", snapshot) });
}

#[test]
fn markdown_and_html_reports_link_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let pair = fixtures().join("cobra_commands.flag-default-changed");
    kubewalk()
        .args([
            "diff",
            "--no-cache",
            "--old-ref",
            "v1",
            "--new-ref",
            "v2",
            "--source-url",
            "https://example.invalid/{ref}/{path}#L{line}",
            "--out",
        ])
        .arg(&out)
        .arg(pair.join("old"))
        .arg(pair.join("new"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("v1 → v2: 1 changes"))
        .stdout(predicate::str::contains(
            "cobra_commands          0 added    0 removed    1 changed",
        ));
    let md = std::fs::read_to_string(out.join("diff.md")).unwrap();
    assert!(
        md.contains("https://example.invalid/v1/cmd/kube-gizmo/app/server.go#L"),
        "{md}"
    );
    assert!(
        md.contains("https://example.invalid/v2/cmd/kube-gizmo/app/server.go#L"),
        "{md}"
    );
    assert!(out.join("diff.html").exists());
    kubewalk().arg("check-links").arg(&out).assert().code(0);
}

/// The HTML report reads like a page of the site: its sidebar lists the report's sections (each `##` heading, in
/// order), and its search finds a change by what it is about and leads to the change's row.
#[test]
fn the_html_report_has_a_sidebar_of_its_sections_and_a_search_of_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let pair = fixtures().join("binaries.flag-removed");
    kubewalk()
        .args(["diff", "--no-cache", "--quiet", "--format", "html", "--out"])
        .arg(&out)
        .arg(pair.join("old"))
        .arg(pair.join("new"))
        .assert()
        .code(0);
    let html = std::fs::read_to_string(out.join("diff.html")).unwrap();
    let between = |text: &str, start: &str, end: &str| -> String {
        let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} in {text}"));
        let rest = &text[from..];
        rest[..rest.find(end).unwrap()].to_string()
    };
    // Each `##` heading of the report, by its id, and each link of the sidebar.
    let attributes = |text: &str, prefix: &str| -> Vec<String> {
        text.split(prefix)
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .collect()
    };
    let headings = attributes(&between(&html, "<article>", "</article>"), "<h2 id=\"");
    let sidebar = between(&html, "<nav class=\"sidebar\"", "</nav>");
    let links: Vec<String> = attributes(&sidebar, "href=\"#");
    assert_eq!(headings, ["before-you-upgrade", "the-cmd-tree"], "{html}");
    assert_eq!(links, headings, "{sidebar}");
    assert!(sidebar.contains(">The cmd/ tree</a>"), "{sidebar}");
    // The search index holds the sections and the change, whose link leads to an anchor in its row.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    let json = index
        .strip_prefix("window.KUBEWALK_SEARCH = ")
        .and_then(|j| j.trim_end().strip_suffix(';'))
        .unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e[0] == "The cmd/ tree" && e[3] == "diff.html#the-cmd-tree"),
        "{index}"
    );
    let change = entries
        .iter()
        .find(|e| e[0] == "gizmo-lint --strict")
        .unwrap_or_else(|| panic!("no entry for the removed flag: {index}"));
    assert_eq!(change[2], "flag gizmo-lint --strict removed");
    let row = change[3].as_str().unwrap().strip_prefix("diff.html#").unwrap();
    assert!(
        html.contains(&format!("<tr><td><a id=\"{row}\"></a>flag gizmo-lint --strict removed")),
        "{html}"
    );
    kubewalk().arg("check-links").arg(&out).assert().code(0);
}

/// The report's first section lists what to act on before upgrading, copied from the sections, grouped by binary.
#[test]
fn before_you_upgrade_lists_what_a_cluster_must_change() {
    let dir = tempfile::tempdir().unwrap();
    let run = |rule: &str| {
        let out = dir.path().join(rule);
        let pair = fixtures().join(rule);
        kubewalk()
            .args(["diff", "--no-cache", "--quiet", "--out"])
            .arg(&out)
            .arg(pair.join("old"))
            .arg(pair.join("new"))
            .assert()
            .code(0);
        (report(&out), std::fs::read_to_string(out.join("diff.md")).unwrap())
    };
    let rules = |r: &serde_json::Value| -> Vec<String> {
        r["before_you_upgrade"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["rule"].as_str().unwrap().to_string())
            .collect()
    };
    // A removed gate and a removed flag are to act on; the flag is listed under its binary.
    let (gate, md) = run("feature_gates.removed");
    assert_eq!(rules(&gate), ["feature_gates.removed"]);
    assert_eq!(gate["before_you_upgrade"][0]["gate"], "RotatingWidgets");
    assert!(
        md.contains("## Before you upgrade") && md.contains("### Feature gates"),
        "{md}"
    );
    let (flag, md) = run("cobra_commands.flag-removed");
    assert_eq!(rules(&flag), ["cobra_commands.flag-removed"]);
    assert!(md.contains("### `cmd/kube-gizmo`"), "{md}");
    // Something added asks nothing of the cluster.
    let (added, md) = run("feature_gates.added");
    assert!(rules(&added).is_empty());
    assert!(!md.contains("Before you upgrade"), "{md}");
}

#[test]
fn fail_on_a_class_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let pair = fixtures().join("cobra_commands.flag-removed");
    let run = |class: &str| {
        kubewalk()
            .args([
                "diff",
                "--no-cache",
                "--quiet",
                "--format",
                "json",
                "--fail-on",
                class,
                "--out",
            ])
            .arg(dir.path().join(class))
            .arg(pair.join("old"))
            .arg(pair.join("new"))
            .assert()
    };
    run("removed").code(1);
    run("added").code(0);
}

#[test]
fn a_saved_scan_is_an_input_and_another_schema_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let pair = fixtures().join("binaries.added");
    let saved = dir.path().join("old.json");
    kubewalk()
        .args(["scan", "--no-cache", "--quiet", "--json"])
        .arg(&saved)
        .arg(pair.join("old"))
        .assert()
        .code(0);
    let out = dir.path().join("out");
    kubewalk()
        .args(["diff", "--no-cache", "--quiet", "--format", "json", "--out"])
        .arg(&out)
        .arg(&saved)
        .arg(pair.join("new"))
        .assert()
        .code(0);
    assert!(changes(&report(&out)).iter().any(|c| c["rule"] == "binaries.added"));
    let other = dir.path().join("other.json");
    std::fs::write(&other, r#"{"schema": "kubewalk/scan/v0"}"#).unwrap();
    kubewalk()
        .args(["diff", "--no-cache", "--out"])
        .arg(dir.path().join("x"))
        .arg(&other)
        .arg(pair.join("new"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("other.json: scan schema \"kubewalk/scan/v0\""));
    kubewalk()
        .args(["diff", "--no-cache", "--out"])
        .arg(dir.path().join("y"))
        .arg(dir.path())
        .arg(pair.join("new"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(": no Go files"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=kubewalk",
            "-c",
            "user.email=kubewalk@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

/// The files a scan of `dir` reads, by path, with their bytes.
fn go_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let walked = kubewalk::walk::walk(dir, Default::default()).unwrap();
    walked
        .files
        .into_iter()
        .map(|f| {
            let bytes = f.content.read().unwrap();
            (f.path, bytes)
        })
        .collect()
}

#[test]
fn the_same_tree_on_both_sides_is_parsed_once() {
    let dir = tempfile::tempdir().unwrap();
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s");
    let scan = kubewalk()
        .args(["scan", "--no-cache", "--quiet", "--json", "-"])
        .arg(&tree)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let scan: serde_json::Value = serde_json::from_slice(&scan).unwrap();
    let files = scan["stats"]["files"].as_u64().unwrap();
    assert!(files > 50);
    kubewalk()
        .args(["diff", "--no-cache", "--out"])
        .arg(dir.path())
        .arg(&tree)
        .arg(&tree)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(": 0 changes"))
        .stdout(predicate::str::contains(format!(
            "files: {files} old, {files} new, {files} parsed"
        )));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn two_tags_of_a_git_repository_without_a_checkout() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    let pair = fixtures().join("volume_plugins.added");
    copy_tree(&pair.join("old"), &repo);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "old"]);
    git(&repo, &["tag", "v1"]);
    for entry in std::fs::read_dir(&repo).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".git" {
            if entry.file_type().unwrap().is_dir() {
                std::fs::remove_dir_all(entry.path()).unwrap();
            } else {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
    }
    copy_tree(&pair.join("new"), &repo);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "new"]);
    git(&repo, &["tag", "v2"]);
    // The work tree is emptied: diff --git must read the object database only.
    for entry in std::fs::read_dir(&repo).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".git" && entry.file_type().unwrap().is_dir() {
            std::fs::remove_dir_all(entry.path()).unwrap();
        }
    }
    // A file that is the same in both tags is parsed once, with or without a cache folder; a second run with the
    // cache folder parses nothing.
    let old = go_files(&pair.join("old"));
    let new = go_files(&pair.join("new"));
    let same = old.iter().filter(|(path, bytes)| new.get(*path) == Some(bytes)).count();
    assert!(same > 0 && same < new.len());
    let parsed = old.len() + new.len() - same;
    let cache = dir.path().join("cache");
    let out = dir.path().join("out");
    let run = |cache_args: &[&std::ffi::OsStr], parsed: usize| {
        kubewalk()
            .args(["diff", "--format", "json", "--git"])
            .arg(&repo)
            .args(["v1", "v2", "--out"])
            .arg(&out)
            .args(cache_args)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!(
                "files: {} old, {} new, {parsed} parsed",
                old.len(),
                new.len()
            )));
        report(&out)
    };
    let first = run(&["--no-cache".as_ref()], parsed);
    assert_eq!(first, run(&["--cache-dir".as_ref(), cache.as_os_str()], parsed));
    assert_eq!(first, run(&["--cache-dir".as_ref(), cache.as_os_str()], 0));
    let changes = changes(&first);
    assert!(
        changes
            .iter()
            .any(|c| c["rule"] == "volume_plugins.added" && c["subject"] == "kubernetes.io/ramdisk"),
        "{changes:#?}"
    );
    kubewalk()
        .args(["diff", "--no-cache", "--quiet", "--git"])
        .arg(&repo)
        .args(["v1", "no-such-tag", "--out"])
        .arg(dir.path().join("bad"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no revision \"no-such-tag\""));
}

#[test]
fn topics_a_user_defines_render_and_diff_by_their_kind() {
    let pair = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/user-topics");
    let builtin = TopicConfig::load(&fixtures(), None).unwrap();
    let config = TopicConfig::load(&pair.join("new"), None).unwrap();
    let user: Vec<_> = config.topics.iter().filter(|t| builtin.get(&t.id).is_none()).collect();
    let kinds: Vec<&str> = user.iter().map(|t| t.kind.name()).collect();
    assert_eq!(kinds, ["implementers", "calls", "literals"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("diff");
    kubewalk()
        .args(["diff", "--no-cache", "--quiet", "--out"])
        .arg(&out)
        .arg(pair.join("old"))
        .arg(pair.join("new"))
        .assert()
        .code(0);
    let report = report(&out);
    let changes = changes(&report);
    // Every rule generated for a user topic fires on the pair, in a section of its own.
    let mut snapshot = String::new();
    for topic in &user {
        let section = report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == topic.id.as_str());
        assert!(section.is_some(), "no section {}", topic.id);
        for rule in kubewalk::diff::rules(&config).iter().filter(|r| r.section == topic.id) {
            assert!(
                changes.iter().any(|c| c["rule"] == rule.id.as_str()),
                "rule {} did not fire: {changes:#?}",
                rule.id
            );
        }
    }
    for c in &changes {
        snapshot.push_str(&format!(
            "{} {}\n",
            c["rule"].as_str().unwrap(),
            c["message"].as_str().unwrap()
        ));
    }
    insta::with_settings!({ omit_expression => true }, { insta::assert_snapshot!("user_topics", snapshot) });
    let md = std::fs::read_to_string(out.join("diff.md")).unwrap();
    assert!(
        md.contains("## Filter plugins") && md.contains("## Plugin weights"),
        "{md}"
    );
    // Each user topic gets its page, on the home page and in the sidebar.
    let site = dir.path().join("site");
    kubewalk()
        .args(["site", "--no-cache", "--out"])
        .arg(&site)
        .arg(pair.join("new"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 broken"));
    let home = std::fs::read_to_string(site.join("index.md")).unwrap();
    for (page, title) in [
        ("filter_plugins/index", "Filter plugins"),
        ("registries", "Plugin registries"),
        ("plugin_weights", "Plugin weights"),
    ] {
        assert!(site.join(format!("{page}.md")).exists(), "no page {page}");
        assert!(home.contains(&format!("[{title}]({page}.md)")), "{home}");
        let html = std::fs::read_to_string(site.join("index.html")).unwrap();
        assert!(
            html.contains(&format!("<a href=\"{page}.html\">{title}</a>")),
            "sidebar lacks {page}"
        );
    }
    assert!(home.contains("3 plugins that can rule a node out."), "{home}");
    let plugin = std::fs::read_to_string(site.join("filter_plugins/volumezone.md")).unwrap();
    assert!(
        plugin.starts_with("# VolumeZone\n") && plugin.contains("- Platforms: linux"),
        "{plugin}"
    );
    let weights = std::fs::read_to_string(site.join("plugin_weights.md")).unwrap();
    assert!(weights.contains("| `VolumeZone` | `3` |"), "{weights}");
    let calls = std::fs::read_to_string(site.join("registries.md")).unwrap();
    assert!(calls.contains("`zoneName` = `VolumeZone/v2`"), "{calls}");
}
