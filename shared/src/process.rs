//! Worker processes: a copy of the lesson's own binary, started with a
//! hidden subcommand, that talks to its parent in lines of text over pipes.
//!
//! Python's `multiprocessing` forks the running interpreter, or starts a new
//! one that re-imports the script; Rust has no interpreter to copy, so a
//! worker is simply the same program started again
//! ([`std::env::current_exe`]) with an argument that tells it to be a worker.
//! It is a fresh program: it shares nothing with its parent but what goes
//! through the pipes.
//!
//! [`spawn_worker`] starts one and does what every lesson needs:
//!
//! - **flags go on**: the parent's color choice is passed as
//!   `--color always|never` (a worker's stdout is a pipe, where `auto` would
//!   mean no color), and when `--timeline` is on, the time zero of the
//!   parent's chart is passed in the environment, so the worker's bars land on
//!   the parent's chart;
//! - **Ctrl-C stays with the parent**: the worker gets a process group of
//!   its own (on Windows, a console process group), so a Ctrl-C typed in the
//!   terminal reaches only the parent, which decides: finish the queue, or
//!   stop now;
//! - **no orphans**: the worker reads its stdin on a thread ([`Parent`]). If
//!   the parent dies, the pipe closes without the parent's goodbye line, and
//!   the worker exits at once, even in the middle of a job.
//!
//! The lines:
//!
//! | direction | line | meaning |
//! |---|---|---|
//! | parent → worker | anything but `#end` | a message for the worker |
//! | parent → worker | `#end` | no more messages: finish and exit |
//! | worker → parent | `#bar …` | a span for the chart ([`Bar::to_line`](crate::timeline::Bar::to_line)) |
//! | worker → parent | anything else | a message for the parent ([`send_to_parent`]) |
//!
//! What a message says is the lesson's business (the lessons send typed
//! messages as JSON); this module only carries lines.
//!
//! A worker sends its messages with [`send_to_parent`], not `println!`:
//! inside a span, `println!` paints the line in the span's color, and the
//! escape codes would become part of the message.
//!
//! ```rust,standalone_crate
//! use shared::process::{Parent, send_to_parent, spawn_worker};
//!
//! fn main() {
//!     // The same program is the worker when started with `square-worker`.
//!     if std::env::args().nth(1).as_deref() == Some("square-worker") {
//!         let parent = Parent::connect();
//!         while let Some(line) = parent.recv() {
//!             let n: u64 = line.parse().unwrap_or(0);
//!             send_to_parent(&(n * n).to_string()).unwrap();
//!         }
//!         return;
//!     }
//!     let mut worker = spawn_worker("square-worker", std::iter::empty::<&str>()).unwrap();
//!     worker.send("4").unwrap();
//!     worker.send("12").unwrap();
//!     worker.finish_input().unwrap();
//!     let answers: Vec<String> = worker.lines().map(Result::unwrap).collect();
//!     assert_eq!(answers, ["16", "144"]);
//!     assert!(worker.wait().unwrap().success());
//! }
//! ```
//!
//! A worker whose parent goes away without its goodbye exits by itself, and
//! it is in a process group of its own, out of reach of the terminal's
//! Ctrl-C:
//!
//! ```rust,standalone_crate
//! use shared::process::{ORPHAN_EXIT_CODE, Parent, spawn_worker};
//!
//! fn main() {
//!     if std::env::args().nth(1).as_deref() == Some("idle-worker") {
//!         let parent = Parent::connect();
//!         while parent.recv().is_some() {}
//!         return;
//!     }
//!     let worker = spawn_worker("idle-worker", std::iter::empty::<&str>()).unwrap();
//!     #[cfg(unix)]
//!     {
//!         let group = |pid: u32| {
//!             let ps = std::process::Command::new("ps").args(["-o", "pgid=", "-p", &pid.to_string()]).output();
//!             String::from_utf8(ps.unwrap().stdout).unwrap().trim().to_string()
//!         };
//!         assert_ne!(group(worker.pid()), group(std::process::id()));
//!     }
//!     // `wait` closes the worker's input; without `finish_input` first, that
//!     // is the parent going away.
//!     assert_eq!(worker.wait().unwrap().code(), Some(ORPHAN_EXIT_CODE));
//! }
//! ```

use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Mutex, PoisonError, mpsc};

use crate::timeline::{self, Bar, Recorder};

