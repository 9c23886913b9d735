//! # `apply`: one task per row, and why that is slower than the loop
//!
//! Ports seed 003 §5.1, "Parallelization using `Pool.apply()`":
//! `pool.apply(howmany_within_range, args=(row, 4, 8))` for every row.
//!
//! `apply` sends one task to a worker and waits for its result before the
//! next row is even sent: the rows are counted one at a time, as in the
//! loop, and each count now costs a round trip between two threads. The
//! task is boxed and queued, a sleeping worker is woken to take it, it counts
//! five numbers (a few nanoseconds), sends the count back through a channel,
//! and the main thread, asleep meanwhile, is woken to receive it. The
//! example measures that trip and prints its cost per task beside the cost
//! of the counting itself.
//!
//! rayon's counterpart is `pool.install(|| …)` per row: the same round trip,
//! through rayon's own queue and latches.

use std::process::ExitCode;

use shared::compare::Verdict;
use shared::println;

pub use crate::common::PoolArgs as Args;
use crate::common::{self, Measured, Setup};
use crate::homemade::{Pool, TaskError};
use crate::table::{Row, howmany_within_range};

// ANCHOR: port
/// `results = [pool.apply(howmany_within_range, args=(row, 4, 8)) for row in data]`
pub fn count_with_pool(pool: &Pool, data: &[Row]) -> Result<Vec<u8>, TaskError> {
    let mut results = Vec::new();
    for &row in data {
        results.push(pool.apply(howmany_within_range, (row, 4, 8))?);
    }
    Ok(results)
}
// ANCHOR_END: port

// ANCHOR: rayon
/// The same with rayon: `install` runs a closure on the pool and waits.
pub fn count_with_rayon(pool: &rayon::ThreadPool, data: &[Row]) -> Vec<u8> {
    data.iter().map(|&row| pool.install(|| howmany_within_range(row, 4, 8))).collect()
}
// ANCHOR_END: rayon

/// Runs the loop and `apply` on both pools, and says what a task cost.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(args, 1, &[crate::compare::APPLY], |setup, measured| {
        common::print_each(setup, measured);
        println!();
        explain(setup, &measured[0]);
    })
}

/// Why `apply` took longer than the loop, from what was measured: never a
/// claim the numbers do not show.
pub fn explain(setup: &Setup, apply: &Measured) {
    let rows = setup.table.len();
    if rows == 0 {
        println!("With no rows there is nothing to send: nothing to compare.");
        return;
    }
    let verdict = apply.against_loop(setup);
    let Some(overhead) = apply.overhead_per_task(setup) else {
        let why = match verdict {
            Verdict::TooShort { floor } => format!(
                "a time is under the {} this lesson needs to tell it from noise: too short to compare",
                shared::timing::duration(floor)
            ),
            _ => "the measurements do not tell them apart".to_string(),
        };
        println!("Here apply was not measurably slower than the loop: {why}.");
        return;
    };
    let work = shared::timing::duration_each(setup.sequential, rows as u64).unwrap_or_default();
    println!(
        "Why apply is slower: each row is a round trip to a worker thread. The loop spends {} per row on \
         the counting; apply spent {} more per row: the task is queued, a sleeping worker is woken to take \
         it, and the main thread sleeps until the count comes back through a channel and wakes it. The \
         rows are still counted one at a time, so the workers never run side by side.",
        work,
        shared::timing::duration(overhead),
    );
}
