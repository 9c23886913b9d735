//! The real `pool` binary, run as a learner runs it.

use assert_cmd::Command;
use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in, success_stdout};

fn pool() -> Command {
    let mut command = Command::cargo_bin("pool").unwrap();
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env("COLUMNS", "100");
    command
}

fn stdout_of(command: &mut Command) -> String {
    success_stdout(command.output().unwrap())
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(pool().arg("--help"));
    let lesson = course::catalog::lesson("pool").unwrap();
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(examples_in(&help), expected);
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    let flags = |example: &str| flags_in(&stdout_of(pool().args([example, "--help"])));
    let pools = ["--rows", "--best-of", "--workers", "--color", "--seed"];
    assert_eq!(flags("sequential"), ["--rows", "--best-of", "--color", "--seed", "--timeline"]);
    assert_eq!(flags("apply"), [&pools[..], &["--timeline"]].concat());
    assert_eq!(
        flags("compare"),
        ["--rows", "--best-of", "--workers", "--chunk", "--color", "--seed", "--timeline"]
    );
    for example in ["map", "starmap", "map-async", "starmap-async"] {
        assert_eq!(flags(example), [&pools[..], &["--timeline"]].concat(), "{example}");
    }
    assert_eq!(
        flags("apply-async"),
        ["--rows", "--best-of", "--workers", "--chunk", "--color", "--seed", "--timeline"]
    );
    assert_eq!(flags("dataframe"), ["--rows", "--workers", "--color", "--seed"]);
}

#[test]
fn compare_lists_every_method_on_both_pools_and_checks_them() {
    let stdout = stdout_of(pool().args(["compare", "--rows", "10000"]));
    let table: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.starts_with("method"))
        .take_while(|line| !line.is_empty())
        .collect();
    for python in
        ["Pool.apply", "Pool.map", "Pool.starmap", "Pool.apply_async", "Pool.map_async", "Pool.starmap_async"]
    {
        let lines: Vec<&str> =
            table.iter().copied().filter(|line| line.split_whitespace().nth(1) == Some(python)).collect();
        assert_eq!(lines.len(), 2, "{python}:\n{stdout}");
        assert!(lines[0].contains("home-made") && lines[1].contains("rayon"), "{python}:\n{stdout}");
    }
    assert_eq!(table.len(), 14, "a heading, the loop and 12 methods:\n{stdout}");
    assert!(table[1].starts_with("sequential") && table[1].contains("plain loop"), "{stdout}");
    let heading = table[0];
    for column in ["Python original", "pool", "time", "speed-up", "overhead per task"] {
        assert!(heading.contains(column), "{heading}");
    }
    assert!(stdout.contains("Every method counted what the loop counted (10,000 counts each)"), "{stdout}");
    // No example name given: compare, with its flags.
    let default = stdout_of(pool().args(["--rows", "100", "--workers", "1"]));
    assert!(default.contains("Pool.starmap_async") && default.contains("1 worker thread."), "{default}");
}

#[test]
fn every_example_runs_on_tiny_tables_and_says_nothing_false() {
    for example in [
        "sequential",
        "apply",
        "map",
        "starmap",
        "apply-async",
        "map-async",
        "starmap-async",
        "compare",
        "dataframe",
    ] {
        for rows in ["0", "1"] {
            let stdout = stdout_of(pool().args([example, "--rows", rows]));
            assert!(
                !stdout.contains("1 rows") && !stdout.contains(" 1 counts"),
                "{example} {rows}:\n{stdout}"
            );
            assert!(!stdout.contains("WRONG"), "{example} {rows}:\n{stdout}");
        }
    }
}

