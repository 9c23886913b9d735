//! The real `multiprocess` binary, run as a learner runs it, with its real
//! child processes.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in, lines_where, success_stdout};
use shared::testing::input_worker::{Contract, Run, assert_written, files_in};

fn multiprocess() -> Command {
    Command::from_std(multiprocess_std())
}

fn multiprocess_std() -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("multiprocess"));
    // Tests see plain text whatever the environment says about colors.
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("COLUMNS", "80");
    command
}

/// Every `pid N` in `text`, in order.
fn pids_in(text: &str) -> Vec<u32> {
    text.match_indices("pid ")
        .filter_map(|(index, _)| {
            let digits: String = text[index + 4..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

fn stdout_of(command: &mut Command) -> String {
    success_stdout(command.output().unwrap())
}

fn scratch(name: &str) -> PathBuf {
    shared::testing::cli::scratch(env!("CARGO_TARGET_TMPDIR"), name)
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(multiprocess().arg("--help"));
    let lesson = course::catalog::lesson("multiprocess").unwrap();
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(examples_in(&help), expected, "the hidden child subcommands must stay hidden");
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    let common = |example: &str| {
        let help = stdout_of(multiprocess().args([example, "--help"]));
        let flags = flags_in(&help);
        ["--seed", "--timeline", "--instant", "--color"]
            .into_iter()
            .filter(|flag| flags.iter().any(|f| f == flag))
            .collect::<Vec<_>>()
    };
    assert_eq!(common("continents"), ["--timeline", "--color"]);
    assert_eq!(common("square"), ["--timeline", "--color"]);
    assert_eq!(common("input-worker"), ["--timeline", "--color"]);
    // Nothing to draw: one process counts, and `pipe` measures one stream.
    assert_eq!(common("cpu-count"), ["--color"]);
    assert_eq!(common("pipe"), ["--color"]);
}

#[test]
fn instant_is_refused_with_one_line_everywhere() {
    for example in ["continents", "square", "cpu-count", "input-worker", "pipe"] {
        let output = multiprocess().args([example, "--instant"]).write_stdin("").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{example}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{example}: one line: {stderr}");
        assert!(stderr.starts_with("error: --instant is not available here"), "{example}: {stderr}");
        assert!(output.stdout.is_empty(), "{example}");
    }
}

#[test]
fn bad_flags_get_clap_errors_not_panics() {
    for bad in [
        &["square", "x"][..],
        &["square", "-1"],
        &["square", "99999999999"],
        &["input-worker", "--workers", "0"],
        &["input-worker", "--workers", "33"],
        &["input-worker", "--workers", "many"],
        &["input-worker", "--plain", "--workers", "2"],
        &["input-worker", "--plain", "--terminate"],
        &["pipe", "--count", "0"],
        &["pipe", "--count", "100000001"],
    ] {
        multiprocess()
            .args(bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:").and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn continents_prints_four_continents_from_four_other_processes() {
    let stdout = stdout_of(multiprocess().arg("continents"));
    let said = lines_where(&stdout, |line| line.starts_with("The name of continent is : "));
    let continents: Vec<&str> = said
        .iter()
        .map(|line| line["The name of continent is : ".len()..].split(' ').next().unwrap())
        .collect();
    // In the order the children printed them: any order of the four.
    let mut sorted = continents.clone();
    sorted.sort();
    assert_eq!(sorted, ["Africa", "America", "Asia", "Europe"], "{stdout}");
    // Four children, four pids, none of them the parent's.
    let children: Vec<u32> = said.iter().flat_map(|line| pids_in(line)).collect();
    let parent = pids_in(stdout.lines().rev().nth(1).unwrap());
    assert_eq!(children.len(), 4, "{stdout}");
    assert_eq!(parent.len(), 1, "{stdout}");
    let mut distinct = children.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "{stdout}");
    assert!(!children.contains(&parent[0]), "{stdout}");
    assert!(stdout.contains("joined its 4 children.\ncontinents executed in "), "{stdout}");
}

#[test]
fn the_children_draw_their_bars_on_the_parents_chart() {
    let stdout = stdout_of(multiprocess().args(["continents", "--timeline"]));
    let rows = lines_where(&stdout, |line| line.starts_with("print_func(") && line.contains('│'));
    let labels: Vec<&str> = rows.iter().map(|row| row.split_whitespace().next().unwrap()).collect();
    assert_eq!(
        labels,
        ["print_func(Asia)", "print_func(America)", "print_func(Europe)", "print_func(Africa)"]
    );
}

/// The children print their own lines, so the lines come out in the order
/// the chart shows the children ran in, not always in the order they were
/// started (which is how the parent used to print them). Each child's bar
/// ends only once the parent has passed its line on (`PASSED_ON`), so a
/// line printed before another cannot come from a bar that starts after
/// the other's has ended, however busy the machine: one column of slack,
/// for rounding.
#[test]
fn continents_lines_come_in_the_order_the_children_ran() {
    for _ in 0..3 {
        let stdout = stdout_of(multiprocess().args(["continents", "--timeline"]).env("COLUMNS", "200"));
        let printed: Vec<String> =
            lines_where(&stdout, |line| line.starts_with("The name of continent is : "))
                .iter()
                .map(|line| {
                    line["The name of continent is : ".len()..].split(' ').next().unwrap().to_string()
                })
                .collect();
        // Each child's bar, first and last column: its line was printed
        // somewhere in between.
        let bar = |continent: &str| {
            let row =
                stdout.lines().find(|line| line.starts_with(&format!("print_func({continent})"))).unwrap();
            let cells: Vec<char> = row.split('│').nth(1).unwrap().chars().collect();
            let first = cells.iter().position(|&cell| cell == '█').unwrap();
            (first, cells.iter().rposition(|&cell| cell == '█').unwrap())
        };
        let bars: Vec<(usize, usize)> = printed.iter().map(|continent| bar(continent)).collect();
        assert!(bars.windows(2).all(|pair| pair[0].0 <= pair[1].1 + 1), "{bars:?}\n{stdout}");
    }
}

/// Each running child holds two of the parent's open files: under macOS's
/// default limit of 256, 300 children at once did not fit ("Too many open
/// files"). The parent joins as it goes; even 64 open files are enough.
#[cfg(unix)]
#[test]
fn square_starts_hundreds_of_children_under_a_small_open_file_limit() {
    let numbers: Vec<String> = (1..=300).map(|n| n.to_string()).collect();
    for limit in ["256", "64"] {
        let output = std::process::Command::new("sh")
            .args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\"")])
            .arg(assert_cmd::cargo::cargo_bin("multiprocess"))
            .arg("square")
            .args(&numbers)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "ulimit -n {limit}: {stderr}");
        assert_eq!(lines_where(&stdout, |line| line.contains(": square(")).len(), 300, "{stdout}");
        assert!(stdout.contains("square(300) = 90000\n"), "{stdout}");
        assert!(stdout.contains("joined 300 children."), "{stdout}");
    }
}

#[test]
fn square_gets_4_and_16_back_from_two_children() {
    let stdout = stdout_of(multiprocess().arg("square"));
    let results = lines_where(&stdout, |line| line.contains("square("));
    assert_eq!(results.len(), 2, "{stdout}");
    assert!(results[0].ends_with("square(2) = 4") && results[1].ends_with("square(4) = 16"), "{stdout}");
    let pids: Vec<u32> = results.iter().flat_map(|line| pids_in(line)).collect();
    assert_eq!(pids.len(), 2);
    assert_ne!(pids[0], pids[1]);
    assert!(!pids.contains(&pids_in(stdout.lines().rev().nth(1).unwrap())[0]), "{stdout}");
    assert!(stdout.contains("joined 2 children.\nsquare executed in "), "{stdout}");
}

#[test]
fn square_of_one_number_says_one_child_and_squares_the_largest_u32() {
    let stdout = stdout_of(multiprocess().args(["square", "4294967295"]));
    assert!(stdout.contains("square(4294967295) = 18446744065119617025"), "{stdout}");
    assert!(stdout.contains("joined 1 child.\n"), "{stdout}");
}

#[test]
fn cpu_count_prints_what_available_parallelism_says_here() {
    let stdout = stdout_of(multiprocess().arg("cpu-count"));
    let here = std::thread::available_parallelism().unwrap().get();
    assert!(stdout.starts_with(&format!("Processes that can run in parallel here: {here}\n")), "{stdout}");
}

/// Pinned to one CPU with `taskset`, the count is 1 whatever the machine has.
#[cfg(target_os = "linux")]
#[test]
fn cpu_count_follows_the_affinity() {
    let output = std::process::Command::new("taskset")
        .args(["-c", "0"])
        .arg(assert_cmd::cargo::cargo_bin("multiprocess"))
        .arg("cpu-count")
        .output()
        .expect("taskset (util-linux) runs");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("Processes that can run in parallel here: 1\n"), "{stdout}");
    assert!(stdout.contains("CPUs this process may run on:     1"), "{stdout}");
}

