//! The real `queue` binary, run as a learner runs it.

use std::collections::HashMap;

use assert_cmd::Command;
use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in, success_stdout};

fn queue() -> Command {
    let mut command = Command::cargo_bin("queue").unwrap();
    // Tests see plain text whatever the environment says about colors.
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("COLUMNS", "80");
    command
}

fn stdout_of(command: &mut Command) -> String {
    success_stdout(command.output().unwrap())
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(queue().arg("--help"));
    let lesson = course::catalog::lesson("queue").unwrap();
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(examples_in(&help), expected);
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    let flags = |example: &str| flags_in(&stdout_of(queue().args([example, "--help"])));
    let shared = [
        "--nprod",
        "--ncon",
        "--capacity",
        "--min-sleep",
        "--max-sleep",
        "--items-per-producer",
        "--quiet",
        "--tuned",
        "--color",
        "--seed",
        "--timeline",
    ];
    // The tasks wait on timers, so asyncq runs on the virtual clock too;
    // threads really sleep, and --instant is refused (hidden from --help).
    let with_instant: Vec<String> =
        shared.iter().map(|flag| flag.to_string()).chain(["--instant".into()]).collect();
    assert_eq!(flags("asyncq"), with_instant);
    assert_eq!(flags("threads"), shared);
}

#[test]
fn the_same_seed_on_the_virtual_clock_prints_the_same_run() {
    let args = ["asyncq", "--instant", "--seed", "444", "-p", "2", "-c", "3", "--timeline"];
    let first = stdout_of(queue().args(args));
    assert_eq!(first, stdout_of(queue().args(args)));
    assert!(first.contains("2 producers put ") && first.contains("of virtual time"), "{first}");
    let other = stdout_of(queue().args(["asyncq", "--instant", "--seed", "445", "-p", "2", "-c", "3"]));
    assert_ne!(first.lines().next(), None);
    assert_ne!(first.lines().take(20).collect::<Vec<_>>(), other.lines().take(20).collect::<Vec<_>>());
}

/// Items put and items taken, from the lines of a run.
fn items(stdout: &str) -> (Vec<String>, Vec<String>) {
    let item = |line: &str| line[line.find('<').unwrap() + 1..line.find('>').unwrap()].to_string();
    let mut put: Vec<String> = stdout.lines().filter(|line| line.ends_with("to queue.")).map(item).collect();
    let mut taken: Vec<String> =
        stdout.lines().filter(|line| line.contains(" got element ")).map(item).collect();
    put.sort();
    taken.sort();
    (put, taken)
}

#[test]
fn threads_take_every_item_exactly_once() {
    let stdout = stdout_of(queue().args([
        "threads",
        "-p",
        "4",
        "-c",
        "3",
        "--max-sleep",
        "0",
        "--items-per-producer",
        "200",
        "--capacity",
        "2",
    ]));
    let (put, taken) = items(&stdout);
    assert_eq!(put.len(), 800);
    assert_eq!(put, taken);
    assert!(stdout.contains("4 producers put 800 items; 3 consumers took all 800."), "{stdout}");
    // Each consumer says how many it took only through its lines: together, all.
    let mut per_consumer: HashMap<&str, usize> = HashMap::new();
    for line in stdout.lines().filter(|line| line.contains(" got element ")) {
        *per_consumer.entry(line.split(" got").next().unwrap()).or_default() += 1;
    }
    assert_eq!(per_consumer.values().sum::<usize>(), 800);
}

#[test]
fn threads_and_tasks_make_the_same_items_from_the_same_seed() {
    let args = ["-p", "3", "-c", "2", "--max-sleep", "0", "--seed", "7"];
    let tasks = stdout_of(queue().arg("asyncq").args(args));
    let threads = stdout_of(queue().arg("threads").args(args));
    assert_eq!(items(&tasks), items(&threads));
    assert!(!items(&tasks).0.is_empty());
}

#[test]
fn the_tuned_versions_move_every_item_and_say_how_fast() {
    for example in ["asyncq", "threads"] {
        let stdout = stdout_of(queue().args([
            example,
            "--tuned",
            "--quiet",
            "--max-sleep",
            "0",
            "--items-per-producer",
            "20000",
        ]));
        assert!(stdout.contains("5 producers put 100000 items; 10 consumers took all 100000."), "{stdout}");
        assert!(stdout.contains("Moved 100000 items in ") && stdout.contains(" M items/s."), "{stdout}");
        assert!(stdout.contains("The longest any item waited in the queue: "), "{stdout}");
        assert!(!stdout.contains("Producer ") && !stdout.contains("Consumer "), "{stdout}");
    }
}

