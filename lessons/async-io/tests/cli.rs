//! The real `async-io` binary, run as a learner runs it.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn async_io() -> Command {
    let mut command = Command::cargo_bin("async-io").unwrap();
    // Tests see plain text whatever the environment says about colors.
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("COLUMNS", "80");
    command
}

/// A fresh folder under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stdout_of(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{:?}\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// The lines of `text` that `keep` says are interesting, in order.
fn lines_where(text: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    text.lines().filter(|line| keep(line)).map(str::to_string).collect()
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(async_io().arg("--help"));
    let lesson = course::catalog::lesson("async-io").unwrap();
    let listed: Vec<&str> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // Names are indented by two; wrapped descriptions by more.
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .collect();
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(listed, expected);
    for flag in ["--seed", "--color", "--timeline", "--instant"] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

#[test]
fn count_prints_every_one_before_any_two() {
    let stdout = stdout_of(async_io().args(["count", "--instant"]));
    let words = lines_where(&stdout, |line| line.starts_with("counter"));
    assert_eq!(
        words,
        [
            "counter 0: One",
            "counter 1: One",
            "counter 2: One",
            "counter 0: Two",
            "counter 1: Two",
            "counter 2: Two"
        ]
    );
    assert!(
        stdout.ends_with("count executed in 1.00 seconds of virtual time (paused clock, --instant).\n"),
        "{stdout}"
    );
}

#[test]
fn count_sync_and_blocking_print_one_two_in_turn_and_take_three_seconds() {
    for flag in ["--sync", "--blocking"] {
        let stdout = stdout_of(async_io().args(["count", flag, "--instant"]));
        let words = lines_where(&stdout, |line| line.starts_with("counter"));
        assert_eq!(
            words,
            [
                "counter 0: One",
                "counter 0: Two",
                "counter 1: One",
                "counter 1: Two",
                "counter 2: One",
                "counter 2: Two"
            ],
            "{flag}"
        );
        assert!(stdout.contains("count executed in 3.00 seconds of virtual time"), "{flag}: {stdout}");
    }
}

#[test]
fn count_on_the_real_clock_says_nothing_about_virtual_time() {
    let stdout = stdout_of(async_io().args(["count", "--tasks", "2", "--quiet"]));
    assert!(stdout.starts_with("count executed in 1."), "{stdout}");
    assert!(!stdout.contains("virtual"));
    assert!(!stdout.contains("counter"), "--quiet prints no counter lines");
}

/// The bars of each chart row, as `true` for a filled cell.
fn chart_rows(stdout: &str) -> Vec<Vec<bool>> {
    stdout
        .lines()
        .filter(|line| line.starts_with("counter ") && line.contains('│'))
        .map(|line| line.split('│').nth(1).unwrap().chars().map(|cell| cell == '█').collect())
        .collect()
}

#[test]
fn the_async_timeline_draws_three_overlapping_bars() {
    let stdout = stdout_of(async_io().args(["count", "--instant", "--timeline"]));
    let rows = chart_rows(&stdout);
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(rows.iter().all(|row| row.iter().all(|&filled| filled)), "{stdout}");
}

#[test]
fn the_sync_and_blocking_timelines_draw_three_bars_one_after_another() {
    for flag in ["--sync", "--blocking"] {
        let stdout = stdout_of(async_io().args(["count", flag, "--instant", "--timeline"]));
        let rows = chart_rows(&stdout);
        assert_eq!(rows.len(), 3, "{flag}: {stdout}");
        let columns = rows[0].len();
        for column in 0..columns {
            let owners: Vec<usize> =
                rows.iter().enumerate().filter(|(_, row)| row[column]).map(|(owner, _)| owner).collect();
            // Each cell belongs to the counter running at its middle.
            assert_eq!(owners, [(column * 2 + 1) * 3 / (columns * 2)], "{flag}, column {column}:\n{stdout}");
        }
    }
}

#[test]
fn bad_numbers_get_clap_errors_not_panics() {
    for bad in
        [["count", "--tasks", "abc"], ["count", "--tasks", "0"], ["count", "--tasks", "99999999999999999999"]]
    {
        async_io().args(bad).assert().code(2).stderr(
            predicate::str::contains("error: invalid value").and(predicate::str::contains("panicked").not()),
        );
    }
    async_io().args(["chain", "1", "x"]).assert().code(2);
    async_io().args(["--seed", "-1", "rand"]).assert().code(2);
}

#[test]
fn colors_follow_the_flag_and_no_color() {
    let always = stdout_of(async_io().args(["count", "--instant", "--color", "always"]));
    assert!(always.contains("\u{1b}["), "--color always must color");
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
    let differs = ["1", "2", "3", "4"].iter().any(|seed| run(seed) != first);
    assert!(differs, "the seed changes nothing");
}

#[test]
fn runs_on_the_virtual_clock_print_the_same_text_every_time() {
    for example in [
        &["count", "--instant", "--timeline"][..],
        &["chain", "--instant", "--timeline", "4", "5"],
        &["stream", "--instant"],
        &["chess", "--timeline"],
        &["read-file", "--instant"],
    ] {
        assert_eq!(stdout_of(async_io().args(example)), stdout_of(async_io().args(example)), "{example:?}");
    }
}

#[test]
fn chain_prints_each_chain_and_the_total() {
    let stdout = stdout_of(async_io().args(["chain", "--instant", "9", "6", "3"]));
    for n in [9, 6, 3] {
        assert!(
            stdout.contains(&format!("-->Chained result{n} => result{n}-2 derived from result{n}-1")),
            "{stdout}"
        );
    }
    assert!(stdout.contains("chain executed in"));
}

#[test]
fn read_file_without_demo_txt_says_file_not_found_between_hello_and_world() {
    let dir = scratch("read-file-missing");
    let stdout = stdout_of(async_io().args(["read-file", "--instant"]).current_dir(&dir));
    let lines = lines_where(&stdout, |line| !line.starts_with('('));
    assert_eq!(lines, ["hello", "File not found", "world"]);
    assert!(stdout.contains("without .await"), "{stdout}");
    // The future that was never awaited read nothing: one reading note, not two.
    assert_eq!(stdout.matches("(read_demo: reading").count(), 1, "{stdout}");
}

#[test]
fn read_file_with_demo_txt_prints_its_contents() {
    let dir = scratch("read-file-present");
    std::fs::write(dir.join("demo.txt"), "Dear reader,\nhi.\n").unwrap();
    let stdout = stdout_of(async_io().args(["read-file", "--instant"]).current_dir(&dir));
    let lines = lines_where(&stdout, |line| !line.starts_with('('));
    assert_eq!(lines, ["hello", "Dear reader,", "hi.", "world"]);
}

#[test]
fn stream_and_chess_run_to_the_end() {
    let stream = stdout_of(async_io().args(["stream", "--instant"]));
    assert!(stream.contains("buffer_unordered was 4.0× faster"), "{stream}");
    let chess = stdout_of(async_io().arg("chess"));
    assert!(chess.contains("Synchronous: the exhibition took 12:00:00 (43200 s)"), "{chess}");
    assert!(chess.contains("Asynchronous: the exhibition took 1:00:55 (3655 s)"), "{chess}");
    async_io()
        .args(["chess", "--instant", "--realtime"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--realtime"));
    async_io().args(["chess", "--speed", "10"]).assert().code(2);
}

/// Runs `input-worker --instant` on `input` in a fresh folder; returns the
/// folder, stdout and stderr, after checking the exit code is 0.
fn input_worker(name: &str, input: Vec<u8>) -> (PathBuf, String, String) {
    let dir = scratch(name);
    let out = dir.join("out");
    let output = async_io()
        .args(["input-worker", "--instant", "--out"])
        .arg(&out)
        .write_stdin(input)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out, stdout, stderr)
}

/// `1.txt` and `2.txt` hold exactly `Hello, 1!` and `Hello, 2!`, nothing
/// else is in the folder, and the status lines came in order.
fn assert_one_and_two_written(out: &std::path::Path, stdout: &str) {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["1.txt", "2.txt"]);
    assert_eq!(std::fs::read_to_string(out.join("1.txt")).unwrap(), "Hello, 1!");
    assert_eq!(std::fs::read_to_string(out.join("2.txt")).unwrap(), "Hello, 2!");
    let status =
        lines_where(stdout, |line| ["Starting work", "Finishing work", "Work ended"].contains(&line));
    assert_eq!(status, ["Starting work", "Finishing work", "Work ended"], "{stdout}");
}

#[test]
fn input_worker_writes_a_file_per_number_until_a_non_number() {
    let (out, stdout, _) = input_worker("iw-abc", b"1\n2\nabc\n".to_vec());
    assert_one_and_two_written(&out, &stdout);
    assert!(stdout.contains("\"abc\" is not a number"), "{stdout}");
}

#[test]
fn input_worker_stops_reading_at_eof() {
    let (out, stdout, _) = input_worker("iw-eof", b"1\n2".to_vec());
    assert_one_and_two_written(&out, &stdout);
}

#[test]
fn input_worker_skips_invalid_utf8_with_a_message() {
    let (out, stdout, stderr) = input_worker("iw-utf8", b"1\n\xff\xfe\x80\n2\n".to_vec());
    assert_one_and_two_written(&out, &stdout);
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
}

#[test]
fn input_worker_skips_a_100_kb_line_with_a_message() {
    let mut input = b"1\n".to_vec();
    input.extend(std::iter::repeat_n(b'5', 100_000));
    input.extend(b"\n2\n");
    let (out, stdout, stderr) = input_worker("iw-long", input);
    assert_one_and_two_written(&out, &stdout);
    assert!(stderr.contains("longer than 1024 bytes"), "{stderr}");
}

#[test]
fn input_worker_refuses_a_number_too_large_to_sleep_on_and_goes_on() {
    let (out, stdout, stderr) = input_worker("iw-huge", b"1\n99999999999999999999999\n2\n".to_vec());
    assert_one_and_two_written(&out, &stdout);
    assert!(stderr.contains("99999999999999999999999 is too large"), "{stderr}");
    // The prompt came back after the refusal: one prompt per line read, plus the final EOF.
    assert_eq!(stdout.matches("Enter a number: ").count(), 4, "{stdout}");
}

#[test]
fn input_worker_with_no_input_at_all_still_ends_cleanly() {
    let dir = scratch("iw-empty");
    async_io()
        .args(["input-worker", "--instant", "--out"])
        .arg(dir.join("out"))
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains("Starting work").and(predicate::str::contains("Work ended")));
}

