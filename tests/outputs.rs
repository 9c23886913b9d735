//! The outputs the book shows are the programs' own: generated, never pasted.
//!
//! A chapter shows a run as a `text` block whose first line is the command,
//! as a learner types it, and whose output is included from a file of
//! `docs/outputs/` that this test writes:
//!
//! ````text
//! ```text
//! $ cargo run -p async-io -- rand --instant
//! {{#include ../outputs/async-io/rand--instant.txt:1:9}}
//! …
//! {{#include ../outputs/async-io/rand--instant.txt:22:}}
//! ```
//! ````
//!
//! The commands come from the chapters themselves (English and Russian
//! include the same files, so both must show the same command for a file):
//! the `$` line is what is run, so the command shown and the output shown
//! cannot part. Each is run the way a learner's terminal would, with the
//! settings that make it repeatable (`docs/outputs/README.md` lists them):
//! the lesson's binary, built by cargo as `cargo run` would; `NO_COLOR=1`
//! (what `--color never` does); `COLUMNS=80` for the charts; stdin empty, or
//! the text of a leading `printf '…' |`; stdout and stderr into one pipe,
//! interleaved as on a terminal; a fresh empty directory as the working
//! directory; the seed is the lessons' default, 444.
//!
//! - `cargo test --test outputs` (part of `cargo test --workspace`, so CI
//!   runs it) reruns every command and fails on any difference from the
//!   file, showing the lines that differ.
//! - `UPDATE_OUTPUTS=1 cargo test --test outputs` writes the files whose
//!   output changed (beyond what the normalisation below ignores);
//!   `UPDATE_OUTPUTS=all` writes every file that is not byte for byte the
//!   same, new times included.
//!
//! A run that no single command makes (a worker killed from another
//! terminal, two workers, a Redis server stopped and started again) is a
//! session: `docs/outputs/<lesson>/<name>.session` writes it down step by
//! step, [`session`] plays it (against a private `redis-server` for the
//! `distributed` lesson) and writes its transcript, one anchor per shown
//! command, which the chapters include by anchor under their own `$` line.
//!
//! Runs on the virtual clock (`--instant`) are compared byte for byte. Runs on
//! the real clock are compared after a normalisation, stated in
//! `docs/outputs/README.md` (durations, speed ratios, the bars of a real-time
//! chart; for thread runs whose line order is the OS's, the order): the file
//! keeps what one real run printed, so the book shows real numbers, and the
//! check ignores only what no two runs share.
//!
//! A Rust test, not a script under `.ci/`: it runs wherever `cargo test`
//! does (Linux, macOS, Windows), on a fresh clone with nothing but cargo,
//! builds the lessons it runs the way the other cross-lesson tests do
//! (`tests/support`), and sits beside `tests/course.rs`'s `UPDATE_EXCERPTS`.

#[path = "outputs/session.rs"]
mod session;
mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Where the included outputs live, relative to the repository.
const OUTPUTS: &str = "docs/outputs";
/// How a chapter spells the folder (`docs/en/x.md` → `../outputs`).
const FROM_CHAPTER: &str = "../outputs/";
/// The width the charts are drawn at.
const COLUMNS: &str = "80";
/// Longer than any shown run takes; a hang fails instead of blocking CI.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Outputs whose line order is the operating system's to choose (threads on
/// the real clock, which the chapter says), and the word before the number
/// of whoever took a piece of work (`Consumer 1`), which is the OS's choice
/// too (none: `""`): compared as a set of distinct lines, that number as
/// `<n>`.
const ORDER_IS_THE_OS: &[(&str, &str)] = &[
    ("queue/threads.txt", "Consumer"),
    // Which worker thread of the multi-threaded runtime runs a task.
    ("async-io/runtime-timeline.txt", "worker"),
    ("multiprocess/continents-timeline.txt", ""),
    // Two workers end in the same second, and the parent's `Finishing work`
    // races the workers' lines: the order differs from run to run.
    ("multiprocess/input-worker-workers-2.txt", ""),
    // The parent's `Finishing work` (its input ended) races worker 1's lines.
    ("multiprocess/input-worker-killed.txt", ""),
    ("threading/square-cube-timeline.txt", ""),
    ("threading/thread-info.txt", ""),
    ("threading/kitchen-timeline.txt", "cook"),
    ("threading/deadlock-timeline.txt", ""),
    ("threading/send-sync.txt", ""),
    // The worker's heartbeat and its storing of a result both wait for the
    // restarted server: which reaches it first is the scheduler's.
    ("distributed/restart.txt", ""),
];

