//! The chapters teach: every chapter of both books has learning objectives,
//! a core of sections that each end with instructor notes and their
//! minutes, key takeaways and a "Going further" part; the core stays short
//! enough to teach; and the schedule's sums are the sections' minutes.
//!
//! The layout (issue 18): `## What you will learn`, then the core sections
//! (`## 1. …`), each with a `<details>` whose summary is `Instructor notes ·
//! N min`, then `## Key takeaways`, then `## Going further`. The Russian
//! book uses its own words for the same headings, and its minutes must be
//! the English ones.

use std::fs;
use std::path::PathBuf;

use course::catalog::LESSONS;

/// The headings and the notes' summary, per language.
struct Words {
    language: &'static str,
    objectives: &'static str,
    takeaways: &'static str,
    further: &'static str,
    notes: &'static str,
    minutes: &'static str,
}

const ENGLISH: Words = Words {
    language: "en",
    objectives: "## What you will learn",
    takeaways: "## Key takeaways",
    further: "## Going further",
    notes: "<summary>Instructor notes · ",
    minutes: " min</summary>",
};

const RUSSIAN: Words = Words {
    language: "ru",
    objectives: "## Чему вы научитесь",
    takeaways: "## Главное",
    further: "## Дальше: подробности",
    notes: "<summary>Заметки для преподавателя · ",
    minutes: " мин</summary>",
};

/// The most words of English prose a chapter's core may have: issue 18 asks
/// for "at most about 2,500"; `bench/core-words.py` prints the counts.
const MOST_CORE_WORDS: usize = 2_600;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chapter(words: &Words, lesson: &str) -> String {
    let path = root().join("docs").join(words.language).join(format!("{lesson}.md"));
    fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// One core section: its heading and its minutes.
#[derive(Debug, PartialEq)]
struct Section {
    heading: String,
    minutes: u32,
}

/// The core of a chapter: its sections with their minutes, or what is
/// missing.
fn core(words: &Words, lesson: &str, text: &str) -> Result<Vec<Section>, String> {
    let place = |heading: &str| {
        text.lines()
            .position(|line| line.trim_end() == heading)
            .ok_or_else(|| format!("docs/{}/{lesson}.md has no `{heading}`", words.language))
    };
    let lines: Vec<&str> = text.lines().collect();
    let (start, takeaways, further) =
        (place(words.objectives)?, place(words.takeaways)?, place(words.further)?);
    if !(start < takeaways && takeaways < further) {
        return Err(format!(
            "docs/{}/{lesson}.md: objectives, takeaways and Going further are out of order",
            words.language
        ));
    }
    let objectives = lines[start + 1..]
        .iter()
        .take_while(|line| !line.starts_with("## "))
        .filter(|line| line.starts_with("- "))
        .count();
    if !(3..=5).contains(&objectives) {
        return Err(format!("docs/{}/{lesson}.md: {objectives} objectives (3 to 5)", words.language));
    }
    let mut sections = Vec::new();
    let mut index = start + 1;
    while index < takeaways {
        if let Some(heading) = lines[index].strip_prefix("## ") {
            let end =
                (index + 1..takeaways).find(|&line| lines[line].starts_with("## ")).unwrap_or(takeaways);
            let minutes = lines[index..end].iter().find_map(|line| {
                line.trim().strip_prefix(words.notes)?.strip_suffix(words.minutes)?.parse::<u32>().ok()
            });
            let Some(minutes) = minutes else {
                return Err(format!(
                    "docs/{}/{lesson}.md: `## {heading}` has no instructor notes with minutes",
                    words.language
                ));
            };
            sections.push(Section { heading: heading.to_string(), minutes });
            index = end;
        } else {
            index += 1;
        }
    }
    if sections.is_empty() {
        return Err(format!("docs/{}/{lesson}.md: no core section", words.language));
    }
    Ok(sections)
}

/// Words of prose in the core: code blocks, HTML comments and the
/// instructor notes left out (as `bench/core-words.py` counts them).
fn core_words(words: &Words, text: &str) -> usize {
    let start = text.find(words.objectives).unwrap_or(0);
    let end = text[start..].find(words.further).map_or(text.len(), |end| start + end);
    let mut prose = String::new();
    let mut in_code = false;
    let mut in_notes = false;
    for line in text[start..end].lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if line.trim_start().starts_with("<details>") {
            in_notes = true;
        }
        if !in_code && !in_notes && !line.trim_start().starts_with("<!--") {
            prose.push_str(line);
            prose.push('\n');
        }
        if line.trim_start().starts_with("</details>") {
            in_notes = false;
        }
    }
    prose
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\'' || c == '’' || c == '-'))
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .count()
}

