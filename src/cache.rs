//! The scan cache: lowered file syntax keyed by the hash of the file's content, so a second scan of an
//! unchanged tree parses nothing. One cache file per scanned root; a corrupt, truncated or old-version file is
//! ignored and rebuilt.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use bincode::Options;

use crate::syntax::FileSyntax;

/// The cache's format: the crate version and a hash of the code that produces the cached facts, so facts
/// lowered by other code are never read as current.
fn format_id() -> String {
    let code = [
        include_str!("lower.rs"),
        include_str!("syntax.rs"),
        include_str!("platform.rs"),
    ]
    .concat();
    format!(
        "kubewalk-scan-cache/{}/{}",
        env!("CARGO_PKG_VERSION"),
        &blake3::hash(code.as_bytes()).to_hex()[..16]
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(*blake3::hash(bytes).as_bytes())
    }
}

pub struct Cache {
    path: PathBuf,
    /// `FORMAT` and the body query's fingerprint: facts kept for another query are not these facts.
    format: String,
    /// How many entries the cache file held when it was read.
    loaded: usize,
    /// Entries are taken out as files use them, so a cached scan holds each file's syntax once.
    entries: Mutex<HashMap<[u8; 32], FileSyntax>>,
}

impl Cache {
    /// The cache of `root` in `dir`; empty when there is none or it cannot be read.
    pub fn load(dir: &Path, root: &Path, query_fingerprint: &str) -> Cache {
        let format = format!("{}/{query_fingerprint}", format_id());
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let key = blake3::hash(root.to_string_lossy().as_bytes()).to_hex();
        let path = dir.join(format!("scan-{}.bin", &key[..16]));
        let entries = read_entries(&path, &format).unwrap_or_default();
        Cache {
            path,
            format,
            loaded: entries.len(),
            entries: Mutex::new(entries),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the syntax of a file out of the cache; a second file with the same content is parsed anew.
    pub fn take(&self, hash: &ContentHash) -> Option<FileSyntax> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(&hash.0)
    }

    /// Replaces the cache file with `entries`, atomically; does nothing when the file already holds exactly them.
    /// With `keep_unused`, entries read but not used this run are kept too: the two revisions of a diff share
    /// one cache, and each must find the other's files next time.
    pub fn store(&mut self, entries: &[(ContentHash, &FileSyntax)], hits: usize, keep_unused: bool) -> Result<()> {
        let unused = self.entries.get_mut().unwrap_or_else(|e| e.into_inner());
        let unused_count = if keep_unused { unused.len() } else { 0 };
        if hits == entries.len() && hits + unused_count == self.loaded {
            return Ok(());
        }
        let dir = self.path.parent().context("the cache path has a folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
        let fresh: std::collections::HashSet<&[u8; 32]> = entries.iter().map(|(h, _)| &h.0).collect();
        let mut payload: Vec<(&[u8; 32], &FileSyntax)> = entries.iter().map(|(h, s)| (&h.0, *s)).collect();
        if keep_unused {
            payload.extend(unused.iter().filter(|(h, _)| !fresh.contains(h)));
        }
        let body = options().serialize(&payload).context("cannot encode the cache")?;
        let tmp = self.path.with_extension(format!("tmp{}", std::process::id()));
        let mut file = std::fs::File::create(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
        file.write_all(self.format.as_bytes())?;
        file.write_all(b"\n")?;
        file.write_all(&body)?;
        drop(file);
        std::fs::rename(&tmp, &self.path).with_context(|| format!("{}: cannot replace", self.path.display()))?;
        Ok(())
    }
}

fn read_entries(path: &Path, format: &str) -> Option<HashMap<[u8; 32], FileSyntax>> {
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(format.as_bytes())?.strip_prefix(b"\n")?;
    let entries: Vec<([u8; 32], FileSyntax)> = options().deserialize(body).ok()?;
    Some(entries.into_iter().collect())
}

/// Encoding options; the size limit keeps a corrupt length prefix from asking for unbounded memory.
fn options() -> impl bincode::Options {
    bincode::DefaultOptions::new().with_limit(4 << 30)
}

/// The default cache folder: `$KUBEWALK_CACHE_DIR`, else `$XDG_CACHE_HOME/kubewalk`, else `~/.cache/kubewalk`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KUBEWALK_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("kubewalk"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache").join("kubewalk"))
}
