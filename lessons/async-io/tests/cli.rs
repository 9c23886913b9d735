//! The real `async-io` binary, run as a learner runs it.

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in, lines_where, success_stdout};
use shared::testing::input_worker::{Contract, assert_written};

fn async_io() -> Command {
    let mut command = Command::cargo_bin("async-io").unwrap();
    // Tests see plain text whatever the environment says about colors.
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("COLUMNS", "80");
    command
}

fn stdout_of(command: &mut Command) -> String {
    success_stdout(command.output().unwrap())
}

fn scratch(name: &str) -> PathBuf {
    shared::testing::cli::scratch(env!("CARGO_TARGET_TMPDIR"), name)
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(async_io().arg("--help"));
    let lesson = course::catalog::lesson("async-io").unwrap();
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(examples_in(&help), expected);
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    let common = |example: &str| {
        let help = stdout_of(async_io().args([example, "--help"]));
        let flags = flags_in(&help);
        ["--seed", "--timeline", "--instant", "--color"]
            .into_iter()
            .filter(|flag| flags.iter().any(|f| f == flag))
            .collect::<Vec<_>>()
    };
    // Only the examples that draw random numbers take a seed.
    assert_eq!(common("count"), ["--timeline", "--instant", "--color"]);
    assert_eq!(common("rand"), ["--seed", "--timeline", "--instant", "--color"]);
    assert_eq!(common("chain"), ["--seed", "--timeline", "--instant", "--color"]);
    assert_eq!(common("stream"), ["--timeline", "--instant", "--color"]);
    assert_eq!(common("read-file"), ["--timeline", "--instant", "--color"]);
    assert_eq!(common("input-worker"), ["--timeline", "--instant", "--color"]);
    // chess is on the virtual clock already: --instant would do nothing.
    assert_eq!(common("chess"), ["--timeline", "--color"]);
    async_io().args(["count", "--seed", "3"]).assert().code(2);
}

#[test]
fn count_prints_every_one_before_any_two_in_one_second() {
    let stdout = stdout_of(async_io().args(["count", "--instant"]));
    assert_eq!(
        stdout,
        "One\nOne\nOne\nTwo\nTwo\nTwo\ncount executed in 1.00 seconds of virtual time (paused clock, --instant).\n"
    );
}

/// A blocking sleep never yields, so each counter's `Two` comes before the
/// next counter's `One`: on the real clock, with nothing virtual to help.
#[test]
fn the_blocking_counters_never_let_each_other_run() {
    let stdout = stdout_of(async_io().args(["count", "--blocking"]));
    let words = lines_where(&stdout, |line| line == "One" || line == "Two");
    assert_eq!(words, ["One", "Two", "One", "Two", "One", "Two"]);
    assert!(stdout.contains("count executed in"), "{stdout}");
}

/// The rows of a chart, as `true` for a filled cell.
fn chart_rows(stdout: &str, label: &str) -> Vec<Vec<bool>> {
    stdout
        .lines()
        .filter(|line| line.starts_with(label) && line.contains('│'))
        .map(|line| line.split('│').nth(1).unwrap().chars().map(|cell| cell == '█').collect())
        .collect()
}

#[test]
fn the_async_timeline_draws_three_full_bars() {
    let stdout = stdout_of(async_io().args(["count", "--instant", "--timeline"]));
    let rows = chart_rows(&stdout, "count()");
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows.iter().all(|row| row.iter().all(|&filled| filled)), "{stdout}");
}

#[test]
fn the_sync_version_draws_a_staircase_on_the_real_clock() {
    let stdout = stdout_of(async_io().args(["count", "--sync", "--tasks", "2", "--timeline"]));
    let words = lines_where(&stdout, |line| line == "One" || line == "Two");
    assert_eq!(words, ["One", "Two", "One", "Two"]);
    let rows = chart_rows(&stdout, "count_sync()");
    assert_eq!(rows.len(), 2, "{stdout}");
    // Never both at once, and the first before the second.
    assert!(rows[0].iter().zip(&rows[1]).all(|(first, second)| !(*first && *second)), "{stdout}");
    assert!(rows[0][0] && *rows[1].last().unwrap(), "{stdout}");
}

