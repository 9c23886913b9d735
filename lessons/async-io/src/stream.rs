//! # `stream`: `async for`, async generators and comprehensions, and what is
//! (and is not) concurrency
//!
//! Ports seed 003, "Other Features: async for and Async Generators +
//! Comprehensions" (whose code is in Real Python's asyncio walkthrough:
//! `mygen`, which yields powers of two with a short sleep after each).
//!
//! Python's async generator is a function with both `await` and `yield`.
//! Stable Rust has no `yield`, so the same thing is a [`Stream`] built from a
//! state and a step: [`futures::stream::unfold`] calls an async closure that
//! may await, then yields the next item and the next state.
//!
//! - `[i async for i in mygen()]` is `mygen(u).collect().await`, and with an
//!   `if`, `.filter(..)` before the `collect`;
//! - `async for i in mygen(): ...` is `while let Some(i) = stream.next().await`.
//!
//! Both take their items **one at a time**: the loop awaits each item before
//! asking for the next. Async iteration lets *other tasks* run during the
//! waits; it does not make the loop itself concurrent. That takes starting
//! several futures at once, which [`StreamExt::buffer_unordered`] does: the
//! last part times the same slow jobs run one by one and run several at a
//! time.

use std::pin::pin;
use std::process::ExitCode;
use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use shared::cli::{InstantArg, TimelineArg};
use shared::colors::{HEADING, styled};
use shared::compare::{Comparison, capitalize};
use shared::timing::{Clock, Stopwatch, plural, secs};
use shared::{Instrument, Options, println, span};

// ANCHOR: generator
/// `async def mygen(u)`: yields 1, 2, 4, … (`u` of them), sleeping after each.
pub fn mygen(u: u32) -> impl Stream<Item = u64> {
    stream::unfold(0, move |i| async move {
        if i > 0 {
            tokio::time::sleep(PAUSE).await; // the `await asyncio.sleep(0.1)` after each `yield`
        }
        (i < u).then(|| (2u64.pow(i), i + 1)) // `yield 2 ** i`, and keep `i + 1` for the next step
    })
}

/// The generator's sleep after each item: the original's `0.1` seconds.
pub const PAUSE: Duration = Duration::from_millis(100);

/// `async def main()`: two async comprehensions.
pub async fn main(u: u32) -> (Vec<u64>, Vec<u64>) {
    let g: Vec<u64> = mygen(u).collect().await; // [i async for i in mygen()]
    let f: Vec<u64> = mygen(u).filter(|j| std::future::ready(j / 3 % 5 == 0)).collect().await; // ... if not (j // 3 % 5)
    (g, f)
}
// ANCHOR_END: generator

// ANCHOR: async_for
/// `async for i in mygen(u)`: the loop body runs once per item, in order.
pub async fn async_for(u: u32) {
    let stopwatch = Stopwatch::start();
    let mut numbers = pin!(mygen(u));
    while let Some(i) = numbers.next().await {
        println!("got {i:>4} at {}", secs(stopwatch.elapsed()));
    }
}
// ANCHOR_END: async_for

// ANCHOR: jobs
/// A slow job: job `i` of `n` takes `n - i + 1` pauses, so the first jobs
/// are the slowest and the order in which they finish shows.
pub async fn slow_square(i: u64, n: u64) -> u64 {
    tokio::time::sleep(PAUSE * (n - i + 1) as u32).await;
    i * i
}

/// The jobs one at a time: `.then` awaits each before starting the next.
pub async fn one_by_one(n: u64) -> Vec<u64> {
    stream::iter(1..=n).then(|i| slow_square(i, n)).collect().await
}

/// The same jobs, `at_once` at a time: `buffer_unordered` keeps that many
/// futures going and yields each result as soon as it is ready.
pub async fn buffered(n: u64, at_once: usize) -> Vec<u64> {
    stream::iter(1..=n).map(|i| slow_square(i, n)).buffer_unordered(at_once).collect().await
}
// ANCHOR_END: jobs

/// Flags of `stream`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// How many powers of two the generator yields (`mygen(u)`), and how many
    /// slow jobs run.
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub items: u32,

    /// How many slow jobs `buffer_unordered` runs at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub concurrency: u32,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

impl Default for Args {
    fn default() -> Args {
        Args { items: 10, concurrency: 4, timeline: TimelineArg::default(), instant: InstantArg::default() }
    }
}

/// Runs the parts in turn, each in a row of the chart, and says what each took.
pub fn run(args: &Args) -> ExitCode {
    let options = Options::new().timeline(args.timeline).clock(args.instant.clock());
    let (u, n, at_once) = (args.items, u64::from(args.items), args.concurrency as usize);
    shared::run_async(options, || async move {
        println!("{}", styled(HEADING, "Async comprehensions: `mygen(u).collect().await`"));
        let stopwatch = Stopwatch::start();
        let (g, f) = main(u).instrument(span(0, "comprehensions")).await;
        println!("{g:?}\n{f:?}");
        println!(
            "two walks of {}, one at a time: {}\n",
            plural(u, "item", "items"),
            secs(stopwatch.elapsed())
        );

        println!("{}", styled(HEADING, "async for: `while let Some(i) = stream.next().await`"));
        async_for(u).instrument(span(1, "async for")).await;
        println!();

        println!(
            "{}",
            styled(HEADING, format!("{}, one at a time: `.then(job)`", plural(n, "slow job", "slow jobs")))
        );
        let stopwatch = Stopwatch::start();
        let results = one_by_one(n).instrument(span(2, "one by one")).await;
        let alone = stopwatch.elapsed();
        println!("{results:?} in {}: the sum of every job\n", secs(alone));

        let call = format!("`.map(job).buffer_unordered({at_once})`");
        println!("{}", styled(HEADING, format!("The same jobs, at most {at_once} at a time: {call}")));
        let stopwatch = Stopwatch::start();
        let results = buffered(n, at_once).instrument(span(3, format!("buffer_unordered({at_once})"))).await;
        let together = stopwatch.elapsed();
        println!("{results:?} in {}, in the order the jobs finished", secs(together));
        println!("{}", conclusion(n, at_once, alone, together));
        Ok(())
    })
}

/// What the last part showed, true for every `--items` and `--concurrency`:
/// the comparison is [`shared::compare`]'s, on the run's clock, and no more
/// jobs are said to have waited together than there were jobs.
pub fn conclusion(jobs: u64, at_once: usize, alone: Duration, together: Duration) -> String {
    let comparison = Comparison::new(alone, together).on(Clock::current());
    let speed = comparison.sentence("the buffered jobs were", "the jobs one at a time");
    // `buffer_unordered(1000)` over 3 jobs keeps 3 going, not 1000.
    let overlapped = (at_once as u64).min(jobs);
    if jobs < 2 {
        format!("With one job there is nothing to overlap: {speed}. Try --items 10.")
    } else if at_once < 2 {
        format!("One job at a time is no concurrency, so nothing overlapped: {speed}. Try --concurrency 4.")
    } else if comparison.verdict().faster() {
        format!(
            "{}: up to {overlapped} jobs waited at the same time. That is concurrency.",
            capitalize(&speed)
        )
    } else {
        format!("{}.", capitalize(&speed))
    }
}
