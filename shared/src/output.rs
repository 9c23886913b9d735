//! Printing for every lesson: `println!` that knows which task is talking.
//!
//! The lessons write `println!("One")` exactly as the Python originals write
//! `print("One")`, and import this crate's [`println!`](crate::println),
//! [`print!`](crate::print) and [`eprintln!`](crate::eprintln) in place of
//! std's. They take the same arguments and print the same text; on top of
//! that they:
//!
//! - **color** a line in the color of the task (or thread) that prints it.
//!   The task's number is set from outside the task's code, by
//!   [`Instrument::instrument`](crate::timeline::Instrument::instrument) and
//!   [`Span::in_scope`](crate::timeline::Span::in_scope), so an example body
//!   holds the lesson and nothing else. Copied into a project without this
//!   crate, the same code prints the same lines with std's macros, uncolored.
//! - **stay out of a prompt's way**: while [`console`](crate::console) waits
//!   at `Enter a number: `, a line printed by another task first moves off the
//!   prompt's line, and the prompt is drawn again below it.
//! - **fail cleanly**: std's `println!` panics when stdout cannot be written
//!   (a full disk, a closed terminal). Here a broken pipe (`| head`) ends the
//!   program quietly with exit code 0, as `head` expects; any other write
//!   error ends it with one line on stderr and exit code 1.
//! - **can be captured** by tests ([`Capture`]), which then read who printed
//!   what instead of parsing the terminal.
//!
//! Escape codes are written through [`anstream`], which drops them when the
//! output is not a terminal, under `NO_COLOR`, or with `--color never`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::colors;

/// Where a line goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output: what the program says.
    Stdout,
    /// Standard error: warnings, errors, Ctrl-C notices.
    Stderr,
}

/// One line printed while a [`Capture`] was on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Where it would have gone.
    pub stream: Stream,
    /// The row (task, thread) that printed it, if it was inside one.
    pub row: Option<usize>,
    /// The text, without its newline and without colors.
    pub text: String,
}

thread_local! {
    /// The row whose code runs on this thread right now (see `enter_row`).
    static CURRENT_ROW: Cell<Option<usize>> = const { Cell::new(None) };
    /// Where lines go instead of the terminal while a test captures them.
    static CAPTURED: RefCell<Option<Vec<Line>>> = const { RefCell::new(None) };
}

/// Whether lines printed inside a row are dropped (`count --quiet`).
static QUIET_ROWS: AtomicBool = AtomicBool::new(false);

/// The prompt a reader waits at, and whether it is on the screen now.
///
/// One lock for all terminal output: a line and the prompt redrawn after it
/// are written together, so two tasks never interleave inside a line.
#[derive(Debug)]
struct Terminal {
    /// `Some(prompt)` while a reader waits for a line after that prompt.
    waiting: Option<String>,
    /// Whether the cursor sits right after a prompt that is on the screen.
    prompt_shown: bool,
}

static TERMINAL: Mutex<Terminal> = Mutex::new(Terminal { waiting: None, prompt_shown: false });

fn terminal() -> MutexGuard<'static, Terminal> {
    // A panic while printing leaves nothing half-updated that matters here.
    TERMINAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The row (task, thread) whose code is running on this thread, if any.
pub fn current_row() -> Option<usize> {
    CURRENT_ROW.with(Cell::get)
}

/// Marks `row` as the one running on this thread until the guard is dropped.
pub(crate) fn enter_row(row: usize) -> RowGuard {
    RowGuard { previous: CURRENT_ROW.with(|current| current.replace(Some(row))) }
}

/// Restores the previous row when dropped (see [`enter_row`]).
#[derive(Debug)]
pub(crate) struct RowGuard {
    previous: Option<usize>,
}

impl Drop for RowGuard {
    fn drop(&mut self) {
        CURRENT_ROW.with(|current| current.set(self.previous));
    }
}

/// Drops every line printed inside a row from now on: the tasks fall silent,
/// the program's own lines (footer, summary) still print. For benchmarks
/// that would otherwise measure the terminal.
pub fn quiet_rows(quiet: bool) {
    QUIET_ROWS.store(quiet, Ordering::Relaxed);
}

/// The implementation of the print macros; call those instead.
#[doc(hidden)]
pub fn print_args(stream: Stream, args: fmt::Arguments<'_>, newline: bool) {
    let row = current_row();
    if row.is_some() && QUIET_ROWS.load(Ordering::Relaxed) {
        return;
    }
    if captured(stream, row, args) {
        return;
    }
    let mut terminal = terminal();
    let written = terminal.write(stream, row, args, newline);
    drop(terminal);
    if let Err(error) = written {
        exit_after_write_error(stream, &error);
    }
}

