//! # `count`: the "Hello, World" of async IO
//!
//! Ports seed 002, "Async IO": the asynchronous and the synchronous
//! `count()`, from Real Python's asyncio walkthrough.
//!
//! Three counters each print `One`, wait a second, and print `Two`.
//!
//! - [`main`], the async port: the three run concurrently on one thread.
//!   Each `sleep(..).await` hands the thread back, so the next counter prints
//!   its `One` while the first waits: `One` ×3, then `Two` ×3, **1 s** in all.
//! - [`main_sync`] (`--sync`), the synchronous port: plain calls, each
//!   holding the thread for its second. `One Two` ×3, **3 s**.
//! - [`main_blocking`] (`--blocking`), the classic mistake: the async port
//!   with `std::thread::sleep` in place of the `.await`. It compiles, and it
//!   runs exactly like the synchronous version, **3 s**.
//! - [`main_many`] (`--tasks N`): N counters, each spawned as a task.
//!
//! The version tuned to run a million counters in under 2 s and 512 MiB is
//! [`crate::count_tuned`] (`--tasks N --tuned`).
//!
//! `join!` is tokio's own; each counter gets its color and chart row from
//! `.instrument(span(..))`, applied from outside, and `println!` is the
//! `shared` crate's: std's macro, printing in the color of the row it runs in.

use std::process::ExitCode;
use std::time::Duration;

use shared::cli::{InstantArg, TimelineArg, refuse_instant};
use shared::{Instrument, Options, println, span};

use crate::count_tuned;

// ANCHOR: async
/// `async def count()`.
pub async fn count() {
    println!("One");
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("Two");
}

/// `async def main()`: `await asyncio.gather(count(), count(), count())`.
///
/// `biased;` polls the three in the order written every time, as asyncio
/// resumes them; `.instrument(span(..))` gives each its color and chart row.
pub async fn main() {
    tokio::join!(
        biased;
        count().instrument(span(0, "count()")),
        count().instrument(span(1, "count()")),
        count().instrument(span(2, "count()")),
    );
}
// ANCHOR_END: async

// ANCHOR: sync
/// The synchronous `count()`: `time.sleep` holds the thread for its second.
pub fn count_sync() {
    println!("One");
    std::thread::sleep(Duration::from_secs(1));
    println!("Two");
}

/// The synchronous `main()`: `for _ in range(3): count()`, each call in a
/// row of the chart.
pub fn main_sync(counters: u32) {
    for row in 0..counters as usize {
        span(row, "count_sync()").in_scope(count_sync);
    }
}
// ANCHOR_END: sync

// ANCHOR: blocking
/// WRONG: `count()` with a blocking sleep. It compiles and runs, but
/// `std::thread::sleep` never reaches an `.await`: it holds the one thread
/// the runtime has, and no other counter can run until it returns.
pub async fn count_blocking() {
    println!("One");
    std::thread::sleep(Duration::from_secs(1)); // WRONG: blocks the thread
    println!("Two");
}

/// The same `main`, joining the blocking counters: 3 s instead of 1.
pub async fn main_blocking() {
    tokio::join!(
        biased;
        count_blocking().instrument(span(0, "count_blocking()")),
        count_blocking().instrument(span(1, "count_blocking()")),
        count_blocking().instrument(span(2, "count_blocking()")),
    );
}
// ANCHOR_END: blocking

// ANCHOR: many
/// `count --tasks N`: N counters, each spawned as a task (what `gather` does
/// with coroutines), then waited for one by one.
pub async fn main_many(counters: u32) -> Result<(), tokio::task::JoinError> {
    let tasks: Vec<_> =
        (0..counters as usize).map(|row| tokio::spawn(count().instrument(span(row, "count()")))).collect();
    for task in tasks {
        task.await?;
    }
    Ok(())
}
// ANCHOR_END: many

/// The most counters `--tasks` accepts.
pub const MAX_TASKS: u32 = 2_000_000;

/// Flags of `count`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// Run N counters, each spawned as a task, instead of three joined (at
    /// most two million).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_TASKS as i64))]
    pub tasks: Option<u32>,

    /// The synchronous version: plain functions, one after another.
    #[arg(long, conflicts_with = "blocking")]
    pub sync: bool,

    /// The mistake: the async version with a blocking sleep inside.
    #[arg(long, conflicts_with = "tasks")]
    pub blocking: bool,

    /// With --tasks: the version tuned for a million counters.
    #[arg(long, requires = "tasks", conflicts_with = "sync")]
    pub tuned: bool,

    /// Print no `One`/`Two` lines, only the footer (for the benchmark).
    #[arg(long)]
    pub quiet: bool,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

/// Runs the version the flags ask for, then prints the footer.
pub fn run(args: &Args) -> ExitCode {
    if (args.sync || args.blocking) && args.instant.instant {
        return refuse_instant(
            "--sync and --blocking sleep with std::thread::sleep, and the virtual clock cannot skip a real sleep",
        );
    }
    shared::output::quiet_rows(args.quiet);
    let options = Options::new().timeline(args.timeline).footer("count executed in");
    if args.sync {
        return shared::run_blocking(options, || {
            main_sync(args.tasks.unwrap_or(3));
            Ok(())
        });
    }
    shared::run_async(options.clock(args.instant.clock()), || async move {
        match (args.blocking, args.tasks) {
            (true, _) => main_blocking().await,
            (false, None) => main().await,
            (false, Some(counters)) if args.tuned => count_tuned::main(counters, args.quiet).await,
            (false, Some(counters)) => main_many(counters).await?,
        }
        Ok(())
    })
}
