//! The exercise runner behind `cargo run -- exercises | check | hint | reset
//! | solution | verify-exercises`.
//!
//! A check is `cargo test -p <name> --test check` in the exercises'
//! workspace (`exercises/`, or the folder `COURSE_EXERCISES` names): cargo
//! already knows how to build one crate of a workspace and report a compile
//! error or a failed assertion, so the runner only runs it, keeps the lines
//! that say what is wrong, adds the hint, and records the result in
//! `exercises/.progress` (git-ignored).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use shared::{eprintln, println};

use crate::catalog::LESSONS;
use crate::exercises::{EXERCISES, Exercise, exercise};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();

/// The environment variable that points the runner at another exercises
/// folder (the tests use a copy in a temporary folder).
pub const ROOT_VARIABLE: &str = "COURSE_EXERCISES";

/// The exit code of a bad command line (an unknown exercise), as clap's.
const USAGE: u8 = 2;

/// The language of hints and of the runner's own lines.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Russian.
    Ru,
}

impl Lang {
    /// The book's folder: `docs/<code>/`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// `--lang` when given; otherwise Russian when `LANG` starts with `ru`
    /// (`ru_RU.UTF-8`), as a Russian-speaking learner's terminal says.
    pub fn resolve(flag: Option<Lang>) -> Lang {
        flag.unwrap_or_else(|| {
            let lang = std::env::var("LANG").unwrap_or_default();
            if lang.to_ascii_lowercase().starts_with("ru") { Lang::Ru } else { Lang::En }
        })
    }

    fn pick<'a>(self, english: &'a str, russian: &'a str) -> &'a str {
        match self {
            Lang::En => english,
            Lang::Ru => russian,
        }
    }
}

/// Where a learner stands on one exercise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Never checked (or reset since).
    NotStarted,
    /// Its last check failed.
    Failing,
    /// Its last check passed.
    Passed,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::NotStarted => "not-started",
            State::Failing => "failing",
            State::Passed => "passed",
        }
    }

    fn label(self, lang: Lang) -> (Style, &'static str) {
        match self {
            State::NotStarted => (DIM, lang.pick("not started", "не начато")),
            State::Failing => (RED, lang.pick("failing", "не проходит")),
            State::Passed => (GREEN, lang.pick("passed", "пройдено")),
        }
    }
}

/// The exercises' folder: `COURSE_EXERCISES`, or `exercises/` beside this crate.
pub fn root() -> PathBuf {
    std::env::var_os(ROOT_VARIABLE)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises"))
}

/// The exercises' folder, or a clear error when it holds no exercises'
/// workspace (a wrong `COURSE_EXERCISES`, or the folder deleted).
fn existing_root() -> Result<PathBuf, ExitCode> {
    let root = root();
    if root.join("Cargo.toml").is_file() {
        Ok(root)
    } else {
        eprintln!("error: no exercises in {} (it has no Cargo.toml)", shown(&root));
        Err(ExitCode::FAILURE)
    }
}

/// `path`, relative to the current folder when it is inside it: the
/// learner sees `exercises/threading/…`, a path to click or type.
fn shown(path: &Path) -> String {
    let relative =
        std::env::current_dir().ok().and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf));
    relative.unwrap_or_else(|| path.to_path_buf()).display().to_string()
}

/// The progress file: one `name state` line per exercise checked.
struct Progress {
    path: PathBuf,
    states: BTreeMap<String, State>,
}

impl Progress {
    /// Reads the progress file; a missing or unreadable one is an empty
    /// record (it is a convenience, never a reason to refuse a check).
    fn load(root: &Path) -> Progress {
        let path = root.join(".progress");
        let text =
            fs::read(&path).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default();
        let states = text
            .lines()
            .filter_map(|line| {
                let (name, state) = line.split_once(' ')?;
                let state = match state.trim() {
                    "passed" => State::Passed,
                    "failing" => State::Failing,
                    _ => return None,
                };
                exercise(name).map(|_| (name.to_string(), state))
            })
            .collect();
        Progress { path, states }
    }

    fn state(&self, name: &str) -> State {
        self.states.get(name).copied().unwrap_or(State::NotStarted)
    }

