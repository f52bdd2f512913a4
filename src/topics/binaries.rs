//! Binaries: every main package of the tree, those below the topic's folder (`cmd/`) first, with a one-line
//! summary and its layout.

use serde::{Deserialize, Serialize};

use super::Cx;
use crate::model::PkgId;

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
    /// Where the summary comes from: `package doc`, `root command`, `main.go doc`, or `none`.
    pub summary_source: String,
    pub main_file: Option<String>,
    pub main_line: Option<u32>,
    /// The id of its root command.
    pub root_command: Option<String>,
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

/// A binary's root command, as a commands topic finds it: its id and its static `Short` (else `Long`).
#[derive(Debug, Clone)]
pub struct Root {
    pub binary: String,
    pub command: String,
    pub text: Option<String>,
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
            .filter(|m| path.starts_with(&format!("{}/", m.dir)) || m.dir.is_empty())
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
        if pkg.name != "main" || pkg.import_path.ends_with("_test") {
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

pub(crate) fn extract(cx: &Cx, _def: &BinariesDef, mains: &MainPackages, roots: &[Root]) -> BinariesReport {
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
        } else if let Some(doc) = main_file_doc(cx, pkg_id) {
            (Some(first_sentence(&doc)), "main.go doc")
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
            root_command: root.map(|r| r.command.clone()),
            app: has("app").then(|| format!("{bin_dir}/app")),
            app_options: has("app/options").then(|| format!("{bin_dir}/app/options")),
            packages,
        });
    }
    BinariesReport { binaries: out }
}

/// The name `go build` gives a main package: its import path's last element, skipping a major version (`/v3`).
fn binary_name(import_path: &str) -> String {
    let mut parts = import_path.rsplit('/');
    let last = parts.next().unwrap_or(import_path);
    let is_major = last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match (is_major, parts.next()) {
        (true, Some(before)) => before.to_string(),
        _ => last.to_string(),
    }
}

/// The doc comment of `main.go`'s first documented declaration (usually `func main`).
fn main_file_doc(cx: &Cx, pkg: PkgId) -> Option<String> {
    let pkg = cx.model.pkg(pkg);
    let main_file = pkg.funcs.iter().find(|f| f.decl.name == "main")?.file;
    pkg.funcs
        .iter()
        .filter(|f| f.file == main_file)
        .find_map(|f| f.decl.doc.clone())
        .or_else(|| {
            pkg.types
                .iter()
                .filter(|t| t.file == main_file)
                .find_map(|t| t.decl.doc.clone())
        })
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
    use super::binary_name;

    #[test]
    fn binary_names_skip_major_versions() {
        assert_eq!(binary_name("k8s.io/kubernetes/cmd/kubelet"), "kubelet");
        assert_eq!(binary_name("go.etcd.io/etcd/v3"), "etcd");
        assert_eq!(binary_name("go.etcd.io/etcd/etcdctl/v3"), "etcdctl");
        assert_eq!(binary_name("example.com/v2ray"), "v2ray");
    }
}