/// Appends to the capture, if this thread has one; says whether it did.
fn captured(stream: Stream, row: Option<usize>, args: fmt::Arguments<'_>) -> bool {
    CAPTURED.with(|captured| match captured.borrow_mut().as_mut() {
        Some(lines) => {
            lines.push(Line { stream, row, text: args.to_string() });
            true
        }
        None => false,
    })
}

impl Terminal {
    fn write(
        &mut self,
        stream: Stream,
        row: Option<usize>,
        args: fmt::Arguments<'_>,
        newline: bool,
    ) -> io::Result<()> {
        // The prompt is on stdout; whatever comes next starts on a new line.
        if self.prompt_shown {
            let mut stdout = anstream::stdout().lock();
            stdout.write_all(b"\n")?;
            stdout.flush()?;
            self.prompt_shown = false;
        }
        match stream {
            Stream::Stdout => {
                write_line(&mut io::stdout().lock(), anstream::stdout().current_choice(), row, args, newline)?
            }
            Stream::Stderr => {
                write_line(&mut io::stderr().lock(), anstream::stderr().current_choice(), row, args, newline)?
            }
        }
        if let Some(prompt) = &self.waiting {
            let mut stdout = anstream::stdout().lock();
            stdout.write_all(prompt.as_bytes())?;
            stdout.flush()?;
            self.prompt_shown = true;
        }
        Ok(())
    }
}

/// Writes one line, colored as `choice` says (escape codes kept, or
/// stripped when the stream is not a terminal or `NO_COLOR` is set), in one
/// call. Standard error is not buffered: a line written in pieces (its text,
/// its color codes, its newline) would be cut by the line of another process
/// writing to the same terminal or pipe at that moment (`demo` and its
/// worker processes share one), and a reader would see two half lines.
fn write_line(
    out: &mut impl Write,
    choice: anstream::ColorChoice,
    row: Option<usize>,
    args: fmt::Arguments<'_>,
    newline: bool,
) -> io::Result<()> {
    let mut line = anstream::AutoStream::new(Vec::new(), choice);
    match row {
        Some(row) => write!(line, "{}", colors::paint(row, args))?,
        None => line.write_fmt(args)?,
    }
    if newline {
        line.write_all(b"\n")?;
    }
    out.write_all(&line.into_inner())?;
    // Flushing here makes a write error show up now, at this line.
    out.flush()
}

/// Ends the program after stdout or stderr could not be written.
///
/// Several threads may fail at once (every one of them writing to a full
/// disk): the first reports and exits; the others wait for the exit, so the
/// user reads one line, not one per thread.
fn exit_after_write_error(stream: Stream, error: &io::Error) -> ! {
    static EXITING: AtomicBool = AtomicBool::new(false);
    if EXITING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
    if error.kind() == io::ErrorKind::BrokenPipe {
        // `... | head`: the reader has what it wanted. Not an error.
        crate::process::exit(0);
    }
    let name = match stream {
        Stream::Stdout => "standard output",
        Stream::Stderr => "standard error",
    };
    // stderr may be the stream that failed; then there is nobody to tell.
    let _ = writeln!(io::stderr(), "error: cannot write to {name}: {error}");
    crate::process::exit(1);
}

/// Writes a raw line to stdout under the terminal lock, with no color and no
/// capture: the timeline lines a worker process sends its parent.
pub(crate) fn raw_line(text: &str) {
    let terminal = terminal();
    let mut stdout = io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    drop(terminal);
    if let Err(error) = written {
        exit_after_write_error(Stream::Stdout, &error);
    }
}

/// A reader is about to wait at `prompt`. Shows it unless it is already on
/// the screen, or `line_ready` says the user has typed ahead (a paste), in
/// which case a prompt would only pile up before the pasted lines.
pub(crate) fn prompt_waiting(prompt: &str, line_ready: bool) {
    let mut terminal = terminal();
    terminal.waiting = Some(prompt.to_string());
    if terminal.prompt_shown || line_ready {
        return;
    }
    let mut stdout = anstream::stdout().lock();
    let written = stdout.write_all(prompt.as_bytes()).and_then(|()| stdout.flush());
    drop(stdout);
    terminal.prompt_shown = true;
    drop(terminal);
    if let Err(error) = written {
        exit_after_write_error(Stream::Stdout, &error);
    }
}

/// The reader got its line, or input ended. `enter_pressed` says the user's
/// own Enter already moved the cursor to a new line; otherwise (end of
/// input) a prompt still on the screen gets its line ended here.
pub(crate) fn prompt_done(enter_pressed: bool) {
    let mut terminal = terminal();
    terminal.waiting = None;
    if terminal.prompt_shown && !enter_pressed {
        let mut stdout = anstream::stdout().lock();
        let written = stdout.write_all(b"\n").and_then(|()| stdout.flush());
        drop(stdout);
        if let Err(error) = written {
            drop(terminal);
            exit_after_write_error(Stream::Stdout, &error);
        }
    }
    terminal.prompt_shown = false;
}

