//! # Lesson `threading`: threads share memory, and what that costs
//!
//! A thread is a line of execution inside a process. The threads of one
//! process share its memory: any of them can read what another wrote, with
//! no copying and no pipes. That makes threads cheap to start and quick to
//! talk to, and it is also where their two classic bugs come from: a *race*
//! (two threads update the same data and one update is lost) and a
//! *deadlock* (two threads each hold what the other waits for).
//!
//! Every example runs on plain [`std::thread`]s, with no async runtime
//! entered (see [`shared::run_blocking`]). The operating system schedules
//! the threads, on every core the machine has: unlike Python's threads,
//! which take turns holding the interpreter's lock (the GIL), Rust's run in
//! parallel ([`cpu`] measures it). One module per example:
//!
//! | example | module | seed section |
//! |---|---|---|
//! | `square-cube` | [`square_cube`] | 003 §2 "Multiple Threads" |
//! | `thread-info` | [`thread_info`] | 004 "Multi Threading" |
//! | `race` | [`race`] | 004 "Multi Threading" (challenges: race conditions) |
//! | `deadlock` | [`deadlock`] | 004 "Multi Threading" (challenges: deadlocks) |
//! | `kitchen` | [`kitchen`] | 004 "Multi Threading" (the kitchen analogy) |
//! | `cpu` | [`cpu`] | 004 "Multi Threading" (benefits: several cores) |
//! | `send-sync` | [`send_sync`] | beyond the seeds: `Send` and `Sync` |
//!
//! Each module starts with the direct port of its Python original (or, where
//! the seed only tells a story, the story as a program); colors and the chart
//! are applied from outside, with a `span` made on the spawning thread and
//! run on the new thread with `in_scope`, and hardening comes after the port.

use std::any::Any;
use std::io;

use shared::Failure;

pub mod cpu;
pub mod deadlock;
pub mod kitchen;
pub mod race;
pub mod send_sync;
pub mod square_cube;
pub mod thread_info;

/// The shortest run `cpu` and `kitchen` compare with another (see
/// [`shared::compare`]). Starting and joining threads takes tens of
/// microseconds on a quiet machine and milliseconds on a busy one: a run of
/// a few milliseconds measures that, not the work, and the ratio of two
/// such runs names a winner by chance.
pub const THREADS_FLOOR: std::time::Duration = std::time::Duration::from_millis(50);

/// Why every example here refuses `--instant`.
pub(crate) const THREADS_ARE_REAL: &str =
    "OS threads run on the real clock; only async tasks can run on the virtual one";

/// A thread that panicked, as a failure of the example (the panic's own
/// message is already on stderr).
pub(crate) fn thread_panicked(_payload: Box<dyn Any + Send>) -> Failure {
    Failure::new("a thread panicked (its message is above)")
}

/// A thread the operating system would not start (too many threads, no memory).
pub(crate) fn cannot_start(error: io::Error) -> Failure {
    Failure::new(format!("cannot start a thread: {error}"))
}
