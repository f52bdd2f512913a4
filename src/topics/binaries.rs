//! Binaries: every main package of the tree, those below the topic's folder (`cmd/`) first, with a one-line
//! summary and its layout.

use serde::{Deserialize, Serialize};

use super::commands::CommandFlag;
use super::Cx;
use crate::model::PkgId;
use crate::sources::Sources;

/// A `binaries` topic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BinariesDef {
    /// The folder of a tree's own binaries (`cmd`): they come first, other main packages after them.
    pub dir: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BinariesReport {
    pub binaries: Vec<Binary>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Binary {
    pub dir: String,
    /// The name `go build` gives the binary: the last element of its import path (a `/vN` major version skipped).
    pub name: String,
    pub import_path: String,
    /// Outside the topic's folder (`cmd/`): a main package elsewhere in the tree.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outside_dir: bool,
    pub summary: Option<String>,
    /// Where the summary comes from: `package doc`, `root command`, `main doc` (the doc of `func main`), `main file
    /// comment` (the comment the main file opens with), or `none`.
    pub summary_source: String,
    pub main_file: Option<String>,
    pub main_line: Option<u32>,
    /// The id of its root command.
    pub root_command: Option<String>,
    /// The flags of a binary without commands (it parses `pflag.CommandLine` or `flag.CommandLine` itself).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<CommandFlag>,
    pub app: Option<String>,
    pub app_options: Option<String>,
    pub packages: Vec<BinaryPackage>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A package below a binary's folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BinaryPackage {
    pub dir: String,
    pub import_path: String,
    pub name: String,
    pub files: usize,
    pub summary: Option<String>,
}

/// What a commands topic finds of a binary: its root command's id, the root's static `Short` (else `Long`) when
/// the binary owns that tree (not when it builds another binary's, as the doc generators build kubectl's), and
/// the flags of a binary without commands.
#[derive(Debug, Clone)]
pub struct Root {
    pub binary: String,
    pub command: Option<String>,
    pub text: Option<String>,
    pub flags: Vec<CommandFlag>,
}

/// The main packages of the tree, which other topics attribute their facts to.
#[derive(Debug, Clone, Default)]
pub struct MainPackages {
    pub list: Vec<MainPackage>,
}

#[derive(Debug, Clone)]
pub struct MainPackage {
    pub dir: String,
    pub pkg: PkgId,
    pub in_dir: bool,
}

impl MainPackages {
    /// The binary a file belongs to: the main package whose folder holds it most closely.
    pub fn binary_of(&self, path: &str) -> Option<&String> {
        self.list
            .iter()
            .filter(|m| m.dir.is_empty() || path.strip_prefix(&m.dir).is_some_and(|rest| rest.starts_with('/')))
            .max_by_key(|m| m.dir.len())
            .map(|m| &m.dir)
    }
}

/// Every main package built on some platform (`//go:build ignore` generators are not binaries), those below the
/// binaries folder first, each group by folder. No binaries topic: none.
pub(crate) fn main_packages(cx: &Cx, def: Option<&BinariesDef>) -> MainPackages {
    let Some(def) = def else {
        return MainPackages::default();
    };
    let prefix = format!("{}/", def.dir);
    let mut list: Vec<MainPackage> = Vec::new();
    for (i, pkg) in cx.model.packages.iter().enumerate() {
        if pkg.name != "main" || pkg.import_path.ends_with("_test") || pkg.support {
            continue;
        }
        if !pkg.files.iter().any(|&f| cx.model.file(f).platforms.0 != 0) {
            continue;
        }
        // Two package clauses in one folder: the one that owns the import path.
        if cx.model.package_by_path(&pkg.import_path) != Some(PkgId(i)) {
            continue;
        }
        list.push(MainPackage {
            dir: pkg.dir.clone(),
            pkg: PkgId(i),
            in_dir: pkg.dir.starts_with(&prefix),
        });
    }
    list.sort_by(|a, b| (!a.in_dir, &a.dir).cmp(&(!b.in_dir, &b.dir)));
    MainPackages { list }
}

pub(crate) fn extract(
    cx: &Cx,
    _def: &BinariesDef,
    mains: &MainPackages,
    roots: &[Root],
    sources: &Sources,
) -> BinariesReport {
    let mut out = Vec::new();
    for main_pkg in &mains.list {
        let (bin_dir, pkg_id) = (&main_pkg.dir, main_pkg.pkg);
        let pkg = cx.model.pkg(pkg_id);
        let main = pkg.funcs.iter().find(|f| f.decl.name == "main");
        let root = roots.iter().find(|r| &r.binary == bin_dir);
        let (summary, source) = if let Some(doc) = &pkg.doc {
            (Some(first_sentence(doc)), "package doc")
        } else if let Some(short) = root.and_then(|r| r.text.clone()) {
            (Some(first_sentence(&short)), "root command")
        } else if let Some(doc) = main.and_then(|m| m.decl.doc.clone()) {
            (Some(first_sentence(&doc)), "main doc")
        } else if let Some(text) = main
            .and_then(|m| sources.read(cx.path(m.file)))
            .and_then(|t| leading_comment(&t))
        {
            (Some(first_sentence(&text)), "main file comment")
        } else {
            (None, "none")
        };
        let prefix = format!("{bin_dir}/");
        let packages: Vec<BinaryPackage> = cx
            .model
            .packages
            .iter()
            .filter(|p| p.dir.starts_with(&prefix) && !p.import_path.ends_with("_test"))
            .map(|p| BinaryPackage {
                dir: p.dir.clone(),
                import_path: p.import_path.clone(),
                name: p.name.clone(),
                files: p.files.len(),
                summary: p.doc.as_deref().map(first_sentence),
            })
            .collect();
        let has = |sub: &str| packages.iter().any(|p| p.dir == format!("{bin_dir}/{sub}"));
        out.push(Binary {
            dir: bin_dir.clone(),
            name: binary_name(&pkg.import_path),
            import_path: pkg.import_path.clone(),
            outside_dir: !main_pkg.in_dir,
            summary,
            summary_source: source.to_string(),
            main_file: main.map(|m| cx.path(m.file).to_string()),
            main_line: main.map(|m| m.decl.line),
            root_command: root.and_then(|r| r.command.clone()),
            flags: root.map(|r| r.flags.clone()).unwrap_or_default(),
            app: has("app").then(|| format!("{bin_dir}/app")),
            app_options: has("app/options").then(|| format!("{bin_dir}/app/options")),
            packages,
        });
    }
    BinariesReport { binaries: out }
}

/// The name `go build` gives a main package: its import path's last element, skipping a major version (`/v3`).
pub(crate) fn binary_name(import_path: &str) -> String {
    let mut parts = import_path.rsplit('/');
    let last = parts.next().unwrap_or(import_path);
    let is_major = last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match (is_major, parts.next()) {
        (true, Some(before)) => before.to_string(),
        _ => last.to_string(),
    }
}

/// The comment a file opens with, before its package clause, that is not a licence header or a build
/// constraint: what a tool's main file says it does (`// This tool extracts the links from ...`). Its text, with
/// the comment markers removed.
pub fn leading_comment(src: &str) -> Option<String> {
    let mut groups: Vec<Vec<String>> = vec![Vec::new()];
    let mut lines = src.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("package ") || t == "package" {
            break;
        }
        if t.is_empty() {
            groups.push(Vec::new());
        } else if let Some(rest) = t.strip_prefix("//") {
            if !rest.starts_with("go:") && !rest.trim_start().starts_with("+build") {
                groups
                    .last_mut()?
                    .push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
            }
        } else if let Some(rest) = t.strip_prefix("/*") {
            let mut block = vec![rest.to_string()];
            let mut closed = rest.contains("*/");
            while !closed {
                let Some(next) = lines.next() else { break };
                closed = next.contains("*/");
                block.push(next.to_string());
            }
            let text = block.join("\n");
            let text = text.split("*/").next().unwrap_or_default();
            groups.last_mut()?.extend(text.lines().map(|l| l.trim().to_string()));
            groups.push(Vec::new());
        } else {
            return None;
        }
    }
    groups
        .into_iter()
        .map(|g| g.join("\n").trim().to_string())
        .filter(|g| !g.is_empty())
        .find(|g| !g.contains("Copyright") && !g.contains("Licensed under") && !g.contains("SPDX-License"))
}

