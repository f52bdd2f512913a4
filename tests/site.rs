//! The site of the fixture: snapshots of its Markdown and HTML, zero broken links, template overrides, and
//! determinism.

use std::path::{Path, PathBuf};

use crate::support::{kubewalk, write_ctl_tree};
use predicates::prelude::*;

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
        "binaries/index",
        "binaries/kube-widget",
        // A binary without cobra: the flags its main parses.
        "binaries/genfixture",
        "cobra_commands",
        "preflight_checks",
        "workqueue",
        "volume_plugins/index",
        "volume_plugins/emptydir",
    ] {
        let md = std::fs::read_to_string(out.join(format!("{page}.md"))).unwrap();
        let name = format!("md_{}", page.replace('/', "_"));
        insta::with_settings!({ omit_expression => true }, { insta::assert_snapshot!(name, md) });
    }
    for page in ["workqueue", "volume_plugins/emptydir"] {
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
    let emptydir = std::fs::read_to_string(out.join("volume_plugins/emptydir.md")).unwrap();
    assert!(
        emptydir.contains("`v1.StorageMediumMemory` | `ed.setupTmpfs`"),
        "{emptydir}"
    );
    // The search index is a script, loaded on demand.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    assert!(index.starts_with("window.KUBEWALK_SEARCH = [["));
    assert!(index.contains("\"kubernetes.io/empty-dir\",\"volume plugin\""));
}

/// The `window.KUBEWALK_NAV` data of a site's `site-nav.js`.
fn site_nav(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("site-nav.js")).unwrap();
    let json = text
        .strip_prefix("window.KUBEWALK_NAV = ")
        .and_then(|t| t.trim_end().strip_suffix(';'))
        .unwrap_or_else(|| panic!("site-nav.js: {text}"));
    serde_json::from_str(json).unwrap()
}

/// The sidebar is one script for every page, listing each page once; each page loads it from the site's root and
/// links to the page of all pages, which lists the same pages by the same sections.
#[test]
fn the_sidebar_is_one_script_listing_every_page_and_the_page_of_all_pages_lists_them_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build(&out, &[]).code(0).stdout(predicate::str::contains(" 0 broken"));
    let mut pages: Vec<String> = files(&out)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    let nav = site_nav(&out);
    let mut listed: Vec<String> = Vec::new();
    let mut sections: Vec<String> = Vec::new();
    for section in nav.as_array().unwrap() {
        sections.push(section["title"].as_str().unwrap().to_string());
        for item in section["items"].as_array().unwrap() {
            listed.push(item[1].as_str().unwrap().to_string());
            // The title's parts are the title, cut after the separators of a long name.
            let parts: Vec<&str> = item[0]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            if parts.concat() == "k8s.io/api/widgets/v1beta1" {
                assert_eq!(parts, ["k8s.", "io/", "api/", "widgets/", "v1beta1"]);
            }
        }
    }
    listed.sort();
    assert_eq!(listed, pages, "the sidebar does not list each page once");
    assert_eq!(sections, ["Guides", "The cmd/ tree", "Volume plugins", "Reference"]);
    // A page two folders down loads the script and links to all pages from there; the sidebar is not in it.
    let page = std::fs::read_to_string(out.join("ref/k8s.io/api/widgets/v1.html"))
        .unwrap()
        .replace("&#x2f;", "/");
    assert!(
        page.contains("<script src=\"../../../../site-nav.js\"></script>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"../../../../contents.html\">All pages</a>"),
        "{page}"
    );
    assert!(!page.contains("widgets/<wbr>v1beta1"), "{page}");
    // The page of all pages, in Markdown, lists every other page under its section's heading.
    let contents = std::fs::read_to_string(out.join("contents.md")).unwrap();
    for section in &sections {
        assert!(contents.contains(&format!("\n## {section}\n")), "{contents}");
    }
    for html in pages.iter().filter(|p| *p != "contents.html") {
        let md = html.strip_suffix(".html").unwrap();
        assert!(
            contents.contains(&format!("]({md}.md)")),
            "contents.md lacks {md}: {contents}"
        );
    }
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

#[test]
fn a_site_whose_template_links_to_a_page_it_does_not_write_reports_the_link() {
    // The site checks the pages it wrote as it wrote them; `check-links`, reading them back, finds the same.
    let dir = tempfile::tempdir().unwrap();
    let only = dir.path().join("only");
    std::fs::create_dir(&only).unwrap();
    std::fs::write(
        only.join("home.md"),
        "# Home\n\n[gone](cmd/nowhere.md) [anchor](workqueue.md#no-such-anchor) [ok](workqueue.md)\n",
    )
    .unwrap();
    for out in [dir.path().join("site"), dir.path().join("./dotted/../site2")] {
        let site = build(&out, &["--templates", only.to_str().unwrap()]).code(1);
        let stderr = String::from_utf8(site.get_output().stderr.clone()).unwrap();
        let broken: Vec<&str> = stderr.lines().filter(|l| l.starts_with("broken link: ")).collect();
        assert_eq!(
            broken,
            [
                "broken link: index.html: cmd/nowhere.html (no such file)",
                "broken link: index.html: workqueue.html#no-such-anchor (no such anchor)",
                "broken link: index.md: cmd/nowhere.md (no such file)",
                "broken link: index.md: workqueue.md#no-such-anchor (no such anchor)",
            ]
        );
        let check = kubewalk().arg("check-links").arg(&out).assert().code(1);
        let check_stderr = String::from_utf8(check.get_output().stderr.clone()).unwrap();
        let again: Vec<&str> = check_stderr
            .lines()
            .filter(|l| l.starts_with("broken link: "))
            .collect();
        assert_eq!(again, broken);
    }
}

