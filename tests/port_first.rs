//! The port is the first screen: in every example module, the first code
//! after the module's doc comment and its `use` lines is the code its chapter
//! shows first.
//!
//! A learner who knows the Python original opens `lessons/<lesson>/src/<example>.rs`
//! and should meet the direct port at once, not flag structs, constants or a
//! measurement harness. Mechanically, for every example of the catalog:
//!
//! - the module `<example>.rs` exists (one example, one module named after
//!   its subcommand);
//! - no item (`fn`, `struct`, `enum`, `const`, `static`, `impl`, `trait`,
//!   `type`, `mod`, `macro_rules!`) stands between the end of the doc comment
//!   and the module's first `// ANCHOR:` line;
//! - that anchor starts within [`WITHIN`] lines of the doc comment's end;
//! - it is the first region of that module the English chapter includes.

use std::fs;
use std::path::PathBuf;

use course::catalog::LESSONS;

/// How far below the module's doc comment its port may start: the `use`
/// lines, and no more than a screen's top.
const WITHIN: usize = 25;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `line` (trimmed) starts an item, as opposed to a `use`, an
/// attribute, a comment or a blank line.
fn starts_an_item(line: &str) -> bool {
    let line = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
    let line = line.strip_prefix("async ").unwrap_or(line);
    [
        "fn ",
        "struct ",
        "enum ",
        "const ",
        "static ",
        "impl ",
        "impl<",
        "trait ",
        "type ",
        "mod ",
        "macro_rules!",
    ]
    .iter()
    .any(|keyword| line.starts_with(keyword))
}

/// The anchor of the first region the chapter `text` includes from `path`
/// (`{{#include ../../<path>:<anchor>}}`).
fn first_excerpt_from<'a>(text: &'a str, path: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let reference = line.trim().strip_prefix("{{#include ../../")?.strip_suffix("}}")?;
        let (file, name) = reference.rsplit_once(':')?;
        (file == path).then_some(name)
    })
}

/// Where the module's port starts, or why it does not start in time.
fn check(lesson: &str, example: &str) -> Result<(), String> {
    let path = format!("lessons/{lesson}/src/{}.rs", example.replace('-', "_"));
    let source = fs::read_to_string(root().join(&path)).map_err(|error| format!("{path}: {error}"))?;
    let lines: Vec<&str> = source.lines().collect();
    // The doc is the module's `//!` lines and its inner attributes
    // (`#![doc = include_str!(..)]` adds doc from a file).
    let doc_end = lines
        .iter()
        .position(|line| {
            let line = line.trim_start();
            !(line.starts_with("//!") || line.starts_with("#!["))
        })
        .unwrap_or(lines.len());
    let mut anchor = None;
    for (index, line) in lines.iter().enumerate().skip(doc_end) {
        let line = line.trim();
        if let Some(name) = line.strip_prefix("// ANCHOR: ") {
            anchor = Some((index, name.trim()));
            break;
        }
        if starts_an_item(line) {
            return Err(format!(
                "{path}:{}: `{line}` stands before the port (the first `// ANCHOR:`); move it below",
                index + 1
            ));
        }
    }
    let (index, name) = anchor.ok_or_else(|| format!("{path}: no `// ANCHOR:` marks the port"))?;
    let below = index - doc_end;
    if below > WITHIN {
        return Err(format!(
            "{path}:{}: the port starts {below} lines below the module doc (at most {WITHIN})",
            index + 1
        ));
    }
    let chapter_path = root().join("docs/en").join(format!("{lesson}.md"));
    let chapter = fs::read_to_string(&chapter_path).map_err(|error| format!("{lesson}.md: {error}"))?;
    match first_excerpt_from(&chapter, &path) {
        Some(first) if first == name => Ok(()),
        Some(first) => {
            Err(format!("{path}: the chapter shows `{first}` first, but the module opens with `{name}`"))
        }
        None => Err(format!("{path}: the chapter shows nothing of this module")),
    }
}

#[test]
fn every_example_module_opens_with_its_port() {
    let failures: Vec<String> = LESSONS
        .iter()
        .filter(|lesson| lesson.built)
        .flat_map(|lesson| lesson.examples.iter().map(move |example| (lesson.name, example.name)))
        .filter_map(|(lesson, example)| check(lesson, example).err())
        .collect();
    assert!(failures.is_empty(), "{} example modules:\n{}", failures.len(), failures.join("\n"));
}
