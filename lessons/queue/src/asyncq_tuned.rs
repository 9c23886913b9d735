//! # `asyncq --tuned`: a million items through the queue
//!
//! The producers and consumers of [`crate::asyncq`], written for the
//! benchmark: `asyncq --max-sleep 0 --items-per-producer K --quiet --tuned`
//! moves a million items at least 20 times as fast as Python's
//! `asyncio.Queue` (release build, this course's 2-core machine; see
//! `docs/benchmarks.md`, which measures this module beside the plain port).
//!
//! The queue is the same channel, and every item still goes through it
//! alone: put by one task, taken by another. What changes is the work
//! around it, each change measured:
//!
//! 1. **Nothing is formatted.** An item carries its 5 random bytes; the hex
//!    string of the port exists only to be printed, and a quiet run prints
//!    nothing per item. No `String` is allocated per item, and none per
//!    sleep for the caller's name.
//! 2. **Yield by the budget, not by the item.** The port's zero-second
//!    sleep is a yield, as `asyncio.sleep(0)` is: two trips through the
//!    scheduler per item. Here a task spends tokio's cooperative budget
//!    instead (`consume_budget`), which yields every 128 or so items: the
//!    other tasks still get their turns, a batch at a time. Sleeps longer
//!    than zero are still slept.
//! 3. **No span per wait** unless `--timeline` draws them.

use std::time::Duration;

use ::rand::RngExt;
use async_channel::{Receiver, Sender};
use shared::random::Rng;
use shared::{Instrument, span};
use tokio::task::JoinError;
use tokio::task::coop::consume_budget;
use tokio::time::Instant;

use crate::plan::{Plan, SleepRange, Totals};

/// An item: its 5 random bytes, and when it was put.
pub type Item = ([u8; 5], Instant);

// ANCHOR: tuned
/// `randsleep` without a print: a zero sleep only spends budget.
async fn nap(sleep: SleepRange, rng: &mut Rng) {
    let seconds = rng.random_range(sleep.a..=sleep.b);
    if seconds == 0 {
        consume_budget().await; // yields once in a while, not every time
    } else {
        tokio::time::sleep(Duration::from_secs(seconds)).await;
    }
}

/// A producer: `n` items, each after a nap. Returns how many it put.
async fn produce(q: Sender<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let n = plan.items_per_producer.unwrap_or_else(|| rng.random_range(0..=10));
    for k in 0..n {
        nap(plan.sleep, &mut rng).await;
        let item = (rng.random::<[u8; 5]>(), Instant::now());
        if q.send(item).await.is_err() {
            return k.into();
        }
    }
    n.into()
}

/// A consumer: takes items until the queue is closed and empty. Returns
/// how many it took, and the longest any of them waited.
async fn consume(q: Receiver<Item>, plan: Plan, mut rng: Rng) -> (u64, Duration) {
    let (mut taken, mut longest) = (0, Duration::ZERO);
    while !(q.is_closed() && q.is_empty()) {
        nap(plan.sleep, &mut rng).await;
        let Ok((_, t)) = q.recv().await else { break };
        longest = longest.max(t.elapsed());
        taken += 1;
    }
    (taken, longest)
}
// ANCHOR_END: tuned

/// The tuned `main`: the port's, with a span per task only when the chart
/// is on. Returns the totals and the longest time an item waited in the
/// queue.
pub async fn main(plan: Plan) -> Result<(Totals, Duration), JoinError> {
    let charting = shared::timeline::current().is_on();
    let (sender, receiver) = crate::asyncq::queue(plan.capacity);
    let producers: Vec<_> = (0..plan.nprod)
        .map(|n| {
            let row = plan.producer_row(n);
            let producer = produce(sender.clone(), plan, plan.seed.rng(row));
            if charting {
                tokio::spawn(producer.instrument(span(row, format!("producer {n}"))))
            } else {
                tokio::spawn(producer)
            }
        })
        .collect();
    let consumers: Vec<_> = (0..plan.ncon)
        .map(|n| {
            let row = plan.consumer_row(n);
            let consumer = consume(receiver.clone(), plan, plan.seed.rng(row));
            if charting {
                tokio::spawn(consumer.instrument(span(row, format!("consumer {n}"))))
            } else {
                tokio::spawn(consumer)
            }
        })
        .collect();
    drop((sender, receiver));
    let (mut totals, mut longest) = (Totals::default(), Duration::ZERO);
    for producer in producers {
        totals.produced += producer.await?;
    }
    for consumer in consumers {
        let (taken, waited) = consumer.await?;
        totals.consumed += taken;
        longest = longest.max(waited);
    }
    Ok((totals, longest))
}
