//! # `rand`: colored coroutines that retry
//!
//! Ports seed 002, "Coroutine" (`makerandom`, from Real Python's asyncio
//! walkthrough).
//!
//! Three tasks each draw a random number from 0 to 10 until it beats their
//! threshold (9, 8 and 7), sleeping `idx + 1` seconds between tries. Each task
//! prints in its own color, so the interleaving shows who runs while the
//! others sleep. At the end the three results come back, in order, from the
//! joined tasks: `r1`, `r2`, `r3`.
//!
//! One change from the original: Python's tasks all draw from one global
//! generator, so each task's numbers depend on which task happened to run
//! first. Here each task owns a generator seeded from `--seed` and its index,
//! and the same seed gives the same numbers whatever the scheduling.

use std::time::Duration;

use ::rand::RngExt;
use ::rand::rngs::StdRng;
use shared::Context;
use shared::colors::paint;
use shared::timing::Stopwatch;

/// How many tasks run, as in the original.
pub const TASKS: usize = 3;

/// Flags of `rand` (only the common ones: `--seed` changes the numbers).
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {}

/// What a run gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The number each task finished with, task 0 first.
    pub results: Vec<u32>,
    /// How many numbers each task drew before one passed.
    pub draws: Vec<u32>,
    /// The whole run, on the run's clock.
    pub elapsed: Duration,
}

/// Task `idx` must beat `10 - idx - 1`: 9, 8, 7.
pub fn threshold(idx: usize) -> u32 {
    (10 - idx - 1) as u32
}

// ANCHOR: make_random
/// Draws until a number beats `threshold`, sleeping `idx + 1` s between
/// draws. Returns the number and how many draws it took.
async fn make_random(idx: usize, threshold: u32, mut rng: StdRng, context: Context) -> (u32, u32) {
    let _span = context.timeline.begin(idx, format_args!("make_random({idx})"));
    anstream::println!("{}", paint(idx, format_args!("Initiated make_random({idx}).")));
    let mut draws = 1;
    let mut number = rng.random_range(0..=10);
    while number <= threshold {
        anstream::println!(
            "{}",
            paint(idx, format_args!("make_random({idx}) == {number} too low; retrying."))
        );
        tokio::time::sleep(Duration::from_secs(idx as u64 + 1)).await;
        number = rng.random_range(0..=10);
        draws += 1;
    }
    anstream::println!("{}", paint(idx, format_args!("---> Finished: make_random({idx}) == {number}")));
    (number, draws)
}
// ANCHOR_END: make_random

/// Runs the three tasks concurrently and prints their results.
pub async fn run(_args: &Args, context: &Context) -> Report {
    let stopwatch = Stopwatch::start(context.clock);
    // ANCHOR: gather
    let tasks: Vec<_> = (0..TASKS)
        .map(|idx| {
            let rng = context.rng(idx as u64);
            tokio::spawn(make_random(idx, threshold(idx), rng, context.clone()))
        })
        .collect();
    // Awaiting the handles in order gives the results in order, like
    // `gather`, whichever task finished first.
    let mut results = Vec::with_capacity(TASKS);
    let mut draws = Vec::with_capacity(TASKS);
    for task in tasks {
        let (number, tries) = task.await.expect("a make_random task panicked");
        results.push(number);
        draws.push(tries);
    }
    // ANCHOR_END: gather
    anstream::println!();
    let named: Vec<String> =
        results.iter().enumerate().map(|(idx, number)| format!("r{}: {number}", idx + 1)).collect();
    anstream::println!("{}", named.join(", "));
    anstream::println!("{}", stopwatch.footer("rand"));
    Report { results, draws, elapsed: stopwatch.elapsed() }
}