/// The line that tells a worker no more messages will come.
pub const END_LINE: &str = "#end";

/// The environment variable that carries the parent chart's time zero
/// (nanoseconds since the Unix epoch) to a worker.
pub const TIMELINE_ORIGIN_VAR: &str = "COURSE_TIMELINE_ORIGIN_NS";

/// The exit code of a worker whose parent went away.
pub const ORPHAN_EXIT_CODE: i32 = 3;

/// A worker process, seen from its parent.
#[derive(Debug)]
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Option<BufReader<ChildStdout>>,
    recorder: Recorder,
    /// Where it writes files atomically: see [`Worker::writing_into`].
    writes_into: Option<PathBuf>,
}

/// Starts this program again as a worker: `<this binary> <subcommand>
/// --color always|never <args…>`, with stdin and stdout piped to the parent
/// and stderr shared with it. See the module docs.
pub fn spawn_worker<I, S>(subcommand: &str, args: I) -> io::Result<Worker>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let program = std::env::current_exe()?;
    let mut command = Command::new(program);
    command.arg(subcommand);
    let colored = !matches!(anstream::AutoStream::choice(&io::stdout()), anstream::ColorChoice::Never);
    command.args(["--color", if colored { "always" } else { "never" }]);
    command.args(args);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
    let recorder = timeline::current();
    match recorder.origin_unix_nanos() {
        Some(origin) => command.env(TIMELINE_ORIGIN_VAR, origin.to_string()),
        None => command.env_remove(TIMELINE_ORIGIN_VAR),
    };
    own_process_group(&mut command);
    let mut child = command.spawn()?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().map(BufReader::new);
    Ok(Worker { child, stdin, stdout, recorder, writes_into: None })
}

/// Starts `command`'s process in a process group of its own (on Windows, a
/// console process group), out of reach of the Ctrl-C typed in this
/// terminal: what [`spawn_worker`] does for a worker, for other programs a
/// lesson starts and stops itself (the `distributed` lesson's private
/// `redis-server`).
#[cfg(unix)]
pub fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// See the Unix version.
#[cfg(windows)]
pub fn own_process_group(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    // A new process group does not receive the console's Ctrl-C.
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    command.creation_flags(CREATE_NEW_PROCESS_GROUP);
}

/// See the Unix version.
#[cfg(not(any(unix, windows)))]
pub fn own_process_group(_command: &mut Command) {}

/// What must be undone however the program ends: see [`at_exit`].
type Cleanup = Box<dyn FnOnce() + Send>;

static AT_EXIT: Mutex<Vec<Cleanup>> = Mutex::new(Vec::new());

/// Registers `cleanup` to run when the program ends through [`exit`]: the
/// way `shared` ends it early (a write error on stdout, a third Ctrl-C, a
/// worker whose parent is gone). `std::process::exit` runs no destructors,
/// so a program that started something outside itself, such as a server in
/// a process group of its own, registers here how to stop it; its `Drop`
/// does the same on a normal end. A cleanup must not print: stdout may be
/// what failed.
pub fn at_exit(cleanup: impl FnOnce() + Send + 'static) {
    AT_EXIT.lock().unwrap_or_else(PoisonError::into_inner).push(Box::new(cleanup));
}

/// What a program has accepted and not finished: see
/// [`report_unfinished_at_exit`].
type Unfinished = Box<dyn Fn() -> Option<String> + Send>;

static UNFINISHED: Mutex<Vec<Unfinished>> = Mutex::new(Vec::new());

/// Registers `unfinished`, asked when the program ends through [`exit`]
/// before its end: what it accepted and has not done, in words (`None` for
/// nothing). [`exit`] says it on stderr and makes the exit code non-zero:
/// work the user handed over is finished or reported, never dropped in
/// silence. [`Pending`](crate::interrupt::Pending) registers its items here.
pub fn report_unfinished_at_exit(unfinished: impl Fn() -> Option<String> + Send + 'static) {
    UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner).push(Box::new(unfinished));
}

