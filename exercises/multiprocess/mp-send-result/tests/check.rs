use std::process::Command;

#[test]
fn the_parent_prints_the_squares_its_children_computed() {
    let output = Command::new(env!("CARGO_BIN_EXE_mp-send-result")).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = "2 squared is 4\n4 squared is 16\n";
    assert_eq!(
        stdout, expected,
        "the program printed\n{stdout}\nbut it should print\n{expected}\n\
         (a child process has its own memory: only what it sends comes back)"
    );
}
