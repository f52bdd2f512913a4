pub mod godump;

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
