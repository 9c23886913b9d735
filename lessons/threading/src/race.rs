//! # `race`: a shared counter, and updates that get lost
//!
//! Ports the first of seed 004's "Challenges of Multithreading": threads
//! that share data without coordinating "introduce potential race
//! conditions". The classic case is a counter that several threads add to.
//!
//! ## A lost update that compiles
//!
//! Rust rules out data races (it refuses to compile them: see below), not
//! race conditions. [`increment_racy`] reads an atomic counter and writes it
//! back plus one, in two steps. Each step is atomic; the pair is not, and
//! updates are lost as they are in Python. The fixes make the read and the write one step: [`increment_atomic`]
//! (`fetch_add`) or [`increment_locked`] (a `Mutex` held across both).
//!
//! A race condition can hide. An optimized build may fuse the load and the
//! store into one instruction, whose window is too short to hit often, so
//! the racy version keeps them apart with `std::hint::black_box`; and two
//! threads that never run at the same moment (one core, a busy machine, a
//! run shorter than a thread's start) have nobody to race with. No update
//! lost in one run proves nothing.
//!
//! ## Rust refuses the unsynchronised counter
//!
//! In Python, every thread may run `counter += 1` on a shared integer. The
//! same program in Rust does not compile. Each thread's closure needs the
//! counter mutably, and Rust allows one mutable borrow at a time; two
//! threads holding one each could write at the same moment, which is a data
//! race (error E0499):
//!
//! ```compile_fail,E0499
#![doc = include_str!("../doc/racy_counter.rs")]
//! ```
//!
//! The same program with the counter behind a `Mutex` compiles and counts
//! to exactly 2000; the two differ only in that fix, so the program above
//! fails for the data race and nothing else:
//!
//! ```
#![doc = include_str!("../doc/locked_counter.rs")]
//! ```

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::interrupt::Stage;
use shared::timing::{Stopwatch, plural, seconds};
use shared::{Failure, Options, println, span};

use crate::{THREADS_ARE_REAL, cannot_start, thread_panicked};

// ANCHOR: lost_update
/// WRONG: `counter += 1` done as `load`, then `store`. Between the two,
/// another thread may store its own update, and this `store` writes over it.
pub fn increment_racy(counter: &AtomicU64, increments: u64) {
    for _ in 0..increments {
        let value = counter.load(Ordering::Relaxed);
        // Keeps the load and the store two instructions. Without it, an
        // optimized build may fuse them into one (`inc [counter]` on x86):
        // still not atomic, but its window is so short that a run often
        // loses nothing, and the bug hides. `black_box` makes the compiler
        // treat `value` as unknown, so it must load, add and store apart.
        let value = std::hint::black_box(value);
        counter.store(value + 1, Ordering::Relaxed); // WRONG: the value may be stale by now
    }
}
// ANCHOR_END: lost_update

