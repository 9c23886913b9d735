//! The real `coroutine` binary, run as a learner runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in};

fn coroutine() -> Command {
    let mut command = Command::cargo_bin("coroutine").unwrap();
    // Tests see plain text whatever the environment says about colors, and
    // a panic message without a backtrace whatever the developer's setting.
    command
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("RUST_BACKTRACE")
        .env("COLUMNS", "80");
    command
}

/// Runs the command, checks it succeeded, returns (stdout, stderr).
fn output_of(command: &mut Command) -> (String, String) {
    let output = command.output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{:?}\n{stderr}", output.status);
    (String::from_utf8(output.stdout).unwrap(), stderr)
}

fn stdout_of(command: &mut Command) -> String {
    let (stdout, stderr) = output_of(command);
    assert_eq!(stderr, "");
    stdout
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(coroutine().arg("--help"));
    let lesson = course::catalog::lesson("coroutine").unwrap();
    let listed = examples_in(&help);
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(listed, expected);
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    let common = |example: &str| {
        let flags = flags_in(&stdout_of(coroutine().args([example, "--help"])));
        ["--seed", "--timeline", "--instant", "--color"]
            .into_iter()
            .filter(|flag| flags.iter().any(|f| f == flag))
            .collect::<Vec<_>>()
    };
    // Nothing random, nothing on a virtual clock; only the loop has a chart.
    for example in ["print-name", "generator", "hand-polled"] {
        assert_eq!(common(example), ["--color"], "{example}");
    }
    assert_eq!(common("event-loop"), ["--timeline", "--color"]);
    coroutine().args(["event-loop", "--seed", "3"]).assert().code(2);
    coroutine().args(["print-name", "--timeline"]).assert().code(2);
}

#[test]
fn instant_is_refused_with_one_line_by_every_example() {
    for example in ["print-name", "generator", "hand-polled", "event-loop"] {
        let output = coroutine().args([example, "--instant"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{example}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{example}: one line: {stderr}");
        assert!(stderr.starts_with("error: --instant is not available here: "), "{stderr}");
        assert!(output.stdout.is_empty(), "{example}: nothing runs");
    }
}

#[test]
fn print_name_prints_the_seeds_three_lines_then_answers_misuse_with_errors() {
    let stdout = stdout_of(coroutine().arg("print-name"));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..3], ["Searching prefix:Dear", "Dear James", "Closing coroutine!!"]);
    assert_eq!(
        lines[4..].iter().filter(|line| line.contains(": Err(")).copied().collect::<Vec<_>>(),
        [
            "corou.send(\"Dear Jane\") before priming: Err(NotPrimed): the coroutine has not reached its `yield` yet: prime it first",
            "corou.prime() twice: Err(AlreadyPrimed): the coroutine is already paused at its `yield`: send it a name",
            "corou.send(\"Dear Jane\") after close(): Err(Closed): the coroutine is closed: nothing can resume it",
        ]
    );
    // The coroutine that was sent "Dear Jane" too early never printed it.
    assert!(!stdout.contains("\nDear Jane\n"), "{stdout}");
}

#[test]
fn generator_resumes_after_the_lost_number_then_with_it() {
    let stdout = stdout_of(coroutine().arg("generator"));
    assert!(stdout.contains("next(e), next(e), next(e) = (6, 9, 8)"), "{stdout}");
    assert_eq!(stdout.matches("paused at a total of 107; resumed: (7, 6, 9)").count(), 3, "{stdout}");
}

#[test]
fn hand_polled_shows_every_poll_and_the_sizes() {
    let stdout = stdout_of(coroutine().arg("hand-polled"));
    assert!(stdout.contains("poll 4: Ready(42)\nPending 3 times, then Ready(42)."), "{stdout}");
    assert_eq!(stdout.matches("  a → Ready(20)\n  b → Pending\npoll 3: Pending\n").count(), 2, "{stdout}");
    assert!(stdout.contains("size_of_val(&both()) = "), "{stdout}");
}

#[test]
fn event_loop_runs_count_on_both_loops_and_survives_a_panic() {
    let (stdout, stderr) = output_of(coroutine().args(["event-loop", "--timeline"]));
    let words: Vec<&str> = stdout.lines().filter(|line| *line == "One" || *line == "Two").collect();
    assert_eq!(words, ["One", "One", "One", "Two", "Two", "Two"].repeat(2), "{stdout}");
    assert_eq!(stdout.matches("count executed in 1.0").count(), 2, "{stdout}");
    assert!(
        stdout.contains(
            "The loop made 6 polls of 3 tasks after 3 wake-ups; 3 timers, at most 3 waiting at once"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("The timers asked for 3.00 s of sleep in all"), "{stdout}");
    assert!(stdout.contains("broken(): Err: task 2 panicked: broken() gives up half-way"), "{stdout}");
    assert!(stdout.contains("nap(3): Ok(3)"), "{stdout}");
    assert!(stdout.contains("3 tasks spawned, 2 finished, 1 panicked"), "{stdout}");
    // The panic hook's own report, then the program goes on to its end.
    assert!(stderr.contains("panicked at") && stderr.contains("broken() gives up half-way"), "{stderr}");
    // Three charts: both loops' counters, and the panic drawn as abandoned.
    for heading in
        ["The home-made loop: 3 rows", "tokio's current-thread runtime: 3 rows", "A task that panics: 3 rows"]
    {
        assert!(stdout.contains(heading), "{heading}\n{stdout}");
    }
    let broken = stdout.lines().find(|line| line.starts_with("broken() │")).unwrap();
    assert!(broken.contains('░') && !broken.contains('█'), "{broken}");
}

/// The panic demonstration says the same whatever the learner's
/// `RUST_BACKTRACE`: its own hook prints one line, no backtrace.
#[test]
fn the_panic_demonstration_does_not_depend_on_rust_backtrace() {
    let stderr_with = |backtrace: Option<&str>| {
        let mut command = coroutine();
        command.arg("event-loop");
        if let Some(value) = backtrace {
            command.env("RUST_BACKTRACE", value);
        }
        output_of(&mut command).1
    };
    let plain = stderr_with(None);
    assert_eq!(
        plain,
        "panic hook: a task panicked at lessons/coroutine/src/event_loop.rs:126: broken() gives up half-way\n"
    );
    for value in ["1", "full"] {
        assert_eq!(stderr_with(Some(value)), plain, "RUST_BACKTRACE={value}");
    }
}

#[test]
fn bad_arguments_get_clap_errors_not_panics() {
    for bad in [&["no-such-example"][..], &["print-name", "extra"], &["hand-polled", "--pending", "3"]] {
        coroutine()
            .args(bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:").and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn colors_follow_the_flag() {
    let always = stdout_of(coroutine().args(["print-name", "--color", "always"]));
    assert!(always.contains("\u{1b}["), "--color always must color the headings");
    let piped = stdout_of(coroutine().arg("print-name"));
    assert!(!piped.contains('\u{1b}'), "auto must not color a pipe");
}

/// `/dev/full` accepts nothing: every write fails with "no space left".
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_ends_with_one_line_and_exit_code_1() {
    for example in ["print-name", "generator", "hand-polled"] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("coroutine"))
            .arg(example)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(1), "{example}: {stderr}");
        assert_eq!(stderr, "error: cannot write to standard output: No space left on device (os error 28)\n");
    }
}
