//! The Russian book is the English book for Russian readers: written anew,
//! sentence by sentence in its own language, but with the same skeleton. A
//! reader who switches language in the middle of a chapter must land in the
//! same section and find the same code and the same outputs. This test reads
//! both books' Markdown (no mdBook needed) and checks, page by page:
//!
//! - the same pages (file names) in both, and the same table of contents
//!   (`SUMMARY.md`: the same files linked in the same order, at the same
//!   nesting);
//! - the same sequence of heading levels (`#`, `##`, `###`, …);
//! - the same code blocks, in the same order, with the same info string
//!   (`rust`, `text`, `console`, …), and the same code inside every block
//!   (a block of output or a listing must not be translated or drift), up
//!   to its comments (`# Ctrl-C after 3 s` is said in the reader's language);
//! - the same `{{#include …}}` directives, naming the same files and
//!   anchors, in the same order: so the same source regions and the same
//!   generated outputs.
//!
//! Prose, tables and lists may differ in length: a Russian sentence is not an
//! English one. The test prints, for the first difference in a page, the line
//! of each book where the skeletons part.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs")
}

/// One element of a page's skeleton, with the line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Heading(usize),
    /// A fenced code block: its info string and its lines.
    Code(String, Vec<String>),
    Include(String),
}

/// The skeleton of one Markdown page, each part with its line number.
fn skeleton(text: &str) -> Vec<(usize, Part)> {
    let mut parts = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let number = index + 1;
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            let indent = line.len() - trimmed.len();
            let mut body = Vec::new();
            for (_, code) in lines.by_ref() {
                if code.trim_start().starts_with("```") {
                    break;
                }
                body.push(code.get(indent..).unwrap_or(code.trim_start()).to_string());
            }
            // An include inside a block is the block's content: record it
            // as an include too, so the included files are compared by name.
            for code in &body {
                includes(code, number, &mut parts);
            }
            parts.push((number, Part::Code(info.trim().to_string(), body)));
            continue;
        }
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        if hashes > 0 && trimmed[hashes..].starts_with(' ') && line == trimmed {
            parts.push((number, Part::Heading(hashes)));
            continue;
        }
        includes(line, number, &mut parts);
    }
    parts
}

/// Every `{{#include …}}` (and `{{#rustdoc_include …}}`) on one line.
fn includes(line: &str, number: usize, parts: &mut Vec<(usize, Part)>) {
    for directive in ["{{#include ", "{{#rustdoc_include "] {
        for (at, _) in line.match_indices(directive) {
            if line[..at].ends_with('\\') {
                continue;
            }
            let rest = &line[at + directive.len()..];
            let argument = rest.split("}}").next().unwrap_or(rest).trim();
            parts.push((number, Part::Include(argument.to_string())));
        }
    }
}

/// What of a part must be equal across languages. The body of a code block
/// counts, except when it is one include (already compared by name), so the
/// comparison of outputs and listings is exact.
fn shape(part: &Part) -> Part {
    match part {
        Part::Code(info, body) if body.iter().any(|line| line.contains("{{#include")) => {
            Part::Code(info.clone(), Vec::new())
        }
        Part::Code(info, body) => {
            Part::Code(info.clone(), body.iter().map(|line| uncommented(line)).collect())
        }
        other => other.clone(),
    }
}

/// A line of a code block without its comment: the comments in a command
/// line or a listing speak to the reader, in the reader's language
/// (`# Ctrl-C after 3 s`, `# Ctrl-C через 3 с`); the code must not differ.
fn uncommented(line: &str) -> String {
    let trimmed = line.trim_start();
    if trimmed.starts_with("# ") || trimmed.starts_with("// ") {
        return String::from("#");
    }
    let cut = ["  # ", "  // "].iter().filter_map(|mark| line.find(mark)).min();
    cut.map_or(line, |at| &line[..at]).trim_end().to_string()
}

fn pages(language: &str) -> BTreeSet<String> {
    fs::read_dir(docs().join(language))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .collect()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The links of `SUMMARY.md`, each with its indentation: the book's order.
fn contents(summary: &str) -> Vec<(usize, String)> {
    summary
        .lines()
        .filter_map(|line| {
            let target = line.split("](").nth(1)?.split(')').next()?;
            Some((line.len() - line.trim_start().len(), target.to_string()))
        })
        .collect()
}

#[test]
fn both_books_have_the_same_pages_and_the_same_table_of_contents() {
    let (english, russian) = (pages("en"), pages("ru"));
    assert_eq!(english, russian, "the books have different pages");
    assert!(english.len() > 5, "only {english:?}: is the test looking in the right folder?");
    let summary = |language: &str| contents(&read(&docs().join(language).join("SUMMARY.md")));
    let (english, russian) = (summary("en"), summary("ru"));
    assert!(english.len() > 5, "SUMMARY.md lists {english:?}");
    assert_eq!(english, russian, "SUMMARY.md: the books list different pages or in a different order");
}

#[test]
fn every_russian_page_has_the_skeleton_of_its_english_page() {
    let mut problems = Vec::new();
    let mut compared = 0;
    for page in pages("en") {
        let (english_path, russian_path) = (docs().join("en").join(&page), docs().join("ru").join(&page));
        if !russian_path.exists() {
            continue; // the test above reports it
        }
        let english = skeleton(&read(&english_path));
        let russian = skeleton(&read(&russian_path));
        compared += english.len();
        let length = english.len().max(russian.len());
        let describe = |parts: &[(usize, Part)], at: usize, language: &str| match parts.get(at) {
            Some((line, part)) => format!("{language}/{page}:{line}: {part:?}"),
            None => format!("{language}/{page}: nothing more (the page has {} parts)", parts.len()),
        };
        if let Some(at) = (0..length).find(|&at| {
            english.get(at).map(|(_, part)| shape(part)) != russian.get(at).map(|(_, part)| shape(part))
        }) {
            problems.push(format!(
                "{page}: the books part at element {at}:\n  {}\n  {}",
                describe(&english, at, "en"),
                describe(&russian, at, "ru")
            ));
        }
    }
    assert!(compared > 100, "only {compared} parts compared: is the test reading the books?");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