// ANCHOR: fixes
/// The fix with an atomic: `fetch_add` reads, adds and writes in one step
/// that no other thread can come between.
pub fn increment_atomic(counter: &AtomicU64, increments: u64) {
    for _ in 0..increments {
        // Relaxed: counting needs each addition to be whole, not ordered
        // with other memory; `join` then makes the total visible.
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The fix with a lock: the read and the write happen while this thread
/// holds the `Mutex`, so no other thread's update can fall between them.
pub fn increment_locked(counter: &Mutex<u64>, increments: u64) {
    for _ in 0..increments {
        // `lock` fails only if a thread panicked while holding the lock;
        // `+= 1` cannot leave a half-done count, so go on with the value.
        *counter.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    }
}
// ANCHOR_END: fixes

// ANCHOR: on_threads
/// Runs `increment(counter, increments)` on `threads` threads at once, each
/// in its row of the chart.
///
/// The threads wait at a gate until all of them exist, then start
/// together: otherwise the first might be done before the last begins, and
/// nothing would overlap. If a thread cannot be started, the gate opens for
/// the ones that were, so that the scope can join them.
pub fn on_threads<C: Sync>(
    counter: &C,
    threads: u32,
    increments: u64,
    increment: fn(&C, u64),
) -> Result<(), Failure> {
    let gate = Stage::new();
    thread::scope(|scope| {
        let mut handles = Vec::new();
        for row in 0..threads as usize {
            let span = span(row, format!("thread {}", row + 1));
            let gate = &gate;
            let started =
                thread::Builder::new().name(format!("thread {}", row + 1)).spawn_scoped(scope, move || {
                    gate.wait();
                    span.in_scope(|| increment(counter, increments));
                });
            match started {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    gate.trigger();
                    return Err(cannot_start(error));
                }
            }
        }
        gate.trigger();
        for handle in handles {
            handle.join().map_err(thread_panicked)?;
        }
        Ok(())
    })
}
// ANCHOR_END: on_threads

/// The most threads `--threads` accepts.
pub const MAX_THREADS: u32 = 64;

/// The most increments per thread `--increments` accepts.
pub const MAX_INCREMENTS: u64 = 10_000_000;

/// Flags of `race`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// How many threads add to the counter at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
    pub threads: u32,

    /// How many times each thread adds one.
    #[arg(long, value_name = "M", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(0..=MAX_INCREMENTS))]
    pub increments: u64,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// One version's result: what the counter says after every thread is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count {
    /// What the counter holds.
    pub counted: u64,
    /// What it should hold: threads × increments.
    pub expected: u64,
}

impl Count {
    /// How many updates were lost.
    pub fn lost(&self) -> u64 {
        self.expected - self.counted
    }
}

/// Runs one version in a chart of its own and says how it went.
fn measure(
    title: &str,
    threads: u32,
    increments: u64,
    count: impl FnOnce() -> Result<u64, Failure>,
) -> Result<Count, Failure> {
    let chart = shared::timeline::current().new_chart(title);
    let _chart = shared::timeline::install(chart);
    let stopwatch = Stopwatch::start();
    let counted = count()?;
    let took = seconds(stopwatch.elapsed());
    let result = Count { counted, expected: u64::from(threads) * increments };
    let lost = match result.lost() {
        0 => "none lost".to_string(),
        lost => format!("{} lost", plural(lost, "update", "updates")),
    };
    println!("{title}: the counter says {counted} of {}: {lost}. ({took} s)", result.expected);
    Ok(result)
}

/// The three versions, one after the other, on the same threads and counts.
pub fn compare(threads: u32, increments: u64) -> Result<[Count; 3], Failure> {
    let racy = measure("WRONG: load, then store", threads, increments, || {
        let counter = AtomicU64::new(0);
        on_threads(&counter, threads, increments, increment_racy)?;
        Ok(counter.into_inner())
    })?;
    let atomic = measure("fetch_add", threads, increments, || {
        let counter = AtomicU64::new(0);
        on_threads(&counter, threads, increments, increment_atomic)?;
        Ok(counter.into_inner())
    })?;
    let locked = measure("Mutex", threads, increments, || {
        let counter = Mutex::new(0);
        on_threads(&counter, threads, increments, increment_locked)?;
        Ok(counter.into_inner().unwrap_or_else(PoisonError::into_inner))
    })?;
    Ok([racy, atomic, locked])
}

/// Runs the example.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        let who = match args.threads {
            1 => "1 thread adds".to_string(),
            threads => format!("{threads} threads each add"),
        };
        println!("{who} one to a shared counter {}:", plural(args.increments, "time", "times"));
        let [racy, ..] = compare(args.threads, args.increments)?;
        if racy.lost() > 0 {
            println!("Run it again: how many updates are lost changes from run to run.");
        } else if args.threads == 1 {
            println!("One thread has nobody to race with: no update can be lost.");
        } else {
            println!("No update was lost this time; run it again, or with more --increments.");
        }
        Ok(())
    })
}
