use std::process::Command;

#[test]
fn the_program_names_a_positive_worker_count() {
    let output = Command::new(env!("CARGO_BIN_EXE_mp-cpu-count")).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let count = stdout
        .strip_prefix("starting ")
        .and_then(|rest| rest.strip_suffix(" worker processes\n"))
        .and_then(|number| number.parse::<usize>().ok());
    assert!(
        matches!(count, Some(1..)),
        "expected \"starting N worker processes\" with N at least 1, got {stdout:?}"
    );
}
