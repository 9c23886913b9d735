//! The book as a site: both mdBooks build without a single warning, and every
//! link in the built HTML leads to a page, a heading or a file that exists.
//!
//! This test builds the site the way CI does, with the pinned mdBook
//! (`.ci/run` installs it; `MDBOOK` names another binary):
//!
//! 1. `mdbook build docs/en` and `mdbook build docs/ru` into `target/book/en`
//!    and `target/book/ru`, side by side, so that the chapters' links from one
//!    language to the other (`../ru/pool.md`) work as they do in the
//!    repository. Any line mdBook prints that is not `INFO` fails the test.
//! 2. Links that leave the book, to the lessons' source and the benchmark
//!    scripts (`../../lessons/pool/src/map.rs`), are written for the code
//!    host, relative to the repository. The site cannot follow them, so this
//!    step *copies* each linked file into the site, as a page of its own
//!    (`target/book/source/lessons/pool/src/map.rs.html`, every line with an
//!    `L<n>` id as on a code host), and points the link there. Copying, not
//!    a repository URL (`git-repository-url`): the repository has no public
//!    address yet, a copy shows the very version the book was built from,
//!    works offline and on any static host, and every link stays checkable
//!    here; a raw `.rs` or `.py` file would be downloaded, or shown in the
//!    wrong encoding, by many servers and browsers, a page is not. A link to
//!    a Markdown file that a page of the book includes whole (the shared
//!    `docs/benchmarks.md`, included by each book's `benchmarks.md`) goes to
//!    that page instead.
//! 3. Every link in every page is checked: a page of either book must exist,
//!    and a `#fragment` must be an `id` in that page *as built*. mdBook makes
//!    heading ids its own way (Unicode lowercase, punctuation dropped), which
//!    is not GitHub's, so Cyrillic anchors are checked against the HTML, never
//!    against a rule.
//! 4. Every page has its counterpart, with the same file name, in the other
//!    book: the language switch (`docs/theme/header.hbs`) relies on it.
//!
//! A second test needs no mdBook: every `{{#include file:anchor}}` in the
//! book names a file that exists and an anchor in it. mdBook itself says
//! nothing when an anchor is missing: it includes nothing, and the chapter
//! shows an empty code block.
//!
//! Without mdBook (a learner's machine) the first test says how to install
//! it and passes; under `CI=true` it fails instead. Read the result with
//! `target/book/en/index.html` or `target/book/ru/index.html`.
//!
//! A Rust test rather than a script under `.ci/`: it runs wherever `cargo
//! test` runs (Linux, macOS, Windows), with nothing but cargo and mdBook, as
//! part of `cargo test --workspace`, and needs no HTML library: mdBook's
//! output is regular enough to read its `id` and `href` attributes directly.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// The version `.ci/run` installs; book.toml's keys are this version's.
const MDBOOK_VERSION: &str = "v0.5.4";
const INSTALL: &str = "cargo install mdbook --version 0.5.4 --locked --no-default-features --features search";
const LANGUAGES: [&str; 2] = ["en", "ru"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/book`: next to `target/tmp`, which cargo gives integration tests.
fn site() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target/tmp has a parent").join("book")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The mdBook to build with, or `None` (after saying why) when there is none
/// of the pinned version and this is not CI.
fn mdbook() -> Option<PathBuf> {
    let program = std::env::var_os("MDBOOK").map_or_else(|| PathBuf::from("mdbook"), PathBuf::from);
    let problem = match Command::new(&program).arg("--version").output() {
        Ok(output) => {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
            if version.ends_with(MDBOOK_VERSION) {
                return Some(program);
            }
            format!("{} is {version:?}, not mdbook {MDBOOK_VERSION}", program.display())
        }
        Err(error) => format!("cannot run {}: {error}", program.display()),
    };
    let message = format!("{problem}; the book needs it: {INSTALL}");
    assert!(std::env::var_os("CI").is_none(), "{message}");
    eprintln!("skipped: {message}");
    None
}

/// Builds one book into `site/<language>`; every line mdBook prints must be
/// `INFO`: a warning is a failure.
fn build(mdbook: &Path, language: &str, problems: &mut Vec<String>) {
    let output = Command::new(mdbook)
        .arg("build")
        .arg(root().join("docs").join(language))
        .arg("--dest-dir")
        .arg(site().join(language))
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .output()
        .expect("cannot run mdbook");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in stderr.lines().filter(|line| !line.trim().is_empty()) {
        if !line.trim_start().starts_with("INFO") {
            problems.push(format!("mdbook build docs/{language}: {line}"));
        }
    }
    assert!(output.status.success(), "mdbook build docs/{language} failed:\n{stderr}");
}

/// The values of `attribute="…"` in `html`, unescaped. mdBook escapes every
/// `"` in text as `&quot;`, so a raw `href="` is always an attribute.
fn attributes(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let end = rest.find('"').expect("an attribute value ends with a quote");
        values.push(unescape(&rest[..end]));
        rest = &rest[end..];
    }
    values
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `%D0%BF` and friends back to UTF-8: a link may spell a Cyrillic anchor
/// either way.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|hex| std::str::from_utf8(hex).ok());
        match (bytes[index], hex.and_then(|hex| u8::from_str_radix(hex, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                index += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// `a/b/../c` as `a/c`; `None` when it climbs above where it started.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !normal.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    Some(normal)
}

/// `to` written relative to the folder `from`, both relative to one root.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().map(|part| part.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// The built pages of one book, relative to the site (`en/pool.html`).
fn pages(language: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, site: &Path, found: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, site, found);
            } else if path.extension().is_some_and(|extension| extension == "html") {
                found.push(path.strip_prefix(site).unwrap().to_path_buf());
            }
        }
    }
    let mut found = Vec::new();
    walk(&site().join(language), &site(), &mut found);
    found.sort();
    found
}

/// The Markdown file a page's links were written in: `docs/en/pool.md` for
/// `en/pool.html`; for a page that is one `{{#include other.md}}`, the
/// included file, whose links are relative to its own folder.
fn written_in(page: &Path) -> PathBuf {
    let language = page.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    let inside = page.strip_prefix(&language).unwrap().with_extension("md");
    let inside = if inside == Path::new("index.md") { PathBuf::from("README.md") } else { inside };
    let markdown = Path::new("docs").join(&language).join(inside);
    match fs::read_to_string(root().join(&markdown)) {
        Ok(text) => included_markdown(&text)
            .map(|included| normalize(&markdown.parent().unwrap().join(included)).unwrap())
            .unwrap_or(markdown),
        Err(_) => markdown,
    }
}

/// `other.md` when a line of `markdown` is exactly `{{#include other.md}}`.
fn included_markdown(markdown: &str) -> Option<String> {
    markdown.lines().find_map(|line| {
        let target = line.trim().strip_prefix("{{#include ")?.strip_suffix("}}")?;
        target.ends_with(".md").then(|| target.to_string())
    })
}

/// A repository file as a page of the site: every line numbered and with an
/// id (`#L12`), in UTF-8 whatever the server says.
fn source_page(repository_path: &str, text: &str) -> String {
    let mut lines = String::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        lines.push_str(&format!(
            "<span id=\"L{number}\"><a class=\"n\" href=\"#L{number}\">{number:>4}</a>  {}</span>\n",
            escape(line)
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{path}</title>\n<style>\n\
         body {{ margin: 0; font-family: system-ui, sans-serif; }}\n\
         header {{ padding: 8px 16px; background: #f6f7f6; border-bottom: 1px solid #ddd; }}\n\
         pre {{ margin: 0; padding: 8px 0; font-size: 14px; line-height: 1.45; }}\n\
         pre span {{ display: block; padding-right: 16px; }}\n\
         pre span:target {{ background: #fff3b0; }}\n\
         a.n {{ color: #999; text-decoration: none; user-select: none; padding: 0 8px; }}\n\
         </style>\n</head>\n<body>\n\
         <header><code>{path}</code>: the file as this book was built from it. \
         Run it with the lesson, as its chapter says.</header>\n\
         <pre>\n{lines}</pre>\n</body>\n</html>\n",
        path = escape(repository_path)
    )
}

/// A repository folder as a page of the site: its files, each linked to
/// its copy.
fn folder_page(repository_path: &str, files: &[String]) -> String {
    let items: String = files
        .iter()
        .map(|file| format!("<li><a href=\"{0}.html\"><code>{0}</code></a></li>\n", escape(file)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{path}/</title>\n</head>\n<body>\n\
         <p><code>{path}/</code>: the folder as this book was built from it.</p>\n\
         <ul>\n{items}</ul>\n</body>\n</html>\n",
        path = escape(repository_path)
    )
}

/// One book's pages: their ids, and which repository Markdown file each one
/// includes whole.
struct Pages {
    ids: HashMap<PathBuf, BTreeSet<String>>,
    /// `docs/benchmarks.md` → `en/benchmarks.html`, per language.
    included: HashMap<(String, PathBuf), PathBuf>,
}

impl Pages {
    fn load() -> Pages {
        let mut ids = HashMap::new();
        let mut included = HashMap::new();
        for language in LANGUAGES {
            for page in pages(language) {
                let html = read(&site().join(&page));
                ids.insert(page.clone(), attributes(&html, "id").into_iter().collect());
                let written = written_in(&page);
                if written.parent() != Some(&Path::new("docs").join(language)) {
                    included.insert((language.to_string(), written), page);
                }
            }
        }
        Pages { ids, included }
    }
}

/// Checks, and where it leaves the book rewrites, every link of one page.
/// Returns the page's HTML with the outside links pointing into the site.
fn check_page(
    book: &Pages,
    page: &Path,
    copied: &mut BTreeSet<String>,
    problems: &mut Vec<String>,
) -> String {
    let language = page.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    let mut html = read(&site().join(page));
    let folder = page.parent().unwrap();
    let mut rewrites = BTreeMap::new();
    for raw in attributes(&html, "href").into_iter().chain(attributes(&html, "src")) {
        if raw.contains("://") || raw.starts_with("mailto:") || raw.starts_with("javascript:") {
            continue;
        }
        let (path, fragment) = match raw.split_once('#') {
            Some((path, fragment)) => (percent_decode(path), Some(percent_decode(fragment))),
            None => (percent_decode(&raw), None),
        };
        let path = path.split('?').next().unwrap().to_string();
        let problem = |what: &str| format!("{}: {raw}: {what}", page.display());
        // A fragment alone: a heading of this page.
        if path.is_empty() {
            if let Some(fragment) = &fragment
                && !fragment.is_empty()
                && !book.ids[page].contains(fragment)
            {
                problems.push(problem("no such id on this page"));
            }
            continue;
        }
        // A page or a file of the site (either book).
        let target = normalize(&folder.join(&path));
        if let Some(target) = target.as_ref().filter(|target| site().join(target).is_file()) {
            if let (Some(fragment), Some(ids)) = (&fragment, book.ids.get(target))
                && !fragment.is_empty()
                && !ids.contains(fragment)
            {
                problems.push(problem(&format!("{} has no such id", target.display())));
            }
            continue;
        }
        // Outside the book: a file of the repository, relative to the
        // Markdown file the link was written in. mdBook has turned a link to
        // any `.md` into `.html`.
        // The print page holds every chapter, so a link there may have been
        // written in any of the files the book is made of: the book's folder
        // or an included file's.
        let mut folders = vec![written_in(page).parent().unwrap().to_path_buf()];
        folders.extend(
            book.included
                .keys()
                .filter(|(book, _)| *book == language)
                .map(|(_, file)| file.parent().unwrap().to_path_buf()),
        );
        let in_repository = folders.iter().find_map(|folder| {
            let file = normalize(&folder.join(&path))?;
            let markdown = file.with_extension("md");
            if root().join(&file).is_file() || root().join(&file).is_dir() {
                Some(file)
            } else if file.extension().is_some_and(|extension| extension == "html")
                && root().join(&markdown).is_file()
            {
                Some(markdown)
            } else {
                None
            }
        });
        let Some(in_repository) = in_repository else {
            problems.push(problem("neither a page of the site nor a file of the repository"));
            continue;
        };
        // A Markdown file that a page of this book includes: that page.
        if let Some(including) = book.included.get(&(language.clone(), in_repository.clone())) {
            if let Some(fragment) = fragment.as_ref().filter(|fragment| !fragment.is_empty())
                && !book.ids[including].contains(fragment)
            {
                problems.push(problem(&format!("{} has no such id", including.display())));
            }
            let mut link = relative(folder, including);
            if let Some(fragment) = &fragment {
                link = format!("{link}#{fragment}");
            }
            rewrites.insert(raw, link);
            continue;
        }
        // A folder: a page that lists its files, each copied as below.
        let name = in_repository.to_string_lossy().replace('\\', "/");
        if root().join(&in_repository).is_dir() {
            if fragment.as_ref().is_some_and(|fragment| !fragment.is_empty()) {
                problems.push(problem("a folder has no #fragment"));
            }
            let name = name.trim_end_matches('/').to_string();
            copied.insert(name.clone());
            let link = relative(folder, &Path::new("source").join(&name).join("index.html"));
            rewrites.insert(raw, link);
            continue;
        }
        // Any other file: its copy, as a page of the site.
        if let Some(fragment) = fragment.as_ref().filter(|fragment| !fragment.is_empty()) {
            let lines = read(&root().join(&in_repository)).lines().count();
            let line = fragment.strip_prefix('L').and_then(|number| number.parse::<usize>().ok());
            if !line.is_some_and(|line| (1..=lines).contains(&line)) {
                problems.push(problem(&format!(
                    "{name} is shown as numbered lines; #{fragment} is none of them"
                )));
            }
        }
        copied.insert(name.clone());
        let mut link = relative(folder, &Path::new("source").join(format!("{name}.html")));
        if let Some(fragment) = &fragment {
            link = format!("{link}#{fragment}");
        }
        rewrites.insert(raw, link);
    }
    for (old, new) in rewrites {
        html = html.replace(&format!("href=\"{}\"", escape(&old)), &format!("href=\"{}\"", escape(&new)));
    }
    html
}

#[test]
fn both_books_build_without_warnings_and_every_link_leads_somewhere() {
    let Some(mdbook) = mdbook() else { return };
    let mut problems = Vec::new();
    for language in LANGUAGES {
        build(&mdbook, language, &mut problems);
    }
    let source = site().join("source");
    if source.exists() {
        fs::remove_dir_all(&source).unwrap();
    }

    let book = Pages::load();
    let mut copied = BTreeSet::new();
    for language in LANGUAGES {
        for page in pages(language) {
            // The 404 page's links are relative to `site-url`, for a server
            // to serve it at any address; nothing links to it.
            if page.file_name().is_some_and(|name| name == "404.html") {
                continue;
            }
            let html = check_page(&book, &page, &mut copied, &mut problems);
            fs::write(site().join(&page), html).unwrap();
        }
    }
    for name in &copied {
        let folder = root().join(name);
        if folder.is_dir() {
            let mut files: Vec<String> = fs::read_dir(&folder)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.is_file())
                .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            files.sort();
            fs::create_dir_all(source.join(name)).unwrap();
            fs::write(source.join(name).join("index.html"), folder_page(name, &files)).unwrap();
            for file in files {
                let name = format!("{name}/{file}");
                let page = source.join(format!("{name}.html"));
                fs::write(&page, source_page(&name, &read(&root().join(&name)))).unwrap();
            }
            continue;
        }
        let page = source.join(format!("{name}.html"));
        fs::create_dir_all(page.parent().unwrap()).unwrap();
        fs::write(&page, source_page(name, &read(&root().join(name)))).unwrap();
    }
    fs::write(
        site().join("index.html"),
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>The book · Книга</title>\n\
         <meta http-equiv=\"refresh\" content=\"0; url=en/index.html\"></head>\n\
         <body><p><a href=\"en/index.html\" hreflang=\"en\">English</a> · \
         <a href=\"ru/index.html\" hreflang=\"ru\">Русский</a></p></body>\n</html>\n",
    )
    .unwrap();

    // The language switch links each page to the page of the same name.
    let names = |language: &str| -> BTreeSet<PathBuf> {
        pages(language).iter().map(|page| page.strip_prefix(language).unwrap().to_path_buf()).collect()
    };
    let (english, russian) = (names("en"), names("ru"));
    for missing in english.symmetric_difference(&russian) {
        problems
            .push(format!("{} is in one book only: the language switch needs it in both", missing.display()));
    }

    assert!(copied.len() > 10, "the books link so few source files ({copied:?}): is the check looking?");
    assert!(
        problems.is_empty(),
        "{} problems in the built book (target/book):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Every Markdown file of both books, with its text.
fn book_markdown() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for language in LANGUAGES {
        let folder = root().join("docs").join(language);
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|extension| extension == "md") {
                let text = read(&path);
                files.push((path, text));
            }
        }
    }
    files.sort();
    files
}

/// What an include asks for after the file name: mdBook reads `:2`, `::10`,
/// `:2:` and `:2:10` as lines, anything else as an anchor's name.
enum Part<'a> {
    Whole,
    Lines(Option<usize>, Option<usize>),
    Anchor(&'a str),
}

fn part(spec: Option<&str>) -> Part<'_> {
    let Some(spec) = spec else { return Part::Whole };
    let number = |text: &str| if text.is_empty() { Ok(None) } else { text.parse::<usize>().map(Some) };
    let mut bounds = spec.splitn(2, ':');
    let start = number(bounds.next().unwrap_or(""));
    let end = bounds.next().map_or(Ok(None), number);
    match (start, end) {
        (Ok(start), Ok(end)) if spec.contains(':') || start.is_some() => {
            Part::Lines(start, if spec.contains(':') { end } else { start })
        }
        _ => Part::Anchor(spec),
    }
}

/// Whether `line` is `ANCHOR: name` (or `ANCHOR_END: name`) for exactly
/// this name, as mdBook matches it (`ANCHOR:\s*[\w_-]+`).
fn marks(line: &str, marker: &str, name: &str) -> bool {
    line.find(marker).is_some_and(|at| {
        let rest = line[at + marker.len()..].trim_start();
        rest.strip_prefix(name)
            .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-'))
    })
}

#[test]
fn every_include_names_a_file_and_an_anchor_that_exist() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (file, text) in book_markdown() {
        for directive in ["{{#include ", "{{#rustdoc_include "] {
            for (at, _) in text.match_indices(directive) {
                // `\{{#include …}}` is mdBook's way to show the directive itself.
                if text[..at].ends_with('\\') {
                    continue;
                }
                let rest = &text[at + directive.len()..];
                let Some(end) = rest.find("}}") else {
                    problems.push(format!("{}: an include that never ends", file.display()));
                    continue;
                };
                let argument = rest[..end].trim();
                let (path, spec) = match argument.split_once(':') {
                    Some((path, spec)) => (path, Some(spec)),
                    None => (argument, None),
                };
                let place = format!("{}: {{{{#include {argument}}}}}", file.display());
                let included = file.parent().unwrap().join(path);
                let Ok(source) = fs::read_to_string(&included) else {
                    problems.push(format!("{place}: no file {}", included.display()));
                    continue;
                };
                checked += 1;
                let lines: Vec<&str> = source.lines().collect();
                match part(spec) {
                    Part::Whole => {}
                    Part::Lines(start, end) => {
                        let (start, end) = (start.unwrap_or(1), end.unwrap_or(lines.len()));
                        if start == 0 || start > end || end > lines.len() {
                            problems.push(format!("{place}: the file has {} lines", lines.len()));
                        }
                    }
                    Part::Anchor(name) => {
                        let start = lines.iter().position(|line| marks(line, "ANCHOR:", name));
                        let end = lines.iter().position(|line| marks(line, "ANCHOR_END:", name));
                        match (start, end) {
                            (Some(start), Some(end)) if start < end => {
                                let inside = lines[start + 1..end]
                                    .iter()
                                    .filter(|line| !line.contains("ANCHOR"))
                                    .any(|line| !line.trim().is_empty());
                                if !inside {
                                    problems.push(format!("{place}: the anchor holds no code"));
                                }
                            }
                            (Some(_), Some(_)) => problems.push(format!("{place}: ANCHOR_END before ANCHOR")),
                            _ => problems.push(format!(
                                "{place}: no `ANCHOR: {name}` … `ANCHOR_END: {name}` in {}",
                                included.display()
                            )),
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no include found in the book: is the check looking?");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
