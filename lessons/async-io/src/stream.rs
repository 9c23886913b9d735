//! # `stream`: `async for`, async generators and comprehensions, and what is
//! (and is not) concurrency
//!
//! Ports seed 003, "Other Features: async for and Async Generators +
//! Comprehensions" (from Real Python's asyncio walkthrough).
//!
//! Python's async generator is a function with both `await` and `yield`.
//! Stable Rust has no `yield`, so the same thing is a [`Stream`] built from a
//! state and a step: [`futures::stream::unfold`] calls an async closure that
//! may await, then yields the next item and the next state.
//!
//! - `async for x in gen()` is `while let Some(x) = stream.next().await`;
//! - `[x async for x in gen() if cond]` is `stream.filter(..).collect().await`.
//!
//! Both take their items **one at a time**: the loop awaits each item before
//! asking for the next. Async iteration lets *other tasks* run during the
//! waits; it does not make the loop itself concurrent. That takes starting
//! several futures at once, which [`StreamExt::buffer_unordered`] does: the
//! last part times the same slow jobs run one by one and run four at a time.

use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use shared::Context;
use shared::colors::{HEADING, paint, styled};
use shared::timing::{Stopwatch, seconds};

/// Flags of `stream`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// How many items the generator yields and how many slow jobs run.
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u32).range(1..=63))]
    pub items: u32,

    /// How many slow jobs `buffer_unordered` runs at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrency: u32,
}

impl Default for Args {
    fn default() -> Args {
        Args { items: 8, concurrency: 4 }
    }
}

/// The generator's pause between items.
pub const PAUSE: Duration = Duration::from_millis(100);

/// What each part measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The items `while let` received, in order.
    pub looped: Vec<u64>,
    /// The filtered "comprehension".
    pub filtered: Vec<u64>,
    /// How long the `while let` loop took.
    pub loop_took: Duration,
    /// Job results, in completion order, run one at a time.
    pub one_by_one: Vec<u64>,
    /// How long that took.
    pub one_by_one_took: Duration,
    /// Job results, in completion order, run `concurrency` at a time.
    pub buffered: Vec<u64>,
    /// How long that took.
    pub buffered_took: Duration,
}

// ANCHOR: generator
/// An async generator: yields 1, 2, 4, 8, … (`count` items), awaiting
/// [`PAUSE`] before each item after the first.
pub fn powers_of_two(count: u32) -> impl Stream<Item = u64> {
    stream::unfold(0u32, move |exponent| async move {
        if exponent >= count {
            return None; // the generator returns: the stream ends
        }
        if exponent > 0 {
            tokio::time::sleep(PAUSE).await; // an await between two yields
        }
        Some((1u64 << exponent, exponent + 1)) // yield 2^exponent, keep exponent + 1
    })
}
// ANCHOR_END: generator

// ANCHOR: job
/// A slow job: job `i` of `n` takes `(n - i + 1)` × 100 ms, so the first
/// jobs are the slowest and the order of completion shows.
async fn slow_square(i: u64, n: u64) -> u64 {
    tokio::time::sleep(PAUSE * (n - i + 1) as u32).await;
    i * i
}
// ANCHOR_END: job

/// Runs the three parts and prints what each took.
pub async fn run(args: &Args, context: &Context) -> Report {
    let n = u64::from(args.items);

    anstream::println!("{}", styled(HEADING, "async for: `while let Some(x) = stream.next().await`"));
    let span = context.timeline.begin(0, "while let");
    let stopwatch = Stopwatch::start(context.clock);
    // ANCHOR: async_for
    let mut looped = Vec::new();
    let mut numbers = std::pin::pin!(powers_of_two(args.items));
    while let Some(number) = numbers.next().await {
        anstream::println!("  got {number:>4} at {} s", seconds(stopwatch.elapsed()));
        looped.push(number);
    }
    // ANCHOR_END: async_for
    let loop_took = stopwatch.elapsed();
    drop(span);
    anstream::println!("  {} items, one at a time: {} s\n", looped.len(), seconds(loop_took));

    anstream::println!("{}", styled(HEADING, "async comprehension: `stream.filter(..).collect().await`"));
    let span = context.timeline.begin(1, "comprehension");
    // ANCHOR: comprehension
    // [x async for x in powers_of_two(n) if x % 3 == 1]
    let filtered: Vec<u64> =
        powers_of_two(args.items).filter(|x| std::future::ready(x % 3 == 1)).collect().await;
    // ANCHOR_END: comprehension
    drop(span);
    anstream::println!("  {filtered:?}: the same one-at-a-time walk, so the same time again\n");

    anstream::println!("{}", styled(HEADING, format_args!("{n} slow jobs, one at a time: `.then(job)`")));
    let span = context.timeline.begin(2, "then (one by one)");
    let stopwatch = Stopwatch::start(context.clock);
    // ANCHOR: one_by_one
    let one_by_one: Vec<u64> = stream::iter(1..=n).then(|i| slow_square(i, n)).collect().await;
    // ANCHOR_END: one_by_one
    let one_by_one_took = stopwatch.elapsed();
    drop(span);
    anstream::println!("  {one_by_one:?} in {} s: the sum of every job\n", seconds(one_by_one_took));

    let at_once = args.concurrency;
    anstream::println!(
        "{}",
        styled(
            HEADING,
            format_args!("the same jobs, {at_once} at a time: `.map(job).buffer_unordered({at_once})`")
        )
    );
    let span = context.timeline.begin(3, format_args!("buffer_unordered({at_once})"));
    let stopwatch = Stopwatch::start(context.clock);
    // ANCHOR: buffered
    let buffered: Vec<u64> =
        stream::iter(1..=n).map(|i| slow_square(i, n)).buffer_unordered(at_once as usize).collect().await;
    // ANCHOR_END: buffered
    let buffered_took = stopwatch.elapsed();
    drop(span);
    anstream::println!(
        "  {buffered:?} in {} s: results in the order they finished, not the order asked",
        seconds(buffered_took)
    );
    let speedup = one_by_one_took.as_secs_f64() / buffered_took.as_secs_f64().max(f64::EPSILON);
    anstream::println!(
        "{}",
        paint(0, format_args!("\nbuffer_unordered was {speedup:.1}× faster: that is concurrency."))
    );
    Report { looped, filtered, loop_took, one_by_one, one_by_one_took, buffered, buffered_took }
}
