//! # `rand`: colored coroutines that retry
//!
//! Ports seed 002, "Coroutine" (`makerandom`, from Real Python's asyncio
//! walkthrough).
//!
//! Three tasks each draw a random number from 0 to 10 until it beats their
//! threshold (9, 8 and 7), sleeping `idx + 1` seconds between tries. Each task
//! prints in its own color, so the interleaving shows who runs while the
//! others sleep. At the end the three results come back in order: `r1`,
//! `r2`, `r3`.
//!
//! What Rust adds: each task draws from a generator of its own, passed in
//! (see [`shared::random`]). Python's tasks share one global generator, so a
//! task's numbers there depend on how many the others drew first, that is,
//! on the order in which the tasks happen to run. With a generator per task,
//! a task's numbers depend on the seed and its index alone.

use std::process::ExitCode;
use std::time::Duration;

use ::rand::RngExt;
use shared::cli::{InstantArg, SeedArg, TimelineArg};
use shared::random::Rng;
use shared::{Failure, Instrument, Options, println, span};

// ANCHOR: makerandom
/// `async def makerandom(idx, threshold)`.
pub async fn makerandom(idx: usize, threshold: u32, mut rng: Rng) -> u32 {
    println!("Initiated makerandom({idx}).");
    let mut i = rng.random_range(0..=10);
    while i <= threshold {
        println!("makerandom({idx}) == {i} too low; retrying.");
        tokio::time::sleep(Duration::from_secs(idx as u64 + 1)).await;
        i = rng.random_range(0..=10);
    }
    println!("---> Finished: makerandom({idx}) == {i}");
    i
}

/// `async def main()`: `gather(*(makerandom(i, 10 - i - 1) for i in range(3)))`.
///
/// Like `gather`, it makes each coroutine a task (`tokio::spawn`), then
/// collects the results in order, whichever task finished first.
pub async fn main(seed: &SeedArg) -> Result<Vec<u32>, tokio::task::JoinError> {
    let tasks: Vec<_> = (0..3)
        .map(|i| {
            tokio::spawn(
                makerandom(i, 10 - i as u32 - 1, seed.rng(i)).instrument(span(i, format!("makerandom({i})"))),
            )
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await?);
    }
    Ok(results)
}
// ANCHOR_END: makerandom

/// Flags of `rand`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--seed`.
    #[command(flatten)]
    pub seed: SeedArg,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

/// Runs the three tasks and prints their results, as the original's
/// `__main__` block does.
pub fn run(args: &Args) -> ExitCode {
    let options =
        Options::new().timeline(args.timeline).clock(args.instant.clock()).footer("rand executed in");
    shared::run_async(options, || async move {
        let results = main(&args.seed).await.map_err(Failure::from)?;
        let [r1, r2, r3] = results[..] else { unreachable!("main returns three results") };
        println!();
        println!("r1: {r1}, r2: {r2}, r3: {r3}");
        Ok(())
    })
}