#[test]
fn pipe_delivers_every_number_once_plain_and_tuned() {
    for tuned in [false, true] {
        let mut command = multiprocess();
        command.args(["pipe", "--count", "10000"]);
        if tuned {
            command.arg("--tuned");
        }
        let stdout = stdout_of(&mut command);
        assert!(stdout.contains("The worker got 10000 numbers, adding up to 50005000."), "{stdout}");
        assert!(stdout.contains("pipe: 10000 numbers in "), "{stdout}");
    }
    let one = stdout_of(multiprocess().args(["pipe", "--count", "1", "--tuned"]));
    assert!(one.contains("Sending 1 number (1 to 1)"), "{one}");
    assert!(one.contains("The worker got 1 number, adding up to 1."), "{one}");
    assert!(one.contains("pipe: 1 number in "), "{one}");
}

/// `input-worker [FLAGS]`, checked against what both ports of the
/// input-worker promise (`shared::testing::input_worker`); the tests below
/// add what only worker processes do.
fn contract(flags: &'static [&'static str]) -> Contract {
    Contract::new("multiprocess", env!("CARGO_TARGET_TMPDIR"), move |out| {
        let mut command = multiprocess_std();
        command.arg("input-worker").args(flags).arg("--out").arg(out);
        command
    })
}

