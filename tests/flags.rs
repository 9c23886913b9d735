//! Class 4 of issue 15, over the whole catalog: every lesson takes the
//! common flags its `--help` lists, before the example's name (`--color`,
//! the one flag of the lesson itself) and after it (`--color`, and
//! `--timeline`, `--seed`, `--instant` where the example's `--help` lists
//! them); a huge `COLUMNS` draws a chart no wider than the clamp. Class 2:
//! under `--instant`, every duration an example prints says it is virtual.
//!
//! Each example runs its cheapest way (below): small sizes, empty stdin,
//! and for the distributed lesson, whose examples need a Redis server, only
//! `--help`, which clap answers after parsing every flag before it.

mod support;

use course::catalog::LESSONS;
use support::{lesson, run};

/// How to run each example of the catalog cheaply: its arguments after its
/// name, or `None` to check its flags with `--help` only (a server needed).
fn cheapest(lesson: &str, example: &str) -> Option<&'static [&'static str]> {
    let args: &[&str] = match (lesson, example) {
        ("multiprocess", "pipe") => &["--count", "10"],
        ("multiprocess", _) => &[],
        ("threading", "race") => &["--threads", "2", "--increments", "100"],
        ("threading", "kitchen") => &["--dishes", "2", "--dish-ms", "0"],
        ("threading", "cpu") => &["--below", "100", "--threads", "2"],
        ("threading", _) => &[],
        ("coroutine", _) => &[],
        // Chess is on the virtual clock unless --realtime.
        ("async-io", "chess") => &["--boards", "2", "--moves", "2"],
        ("async-io", "stream") => &["--items", "2", "--instant"],
        // OS threads and real sockets: on the real clock.
        ("async-io", "runtime") => &["--tasks", "2", "--workers", "2"],
        ("async-io", "chat") => &["--demo"],
        ("async-io", _) => &["--instant"],
        ("queue", "asyncq") => &["-p", "1", "-c", "1", "--instant"],
        ("queue", _) => &["-p", "1", "-c", "1", "--max-sleep", "0"],
        ("pool", "sequential") => &["--rows", "50"],
        ("pool", _) => &["--rows", "50", "--workers", "2"],
        ("distributed", _) => return None,
        _ => panic!("{lesson} {example}: add the cheapest way to run it to tests/flags.rs"),
    };
    Some(args)
}

/// Every built lesson's examples, with their cheapest arguments.
fn examples() -> Vec<(&'static str, &'static str, Option<&'static [&'static str]>)> {
    LESSONS
        .iter()
        .filter(|lesson| lesson.built)
        .flat_map(|lesson| lesson.examples.iter().map(move |example| (lesson.name, example.name)))
        .map(|(lesson, example)| (lesson, example, cheapest(lesson, example)))
        .collect()
}

/// The flags `lesson example --help` lists.
fn listed_flags(lesson_name: &str, example: &str) -> String {
    let mut help = lesson(lesson_name);
    help.args([example, "--help"]);
    let (code, stdout, stderr) = run(help, "");
    assert_eq!(code, Some(0), "{lesson_name} {example} --help\n{stdout}{stderr}");
    stdout
}

/// Whether `help` lists the long flag `flag`.
fn lists(help: &str, flag: &str) -> bool {
    help.lines().any(|line| line.trim_start().starts_with(&format!("{flag} ")) || line.trim() == flag)
        || help.contains(&format!(", {flag}"))
}

/// What the input-workers read: a number that takes no time, then the end.
const INPUT: &str = "0\n";

