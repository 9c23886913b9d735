//! # `count --tasks N --tuned`: a million counters, tuned
//!
//! The same counters as [`crate::count`], written for a million of them:
//! `count --tasks 1000000 --tuned --quiet` runs in under 2 s and 512 MiB
//! (release build, this course's benchmark machine; see
//! `docs/benchmarks.md`, which measures this module beside the plain
//! [`crate::count::main_many`]).
//!
//! Three changes, each measured:
//!
//! 1. **What a task carries.** A task's future stores every value it still
//!    needs after an `.await`, and tokio allocates each task as one cell
//!    rounded up to its alignment (128 bytes on x86_64, aarch64 and
//!    powerpc64; 32, 16, 256 or 64 on other targets). A counter here carries an
//!    8-byte [`Counter`], and its future is written as a function returning
//!    an `async` block, because an `async fn` keeps a second copy of its
//!    arguments in its future. The future is 104 bytes, so the task fits
//!    a 256-byte cell, the smallest (a test below keeps it there); the plain
//!    counter inside its chart span is 168 bytes and takes 384.
//! 2. **Waiting without handles.** The counters return nothing, so instead
//!    of a `JoinHandle` each, a [`TaskTracker`] counts the running tasks and
//!    wakes `main` when the count drops to zero.
//! 3. **A spawning loop that yields.** A million spawns are a long loop with
//!    no `.await`, and on one thread such a loop starves the tasks it has
//!    already started, just as `--blocking` does. Spending tokio's
//!    cooperative budget yields every 128 or so spawns, so the first
//!    counters start their timers while the rest are still being made.

use std::time::Duration;

use shared::{Instrument, println, span};
use tokio_util::task::TaskTracker;

/// How long each counter waits between `One` and `Two`.
pub const PAUSE: Duration = Duration::from_secs(1);

/// What one counter needs to know, in 8 bytes.
#[derive(Clone, Copy, Debug)]
pub struct Counter {
    /// Its number: its chart row.
    pub id: u32,
    /// `--quiet`: print nothing.
    pub quiet: bool,
}

// ANCHOR: counter
/// One counter as a task: `count()` from a function that returns an `async`
/// block (an `async fn` would store its argument twice).
#[allow(clippy::manual_async_fn, reason = "an async fn stores its arguments twice; see the module docs")]
pub fn count(counter: Counter) -> impl Future<Output = ()> + Send + 'static {
    async move {
        if !counter.quiet {
            println!("One");
        }
        tokio::time::sleep(PAUSE).await;
        if !counter.quiet {
            println!("Two");
        }
    }
}

/// `main()` for `counters` counters: spawn them all, yielding as it goes,
/// then wait for the last one.
pub async fn main(counters: u32, quiet: bool) {
    // With `--timeline`, each counter also gets its span; without, nothing
    // but the counter itself is allocated.
    let charting = shared::timeline::current().is_on();
    let tracker = TaskTracker::new();
    for id in 0..counters {
        let counter = count(Counter { id, quiet });
        if charting {
            tracker.spawn(counter.instrument(span(id as usize, "count()")));
        } else {
            tracker.spawn(counter);
        }
        // New! Yield now and then, so that the counters already spawned run.
        tokio::task::coop::consume_budget().await;
    }
    tracker.close(); // no more counters will be added...
    tracker.wait().await; // ...so this returns when the last one is done
}
// ANCHOR_END: counter

#[cfg(test)]
mod tests {
    use super::*;

    /// Where tokio aligns a task cell to 128 bytes, a cell holds the future
    /// plus 104 bytes of header and trailer (tokio 1.54), rounded up: up to
    /// 152 bytes of future make a 256-byte cell, from 160 on 384, from 288
    /// on 512. Staying in the smallest cell is what keeps a million counters
    /// well under 512 MiB (docs/benchmarks.md).
    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "powerpc64"))]
    fn a_counter_future_fits_the_smallest_task_cell() {
        let future = count(Counter { id: 0, quiet: true });
        assert!(std::mem::size_of_val(&future) <= 152, "{} bytes", std::mem::size_of_val(&future));
    }

    #[tokio::test(start_paused = true)]
    async fn a_thousand_tuned_counters_all_finish_within_the_pause() {
        let recording = shared::testing::Recording::start(shared::Clock::Virtual);
        let started = tokio::time::Instant::now();
        main(1000, false).await;
        assert_eq!(started.elapsed(), PAUSE);
        let texts = recording.texts();
        assert_eq!(texts.iter().filter(|text| *text == "One").count(), 1000);
        assert_eq!(texts.iter().filter(|text| *text == "Two").count(), 1000);
        assert_eq!(recording.bars().len(), 1000);
    }
}
