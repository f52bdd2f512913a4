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

/// A main package that runs `pkg/ctl`'s command tree.
#[allow(dead_code)]
pub const CTL_MAIN: &str =
    "package main\n\nimport \"k8s.io/kubernetes/pkg/ctl\"\n\nfunc main() {\n\tctl.NewCtlCommand().Execute()\n}\n";

/// Writes a file of a tree made by a test, with its folders.
#[allow(dead_code)]
pub fn write_file(root: &std::path::Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A tree in which two binaries, `cmd/checker` and `cmd/ctl`, build the command tree of `pkg/ctl`, whose file is
/// `ctl_go` (as cmd/clicheck and cmd/kubectl build kubectl's).
#[allow(dead_code)]
pub fn write_ctl_tree(root: &std::path::Path, ctl_go: &str) {
    write_file(root, "go.mod", "module k8s.io/kubernetes\n\ngo 1.20\n");
    write_file(root, "cmd/checker/main.go", CTL_MAIN);
    write_file(root, "cmd/ctl/main.go", CTL_MAIN);
    write_file(root, "pkg/ctl/ctl.go", ctl_go);
}