#[test]
fn instant_is_refused_where_a_real_sleep_blocks() {
    for flag in ["--sync", "--blocking"] {
        let output = async_io().args(["count", flag, "--instant"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.starts_with("error: --instant is not available here"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn bad_numbers_get_clap_errors_not_panics() {
    for bad in [
        &["count", "--tasks", "abc"][..],
        &["count", "--tasks", "0"],
        &["count", "--tasks", "99999999999999999999"],
        &["count", "--tuned"],
        &["chain", "1", "x"],
        &["rand", "--seed", "-1"],
        &["stream", "--items", "65"],
        &["chess", "--speed", "10"],
        &["chess", "--realtime", "--instant"],
    ] {
        async_io()
            .args(bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:").and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let always = stdout_of(async_io().args(["count", "--instant", "--color", "always"]));
    assert!(always.contains("\u{1b}["), "--color always must color");
    let before_the_example = stdout_of(async_io().args(["--color", "always", "count", "--instant"]));
    assert_eq!(before_the_example, always);
    let piped = stdout_of(async_io().args(["count", "--instant"]));
    assert!(!piped.contains('\u{1b}'), "auto must not color a pipe");
    let no_color = stdout_of(async_io().args(["count", "--instant", "--color", "auto"]).env("NO_COLOR", "1"));
    assert!(!no_color.contains('\u{1b}'));
    let never =
        stdout_of(async_io().args(["count", "--instant", "--color", "never"]).env("CLICOLOR_FORCE", "1"));
    assert!(!never.contains('\u{1b}'));
}

#[test]
fn rand_output_is_the_same_for_the_same_seed() {
    let run = |seed: &str| stdout_of(async_io().args(["rand", "--instant", "--seed", seed]));
    let first = run("7");
    assert_eq!(first, run("7"));
    assert!(first.contains("r1: ") && first.contains("r3: "));
    assert!(["1", "2", "3", "4"].iter().any(|seed| run(seed) != first), "the seed changes nothing");
}

#[test]
fn runs_on_the_virtual_clock_print_the_same_text_every_time() {
    for example in [
        &["count", "--instant", "--timeline"][..],
        &["chain", "--instant", "--timeline", "4", "5"],
        &["stream", "--instant", "--timeline"],
        &["chess", "--timeline"],
        &["read-file", "--instant", "--timeline"],
    ] {
        assert_eq!(stdout_of(async_io().args(example)), stdout_of(async_io().args(example)), "{example:?}");
    }
}

#[test]
fn chain_prints_each_chain_and_the_total() {
    let stdout = stdout_of(async_io().args(["chain", "--instant", "9", "6", "3"]));
    for n in [9, 6, 3] {
        let chained = format!("-->Chained result{n} => result{n}-2 derived from result{n}-1");
        assert!(stdout.contains(&chained), "{stdout}");
    }
    assert!(stdout.contains("Program finished in"));
    // "1 seconds" would be a conclusion false for one value of the flag.
    assert!(!stdout.contains(" 1 seconds"), "{stdout}");
}

#[test]
fn read_file_without_demo_txt_says_file_not_found_between_hello_and_world() {
    let dir = scratch("read-file-missing");
    let stdout = stdout_of(async_io().args(["read-file", "--instant"]).current_dir(&dir));
    let lines = lines_where(&stdout, |line| !line.starts_with('('));
    assert_eq!(lines, ["hello", "File not found", "world"]);
    assert!(stdout.starts_with("(called func1() without .await"), "{stdout}");
}

#[test]
fn read_file_with_demo_txt_prints_its_contents() {
    let dir = scratch("read-file-present");
    std::fs::write(dir.join("demo.txt"), "Dear reader,\nhi.\n").unwrap();
    let stdout = stdout_of(async_io().args(["read-file", "--instant"]).current_dir(&dir));
    let lines = lines_where(&stdout, |line| !line.starts_with('('));
    assert_eq!(lines, ["hello", "Dear reader,", "hi.", "world"]);
}

/// Opening a FIFO waits for a writer; the example must not.
#[cfg(unix)]
#[test]
fn read_file_answers_at_once_when_demo_txt_is_a_fifo() {
    let dir = scratch("read-file-fifo");
    let status = std::process::Command::new("mkfifo").arg(dir.join("demo.txt")).status().unwrap();
    assert!(status.success());
    let stdout = stdout_of(
        async_io()
            .args(["read-file", "--instant"])
            .current_dir(&dir)
            .timeout(std::time::Duration::from_secs(30)),
    );
    assert!(stdout.contains("Cannot read demo.txt: it is not a regular file"), "{stdout}");
}

#[test]
fn stream_claims_concurrency_only_when_there_was_some() {
    let default = stdout_of(async_io().args(["stream", "--instant"]));
    assert!(default.contains("That is concurrency."), "{default}");
    for flags in [&["--concurrency", "1"][..], &["--items", "1"]] {
        let stdout = stdout_of(async_io().args(["stream", "--instant"]).args(flags));
        assert!(!stdout.contains("That is concurrency"), "{flags:?}: {stdout}");
        assert!(!stdout.contains("1 items") && !stdout.contains("1 slow jobs"), "{flags:?}: {stdout}");
    }
}

#[test]
fn chess_takes_twelve_hours_or_one_hour_and_fifty_five_seconds() {
    let chess = stdout_of(async_io().arg("chess"));
    assert!(chess.contains("Synchronous: the exhibition took 12:00:00 (43200 s)"), "{chess}");
    assert!(chess.contains("Asynchronous: the exhibition took 1:00:55 (3655 s)"), "{chess}");
}

#[test]
fn chess_draws_each_exhibition_in_a_chart_of_its_own() {
    let chess = stdout_of(async_io().args(["chess", "--timeline", "--boards", "3", "--moves", "2"]));
    let headings = lines_where(&chess, |line| line.ends_with("(virtual time)"));
    assert_eq!(
        headings,
        [
            "Synchronous exhibition: 3 rows over 0:06:00 (virtual time)",
            "Asynchronous exhibition: 3 rows over 0:02:10 (virtual time)"
        ]
    );
}

/// A chess run's output without the notes that say how it was played.
fn exhibition_times(stdout: &str) -> String {
    stdout
        .lines()
        .map(|line| {
            line.split(" (played live").next().unwrap().split(" (on the virtual").next().unwrap().to_string()
                + "\n"
        })
        .collect()
}

#[test]
fn chess_played_live_prints_the_times_of_the_virtual_run() {
    let scenario = ["chess", "--boards", "8", "--moves", "10"];
    let live = stdout_of(async_io().args(scenario).args(["--realtime", "--speed", "5000"]));
    let simulated = stdout_of(async_io().args(scenario));
    assert!(live.contains("(played live at 5000×") && simulated.contains("(on the virtual clock)"));
    assert_eq!(exhibition_times(&live), exhibition_times(&simulated));
}

/// `input-worker --instant [FLAGS]`, checked against what both ports of the
/// input-worker promise (`shared::testing::input_worker`).
fn contract(flags: &'static [&'static str]) -> Contract {
    Contract::new("async-io", env!("CARGO_TARGET_TMPDIR"), move |out| {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("async-io"));
        command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("COLUMNS", "80");
        command.args(["input-worker", "--instant"]).args(flags).arg("--out").arg(out);
        command
    })
}

#[test]
fn input_worker_writes_a_file_per_number_until_a_non_number() {
    contract(&[]).writes_a_file_per_number_until_a_non_number();
}

/// `--plain` runs the port the chapter shows first, on its own.
#[test]
fn the_plain_input_worker_runs_on_its_own() {
    let run = contract(&["--plain"]).run("plain", b"1\n2\nabc\n");
    assert_written(&run, &[1, 2]);
    let wrote = lines_where(&run.stdout, |line| line.starts_with("Worker: wrote"));
    assert_eq!(wrote.len(), 2, "{}", run.stdout);
}

#[test]
fn input_worker_stops_reading_at_eof() {
    contract(&[]).stops_reading_at_eof();
}

#[test]
fn input_worker_skips_invalid_utf8_and_over_long_lines_with_a_message() {
    contract(&[]).skips_invalid_utf8_and_over_long_lines();
}

#[test]
fn input_worker_refuses_a_number_too_large_to_sleep_on_and_goes_on() {
    contract(&[]).refuses_a_number_too_large_to_sleep_on();
}

#[test]
fn input_worker_with_no_input_at_all_still_ends_cleanly() {
    contract(&[]).ends_cleanly_with_no_input();
}

#[test]
fn input_worker_says_why_when_the_folder_cannot_be_made() {
    contract(&[]).says_why_when_the_folder_cannot_be_made();
}

#[test]
fn input_worker_exits_non_zero_when_a_file_cannot_be_written() {
    contract(&[]).exits_non_zero_when_a_file_cannot_be_written();
}

/// `/dev/full` accepts nothing: every write fails with "no space left".
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_ends_with_one_line_and_exit_code_1() {
    for example in [&["count", "--instant"][..], &["--help"], &["chess"]] {
        shared::testing::cli::assert_full_disk_ends_with_one_line(
            &assert_cmd::cargo::cargo_bin("async-io"),
            example,
        );
    }
}

/// `async-io count --tasks 100000 | head -1`: the reader goes away early.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_program_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("async-io"))
        .args(["count", "--tasks", "100000", "--instant"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap(); // then dropped: the pipe closes
    assert_eq!(first, "One\n");
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// Ctrl-C, sent as a real SIGINT to a real process. Unix only: Windows has
/// no `kill -INT`, and its Ctrl-C reaches the same two-step logic.
#[cfg(unix)]
mod ctrl_c {
    use std::io::Write;
    use std::process::{Child, Stdio};
    use std::time::Duration;

    use shared::testing::cli::{Watched, kill, press_twice_quickly};

    use super::scratch;

    fn interrupt(child: &Child) {
        kill("-INT", child.id());
    }

    fn start(out: &std::path::Path, instant: bool) -> (Child, Watched, Watched) {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("async-io"));
        command.arg("input-worker").arg("--out").arg(out);
        if instant {
            command.arg("--instant");
        }
        let mut child =
            command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let stdout = Watched::new(child.stdout.take().unwrap());
        let stderr = Watched::new(child.stderr.take().unwrap());
        (child, stdout, stderr)
    }

    #[test]
    fn one_ctrl_c_with_nothing_queued_ends_at_once_and_says_so() {
        let out = scratch("ctrl-c-idle").join("out");
        let (mut child, mut stdout, mut stderr) = start(&out, true);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"1\n").unwrap();
        stdin.flush().unwrap();
        stdout.wait_for("wrote", 1); // the number is done; nothing is queued
        interrupt(&child);
        stderr.wait_for("nothing is left to do", 1);
        let status = child.wait().unwrap();
        let stdout = stdout.rest();
        assert_eq!(status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("Finishing work") && stdout.trim_end().ends_with("Work ended"), "{stdout}");
        assert_eq!(std::fs::read_to_string(out.join("1.txt")).unwrap(), "Hello, 1!");
        drop(stdin);
    }

    #[test]
    fn a_second_ctrl_c_stops_at_once_and_leaves_no_file() {
        let out = scratch("ctrl-c-twice").join("out");
        // Real clock: the worker really is asleep for 30 s when we stop it.
        let (mut child, mut stdout, mut stderr) = start(&out, false);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"30\n").unwrap();
        stdin.flush().unwrap();
        stdout.wait_for("Enter a number: 30", 1); // 30 is queued
        interrupt(&child);
        stderr.wait_for("finishing 1 item first. Press Ctrl-C again", 1);
        stdout.wait_for("Finishing work", 1);
        interrupt(&child);
        let status = child.wait().unwrap();
        let stderr = stderr.rest();
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert!(stderr.contains("not processed: 30"), "{stderr}");
        assert!(!stdout.rest().contains("Work ended"), "no `Work ended` after a stop");
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert!(left.is_empty(), "no file, whole or partial: {left:?}");
        drop(stdin);
    }

    /// SIGTERM is the second Ctrl-C in one step: the number in hand is
    /// dropped, said on stderr, and the exit code is 143.
    #[test]
    fn sigterm_stops_at_once_and_says_what_was_not_done() {
        let out = scratch("sigterm").join("out");
        let (mut child, mut stdout, stderr) = start(&out, false);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"0\n30\n").unwrap();
        stdin.flush().unwrap();
        stdout.wait_for("wrote", 1); // 0 is done, 30 is in hand
        stdout.wait_for("Enter a number: 30", 1);
        kill("-TERM", child.id());
        let status = child.wait().unwrap();
        let stderr = stderr.rest();
        assert_eq!(status.code(), Some(143), "{stderr}");
        assert!(stderr.contains("SIGTERM: stopping now."), "{stderr}");
        assert!(stderr.contains("error: stopped by SIGTERM; not processed: 30\n"), "{stderr}");
        assert!(!stdout.rest().contains("Work ended"), "no `Work ended` after a stop");
        let mut left: Vec<_> =
            std::fs::read_dir(&out).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        left.sort();
        assert_eq!(left, ["0.txt"], "the finished one, and nothing whole or partial of 30");
        drop(stdin);
    }

    /// `input-worker | head -1`: stdout closes while a number is in hand.
    /// The program cannot say `Work ended`, so it says on stderr which
    /// accepted numbers were not done, and exits 1 (it used to exit 0,
    /// having written nothing).
    #[test]
    fn a_closed_stdout_reports_the_numbers_not_done() {
        use std::io::{BufRead, BufReader};
        let out = scratch("closed-stdout").join("out");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("async-io"))
            .arg("input-worker")
            .arg("--out")
            .arg(&out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"0\n30\n").unwrap();
        stdin.flush().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut seen = String::new();
        while !seen.contains("Enter a number: 30") || !seen.contains("wrote") {
            assert_ne!(stdout.read_line(&mut seen).unwrap(), 0, "{seen}");
        }
        drop(stdout); // `head` has what it wanted, and goes
        stdin.write_all(b"x\n").unwrap(); // input ends: the program prints again
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr, "error: ending early; not processed: 30\n");
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(left, ["0.txt"], "0 was finished; of 30, nothing whole or partial");
    }

    #[test]
    fn two_quick_presses_are_two_presses() {
        let out = scratch("ctrl-c-quick").join("out");
        let (mut child, mut stdout, mut stderr) = start(&out, false);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"30\n").unwrap();
        stdin.flush().unwrap();
        stdout.wait_for("Enter a number: 30", 1);
        press_twice_quickly(&child, &mut stderr);
        assert_eq!(child.wait().unwrap().code(), Some(130));
        drop(stdin);
    }

    #[test]
    fn a_flood_of_piped_input_does_not_hold_off_ctrl_c() {
        let out = scratch("ctrl-c-flood").join("out");
        let (mut child, mut stdout, mut stderr) = start(&out, false);
        let mut stdin = child.stdin.take().unwrap();
        // An endless supply of 1-second numbers, written as fast as the pipe takes them.
        let writer = std::thread::spawn(move || while stdin.write_all(&b"1\n".repeat(4096)).is_ok() {});
        stdout.wait_for("Enter a number: 1", 100);
        press_twice_quickly(&child, &mut stderr);
        // The timeout only turns a hang into a failure.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(std::time::Instant::now() < deadline, "still running 30 s after two Ctrl-Cs");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(status.code(), Some(130));
        drop(stdout);
        writer.join().unwrap();
    }
}

