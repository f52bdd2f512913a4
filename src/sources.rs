//! Where a scanned tree's files can be read again after the scan: its folder, or its revision in a git
//! repository. The evaluator reads the code of the functions it runs from here (`lower::lower_code`), including
//! vendored packages the scan itself skips.

use std::cell::RefCell;
use std::path::PathBuf;

#[derive(Default)]
pub enum Sources {
    /// A folder, with the imports of its vendored packages as the walk read them.
    Folder(PathBuf, VendoredImports),
    Git(Box<GitSources>),
    /// Files held in memory, by path: for tests and generated trees.
    Memory(std::collections::BTreeMap<String, String>),
    /// No tree: a saved scan.
    #[default]
    None,
}

pub struct GitSources {
    repo: PathBuf,
    tree: gix::ObjectId,
    vendored: VendoredImports,
}

/// The import paths of the files (tests aside) of each folder of `vendor/`, by folder (`vendor/<import path>`), read
/// as the walk finds the packages that register flags (`walk::VendorImports`): the evaluator asks for those of
/// every vendored package a binary imports (811 for v1.20.2's binaries), and reading them again, from the files'
/// heads, took about 0.1 s of its threads' time.
pub type VendoredImports = crate::HashMap<String, Vec<String>>;

thread_local! {
    /// The repository last read from on this thread: a gix handle does not cross threads without gix's `parallel`
    /// feature, and opening one for every read would cost more than the read.
    static HANDLE: RefCell<Option<(PathBuf, gix::Repository)>> = const { RefCell::new(None) };
}

impl Sources {
    pub fn git(repo: PathBuf, tree: gix::ObjectId, vendored: VendoredImports) -> Sources {
        Sources::Git(Box::new(GitSources { repo, tree, vendored }))
    }

    /// A file's text by its path from the root; `None` when it is not there or not UTF-8.
    pub fn read(&self, path: &str) -> Option<String> {
        match self {
            Sources::Folder(root, _) => std::fs::read_to_string(root.join(path)).ok(),
            Sources::Git(git) => String::from_utf8(git.read(path)?).ok(),
            Sources::Memory(files) => files.get(path).cloned(),
            Sources::None => None,
        }
    }

    /// The imports of a vendored package (`vendor/<import path>`), from its files other than tests.
    pub fn vendored_imports(&self, import_path: &str) -> Vec<String> {
        let dir = format!("vendor/{import_path}");
        let read = match self {
            Sources::Folder(_, read) => read.get(&dir),
            Sources::Git(git) => git.vendored.get(&dir),
            _ => None,
        };
        if let Some(imports) = read {
            return imports.clone();
        }
        // A folder the walk did not read (one it skips, or files in memory).
        let mut out = Vec::new();
        for name in self.go_files(&dir) {
            if name.ends_with("_test.go") {
                continue;
            }
            out.extend(self.imports(&format!("{dir}/{name}")).unwrap_or_default());
        }
        out
    }

    /// A file's import paths (`walk::go_imports`); `None` when it is not there or its imports are not UTF-8. From a
    /// folder only the head that holds them is read (`walk::import_head`).
    fn imports(&self, path: &str) -> Option<Vec<String>> {
        let text = match self {
            Sources::Folder(root, _) => String::from_utf8(crate::walk::import_head(&root.join(path)).ok()?).ok()?,
            _ => self.read(path)?,
        };
        Some(crate::walk::go_imports(&text))
    }

    /// The names of the `.go` files of a folder, sorted; empty when there is no such folder.
    pub fn go_files(&self, dir: &str) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Sources::Folder(root, _) => std::fs::read_dir(root.join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect(),
            Sources::Git(git) => git.names(dir),
            Sources::Memory(files) => files
                .keys()
                .filter_map(|p| p.strip_prefix(dir)?.strip_prefix('/'))
                .filter(|name| !name.contains('/'))
                .map(str::to_string)
                .collect(),
            Sources::None => Vec::new(),
        };
        names.retain(|n| n.ends_with(".go"));
        names.sort();
        names
    }
}

impl GitSources {
    fn with<T>(&self, f: impl FnOnce(&gix::Repository) -> Option<T>) -> Option<T> {
        HANDLE.with(|handle| {
            let mut handle = handle.borrow_mut();
            if handle.as_ref().is_none_or(|(path, _)| *path != self.repo) {
                *handle = gix::open(&self.repo).ok().map(|r| (self.repo.clone(), r));
            }
            f(&handle.as_ref()?.1)
        })
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.with(|repo| {
            let tree = repo.find_object(self.tree).ok()?.peel_to_tree().ok()?;
            let entry = tree.lookup_entry_by_path(path).ok()??;
            Some(entry.object().ok()?.data.clone())
        })
    }

    fn names(&self, dir: &str) -> Vec<String> {
        self.with(|repo| {
            let tree = repo.find_object(self.tree).ok()?.peel_to_tree().ok()?;
            let sub = if dir.is_empty() {
                tree
            } else {
                tree.lookup_entry_by_path(dir)
                    .ok()??
                    .object()
                    .ok()?
                    .peel_to_tree()
                    .ok()?
            };
            Some(
                sub.iter()
                    .filter_map(|e| e.ok())
                    .filter(|e| e.mode().is_blob())
                    .map(|e| e.filename().to_string())
                    .collect(),
            )
        })
        .unwrap_or_default()
    }
}
