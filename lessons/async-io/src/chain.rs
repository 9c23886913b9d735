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

use std::time::Duration;

use ::rand::RngExt;
use ::rand::rngs::StdRng;
use shared::Context;
use shared::colors::paint;
use shared::timing::{Stopwatch, seconds};

/// Flags of `chain`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The inputs, one chain each.
    #[arg(value_name = "N", default_values_t = [1, 2, 3])]
    pub inputs: Vec<u64>,
}

/// What one chain did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// Its input.
    pub input: u64,
    /// How long `part1` and `part2` slept.
    pub sleeps: [Duration; 2],
    /// How long the chain took, on the run's clock.
    pub took: Duration,
    /// The final result.
    pub result: String,
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// One entry per input, in input order.
    pub chains: Vec<ChainReport>,
    /// The whole program.
    pub elapsed: Duration,
}

// ANCHOR: parts
/// Sleeps a random 0–10 s, then returns `result{n}-1`.
async fn part1(n: u64, row: usize, rng: &mut StdRng) -> (String, Duration) {
    let pause = Duration::from_secs(rng.random_range(0..=10));
    anstream::println!(
        "{}",
        paint(row, format_args!("part1({n}) sleeping for {} seconds.", pause.as_secs()))
    );
    tokio::time::sleep(pause).await;
    let result = format!("result{n}-1");
    anstream::println!("{}", paint(row, format_args!("Returning part1({n}) == {result}.")));
    (result, pause)
}

/// Sleeps a random 0–10 s, then builds on `part1`'s result.
async fn part2(n: u64, arg: &str, row: usize, rng: &mut StdRng) -> (String, Duration) {
    let pause = Duration::from_secs(rng.random_range(0..=10));
    anstream::println!(
        "{}",
        paint(row, format_args!("part2({n}, {arg:?}) sleeping for {} seconds.", pause.as_secs()))
    );
    tokio::time::sleep(pause).await;
    let result = format!("result{n}-2 derived from {arg}");
    anstream::println!("{}", paint(row, format_args!("Returning part2({n}, {arg:?}) == {result}.")));
    (result, pause)
}

/// `part1`, then `part2` on its result: the awaits run in order.
async fn chain(n: u64, row: usize, context: Context) -> ChainReport {
    let _span = context.timeline.begin(row, format_args!("chain({n})"));
    let mut rng = context.rng(row as u64);
    let stopwatch = Stopwatch::start(context.clock);
    let (first, first_sleep) = part1(n, row, &mut rng).await;
    let (result, second_sleep) = part2(n, &first, row, &mut rng).await;
    let took = stopwatch.elapsed();
    anstream::println!(
        "{}",
        paint(row, format_args!("-->Chained result{n} => {result} (took {} seconds).", seconds(took)))
    );
    ChainReport { input: n, sleeps: [first_sleep, second_sleep], took, result }
}
// ANCHOR_END: parts

/// Runs one chain per input, all at once, and prints the total.
pub async fn run(args: &Args, context: &Context) -> Report {
    let stopwatch = Stopwatch::start(context.clock);
    let tasks: Vec<_> = args
        .inputs
        .iter()
        .enumerate()
        .map(|(row, &n)| tokio::spawn(chain(n, row, context.clone())))
        .collect();
    let mut chains = Vec::with_capacity(tasks.len());
    for task in tasks {
        chains.push(task.await.expect("a chain task panicked"));
    }
    anstream::println!("{}", stopwatch.footer("chain"));
    Report { chains, elapsed: stopwatch.elapsed() }
}
