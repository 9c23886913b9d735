use std::process::Command;

#[test]
fn a_failed_child_is_reported_and_fails_the_parent() {
    let output = Command::new(env!("CARGO_BIN_EXE_mp-exit-status")).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = "child Atlantis failed with exit code 3\nsome children failed\n";
    assert_eq!(
        stdout, expected,
        "the program printed\n{stdout}\nbut it should print\n{expected}\n\
         (waiting for a child gives its exit status: look at it)"
    );
    assert_eq!(output.status.code(), Some(1), "the parent must exit with code 1 when a child failed");
}