/// Every `.md` and `.html` file below a folder, with its text.
fn pages_of(dir: &Path) -> Vec<(PathBuf, String)> {
    files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "html"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// What a hostile string must never become: a tag, a script, a `javascript:` link.
fn assert_no_markup(page: &Path, html: &str) {
    for bad in [
        "<x-evil",
        "<script>alert",
        "href=\"javascript:",
        "onmouseover=alert(1)>",
        "<em>",
        "<del>",
    ] {
        assert!(!html.contains(bad), "{} holds {bad:?}:\n{html}", page.display());
    }
}

/// Markdown as any CommonMark renderer would show it (raw HTML passed through, as GitHub does before sanitising).
fn markdown_to_html(markdown: &str) -> String {
    let options = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(markdown, options));
    html
}

fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile")
}

#[test]
fn text_from_the_tree_stays_text_in_every_page_of_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    kubewalk()
        .args([
            "site",
            "--no-cache",
            "--ref",
            "<x-evil>ref",
            "--title",
            "<x-evil> title",
            "--out",
        ])
        .arg(&out)
        .arg(hostile())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 broken"));
    let pages = pages_of(&out);
    assert!(pages.len() > 20, "{}", pages.len());
    let mut shown = 0;
    for (path, text) in &pages {
        if path.extension().unwrap() == "html" {
            assert_no_markup(path, text);
        } else {
            assert_no_markup(path, &markdown_to_html(text));
            // Mermaid reads HTML in its labels: markup there is written as Mermaid's entity codes.
            let mermaid: Vec<&str> = text
                .split("```mermaid")
                .skip(1)
                .filter_map(|b| b.split("```").next())
                .collect();
            for block in mermaid {
                assert!(!block.contains('<'), "{}: {block}", path.display());
            }
        }
        shown += usize::from(text.contains("&lt;x-evil"));
    }
    // The hostile text is shown, as text, on the pages that carry it.
    assert!(shown >= 10, "{shown} pages show the hostile text");
    let plugin = std::fs::read_to_string(out.join("volume_plugins/ev'il (1).html")).unwrap();
    assert!(
        plugin.contains(
            "<h1 id=\"kubernetes-io-script-alert-2-script\">kubernetes.io/&lt;script&gt;alert(2)&lt;/script&gt;"
        ),
        "{plugin}"
    );
    // The search index is data, shown with textContent: the names are in it as they are.
    let index = std::fs::read_to_string(out.join("search-index.js")).unwrap();
    let json = index
        .strip_prefix("window.KUBEWALK_SEARCH = ")
        .unwrap()
        .trim_end()
        .strip_suffix(';')
        .unwrap();
    let entries: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(entries
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e[0] == "kubernetes.io/<script>alert(2)</script>"));
    // So is the sidebar's: a title is text the script puts in text nodes.
    let nav = site_nav(&out);
    let titles: Vec<String> = nav
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap().iter())
        .map(|i| i[0].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect())
        .collect();
    assert!(
        titles.iter().any(|t| t == "kubernetes.io/<script>alert(2)</script>"),
        "{titles:?}"
    );
    let search = std::fs::read_to_string(out.join("static/search.js")).unwrap();
    assert!(
        !search.contains("innerHTML =")
            || search.matches("innerHTML").count() == search.matches("innerHTML = \"\"").count()
    );
}

/// Copies a fixture tree.
fn copy_tree(from: &Path, to: &Path) {
    for file in files(from) {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
}

#[test]
fn text_from_the_tree_stays_text_in_the_diff_report() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_tree(&hostile(), &old);
    copy_tree(&hostile(), &new);
    // The old release lacks the plugin, a flag and a check's name; the new one changes a usage.
    std::fs::remove_dir_all(old.join("pkg/volume/ev'il (1)")).unwrap();
    let server = new.join("cmd/kube-evil/app/server.go");
    let text = std::fs::read_to_string(&server).unwrap();
    std::fs::write(
        &server,
        text.replace("\"How many | times", "\"<x-evil>How <i>many</i> | times"),
    )
    .unwrap();
    let out = dir.path().join("diff");
    kubewalk()
        .args([
            "diff",
            "--no-cache",
            "--old-ref",
            "<x-evil>old",
            "--new-ref",
            "<x-evil>new",
            "--out",
        ])
        .arg(&out)
        .arg(&old)
        .arg(&new)
        .assert()
        .code(0);
    let md = std::fs::read_to_string(out.join("diff.md")).unwrap();
    let html = std::fs::read_to_string(out.join("diff.html")).unwrap();
    assert!(md.contains("kubernetes.io/\\<script\\>alert(2)\\</script\\>"), "{md}");
    assert!(html.contains("&lt;x-evil&gt;How &lt;i&gt;many&lt;/i&gt;"), "{html}");
    assert_no_markup(&out.join("diff.html"), &html);
    assert_no_markup(&out.join("diff.md"), &markdown_to_html(&md));
    assert!(!html.contains("<i>many"), "{html}");
}

