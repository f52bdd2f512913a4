//! Binaries: every main package below a folder (`cmd/`), with a one-line summary and its layout.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::commands::Roots;
use super::{Cx, TopicDef};
use crate::model::PkgId;

/// Main packages below `dir`, by folder. Packages whose files are built on no platform (`//go:build ignore`
/// generators) are not binaries.
pub fn binary_dirs(cx: &Cx, dir: &str) -> BTreeMap<String, PkgId> {
    let prefix = format!("{dir}/");
    let mut out = BTreeMap::new();
    for (i, pkg) in cx.model.packages.iter().enumerate() {
        if pkg.name != "main" || !(pkg.dir.starts_with(&prefix)) || pkg.import_path.ends_with("_test") {
            continue;
        }
        let built = pkg.files.iter().any(|&f| cx.model.file(f).platforms.0 != 0);
        if built {
            out.insert(pkg.dir.clone(), PkgId(i));
        }
    }
    out
}

pub fn extract(cx: &Cx, topic: &TopicDef, roots: &Roots) -> Value {
    let dir = topic.dir.as_deref().unwrap_or("cmd");
    let mut out = Vec::new();
    for (bin_dir, &pkg_id) in &binary_dirs(cx, dir) {
        let pkg = cx.model.pkg(pkg_id);
        let main = pkg.funcs.iter().find(|f| f.decl.name == "main");
        let root = roots.get(bin_dir);
        let (summary, source) = if let Some(doc) = &pkg.doc {
            (Some(first_sentence(doc)), "package doc")
        } else if let Some(short) = root.and_then(|(_, short)| short.clone()) {
            (Some(first_sentence(&short)), "root command")
        } else if let Some(doc) = main_file_doc(cx, pkg_id) {
            (Some(first_sentence(&doc)), "main.go doc")
        } else {
            (None, "none")
        };
        let prefix = format!("{bin_dir}/");
        let packages: Vec<Value> = cx
            .model
            .packages
            .iter()
            .filter(|p| p.dir.starts_with(&prefix) && !p.import_path.ends_with("_test"))
            .map(|p| {
                json!({
                    "dir": p.dir,
                    "import_path": p.import_path,
                    "name": p.name,
                    "files": p.files.len(),
                    "summary": p.doc.as_deref().map(first_sentence),
                })
            })
            .collect();
        let has = |sub: &str| packages.iter().any(|p| p["dir"] == format!("{bin_dir}/{sub}"));
        out.push(json!({
            "dir": bin_dir,
            "name": bin_dir.rsplit('/').next().unwrap_or(bin_dir),
            "import_path": pkg.import_path,
            "summary": summary,
            "summary_source": source,
            "main_file": main.map(|m| cx.path(m.file)),
            "main_line": main.map(|m| m.decl.line),
            "root_command": root.map(|(id, _)| id),
            "app": has("app").then(|| format!("{bin_dir}/app")),
            "app_options": has("app/options").then(|| format!("{bin_dir}/app/options")),
            "packages": packages,
        }));
    }
    Value::Array(out)
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
