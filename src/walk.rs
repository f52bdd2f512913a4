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

#[derive(Default)]
pub struct Walked {
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
    /// Entries the walk could not read, as `path: reason`.
    pub errors: Vec<String>,
    /// Where the tree's files can be read again.
    pub sources: crate::sources::Sources,
    /// Folders of `vendor/` scanned although vendor is not (`VendorImports::support`).
    pub support: Vec<String>,
}

/// The packages that register flags with the standard library's `flag` or with pflag: those of the libraries
/// the evaluator models itself (pflag, cobra) aside.
const REGISTRATION_IMPORTS: &[&str] = &["flag", "github.com/spf13/pflag"];
const MODELLED: &[&str] = &["github.com/spf13/pflag", "github.com/spf13/cobra"];

/// What a tree's `vendor/` files say of their packages, read from their import declarations.
#[derive(Default)]
pub struct VendorImports {
    /// The folders of the vendored packages that register flags themselves (klog's `InitFlags`, cadvisor's
    /// package-level `flag.Duration`s). A scan that skips `vendor/` still scans these, so that the binaries' flags
    /// that come from them are found; the rest of `vendor/` is read by the evaluator only as far as import lists.
    pub support: std::collections::BTreeSet<String>,
    /// Each folder's import paths (`sources::Sources::vendored_imports`); a file whose imports are not UTF-8 adds
    /// none, as reading it again would give.
    pub imports: crate::sources::VendoredImports,
}

/// Reads `vendor/` files other than tests (path, and at least the head that holds their imports), each once.
pub fn vendor_imports<'a, B: AsRef<[u8]>>(files: impl Iterator<Item = (&'a str, B)>) -> VendorImports {
    let mut read = VendorImports::default();
    for (path, bytes) in files {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        // Checking that the text is UTF-8 is several times faster than replacing what is not, which few files need.
        let (text, utf8) = match std::str::from_utf8(bytes.as_ref()) {
            Ok(text) => (std::borrow::Cow::Borrowed(text), true),
            Err(_) => (String::from_utf8_lossy(bytes.as_ref()), false),
        };
        let imports = go_imports(&text);
        let import = dir.strip_prefix("vendor/").unwrap_or(dir);
        let modelled = MODELLED
            .iter()
            .any(|m| import == *m || import.starts_with(&format!("{m}/")));
        if !modelled && imports.iter().any(|i| REGISTRATION_IMPORTS.contains(&i.as_str())) {
            read.support.insert(dir.to_string());
        }
        let kept = read.imports.entry(dir.to_string()).or_default();
        if utf8 {
            kept.extend(imports);
        }
    }
    read
}

/// The import paths of a Go file, read from its import declarations without parsing the rest.
pub fn go_imports(src: &str) -> Vec<String> {
    go_import_decls(src).0
}

/// [`go_imports`], and how far into `src` they were read: to the end of the first word after them, or all of
/// `src` when it ends first. A head of a file shorter than that may hold only part of the file's imports; a longer
/// one holds them all.
pub fn go_import_decls(src: &str) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    // Skips spaces and comments.
    let skip = |mut i: usize| -> usize {
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b[i..].starts_with(b"//") {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            } else if b[i..].starts_with(b"/*") {
                i = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            } else {
                return i;
            }
        }
    };
    let word = |i: usize| -> &str {
        let end = b[i..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.'))
            .map_or(b.len(), |e| i + e);
        &src[i..end]
    };
    i = skip(i);
    if word(i) != "package" {
        return (out, i + word(i).len());
    }
    i += "package".len();
    i = skip(i);
    i += word(i).len();
    // One import spec: an optional name, then the quoted path.
    let spec = |mut i: usize, out: &mut Vec<String>| -> usize {
        i = skip(i);
        if i < b.len() && b[i] != b'"' && b[i] != b'`' {
            i += word(i).len().max(1);
            i = skip(i);
        }
        if i < b.len() && (b[i] == b'"' || b[i] == b'`') {
            let quote = b[i] as char;
            if let Some(end) = src[i + 1..].find(quote) {
                out.push(src[i + 1..i + 1 + end].to_string());
                return i + 1 + end + 1;
            }
        }
        b.len()
    };
    loop {
        i = skip(i);
        if i >= b.len() || word(i) != "import" {
            return (out, i + word(i).len());
        }
        i = skip(i + "import".len());
        if i < b.len() && b[i] == b'(' {
            i += 1;
            loop {
                i = skip(i);
                if i >= b.len() {
                    return (out, b.len());
                }
                if b[i] == b')' {
                    i += 1;
                    break;
                }
                if b[i] == b';' {
                    i += 1;
                    continue;
                }
                i = spec(i, &mut out);
            }
        } else {
            i = spec(i, &mut out);
        }
    }
}

