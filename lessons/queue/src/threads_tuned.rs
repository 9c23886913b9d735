//! # `threads --tuned`: a million items between threads
//!
//! The producers and consumers of [`crate::threads`], written for the
//! benchmark: `threads --max-sleep 0 --items-per-producer K --quiet --tuned`
//! moves a million items at least 20 times as fast as Python's
//! `queue.Queue` with threads (release build, this course's 2-core machine;
//! see `docs/benchmarks.md`, which measures this module beside the plain
//! port).
//!
//! Every item still goes through the queue alone. Two changes, measured:
//!
//! 1. **Nothing is formatted**, as in [`crate::asyncq_tuned`]: an item
//!    carries its 5 random bytes, and no `String` is made per item.
//! 2. **A channel made for threads.** [`crossbeam_channel`] instead of
//!    async-channel's blocking calls: when a consumer finds the queue empty,
//!    crossbeam spins and yields a few times before it puts the thread to
//!    sleep, and on two busy cores the next item usually comes within that
//!    time, so most waits never reach the operating system. async-channel
//!    parks the thread at once, and each item then costs a wake-up. On this
//!    course's machine that made crossbeam 2.6 to 4.5 times as fast.
//!
//! One thing crossbeam lacks: a receiver cannot ask whether the channel is
//! closed. A consumer learns it only by asking for an item, so this one
//! takes an item first and naps after it, where the port naps first; with
//! the benchmark's zero-second naps the two orders do the same work, and
//! either way a run with no producer ends at once.

use std::time::{Duration, Instant};

use ::rand::RngExt;
use crossbeam_channel::{Receiver, Sender};
use shared::random::Rng;
use shared::{Failure, span};

use crate::plan::{Plan, SleepRange, Totals};

/// An item: its 5 random bytes, and when it was put.
pub type Item = ([u8; 5], Instant);

// ANCHOR: tuned
/// `randsleep` without a print. (`std::thread::sleep` of zero returns at once.)
fn nap(sleep: SleepRange, rng: &mut Rng) {
    std::thread::sleep(Duration::from_secs(rng.random_range(sleep.a..=sleep.b)));
}

/// A producer: `n` items, each after a nap. Returns how many it put.
fn produce(q: Sender<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let n = plan.items_per_producer.unwrap_or_else(|| rng.random_range(0..=10));
    for k in 0..n {
        nap(plan.sleep, &mut rng);
        if q.send((rng.random::<[u8; 5]>(), Instant::now())).is_err() {
            return k.into();
        }
    }
    n.into()
}

/// A consumer: takes items until the queue is closed and empty, napping
/// after each. Returns how many it took, and the longest any waited.
fn consume(q: Receiver<Item>, plan: Plan, mut rng: Rng) -> (u64, Duration) {
    let (mut taken, mut longest) = (0, Duration::ZERO);
    while let Ok((_, t)) = q.recv() {
        longest = longest.max(t.elapsed());
        taken += 1;
        nap(plan.sleep, &mut rng);
    }
    (taken, longest)
}
// ANCHOR_END: tuned

/// The tuned `main`: the port's threads around a crossbeam channel.
/// Returns the totals and the longest time an item waited in the queue.
pub fn main(plan: Plan) -> Result<(Totals, Duration), Failure> {
    let (sender, receiver) = match plan.capacity {
        Some(capacity) => crossbeam_channel::bounded(capacity),
        None => crossbeam_channel::bounded(crate::plan::BACKLOG_LIMIT), // see `asyncq::queue`
    };
    std::thread::scope(|scope| {
        let mut consumers = Vec::new();
        for n in 0..plan.ncon {
            let (row, q) = (plan.consumer_row(n), receiver.clone());
            let consumer = span(row, format!("consumer {n}"));
            let run = move || consumer.in_scope(|| consume(q, plan, plan.seed.rng(row)));
            consumers.push(
                std::thread::Builder::new().spawn_scoped(scope, run).map_err(crate::threads::cannot_start)?,
            );
        }
        let mut producers = Vec::new();
        for n in 0..plan.nprod {
            let (row, q) = (plan.producer_row(n), sender.clone());
            let producer = span(row, format!("producer {n}"));
            let run = move || producer.in_scope(|| produce(q, plan, plan.seed.rng(row)));
            producers.push(
                std::thread::Builder::new().spawn_scoped(scope, run).map_err(crate::threads::cannot_start)?,
            );
        }
        drop((sender, receiver));
        let (mut totals, mut longest) = (Totals::default(), Duration::ZERO);
        for producer in producers {
            totals.produced += producer.join().map_err(crate::threads::panicked)?;
        }
        for consumer in consumers {
            let (taken, waited) = consumer.join().map_err(crate::threads::panicked)?;
            totals.consumed += taken;
            longest = longest.max(waited);
        }
        Ok((totals, longest))
    })
}