#[test]
fn quiet_runs_print_only_the_totals() {
    let stdout = stdout_of(queue().args(["asyncq", "--quiet", "--instant", "-p", "2"]));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("2 producers put ") && lines[1].starts_with("Program completed in"));
}

#[test]
fn no_producer_ends_at_once_with_no_item() {
    for example in ["asyncq", "threads"] {
        let started = std::time::Instant::now();
        let stdout = stdout_of(queue().args([example, "-p", "0"]));
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 2, "{stdout}");
        assert_eq!(lines[0], "0 producers put 0 items; 10 consumers had nothing to take.");
        assert!(lines[1].starts_with("Program completed in "), "{stdout}");
        // Not after the consumers' first nap (1 s at least): at once.
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{example}: {:?}", started.elapsed());
    }
}

#[test]
fn singular_and_plural_are_right_for_one() {
    let stdout =
        stdout_of(queue().args(["asyncq", "--instant", "-p", "1", "-c", "1", "--items-per-producer", "1"]));
    assert!(stdout.contains("1 producer put 1 item; 1 consumer took it."), "{stdout}");
    assert!(!stdout.contains(" 1 seconds"), "{stdout}");
}

#[test]
fn a_queue_of_one_shows_producers_waiting_for_room() {
    let stdout = stdout_of(queue().args([
        "asyncq",
        "--instant",
        "--capacity",
        "1",
        "-p",
        "3",
        "-c",
        "1",
        "--timeline",
    ]));
    assert!(
        stdout.contains("waited") && stdout.contains("seconds of virtual time for room in the queue."),
        "{stdout}"
    );
    let producer_rows: Vec<&str> =
        stdout.lines().filter(|line| line.starts_with("producer ") && line.contains('│')).collect();
    assert_eq!(producer_rows.len(), 3, "{stdout}");
    assert!(producer_rows.iter().any(|row| row.contains('▒')), "{stdout}");
    assert!(stdout.contains("▒ waited"), "{stdout}");
}

#[test]
fn impossible_runs_are_refused_with_one_line() {
    for (args, says) in [
        (&["asyncq", "-c", "0"][..], "error: -c 0: no consumer would ever take the items of 5 producers"),
        (
            &["threads", "-c", "0", "-p", "1"],
            "error: -c 0: no consumer would ever take the items of 1 producer",
        ),
        (
            &["asyncq", "--min-sleep", "3", "--max-sleep", "2"],
            "error: --min-sleep 3 is longer than --max-sleep 2",
        ),
        (&["threads", "--instant"], "error: --instant is not available here: threads sleep"),
    ] {
        let output = queue().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with(says), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
    // No consumer and no producer: nothing to do, and that is fine.
    stdout_of(queue().args(["asyncq", "-p", "0", "-c", "0"]));
}

#[test]
fn bad_numbers_get_clap_errors_not_panics() {
    for bad in [
        &["asyncq", "-p", "abc"][..],
        &["asyncq", "-p", "1001"],
        &["asyncq", "-c", "-1"],
        &["asyncq", "--capacity", "0"],
        &["asyncq", "--max-sleep", "3601"],
        &["threads", "--items-per-producer", "99999999999"],
        &["threads", "--seed", "x"],
        &["asyncq", "--min-sleep", "1.5"],
    ] {
        queue()
            .args(bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:").and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn colors_follow_the_flag() {
    let args = ["asyncq", "--instant", "-p", "2", "-c", "2"];
    let always = stdout_of(queue().args(args).args(["--color", "always"]));
    assert!(always.contains("\u{1b}["), "--color always must color");
    assert!(!stdout_of(queue().args(args)).contains('\u{1b}'), "auto must not color a pipe");
}

/// `/dev/full` accepts nothing: every write fails with "no space left".
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_ends_with_one_line_and_exit_code_1() {
    for example in [&["asyncq", "--instant"][..], &["threads", "--max-sleep", "0", "-p", "2"]] {
        shared::testing::cli::assert_full_disk_ends_with_one_line(
            &assert_cmd::cargo::cargo_bin("queue"),
            example,
        );
    }
}
