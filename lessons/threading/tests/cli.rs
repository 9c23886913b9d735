//! The real `threading` binary, run as a learner runs it. Every example
//! runs real threads on the real clock; the tests check what must hold on
//! every run (counts, orders that `join` guarantees, exit codes), never how
//! long something took.

use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in, success_stdout};

fn threading() -> Command {
    let mut command = Command::cargo_bin("threading").unwrap();
    // Plain text whatever the environment says about colors; a bound that
    // turns a hang into a failure.
    command
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "80")
        .timeout(Duration::from_secs(120));
    command
}

fn stdout_of(command: &mut Command) -> String {
    success_stdout(command.output().unwrap())
}

const EXAMPLES: [&str; 7] = ["square-cube", "thread-info", "race", "deadlock", "kitchen", "cpu", "send-sync"];

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(threading().arg("--help"));
    let lesson = course::catalog::lesson("threading").unwrap();
    let listed = examples_in(&help);
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(listed, expected);
    assert_eq!(listed, EXAMPLES);
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    for example in EXAMPLES {
        let help = stdout_of(threading().args([example, "--help"]));
        let flags = flags_in(&help);
        let common: Vec<&str> = ["--seed", "--timeline", "--instant", "--color"]
            .into_iter()
            .filter(|flag| flags.iter().any(|f| f == flag))
            .collect();
        // Nothing is random and nothing runs on a virtual clock here.
        assert_eq!(common, ["--timeline", "--color"], "{example}");
    }
    let own = |example: &str| -> Vec<String> {
        flags_in(&stdout_of(threading().args([example, "--help"])))
            .into_iter()
            .filter(|flag| !["--timeline", "--color", "--help"].contains(&flag.as_str()))
            .collect()
    };
    assert_eq!(own("race"), ["--threads", "--increments"]);
    assert_eq!(own("kitchen"), ["--cooks", "--dishes", "--dish-ms"]);
    assert_eq!(own("cpu"), ["--below", "--threads"]);
    threading().args(["race", "--seed", "3"]).assert().code(2);
}

