//! # `chain`: chaining coroutines
//!
//! Ports seed 002, "Chaining Coroutines" (`part1`, `part2`, `chain`, from
//! Real Python's asyncio walkthrough).
//!
//! For every number given on the command line, a chain runs `part1`, then
//! feeds its result to `part2`; each part sleeps a random 0 to 10 seconds.
//! Inside one chain the parts run in order (`part2` needs `part1`'s result),
//! but the chains run concurrently, so the whole program takes as long as the
//! *longest* chain, not the sum of them all.
//!
//! What Rust adds: the chain's generator is passed in, one per chain (see
//! [`crate::rand`] for why), and `join_all` polls the chains inside one task
//! where `gather` would make a task of each: the waits overlap either way.

use std::process::ExitCode;
use std::time::Duration;

use ::rand::RngExt;
use futures::future::join_all;
use shared::cli::{InstantArg, SeedArg, TimelineArg};
use shared::random::Rng;
use shared::timing::{seconds_in_words, whole_seconds};
use shared::{Instrument, Options, println, span};
use tokio::time::Instant;

// ANCHOR: parts
/// `async def part1(n)`.
pub async fn part1(n: u64, rng: &mut Rng) -> String {
    let i = rng.random_range(0..=10);
    println!("part1({n}) sleeping for {}.", whole_seconds(i));
    tokio::time::sleep(Duration::from_secs(i)).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

/// `async def part2(n, arg)`.
pub async fn part2(n: u64, arg: &str, rng: &mut Rng) -> String {
    let i = rng.random_range(0..=10);
    println!("part2({n}, {arg:?}) sleeping for {}.", whole_seconds(i));
    tokio::time::sleep(Duration::from_secs(i)).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, {arg:?}) == {result}.");
    result
}

/// `async def chain(n)`: `part1`, then `part2` on its result.
pub async fn chain(n: u64, mut rng: Rng) {
    let start = Instant::now();
    let p1 = part1(n, &mut rng).await;
    let p2 = part2(n, &p1, &mut rng).await;
    let end = seconds_in_words(start.elapsed(), 2);
    println!("-->Chained result{n} => {p2} (took {end}).");
}

/// `async def main(*args)`: `gather(*(chain(n) for n in args))`.
pub async fn main(inputs: &[u64], seed: &SeedArg) {
    join_all(
        inputs
            .iter()
            .enumerate()
            .map(|(row, &n)| chain(n, seed.rng(row)).instrument(span(row, format!("chain({n})")))),
    )
    .await;
}
// ANCHOR_END: parts

/// The most inputs, each a chain and a row of the chart.
pub const MAX_INPUTS: usize = 1000;

/// Flags of `chain`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The inputs, one chain each (at most 1000).
    #[arg(value_name = "N", default_values_t = [1, 2, 3], num_args = 1..=MAX_INPUTS)]
    pub inputs: Vec<u64>,

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

/// Runs one chain per input and prints the total, as the original's
/// `__main__` block does.
pub fn run(args: &Args) -> ExitCode {
    let options =
        Options::new().timeline(args.timeline).clock(args.instant.clock()).footer("Program finished in");
    shared::run_async(options, || async move {
        main(&args.inputs, &args.seed).await;
        Ok(())
    })
}
