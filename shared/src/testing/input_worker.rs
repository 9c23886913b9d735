//! What both ports of Python's input-worker promise, checked on their real
//! binaries: `multiprocess input-worker` (a worker process) and `async-io
//! input-worker` (tasks on one thread) read the same input and must answer
//! it the same way: a file `N.txt` holding `Hello, N!` per number, until a
//! line that is not one; a message for a line that is not UTF-8, too long or
//! too large a number; a clear error for a folder or a file that cannot be
//! written. Each lesson's tests call these checks with its own command, and
//! add what only its port does (worker processes, the virtual clock).
//!
//! ```no_run
//! use shared::testing::input_worker::Contract;
//!
//! fn contract() -> Contract {
//!     Contract::new("async-io", env!("CARGO_MANIFEST_DIR"), |out| {
//!         let mut command = std::process::Command::new("path/to/async-io");
//!         command.args(["input-worker", "--instant", "--out"]).arg(out);
//!         command
//!     })
//! }
//!
//! contract().stops_reading_at_eof();
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use super::cli::{lines_where, output_with_input, scratch};

/// The most a run may take: each waits for a few seconds of sleep at most
/// (or none, on the virtual clock); the bound turns a hang into a failure.
const PATIENCE: Duration = Duration::from_secs(60);

/// A lesson's `input-worker`, and where its runs write.
pub struct Contract {
    lesson: &'static str,
    base: String,
    command: Box<dyn Fn(&Path) -> Command>,
}

/// One run: the folder it wrote into, its stdout and its stderr.
#[derive(Debug)]
pub struct Run {
    /// The `--out` folder.
    pub out: PathBuf,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

impl Contract {
    /// `command(out)` is the lesson's `input-worker` with its flags, writing
    /// into `out`; `base` is where runs get their folders
    /// (`env!("CARGO_TARGET_TMPDIR")`), each under a name of its own that
    /// starts with `lesson`.
    pub fn new(lesson: &'static str, base: &str, command: impl Fn(&Path) -> Command + 'static) -> Contract {
        Contract { lesson, base: base.to_string(), command: Box::new(command) }
    }

    /// Runs on `input` in a fresh folder named after `name`; what it did.
    pub fn output(&self, name: &str, input: &[u8]) -> (PathBuf, Output) {
        let out = scratch(&self.base, &format!("{}-{name}", self.lesson)).join("out");
        let mut command = (self.command)(&out);
        (out, output_with_input(&mut command, input, PATIENCE))
    }

    /// Runs on `input`, and checks that it exits with 0 and never panics.
    pub fn run(&self, name: &str, input: &[u8]) -> Run {
        let (out, output) = self.output(name, input);
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        Run { out, stdout, stderr }
    }

    /// Numbers until a non-number: a file each; the non-number is said to be
    /// one, and a line after it is answered, not swallowed. Piped input is
    /// echoed after its prompt, one prompt per line read.
    pub fn writes_a_file_per_number_until_a_non_number(&self) -> Run {
        let run = self.run("non-number", b"1\n0\n2\nx\n3\n");
        assert_written(&run, &[1, 0, 2]);
        assert!(run.stdout.contains("\"x\" is not a number"), "{}", run.stdout);
        assert!(run.stderr.contains("\"3\" was not taken"), "{}", run.stderr);
        let prompts = lines_where(&run.stdout, |line| line.starts_with("Enter a number: "));
        assert_eq!(
            prompts,
            ["Enter a number: 1", "Enter a number: 0", "Enter a number: 2", "Enter a number: x"]
        );
        run
    }

    /// The end of input, even in the middle of a line, ends the reading.
    pub fn stops_reading_at_eof(&self) {
        let run = self.run("eof", b"1\n0\n2");
        assert_written(&run, &[1, 0, 2]);
    }

