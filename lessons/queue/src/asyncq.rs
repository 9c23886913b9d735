//! # `asyncq`: producers and consumers around a queue
//!
//! Ports seed 002, "Queue" (`asyncq.py`, from Real Python's asyncio
//! walkthrough); seed 003, "Using a queue", describes the same design.
//!
//! Producers put items into a queue, consumers take them out, and neither
//! side knows the other: not how many there are, nor how many items will
//! come. Each producer puts a random number (0 to 10) of items, each a random
//! hex string stamped with the time it was put, after a random sleep; each
//! consumer takes items, after a random sleep of its own, and says how long
//! each one waited in the queue. Every task runs on one thread and prints in
//! its own color.
//!
//! What Rust changes:
//!
//! - **The queue is a channel with two ends.** [`async_channel`] gives a
//!   [`Sender`] and a [`Receiver`], each cloned once per task. (tokio's own
//!   `mpsc` has a single receiver, and ten consumers need ten.)
//! - **Shutdown is the channel closing.** The original waits for the
//!   producers, then `await q.join()` until every item is marked
//!   `task_done()`, then cancels the consumers, which would otherwise wait
//!   for ever. Here each producer drops its sender when it returns; once the
//!   last one has, the queue is *closed*, and a consumer's `get()` answers
//!   `None` as soon as the queue is also empty. The consumers return by
//!   themselves, and nothing is cancelled half-way. `main` must drop its own
//!   sender for that: [`main_that_never_ends`] shows what happens if it
//!   doesn't.
//! - **The fixed `randsleep`.** The original draws from 0 to 10 seconds
//!   whatever its `a` and `b` say; here it sleeps from `a` to `b`
//!   (`--min-sleep`, `--max-sleep`; 1 to 5 by default, the bounds the
//!   original's signature names).
//! - **A seeded generator per task** (see `shared::random`): the items and
//!   sleeps of a task depend on `--seed` and its number alone, and on the
//!   virtual clock (`--instant`) the whole run prints the same every time.
//!
//! `--capacity N` bounds the queue, as `asyncio.Queue(maxsize=N)` does: a
//! producer that finds it full waits for room. That wait is *back-pressure*,
//! and [`VisiblePut::put`] makes it visible: a line in the producer's color, and `▒`
//! in its row of the chart (`--timeline`). A consumer's wait for an item is
//! drawn the same way in its row.
//!
//! For the benchmark, `--tuned` runs [`crate::asyncq_tuned`] instead: the same
//! producers and consumers with nothing printed or formatted per item.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use ::rand::RngExt;
use async_channel::{Receiver, Sender};
use shared::cli::InstantArg;
use shared::random::Rng;
use shared::timing::{Stopwatch, seconds_in_words, whole_seconds};
use shared::{Instrument, Options, println, span};
use tokio::task::JoinError;
use tokio::time::Instant;

use crate::asyncq_tuned;
use crate::plan::{self, BACKLOG_LIMIT, Plan, QueueArgs, SleepRange, Totals, VisibleGet, VisiblePut};

// ANCHOR: port
/// `async def makeitem(size=5)`: `os.urandom(size).hex()`. It awaits
/// nothing, so in Rust it is a plain function. The bytes come from the
/// task's seeded generator, so that a seed gives the same items every run.
pub fn makeitem(size: usize, rng: &mut Rng) -> String {
    let mut hex = String::with_capacity(2 * size);
    for _ in 0..size {
        let _ = write!(hex, "{:02x}", rng.random::<u8>());
    }
    hex
}

/// `async def randsleep(a, b, caller)`, fixed: sleeps a whole number of
/// seconds from `a` to `b`. (The original draws from 0 to 10, whatever `a`
/// and `b` say.)
pub async fn randsleep(sleep: SleepRange, caller: Option<&str>, rng: &mut Rng) {
    let i = rng.random_range(sleep.a..=sleep.b);
    if let Some(caller) = caller {
        println!("{caller} sleeping for {}.", whole_seconds(i));
    }
    if i == 0 {
        // New! `asyncio.sleep(0)` only lets the other tasks run; tokio's
        // `sleep(ZERO)` would wait for the timer's next tick, a millisecond.
        tokio::task::yield_now().await;
    } else {
        tokio::time::sleep(Duration::from_secs(i)).await;
    }
}

/// `async def produce(name, q)`: puts a random number (0 to 10) of items,
/// each after a random sleep. Returns how many it put.
pub async fn produce(name: usize, q: Sender<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let caller = format!("Producer {name}");
    let n = plan.items_per_producer.unwrap_or_else(|| rng.random_range(0..=10));
    for k in 0..n {
        randsleep(plan.sleep, Some(&caller), &mut rng).await;
        let i = makeitem(5, &mut rng);
        let t = Instant::now();
        if q.put((i.clone(), t), &caller).await.is_err() {
            return k.into(); // every consumer is gone: nobody would take it
        }
        println!("Producer {name} added <{i}> to queue.");
    }
    n.into()
} // New! `q`, this producer's sender, is dropped here