/// Lessons whose runs measure how fast the CPU does their work (`pool`'s
/// speed-ups): their outputs (`docs/outputs/<lesson>/…`) are made alone.
const TIMES_THE_CPU: &[&str] =
    &["pool/", "async-io/runtime", "threading/cpu", "multiprocess/pipe", "distributed/demo-timeline"];

/// Outputs with verdicts drawn from the times just measured (which method
/// was fastest, or that none beat the loop), and how those lines begin:
/// each such line is compared as `<verdict>`.
const VERDICTS_FROM_TIMES: &[(&str, &[&str])] = &[
    ("pool/compare.txt", &["Fastest:", "Slowest:", "No method beat the loop"]),
    ("threading/cpu-timeline.txt", &["The same count."]),
    ("threading/race.txt", &["WRONG:"]),
    // Under load the one number can take over 10 ms: then a rate.
    ("multiprocess/pipe-count-1.txt", &["pipe:"]),
];

/// Outputs with lines that a run prints or not, as the scheduler has it
/// (a thread that found a lock free did not wait for it), and how those
/// lines begin: left out of the comparison.
const MAY_NOT_APPEAR: &[(&str, &[&str])] = &[
    ("threading/deadlock-timeline.txt", &["thread 1: waits", "thread 2: waits"]),
    // Whether demo's second worker process registered first in Redis.
    ("distributed/demo-timeline.txt", &[THE_WORKERS_NUMBERS]),
    // A worker process that had taken a job in advance gives it back.
    ("distributed/demo-ctrl-c.txt", &[THE_WORKERS_NUMBERS, "worker 1: gave", "worker 2: gave"]),
    // Who notices the server's death first, and in which call, is the
    // scheduler's: the end (what was not done) is compared.
    (
        "distributed/demo-server-killed.txt",
        &[THE_WORKERS_NUMBERS, "worker 1: cannot reach", "worker 2: cannot reach", "demo: cannot reach"],
    ),
];

/// How `demo` begins the line that says its workers' numbers in Redis
/// differ from its own.
const THE_WORKERS_NUMBERS: &str = "The workers' numbers in Redis";

/// Outputs with counts that depend on when a signal came or how the jobs
/// fell to the workers (`demo`'s jobs per worker, the jobs done before a
/// Ctrl-C), and how the lines with them begin: their numbers are compared
/// as `<n>`.
const COUNTS_VARY: &[(&str, &[&str])] = &[
    ("distributed/demo-timeline.txt", &["200 jobs finished"]),
    (
        "distributed/demo-ctrl-c.txt",
        &["Ctrl-C: the workers take no new jobs", "error: stopped by Ctrl-C with", "  queued", "  finished"],
    ),
    ("distributed/demo-server-killed.txt", &["error: the private redis-server"]),
    // Where in a transaction Redis ran out of memory depends on its version.
    ("distributed/out-of-memory.txt", &["error: Redis at"]),
];

/// Outputs that depend on how many threads the machine runs at once (`pool`
/// makes one worker per CPU), and that number on the machine that wrote
/// them. Elsewhere, on Linux, they are run with only that many CPUs
/// (`taskset`, which `available_parallelism` obeys); where that cannot be
/// done, they are skipped, with a note (under `CI=true`, a failure).
const SEES_THE_CPUS: &[&str] = &["pool/", "async-io/runtime", "threading/cpu"];
const WRITTEN_WITH_CPUS: usize = 2;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One `{{#include ../outputs/…}}` of a chapter, with the command above it.
struct Shown {
    /// `docs/en/pool.md:136`
    place: String,
    command: String,
    /// Relative to `docs/outputs`: `pool/sequential.txt`. A range of its
    /// lines (`:7:9`) is the chapter's choice; `tests/book.rs` checks it.
    file: String,
    /// The anchor included (`:worker-1`): a session's step.
    anchor: Option<String>,
}

