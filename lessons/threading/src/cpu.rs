//! # `cpu`: work that needs the processor, on one thread and on several
//!
//! Seed 004 lists, among the benefits of threads, "utilizing multiple cores
//! or processors"; seed 003 adds that threads are "better for tasks linked
//! to IO". Both are true in Python, and for one reason: CPython's threads
//! take turns holding one lock, the GIL, to run Python code, so CPU-bound
//! work on four threads takes as long as on one. Rust's threads hold no such
//! lock: the operating system runs them on every core the machine has.
//!
//! The work is counting the primes below `--below N` by trial division:
//! plain arithmetic, nothing to wait for. It runs on one thread, then on
//! `--threads N` (by default, as many as the machine runs at once), and the
//! program prints both counts (they must be equal) and the speed-up it
//! measured. The same work in Python, on threads and on processes, is
//! `bench/python/cpu_primes.py`; `bench/cpu.sh` runs both and writes the
//! results into `docs/benchmarks.md`.
//!
//! Nothing is printed while the threads count: `println!` takes a lock on
//! stdout, and threads that print as they go wait for each other there.

use std::ops::Range;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::compare::{Comparison, capitalize, times};
use shared::timing::{Stopwatch, plural, secs};
use shared::{Failure, Options, println, span};

use crate::{THREADS_ARE_REAL, THREADS_FLOOR, cannot_start, thread_panicked};

// ANCHOR: primes
/// Whether `n` is prime, by trial division: plain arithmetic, the same
/// algorithm as the Python twin's.
pub fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    if n.is_multiple_of(2) {
        return n == 2;
    }
    let mut divisor = 3;
    while divisor * divisor <= n {
        if n.is_multiple_of(divisor) {
            return false;
        }
        divisor += 2;
    }
    true
}

/// How many primes `numbers` holds.
pub fn count_primes(numbers: Range<u64>) -> u64 {
    numbers.filter(|&n| is_prime(n)).count() as u64
}
// ANCHOR_END: primes

// ANCHOR: threads
/// The primes below `below`, counted by `threads` threads (rows
/// `first_row` and on). Big numbers take longer to test than small ones, so
/// the numbers are not cut into one slice per thread: each thread takes the
/// next block of [`BLOCK`] numbers (`fetch_add`, as in `race`) until none
/// is left, and a thread that drew quick blocks simply takes more.
pub fn count_primes_on_threads(below: u64, threads: u32, first_row: usize) -> Result<u64, Failure> {
    let next_block = AtomicU64::new(0);
    let next_block = &next_block;
    thread::scope(|scope| {
        let mut counters = Vec::new();
        for index in 0..threads as usize {
            let label = if threads == 1 { "1 thread".to_string() } else { format!("thread {}", index + 1) };
            let row = span(first_row + index, label.clone());
            let counter = thread::Builder::new()
                .name(label)
                .spawn_scoped(scope, move || {
                    row.in_scope(|| {
                        let mut count = 0;
                        loop {
                            let start = next_block.fetch_add(BLOCK, Ordering::Relaxed);
                            if start >= below {
                                return count;
                            }
                            count += count_primes(start..(start + BLOCK).min(below));
                        }
                    })
                })
                .map_err(cannot_start)?; // the threads already started count every block anyway
            counters.push(counter);
        }
        counters.into_iter().map(|counter| counter.join().map_err(thread_panicked)).sum()
    })
}
// ANCHOR_END: threads

/// The most threads `--threads` accepts.
pub const MAX_THREADS: u32 = 256;

/// The largest bound `--below` accepts: about a minute on one thread of a
/// release build here.
pub const MAX_BELOW: u64 = 100_000_000;

/// How many numbers a thread takes at a time.
pub const BLOCK: u64 = 10_000;

/// Flags of `cpu`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// Count the primes below N.
    #[arg(long, value_name = "N", default_value_t = 5_000_000,
          value_parser = clap::value_parser!(u64).range(0..=MAX_BELOW))]
    pub below: u64,

    /// How many threads share the work in the second run [default: as many
    /// as this machine runs at once].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
    pub threads: Option<u32>,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// How many threads this machine runs at once (1 if it cannot tell).
pub fn parallelism() -> u32 {
    thread::available_parallelism().map_or(1, |n| u32::try_from(n.get()).unwrap_or(u32::MAX))
}

/// What the two runs mean, in words true for the measured times and for
/// every flag value (no numbers, one thread, more threads than cores, a
/// one-core machine). The comparison itself is [`shared::compare`]'s: too
/// short a run says so instead of naming a winner.
pub fn verdict(threads: u32, cores: u32, below: u64, one: Duration, many: Duration) -> String {
    let why = format!("no number below {below} can be prime");
    let subject =
        format!("{} {}", plural(threads, "thread", "threads"), if threads == 1 { "was" } else { "were" });
    let comparison = Comparison::new(one, many).floor(THREADS_FLOOR).nothing_if(below <= 2, &why);
    let speed = comparison.sentence(&subject, "one");
    let verdict = comparison.verdict();
    let Some(ratio) = verdict.ratio() else {
        return format!("{}.", capitalize(&speed));
    };
    if threads == 1 {
        return format!(
            "One thread both times: the same work twice, differing by chance alone ({}).",
            times(ratio)
        );
    }
    let limit = threads.min(cores);
    let expect = if limit == 1 {
        "this machine runs one thread at a time, so no speed-up was to be expected".to_string()
    } else if ratio > f64::from(limit) * 1.05 {
        format!(
            "{limit}× would be perfect here, so something else slowed the one-thread run down: \
             timings vary from run to run"
        )
    } else {
        format!("{limit}× would be perfect with {threads} threads on a machine that runs {cores} at once")
    };
    format!("{speed}; {expect}.")
}

/// Runs the example: the same count on one thread, then on several.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    let cores = parallelism();
    let threads = args.threads.unwrap_or(cores.min(MAX_THREADS));
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        println!(
            "Counting the primes below {}, on 1 thread, then on {} (this machine runs {} at once).",
            args.below,
            threads,
            plural(cores, "thread", "threads")
        );
        let stopwatch = Stopwatch::start();
        let alone = count_primes_on_threads(args.below, 1, 0)?;
        let one = stopwatch.elapsed();
        println!("{:<10} {alone} primes in {}", "1 thread:", secs(one));

        let stopwatch = Stopwatch::start();
        let together = count_primes_on_threads(args.below, threads, 1)?;
        let many = stopwatch.elapsed();
        println!(
            "{:<10} {together} primes in {}",
            format!("{}:", plural(threads, "thread", "threads")),
            secs(many)
        );

        if alone != together {
            return Err(Failure::new(format!(
                "the counts differ: {alone} on 1 thread, {together} on {threads}"
            )));
        }
        println!("The same count. {}", verdict(threads, cores, args.below, one, many));
        Ok(())
    })
}