#[test]
fn the_seed_changes_the_data_and_nothing_else_does() {
    let first_ten = |args: &[&str]| {
        let stdout = stdout_of(pool().arg("sequential").args(args));
        stdout.lines().find(|line| line.contains("first ten counts")).unwrap().to_string()
    };
    let default = first_ten(&[]);
    assert_eq!(default, first_ten(&["--seed", "444"]));
    assert_ne!(default, first_ten(&["--seed", "445"]));
    // The first rows of a larger table are the smaller table.
    assert_eq!(default, first_ten(&["--rows", "10"]));
    let map_first_ten = |workers: &str| {
        let stdout = stdout_of(pool().args(["map", "--rows", "1000", "--workers", workers]));
        stdout
            .lines()
            .filter(|line| line.contains("first ten counts"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(map_first_ten("1"), map_first_ten("3"));
}

#[test]
fn best_of_runs_each_method_that_many_times_and_says_so() {
    let stdout = stdout_of(pool().args(["map", "--rows", "1000", "--best-of", "3", "--timeline"]));
    let noted = stdout.lines().filter(|line| line.contains("(fastest of 3 runs)")).count();
    assert_eq!(noted, 3, "the loop and both pools' map:\n{stdout}");
    let once = stdout_of(pool().args(["map", "--rows", "1000"]));
    assert!(!once.contains("fastest of"), "{once}");
}

#[test]
fn apply_says_why_it_is_slower_with_the_cost_per_task() {
    let stdout = stdout_of(pool().args(["apply", "--rows", "2000", "--workers", "2"]));
    let why = stdout.lines().find(|line| line.starts_with("Why apply is slower")).expect(&stdout);
    assert!(why.contains("per row on the counting") && why.contains("more per row"), "{why}");
}

#[test]
fn the_async_examples_say_how_soon_the_call_returned() {
    for (example, name) in [("map-async", "map_async"), ("starmap-async", "starmap_async")] {
        let stdout = stdout_of(pool().args([example, "--rows", "5000"]));
        assert!(stdout.contains(&format!("{name} returned after")), "{stdout}");
    }
}

/// Which worker takes which chunk is up to the scheduler (on two cores a
/// third worker may get none), so only the rows that must be there are.
#[test]
fn the_timeline_draws_the_main_thread_and_the_workers() {
    let stdout = stdout_of(pool().args(["map", "--rows", "50000", "--workers", "3", "--timeline"]));
    let rows: Vec<&str> = stdout.lines().filter(|line| line.contains('│')).collect();
    assert!(rows[0].starts_with("main "), "{stdout}");
    assert!(rows.len() >= 2 && rows[1..].iter().all(|row| row.starts_with("worker #")), "{stdout}");
    assert!(rows.len() <= 4, "one row per worker at most: {stdout}");
}

#[test]
fn bad_sizes_are_refused_with_a_clear_message() {
    for (args, message) in [
        (&["map", "--rows", "-1"][..], "at least 0 rows"),
        (&["map", "--rows", "20000001"], "at most 20,000,000 rows"),
        (&["compare", "--rows", "99999999999999999999999999999999999999999999"], "at most 20,000,000 rows"),
        (&["map", "--rows", "many"], "not a whole number of rows"),
        (&["map", "--workers", "0"], "at least 1 worker"),
        (&["apply", "--workers", "-2"], "at least 1 worker"),
        (&["map", "--workers", "100000"], "at most 256 workers"),
        (&["apply-async", "--chunk", "0"], "at least 1 row per task"),
        (&["dataframe", "--rows", "-5"], "at least 0 rows"),
        (&["--rows", "-1"], "at least 0 rows"),
        (&["map", "--best-of", "0"], "--best-of"),
    ] {
        pool()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message).and(predicate::str::contains("panicked").not()));
    }
}

#[test]
fn instant_is_refused_with_one_line() {
    for example in ["sequential", "apply", "map", "compare", "dataframe"] {
        let output = pool().args([example, "--instant"]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{example}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: --instant is not available here"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn no_progress_bar_reaches_a_pipe() {
    // apply over 100,000 rows takes over a second in a debug build: the bar
    // would be drawn on a terminal, and must not be on a pipe.
    let output = pool().args(["apply", "--rows", "100000"]).output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
