//! Trees straight from a git object database: the files a scan would read at a revision, without a checkout.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::walk::{module_path, skips_dir, takes_file, Content, Module, SourceFile, WalkOptions, Walked};

/// Blobs already read, by object id: a file that is the same in two revisions is read (and, through the scan
/// cache, parsed) once.
#[derive(Default)]
pub struct BlobStore {
    blobs: Mutex<HashMap<gix::ObjectId, Arc<[u8]>>>,
}

/// What a file of the tree is to the scan.
#[derive(Clone, Copy, PartialEq)]
enum Wanted {
    Go,
    GoMod,
    /// A `.go` file of `vendor/`, scanned when its package registers flags (`walk::VendorImports`).
    Vendor,
}

/// A file's path, its bytes, and what it is.
type ReadBlob = (String, Arc<[u8]>, Wanted);

/// The Go files and `go.mod` files of `rev` in the repository at `repo`, as a walk of a checkout would list them.
pub fn walk_revision(repo: &Path, rev: &str, options: WalkOptions, store: &BlobStore) -> Result<Walked> {
    let repository = gix::open(repo).with_context(|| format!("{}: not a git repository", repo.display()))?;
    let id = repository
        .rev_parse_single(rev)
        .map_err(|e| anyhow::anyhow!("{}: no revision {rev:?}: {e}", repo.display()))?;
    let tree = id
        .object()
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| anyhow::anyhow!("{}: {rev:?} does not name a tree: {e}", repo.display()))?;
    let tree_id = tree.id;
    let entries = tree
        .traverse()
        .breadthfirst
        .files()
        .with_context(|| format!("{}: cannot read the tree of {rev:?}", repo.display()))?;
    let mut wanted: Vec<(String, gix::ObjectId, Wanted)> = Vec::new();
    let with_vendor = WalkOptions {
        include_vendor: true,
        ..options
    };
    for entry in entries {
        if !entry.mode.is_blob() {
            continue;
        }
        let path = entry.filepath.to_string();
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
        if dir.split('/').any(|d| !d.is_empty() && skips_dir(d, options)) {
            let vendored = !options.include_vendor
                && path.starts_with("vendor/")
                && !dir.split('/').any(|d| !d.is_empty() && skips_dir(d, with_vendor));
            if vendored && takes_file(name, WalkOptions::default()) {
                wanted.push((path.clone(), entry.oid, Wanted::Vendor));
            }
            continue;
        }
        if name == "go.mod" {
            wanted.push((path.clone(), entry.oid, Wanted::GoMod));
        } else if takes_file(name, options) {
            wanted.push((path.clone(), entry.oid, Wanted::Go));
        }
    }
    if !wanted.iter().any(|w| w.2 != Wanted::Vendor) {
        bail!("{}: no Go files at {rev:?}", repo.display());
    }
    // Blobs are inflated in parallel, each worker with its own repository handle (a handle stays on one
    // thread without gix's `parallel` feature). A blob already read for the other revision is not read again.
    let read: Vec<Result<ReadBlob>> = wanted
        .into_par_iter()
        .with_min_len(32)
        .map_init(
            || gix::open(repo),
            |handle, (path, oid, kind)| {
                if let Some(bytes) = store.blobs.lock().unwrap_or_else(|e| e.into_inner()).get(&oid) {
                    return Ok((path, bytes.clone(), kind));
                }
                let handle = handle
                    .as_ref()
                    .map_err(|e| anyhow::anyhow!("{}: {e}", repo.display()))?;
                let blob = handle
                    .find_object(oid)
                    .with_context(|| format!("{path}: cannot read blob {oid}"))?;
                let bytes: Arc<[u8]> = Arc::from(blob.data.as_slice());
                store
                    .blobs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(oid, bytes.clone());
                Ok((path, bytes, kind))
            },
        )
        .collect();
    let mut walked = Walked::default();
    let mut vendored = Vec::new();
    for item in read {
        let (path, bytes, kind) = item?;
        if kind == Wanted::Vendor {
            vendored.push((path, bytes));
            continue;
        }
        if kind == Wanted::GoMod {
            if let Some(module) = module_path(&String::from_utf8_lossy(&bytes)) {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                walked.modules.push(Module { dir, path: module });
            }
            continue;
        }
        walked.files.push(SourceFile {
            path,
            size: bytes.len() as u64,
            content: Content::Memory(bytes),
        });
    }
    let crate::walk::VendorImports { support, imports } =
        crate::walk::vendor_imports(vendored.iter().map(|(p, b)| (p.as_str(), &b[..])));
    for (path, bytes) in vendored {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        if support.contains(dir) && (options.include_tests || !path.ends_with("_test.go")) {
            walked.files.push(SourceFile {
                path,
                size: bytes.len() as u64,
                content: Content::Memory(bytes),
            });
        }
    }
    walked.support = support.into_iter().collect();
    walked.files.sort_by(|a, b| a.path.cmp(&b.path));
    walked.modules.sort_by(|a, b| a.dir.cmp(&b.dir));
    walked.sources = crate::sources::Sources::git(repo.to_path_buf(), tree_id, imports);
    Ok(walked)
}