/// The pool of worker processes, with one worker or more.
const ONE_WORKER: &[&str] = &["--workers", "1"];

#[test]
fn input_worker_writes_a_file_per_number_until_a_non_number() {
    let run = contract(ONE_WORKER).writes_a_file_per_number_until_a_non_number();
    // One worker: it wrote them in the order they were typed.
    let wrote = lines_where(&run.stdout, |line| line.contains(", wrote "));
    assert_eq!(wrote.len(), 3, "{}", run.stdout);
    assert!(
        wrote.iter().zip(["1.txt", "0.txt", "2.txt"]).all(|(line, file)| line.ends_with(file)),
        "{}",
        run.stdout
    );
}

#[test]
fn input_worker_stops_reading_at_eof() {
    contract(ONE_WORKER).stops_reading_at_eof();
}

#[test]
fn input_worker_skips_invalid_utf8_and_over_long_lines_with_a_message() {
    contract(ONE_WORKER).skips_invalid_utf8_and_over_long_lines();
}

#[test]
fn input_worker_refuses_a_number_too_large_to_sleep_on_and_goes_on() {
    contract(ONE_WORKER).refuses_a_number_too_large_to_sleep_on();
}

#[test]
fn input_worker_with_no_input_at_all_still_ends_cleanly() {
    contract(ONE_WORKER).ends_cleanly_with_no_input();
}

#[test]
fn input_worker_says_why_when_the_folder_cannot_be_made() {
    contract(ONE_WORKER).says_why_when_the_folder_cannot_be_made();
}

#[test]
fn input_worker_exits_non_zero_when_a_file_cannot_be_written() {
    contract(ONE_WORKER).exits_non_zero_when_a_file_cannot_be_written();
}

#[test]
fn input_worker_with_three_workers_writes_every_file_once() {
    let Run { out, stdout, .. } = contract(&["--workers", "3"]).run("three", b"1\n0\n2\n1\n0\n");
    assert_eq!(files_in(&out), ["0.txt", "1.txt", "2.txt"], "{stdout}");
    let wrote = lines_where(&stdout, |line| line.contains(", wrote "));
    assert_eq!(wrote.len(), 5, "one line per number typed: {stdout}");
    let started = lines_where(&stdout, |line| line.contains(" started (pid "));
    assert_eq!(started.len(), 3, "{stdout}");
    // The numbers were shared out: more than one worker wrote.
    let mut writers: Vec<&str> = wrote.iter().map(|line| line.split(':').next().unwrap()).collect();
    writers.sort();
    writers.dedup();
    assert!(writers.len() > 1, "{stdout}");
    assert!(stdout.ends_with("Work ended\n"), "{stdout}");
}