/// Ends the process with `code`, before its end: says what is left undone
/// ([`report_unfinished_at_exit`]; then a `code` of 0 becomes 1), removes
/// the temporary files of writes cut short ([`crate::files`]), and runs the
/// [`at_exit`] cleanups, newest first (each at most once, a panic in one
/// does not stop the others).
pub fn exit(code: i32) -> ! {
    let mut code = code;
    let reports = std::mem::take(&mut *UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner));
    for report in reports {
        if let Ok(Some(left)) = catch_unwind(AssertUnwindSafe(report)) {
            // Not `eprintln!`: a failed write there would come back here.
            let _ = writeln!(io::stderr(), "error: ending early; {left}");
            if code == 0 {
                code = 1;
            }
        }
    }
    crate::files::remove_unfinished_writes();
    let cleanups = std::mem::take(&mut *AT_EXIT.lock().unwrap_or_else(PoisonError::into_inner));
    for cleanup in cleanups.into_iter().rev() {
        let _ = catch_unwind(AssertUnwindSafe(cleanup));
    }
    std::process::exit(code)
}

impl Worker {
    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one message line (it must not contain a line break).
    pub fn send(&mut self, message: &str) -> io::Result<()> {
        if message.contains('\n') || message == END_LINE {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a message is one line, and not #end"));
        }
        let stdin = self.stdin.as_mut().ok_or_else(|| io::Error::other("the worker's input is closed"))?;
        writeln!(stdin, "{message}")?;
        stdin.flush()
    }

    /// Says goodbye (`#end`) and closes the worker's input: it finishes what
    /// it has and exits. Calling it again does nothing.
    pub fn finish_input(&mut self) -> io::Result<()> {
        let Some(mut stdin) = self.stdin.take() else { return Ok(()) };
        writeln!(stdin, "{END_LINE}")?;
        stdin.flush()
    }

    /// The worker's stdout, taken (a second call gets nothing), so that it
    /// can be read on a thread of its own. Its `#bar` lines go to the chart
    /// that was current when the worker started; the other lines come out,
    /// without their line break.
    pub fn lines(&mut self) -> Lines {
        Lines { stdout: self.stdout.take(), recorder: self.recorder.clone() }
    }

    /// Says that the worker writes files into `dir` with
    /// [`write_atomically`](crate::files::write_atomically): once it has
    /// exited, [`Worker::wait`] removes the temporary files it left there.
    /// A worker killed half-way through a write (`kill -9`) cannot clean up
    /// after itself; its parent, which outlives it, can.
    pub fn writing_into(mut self, dir: impl Into<PathBuf>) -> Worker {
        self.writes_into = Some(dir.into());
        self
    }

    /// Closes the worker's input and waits for it to exit. Call
    /// [`Worker::finish_input`] first for a clean end: without the goodbye,
    /// the worker takes the closed pipe for its parent's death and exits at
    /// once with [`ORPHAN_EXIT_CODE`]. Then removes what a dead worker left
    /// half-written (see [`Worker::writing_into`]).
    pub fn wait(mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        let status = self.child.wait()?;
        if let Some(dir) = &self.writes_into {
            // Best effort: the folder may be gone, and nothing is lost then.
            let _ = crate::files::remove_left_by(dir, self.child.id());
        }
        Ok(status)
    }

    /// Whether it has exited, without waiting.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.child.try_wait()
    }

    /// Ends the worker at once (SIGKILL on Unix, TerminateProcess on Windows).
    pub fn kill(&mut self) -> io::Result<()> {
        self.child.kill()
    }
}

/// The message lines a worker prints, its bars already sent to the chart.
#[derive(Debug)]
pub struct Lines {
    stdout: Option<BufReader<ChildStdout>>,
    recorder: Recorder,
}

impl Iterator for Lines {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<io::Result<String>> {
        let stdout = self.stdout.as_mut()?;
        loop {
            let mut line = String::new();
            match stdout.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(error) => return Some(Err(error)),
            }
            let line = line.strip_suffix('\n').unwrap_or(&line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            match Bar::from_line(line) {
                Some(bar) => self.recorder.record_bar(bar),
                None => return Some(Ok(line.to_string())),
            }
        }
    }
}

/// The most messages a worker's reading thread holds for it, read from the
/// pipe and not yet taken with [`Parent::recv`].
///
/// A bound, so that memory does not grow with what the parent sends: when a
/// worker is slower than its parent (`pipe --tuned` sends batches of 4,096
/// numbers faster than they are added up), an unbounded channel held every
/// batch sent and not yet added: 586 MB at 100 million numbers (7.5 MB with
/// the bound, in the same time). With the
/// bound, the reading thread waits for room, the pipe fills, and the
/// parent's next write waits: back-pressure through the pipe, as in a shell
/// pipeline. While it waits for room, the thread does not read, so a dead
/// parent is noticed once the worker has taken what is held.
///
/// Not smaller: with small messages (plain `pipe`, a number each) the
/// reading thread would wait for room again and again, and each wait is a
/// thread put to sleep and woken (tens of microseconds). A bound of 16 made
/// plain `pipe` 2.5 times as slow as 64 (0.34 against 0.85 M numbers/s;
/// 64 is as fast as no bound), and 64 batches of `--tuned` are 2.6 MB at
/// most.
pub const MESSAGES_HELD: usize = 64;