#[test]
fn input_worker_says_why_when_the_folder_cannot_be_made() {
    let dir = scratch("iw-bad-out");
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    async_io()
        .args(["input-worker", "--out"])
        .arg(file.join("sub"))
        .write_stdin("1\n")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cannot create the folder")
                .and(predicate::str::contains("panicked").not()),
        );
}

/// Ctrl-C, sent as a real SIGINT to a real process. Unix only: Windows has
/// no `kill -INT`, and its Ctrl-C path in tokio is the same two-press logic.
#[cfg(unix)]
mod ctrl_c {
    use std::io::{Read, Write};
    use std::process::{Child, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    use super::scratch;

    /// Everything a child prints on one stream, collected as it comes.
    struct Watched {
        chunks: mpsc::Receiver<Vec<u8>>,
        seen: String,
    }

    impl Watched {
        fn new(mut stream: impl Read + Send + 'static) -> Watched {
            let (sender, chunks) = mpsc::channel();
            std::thread::spawn(move || {
                let mut buffer = [0; 4096];
                while let Ok(read @ 1..) = stream.read(&mut buffer) {
                    if sender.send(buffer[..read].to_vec()).is_err() {
                        break;
                    }
                }
            });
            Watched { chunks, seen: String::new() }
        }

        /// Waits until `needle` has been printed `times` times. The timeout
        /// only turns a hang into a failure; the test moves on the moment
        /// the text appears.
        fn wait_for(&mut self, needle: &str, times: usize) {
            while self.seen.matches(needle).count() < times {
                match self.chunks.recv_timeout(Duration::from_secs(30)) {
                    Ok(chunk) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                    Err(_) => panic!("never saw {needle:?} ×{times}; saw:\n{}", self.seen),
                }
            }
        }

        fn rest(mut self) -> String {
            while let Ok(chunk) = self.chunks.recv_timeout(Duration::from_secs(30)) {
                self.seen.push_str(&String::from_utf8_lossy(&chunk));
            }
            self.seen
        }
    }

    fn interrupt(child: &Child) {
        let status =
            std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        assert!(status.success());
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
    fn one_ctrl_c_ends_input_and_lets_the_queue_finish() {
        let out = scratch("ctrl-c-once").join("out");
        let (mut child, mut stdout, _stderr) = start(&out, true);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"1\n").unwrap();
        stdin.flush().unwrap();
        stdout.wait_for("wrote", 1); // the item is done
        stdout.wait_for("Enter a number: ", 2); // and the program waits for the next line
        interrupt(&child);
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
        stdout.wait_for("Enter a number: ", 2); // 30 is queued
        interrupt(&child);
        stderr.wait_for("Press Ctrl-C again", 1);
        stdout.wait_for("Finishing work", 1);
        interrupt(&child);
        let status = child.wait().unwrap();
        let stderr = stderr.rest();
        assert_eq!(status.code(), Some(130), "{stderr}");
        assert!(stderr.contains("not processed: 30"), "{stderr}");
        assert!(stdout.rest().trim_end().ends_with("Work ended"));
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert!(left.is_empty(), "no file, whole or partial: {left:?}");
        drop(stdin);
    }
}
