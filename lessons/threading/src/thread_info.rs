//! # `thread-info`: who a thread is, whether it runs, and who waits for it
//!
//! Ports seed 004, "Multi Threading": two threads run `func2`, which prints
//! the thread's id and the squares up to 5 (or 10); then the notebook asks
//! `thread1.daemon`, `thread1.is_alive()` and `thread1.name`. The Rust words
//! for those:
//!
//! | Python | Rust |
//! |---|---|
//! | `threading.get_ident()` | `thread::current().id()`, an opaque [`ThreadId`](std::thread::ThreadId) |
//! | `Thread(target=f, args=(5,))` then `.start()` | `thread::spawn(move \|\| f(5))`: made and started at once |
//! | `thread1.name` | `handle.thread().name()`: `None` unless given with [`thread::Builder::name`] |
//! | `thread1.is_alive()` | `!handle.is_finished()` |
//! | `thread1.join()` | `handle.join()`, which also hands back what the thread returned |
//! | `daemon=True` | a *detached* thread: its `JoinHandle` dropped, nobody waits for it |
//! | `daemon=False` (the default) | a thread that is joined; `thread::scope` joins for you |
//!
//! Two things the notebook gets wrong. `func2` is annotated `-> list[int]`
//! but returns `None`: it prints its list and drops it, and a Python
//! `Thread` throws away its target's return value anyway. Here [`func2`]
//! returns the list and `join` hands it back. And `thread1.is_alive()`,
//! asked right after `start()`, printed `False` only because the thread
//! happened to be done already: asked a moment earlier, it says `True`. The
//! answer is a race; [`name_and_liveness`] asks while the answer is certain.
//!
//! ## Why `thread::spawn` cannot borrow, and `thread::scope` can
//!
//! A spawned thread may outlive the function that started it, so it must
//! own what it uses. Borrowing a local is refused (error E0373: the closure
//! may outlive the function, but it borrows `numbers`):
//!
//! ```compile_fail,E0373
//! fn sum_on_a_thread() {
//!     let numbers = vec![1, 2, 3];
//!     let handle = std::thread::spawn(|| numbers.iter().sum::<u64>());
//!     assert_eq!(handle.join().unwrap(), 6);
//! }
//! ```
//!
//! `thread::scope` promises to join its threads before it returns, so they
//! may borrow; the same lines inside a scope compile:
//!
//! ```
//! fn sum_on_a_thread() {
//!     let numbers = vec![1, 2, 3];
//!     std::thread::scope(|scope| {
//!         let handle = scope.spawn(|| numbers.iter().sum::<u64>());
//!         assert_eq!(handle.join().unwrap(), 6);
//!     });
//! }
//! # sum_on_a_thread();
//! ```

use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::{Failure, Options, println, span};

use crate::{THREADS_ARE_REAL, cannot_start, thread_panicked};

// ANCHOR: port
/// `def func2(n) -> list[int]`: prints the id of the thread it runs on and
/// the squares of 1 to `n`, and (unlike the original) returns them.
pub fn func2(n: u64) -> Vec<u64> {
    println!("Threading id: {:?}", thread::current().id());
    let squares: Vec<u64> = (1..=n).map(|i| i.pow(2)).collect();
    println!("{squares:?}");
    squares
}

/// `thread1` and `thread2`, started and joined; `join` hands back each
/// thread's list.
pub fn main() -> thread::Result<(Vec<u64>, Vec<u64>)> {
    let (row1, row2) = (span(0, "func2(5)"), span(1, "func2(10)"));
    let thread1 = thread::spawn(move || row1.in_scope(|| func2(5)));
    let thread2 = thread::spawn(move || row2.in_scope(|| func2(10)));
    Ok((thread1.join()?, thread2.join()?))
}
// ANCHOR_END: port