#[test]
fn a_site_from_a_saved_scan_is_the_same_site() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("scan.json");
    kubewalk()
        .args(["scan", "--no-cache", "--quiet", "--json"])
        .arg(&saved)
        .arg(fixture())
        .assert()
        .code(0);
    let url = "https://example.invalid/blob/{ref}/{path}#L{line}";
    let site = |input: &Path, out: &Path| {
        kubewalk()
            .args(["site", "--no-cache", "--ref", "fixture", "--source-url", url, "--out"])
            .arg(out)
            .arg(input)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(" 0 broken"));
    };
    let (from_tree, from_scan) = (dir.path().join("tree"), dir.path().join("scan"));
    site(&fixture(), &from_tree);
    site(&saved, &from_scan);
    let (a, b) = (files(&from_tree), files(&from_scan));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        let rel = x.strip_prefix(&from_tree).unwrap();
        assert_eq!(rel, y.strip_prefix(&from_scan).unwrap());
        let (tx, ty) = (std::fs::read_to_string(x).unwrap(), std::fs::read_to_string(y).unwrap());
        // The walkthroughs are part of the scan, so the guides need no tree.
        assert!(tx == ty, "{} differs", rel.display());
    }
    // Without --source-url there is no tree to link to: no source links, and none broken.
    let bare = dir.path().join("bare");
    kubewalk()
        .args(["site", "--no-cache", "--out"])
        .arg(&bare)
        .arg(&saved)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 broken"));
    let widget = std::fs::read_to_string(bare.join("binaries/kube-widget.md")).unwrap();
    assert!(
        !widget.contains("[source]") && widget.contains("| `--workers` | `-w` |"),
        "{widget}"
    );
}

#[test]
fn a_binary_that_builds_another_binarys_command_tree_links_to_it_rather_than_copying_it() {
    // As in Kubernetes: cmd/clicheck and the doc generators build kubectl's whole command tree, which kubectl's
    // page describes.
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    write_ctl_tree(
        &tree,
        "package ctl\n\nimport \"github.com/spf13/cobra\"\n\n\
         func NewCtlCommand() *cobra.Command {\n\
         \tcmd := &cobra.Command{Use: \"ctl\", Short: \"The root\"}\n\
         \tget := &cobra.Command{Use: \"get NAME\", Short: \"Get one\"}\n\
         \tget.Flags().String(\"output\", \"\", \"The format\")\n\
         \tcmd.AddCommand(get)\n\
         \treturn cmd\n}\n",
    );
    let out = dir.path().join("site");
    kubewalk()
        .args(["site", "--no-cache", "--out"])
        .arg(&out)
        .arg(&tree)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(" 0 broken"));
    let read = |page: &str| std::fs::read_to_string(out.join(page)).unwrap();
    // The owner's page describes the tree: its root, `get` with its flag, and cobra's help command.
    let ctl = read("binaries/ctl.md");
    assert!(
        ctl.contains("<a id=\"cmd-ctl\"></a>") && ctl.contains("### ctl get"),
        "{ctl}"
    );
    assert!(ctl.contains("`--output`"), "{ctl}");
    // The checker's page links to it, and repeats none of it.
    let checker = read("binaries/checker.md");
    assert!(
        checker.contains("checker builds ctl's command tree (3 commands): see [ctl](ctl.md#cmd-ctl)."),
        "{checker}"
    );
    assert!(
        !checker.contains("### ctl") && !checker.contains("--output") && !checker.contains("mermaid"),
        "{checker}"
    );
    let checker_html = read("binaries/checker.html");
    assert!(checker_html.contains("href=\"ctl.html#cmd-ctl\""), "{checker_html}");
    // The commands guide lists the tree under its owner only.
    let commands = read("cobra_commands.md");
    assert!(
        commands.contains("Builds ctl's command tree (3 commands): see [ctl](binaries/ctl.md#cmd-ctl)."),
        "{commands}"
    );
    assert_eq!(commands.matches("[`ctl get`]").count(), 1, "{commands}");
    assert!(
        commands.contains("[`ctl get`](binaries/ctl.md#cmd-ctl-get)"),
        "{commands}"
    );
}
