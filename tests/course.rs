//! Checks across the course: the README's commands, the lesson index, and the
//! book's links and code excerpts.
//!
//! Code in the book is never typed by hand: a chapter includes it with
//! mdBook's `{{#include ../../path/to/file.rs:name}}`, and the source marks
//! the lines with `// ANCHOR: name` … `// ANCHOR_END: name`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use course::catalog::LESSONS;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// README.md and every Markdown file under docs/.
fn markdown_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|extension| extension == "md") {
                found.push(path);
            }
        }
    }
    let mut found = vec![root().join("README.md")];
    walk(&root().join("docs"), &mut found);
    found.sort();
    found
}

/// The contents of every ```sh block in `markdown`, one command per line.
fn shell_commands(markdown: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        match (inside, line.trim()) {
            (false, "```sh") => inside = true,
            (true, "```") => inside = false,
            (true, command) if !command.is_empty() && !command.starts_with('#') => {
                commands.push(command.into())
            }
            _ => {}
        }
    }
    commands
}

#[test]
fn the_readme_gives_the_two_start_commands() {
    let commands = shell_commands(&read(&root().join("README.md")));
    assert_eq!(commands[..2], ["cargo run -p async-io -- count", "cargo test --workspace"]);
}

#[test]
fn every_run_command_in_the_docs_names_a_built_lesson_and_example() {
    for file in markdown_files() {
        for command in shell_commands(&read(&file)) {
            let Some(rest) = command.strip_prefix("cargo run -p ") else { continue };
            let mut words = rest.split_whitespace();
            let lesson_name = words.next().unwrap();
            let lesson = course::catalog::lesson(lesson_name)
                .unwrap_or_else(|| panic!("{}: no lesson {lesson_name}", file.display()));
            assert!(lesson.built, "{}: {lesson_name} is not built yet", file.display());
            assert_eq!(words.next(), Some("--"), "{}: {command}", file.display());
            let example = words.next().unwrap();
            assert!(
                example.starts_with('-') || lesson.examples.iter().any(|known| known.name == example),
                "{}: {lesson_name} has no example {example}",
                file.display()
            );
        }
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let ci = read(&root().join(".ci/run"));
    assert!(ci.lines().any(|line| line.trim() == "cargo test --workspace"), "{ci}");
    assert!(ci.contains("cargo fmt --all --check"));
    assert!(ci.contains("cargo clippy --workspace --all-targets"));
}

#[test]
fn the_index_lists_every_lesson_example_seed_and_command() {
    let output = Command::cargo_bin("course").unwrap().env("NO_COLOR", "1").output().unwrap();
    assert!(output.status.success());
    let index = String::from_utf8(output.stdout).unwrap();
    for lesson in LESSONS {
        let heading = index
            .lines()
            .find(|line| line.contains(&format!(". {}:", lesson.name)))
            .unwrap_or_else(|| panic!("no heading for {}:\n{index}", lesson.name));
        assert_eq!(heading.contains("(coming)"), !lesson.built, "{heading}");
        for example in lesson.examples {
            assert!(index.contains(&lesson.command(example)), "{}", lesson.command(example));
            assert!(index.contains(example.seed), "{}", example.seed);
        }
    }
}

#[test]
fn the_index_takes_help_and_refuses_unknown_arguments() {
    let help = Command::cargo_bin("course").unwrap().arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout).unwrap().contains("Usage: course"));
    let unknown = Command::cargo_bin("course").unwrap().arg("--bogus").output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8(unknown.stderr).unwrap().contains("unexpected argument '--bogus'"));
}

/// `/dev/full` accepts nothing: every write fails with "no space left".
#[cfg(target_os = "linux")]
#[test]
fn the_index_on_a_full_disk_ends_with_one_line_and_exit_code_1() {
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output =
        std::process::Command::new(assert_cmd::cargo::cargo_bin("course")).stdout(full).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: cannot write to standard output: No space left on device (os error 28)\n"
    );
}

#[test]
fn every_built_lesson_has_a_chapter_in_english_and_russian() {
    for lesson in LESSONS.iter().filter(|lesson| lesson.built) {
        for language in ["en", "ru"] {
            let chapter = root().join("docs").join(language).join(format!("{}.md", lesson.name));
            assert!(chapter.exists(), "missing {}", chapter.display());
            let text = read(&chapter);
            for example in lesson.examples {
                assert!(
                    text.contains(&format!("`{}`", example.name)),
                    "{}: no `{}`",
                    chapter.display(),
                    example.name
                );
            }
        }
    }
}

#[test]
fn relative_links_point_at_files_that_exist() {
    for file in markdown_files() {
        let text = read(&file);
        for (index, _) in text.match_indices("](") {
            let target = &text[index + 2..];
            let target = &target[..target.find(')').unwrap()];
            if target.starts_with("http") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap();
            let resolved = file.parent().unwrap().join(path);
            assert!(resolved.exists(), "{}: broken link {target}", file.display());
        }
    }
}

/// Code in the book is never typed by hand: every Rust and Lua block of a
/// chapter is an mdBook `{{#include path:anchor}}` of the lessons' source,
/// so the text and the code cannot disagree (`tests/book.rs` checks that
/// each names a file and an anchor that exist, and that mdBook includes it).
#[test]
fn code_in_the_book_is_included_never_pasted() {
    let mut included = 0;
    for file in markdown_files() {
        let text = read(&file);
        assert!(
            !text.contains("<!-- excerpt:"),
            "{}: an excerpt marker; include the code instead",
            file.display()
        );
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let info = line.trim().strip_prefix("```").unwrap_or_default();
            let language = info.split(',').next().unwrap_or_default();
            if !matches!(language, "rust" | "lua") {
                continue;
            }
            let body: Vec<&str> = lines.by_ref().take_while(|line| !line.starts_with("```")).collect();
            let typed: Vec<&&str> = body
                .iter()
                .filter(|line| !(line.trim().starts_with("{{#include ") && line.trim().ends_with("}}")))
                .collect();
            assert!(
                typed.is_empty(),
                "{}: a {language} block typed by hand; include it from the source:\n{}",
                file.display(),
                body.join("\n")
            );
            included += body.len();
        }
    }
    assert!(included > 100, "the book includes only {included} regions of code: is the check looking?");
}
