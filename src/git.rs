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

/// A file's path, its bytes, and whether it is a `go.mod`.
type ReadBlob = (String, Arc<[u8]>, bool);

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
    let entries = tree
        .traverse()
        .breadthfirst
        .files()
        .with_context(|| format!("{}: cannot read the tree of {rev:?}", repo.display()))?;
    let mut wanted: Vec<(String, gix::ObjectId, bool)> = Vec::new();
    for entry in entries {
        if !entry.mode.is_blob() {
            continue;
        }
        let path = entry.filepath.to_string();
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
        if dir.split('/').any(|d| !d.is_empty() && skips_dir(d, options)) {
            continue;
        }
        let is_mod = name == "go.mod";
        if is_mod || takes_file(name, options) {
            wanted.push((path.clone(), entry.oid, is_mod));
        }
    }
    if wanted.is_empty() {
        bail!("{}: no Go files at {rev:?}", repo.display());
    }
    // Blobs are inflated in parallel, each worker with its own repository handle (a handle stays on one
    // thread without gix's `parallel` feature). A blob already read for the other revision is not read again.
    let read: Vec<Result<ReadBlob>> = wanted
        .into_par_iter()
        .with_min_len(32)
        .map_init(
            || gix::open(repo),
            |handle, (path, oid, is_mod)| {
                if let Some(bytes) = store.blobs.lock().unwrap_or_else(|e| e.into_inner()).get(&oid) {
                    return Ok((path, bytes.clone(), is_mod));
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
                Ok((path, bytes, is_mod))
            },
        )
        .collect();
    let mut walked = Walked::default();
    for item in read {
        let (path, bytes, is_mod) = item?;
        if is_mod {
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
    walked.files.sort_by(|a, b| a.path.cmp(&b.path));
    walked.modules.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(walked)
}
