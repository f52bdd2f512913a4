//! The differential check against Go's own parser: `tools/godump` prints a canonical description of a tree
//! with `go/parser` and `go/types`; this module prints the same description from `kubewalk scan --json` and
//! compares the two.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Builds `tools/godump` with the Go toolchain into `target/godump` and returns the binary's path.
pub fn build_godump() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = manifest.join("target").join("godump").join("godump");
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(manifest.join("tools/godump"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .status()
        .expect("the Go toolchain (`go`) is needed for the differential test: apt-get install golang-go");
    assert!(status.success(), "go build of tools/godump failed");
    out
}

/// Runs godump on a tree.
pub fn godump(binary: &Path, root: &Path, include_tests: bool) -> String {
    let mut cmd = Command::new(binary);
    if include_tests {
        cmd.arg("-include-tests");
    }
    let output = cmd.arg(root).output().expect("godump runs");
    assert!(
        output.status.success(),
        "godump failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("godump prints UTF-8")
}

/// kubewalk's scan JSON in godump's line format: the stats line first, the rest sorted.
pub fn kubewalk_lines(doc: &Value) -> Vec<String> {
    let s = &doc["stats"];
    let stats = format!(
        "stats files={} bytes={} packages={} types={} methods={} funcs={} parse_error_files={} unreadable_files={}",
        s["files"],
        s["bytes"],
        s["packages"],
        s["types"],
        s["methods"],
        s["funcs"],
        s["parse_error_files"],
        s["unreadable_files"]
    );
    let mut lines = Vec::new();
    let mut error_files = BTreeSet::new();
    for d in doc["diagnostics"].as_array().unwrap() {
        let d = d.as_str().unwrap();
        if let Some((loc, _)) = d.split_once(": not valid UTF-8") {
            lines.push(format!("U {}", loc.rsplit_once(':').map_or(loc, |(p, _)| p)));
        }
    }
    for pkg in doc["packages"].as_array().unwrap() {
        for f in pkg["files"].as_array().unwrap() {
            let path = f["path"].as_str().unwrap();
            if !f["parse_error_lines"].as_array().unwrap().is_empty() {
                error_files.insert(path.to_string());
                lines.push(format!("P {path}"));
                continue;
            }
            let platforms: Vec<&str> = f["platforms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            let platforms = if platforms.is_empty() {
                "-".to_string()
            } else {
                platforms.join(",")
            };
            lines.push(format!("F {path} {} {platforms}", pkg["name"].as_str().unwrap()));
            for i in f["imports"].as_array().unwrap() {
                lines.push(format!(
                    "I {path} {} {}",
                    str_of(&i["path"]),
                    i["alias"].as_str().unwrap_or("-")
                ));
            }
        }
        let ok = |v: &Value| !error_files.contains(v["file"].as_str().unwrap());
        for t in pkg["types"].as_array().unwrap().iter().filter(|t| ok(t)) {
            let path = str_of(&t["file"]);
            let name = str_of(&t["name"]);
            lines.push(format!(
                "T {path}:{}-{} {name} {} {} {}",
                t["line"],
                t["end_line"],
                t["type_params"].as_str().unwrap_or("-"),
                if t["kind"] == "alias" { "alias" } else { "defined" },
                str_of(&t["type"])
            ));
            doc_line(&mut lines, &path, &name, &t["doc"]);
            if let Some(fields) = t.get("fields").and_then(Value::as_array) {
                // The JSON lists one entry per name; godump one per declaration (`a, b int`).
                let mut groups: Vec<(Vec<String>, &Value)> = Vec::new();
                for f in fields {
                    let same = groups.last().is_some_and(|(names, prev)| {
                        !names.is_empty()
                            && f["name"].is_string()
                            && prev["line"] == f["line"]
                            && prev["type"] == f["type"]
                            && prev["tag"] == f["tag"]
                    });
                    match (same, f["name"].as_str()) {
                        (true, Some(n)) => groups.last_mut().unwrap().0.push(n.to_string()),
                        (_, Some(n)) => groups.push((vec![n.to_string()], f)),
                        (_, None) => groups.push((Vec::new(), f)),
                    }
                }
                for (names, f) in groups {
                    let names = if names.is_empty() {
                        "-".to_string()
                    } else {
                        names.join(",")
                    };
                    lines.push(format!(
                        "S {path} {name}.{names} {} {}",
                        str_of(&f["type"]),
                        f["tag"].as_str().unwrap_or("-")
                    ));
                }
            }
            if t["kind"] == "interface" {
                let iface = &t["interface"];
                for m in iface["methods"].as_array().unwrap() {
                    lines.push(format!(
                        "M {path} {name}.{} {}",
                        str_of(&m["name"]),
                        str_of(&m["signature"])
                    ));
                }
                for e in iface["embeds"].as_array().unwrap() {
                    lines.push(format!("E {path} {name} {}", str_of(e)));
                }
            }
        }
        for (key, is_method) in [("funcs", false), ("methods", true)] {
            for f in pkg[key].as_array().unwrap().iter().filter(|f| ok(f)) {
                let path = str_of(&f["file"]);
                let name = str_of(&f["name"]);
                if is_method {
                    let recv = &f["receiver"];
                    lines.push(format!(
                        "D {path}:{}-{} method {} {name} {}",
                        f["line"],
                        f["end_line"],
                        str_of(&recv["type"]),
                        str_of(&f["signature"])
                    ));
                    let base = recv["base"].as_str().unwrap_or("");
                    doc_line(&mut lines, &path, &format!("{base}.{name}"), &f["doc"]);
                } else {
                    lines.push(format!(
                        "D {path}:{}-{} func {name} {} {}",
                        f["line"],
                        f["end_line"],
                        f["type_params"].as_str().unwrap_or("-"),
                        str_of(&f["signature"])
                    ));
                    doc_line(&mut lines, &path, &name, &f["doc"]);
                }
            }
        }
        for c in pkg["consts"].as_array().unwrap().iter().filter(|c| ok(c)) {
            let value = match (c["value_kind"].as_str(), c["value"].as_str()) {
                (Some("string"), Some(v)) => format!("string:{}", go_quote(v)),
                (Some(kind), Some(v)) => format!("{kind}:{v}"),
                _ => "?".to_string(),
            };
            lines.push(format!(
                "C {}:{} {} {value}",
                str_of(&c["file"]),
                c["line"],
                str_of(&c["name"])
            ));
        }
        for v in pkg["vars"].as_array().unwrap().iter().filter(|v| ok(v)) {
            lines.push(format!("V {}:{} {}", str_of(&v["file"]), v["line"], str_of(&v["name"])));
        }
    }
    lines.sort();
    let mut out = vec![stats];
    out.extend(lines);
    out
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn doc_line(lines: &mut Vec<String>, path: &str, name: &str, doc: &Value) {
    if let Some(first) = doc.as_str().and_then(|d| d.lines().next()) {
        lines.push(format!("O {path} {name} {first}"));
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What differs between the two descriptions, after the normalisations the two tools can agree on: a parse
/// error's line is not compared (the parsers recover differently), and a constant that `go/types` could not
/// evaluate (it sees imported packages as empty) is not compared either.
#[derive(Debug, Default)]
pub struct Comparison {
    pub stats_go: String,
    pub stats_kubewalk: String,
    pub only_go: Vec<String>,
    pub only_kubewalk: Vec<String>,
    pub compared: usize,
}

impl Comparison {
    pub fn agrees(&self) -> bool {
        self.stats_go == self.stats_kubewalk && self.only_go.is_empty() && self.only_kubewalk.is_empty()
    }
}

pub fn compare(go_output: &str, kubewalk: &[String]) -> Comparison {
    let mut go_lines = go_output.lines();
    let stats_go = go_lines.next().unwrap_or_default().to_string();
    let normalize = |line: &str| -> String {
        if let Some(rest) = line.strip_prefix("P ") {
            return format!("P {}", rest.rsplit_once(':').map_or(rest, |(p, _)| p));
        }
        line.to_string()
    };
    let go: BTreeSet<String> = go_lines.map(normalize).collect();
    let unknown_in_go: BTreeSet<String> = go
        .iter()
        .filter(|l| l.starts_with("C ") && l.ends_with(" ?"))
        .map(|l| l.splitn(4, ' ').take(3).collect::<Vec<_>>().join(" "))
        .collect();
    let kw: BTreeSet<String> = kubewalk[1..]
        .iter()
        .map(|l| {
            if l.starts_with("C ") {
                // `C path:line Name VALUE`, where a string VALUE may hold spaces.
                let head: Vec<&str> = l.splitn(4, ' ').take(3).collect();
                let head = head.join(" ");
                if unknown_in_go.contains(&head) {
                    return format!("{head} ?");
                }
            }
            l.clone()
        })
        .collect();
    Comparison {
        stats_go,
        stats_kubewalk: kubewalk[0].clone(),
        only_go: go.difference(&kw).cloned().collect(),
        only_kubewalk: kw.difference(&go).cloned().collect(),
        compared: go.len(),
    }
}