/// The head of a Go file that holds all its import declarations (`go_import_decls`): its first 4 KiB when they
/// end there, else the whole file. The Go tool reads imports so too; vendored files run to megabytes (aws-sdk-go's
/// `ec2`, the Compute API's clients) and their imports to a few kB. A head with bytes that are not UTF-8 is read
/// whole, so that the caller treats them as it would in the whole file.
pub fn import_head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    const HEAD: usize = 4096;
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::with_capacity(HEAD);
    (&mut file).take(HEAD as u64).read_to_end(&mut head)?;
    if head.len() < HEAD {
        return Ok(head);
    }
    let text = match std::str::from_utf8(&head) {
        Ok(text) => Some(text),
        // A character the head cuts in two is left out.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text.filter(|t| go_import_decls(t).1 < t.len()).map(str::len) {
        Some(len) => head.truncate(len),
        None => {
            file.read_to_end(&mut head)?;
        }
    }
    Ok(head)
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
    let vendored = if options.include_vendor {
        Default::default()
    } else {
        add_support_packages(root, &mut walked, options)
    };
    walked.files.sort_by(|a, b| a.path.cmp(&b.path));
    walked.modules.sort_by(|a, b| a.dir.cmp(&b.dir));
    walked.sources = crate::sources::Sources::Folder(root.to_path_buf(), vendored);
    Ok(walked)
}

