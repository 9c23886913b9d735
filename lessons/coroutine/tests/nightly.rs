//! The nightly-only twin of `print-name` (`nightly/print_name.rs`, quoted in
//! the chapter), compiled and run with a nightly toolchain. Ignored by
//! default, since CI and most learners have stable Rust only:
//!
//! ```sh
//! cargo test -p coroutine --test nightly -- --ignored
//! ```

use std::path::PathBuf;
use std::process::Command;

#[test]
#[ignore = "needs a nightly toolchain (rustup toolchain install nightly); run with --ignored"]
fn the_nightly_coroutine_prints_what_the_stable_state_machine_prints() {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("nightly/print_name.rs");
    let binary = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("print_name_nightly");
    let compiled = Command::new("rustc")
        .args(["+nightly", "--edition", "2024", "-D", "warnings", "-o"])
        .arg(&binary)
        .arg(&source)
        .output()
        .expect("rustup's rustc, to pick the nightly toolchain");
    assert!(compiled.status.success(), "{}", String::from_utf8_lossy(&compiled.stderr));
    let ran = Command::new(&binary).output().unwrap();
    assert!(ran.status.success());
    assert_eq!(
        String::from_utf8(ran.stdout).unwrap(),
        "Searching prefix:Dear\nDear James\nClosing coroutine!!\n"
    );
}