/// Each built lesson's core sections' minutes, from the English book.
fn minutes_by_lesson() -> Vec<(&'static str, u32)> {
    LESSONS
        .iter()
        .filter(|lesson| lesson.built)
        .map(|lesson| {
            let sections = core(&ENGLISH, lesson.name, &chapter(&ENGLISH, lesson.name)).unwrap();
            (lesson.name, sections.iter().map(|section| section.minutes).sum())
        })
        .collect()
}

#[test]
fn every_chapter_has_objectives_a_core_with_notes_takeaways_and_going_further() {
    let mut problems = Vec::new();
    for lesson in LESSONS.iter().filter(|lesson| lesson.built) {
        let english = core(&ENGLISH, lesson.name, &chapter(&ENGLISH, lesson.name));
        let russian = core(&RUSSIAN, lesson.name, &chapter(&RUSSIAN, lesson.name));
        match (english, russian) {
            (Ok(english), Ok(russian)) => {
                let minutes = |sections: &[Section]| sections.iter().map(|s| s.minutes).collect::<Vec<_>>();
                if minutes(&english) != minutes(&russian) {
                    problems.push(format!(
                        "{}: the minutes differ: en {:?}, ru {:?}",
                        lesson.name,
                        minutes(&english),
                        minutes(&russian)
                    ));
                }
                let total: u32 = english.iter().map(|section| section.minutes).sum();
                if !(25..=40).contains(&total) {
                    problems.push(format!("{}: the core takes {total} minutes (25 to 40)", lesson.name));
                }
            }
            (english, russian) => problems.extend(english.err().into_iter().chain(russian.err())),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_core_is_short_enough_to_teach() {
    let long: Vec<String> = LESSONS
        .iter()
        .filter(|lesson| lesson.built)
        .map(|lesson| (lesson.name, core_words(&ENGLISH, &chapter(&ENGLISH, lesson.name))))
        .filter(|(_, words)| *words > MOST_CORE_WORDS)
        .map(|(name, words)| {
            format!("{name}: {words} words of prose in the core (at most {MOST_CORE_WORDS})")
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// The numbers of a schedule table row: `| … | 37 |` → its last cell.
fn last_number(row: &str) -> Option<u32> {
    let cells: Vec<&str> = row.trim().trim_matches('|').split('|').map(str::trim).collect();
    cells.last()?.trim_matches('*').parse().ok()
}

#[test]
fn the_schedules_sums_are_the_sections_minutes() {
    let minutes = minutes_by_lesson();
    for words in [&ENGLISH, &RUSSIAN] {
        let path = root().join("docs").join(words.language).join("schedule.md");
        let text = fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        // Each lesson's row in the lessons table: `<!-- core: lesson -->` at its end.
        for (lesson, total) in &minutes {
            let marker = format!("<!-- core: {lesson} -->");
            let row = text
                .lines()
                .find(|line| line.contains(&marker))
                .unwrap_or_else(|| panic!("{}: no row marked {marker}", path.display()));
            let row = row.replace(&marker, "");
            assert_eq!(last_number(&row), Some(*total), "{}: {row}", path.display());
        }
        // Each plan: rows of minutes, then a total row; a row that is a
        // lesson's core says which (`<!-- session: lesson -->`) and must be its sum.
        let mut plans = 0;
        let mut sum = 0;
        for line in text.lines() {
            if line.contains("<!-- plan -->") {
                sum = 0;
                plans += 1;
            } else if line.contains("<!-- total -->") {
                assert_eq!(
                    last_number(&line.replace("<!-- total -->", "")),
                    Some(sum),
                    "{}: {line}",
                    path.display()
                );
            } else if let Some((row, rest)) = line.split_once("<!-- session: ") {
                let (session, after) =
                    rest.split_once("-->").unwrap_or_else(|| panic!("{}: {line}", path.display()));
                let row = format!("{row}{after}");
                let number = last_number(&row).unwrap_or_else(|| panic!("{}: {line}", path.display()));
                if let Some((_, total)) = minutes.iter().find(|(name, _)| *name == session.trim()) {
                    assert_eq!(number, *total, "{}: {line}", path.display());
                }
                sum += number;
            }
        }
        assert!(plans >= 3, "{}: a one-day plan and a plan for each of two days", path.display());
    }
}
