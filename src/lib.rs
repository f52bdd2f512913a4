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
