//! kubewalk: maps the subsystems of a Kubernetes source tree from its Go sources and writes walkthroughs.

pub mod cache;
pub mod cli;
pub mod code;
pub mod consteval;
pub mod diff;
pub mod eval;
pub mod git;
pub mod invariants;
pub mod lower;
pub mod model;
pub mod parse;
pub mod platform;
pub mod render;
pub mod scan;
pub mod scanner;
pub mod skim;
pub mod sources;
pub mod syntax;
pub mod topics;
pub mod walk;

/// The hash map of every table kubewalk keeps (names, paths, ids, texts), with foldhash's hasher in place of std's
/// SipHash, which took 2% of a site's time after the scan (v1.20.2): the keys are the tree's own names, hashed per
/// process with a random seed, so SipHash's resistance to chosen collisions buys nothing here.
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// The set of [`HashMap`]'s hasher.
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
