//! The scan cache: lowered file syntax keyed by the hash of the file's content, so a second scan of an
//! unchanged tree parses nothing, and a file that is the same in both revisions of a diff is parsed once. One
//! cache file per scanned root (both revisions of a diff share one); a corrupt, truncated or old-version file is
//! ignored and rebuilt.
//!
//! The file is the format line, then one record per file: the content hash (32 bytes), the length of the
//! encoded syntax (u32, little-endian), a check of the encoded syntax (16 bytes of its hash), and the syntax
//! (bincode). A record is decoded only when a file asks for it, by the worker that scans that file, and only if its
//! check holds; a record used again is written back as the bytes it was read as.

use crate::HashMap;
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use bincode::Options;
use rayon::prelude::*;

use crate::syntax::FileSyntax;

/// The cache's format: the crate version and a hash of the code that produces the cached facts, so facts
/// lowered by other code are never read as current.
fn format_id() -> String {
    let code = [
        include_str!("lower/mod.rs"),
        include_str!("syntax.rs"),
        include_str!("platform.rs"),
        include_str!("skim.rs"),
    ]
    .concat();
    format!(
        "kubewalk-scan-cache/2/{}/{}",
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

/// Where a record's encoded syntax lies.
struct Slot {
    /// In the records added by this run, rather than in those read from the file.
    added: bool,
    start: usize,
    len: usize,
    /// Some file of this run used the record: it is written back.
    used: AtomicBool,
}

pub struct Cache {
    /// The cache file; `None` for a cache that lives only as long as the run.
    path: Option<PathBuf>,
    /// The format line, with the body query's fingerprint: facts kept for another query are not these facts.
    format: String,
    /// The records read from the file, and those added by this run.
    read: Vec<u8>,
    added: Vec<u8>,
    slots: HashMap<ContentHash, Slot>,
}

/// The content hash, the length, the check.
const HEADER: usize = 32 + 4 + 16;

fn check(bytes: &[u8]) -> [u8; 16] {
    blake3::hash(bytes).as_bytes()[..16]
        .try_into()
        .expect("a hash has 32 bytes")
}

impl Cache {
    /// The cache of a scan of `roots` (one folder, a repository, or the two folders of a diff) in `dir`; empty
    /// when there is none or it cannot be read.
    pub fn load(dir: &Path, roots: &[&Path], query_fingerprint: &str) -> Cache {
        let mut key = blake3::Hasher::new();
        for root in roots {
            let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            key.update(root.to_string_lossy().as_bytes());
            key.update(b"\0");
        }
        let key = key.finalize().to_hex();
        let mut cache = Cache::in_memory(query_fingerprint);
        let path = dir.join(format!("scan-{}.bin", &key[..16]));
        if let Some((read, slots)) = read_records(&path, &cache.format) {
            cache.read = read;
            cache.slots = slots;
        }
        cache.path = Some(path);
        cache
    }

    /// A cache that is never written: the two revisions of a diff without a cache folder still share parsed files.
    pub fn in_memory(query_fingerprint: &str) -> Cache {
        Cache {
            path: None,
            format: format!("{}/{query_fingerprint}", format_id()),
            read: Vec::new(),
            added: Vec::new(),
            slots: HashMap::default(),
        }
    }

    /// The records a slot points into.
    fn records(&self, slot: &Slot) -> &[u8] {
        if slot.added {
            &self.added
        } else {
            &self.read
        }
    }

    /// A record's encoded syntax; a record read from the file is checked first, and is empty when it fails.
    fn record(&self, slot: &Slot) -> &[u8] {
        let bytes = &self.records(slot)[slot.start..slot.start + slot.len];
        if slot.added {
            return bytes;
        }
        let sum = &self.read[slot.start - 16..slot.start];
        if check(bytes) == sum {
            bytes
        } else {
            &[]
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The syntax of a file with this content, when the cache holds a record of it that is whole.
    pub fn get(&self, hash: &ContentHash) -> Option<FileSyntax> {
        let slot = self.slots.get(hash)?;
        let syntax = decode(self.record(slot)).ok()?;
        slot.used.store(true, Ordering::Relaxed);
        Some(syntax)
    }

    /// Adds the syntax of files this run parsed, as whole records. Encoding and checks run in parallel, in the
    /// current rayon pool.
    pub fn add(&mut self, entries: &[(ContentHash, Entry)]) -> Result<()> {
        let mut fresh: Vec<(ContentHash, Entry)> = entries
            .iter()
            .filter(|(hash, _)| !self.slots.get(hash).is_some_and(|s| s.added))
            .copied()
            .collect();
        // Two files with the same content, parsed at once, give one record.
        fresh.sort_by_key(|(hash, _)| *hash);
        fresh.dedup_by_key(|(hash, _)| *hash);
        let records: Vec<(usize, Vec<u8>)> = fresh
            .par_iter()
            .map(|(hash, entry)| {
                let bytes = match entry {
                    Entry::Syntax(syntax) => Cow::Owned(encode(syntax).context("cannot encode the scan cache")?),
                    Entry::Encoded(bytes) => Cow::Borrowed(*bytes),
                };
                let len = u32::try_from(bytes.len()).context("a cache record over 4 GiB")?;
                let record = [&hash.0[..], &len.to_le_bytes(), &check(&bytes), &bytes].concat();
                Ok((bytes.len(), record))
            })
            .collect::<Result<_>>()?;
        for ((hash, _), (len, record)) in fresh.iter().zip(records) {
            let slot = Slot {
                added: true,
                start: self.added.len() + HEADER,
                len,
                used: AtomicBool::new(true),
            };
            self.added.extend_from_slice(&record);
            self.slots.insert(*hash, slot);
        }
        Ok(())
    }

    /// Replaces the cache file with the records this run used, atomically: entries of files that are gone do not
    /// pile up. Does nothing for an in-memory cache, or when the file would not change.
    pub fn write(&self) -> Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        let mut kept: Vec<&Slot> = self.slots.values().filter(|s| s.used.load(Ordering::Relaxed)).collect();
        if kept.iter().all(|s| !s.added) && kept.len() == self.slots.len() {
            return Ok(());
        }
        kept.sort_by_key(|s| (s.added, s.start));
        let dir = path.parent().context("the cache path has a folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let file = std::fs::File::create(&tmp).with_context(|| format!("{}: cannot create", tmp.display()))?;
        let mut out = std::io::BufWriter::new(file);
        out.write_all(self.format.as_bytes())?;
        out.write_all(b"\n")?;
        // A record read is used only if its check held: it goes back as it was read, like those added.
        for slot in kept {
            out.write_all(&self.records(slot)[slot.start - HEADER..slot.start + slot.len])?;
        }
        out.flush()
            .with_context(|| format!("{}: cannot write", tmp.display()))?;
        drop(out);
        std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot replace", path.display()))?;
        Ok(())
    }
}

/// The records of a cache file, or `None` when it is missing, of another format, or cut short.
fn read_records(path: &Path, format: &str) -> Option<(Vec<u8>, HashMap<ContentHash, Slot>)> {
    let bytes = std::fs::read(path).ok()?;
    if !bytes.starts_with(format.as_bytes()) || bytes.get(format.len()) != Some(&b'\n') {
        return None;
    }
    let mut at = format.len() + 1;
    let mut slots = HashMap::default();
    while at < bytes.len() {
        let header = bytes.get(at..at + HEADER)?;
        let hash = ContentHash(header[..32].try_into().ok()?);
        let len = u32::from_le_bytes(header[32..36].try_into().ok()?) as usize;
        let start = at + HEADER;
        bytes.get(start..start + len)?;
        let slot = Slot {
            added: false,
            start,
            len,
            used: AtomicBool::new(false),
        };
        slots.insert(hash, slot);
        at = start + len;
    }
    Some((bytes, slots))
}

/// Encoding options; the size limit keeps a corrupt length inside a record from asking for unbounded memory.
fn options() -> impl bincode::Options {
    bincode::DefaultOptions::new().with_limit(1 << 30)
}

/// A file's syntax to add to the cache: as lowered, or already encoded (by [`encode`], for a diff's side that
/// waited its turn packed).
#[derive(Clone, Copy)]
pub enum Entry<'a> {
    Syntax(&'a FileSyntax),
    Encoded(&'a [u8]),
}

/// A file's syntax as the bytes of a cache record.
pub fn encode(syntax: &FileSyntax) -> bincode::Result<Vec<u8>> {
    options().serialize(syntax)
}

/// A file's syntax from the bytes of a cache record.
pub fn decode(bytes: &[u8]) -> bincode::Result<FileSyntax> {
    options().deserialize(bytes)
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
