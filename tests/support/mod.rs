//! What the cross-lesson tests share: the lesson binaries, built and found.
//!
//! A test of the root package runs the lessons' binaries, which are other
//! packages of the workspace: `cargo test --workspace` builds them all
//! before any test runs, but `cargo test --test flags` builds only this
//! package. So the first test to ask for a lesson builds every built
//! lesson once, with the cargo that runs the tests (a no-op when they are
//! fresh), and runs the binaries from the same target directory.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use course::catalog::LESSONS;

/// The directory the binaries are in (`target/debug`): the test binary's
/// own directory is `target/debug/deps`.
fn binaries() -> PathBuf {
    let test = std::env::current_exe().expect("the test binary's path");
    test.parent().and_then(|deps| deps.parent()).expect("target/debug/deps").to_path_buf()
}

/// Builds every built lesson's binary, once per test run.
fn build_lessons() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["build", "--quiet", "--bins"]);
        for lesson in LESSONS.iter().filter(|lesson| lesson.built) {
            cargo.args(["-p", lesson.name]);
        }
        if std::env::var_os("CARGO_BUILD_TARGET").is_none() && cfg!(not(debug_assertions)) {
            cargo.arg("--release");
        }
        let status = cargo.status().expect("cannot run cargo to build the lessons");
        assert!(status.success(), "building the lessons failed: {status}");
    });
}

/// A command for `lesson`'s binary, colors off, `RUST_BACKTRACE` unset,
/// in a fresh temporary directory (examples may write files).
pub(crate) fn lesson(name: &str) -> Command {
    build_lessons();
    let path = binaries().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let mut command = Command::new(path);
    command.env("NO_COLOR", "1").env_remove("RUST_BACKTRACE").env_remove("REDIS_URL");
    command.current_dir(scratch());
    command
}

/// A directory of its own for one command, in cargo's scratch space for
/// integration tests (`target/tmp`), under a folder for this test binary
/// that its first call empties: runs leave no folders in the system's
/// temporary directory, and one run's folders go with the next run.
fn scratch() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static BASE: OnceLock<PathBuf> = OnceLock::new();
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = BASE.get_or_init(|| {
        let test = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.file_stem()?.to_string_lossy().into_owned()));
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scratch").join(test.unwrap_or_default());
        let _ = std::fs::remove_dir_all(&base);
        base
    });
    let dir = base.join(NEXT.fetch_add(1, Ordering::Relaxed).to_string());
    std::fs::create_dir_all(&dir).expect("cannot make a scratch directory");
    dir
}

/// Runs `command` with `stdin` as its input and returns (exit code, stdout, stderr).
pub(crate) fn run(mut command: Command, stdin: &str) -> (Option<i32>, String, String) {
    // Generous: the slowest command here runs for seconds, not minutes.
    let output =
        shared::testing::cli::output_with_input(&mut command, stdin.as_bytes(), Duration::from_secs(300));
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `lesson args...`, run with empty stdin; panics with its output unless it exits 0.
pub(crate) fn stdout_of(name: &str, args: &[&str]) -> String {
    let mut command = lesson(name);
    command.args(args);
    let (code, stdout, stderr) = run(command, "");
    assert_eq!(code, Some(0), "{name} {args:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
    stdout
}