/// The plain port: one worker process, which finishes the whole queue,
/// the last number included (the original's `terminate()` would kill it
/// on that one), and then `Work ended`.
#[test]
fn input_worker_plain_is_one_worker_that_finishes_the_queue() {
    let run = contract(&["--plain"]).run("plain", b"1\n0\n2\nx\n");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_written(&run, &[1, 0, 2]);
    let Run { out, stdout, .. } = run;
    let prompts = lines_where(&stdout, |line| line.starts_with("Enter a number: "));
    assert_eq!(prompts, ["Enter a number: 1", "Enter a number: 0", "Enter a number: 2", "Enter a number: x"]);
    let wrote = lines_where(&stdout, |line| line.starts_with("Worker: slept "));
    let expected: Vec<String> = [1, 0, 2]
        .iter()
        .map(|i| format!("Worker: slept {i} s, wrote {}", out.join(format!("{i}.txt")).display()))
        .collect();
    assert_eq!(wrote, expected, "one worker, in the order typed: {stdout}");
    // All of it after `Finishing work`: piped in, the input is read first.
    let finishing = stdout.find("Finishing work").unwrap();
    assert!(stdout.find("Worker: slept 2 s").unwrap() > finishing, "{stdout}");
    assert!(!stdout.contains(" started (pid "), "the plain port has no pool: {stdout}");
}