/// `async def consume(name, q)`: takes items, each after a random sleep,
/// until no item can come any more. Returns how many it took.
pub async fn consume(name: usize, q: Receiver<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let mut taken = 0;
    // New! Not `while True`: the loop ends once the queue is closed (every
    // producer has returned) and empty.
    while !(q.is_closed() && q.is_empty()) {
        randsleep(plan.sleep, Some(&format!("Consumer {name}")), &mut rng).await;
        let Some((i, t)) = q.get().await else { break }; // closed and emptied meanwhile
        let now = Instant::now();
        println!("Consumer {name} got element <{i}> in {}.", seconds_in_words(now - t, 5));
        taken += 1;
    }
    taken
}

/// `async def main(nprod, ncon)`: starts the producers and consumers as
/// tasks, waits for the producers, then for the consumers to run dry.
pub async fn main(plan: Plan) -> Result<Totals, JoinError> {
    let (sender, receiver) = queue(plan.capacity); // `q = asyncio.Queue()`
    let producers: Vec<_> = (0..plan.nprod)
        .map(|n| {
            let row = plan.producer_row(n);
            let producer = produce(n, sender.clone(), plan, plan.seed.rng(row));
            tokio::spawn(producer.instrument(span(row, format!("producer {n}"))))
        })
        .collect();
    let consumers: Vec<_> = (0..plan.ncon)
        .map(|n| {
            let row = plan.consumer_row(n);
            let consumer = consume(n, receiver.clone(), plan, plan.seed.rng(row));
            tokio::spawn(consumer.instrument(span(row, format!("consumer {n}"))))
        })
        .collect();
    // New! main puts nothing: it drops its sender, so that the queue closes
    // when the last producer returns (and its receiver, which it never reads).
    drop((sender, receiver));
    let mut totals = Totals::default();
    for producer in producers {
        totals.produced += producer.await?; // `await asyncio.gather(*producers)`
    }
    // No `q.join()` and no `cancel()`: each consumer returns by itself.
    for consumer in consumers {
        totals.consumed += consumer.await?;
    }
    Ok(totals)
}

/// `asyncio.Queue(maxsize)`: a channel any number of tasks (or threads) can
/// send to and receive from, holding at most `capacity` items when given one.
pub fn queue<T>(capacity: Option<usize>) -> (Sender<T>, Receiver<T>) {
    match capacity {
        Some(capacity) => async_channel::bounded(capacity),
        // New! `asyncio.Queue()` has no limit, and its backlog can fill
        // memory; this one has a limit nobody watching gets near.
        None => async_channel::bounded(BACKLOG_LIMIT),
    }
}
// ANCHOR_END: port

// ANCHOR: never_ends
/// WRONG: `main` that keeps its sender. The last producer returns, but the
/// queue is not closed, because `sender` is still alive right here: the
/// consumers wait for an item that can never come, and so does `main`.
/// (Python's counterpart: `await q.join()` when a consumer forgot
/// `q.task_done()`.)
pub async fn main_that_never_ends(plan: Plan) -> Result<Totals, JoinError> {
    let (sender, receiver) = queue(plan.capacity);
    let producers: Vec<_> =
        (0..plan.nprod).map(|n| tokio::spawn(produce(n, sender.clone(), plan, plan.seed.rng(n)))).collect();
    let consumers: Vec<_> = (0..plan.ncon)
        .map(|n| tokio::spawn(consume(n, receiver.clone(), plan, plan.seed.rng(plan.consumer_row(n)))))
        .collect();
    drop(receiver); // WRONG: `sender` is not dropped
    let mut totals = Totals::default();
    for producer in producers {
        totals.produced += producer.await?;
    }
    for consumer in consumers {
        totals.consumed += consumer.await?; // never returns
    }
    Ok(totals)
}
// ANCHOR_END: never_ends

/// An item, the original's `(i, t)`: a random hex string, and the time the
/// producer went to put it (on the run's clock, virtual under `--instant`).
pub type Item = (String, Instant);

/// Runs the producers and consumers `args` ask for, then says what went
/// through the queue (and, with `--quiet` on the real clock, how fast).
pub fn run(args: &Args) -> ExitCode {
    let plan = match Plan::from_args(&args.queue) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    shared::output::quiet_rows(args.queue.quiet);
    let options = Options::new()
        .timeline(args.queue.timeline)
        .clock(args.instant.clock())
        .footer("Program completed in");
    shared::run_async(options, || async move {
        let stopwatch = Stopwatch::start();
        let (totals, longest) = if args.queue.tuned {
            let (totals, longest) = asyncq_tuned::main(plan).await?;
            (totals, Some(longest))
        } else {
            (main(plan).await?, None)
        };
        let rate_over = (args.queue.quiet && !stopwatch.clock().is_virtual()).then(|| stopwatch.elapsed());
        plan::report(&plan, totals, rate_over, longest)
    })
}

/// Flags of `asyncq`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The flags `asyncq` and `threads` share.
    #[command(flatten)]
    pub queue: QueueArgs,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No flag makes the backlog grow with the item count: without
    /// `--capacity`, the queue still has a limit (it had none).
    #[test]
    fn a_queue_without_capacity_still_has_a_limit() {
        let (sender, _receiver) = queue::<u8>(None);
        assert_eq!(sender.capacity(), Some(BACKLOG_LIMIT));
        let (sender, _receiver) = queue::<u8>(Some(3));
        assert_eq!(sender.capacity(), Some(3));
    }
}
