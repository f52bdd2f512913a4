//! kubewalk's integration tests, in one binary: as separate binaries each linked the whole crate and its
//! dependencies again.

mod support;

mod cli;
mod diff;
mod differential;
mod helpwalk;
mod invariants;
mod lower;
mod model;
mod reparse;
mod site;
mod skim;
mod topics;
