//! Arbitrary bytes through parsing, lowering, the model and the topics: see `kubewalk::invariants`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kubewalk::invariants::check(data));