    /// Records `state` and writes the file whole (atomically: an interrupted
    /// write leaves the previous record, never half a file).
    fn set(&mut self, name: &str, state: State) {
        if state == State::NotStarted {
            self.states.remove(name);
        } else {
            self.states.insert(name.to_string(), state);
        }
        let mut text =
            String::from("# Your progress: `cargo run -- exercises` reads it. Delete it to start over.\n");
        for (name, state) in &self.states {
            text.push_str(&format!("{name} {}\n", state.word()));
        }
        if let Err(error) = shared::files::write_atomically(&self.path, text.as_bytes()) {
            eprintln!("warning: cannot record your progress in {}: {error}", shown(&self.path));
        }
    }
}

/// The exercise named `name`, or a clear message with the closest names and
/// the usage exit code.
fn find(name: &str) -> Result<&'static Exercise, ExitCode> {
    if let Some(found) = exercise(name) {
        return Ok(found);
    }
    eprintln!("error: no exercise is named '{name}'");
    let close = closest(name);
    if !close.is_empty() {
        eprintln!("\n  tip: the closest: {}", close.join(", "));
    }
    eprintln!("\nList them all with: cargo run -- exercises");
    Err(ExitCode::from(USAGE))
}

/// The exercise named `name` and the exercises folder it lives in, or the
/// message and exit code of whichever is missing: what `check`, `reset` and
/// `solution` start with.
fn find_with_root(name: &str) -> Result<(&'static Exercise, PathBuf), ExitCode> {
    Ok((find(name)?, existing_root()?))
}

