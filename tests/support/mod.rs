pub mod godump;

/// Whether Go's toolchain is here, for the tests that compare kubewalk with Go. Without `go` such a test says so
/// in one line and passes; with `KUBEWALK_REQUIRE_GO` set (CI sets it, having installed Go) a missing Go fails it.
#[allow(dead_code)]
pub fn have_go(test: &str) -> bool {
    let found = std::process::Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("KUBEWALK_REQUIRE_GO").is_none(),
            "{test}: KUBEWALK_REQUIRE_GO is set but `go` is not on PATH"
        );
        eprintln!("{test}: skipped, Go is not installed (apt-get install golang-go to run it)");
    }
    found
}

/// The kubewalk binary, kept away from the user's cache.
#[allow(dead_code)]
pub fn kubewalk() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("kubewalk").unwrap();
    cmd.env(
        "KUBEWALK_CACHE_DIR",
        std::env::temp_dir().join("kubewalk-test-cache-unused"),
    );
    cmd
}
