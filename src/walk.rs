//! Which files a scan reads, in a stable order, and where the Go modules are.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What decides which `.go` files are scanned.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    pub include_tests: bool,
    pub include_vendor: bool,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the root, with `/` separators.
    pub path: String,
    pub content: Content,
    pub size: u64,
}

/// Where a file's bytes are: on disk, or already in memory (a blob read from git).
#[derive(Debug, Clone)]
pub enum Content {
    Disk(PathBuf),
    Memory(std::sync::Arc<[u8]>),
}

impl Content {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Content::Disk(path) => std::fs::read(path),
            Content::Memory(bytes) => Ok(bytes.to_vec()),
        }
    }
}

/// Whether the Go tool skips a folder of this name (`vendor` unless asked).
pub fn skips_dir(name: &str, options: WalkOptions) -> bool {
    name.starts_with('_')
        || name.starts_with('.')
        || name == "testdata"
        || (name == "vendor" && !options.include_vendor)
}

/// Whether a file of this name is scanned.
pub fn takes_file(name: &str, options: WalkOptions) -> bool {
    name.ends_with(".go") && (options.include_tests || !name.ends_with("_test.go"))
}

impl SourceFile {
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn file_name(&self) -> &str {
        self.path.rsplit_once('/').map_or(&self.path, |(_, name)| name)
    }
}

/// A `go.mod` file: the module path that the folder holding it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub dir: String,
    pub path: String,
}

#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
    /// Entries the walk could not read, as `path: reason`.
    pub errors: Vec<String>,
}

/// Lists the Go files under `root` as the Go tool sees a tree: no `vendor` (unless asked), no `testdata`, no
/// folders starting with `_` or `.`; `_test.go` files only when asked. Symbolic links are not followed, as the Go
/// tool does not follow them in `./...`, so a link loop cannot hang the walk.
pub fn walk(root: &Path, options: WalkOptions) -> Result<Walked> {
    let mut walked = Walked::default();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |entry| {
            if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            !skips_dir(&entry.file_name().to_string_lossy(), options)
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                walked.errors.push(err.to_string());
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let rel = relative(root, entry.path());
        if name == "go.mod" {
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    if let Some(path) = module_path(&text) {
                        let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                        walked.modules.push(Module { dir, path });
                    }
                }
                Err(err) => walked.errors.push(format!("{rel}: {err}")),
            }
            continue;
        }
        if !takes_file(&name, options) {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        walked.files.push(SourceFile {
            path: rel,
            content: Content::Disk(entry.path().to_path_buf()),
            size,
        });
    }
    walked.files.sort_by(|a, b| a.path.cmp(&b.path));
    walked.modules.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(walked)
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The module path of a `go.mod` file's `module` directive.
pub fn module_path(go_mod: &str) -> Option<String> {
    go_mod.lines().find_map(|line| {
        let line = line.split("//").next()?.trim();
        let rest = line.strip_prefix("module")?;
        if !rest.starts_with([' ', '\t', '"']) {
            return None;
        }
        let path = rest.trim().trim_matches('"');
        (!path.is_empty()).then(|| path.to_string())
    })
}

/// The import path of a folder: the path after the last `vendor/` element, else the nearest enclosing module's
/// path joined with the folder's place in that module, else the folder itself.
pub fn import_path(dir: &str, modules: &[Module]) -> String {
    if let Some(i) = dir
        .rfind("vendor/")
        .filter(|&i| i == 0 || dir.as_bytes()[i - 1] == b'/')
    {
        return dir[i + "vendor/".len()..].to_string();
    }
    let enclosing = modules
        .iter()
        .filter(|m| m.dir.is_empty() || dir == m.dir || dir.starts_with(&format!("{}/", m.dir)))
        .max_by_key(|m| m.dir.len());
    match enclosing {
        Some(module) if dir == module.dir => module.path.clone(),
        Some(module) if module.dir.is_empty() => {
            if dir.is_empty() {
                module.path.clone()
            } else {
                format!("{}/{dir}", module.path)
            }
        }
        Some(module) => format!("{}/{}", module.path, &dir[module.dir.len() + 1..]),
        None => dir.to_string(),
    }
}

/// Checks that `root` is a folder, with a message fit for the command line.
pub fn check_root(root: &Path) -> Result<()> {
    let meta = std::fs::metadata(root).with_context(|| format!("{}: cannot read", root.display()))?;
    if !meta.is_dir() {
        anyhow::bail!("{}: not a directory", root.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_follow_nested_modules_and_vendor() {
        let modules = vec![
            Module {
                dir: String::new(),
                path: "k8s.io/kubernetes".into(),
            },
            Module {
                dir: "staging/src/k8s.io/client-go".into(),
                path: "k8s.io/client-go".into(),
            },
        ];
        assert_eq!(import_path("pkg/volume", &modules), "k8s.io/kubernetes/pkg/volume");
        assert_eq!(import_path("", &modules), "k8s.io/kubernetes");
        assert_eq!(
            import_path("staging/src/k8s.io/client-go/util/workqueue", &modules),
            "k8s.io/client-go/util/workqueue"
        );
        assert_eq!(
            import_path("staging/src/k8s.io/client-go", &modules),
            "k8s.io/client-go"
        );
        assert_eq!(import_path("vendor/github.com/x/y", &modules), "github.com/x/y");
        assert_eq!(
            import_path("pkg/vendorfoo/x", &modules),
            "k8s.io/kubernetes/pkg/vendorfoo/x"
        );
        assert_eq!(import_path("a/b", &[]), "a/b");
    }

    #[test]
    fn module_directive() {
        assert_eq!(
            module_path("// x\nmodule k8s.io/client-go\n\ngo 1.22\n").as_deref(),
            Some("k8s.io/client-go")
        );
        assert_eq!(
            module_path("module \"example.com/q\" // c\n").as_deref(),
            Some("example.com/q")
        );
        assert_eq!(module_path("modules x\n"), None);
    }
}