    /// A line that is not UTF-8, and one of 100,000 bytes, are skipped with
    /// a message each; the numbers around them are written.
    pub fn skips_invalid_utf8_and_over_long_lines(&self) {
        let mut input = b"0\n\xff\xfe\x80\n".to_vec();
        input.extend(std::iter::repeat_n(b'5', 100_000));
        input.extend(b"\n1\n");
        let run = self.run("bad-lines", &input);
        assert_written(&run, &[0, 1]);
        assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
        assert!(run.stderr.contains("longer than 1024 bytes"), "{}", run.stderr);
    }

    /// A number too large to sleep on (past `u64`, or past a day) is refused
    /// with the bound, and the reading goes on.
    pub fn refuses_a_number_too_large_to_sleep_on(&self) {
        let run = self.run("huge", b"0\n99999999999999999999999\n86401\n1\n");
        assert_written(&run, &[0, 1]);
        assert!(
            run.stderr.contains("99999999999999999999999 is too large: at most 86400 here"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("86401 is too large"), "{}", run.stderr);
    }

    /// No input at all: it starts, finishes and ends, and writes nothing
    /// (a worker process may say it started).
    pub fn ends_cleanly_with_no_input(&self) {
        let run = self.run("empty", b"");
        let status = lines_where(&run.stdout, |line| !line.contains(" started (pid "));
        assert_eq!(status, ["Starting work", "Finishing work", "Work ended"], "{}", run.stdout);
        assert!(files_in(&run.out).is_empty());
    }

    /// `--out` under a file: one line saying so, exit code 1, no panic.
    pub fn says_why_when_the_folder_cannot_be_made(&self) {
        let dir = scratch(&self.base, &format!("{}-bad-out", self.lesson));
        let file = dir.join("a-file");
        std::fs::write(&file, "").expect("a file in the scratch folder");
        let output = output_with_input(&mut (self.command)(&file.join("sub")), b"1\n", PATIENCE);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("cannot create the folder") && !stderr.contains("panicked"), "{stderr}");
    }

    /// A file that cannot be written (a non-empty folder where `0.txt`
    /// should go): the others are written, the run says which failed and
    /// exits with 1 after its last line.
    pub fn exits_non_zero_when_a_file_cannot_be_written(&self) {
        let out = scratch(&self.base, &format!("{}-write-fails", self.lesson)).join("out");
        std::fs::create_dir_all(out.join("0.txt").join("taken")).expect("a folder in the way");
        let output = output_with_input(&mut (self.command)(&out), b"0\n1\n", PATIENCE);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("cannot write") && stderr.contains("could not write the files for 0"),
            "{stderr}"
        );
        assert_eq!(std::fs::read_to_string(out.join("1.txt")).expect("1.txt"), "Hello, 1!");
        assert!(String::from_utf8_lossy(&output.stdout).ends_with("Work ended\n"));
    }
}

/// Exactly the files of `numbers` in the run's folder, each holding
/// `Hello, N!`, and the status lines in order, the last one last.
pub fn assert_written(run: &Run, numbers: &[u64]) {
    let mut expected: Vec<String> = numbers.iter().map(|number| format!("{number}.txt")).collect();
    expected.sort();
    expected.dedup();
    assert_eq!(files_in(&run.out), expected, "{}", run.stdout);
    for number in numbers {
        let text = std::fs::read_to_string(run.out.join(format!("{number}.txt"))).expect("the file");
        assert_eq!(text, format!("Hello, {number}!"));
    }
    let status =
        lines_where(&run.stdout, |line| ["Starting work", "Finishing work", "Work ended"].contains(&line));
    assert_eq!(status, ["Starting work", "Finishing work", "Work ended"], "{}", run.stdout);
    assert!(run.stdout.ends_with("Work ended\n"), "{}", run.stdout);
}

/// The names in `out`, sorted, hidden temporary files included.
pub fn files_in(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .expect("the --out folder")
        .map(|entry| entry.expect("a folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