/// Runs `lesson args` with [`INPUT`] and asserts that it succeeded.
fn accepted(lesson_name: &str, args: &[&str]) -> String {
    let mut command = lesson(lesson_name);
    command.args(args);
    let (code, stdout, stderr) = run(command, INPUT);
    assert!(
        code == Some(0),
        "{lesson_name} {args:?} exited {code:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    stdout
}

#[test]
fn every_example_takes_color_before_and_after_its_name() {
    for (lesson_name, example, args) in examples() {
        let args = args.unwrap_or(&["--help"]);
        let before: Vec<&str> =
            ["--color", "never", example].into_iter().chain(args.iter().copied()).collect();
        let after: Vec<&str> =
            std::iter::once(example).chain(args.iter().copied()).chain(["--color", "never"]).collect();
        for line in [before, after] {
            let stdout = accepted(lesson_name, &line);
            assert!(!stdout.contains('\u{1b}'), "{lesson_name} {line:?} colored its output:\n{stdout}");
        }
    }
}

#[test]
fn a_lesson_with_a_default_example_takes_color_before_the_default() {
    // `queue` runs `asyncq`, `pool` runs `compare` when no example is named.
    accepted("queue", &["--color", "never", "-p", "1", "-c", "1", "--max-sleep", "0", "--instant"]);
    accepted("pool", &["--color", "never", "--rows", "10", "--workers", "1"]);
    let mut wrong = lesson("pool");
    wrong.args(["--color", "sometimes", "sequential"]);
    assert_eq!(run(wrong, "").0, Some(2), "a bad value is still a usage error");
}

#[test]
fn every_common_flag_an_example_lists_is_taken_after_its_name() {
    for (lesson_name, example, args) in examples() {
        let help = listed_flags(lesson_name, example);
        let Some(args) = args else {
            // Distributed: the flags it lists parse (clap answers --help last).
            for flag in ["--timeline", "--instant"].into_iter().filter(|flag| lists(&help, flag)) {
                accepted(lesson_name, &[example, flag, "--help"]);
            }
            continue;
        };
        let base: Vec<&str> = std::iter::once(example).chain(args.iter().copied()).collect();
        for extra in [&["--timeline"][..], &["--seed", "7"], &["--instant"]] {
            if lists(&help, extra[0]) && !base.contains(&extra[0]) {
                let line: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
                let stdout = accepted(lesson_name, &line);
                if extra[0] == "--timeline" {
                    assert!(stdout.contains("└"), "{lesson_name} {line:?} drew no chart:\n{stdout}");
                }
            }
        }
    }
}

#[test]
fn pool_methods_take_timeline_and_title_the_chart_with_what_ran() {
    for example in
        ["sequential", "apply", "map", "starmap", "apply-async", "map-async", "starmap-async", "compare"]
    {
        let workers: &[&str] = if example == "sequential" { &[] } else { &["--workers", "2"] };
        let line: Vec<&str> =
            [example, "--rows", "50", "--timeline"].into_iter().chain(workers.iter().copied()).collect();
        let stdout = accepted("pool", &line);
        let title =
            stdout.lines().find(|line| line.ends_with("(real time)")).unwrap_or_else(|| panic!("{stdout}"));
        if example == "sequential" {
            assert!(title.starts_with("The sequential loop, on the main thread:"), "{title}");
        } else {
            assert!(title.starts_with("The loop, then "), "{example}: {title}");
        }
    }
}

#[test]
fn a_huge_columns_draws_a_chart_no_wider_than_the_clamp() {
    const MAX_WIDTH: usize = 1000; // shared::timeline::MAX_WIDTH
    for (lesson_name, example, args) in examples() {
        let Some(args) = args else { continue };
        if !lists(&listed_flags(lesson_name, example), "--timeline") {
            continue;
        }
        let mut command = lesson(lesson_name);
        command.arg(example).args(args).arg("--timeline").env("COLUMNS", "100000000000");
        let (code, stdout, stderr) = run(command, INPUT);
        assert_eq!(code, Some(0), "{lesson_name} {example}:\n{stdout}\n{stderr}");
        let widest = stdout.lines().map(|line| line.chars().count()).max().unwrap_or(0);
        assert!(widest <= MAX_WIDTH, "{lesson_name} {example}: a line of {widest} characters");
    }
}

/// Whether `line` states a duration: a number followed by a unit of time
/// (`0.10 s`, `2.00000 seconds`, `45.0 ms`).
fn states_a_duration(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(2).any(|pair| {
        let number = pair[0].trim_start_matches(['(', '[']);
        let unit = pair[1].trim_end_matches(['.', ',', ';', ':', ')']);
        !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
            && number.chars().any(|c| c.is_ascii_digit())
            && ["s", "ms", "µs", "ns", "second", "seconds"].contains(&unit)
    })
}

#[test]
fn under_instant_every_printed_duration_says_it_is_virtual() {
    assert!(states_a_duration("got    1 at 0.10 s"));
    assert!(states_a_duration("in 2.00000 seconds."));
    assert!(!states_a_duration("Table: 50 rows × 5 numbers"));
    let mut checked = 0;
    for (lesson_name, example, args) in examples() {
        let Some(args) = args else { continue };
        let help = listed_flags(lesson_name, example);
        if !lists(&help, "--instant") {
            continue;
        }
        let mut command = lesson(lesson_name);
        command.arg(example).args(args);
        if !args.contains(&"--instant") {
            command.arg("--instant");
        }
        // input-worker: two numbers, then the end of input.
        let (code, stdout, stderr) = run(command, "1\n2\n");
        assert_eq!(code, Some(0), "{lesson_name} {example} --instant:\n{stdout}\n{stderr}");
        for line in stdout.lines().filter(|line| states_a_duration(line)) {
            assert!(line.contains("virtual"), "{lesson_name} {example} --instant: {line:?}");
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} examples take --instant");
}
