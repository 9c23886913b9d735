use std::process::Command;

#[test]
fn the_program_says_it_saved_both_notes() {
    let output = Command::new(env!("CARGO_BIN_EXE_aio-await-future")).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let expected = "saved: groceries\nsaved: homework\nall saved\n";
    assert_eq!(
        stdout, expected,
        "the program printed\n{stdout}\nbut it should print\n{expected}\n\
         (a future that is created but never awaited does nothing)"
    );
}