#[test]
fn runtime_runs_tasks_on_one_thread_then_on_the_workers() {
    let stdout = stdout_of(async_io().args(["runtime", "--tasks", "4", "--workers", "2"]));
    let (current, multi) = stdout.split_once("#[tokio::main]: multi-threaded, 2 workers").unwrap();
    assert_eq!(current.matches("ran on main").count(), 4, "{stdout}");
    assert!(current.contains("on 1 thread\n"), "{stdout}");
    assert_eq!(multi.matches("ran on worker ").count(), 4, "{stdout}");
    assert!(!multi.contains("ran on main"), "{stdout}");
    assert!(stdout.contains("spawn_local on a LocalSet: Ada, Grace"), "{stdout}");
    async_io().args(["runtime", "--instant"]).assert().code(2);
}

#[test]
fn select_cancels_the_slow_task_and_the_safe_loop_keeps_every_line() {
    let stdout = stdout_of(async_io().args(["select", "--instant"]));
    assert!(stdout.starts_with("slow(): dropped at its .await"), "{stdout}");
    assert!(stdout.contains("timed out after 1.00 s of virtual time"), "{stdout}");
    assert!(!stdout.contains("slow(): finished"), "{stdout}");
    assert!(stdout.contains(r#"lines read: ["lo", "ld"]"#), "{stdout}");
    assert!(stdout.contains(r#"lines read: ["hello", "world"]"#), "{stdout}");
    // Each writer's two lines stay together under the tokio Mutex.
    let log: Vec<&str> = stdout.lines().filter(|line| line.starts_with("  writer ")).collect();
    assert_eq!(log.len(), 6, "{stdout}");
    for pair in log.chunks(2) {
        let who = pair[0].strip_suffix(": begins").unwrap();
        assert_eq!(pair[1], format!("{who}: ends"));
    }
}

#[test]
fn chat_demo_relays_refuses_garbage_and_announces_the_vanished_client() {
    let stdout = stdout_of(async_io().args(["chat", "--demo"]));
    for line in [
        "  bob hears: guest1: hello, bob",
        "  ada hears: guest2: hi ada",
        "  bob hears: * not sent: a line may have at most 1024 bytes",
        "  bob hears: * not sent: that line was not UTF-8 text",
        "  ada hears: * guest2 left",
    ] {
        assert!(stdout.contains(line), "{line:?} missing:\n{stdout}");
    }
    async_io().args(["chat", "--instant"]).assert().code(2);
}

/// A child process killed when dropped, and its stdout read on a thread of
/// its own, so that every wait for a line is bounded.
struct Running {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Running {
    fn start(args: &[&str], stdin: bool) -> Running {
        use std::io::BufRead;
        use std::process::Stdio;
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("async-io"))
            .args(args)
            .args(["--color", "never"])
            .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines }
    }

    fn next_line(&self) -> String {
        self.lines.recv_timeout(Duration::from_secs(20)).expect("a line within 20 s")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn chat_server_and_client_processes_talk_over_loopback() {
    use std::io::{BufRead, BufReader, Write};

    let server = Running::start(&["chat", "--bind", "127.0.0.1:0"], false);
    let first = server.next_line();
    let address = first.split_whitespace().nth(2).unwrap().trim_end_matches(';').to_string();
    assert!(address.starts_with("127.0.0.1:"), "{first}");

    // A plain socket says a line; the client process, which joined first, prints it.
    let mut client = Running::start(&["chat", "--connect", &address], true);
    assert_eq!(client.next_line(), "* welcome, you are guest1");
    let mut other = std::net::TcpStream::connect(&address).unwrap();
    other.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut welcome = String::new();
    BufReader::new(&other).read_line(&mut welcome).unwrap();
    assert_eq!(welcome, "* welcome, you are guest2\n");
    other.write_all(b"hello from a socket\n").unwrap();
    assert_eq!(client.next_line(), "* guest2 joined");
    assert_eq!(client.next_line(), "guest2: hello from a socket");
    // The end of the client's input ends the client cleanly.
    drop(client.child.stdin.take());
    assert!(client.child.wait().unwrap().success());
}
