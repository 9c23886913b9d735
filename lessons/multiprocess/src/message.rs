//! Typed messages between processes: one JSON object per line.
//!
//! A child process shares no memory with its parent: whatever they tell each
//! other goes through a pipe as bytes. Python's `multiprocessing` pickles
//! objects into those bytes, and unpickling can run code: a pickle is a small
//! program. Here each message is a plain Rust type that derives serde's
//! `Serialize` and `Deserialize`, written as one line of JSON. A line that
//! is not a message of the expected type is an error with a message
//! ([`BadMessage`]), never a guess, and never code.
//!
//! The lines travel through [`shared::process`], written and read by
//! [`shared::message`] (`encode`, `decode`, `send` from the parent, `reply`
//! from the worker; the distributed lesson's processes use them too), which
//! this module re-exports. [`Child`] starts a child that answers with
//! messages of one type and collects them when it is joined.

use std::io;
use std::process::ExitStatus;

use serde::de::DeserializeOwned;
use shared::colors::paint;
pub use shared::message::{BadMessage, decode, encode, reply, send};
use shared::process::{Worker, spawn_worker};
use shared::{Failure, eprintln, println};

/// A child process that runs one function and answers with messages: what
/// `continents` and `square` start.
#[derive(Debug)]
pub struct Child {
    worker: Worker,
}

/// What a joined child left: its messages, and how it ended.
#[derive(Debug)]
pub struct Joined<M> {
    /// Its process id.
    pub pid: u32,
    /// The messages it sent, in order.
    pub messages: Vec<M>,
    /// Lines it sent that were not messages, or why its output could not be read.
    pub problems: Vec<String>,
    /// How it exited.
    pub status: io::Result<ExitStatus>,
}

impl<M> Joined<M> {
    /// A child that could not be joined, and why.
    fn lost(why: &str) -> Joined<M> {
        Joined {
            pid: 0,
            messages: Vec::new(),
            problems: vec![why.to_string()],
            status: Err(io::Error::other("it was not waited for")),
        }
    }

    /// Why it did not succeed, in words; `None` if it exited with success
    /// and sent messages, and nothing else.
    pub fn failure(&self) -> Option<String> {
        let mut why: Vec<String> = self.problems.clone();
        if self.messages.is_empty() && why.is_empty() {
            why.push("it sent no message".into());
        }
        match &self.status {
            Ok(status) if status.success() => {}
            Ok(status) => why.push(format!("it ended with {status}")),
            Err(error) => why.push(format!("cannot wait for it: {error}")),
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

impl Child {
    /// `Process(target=..., args=...).start()`: this program again, with
    /// `subcommand` and `args`.
    pub fn start<I, S>(subcommand: &str, args: I) -> io::Result<Child>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Ok(Child { worker: spawn_worker(subcommand, args)? })
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.worker.pid()
    }

    /// `proc.join()`: says there is nothing more to send, reads what the
    /// child sent until it closes its end, and waits for it to exit.
    pub fn join<M: DeserializeOwned>(self) -> Joined<M> {
        self.join_reading(|line| decode(line).map_err(|bad| bad.to_string()))
    }

    /// `Process(...).start()` for a child that prints its own lines, as
    /// the original's children do. Its stdout is a pipe to this process, so
    /// a thread starts reading it at once and prints each line the moment it
    /// arrives, as it is (the child colored it): the order on the screen is
    /// the order the children printed in, not the order they were started or
    /// joined in.
    pub fn start_printing<I, S>(subcommand: &str, args: I) -> io::Result<Printing>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let child = Child::start(subcommand, args)?;
        let name = format!("child {}", child.pid());
        // If the thread cannot start, the child goes with it: its stdin
        // closes, and it exits by itself (`shared::process`).
        let reader = std::thread::Builder::new().name(name).spawn(move || child.relay())?;
        Ok(Printing { reader })
    }

    /// Reads what a child started by [`Child::start_printing`] prints, and
    /// passes each line on the moment it arrives; after each, tells the
    /// child ([`PASSED_ON`]) that its line is out. Then waits for it.
    fn relay(mut self) -> Joined<String> {
        let mut messages = Vec::new();
        let mut problems = Vec::new();
        for line in self.worker.lines() {
            match line {
                Ok(line) => {
                    pass_on(&line);
                    // A child that no longer listens is no news: its exit
                    // status tells how it went.
                    let _ = self.worker.send(PASSED_ON);
                    messages.push(line);
                }
                Err(error) => {
                    problems.push(format!("cannot read its output: {error}"));
                    break;
                }
            }
        }
        let _ = self.worker.finish_input();
        let pid = self.worker.pid();
        Joined { pid, messages, problems, status: self.worker.wait() }
    }

    /// Joins the child, turning each line it sent into a message or a problem.
    fn join_reading<M>(mut self, read: impl Fn(&str) -> Result<M, String>) -> Joined<M> {
        // The child may have exited already: then the goodbye finds the
        // pipe closed, which is no news (its exit status tells how it went).
        let _ = self.worker.finish_input();
        let mut messages = Vec::new();
        let mut problems = Vec::new();
        for line in self.worker.lines() {
            match line.map_err(|error| format!("cannot read its output: {error}")) {
                Ok(line) => match read(&line) {
                    Ok(message) => messages.push(message),
                    Err(bad) => problems.push(bad),
                },
                Err(problem) => {
                    problems.push(problem);
                    break;
                }
            }
        }
        let pid = self.worker.pid();
        Joined { pid, messages, problems, status: self.worker.wait() }
    }
}

/// What the parent sends a child started by [`Child::start_printing`]
/// once it has passed a line on. A child that draws a bar on the chart waits
/// for it before its bar ends, so that the bar covers the moment its line
/// reached the screen: the chart and the order of the lines then tell the
/// same story, however late the parent's reading thread was.
pub const PASSED_ON: &str = "passed on";

/// A child that prints its own lines, started by [`Child::start_printing`].
#[derive(Debug)]
pub struct Printing {
    reader: std::thread::JoinHandle<Joined<String>>,
}

impl Printing {
    /// `proc.join()`: waits until the child has exited and every line it
    /// printed has been passed on; returns its lines and how it ended.
    pub fn join(self) -> Joined<String> {
        self.reader.join().unwrap_or_else(|_| Joined::lost("its reading thread panicked"))
    }
}

/// Prints a line a child printed, as it is.
fn pass_on(line: &str) {
    println!("{line}");
}

// ANCHOR: report
/// Prints what each child said, and fails if any child failed.
pub fn report<M: std::fmt::Display>(children: &[Joined<M>]) -> Result<(), Failure> {
    for (row, child) in children.iter().enumerate() {
        for said in &child.messages {
            println!("{}", paint(row, said));
        }
    }
    report_failures(children)
}

/// Says on stderr which children failed and why, and fails if any did.
pub fn report_failures<M>(children: &[Joined<M>]) -> Result<(), Failure> {
    let mut failed = 0;
    for (row, child) in children.iter().enumerate() {
        if let Some(why) = child.failure() {
            eprintln!("child {} (pid {}) failed: {why}", row + 1, child.pid);
            failed += 1;
        }
    }
    match failed {
        0 => Ok(()),
        _ => Err(Failure::new(format!(
            "{} of {} failed",
            shared::timing::plural(failed as u64, "child", "children"),
            children.len()
        ))),
    }
}
// ANCHOR_END: report