/// The files of the flag-registering packages of the tree's `vendor/` (`vendor_imports`); returns the imports of
/// its folders.
fn add_support_packages(root: &Path, walked: &mut Walked, options: WalkOptions) -> crate::sources::VendoredImports {
    let vendor = root.join("vendor");
    if !vendor.is_dir() {
        return Default::default();
    }
    // Each file is read as far as its imports and dropped: a vendor folder holds as much Go as the tree itself.
    let mut candidates: Vec<(String, PathBuf, u64)> = Vec::new();
    let walker = ignore::WalkBuilder::new(&vendor)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(move |e| {
            e.depth() == 0
                || !e.file_type().is_some_and(|t| t.is_dir())
                || !skips_dir(
                    &e.file_name().to_string_lossy(),
                    WalkOptions {
                        include_vendor: true,
                        ..options
                    },
                )
        })
        .build();
    for entry in walker.flatten() {
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !takes_file(&name, WalkOptions::default()) {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        candidates.push((relative(root, entry.path()), entry.path().to_path_buf(), size));
    }
    // Only the heads that hold the imports, on every core: v1.20.2's vendor has 5,478 files of 82.5 MB.
    use rayon::prelude::*;
    let heads: Vec<Vec<u8>> = candidates
        .par_iter()
        .map(|(_, disk, _)| import_head(disk).unwrap_or_default())
        .collect();
    let VendorImports { support, imports } = vendor_imports(
        candidates
            .iter()
            .zip(&heads)
            .map(|((p, _, _), head)| (p.as_str(), head)),
    );
    for (path, disk, size) in candidates {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if support.contains(dir) && (options.include_tests || !path.ends_with("_test.go")) {
            walked.files.push(SourceFile {
                path,
                content: Content::Disk(disk),
                size,
            });
        }
    }
    walked.support = support.into_iter().collect();
    imports
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
        .filter(|m| {
            m.dir.is_empty()
                || dir
                    .strip_prefix(m.dir.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
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
    fn the_walk_keeps_the_imports_of_vendored_folders_as_the_files_give_them() {
        let dir = tempfile::tempdir().unwrap();
        let files: [(&str, &[u8]); 6] = [
            ("main.go", b"package main\n"),
            (
                "vendor/example.com/a/a.go",
                b"package a\n\nimport (\n\t\"fmt\"\n\tx \"example.com/b\"\n)\n",
            ),
            ("vendor/example.com/a/b.go", b"package a\nimport \"os\"\n"),
            ("vendor/example.com/a/a_test.go", b"package a\nimport \"testing\"\n"),
            ("vendor/example.com/b/b.go", b"package b\n"),
            // Not UTF-8: no imports.
            ("vendor/example.com/c/c.go", b"package c\nimport \"\xff\"\n"),
        ];
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let walked = walk(dir.path(), WalkOptions::default()).unwrap();
        let read_again = crate::sources::Sources::Folder(dir.path().to_path_buf(), Default::default());
        let crate::sources::Sources::Folder(_, kept) = &walked.sources else {
            panic!("a folder's walk reads from the folder")
        };
        assert_eq!(kept.len(), 3);
        for (package, imports) in [
            ("example.com/a", &["fmt", "example.com/b", "os"][..]),
            ("example.com/b", &[]),
            ("example.com/c", &[]),
            ("example.com/none", &[]),
        ] {
            assert_eq!(walked.sources.vendored_imports(package), imports, "{package}");
            assert_eq!(read_again.vendored_imports(package), imports, "{package}");
        }
    }

    #[test]
    fn a_files_imports_are_read_from_its_head_when_they_end_there() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let body = format!("\nfunc f() {{}}\n{}", "// filler line\n".repeat(600));
        // Imports that end in the first 4 KiB: the head, up to a character it cuts in two.
        let short = write(
            "short.go",
            &format!("package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n{body}"),
        );
        let head = import_head(&short).unwrap();
        assert!(head.len() <= 4096 && head.len() < std::fs::metadata(&short).unwrap().len() as usize);
        assert_eq!(go_imports(std::str::from_utf8(&head).unwrap()), ["fmt", "os"]);
        let cut = write(
            "cut.go",
            &format!("package p\nimport \"fmt\"\n\nfunc f() {{}}\n{}", "// é\n".repeat(1000)),
        );
        // The head's last character, é, is cut after its first byte (36 bytes, then 676 lines of 6).
        let head = import_head(&cut).unwrap();
        assert_eq!(head.len(), 4095);
        assert_eq!(go_imports(std::str::from_utf8(&head).unwrap()), ["fmt"]);
        // A comment that runs past the head, then imports: the whole file.
        let late = format!("// {}\npackage p\n\nimport \"late\"\n{body}", "x".repeat(5000));
        let late_path = write("late.go", &late);
        assert_eq!(import_head(&late_path).unwrap(), late.as_bytes());
        // An import block the head ends in: the whole file.
        let specs: String = (0..400).map(|i| format!("\t\"example.com/p{i}\"\n")).collect();
        let long = format!("package p\n\nimport (\n{specs})\n{body}");
        let long_path = write("long.go", &long);
        assert_eq!(
            go_imports(std::str::from_utf8(&import_head(&long_path).unwrap()).unwrap()).len(),
            400
        );
        // A file shorter than a head: all of it.
        assert_eq!(import_head(&write("tiny.go", "package p\n")).unwrap(), b"package p\n");
    }

    #[test]
    fn import_declarations_are_read_without_parsing() {
        let src = "// Copyright\n/* x */ package klog // c\n\nimport \"flag\"\nimport (\n\t\"bufio\" // b\n\tgo \"fmt\"\n\t_ \"embed\"; . `os`\n)\n\nfunc f() { import_ := 1 }\n";
        assert_eq!(go_imports(src), ["flag", "bufio", "fmt", "embed", "os"]);
        assert!(go_imports("package p\n\nfunc main() {}\n").is_empty());
        assert!(go_imports("not go").is_empty());
        let files = [
            ("vendor/k8s.io/klog/v2/klog.go", "package klog\nimport (\n\"flag\"\n)\n"),
            ("vendor/k8s.io/klog/v2/other.go", "package klog\n"),
            (
                "vendor/github.com/spf13/pflag/golangflag.go",
                "package pflag\nimport goflag \"flag\"\n",
            ),
            ("vendor/github.com/x/y/y.go", "package y\nimport \"fmt\"\n"),
        ];
        let dirs = vendor_imports(files.iter().map(|(p, t)| (*p, t.as_bytes()))).support;
        assert_eq!(dirs.into_iter().collect::<Vec<_>>(), ["vendor/k8s.io/klog/v2"]);
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
