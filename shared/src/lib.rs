//! What every lesson of the course uses, whatever runs its code: a tokio
//! runtime, plain threads, child processes, or a hand-written event loop.
//!
//! An example body holds the lesson and nothing else. What makes it visible
//! is applied from outside:
//!
//! - [`output`]: `println!` in the color of the task that prints (import
//!   [`println!`] in place of std's), failing cleanly when stdout is gone;
//! - [`timeline`]: a [`span`] per task, thread or process, applied to a
//!   future with [`Instrument::instrument`] or to a closure with
//!   [`Span::in_scope`], drawn after the run as a text Gantt chart;
//! - [`launch`]: [`run_blocking`] and [`run_async`] run an example on the
//!   runtime it declares, on the real clock or the virtual one (`--instant`),
//!   print its footer and chart, and turn its outcome into an exit code;
//! - [`timing`]: the run's clock, a stopwatch on it, the footer, and numbers
//!   for people (`1 job`, `200,000 rows`); every duration it formats says
//!   when it is virtual;
//! - [`compare`]: "B was n× as fast as A" only when the times support it
//!   ("too short to compare", "nothing to compare" otherwise);
//! - [`cli`]: the common flags, in groups an example takes only if they do
//!   something there;
//! - [`console`]: lines and numbers from stdin, async (`aioconsole.ainput`)
//!   or blocking, with every bad line answered;
//! - [`interrupt`]: Ctrl-C in two steps (finish the queue, then stop at
//!   once; SIGTERM is the second step at once), for tasks and threads
//!   alike, and the items taken, said if the program ends before them;
//! - [`process`]: worker processes that are copies of the lesson binary;
//! - [`message`]: typed messages between them, one JSON line each;
//! - [`progress`]: a progress bar on stderr for runs longer than a second,
//!   drawn by a thread of its own so that it never slows what it watches;
//! - [`files`]: writing a file so that nobody ever sees half of it;
//! - [`random`]: a seeded generator per task, with a stream that stays stable;
//! - [`testing`]: what tests use to read an example's bars and lines.
//!
//! ## A synchronous example
//!
//! No runtime: plain calls, each in its own row of the chart.
//!
//! ```
//! use std::time::Duration;
//! use shared::{Options, println, run_blocking, span};
//!
//! fn count() {
//!     println!("One");
//!     std::thread::sleep(Duration::from_millis(10));
//!     println!("Two");
//! }
//!
//! let code = run_blocking(Options::new().footer("count executed in"), || {
//!     for row in 0..3 {
//!         span(row, "count()").in_scope(count);
//!     }
//!     Ok(())
//! });
//! assert_eq!(code, std::process::ExitCode::SUCCESS);
//! ```
//!
//! ## Threads
//!
//! Spans made on the main thread are moved into the threads; what each
//! thread prints takes its row's color, and its bar lands on the same chart.
//!
//! ```
//! use shared::{Clock, println, span, testing::Recording};
//!
//! let recording = Recording::start(Clock::Real);
//! let cooks: Vec<_> = (0..3)
//!     .map(|row| {
//!         let cook = span(row, format!("cook {row}"));
//!         std::thread::spawn(move || cook.in_scope(|| println!("cook {row} is done")))
//!     })
//!     .collect();
//! for cook in cooks {
//!     cook.join().unwrap();
//! }
//! let mut rows: Vec<usize> = recording.bars().iter().map(|bar| bar.row).collect();
//! rows.sort();
//! assert_eq!(rows, [0, 1, 2]);
//! ```
//!
//! ## A child process
//!
//! The program starts itself again as a worker ([`process`]); the worker's
//! bars come back over its stdout and land on the parent's chart.
//!
//! ```rust,standalone_crate
//! use shared::process::{Parent, spawn_worker};
//! use shared::{Clock, println, span, testing::Recording};
//!
//! fn main() {
//!     if std::env::args().nth(1).as_deref() == Some("worker") {
//!         // The worker: a span around its work, sent to the parent.
//!         let code = shared::run_blocking(shared::Options::new(), || {
//!             let parent = Parent::connect();
//!             while let Some(line) = parent.recv() {
//!                 span(1, "worker").in_scope(|| println!("got {line}"));
//!             }
//!             Ok(())
//!         });
//!         std::process::exit(if code == std::process::ExitCode::SUCCESS { 0 } else { 1 });
//!     }
//!     let recording = Recording::start(Clock::Real);
//!     let mut worker = spawn_worker("worker", std::iter::empty::<&str>()).unwrap();
//!     worker.send("hello").unwrap();
//!     worker.finish_input().unwrap();
//!     let lines: Vec<String> = worker.lines().map(Result::unwrap).collect();
//!     assert_eq!(lines, ["got hello"]);
//!     assert!(worker.wait().unwrap().success());
//!     let bars = recording.bars();
//!     assert_eq!((bars.len(), bars[0].row, bars[0].label.as_str()), (1, 1, "worker"));
//! }
//! ```

pub mod cli;
pub mod colors;
pub mod compare;
pub mod console;
pub mod files;
pub mod interrupt;
pub mod launch;
pub mod message;
pub mod output;
pub mod process;
pub mod progress;
pub mod random;
pub mod testing;
pub mod timeline;
pub mod timing;

use std::fmt;

pub use crate::launch::{Options, run_async, run_blocking};
pub use crate::timeline::{Instrument, Span, span};
pub use crate::timing::Clock;

/// An example that could not do its job: a message for the user and the
/// process's exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong, in words for the user.
    pub message: String,
    /// The exit code: 1 for errors, 130 for a stop asked with Ctrl-C, 143
    /// with SIGTERM.
    pub exit_code: u8,
}

impl Failure {
    /// An error (exit code 1).
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), exit_code: 1 }
    }

    /// Stopped by Ctrl-C (exit code 130, as shells report a SIGINT).
    pub fn interrupted(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), exit_code: 130 }
    }

    /// Stopped by SIGTERM (exit code 143, as shells report it).
    pub fn terminated(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), exit_code: 143 }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

impl From<tokio::task::JoinError> for Failure {
    /// A task that panicked (its message is already on stderr) or was cancelled.
    fn from(error: tokio::task::JoinError) -> Failure {
        Failure::new(format!("a task did not finish: {error}"))
    }
}

/// `text` cut to at most `max` characters (not bytes), ending in `…` when
/// cut: for chart labels, and for echoing a user's over-long line back.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    if max > 0 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_counts_characters_not_bytes() {
        assert_eq!(shorten("counter 1", 20), "counter 1");
        assert_eq!(shorten("ééééé", 5), "ééééé");
        assert_eq!(shorten("éééééé", 5), "éééé…");
        assert_eq!(shorten("abc", 1), "…");
        assert_eq!(shorten("abc", 0), "");
    }

    #[test]
    fn the_virtual_runtime_starts_paused() {
        let runtime = launch::runtime(Clock::Virtual).unwrap();
        let simulated = runtime.block_on(async {
            let start = tokio::time::Instant::now();
            tokio::time::sleep(std::time::Duration::from_secs(86_400)).await;
            start.elapsed()
        });
        assert_eq!(simulated, std::time::Duration::from_secs(86_400));
    }
}