// ANCHOR: name_and_liveness
/// `thread1.name` and `thread1.is_alive()`, asked while the answers are
/// certain: the thread is named when it is built, and it waits for a word
/// from us before it does anything, so it cannot have finished yet.
pub fn name_and_liveness() -> Result<Vec<u64>, Failure> {
    println!("This thread is named {:?}.", thread::current().name());
    let unnamed = thread::spawn(|| {});
    println!("A thread from thread::spawn is named {:?}.", unnamed.thread().name());
    unnamed.join().map_err(thread_panicked)?;
    let (go, wait_for_go) = mpsc::channel::<()>();
    let row = span(2, "named thread");
    let thread1 = thread::Builder::new()
        .name("squares up to 5".to_string())
        .spawn(move || {
            let _ = wait_for_go.recv(); // wait for the word (or for `go` to be dropped)
            row.in_scope(|| func2(5))
        })
        .map_err(cannot_start)?;
    println!("Started a thread named {:?}.", thread1.thread().name());
    println!("Is it finished? {} (it waits for us)", thread1.is_finished());
    let _ = go.send(());
    let squares = thread1.join().map_err(thread_panicked)?;
    println!("Joined it; it returned {squares:?}.");
    Ok(squares)
}
// ANCHOR_END: name_and_liveness

// ANCHOR: scope
/// The sums of the squares of each half of `numbers`, one half per thread.
/// Scoped threads borrow the two halves: no copy, no `Arc`, and the scope
/// joins them before it returns.
pub fn sums_scoped(numbers: &[u64]) -> thread::Result<(u64, u64)> {
    let (left, right) = numbers.split_at(numbers.len() / 2);
    thread::scope(|scope| {
        let first = scope.spawn(|| left.iter().map(|n| n * n).sum::<u64>());
        let second = scope.spawn(|| right.iter().map(|n| n * n).sum::<u64>());
        Ok((first.join()?, second.join()?))
    })
}

/// The same with `thread::spawn`, whose threads must own what they use: the
/// list moves into an `Arc`, and each thread gets a clone of the `Arc` (a
/// counted pointer to the one list, not a copy of it).
pub fn sums_arc(numbers: Vec<u64>) -> thread::Result<(u64, u64)> {
    let half = numbers.len() / 2;
    let numbers = Arc::new(numbers);
    let for_first = Arc::clone(&numbers);
    let first = thread::spawn(move || for_first[..half].iter().map(|n| n * n).sum::<u64>());
    let second = thread::spawn(move || numbers[half..].iter().map(|n| n * n).sum::<u64>());
    Ok((first.join()?, second.join()?))
}
// ANCHOR_END: scope

// ANCHOR: detached
/// Prints when dropped, to show whether a thread's destructors run.
struct Goodbye;

impl Drop for Goodbye {
    fn drop(&mut self) {
        println!("detached: cleaning up"); // never printed: see `start_detached`
    }
}

/// `daemon=True`: a thread that nobody joins. Dropping its `JoinHandle`
/// detaches it. When `main` returns, the process ends and the thread ends
/// with it, wherever it is: here in the middle of an hour's sleep, without
/// printing its last line and without running its destructors.
pub fn start_detached() {
    let (started, wait_until_started) = mpsc::channel();
    let row = span(3, "detached");
    let handle = thread::spawn(move || {
        row.in_scope(|| {
            let _goodbye = Goodbye;
            println!("detached: started; now sleeping for an hour");
            let _ = started.send(());
            thread::sleep(Duration::from_secs(3600));
            println!("detached: woke up"); // never printed
        })
    });
    drop(handle); // detach: from here on, nobody can wait for it
    let _ = wait_until_started.recv();
}
// ANCHOR_END: detached

/// Flags of `thread-info`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Runs every part, in the order of the chapter.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        let (five, ten) = main().map_err(thread_panicked)?;
        println!("join() handed back {} and {} squares.", five.len(), ten.len());
        println!();

        name_and_liveness()?;
        println!();

        let numbers: Vec<u64> = (1..=10).collect();
        let (left, right) = sums_scoped(&numbers).map_err(thread_panicked)?;
        println!(
            "Scoped threads borrowed the list: the squares of 1..=5 add up to {left}, of 6..=10 to {right}."
        );
        let (left, right) = sums_arc(numbers).map_err(thread_panicked)?;
        println!("Threads sharing it through an Arc found the same: {left} and {right}.");
        println!();

        start_detached();
        println!("main returns now: the process ends, and the detached thread with it.");
        Ok(())
    })
}