/// The parent, seen from a worker: the messages it sends.
#[derive(Debug)]
pub struct Parent {
    messages: mpsc::Receiver<String>,
}

impl Parent {
    /// Starts reading the parent's messages on a thread. If stdin closes
    /// before `#end` (the parent died, or was killed), this process exits
    /// at once with [`ORPHAN_EXIT_CODE`]: a worker never outlives its parent.
    pub fn connect() -> Parent {
        let (sender, messages) = mpsc::sync_channel(MESSAGES_HELD);
        let spawned = std::thread::Builder::new().name("parent".into()).spawn(move || {
            let stdin = io::stdin().lock();
            for line in stdin.lines() {
                let Ok(line) = line else { break };
                if line.trim_end() == END_LINE {
                    return; // dropping the sender ends `recv`
                }
                if sender.send(line).is_err() {
                    return;
                }
            }
            // Closed without a goodbye: the parent is gone.
            exit(ORPHAN_EXIT_CODE);
        });
        if spawned.is_err() {
            exit(ORPHAN_EXIT_CODE);
        }
        Parent { messages }
    }

    /// The next message; `None` after the parent's `#end`.
    pub fn recv(&self) -> Option<String> {
        self.messages.recv().ok()
    }
}

/// Sends one message line from a worker to its parent: written to stdout
/// as it is (never colored, whatever the current span), flushed at once,
/// and never cut by a `#bar` line sent from another thread.
///
/// A message must be one line, and must not look like a bar line (see the
/// module docs); an `Err` says so, or says that the parent is gone.
///
/// ```rust,standalone_crate
/// use shared::colors::ColorWhen;
/// use shared::process::{Parent, send_to_parent, spawn_worker};
///
/// fn main() {
///     if std::env::args().nth(1).as_deref() == Some("echo-worker") {
///         // The parent passed `--color always`; a lesson's clap does this.
///         if std::env::args().any(|arg| arg == "always") {
///             ColorWhen::Always.apply();
///         }
///         let parent = Parent::connect();
///         while let Some(line) = parent.recv() {
///             shared::span(2, "worker").in_scope(|| {
///                 shared::println!("{line}"); // painted in row 2's color
///                 send_to_parent(&line).unwrap(); // as it is
///             });
///         }
///         return;
///     }
///     ColorWhen::Always.apply();
///     let mut worker = spawn_worker("echo-worker", std::iter::empty::<&str>()).unwrap();
///     worker.send("{\"n\":42}").unwrap();
///     worker.finish_input().unwrap();
///     let lines: Vec<String> = worker.lines().map(Result::unwrap).collect();
///     assert_eq!(lines.len(), 2, "{lines:?}");
///     assert!(lines[0].contains("\u{1b}[") && lines[0].contains("{\"n\":42}"), "{lines:?}");
///     assert_eq!(lines[1], "{\"n\":42}");
///     assert!(worker.wait().unwrap().success());
/// }
/// ```
pub fn send_to_parent(message: &str) -> io::Result<()> {
    if message.contains(['\n', '\r']) || Bar::from_line(message).is_some() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "a message is one line, and not a bar"));
    }
    // The lock is held for the whole line, as `output::raw_line` holds it
    // for a bar: lines from two threads never interleave.
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{message}")?;
    stdout.flush()
}

/// The recorder a worker process sends its bars with, if its parent draws a
/// timeline (see [`TIMELINE_ORIGIN_VAR`]).
pub(crate) fn parent_recorder() -> Option<Recorder> {
    let origin = std::env::var(TIMELINE_ORIGIN_VAR).ok()?.parse().ok()?;
    Some(Recorder::to_parent(origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_is_not_one_plain_line_is_refused_before_anything_is_written() {
        for bad in ["two\nlines", "cr\r", "#bar\t1\t0\t5\tfinished\tfake"] {
            let error = send_to_parent(bad).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{bad:?}");
        }
    }
}