/// Every included output in the chapters of both books.
fn shown() -> Vec<Shown> {
    let mut found = Vec::new();
    for language in ["en", "ru"] {
        let folder = root().join("docs").join(language);
        let mut chapters: Vec<PathBuf> = fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
            .collect();
        chapters.sort();
        for chapter in chapters {
            let text = fs::read_to_string(&chapter).unwrap();
            let name = format!("docs/{language}/{}", chapter.file_name().unwrap().to_string_lossy());
            let mut in_block = false;
            let mut command: Option<String> = None;
            for (index, line) in text.lines().enumerate() {
                let place = format!("{name}:{}", index + 1);
                let trimmed = line.trim();
                if trimmed.starts_with("```") {
                    in_block = !in_block;
                    command = None;
                    continue;
                }
                if let Some(shown) = trimmed.strip_prefix("$ ") {
                    command = Some(shown.to_string());
                    continue;
                }
                let Some(target) =
                    trimmed.strip_prefix("{{#include ").and_then(|rest| rest.strip_suffix("}}"))
                else {
                    continue;
                };
                let Some(target) = target.strip_prefix(FROM_CHAPTER) else { continue };
                let command = command.clone().unwrap_or_else(|| {
                    panic!("{place}: an included output needs its command above it, as a `$ …` line")
                });
                assert!(in_block, "{place}: an included output belongs in a ```text block");
                let mut parts = target.split(':');
                let file = parts.next().unwrap().to_string();
                let anchor = parts
                    .next()
                    .filter(|part| part.starts_with(|c: char| c.is_ascii_alphabetic()))
                    .map(str::to_string);
                found.push(Shown { place, command, file, anchor });
            }
        }
    }
    found
}

/// A chapter's command, taken apart: what to run and what to feed it.
struct Run {
    lesson: String,
    args: Vec<String>,
    stdin: Vec<u8>,
}

/// `printf '1\n2\n' | cargo run -p LESSON -- ARGS  # comment`: the forms the
/// chapters use. Anything else is refused, so a command the test cannot run
/// is never shown as if it had been.
fn parse(command: &str) -> Result<Run, String> {
    let words = split_words(command)?;
    let mut words = words.as_slice();
    let mut stdin = Vec::new();
    if let [program, format, pipe, rest @ ..] = words
        && program == "printf"
        && pipe == "|"
    {
        stdin = printf(format)?;
        words = rest;
    }
    let [cargo, run, p, lesson, rest @ ..] = words else {
        return Err("not `cargo run -p LESSON -- …`".into());
    };
    if (cargo.as_str(), run.as_str(), p.as_str()) != ("cargo", "run", "-p") {
        return Err("not `cargo run -p LESSON -- …`".into());
    }
    let args = match rest {
        [] => Vec::new(),
        [dashes, args @ ..] if dashes == "--" => args.to_vec(),
        _ => return Err("the lesson's arguments go after `--`".into()),
    };
    Ok(Run { lesson: lesson.clone(), args, stdin })
}

/// The bytes `printf FORMAT` prints: `\n`, `\t` and `\xHH` escapes, no `%`.
fn printf(format: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let mut rest = format;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '%' => return Err("printf's `%` is not read here".into()),
            '\\' => {
                let escape = rest.chars().next().ok_or("a `\\` at the end")?;
                rest = &rest[escape.len_utf8()..];
                match escape {
                    'n' => bytes.push(b'\n'),
                    't' => bytes.push(b'\t'),
                    '\\' => bytes.push(b'\\'),
                    'x' => {
                        let hex = rest.get(..2).ok_or("`\\x` needs two hex digits")?;
                        bytes.push(u8::from_str_radix(hex, 16).map_err(|_| "`\\x` needs two hex digits")?);
                        rest = &rest[2..];
                    }
                    other => return Err(format!("printf's `\\{other}` is not read here")),
                }
            }
            c => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    Ok(bytes)
}

/// Shell words: split at spaces, `'…'` kept whole, a `#` word ends the line.
fn split_words(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = command.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        if first == '#' {
            break;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '\'' {
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("an unclosed quote".into()),
                    }
                }
            } else if c == '"' {
                // Double quotes only around plain text: what a shell would
                // expand or escape in them needs a shell.
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some(c @ ('$' | '`' | '\\' | '!')) => {
                            return Err(format!("`{c}` in \"…\" needs a shell"));
                        }
                        Some(c) => word.push(c),
                        None => return Err("an unclosed quote".into()),
                    }
                }
            } else if c == '\\' || c == '$' || c == '`' {
                return Err(format!("`{c}` needs a shell; use '…'"));
            } else {
                word.push(c);
            }
        }
        words.push(word);
    }
    Ok(words)
}

