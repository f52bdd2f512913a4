//! The site of the fixture: snapshots of its Markdown and HTML, zero broken links, template overrides, and
//! determinism.

mod support;

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use support::kubewalk;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mini-k8s")
}

fn build(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    kubewalk()
        .args(["site", "--no-cache", "--ref", "fixture", "--out"])
        .arg(out)
        .args(extra)
        .arg(fixture())
        .assert()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn site_of_the_fixture_has_no_broken_links_and_matches_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(
        &out,
        &["--source-url", "https://example.invalid/blob/{ref}/{path}#L{line}"],
    )
    .code(0)
    .stdout(predicate::str::contains(" 0 broken"));
    for page in [
        "index",
        "cmd/index",
        "cmd/kube-widget",
        "cmd/kubeadm-preflight",
        "workqueue",
        "volume/index",
        "volume/emptydir",
    ] {
        let md = std::fs::read_to_string(out.join(format!("{page}.md"))).unwrap();
        let name = format!("md_{}", page.replace('/', "_"));
        insta::with_settings!({ omit_expression => true }, { insta::assert_snapshot!(name, md) });
    }
    for page in ["workqueue", "volume/emptydir"] {
        let html = std::fs::read_to_string(out.join(format!("{page}.html"))).unwrap();
        let name = format!("html_{}", page.replace('/', "_"));
        insta::with_settings!({ omit_expression => true }, { insta::assert_snapshot!(name, html) });
    }
    // The reference page of the workqueue documents the FIFO queue with its promoted and declared methods.
    let reference = std::fs::read_to_string(out.join("ref/k8s.io/client-go/util/workqueue.md")).unwrap();
    assert!(reference.contains("<a id=\"type-Typed\"></a>"));
    assert!(reference.contains("<a id=\"method-Typed-Add\"></a>"));
    assert!(reference.contains("Mentioned in: [workqueue]("));
    // emptyDir's medium switch is summarised.
    let emptydir = std::fs::read_to_string(out.join("volume/emptydir.md")).unwrap();
    assert!(
        emptydir.contains("`v1.StorageMediumMemory` | `ed.setupTmpfs`"),
        "{emptydir}"
    );
    // The search index is a script, loaded on demand.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(index.starts_with("window.KUBEWALK_SEARCH = [["));
    assert!(index.contains("\"kubernetes.io/empty-dir\",\"volume plugin\""));
}

#[test]
fn site_is_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    build(&a, &["--jobs", "1"]).code(0);
    build(&b, &["--jobs", "2"]).code(0);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.strip_prefix(&a).unwrap(), y.strip_prefix(&b).unwrap());
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{} differs",
            x.display()
        );
    }
}

#[test]
fn markdown_only_and_html_only() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("md");
    build(&md, &["--format", "md"]).code(0);
    assert!(md.join("index.md").exists() && !md.join("index.html").exists());
    let html = dir.path().join("html");
    build(&html, &["--format", "html"]).code(0);
    assert!(html.join("index.html").exists() && !html.join("index.md").exists());
    assert!(html.join("static/style.css").exists());
}

#[test]
fn a_user_template_overrides_one_file_and_undefined_variables_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    kubewalk()
        .args(["templates", "export"])
        .arg(&templates)
        .assert()
        .code(0);
    assert!(templates.join("workqueue.md").exists() && templates.join("static/style.css").exists());
    // Only one file in the user folder: the others come from the defaults.
    let only = dir.path().join("only");
    std::fs::create_dir(&only).unwrap();
    std::fs::write(only.join("home.md"), "# Custom home for {{ release }}\n").unwrap();
    let out = dir.path().join("site");
    build(&out, &["--templates", only.to_str().unwrap()]).code(0);
    assert_eq!(
        std::fs::read_to_string(out.join("index.md")).unwrap(),
        "# Custom home for fixture\n"
    );
    assert!(std::fs::read_to_string(out.join("workqueue.md"))
        .unwrap()
        .starts_with("# The workqueue"));
    std::fs::write(only.join("home.md"), "# Home\n\n{{ no_such_variable }}\n").unwrap();
    build(&dir.path().join("bad"), &["--templates", only.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::contains(
            "kubewalk: template home.md:3: undefined value",
        ));
}

#[test]
fn check_links_reports_a_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&out, &["--format", "md"]).code(0);
    std::fs::write(
        out.join("extra.md"),
        "[gone](cmd/nowhere.md) [anchor](workqueue.md#no-such-anchor)\n",
    )
    .unwrap();
    kubewalk()
        .arg("check-links")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("extra.md: cmd/nowhere.md (no such file)"))
        .stderr(predicate::str::contains(
            "extra.md: workqueue.md#no-such-anchor (no such anchor)",
        ));
}