/// Lines printed on this thread, kept instead of printed, for tests.
///
/// ```
/// let capture = shared::output::Capture::start();
/// shared::println!("hello");
/// assert_eq!(capture.texts(), ["hello"]);
/// ```
#[derive(Debug)]
pub struct Capture {
    previous: Option<Vec<Line>>,
}

impl Capture {
    /// Starts capturing what this thread prints (tasks of a current-thread
    /// runtime run on it too). Printing resumes when this is dropped.
    pub fn start() -> Capture {
        Capture { previous: CAPTURED.with(|captured| captured.replace(Some(Vec::new()))) }
    }

    /// Every line captured so far.
    pub fn lines(&self) -> Vec<Line> {
        CAPTURED.with(|captured| captured.borrow().clone().unwrap_or_default())
    }

    /// The text of every line captured so far.
    pub fn texts(&self) -> Vec<String> {
        self.lines().into_iter().map(|line| line.text).collect()
    }

    /// The text of the lines printed inside `row`.
    pub fn texts_of(&self, row: usize) -> Vec<String> {
        self.lines().into_iter().filter(|line| line.row == Some(row)).map(|line| line.text).collect()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURED.with(|captured| *captured.borrow_mut() = self.previous.take());
    }
}

/// Like std's `println!`, in the color of the current task; see the
/// [`output`](crate::output) module.
#[macro_export]
macro_rules! println {
    () => {
        $crate::output::print_args($crate::output::Stream::Stdout, ::std::format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::output::print_args($crate::output::Stream::Stdout, ::std::format_args!($($arg)*), true)
    };
}

/// Like std's `print!` (no newline); see the [`output`](crate::output) module.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::output::print_args($crate::output::Stream::Stdout, ::std::format_args!($($arg)*), false)
    };
}

/// Like std's `eprintln!`; see the [`output`](crate::output) module.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::output::print_args($crate::output::Stream::Stderr, ::std::format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::output::print_args($crate::output::Stream::Stderr, ::std::format_args!($($arg)*), true)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_lines_remember_their_row_and_stream() {
        let capture = Capture::start();
        crate::println!("outside");
        {
            let _row = enter_row(2);
            crate::println!("inside {}", 2);
            crate::eprintln!("warning");
        }
        crate::println!();
        assert_eq!(
            capture.lines(),
            [
                Line { stream: Stream::Stdout, row: None, text: "outside".into() },
                Line { stream: Stream::Stdout, row: Some(2), text: "inside 2".into() },
                Line { stream: Stream::Stderr, row: Some(2), text: "warning".into() },
                Line { stream: Stream::Stdout, row: None, text: String::new() },
            ]
        );
        assert_eq!(capture.texts_of(2), ["inside 2", "warning"]);
    }

    #[test]
    fn rows_nest_and_restore() {
        assert_eq!(current_row(), None);
        let outer = enter_row(1);
        {
            let _inner = enter_row(5);
            assert_eq!(current_row(), Some(5));
        }
        assert_eq!(current_row(), Some(1));
        drop(outer);
        assert_eq!(current_row(), None);
    }

    #[test]
    fn a_capture_ends_when_dropped_and_restores_an_outer_one() {
        let outer = Capture::start();
        crate::println!("a");
        {
            let inner = Capture::start();
            crate::println!("b");
            assert_eq!(inner.texts(), ["b"]);
        }
        crate::println!("c");
        assert_eq!(outer.texts(), ["a", "c"]);
    }

    #[test]
    fn a_line_is_written_in_one_call_colored_or_not() {
        /// Records each call that writes, as a pipe would receive them.
        struct Calls(Vec<Vec<u8>>);
        impl Write for Calls {
            fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
                self.0.push(bytes.to_vec());
                Ok(bytes.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        for choice in [anstream::ColorChoice::Never, anstream::ColorChoice::AlwaysAnsi] {
            let mut calls = Calls(Vec::new());
            write_line(&mut calls, choice, Some(1), format_args!("worker {}: {}", 1, "stored"), true)
                .unwrap();
            assert_eq!(calls.0.len(), 1, "{choice:?}: {:?}", calls.0);
            let line = String::from_utf8(calls.0.remove(0)).unwrap();
            assert!(
                line.ends_with("worker 1: stored\n") || line.contains("worker 1: stored\u{1b}"),
                "{line:?}"
            );
        }
    }
}