/// Up to three exercise names nearest to `name`: by edit distance, or
/// containing it (`fetch` finds `th-fetch-add`).
pub fn closest(name: &str) -> Vec<&'static str> {
    let wanted = name.to_lowercase();
    let mut scored: Vec<(usize, &'static str)> = EXERCISES
        .iter()
        .filter_map(|exercise| {
            let distance = edit_distance(&wanted, exercise.name);
            let near = distance <= (exercise.name.len() / 3).max(2);
            let contains = wanted.len() >= 3 && exercise.name.contains(&wanted);
            (near || contains).then_some((if contains { 0 } else { distance }, exercise.name))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

/// Levenshtein distance, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b_char) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a_char != *b_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The cargo that runs us (`cargo run` sets `CARGO`), or the one on `PATH`.
fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in `dir`, capturing its output. A learner's
/// `RUST_BACKTRACE=1` would add a backtrace to every failed assertion;
/// the check's message is the assertion's, so it is removed.
fn run_cargo(dir: &Path, args: &[&str], target: Option<&Path>) -> io::Result<Output> {
    let mut command = Command::new(cargo());
    command.args(args).current_dir(dir).env_remove("RUST_BACKTRACE").stdin(Stdio::null());
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    command.output()
}

/// The cargo profile of `verify-exercises` (see `exercises/Cargo.toml`).
const VERIFY_PROFILE: &str = "verify";

/// Builds and runs one exercise's check in the workspace at `root`, in
/// cargo's `profile`.
fn run_check(root: &Path, exercise: &Exercise, profile: &str, target: Option<&Path>) -> io::Result<Output> {
    let args =
        ["test", "--quiet", "--color", "never", "--profile", profile, "-p", exercise.name, "--test", "check"];
    run_cargo(root, &args, target)
}

/// What a failed check says, without cargo's and the test harness's
/// framing: the compiler's errors as they are, or each failed test's panic
/// message.
pub fn failure_message(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.starts_with("error: test failed, to rerun") && !is_backtrace_note(line))
        .collect();
    let mut inside = false;
    for line in stdout.lines() {
        if line.starts_with("---- ") && line.ends_with(" stdout ----") {
            inside = true;
        } else if line == "failures:" {
            inside = false;
        } else if inside && !is_backtrace_note(line) {
            lines.push(line);
        }
    }
    lines.join("\n").trim().to_string()
}

fn is_backtrace_note(line: &str) -> bool {
    line.starts_with("note: run with `RUST_BACKTRACE=1`")
}

/// `cargo run -- exercises`: every exercise by lesson, with its state.
pub fn list(lang: Lang) -> ExitCode {
    let root = match existing_root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let progress = Progress::load(&root);
    println!("{BOLD}{}{BOLD:#} {DIM}({}){DIM:#}\n", lang.pick("Exercises", "Упражнения"), shown(&root));
    let mut passed = 0;
    for lesson in LESSONS {
        let exercises: Vec<&Exercise> = EXERCISES.iter().filter(|e| e.lesson == lesson.name).collect();
        if exercises.is_empty() {
            continue;
        }
        println!("{BOLD}{}{BOLD:#} {DIM}docs/{}/{}.md{DIM:#}", lesson.name, lang.code(), lesson.name);
        for exercise in exercises {
            let state = progress.state(exercise.name);
            passed += usize::from(state == State::Passed);
            let (style, label) = state.label(lang);
            let when = if exercise.in_class {
                lang.pick("class", "в классе")
            } else {
                lang.pick("homework", "домашнее")
            };
            println!(
                "  {style}{label:<12}{style:#} {BOLD}{:<19}{BOLD:#} {DIM}{:<8} {when:<9}{DIM:#} {}",
                exercise.name,
                lang.pick(exercise.kind.label(), exercise.kind.label_ru()),
                lang.pick(exercise.concept, exercise.concept_ru)
            );
        }
        println!();
    }
    println!(
        "{passed} / {} {}. {}: cargo run -- check NAME",
        EXERCISES.len(),
        lang.pick("passed", "пройдено"),
        lang.pick("Check one", "Проверить")
    );
    ExitCode::SUCCESS
}

/// `cargo run -- check NAME`.
pub fn check(name: &str, lang: Lang) -> ExitCode {
    let (exercise, root) = match find_with_root(name) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let file = root.join(exercise.path());
    println!(
        "{BOLD}{}{BOLD:#}: {} {DIM}({} § {}){DIM:#}",
        exercise.name,
        lang.pick(exercise.concept, exercise.concept_ru),
        exercise.chapter_in(lang.code()),
        lang.pick(exercise.section, exercise.section_ru)
    );
    println!("{DIM}{} {}…{DIM:#}", lang.pick("building and checking", "сборка и проверка"), shown(&file));
    let output = match run_check(&root, exercise, "dev", None) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("error: cannot run cargo: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut progress = Progress::load(&root);
    if output.status.success() {
        progress.set(exercise.name, State::Passed);
        println!("\n{GREEN}✓ {} {}{GREEN:#}", exercise.name, lang.pick("passes", "пройдено"));
        println!(
            "{}: cargo run -- solution {}",
            lang.pick("Compare with a solution", "Сравните с решением"),
            exercise.name
        );
        if let Some(next) = EXERCISES.iter().find(|e| progress.state(e.name) != State::Passed) {
            println!("{}: cargo run -- check {}", lang.pick("Next", "Дальше"), next.name);
        }
        return ExitCode::SUCCESS;
    }
    progress.set(exercise.name, State::Failing);
    let message = failure_message(&output);
    println!(
        "\n{RED}✗ {} {}{RED:#}",
        exercise.name,
        lang.pick("does not pass yet. The check says:", "пока не проходит. Проверка сообщает:")
    );
    println!("\n{message}\n");
    println!("{YELLOW}{}{YELLOW:#}: {}", lang.pick("hint", "подсказка"), hint_of(exercise, lang));
    println!(
        "{} {}, {}: cargo run -- check {}",
        lang.pick("Edit", "Исправьте"),
        shown(&file),
        lang.pick("then", "затем"),
        exercise.name
    );
    ExitCode::FAILURE
}

fn hint_of(exercise: &Exercise, lang: Lang) -> &'static str {
    lang.pick(exercise.hint, exercise.hint_ru)
}

/// `cargo run -- hint NAME`.
pub fn hint(name: &str, lang: Lang) -> ExitCode {
    match find(name) {
        Ok(exercise) => {
            println!("{YELLOW}{}{YELLOW:#}: {}", exercise.name, hint_of(exercise, lang));
            println!(
                "{DIM}{} § {}{DIM:#}",
                exercise.chapter_in(lang.code()),
                lang.pick(exercise.section, exercise.section_ru)
            );
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// `cargo run -- reset NAME`: the file as given, and the state "not started".
pub fn reset(name: &str, lang: Lang) -> ExitCode {
    let (exercise, root) = match find_with_root(name) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let file = root.join(exercise.path());
    let start = match fs::read(root.join(exercise.start())) {
        Ok(start) => start,
        Err(error) => {
            eprintln!(
                "error: cannot read the starting file {}: {error}",
                shown(&root.join(exercise.start()))
            );
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = shared::files::write_atomically(&file, &start) {
        eprintln!("error: cannot write {}: {error}", shown(&file));
        return ExitCode::FAILURE;
    }
    Progress::load(&root).set(exercise.name, State::NotStarted);
    println!(
        "{}: {} {}",
        exercise.name,
        shown(&file),
        lang.pick("is as given again", "снова в исходном виде")
    );
    ExitCode::SUCCESS
}

/// `cargo run -- solution NAME [--force]`: shown once the exercise passes;
/// before that only with `--force`, and with a warning.
pub fn solution(name: &str, force: bool, lang: Lang) -> ExitCode {
    let (exercise, root) = match find_with_root(name) {
        Ok(found) => found,
        Err(code) => return code,
    };
    if Progress::load(&root).state(exercise.name) != State::Passed {
        if !force {
            eprintln!(
                "error: {} {}",
                exercise.name,
                lang.pick(
                    "has not passed yet. Try the hint first (cargo run -- hint NAME); \
                     to see the solution anyway, add --force.",
                    "ещё не пройдено. Сначала попробуйте подсказку (cargo run -- hint NAME); \
                     чтобы всё равно увидеть решение, добавьте --force."
                )
                .replace("NAME", exercise.name)
            );
            return ExitCode::FAILURE;
        }
        eprintln!(
            "{YELLOW}warning{YELLOW:#}: {}",
            lang.pick(
                "you have not solved this one yet: reading a solution teaches less than finding it.",
                "это упражнение ещё не решено: готовое решение учит меньше, чем найденное самому."
            )
        );
    }
    let path = root.join(exercise.solution());
    match fs::read_to_string(&path) {
        Ok(text) => {
            println!("{DIM}// {}{DIM:#}", shown(&path));
            shared::print!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", shown(&path));
            ExitCode::FAILURE
        }
    }
}

/// Copies the folder `from` into `to`, file by file (`target/` and the
/// progress file left out).
fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".progress" {
            continue;
        }
        let destination = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &destination)?;
        } else {
            fs::copy(entry.path(), destination)?;
        }
    }
    Ok(())
}

/// `cargo run -- verify-exercises [NAME…]`, what CI runs: in a copy of the
/// exercises (the learner's files are never touched), every exercise as
/// given must fail its check; with its solution applied it must pass, and
/// the solutions must be rustfmt- and clippy-clean. Builds go to the
/// exercises' one `target/`, shared with the learner's checks.
pub fn verify(names: &[String]) -> ExitCode {
    let started = Instant::now();
    let root = match existing_root() {
        Ok(root) => root,
        Err(code) => return code,
    };
    let mut chosen = Vec::new();
    for name in names {
        match find(name) {
            Ok(exercise) => chosen.push(exercise),
            Err(code) => return code,
        }
    }
    if chosen.is_empty() {
        chosen = EXERCISES.iter().collect();
    }
    // One target folder for every build: the learner's (or CARGO_TARGET_DIR).
    let target = match std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => std::env::current_dir().map(|here| here.join(&dir)).unwrap_or(dir),
        None => root.join("target"),
    };
    let copy = root.join("target").join("verify-copy");
    let prepared = (|| -> io::Result<()> {
        if copy.exists() {
            fs::remove_dir_all(&copy)?;
        }
        copy_tree(&root, &copy)?;
        // The copy is checked as given, whatever the learner has edited.
        for exercise in EXERCISES {
            fs::copy(root.join(exercise.start()), copy.join(exercise.path()))?;
        }
        Ok(())
    })();
    if let Err(error) = prepared {
        eprintln!("error: cannot copy the exercises to {}: {error}", shown(&copy));
        return ExitCode::FAILURE;
    }
    let mut problems: Vec<String> = consistency_problems(&root);
    // On a fresh clone every learner's file is its start: a difference means
    // one of the two copies was changed without the other. While a learner
    // works it is expected, so only CI (`CI=true`, set by .ci/run) fails on it.
    let in_ci = std::env::var("CI").is_ok_and(|ci| ci == "true");
    for exercise in EXERCISES {
        let same = fs::read(root.join(exercise.path())).ok() == fs::read(root.join(exercise.start())).ok();
        if !same {
            let what = format!("{} differs from {}", exercise.path(), exercise.start());
            if in_ci {
                problems.push(what);
            } else {
                println!("{DIM}note: {what} (edited; the copy is checked with the start){DIM:#}");
            }
        }
    }

    println!("{BOLD}1. as given, every check fails{BOLD:#}");
    for exercise in &chosen {
        match run_check(&copy, exercise, VERIFY_PROFILE, Some(&target)) {
            Ok(output) if output.status.success() => {
                println!("  {RED}✗{RED:#} {}: passes as given", exercise.name);
                problems
                    .push(format!("{} passes as given: its check does not test the concept", exercise.name));
            }
            Ok(output) => {
                let message = failure_message(&output);
                // The assertion's or the compiler's first line, not the
                // harness's "thread … panicked at" nor a warning.
                let first = message
                    .lines()
                    .find(|line| {
                        let line = line.trim();
                        !line.is_empty() && !line.starts_with("thread '") && !line.starts_with("warning")
                    })
                    .unwrap_or("(no message)");
                println!("  {GREEN}✓{GREEN:#} {:<19} {DIM}{first}{DIM:#}", exercise.name);
                if message.is_empty() {
                    problems
                        .push(format!("{} fails as given, but its check prints no message", exercise.name));
                }
            }
            Err(error) => {
                eprintln!("error: cannot run cargo: {error}");
                return ExitCode::FAILURE;
            }
        }
    }

    println!("{BOLD}2. with the solutions, every check passes, clippy- and rustfmt-clean{BOLD:#}");
    for exercise in &chosen {
        if let Err(error) = fs::copy(root.join(exercise.solution()), copy.join(exercise.path())) {
            eprintln!("error: cannot apply the solution of {}: {error}", exercise.name);
            return ExitCode::FAILURE;
        }
    }
    let mut packages: Vec<&str> = Vec::new();
    for exercise in &chosen {
        packages.extend(["-p", exercise.name]);
    }
    let steps: [(&str, Vec<&str>); 3] = [
        (
            "tests",
            [
                &[
                    "test",
                    "--quiet",
                    "--color",
                    "never",
                    "--locked",
                    "--profile",
                    VERIFY_PROFILE,
                    "--test",
                    "check",
                ][..],
                &packages,
            ]
            .concat(),
        ),
        (
            "clippy",
            [
                &[
                    "clippy",
                    "--quiet",
                    "--color",
                    "never",
                    "--locked",
                    "--profile",
                    VERIFY_PROFILE,
                    "--all-targets",
                ][..],
                &packages,
                &["--", "-D", "warnings"],
            ]
            .concat(),
        ),
        ("rustfmt", [&["fmt", "--check"][..], &packages].concat()),
    ];
    for (step, args) in steps {
        match run_cargo(&copy, &args, Some(&target)) {
            Ok(output) if output.status.success() => println!("  {GREEN}✓{GREEN:#} {step}"),
            Ok(output) => {
                println!("  {RED}✗{RED:#} {step}:");
                let message = failure_message(&output);
                let shown_message = if message.is_empty() {
                    String::from_utf8_lossy(&output.stdout).into_owned()
                } else {
                    message
                };
                println!("{shown_message}");
                problems.push(format!("the solutions fail {step}"));
            }
            Err(error) => {
                eprintln!("error: cannot run cargo: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if problems.is_empty() {
        let count = match chosen.len() {
            1 => "1 exercise".to_string(),
            many => format!("{many} exercises"),
        };
        println!("\n{GREEN}{count} verified{GREEN:#} in {seconds:.0} s");
        ExitCode::SUCCESS
    } else {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        ExitCode::FAILURE
    }
}

/// What is wrong with the exercises' files and the catalog, checked without
/// building: each exercise has its start, solution and check; the start
/// marks where to change it and differs from the solution; each folder on
/// disk is in the catalog.
pub fn consistency_problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for exercise in EXERCISES {
        let read = |relative: String| fs::read_to_string(root.join(&relative)).map_err(|_| relative);
        match (
            read(exercise.start()),
            read(exercise.solution()),
            read(format!("{}/tests/check.rs", exercise.folder())),
        ) {
            (Ok(start), Ok(solution), Ok(_)) => {
                if !start.contains("TODO") {
                    problems.push(format!("{}: the start marks no `TODO`", exercise.name));
                }
                if start == solution {
                    problems.push(format!("{}: the solution is the start", exercise.name));
                }
            }
            (start, solution, check) => {
                for missing in [start.err(), solution.err(), check.err()].into_iter().flatten() {
                    problems.push(format!("{}: {missing} is missing", exercise.name));
                }
            }
        }
        if !root.join(exercise.path()).is_file() {
            problems.push(format!("{}: {} is missing", exercise.name, exercise.path()));
        }
    }
    for lesson in LESSONS {
        let Ok(entries) = fs::read_dir(root.join(lesson.name)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if exercise(&name).is_none_or(|known| known.lesson != lesson.name) {
                problems.push(format!("{}/{name} is not in src/exercises.rs", lesson.name));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_the_exercise() {
        assert_eq!(closest("th-fetch-ad"), ["th-fetch-add"]);
        assert_eq!(closest("fetch")[0], "th-fetch-add");
        assert!(closest("zzzzzzzzzzzzzz").is_empty());
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
