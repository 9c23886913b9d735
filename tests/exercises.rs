//! The exercises and their runner (issue 19): the catalog matches the files
//! and the book; a learner's session works end to end (list, a failing
//! check with its hint, the fix, a passing check, reset, failing again);
//! and the CI verification fails when an exercise passes as given.
//!
//! The sessions run the real `course` binary on a copy of the exercises
//! (`COURSE_EXERCISES` points the runner at it), so the learner's own files
//! and progress are never touched. The copy is always at the same place,
//! `target/exercises-test/copy`, with its builds beside it, one test at a
//! time: cargo names an exercise's artifacts by package, not by folder, so
//! two copies sharing a target folder would run each other's builds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Mutex, MutexGuard, PoisonError};

use assert_cmd::Command;
use course::catalog::LESSONS;
use course::exercises::{EXERCISES, exercise};
use course::runner::{ROOT_VARIABLE, consistency_problems};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn exercises_root() -> PathBuf {
    repository().join("exercises")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Where the tests' copy and its builds live.
fn test_folder() -> PathBuf {
    repository().join("target").join("exercises-test")
}

/// One test at a time uses the copy.
static COPY_IN_USE: Mutex<()> = Mutex::new(());

/// A fresh copy of the exercises (without `target/` and progress), for one
/// test; removed when dropped (its builds stay, for the next test).
struct Copy {
    dir: PathBuf,
    _one_at_a_time: MutexGuard<'static, ()>,
}

impl Copy {
    fn new() -> Copy {
        let guard = COPY_IN_USE.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = test_folder().join("copy");
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        copy_tree(&exercises_root(), &dir);
        // As on a fresh clone, whatever the developer has edited in exercises/.
        for exercise in EXERCISES {
            fs::copy(dir.join(exercise.start()), dir.join(exercise.path())).unwrap();
        }
        Copy { dir, _one_at_a_time: guard }
    }

    /// Runs `course <args>` on this copy, in English unless `LANG` is given.
    fn course(&self, args: &[&str], lang: Option<&str>) -> Output {
        let mut command = Command::cargo_bin("course").unwrap();
        command
            .args(args)
            .env(ROOT_VARIABLE, &self.dir)
            .env("CARGO_TARGET_DIR", test_folder().join("target"))
            .env("NO_COLOR", "1")
            .env("LANG", lang.unwrap_or("C.UTF-8"))
            .env_remove("CARGO_TERM_COLOR");
        command.output().unwrap()
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".progress" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else {
            fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn at_least_24_exercises_three_per_lesson_each_tied_to_a_real_section() {
    assert!(EXERCISES.len() >= 24, "{} exercises", EXERCISES.len());
    for lesson in LESSONS.iter().filter(|lesson| lesson.built) {
        let count = EXERCISES.iter().filter(|e| e.lesson == lesson.name).count();
        assert!(count >= 3, "{} has {count} exercises", lesson.name);
    }
    for exercise in EXERCISES {
        for (language, section) in [("en", exercise.section), ("ru", exercise.section_ru)] {
            let chapter = read(&repository().join(exercise.chapter_in(language)));
            assert!(
                chapter
                    .lines()
                    .any(|line| line.starts_with("##") && line.trim_start_matches('#').trim() == section),
                "{}: {} has no section headed {section:?}",
                exercise.name,
                exercise.chapter_in(language),
            );
        }
        let names = EXERCISES.iter().filter(|other| other.name == exercise.name).count();
        assert_eq!(names, 1, "{} is listed twice", exercise.name);
    }
}

#[test]
fn every_exercise_has_its_start_solution_and_check_and_a_todo() {
    let problems = consistency_problems(&exercises_root());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn both_books_link_every_exercise_with_its_check_command() {
    for language in ["en", "ru"] {
        for exercise in EXERCISES {
            let chapter = read(&repository().join(format!("docs/{language}/{}.md", exercise.lesson)));
            let command = format!("cargo run -- check {}", exercise.name);
            assert!(chapter.contains(&command), "docs/{language}/{}.md lacks `{command}`", exercise.lesson);
        }
    }
}

#[test]
fn the_exercises_stay_out_of_the_root_workspace_and_ci_verifies_them() {
    let manifest = read(&repository().join("Cargo.toml"));
    assert!(manifest.contains("exclude = [\"exercises\"]"), "the root workspace must exclude exercises/");
    assert!(read(&exercises_root().join("Cargo.toml")).contains("[workspace]"));
    assert!(exercises_root().join("Cargo.lock").is_file(), "exercises/Cargo.lock is committed");
    assert!(read(&exercises_root().join(".gitignore")).lines().any(|line| line == "/.progress"));
    let ci = read(&repository().join(".ci/run"));
    assert!(ci.lines().any(|line| line.trim() == "cargo run --locked -- verify-exercises"), "{ci}");
}

#[test]
fn a_learners_session_list_fail_with_a_hint_fix_pass_reset_fail() {
    let copy = Copy::new();
    let exercise = exercise("th-fetch-add").unwrap();
    let file = copy.dir.join(exercise.path());

    let list = copy.course(&["exercises"], None);
    assert!(list.status.success(), "{}", stderr(&list));
    let listed = stdout(&list);
    for each in EXERCISES {
        assert!(listed.contains(each.name), "{} is not listed:\n{listed}", each.name);
    }
    let line =
        |listing: &str| listing.lines().find(|line| line.contains("th-fetch-add")).unwrap().to_string();
    assert!(line(&listed).trim_start().starts_with("not started"), "{listed}");

    // As given: the check fails, says what is wrong, and gives the hint.
    let failing = copy.course(&["check", "th-fetch-add"], None);
    assert_eq!(failing.status.code(), Some(1), "{}", stdout(&failing));
    let said = stdout(&failing);
    assert!(said.contains("updates were lost"), "{said}");
    assert!(said.contains(&format!("hint: {}", exercise.hint)), "{said}");
    let listed = stdout(&copy.course(&["exercises"], None));
    assert!(line(&listed).trim_start().starts_with("failing"), "{listed}");

    // The hint in Russian: by flag, and by LANG.
    let russian = stdout(&copy.course(&["hint", "th-fetch-add", "--lang", "ru"], None));
    assert!(russian.contains(exercise.hint_ru), "{russian}");
    let by_lang = stdout(&copy.course(&["hint", "th-fetch-add"], Some("ru_RU.UTF-8")));
    assert!(by_lang.contains(exercise.hint_ru), "{by_lang}");

    // No solution before it passes, unless forced, and then with a warning.
    let refused = copy.course(&["solution", "th-fetch-add"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert!(!stdout(&refused).contains("fetch_add(1"));
    let forced = copy.course(&["solution", "th-fetch-add", "--force"], None);
    assert!(forced.status.success());
    assert!(stderr(&forced).contains("warning"), "{}", stderr(&forced));
    assert!(stdout(&forced).contains("fetch_add(1"));

    // The learner applies the concept: the check passes.
    let start = read(&file);
    let fixed = start.replace(
        "let seen = counter.load(Ordering::Relaxed);\n                    barrier.wait();\n                    \
         counter.store(seen + 1, Ordering::Relaxed);",
        "barrier.wait();\n                    counter.fetch_add(1, Ordering::Relaxed);",
    );
    assert_ne!(fixed, start, "the test's edit no longer matches the start");
    fs::write(&file, fixed).unwrap();
    let passing = copy.course(&["check", "th-fetch-add"], None);
    assert!(passing.status.success(), "{}\n{}", stdout(&passing), stderr(&passing));
    assert!(stdout(&passing).contains("th-fetch-add passes"), "{}", stdout(&passing));
    let listed = stdout(&copy.course(&["exercises"], None));
    assert!(line(&listed).trim_start().starts_with("passed"), "{listed}");
    let shown = copy.course(&["solution", "th-fetch-add"], None);
    assert!(shown.status.success() && stderr(&shown).is_empty(), "{}", stderr(&shown));

    // Reset: the file as given, not started, and failing again.
    let reset = copy.course(&["reset", "th-fetch-add"], None);
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert_eq!(read(&file), read(&copy.dir.join(exercise.start())));
    let listed = stdout(&copy.course(&["exercises"], None));
    assert!(line(&listed).trim_start().starts_with("not started"), "{listed}");
    assert_eq!(copy.course(&["check", "th-fetch-add"], None).status.code(), Some(1));
}

#[test]
fn a_compile_error_exercise_shows_the_compilers_error_in_russian_context() {
    let copy = Copy::new();
    let failing = copy.course(&["check", "th-rc-send"], Some("ru_RU.UTF-8"));
    assert_eq!(failing.status.code(), Some(1));
    let said = stdout(&failing);
    assert!(said.contains("cannot be sent between threads safely"), "{said}");
    assert!(said.contains("подсказка: "), "{said}");
    assert!(said.contains(exercise("th-rc-send").unwrap().hint_ru), "{said}");
}

#[test]
fn an_unknown_name_gets_the_closest_names_and_exit_code_2() {
    let copy = Copy::new();
    for command in ["check", "hint", "reset", "solution"] {
        let output = copy.course(&[command, "th-fetch-ad"], None);
        assert_eq!(output.status.code(), Some(2), "{command}");
        let said = stderr(&output);
        assert!(said.contains("no exercise is named 'th-fetch-ad'"), "{said}");
        assert!(said.contains("the closest: th-fetch-add"), "{said}");
    }
}

#[test]
fn verification_fails_when_an_exercise_passes_as_given() {
    let copy = Copy::new();
    let exercise = exercise("co-countdown").unwrap();
    // A start that is already solved: the mistake the verification exists for.
    fs::copy(copy.dir.join(exercise.solution()), copy.dir.join(exercise.start())).unwrap();
    let output = copy.course(&["verify-exercises", "co-countdown"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stdout(&output).contains("co-countdown: passes as given"), "{}", stdout(&output));
    assert!(stderr(&output).contains("error: co-countdown passes as given"), "{}", stderr(&output));
}

#[test]
fn verification_passes_for_an_exercise_as_committed() {
    let copy = Copy::new();
    let output = copy.course(&["verify-exercises", "co-countdown", "q-close"], None);
    assert!(output.status.success(), "{}\n{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("2 exercises verified"), "{}", stdout(&output));
}