#[test]
fn input_worker_plain_says_when_its_worker_fails_and_exits_1() {
    let dir = scratch("iw-plain-fails");
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("0.txt").join("taken")).unwrap();
    let output = multiprocess()
        .args(["input-worker", "--plain", "--out"])
        .arg(&out)
        .write_stdin("0\n")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("error: worker: cannot write 0.txt: "), "{stderr}");
    assert!(stderr.contains("error: the worker process failed (exit status: 1)"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn input_worker_plain_draws_the_parent_and_its_worker() {
    let Run { stdout, .. } = contract(&["--plain", "--timeline"]).run("plain-timeline", b"1\n");
    let rows = lines_where(&stdout, |line| line.contains('│') && !line.starts_with(' '));
    let labels: Vec<&str> = rows.iter().map(|row| row.split('│').next().unwrap().trim_end()).collect();
    assert_eq!(labels, ["parent: input", "worker"], "{stdout}");
}

/// The original's ending, kept as `--terminate`: the worker is killed as
/// soon as it has taken the last number, and that number's file is lost.
#[test]
fn terminate_as_the_original_does_loses_the_number_in_hand() {
    let out = scratch("iw-terminate").join("out");
    let output = multiprocess()
        .args(["input-worker", "--terminate", "--out"])
        .arg(&out)
        .write_stdin("2\nx\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was terminated (signal: 9 (SIGKILL)) holding 2, before finishing it.")
            || cfg!(not(unix)),
        "{stderr}"
    );
    assert!(stderr.contains("error: killed half-way by terminate(): 2"), "{stderr}");
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
}

/// `--terminate` speaks of the number it killed, not of its file: here an
/// earlier `1` wrote `1.txt`, and the second `1` is the one lost.
#[test]
fn terminate_names_the_number_lost_not_a_file_an_earlier_one_wrote() {
    let out = scratch("iw-terminate-twice").join("out");
    let output = multiprocess()
        .args(["input-worker", "--terminate", "--out"])
        .arg(&out)
        .write_stdin("1\n1\nx\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stdout.contains("Worker 1: slept 1 s, wrote"), "{stdout}");
    assert_eq!(files_in(&out), ["1.txt"], "the first 1 wrote it");
    assert!(!stderr.contains("never written"), "{stderr}");
    assert!(stderr.contains("holding 1, before finishing it.") || cfg!(not(unix)), "{stderr}");
    assert!(stderr.contains("error: killed half-way by terminate(): 1"), "{stderr}");
}

#[test]
fn the_workers_draw_their_rows_on_the_parents_chart() {
    let dir = scratch("iw-timeline");
    let stdout = stdout_of(
        multiprocess()
            .args(["input-worker", "--workers", "2", "--timeline", "--out"])
            .arg(dir.join("out"))
            .write_stdin("1\n1\n"),
    );
    let rows = lines_where(&stdout, |line| line.contains('│') && !line.starts_with(' '));
    let labels: Vec<&str> = rows.iter().map(|row| row.split('│').next().unwrap().trim_end()).collect();
    assert_eq!(labels, ["parent: input", "worker 1", "worker 2"], "{stdout}");
    // Both workers slept their second at the same time: their bars overlap.
    let cells =
        |row: &str| row.split('│').nth(1).unwrap().chars().map(|cell| cell == '█').collect::<Vec<_>>();
    let (first, second) = (cells(&rows[1]), cells(&rows[2]));
    assert!(first.iter().zip(&second).filter(|(a, b)| **a && **b).count() > first.len() / 2, "{stdout}");
}

/// Worker processes killed, parents killed, Ctrl-C: real signals to real
/// processes. Unix only: Windows has no `kill -9` or `kill -INT`.
#[cfg(unix)]
mod signals {
    use std::io::Write;
    use std::path::Path;
    use std::process::{Child, ChildStdin, Stdio};
    use std::time::{Duration, Instant};

    use shared::testing::cli::{Watched, kill as signal};

    use super::{files_in, pids_in, scratch};

    /// Whether `pid` is a process that has not exited (a zombie has).
    fn alive(pid: u32) -> bool {
        let output =
            std::process::Command::new("ps").args(["-o", "stat=", "-p", &pid.to_string()]).output().unwrap();
        let state = String::from_utf8_lossy(&output.stdout);
        !state.trim().is_empty() && !state.trim().starts_with('Z')
    }

    /// Polls until none of `pids` is alive; the bound only turns a hang into
    /// a failure.
    fn assert_all_gone_within(pids: &[u32], bound: Duration) {
        let deadline = Instant::now() + bound;
        while pids.iter().any(|&pid| alive(pid)) {
            assert!(Instant::now() < deadline, "still running after {bound:?}: {pids:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    struct Run {
        child: Child,
        stdin: Option<ChildStdin>,
        stdout: Watched,
        stderr: Watched,
    }

    fn start(out: &Path, workers: u32) -> Run {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("multiprocess"))
            .args(["input-worker", "--workers", &workers.to_string(), "--out"])
            .arg(out)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = Watched::new(child.stdout.take().unwrap());
        let stderr = Watched::new(child.stderr.take().unwrap());
        Run { child, stdin, stdout, stderr }
    }

    impl Run {
        fn type_line(&mut self, line: &str) {
            let stdin = self.stdin.as_mut().unwrap();
            stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
            stdin.flush().unwrap();
            self.stdout.wait_for(&format!("Enter a number: {line}"), 1);
        }

        /// The pids of the workers started so far, waiting for `count` of them.
        fn worker_pids(&mut self, count: usize) -> Vec<u32> {
            let seen = self.stdout.wait_for(" started (pid ", count);
            seen.lines().filter(|line| line.contains(" started (pid ")).flat_map(pids_in).collect()
        }
    }

    #[test]
    fn a_worker_killed_mid_number_is_reported_and_its_number_redone() {
        let out = scratch("kill-worker").join("out");
        let mut run = start(&out, 1);
        let first = run.worker_pids(1)[0];
        run.type_line("2"); // the worker sleeps 2 s on it
        run.stdout.wait_for("Worker 1 takes 2", 1);
        signal("-9", first);
        run.stderr.wait_for("goes back to the queue", 1);
        drop(run.stdin.take()); // end of input
        let status = run.child.wait().unwrap();
        let stdout = run.stdout.rest();
        let stderr = run.stderr.rest();
        assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
        assert!(stderr.contains(&format!("Worker 1 (pid {first}) died (signal: 9")), "{stderr}");
        assert!(stderr.contains("holding 2; 2 goes back to the queue"), "{stderr}");
        assert!(stdout.contains("Worker 2 takes 2\n"), "{stdout}");
        assert!(stdout.contains("Worker 2: slept 2 s, wrote"), "a new worker redid it: {stdout}");
        assert_eq!(files_in(&out), ["2.txt"]);
        assert_eq!(std::fs::read_to_string(out.join("2.txt")).unwrap(), "Hello, 2!");
        let pids: Vec<u32> =
            stdout.lines().filter(|line| line.contains(" started (pid ")).flat_map(pids_in).collect();
        assert_eq!(pids.len(), 2, "{stdout}");
        assert!(pids.iter().all(|&pid| !alive(pid)), "no worker left running: {pids:?}");
    }

    #[test]
    fn a_number_two_workers_died_on_is_given_up_listed_and_exits_1() {
        let out = scratch("kill-twice").join("out");
        let mut run = start(&out, 1);
        let first = run.worker_pids(1)[0];
        run.type_line("30");
        run.stdout.wait_for("Worker 1 takes 30", 1);
        signal("-9", first);
        let second = run.worker_pids(2)[1];
        run.stdout.wait_for("Worker 2 takes 30", 1);
        signal("-9", second);
        run.stderr.wait_for("giving it up", 1);
        drop(run.stdin.take());
        let status = run.child.wait().unwrap();
        let stdout = run.stdout.rest();
        let stderr = run.stderr.rest();
        assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
        assert!(stderr.contains("2 workers died on 30: giving it up"), "{stderr}");
        assert!(stderr.contains("error: gave up (their workers died) 30"), "{stderr}");
        assert!(stdout.ends_with("Work ended\n"), "{stdout}");
        assert!(files_in(&out).is_empty(), "no file, whole or partial");
        assert!(!alive(first) && !alive(second));
    }

    #[test]
    fn workers_exit_by_themselves_when_their_parent_is_killed() {
        let out = scratch("kill-parent").join("out");
        let mut run = start(&out, 2);
        let workers = run.worker_pids(2);
        run.type_line("30");
        run.stdout.wait_for("Worker 1 takes 30", 1); // one worker asleep on it, one idle
        signal("-9", run.child.id());
        run.child.wait().unwrap();
        // A worker notices its parent is gone when its stdin closes.
        assert_all_gone_within(&workers, Duration::from_secs(10));
        assert!(files_in(&out).is_empty());
    }

    #[test]
    fn one_ctrl_c_finishes_the_queue() {
        let out = scratch("ctrl-c-once").join("out");
        let mut run = start(&out, 1);
        run.type_line("1");
        run.type_line("0");
        signal("-INT", run.child.id());
        // "finishing 2 items first", or fewer if the worker was quick.
        run.stderr.wait_for("Ctrl-C: no more input", 1);
        let status = run.child.wait().unwrap();
        let stdout = run.stdout.rest();
        assert_eq!(status.code(), Some(0), "{stdout}");
        assert!(stdout.contains("Finishing work") && stdout.ends_with("Work ended\n"), "{stdout}");
        assert_eq!(files_in(&out), ["0.txt", "1.txt"]);
    }

    #[test]
    fn a_second_ctrl_c_stops_at_once_and_leaves_no_file() {
        let out = scratch("ctrl-c-twice").join("out");
        let mut run = start(&out, 2);
        let workers = run.worker_pids(2);
        run.type_line("30");
        run.type_line("40");
        run.type_line("50"); // queued: both workers are busy
        run.stdout.wait_for("Worker 2 takes 40", 1);
        signal("-INT", run.child.id());
        run.stderr.wait_for("finishing 3 items first. Press Ctrl-C again", 1);
        run.stdout.wait_for("Finishing work", 1);
        signal("-INT", run.child.id());
        let status = run.child.wait().unwrap();
        let stderr = run.stderr.rest();
        let stdout = run.stdout.rest();
        assert_eq!(status.code(), Some(130), "{stderr}");
        let listed = stderr.split("stopped by Ctrl-C; not processed: ").nth(1).expect(&stderr);
        let mut listed: Vec<&str> = listed.lines().next().unwrap().split(", ").collect();
        listed.sort();
        assert_eq!(listed, ["30", "40", "50"], "{stderr}");
        assert!(stdout.contains("Worker 1: stopped before writing 30.txt"), "{stdout}");
        assert!(!stdout.contains("Work ended"), "no `Work ended` after a stop");
        assert!(files_in(&out).is_empty(), "no file, whole or partial");
        assert!(workers.iter().all(|&pid| !alive(pid)), "the workers ended: {workers:?}");
    }
    /// `kill -9` on a worker half-way through writing leaves its temporary
    /// file (`.30.txt.<pid>-0.tmp`); the parent removes it once the worker is
    /// gone. The temporary is planted by the test, so that the kill does not
    /// have to land inside the write's microseconds.
    #[test]
    fn the_parent_removes_what_a_killed_worker_left_half_written() {
        let out = scratch("kill-mid-write").join("out");
        let mut run = start(&out, 1);
        let first = run.worker_pids(1)[0];
        run.type_line("30");
        run.stdout.wait_for("Worker 1 takes 30", 1);
        let left = out.join(format!(".30.txt.{first}-0.tmp"));
        std::fs::write(&left, "Hel").unwrap();
        let someone_elses = out.join(".30.txt.1-0.tmp");
        std::fs::write(&someone_elses, "Hel").unwrap();
        signal("-9", first);
        run.stderr.wait_for("goes back to the queue", 1);
        run.worker_pids(2); // the replacement started, after the dead one was waited for
        assert!(!left.exists(), "{:?}", files_in(&out));
        assert!(someone_elses.exists(), "only the dead worker's own are removed");
        std::fs::remove_file(someone_elses).unwrap();
        signal("-TERM", run.child.id());
        run.child.wait().unwrap();
        assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
    }

    /// SIGTERM is the second Ctrl-C in one step: every number held or
    /// queued is listed as not processed, exit code 143, no file.
    #[test]
    fn sigterm_stops_at_once_and_lists_every_number_held() {
        let out = scratch("sigterm").join("out");
        let mut run = start(&out, 2);
        let workers = run.worker_pids(2);
        run.type_line("30");
        run.type_line("40");
        run.type_line("50"); // queued: both workers are busy
        run.stdout.wait_for("Worker 2 takes 40", 1);
        signal("-TERM", run.child.id());
        let status = run.child.wait().unwrap();
        let stderr = run.stderr.rest();
        assert_eq!(status.code(), Some(143), "{stderr}");
        assert!(stderr.contains("SIGTERM: stopping now."), "{stderr}");
        let listed = stderr.split("stopped by SIGTERM; not processed: ").nth(1).expect(&stderr);
        let mut listed: Vec<&str> = listed.lines().next().unwrap().split(", ").collect();
        listed.sort();
        assert_eq!(listed, ["30", "40", "50"], "{stderr}");
        assert!(!run.stdout.rest().contains("Work ended"), "no `Work ended` after a stop");
        assert!(files_in(&out).is_empty(), "no file, whole or partial");
        assert!(workers.iter().all(|&pid| !alive(pid)), "the workers ended: {workers:?}");
    }

    /// `input-worker | head -1`: stdout closes while a worker holds a
    /// number. The parent says on stderr which accepted numbers were not
    /// done, and exits 1 (it used to exit 0, having written nothing); its
    /// worker, orphaned, leaves no temporary file.
    #[test]
    fn a_closed_stdout_reports_the_numbers_not_done() {
        use std::io::{BufRead, BufReader};
        let out = scratch("closed-stdout").join("out");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("multiprocess"))
            .args(["input-worker", "--out"])
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
        while !seen.contains("Worker 1 takes 30") {
            assert_ne!(stdout.read_line(&mut seen).unwrap(), 0, "{seen}");
        }
        let worker = pids_in(seen.lines().find(|line| line.contains(" started (pid ")).unwrap())[0];
        drop(stdout); // `head` has what it wanted, and goes
        stdin.write_all(b"x\n").unwrap(); // input ends: the program prints again
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr, "error: ending early; not processed: 30\n");
        assert_all_gone_within(&[worker], Duration::from_secs(10));
        assert_eq!(files_in(&out), ["0.txt"], "0 was finished; of 30, nothing whole or partial");
    }
}