/// Runs one command as the book shows it; its output as a terminal would
/// show it (stdout and stderr interleaved), or why it could not be had.
fn run(file: &str, command: &str) -> Result<String, String> {
    let run = parse(command)?;
    if run.lesson == "distributed"
        && let Err(why) = distributed::server::find()
    {
        return Err(format!("{SKIPPED}{why}"));
    }
    let (mut reader, writer) = std::io::pipe().map_err(|error| error.to_string())?;
    let mut lesson = support::lesson(&run.lesson);
    lesson.args(&run.args);
    if SEES_THE_CPUS.iter().any(|prefix| file.starts_with(prefix)) {
        lesson = with_cpus(lesson, WRITTEN_WITH_CPUS)?;
    }
    lesson
        .env("COLUMNS", COLUMNS)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(if run.stdin.is_empty() { Stdio::null() } else { Stdio::piped() })
        .stdout(writer.try_clone().map_err(|error| error.to_string())?)
        .stderr(writer);
    let mut child = lesson.spawn().map_err(|error| format!("cannot run: {error}"))?;
    // The command keeps its copies of the pipe's writing end: without
    // dropping it, the reading below would wait for ever.
    drop(lesson);
    if let Some(mut input) = child.stdin.take() {
        // A program that stops reading early closes the pipe: not an error here.
        let _ = input.write_all(&run.stdin);
    }
    let reading = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map(|_| bytes)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|error| error.to_string())? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {TIMEOUT:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let bytes = reading.join().unwrap().map_err(|error| error.to_string())?;
    let output = String::from_utf8(bytes).map_err(|_| "the output is not UTF-8".to_string())?;
    // A run that fails says so in its file, as a shell would have shown it
    // (`echo $?`): the chapter includes that line or not.
    Ok(match status.code() {
        Some(0) => output,
        Some(code) => format!("{output}[exit status {code}]\n"),
        None => format!("{output}[{status}]\n"),
    })
}

/// `lesson` as it would run on a machine that runs `cpus` threads at once,
/// or why it cannot be.
fn with_cpus(lesson: std::process::Command, cpus: usize) -> Result<std::process::Command, String> {
    let here = std::thread::available_parallelism().map_or(1, |cpus| cpus.get());
    if here == cpus {
        return Ok(lesson);
    }
    let skip = format!(
        "{SKIPPED}this machine runs {here} threads at once, the file was written on one that runs {cpus}"
    );
    if here < cpus || !cfg!(target_os = "linux") {
        return Err(skip);
    }
    let mut pinned = std::process::Command::new("taskset");
    pinned.arg("-c").arg(format!("0-{}", cpus - 1)).arg(lesson.get_program()).args(lesson.get_args());
    for (key, value) in lesson.get_envs() {
        match value {
            Some(value) => pinned.env(key, value),
            None => pinned.env_remove(key),
        };
    }
    if let Some(dir) = lesson.get_current_dir() {
        pinned.current_dir(dir);
    }
    match std::process::Command::new("taskset").arg("-c").arg("0").arg("true").status() {
        Ok(status) if status.success() => Ok(pinned),
        _ => Err(format!("{skip}, and `taskset` cannot limit it")),
    }
}

/// How an error from [`run`] begins when the command was not run on purpose.
const SKIPPED: &str = "skipped: ";