/// The first sentence of a doc comment, on one line.
pub fn first_sentence(doc: &str) -> String {
    let paragraph = doc.split("\n\n").next().unwrap_or(doc);
    let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.find(". ") {
        Some(i) => joined[..=i].to_string(),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::{binary_name, leading_comment};

    #[test]
    fn a_main_files_leading_comment_skips_the_licence() {
        let src = "/*\nCopyright 2015 The Authors.\n\nLicensed under the Apache License.\n*/\n\n//go:build linux\n\n// This tool checks links.\n// Usage: x\n\npackage main\n";
        assert_eq!(
            leading_comment(src).as_deref(),
            Some("This tool checks links.\nUsage: x")
        );
        assert_eq!(leading_comment("// Copyright 2020 X\n\npackage main\n// after\n"), None);
        assert_eq!(leading_comment("package main\n"), None);
    }

    #[test]
    fn binary_names_skip_major_versions() {
        assert_eq!(binary_name("k8s.io/kubernetes/cmd/kubelet"), "kubelet");
        assert_eq!(binary_name("go.etcd.io/etcd/v3"), "etcd");
        assert_eq!(binary_name("go.etcd.io/etcd/etcdctl/v3"), "etcdctl");
        assert_eq!(binary_name("example.com/v2ray"), "v2ray");
    }
}