#[test]
fn instant_is_refused_with_one_line() {
    for example in EXAMPLES {
        let output = threading().args([example, "--instant"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{example}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{example}: {stderr}");
        assert!(stderr.starts_with("error: --instant is not available here: OS threads"), "{stderr}");
        assert!(output.stdout.is_empty(), "{example}");
    }
}

#[test]
fn bad_numbers_get_clap_errors_not_panics() {
    for bad in [
        &["race", "--threads", "0"][..],
        &["race", "--threads", "65"],
        &["race", "--increments", "-1"],
        &["race", "--increments", "99999999999999999999999"],
        &["kitchen", "--cooks", "abc"],
        &["kitchen", "--cooks", "0"],
        &["kitchen", "--dishes", "1001"],
        &["kitchen", "--dish-ms", "10001"],
        &["cpu", "--threads", "0"],
        &["cpu", "--below", "100000001"],
        &["cpu", "--below", "1e6"],
    ] {
        threading()
            .args(bad)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:").and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn square_cube_prints_both_results_then_done() {
    let stdout = stdout_of(threading().arg("square-cube"));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    // The threads may print in either order; `Done!` comes after both joins.
    let mut results = lines[..2].to_vec();
    results.sort_unstable();
    assert_eq!(results, ["Cube: 1000", "Square: 100"]);
    assert_eq!(lines[2], "Done!");
}

#[test]
fn thread_info_prints_two_distinct_ids_and_both_lists() {
    let stdout = stdout_of(threading().arg("thread-info"));
    let ids: Vec<&str> = stdout.lines().filter_map(|line| line.strip_prefix("Threading id: ")).collect();
    assert!(ids.len() >= 2, "{stdout}");
    assert_ne!(ids[0], ids[1], "{stdout}");
    assert!(ids[0].starts_with("ThreadId(") && ids[1].starts_with("ThreadId("), "{stdout}");
    let lists: Vec<&str> = stdout.lines().filter(|line| line.starts_with('[')).take(2).collect();
    let mut lists = lists.clone();
    lists.sort_unstable_by_key(|list| list.len());
    assert_eq!(lists, ["[1, 4, 9, 16, 25]", "[1, 4, 9, 16, 25, 36, 49, 64, 81, 100]"]);
    assert!(stdout.contains("Started a thread named Some(\"squares up to 5\")."), "{stdout}");
    assert!(stdout.contains("Is it finished? false"), "{stdout}");
    assert!(stdout.contains("add up to 55, of 6..=10 to 330"), "{stdout}");
}

/// The detached thread sleeps for an hour; the process does not wait for
/// it, and its last line and its destructor never run.
#[test]
fn a_detached_thread_does_not_keep_the_process_alive() {
    let stdout = stdout_of(threading().arg("thread-info").timeout(Duration::from_secs(60)));
    assert!(stdout.contains("detached: started"), "{stdout}");
    assert!(!stdout.contains("detached: woke up") && !stdout.contains("cleaning up"), "{stdout}");
    assert!(stdout.trim_end().ends_with("the detached thread with it."), "{stdout}");
}

/// The number a line like `fetch_add: the counter says 12 of 12: none lost. (0.00 s)` reports.
fn counted(stdout: &str, version: &str) -> (u64, u64) {
    let line = stdout
        .lines()
        .find(|line| line.starts_with(&format!("{version}: the counter says ")))
        .unwrap_or_else(|| panic!("no {version} line in:\n{stdout}"));
    let numbers: Vec<u64> = line.split([' ', ':']).filter_map(|word| word.parse().ok()).collect();
    (numbers[0], numbers[1])
}

#[test]
fn race_fixes_count_exactly_threads_times_increments() {
    for (threads, increments) in [(1u64, 0u64), (1, 1000), (2, 1), (3, 12_345), (8, 20_000), (16, 1)] {
        let stdout = stdout_of(threading().args([
            "race",
            "--threads",
            &threads.to_string(),
            "--increments",
            &increments.to_string(),
        ]));
        let expected = threads * increments;
        for version in ["fetch_add", "Mutex"] {
            assert_eq!(
                counted(&stdout, version),
                (expected, expected),
                "{version}, {threads} × {increments}"
            );
        }
        // The lost updates are printed, never asserted: they vary.
        let (racy, of) = counted(&stdout, "WRONG: load, then store");
        assert_eq!(of, expected);
        assert!(racy <= expected, "{stdout}");
        let lost = expected - racy;
        let said = if lost == 0 { "none lost".to_string() } else { format!("{lost} update") };
        assert!(stdout.contains(&said), "{stdout}");
        assert!(!stdout.contains(" 1 updates") && !stdout.contains("1 times"), "{stdout}");
    }
}

#[test]
fn deadlock_is_reported_broken_and_then_fixed() {
    let stdout = stdout_of(threading().arg("deadlock"));
    let position =
        |needle: &str| stdout.find(needle).unwrap_or_else(|| panic!("no {needle:?} in:\n{stdout}"));
    let report = position("Deadlock: ");
    let first = position("  thread 1 holds account 1 and waits for account 2");
    let second = position("  thread 2 holds account 2 and waits for account 1");
    let recovery = position("Recovery: thread 2 is told to back off.");
    let retried = position("thread 2: done on the second try, alone");
    let fix = position("The fix: ");
    let fixed = position("No deadlock: with one lock order, both transfers went through.");
    assert!(report < first && first < second && second < recovery && recovery < retried, "{stdout}");
    assert!(retried < fix && fix < fixed, "{stdout}");
    assert_eq!(stdout.matches("Deadlock: ").count(), 1, "only the wrong version deadlocks:\n{stdout}");
    assert_eq!(
        stdout.matches("Balances: account 1 has 90, account 2 has 110; 200 in all").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn deadlock_charts_show_the_backed_off_transfer_as_stopped() {
    let stdout = stdout_of(threading().args(["deadlock", "--timeline"]));
    assert!(stdout.contains("Opposite lock orders: 2 rows"), "{stdout}");
    assert!(stdout.contains("One lock order: 2 rows"), "{stdout}");
    let backed_off = stdout.lines().find(|line| line.starts_with("2 → 1")).unwrap();
    assert!(backed_off.contains('░'), "{stdout}");
}

/// For each of the two kitchens in `stdout`, the dish numbers in the order
/// their `#N is ready` lines came.
fn dishes_by_kitchen(stdout: &str) -> Vec<Vec<u32>> {
    stdout
        .split("\n\n")
        .take(2)
        .map(|kitchen| {
            kitchen
                .lines()
                .filter_map(|line| line.split_once(" #"))
                .filter_map(|(_, rest)| rest.strip_suffix(" is ready"))
                .map(|number| number.parse().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn every_dish_is_cooked_exactly_once_however_many_cooks() {
    for (cooks, dishes) in [(1u32, 0u32), (3, 0), (1, 1), (2, 5), (3, 6), (8, 3), (5, 17), (64, 40)] {
        let stdout = stdout_of(threading().args([
            "kitchen",
            "--cooks",
            &cooks.to_string(),
            "--dishes",
            &dishes.to_string(),
            "--dish-ms",
            "1",
        ]));
        let kitchens = dishes_by_kitchen(&stdout);
        assert_eq!(kitchens.len(), 2, "{stdout}");
        for mut made in kitchens {
            made.sort_unstable();
            assert_eq!(made, (1..=dishes).collect::<Vec<_>>(), "{cooks} cooks, {dishes} dishes:\n{stdout}");
        }
        // One cook alone cooks in order.
        assert_eq!(dishes_by_kitchen(&stdout)[0], (1..=dishes).collect::<Vec<_>>());
        assert!(!stdout.contains("1 dishes") && !stdout.contains("1 cooks"), "{stdout}");
    }
}

/// The team's rows of a `kitchen --timeline` chart, as `true` for a filled cell.
fn team_rows(stdout: &str) -> Vec<Vec<bool>> {
    stdout
        .lines()
        .filter(|line| line.starts_with("cook ") && line.contains('│'))
        .map(|line| line.split('│').nth(1).unwrap().chars().map(|cell| cell == '█').collect())
        .collect()
}

/// Two cooks, two dishes of 0.3 s each: the dishes are cooked at the same
/// time, so the two rows overlap. (The only way for them not to is a lock
/// held while cooking, or a thread started 0.3 s late.)
#[test]
fn cooks_cook_at_the_same_time() {
    let stdout = stdout_of(threading().args([
        "kitchen",
        "--cooks",
        "2",
        "--dishes",
        "2",
        "--dish-ms",
        "300",
        "--timeline",
    ]));
    let rows = team_rows(&stdout);
    assert_eq!(rows.len(), 2, "{stdout}");
    let together = rows[0].iter().zip(&rows[1]).filter(|(first, second)| **first && **second).count();
    assert!(together > 0, "the two cooks never cooked at the same time:\n{stdout}");
}

/// `(threads, count)` from the lines `1 thread:  9592 primes in 0.01 s`.
fn prime_counts(stdout: &str) -> Vec<(u32, u64)> {
    stdout
        .lines()
        .filter(|line| line.contains(" primes in "))
        .map(|line| {
            let numbers: Vec<u64> = line.split([' ', ':']).filter_map(|word| word.parse().ok()).collect();
            (numbers[0] as u32, numbers[1])
        })
        .collect()
}

#[test]
fn cpu_counts_the_same_primes_on_one_thread_and_on_many() {
    // π(x) from any table of primes: 0, 0, 1 (2), 4 (2 3 5 7), 25, 9592.
    for (below, primes) in [(0u64, 0u64), (2, 0), (3, 1), (10, 4), (100, 25), (100_000, 9592)] {
        for threads in [1u32, 2, 3, 7] {
            let stdout = stdout_of(threading().args([
                "cpu",
                "--below",
                &below.to_string(),
                "--threads",
                &threads.to_string(),
            ]));
            assert_eq!(prime_counts(&stdout), [(1, primes), (threads, primes)], "{stdout}");
            assert!(stdout.contains("The same count."), "{stdout}");
            assert!(!stdout.contains("1 threads"), "{stdout}");
        }
    }
}

#[test]
fn cpu_on_one_thread_claims_no_speed_up() {
    // Long enough to be above the lesson's floor (50 ms) on one thread.
    let stdout = stdout_of(threading().args(["cpu", "--below", "1000000", "--threads", "1"]));
    assert!(stdout.contains("One thread both times"), "{stdout}");
    assert!(!stdout.contains("as fast as one"), "{stdout}");
}

#[test]
fn colors_follow_the_flag() {
    let always = stdout_of(threading().args(["square-cube", "--color", "always"]));
    assert!(always.contains("\u{1b}["), "--color always must color the threads' lines");
    let piped = stdout_of(threading().arg("square-cube"));
    assert!(!piped.contains('\u{1b}'), "auto must not color a pipe");
}

#[test]
fn every_example_draws_its_threads_on_the_chart() {
    for (example, rows) in [
        (&["square-cube"][..], 2),
        (&["thread-info"], 3),
        (&["race", "--threads", "2", "--increments", "10"], 2),
        // Dishes long enough that every cook starts before the rail is empty.
        (&["kitchen", "--dish-ms", "30"], 4),
        (&["cpu", "--below", "1000", "--threads", "2"], 3),
    ] {
        let stdout = stdout_of(threading().args(example).arg("--timeline"));
        let heading = stdout
            .lines()
            .find(|line| line.contains(" rows over ") || line.contains(" row over "))
            .unwrap_or_else(|| panic!("{example:?}: no chart in\n{stdout}"));
        assert!(heading.contains(&format!(": {rows} rows over ")), "{example:?}: {heading}");
    }
}

/// `/dev/full` accepts nothing: every write fails with "no space left".
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_ends_with_one_line_and_exit_code_1() {
    // Examples whose lines all come from the main thread: two threads that
    // fail to write at once could each say so before the process ends.
    for example in [&["race", "--increments", "10"][..], &["cpu", "--below", "10"], &["--help"]] {
        shared::testing::cli::assert_full_disk_ends_with_one_line(
            &assert_cmd::cargo::cargo_bin("threading"),
            example,
        );
    }
}

#[test]
fn send_sync_runs_the_arc_version_and_the_compiler_says_which_types_cross() {
    let stdout = stdout_of(threading().arg("send-sync"));
    assert!(stdout.contains("before the threads start: 4 owners of the list"), "{stdout}");
    assert!(stdout.contains("after every join: 1 owner of the list"), "{stdout}");
    for number in 1..=3 {
        assert!(stdout.contains(&format!("thread {number} reads Ada, Grace, Linus")), "{stdout}");
        assert!(stdout.contains(&format!("the book: signed by thread {number}")), "{stdout}");
    }
    let row = |name: &str| {
        stdout.lines().find(|line| line.split_whitespace().next() == Some(name)).unwrap().to_string()
    };
    assert!(row("Rc<Vec<String>>").contains(" no    no "), "{stdout}");
    assert!(row("Arc<Vec<String>>").contains(" yes   yes "), "{stdout}");
    assert!(row("RefCell<u64>").contains(" yes   no "), "{stdout}");
    assert!(row("Arc<RefCell<u64>>").contains(" no    no "), "{stdout}");
    threading().args(["send-sync", "--instant"]).assert().code(2);
}