/// What two runs of `file`'s command must share (`docs/outputs/README.md`).
fn normalized(file: &str, output: &str) -> String {
    let mut lines = Vec::new();
    // Inside a chart drawn on the real clock: its bars and axis vary.
    let mut real_chart = false;
    for line in output.lines() {
        if line.trim().is_empty() {
            real_chart = false;
        }
        if let Some((_, title)) = line.split_once(" rows over ").filter(|_| line.ends_with("(real time)")) {
            // Which rows a real-time chart has is the scheduler's too: a
            // worker that got no work under load draws none.
            real_chart = true;
            let name = &line[..line.len() - title.len() - " rows over ".len()];
            let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
            lines.push(format!("{name}<n> rows over <time> (real time)"));
            continue;
        } else if real_chart && line.contains('│') {
            continue;
        } else if real_chart && line.trim_start().starts_with('█') {
            // The legend names only the marks this run's bars used.
            continue;
        } else if real_chart
            && (line.trim_start().starts_with('└')
                || line.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        {
            lines.push("<axis>".to_string());
            continue;
        }
        let normal = durations(&servers(line));
        if normal == line {
            lines.push(normal);
        } else {
            // Times and ratios change width, and the columns of a table
            // with them; where a column says `—` (no time to show), another
            // run may show one.
            let words = normal.split(' ').filter(|word| !word.is_empty());
            lines.push(
                words.map(|word| if word == "—" { "<time>" } else { word }).collect::<Vec<_>>().join(" "),
            );
        }
    }
    if let Some((_, starts)) = VERDICTS_FROM_TIMES.iter().find(|(name, _)| *name == file) {
        for line in lines.iter_mut().filter(|line| starts.iter().any(|start| line.starts_with(start))) {
            *line = "<verdict>".to_string();
        }
    }
    if let Some((_, starts)) = COUNTS_VARY.iter().find(|(name, _)| *name == file) {
        for line in lines.iter_mut().filter(|line| starts.iter().any(|start| line.starts_with(start))) {
            *line = counts(line);
        }
    }
    if let Some((_, starts)) = MAY_NOT_APPEAR.iter().find(|(name, _)| *name == file) {
        lines.retain(|line| !starts.iter().any(|start| line.starts_with(start)));
    }
    if let Some((_, who)) = ORDER_IS_THE_OS.iter().find(|(name, _)| *name == file) {
        // An empty word: the order alone is the OS's.
        for line in lines.iter_mut().filter(|_| !who.is_empty()) {
            for digit in '0'..='9' {
                *line = line.replace(&format!("{who} {digit}"), &format!("{who} <n>"));
            }
        }
        // A set: how often a consumer slept depends on when it found the
        // queue closed, and so on the scheduler too.
        lines.sort();
        lines.dedup();
    }
    lines.join("\n")
}

/// `line` with every real duration as `<time>`, every speed ratio (`1.38×`)
/// as `<ratio>` and every pid as `<pid>`. A duration on the virtual clock
/// (`… seconds of virtual time`, a chart's `over 12.00 s (virtual time)`) is kept: it is the same on every run, as is
/// a whole number of seconds (a seeded sleep, `sleeping for 1 second`).
fn durations(line: &str) -> String {
    const UNITS: [&str; 8] = ["seconds", "second", "ms", "µs", "us", "ns", "min", "s"];
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let before = &rest[..start];
        out.push_str(before);
        let previous = out.chars().last();
        let after_start = &rest[start..];
        let length = after_start
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .unwrap_or(after_start.len());
        let number = after_start[..length].trim_end_matches(['.', ',']);
        let tail = &after_start[number.len()..];
        // A number glued to a word (`L12`, `#2`, `x86`) is part of a name.
        let in_a_name = previous.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '<');
        let spaced = tail.strip_prefix(' ').unwrap_or(tail);
        let unit = UNITS.iter().find(|unit| {
            let Some(after) = spaced.strip_prefix(**unit) else { return false };
            !after.starts_with(|c: char| c.is_alphanumeric())
        });
        let is_pid = out.ends_with("pid ") || out.ends_with("pid=") || out.ends_with("pid: ");
        if in_a_name {
            out.push_str(number);
            rest = tail;
        } else if is_pid {
            out.push_str("<pid>");
            rest = tail;
        } else if let Some(unit) = unit {
            let after = &spaced[unit.len()..];
            let whole_seconds = unit.starts_with('s') && !number.contains('.');
            let virtual_time = after.starts_with(" of virtual time") || after.starts_with(" (virtual time)");
            if virtual_time || whole_seconds {
                out.push_str(number);
                rest = tail;
            } else {
                out.push_str("<time>");
                rest = after;
            }
        } else if let Some(after) = rate(spaced) {
            out.push_str("<rate>");
            rest = after;
        } else if let Some(after) = tail.strip_prefix('×') {
            out.push_str("<ratio>");
            rest = after;
        } else {
            out.push_str(number);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// `line` with what differs from one Redis server to the next as a
/// placeholder: the port (`127.0.0.1:<port>`: a private server's is a free
/// one), the version (`redis-server <version>`), a private server's folder
/// (`<folder>`) and the number of an OS error (`os error <n>`: 111 on Linux
/// is 61 on macOS).
fn servers(line: &str) -> String {
    let mut out = line.to_string();
    for (before, placeholder) in
        [("127.0.0.1:", "<port>"), ("redis-server ", "<version>"), ("os error ", "<n>")]
    {
        let mut from = 0;
        while let Some(at) = out[from..].find(before) {
            let start = from + at + before.len();
            let length =
                out[start..].find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(out.len() - start);
            let value = out[start..start + length].trim_end_matches('.');
            if value.starts_with(|c: char| c.is_ascii_digit()) {
                out.replace_range(start..start + value.len(), placeholder);
            }
            from = start;
        }
    }
    while let Some(at) = out.find("distributed-redis-") {
        let start = out[..at].rfind(' ').map_or(0, |space| space + 1);
        let end = out[at..].find([' ', ')']).map_or(out.len(), |end| at + end);
        out.replace_range(start..end, "<folder>");
    }
    out
}

/// `line` with every number as `<n>`, and without what says that a
/// worker's number in Redis is not `demo`'s (`worker 1 (2 in Redis): 99`).
fn counts(line: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in line.chars() {
        if c.is_ascii_digit() || (in_number && c == ',') {
            if !in_number {
                out.push_str("<n>");
                in_number = true;
            }
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out.replace(" (<n> in Redis)", "")
}

/// After a number, a rate (`M numbers/s`, `MB/s`): the rest of the line
/// after it.
fn rate(text: &str) -> Option<&str> {
    let mut end = 0;
    for word in text.split_inclusive(' ').take(2) {
        let bare = word.trim_end().trim_end_matches([',', '.', ';', ':', ')']);
        end += word.len();
        if bare.ends_with("/s") {
            return Some(&text[end - word.len() + bare.len()..]);
        }
    }
    None
}

/// The lines that differ, as `-` (the file) and `+` (this run), with their
/// line numbers: a plain longest-common-subsequence diff (outputs are short).
fn difference(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // common[i][j]: the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut shown) = (0, 0, String::new());
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || common[i + 1][j] >= common[i][j + 1]) {
            shown.push_str(&format!("  {:>3} - {}\n", i + 1, old[i]));
            i += 1;
        } else {
            shown.push_str(&format!("  {:>3} + {}\n", j + 1, new[j]));
            j += 1;
        }
    }
    shown
}

#[test]
fn every_output_the_book_shows_is_what_its_command_prints() {
    let update = std::env::var("UPDATE_OUTPUTS").ok();
    let shown = shown();
    let mut problems = Vec::new();
    // Transcripts of sessions (`x.txt` beside `x.session`), each included
    // by its steps' anchors under the steps' commands.
    let mut sessions: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    for one in &shown {
        let session = root().join(OUTPUTS).join(&one.file).with_extension("session");
        if !session.exists() {
            continue;
        }
        let steps = match session::shown_commands(&session) {
            Ok(steps) => steps,
            Err(error) => {
                problems.push(error);
                continue;
            }
        };
        let Some(anchor) = &one.anchor else {
            problems.push(format!("{}: a session's transcript is included by a step's anchor", one.place));
            continue;
        };
        let name = session.strip_prefix(root()).unwrap().display().to_string().replace('\\', "/");
        match steps.iter().find(|(step, _)| step == anchor) {
            None => problems.push(format!("{}: {name} has no step {anchor}", one.place)),
            Some((_, command)) if split_words(command) != split_words(&one.command) => {
                problems.push(format!(
                    "{}: `{}` is shown above step {anchor} of {name}, which runs `{command}`",
                    one.place, one.command
                ))
            }
            Some(_) => {}
        }
        sessions.insert(one.file.clone(), (session, name));
    }
    // One command per file, whichever chapter and language shows it.
    let mut commands: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (file, (_, described)) in &sessions {
        let place = shown.iter().find(|one| one.file == *file).unwrap().place.clone();
        commands.insert(file.clone(), (described.clone(), place));
    }
    for one in shown.iter().filter(|one| !sessions.contains_key(&one.file)) {
        match commands.get(&one.file) {
            Some((command, place)) if *command != one.command => problems.push(format!(
                "{}: {} is shown as the output of `{}`, but {place} says `{command}`",
                one.place, one.file, one.command
            )),
            Some(_) => {}
            None => {
                commands.insert(one.file.clone(), (one.command.clone(), one.place.clone()));
            }
        }
    }
    // Runs that time the CPU's work run one at a time. When they are being
    // written, they run after the others and alone, so that the times the
    // book shows are not a crowd's; when they are checked (their times
    // normalised), beside the others, which wait on timers, real or virtual,
    // not on the CPU. Either way every other command runs side by side.
    let (timed, untimed): (Vec<_>, Vec<_>) =
        commands.iter().partition(|(file, _)| TIMES_THE_CPU.iter().any(|lesson| file.starts_with(lesson)));
    let run_timed =
        || timed.iter().map(|(file, (command, _))| ((*file).clone(), run(file, command))).collect::<Vec<_>>();
    let mut timed_outputs = Vec::new();
    let mut outputs: BTreeMap<String, Result<String, String>> = std::thread::scope(|scope| {
        let alongside = update.is_none().then(|| scope.spawn(run_timed));
        let sessions = &sessions;
        let running: Vec<_> = untimed
            .into_iter()
            .map(|(file, (command, _))| {
                let output = move || match sessions.get(file) {
                    Some((session, _)) => session::run(session),
                    None => run(file, command),
                };
                (file.clone(), scope.spawn(output))
            })
            .collect();
        if let Some(alongside) = alongside {
            timed_outputs = alongside.join().unwrap();
        }
        running.into_iter().map(|(file, handle)| (file, handle.join().unwrap())).collect()
    });
    if update.is_some() {
        timed_outputs = run_timed();
    }
    outputs.extend(timed_outputs);
    for (file, output) in &outputs {
        let (command, place) = &commands[file];
        let path = root().join(OUTPUTS).join(file);
        let output = match output {
            Ok(output) => output,
            Err(error) if error.starts_with(SKIPPED) && std::env::var_os("CI").is_none() => {
                eprintln!("{place}: {}: {error}", what_ran(command));
                continue;
            }
            Err(error) => {
                problems.push(format!("{place}: {}: {error}", what_ran(command)));
                continue;
            }
        };
        let written = fs::read_to_string(&path).ok();
        if let Some(update) = &update {
            // A run on the real clock that still says what the file says is
            // kept: its numbers would change on every update for nothing,
            // and the book's prose is written against the run it shows.
            let same = written.as_deref().is_some_and(|written| {
                if update == "all" {
                    written == output
                } else {
                    normalized(file, written) == normalized(file, output)
                }
            });
            if !same {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, output).unwrap();
                eprintln!("wrote {OUTPUTS}/{file}");
            }
            continue;
        }
        let Some(written) = written else {
            problems.push(format!(
                "{place}: {OUTPUTS}/{file} is missing: run UPDATE_OUTPUTS=1 cargo test --test outputs"
            ));
            continue;
        };
        let (expected, actual) = (normalized(file, &written), normalized(file, output));
        if expected != actual {
            problems.push(format!(
                "{place}: {} no longer prints what {OUTPUTS}/{file} shows \
                 (- the file, + this run, normalised as docs/outputs/README.md says):\n{}",
                what_ran(command),
                difference(&expected, &actual)
            ));
        }
    }
    // No file that no chapter shows.
    let folder = root().join(OUTPUTS);
    for entry in walk(&folder) {
        let name = entry.strip_prefix(&folder).unwrap().to_string_lossy().replace('\\', "/");
        if name.ends_with(".txt") && !commands.contains_key(&name) {
            problems.push(format!("{OUTPUTS}/{name}: no chapter includes it"));
        }
        let transcript = name.strip_suffix(".session").map(|stem| format!("{stem}.txt"));
        if transcript.is_some_and(|transcript| !commands.contains_key(&transcript)) {
            problems.push(format!("{OUTPUTS}/{name}: no chapter includes a step of it"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A command as the messages name it: `` `cargo run …` ``, or a session's file.
fn what_ran(command: &str) -> String {
    if command.ends_with(".session") { format!("the session {command}") } else { format!("`{command}`") }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(walk(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn the_normalisation_keeps_the_virtual_clock_and_hides_the_real_one() {
    assert_eq!(
        durations("rand executed in 16.00 seconds of virtual time (paused clock, --instant)."),
        "rand executed in 16.00 seconds of virtual time (paused clock, --instant)."
    );
    assert_eq!(durations("count executed in 1.00 seconds."), "count executed in <time>.");
    assert_eq!(
        durations("sequential loop: 30.8 ms, 153 ns per row, 0.0054× the loop's speed, 13.8 s"),
        "sequential loop: <time>, <time> per row, <ratio> the loop's speed, <time>"
    );
    assert_eq!(durations("Producer 0 sleeping for 1 second."), "Producer 0 sleeping for 1 second.");
    assert_eq!(
        durations("worker pid 4242 and <5b21b8bbf4> at L12"),
        "worker pid <pid> and <5b21b8bbf4> at L12"
    );
    assert_eq!(durations("200,000 rows × 5 numbers"), "200,000 rows × 5 numbers");
    assert_eq!(
        durations("1000000 numbers in 331 ms: 3.02 M numbers/s, 12 MB/s."),
        "1000000 numbers in <time>: <rate>, <rate>."
    );
}

#[test]
fn the_commands_are_read_as_the_chapters_write_them() {
    let run = parse(r"printf '1\n0\nabc\n' | cargo run -p async-io -- input-worker --instant   # hardened")
        .unwrap();
    assert_eq!(run.lesson, "async-io");
    assert_eq!(run.args, ["input-worker", "--instant"]);
    assert_eq!(run.stdin, b"1\n0\nabc\n");
    assert!(parse("cargo run --release -p pool -- map").is_err());
    assert!(parse("cargo run -p pool map").is_err());
    assert!(parse("cargo run -p pool -- map \"$HOME\"").is_err());
}

#[test]
fn a_real_time_chart_keeps_its_labels_and_a_virtual_one_everything() {
    let real =
        "Timeline: 2 rows over 1.00 s (real time)\na │██  │\nb │ ███│\n  └┬──┬┘\n   0s 1s\n   █ ran\n\nend";
    assert_eq!(
        normalized("x.txt", real),
        "Timeline: <n> rows over <time> (real time)\n<axis>\n<axis>\n\nend"
    );
    let virtual_chart = "Timeline: 2 rows over 12.00 s (virtual time)\na │██  │\n  └┬──┬┘";
    assert_eq!(normalized("x.txt", virtual_chart), virtual_chart);
}

/// The comment that lets a chapter whose outputs are generated keep one
/// pasted, right above its block, with the reason: a run no command can
/// repeat (a `kill -9` from another terminal, a compiler's error, Python).
const PASTED: &str = "<!-- output pasted:";

#[test]
fn a_chapter_with_generated_outputs_pastes_none_without_saying_why() {
    let mut problems = Vec::new();
    for language in ["en", "ru"] {
        for entry in fs::read_dir(root().join("docs").join(language)).unwrap() {
            let chapter = entry.unwrap().path();
            let text = fs::read_to_string(&chapter).unwrap();
            if !text.contains(&format!("{{{{#include {FROM_CHAPTER}")) {
                continue; // not converted yet
            }
            let lines: Vec<&str> = text.lines().collect();
            let mut index = 0;
            while index < lines.len() {
                if lines[index].trim() != "```text" {
                    index += 1;
                    continue;
                }
                let end =
                    (index + 1..lines.len()).find(|&end| lines[end].trim() == "```").unwrap_or(lines.len());
                let block = &lines[index + 1..end];
                // The run's command: the block's `$` line, or the ```sh block
                // of one command right above it.
                let said = lines[..index].iter().rev().find(|line| !line.trim().is_empty());
                let command_above = (said.is_some_and(|line| line.trim() == "```") && index >= 4)
                    .then(|| {
                        let close = (0..index).rev().find(|&at| !lines[at].trim().is_empty())?;
                        (close >= 2 && lines[close - 2].trim() == "```sh").then(|| lines[close - 1].trim())
                    })
                    .flatten()
                    .filter(|command| command.contains("cargo run"));
                let shown = match block.first().and_then(|first| first.strip_prefix("$ ")) {
                    Some(command) => Some(command),
                    None => command_above,
                };
                let runs = shown.is_some();
                let included = block.iter().any(|line| line.contains(FROM_CHAPTER));
                let marked =
                    |line: Option<&&str>| line.is_some_and(|line| line.trim_start().starts_with(PASTED));
                let sh_block =
                    command_above.and_then(|_| (0..index).rev().find(|&at| lines[at].trim() == "```sh"));
                let above_sh =
                    sh_block.and_then(|at| lines[..at].iter().rev().find(|line| !line.trim().is_empty()));
                if runs && !included && !marked(said) && !marked(above_sh) {
                    problems.push(format!(
                        "{}:{}: `{}` shows a pasted output: include it from docs/outputs, or say why \
                         it is pasted in a `{PASTED} … -->` line above the block",
                        chapter.display(),
                        index + 2,
                        shown.unwrap_or_default()
                    ));
                }
                index = end + 1;
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
