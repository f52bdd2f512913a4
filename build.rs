//! Links the `kubewalk` binary with `--wrap=memcmp` on Linux with glibc: see `__wrap_memcmp` in src/main.rs.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,--wrap=memcmp");
    }
}
