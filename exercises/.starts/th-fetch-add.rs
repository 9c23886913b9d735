//! A shared counter, incremented by several threads.
//! Chapter: docs/en/threading.md, section "3. `race`: a shared counter".

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// `threads` threads each add 1 to one counter `per_thread` times; returns the total.
pub fn count(threads: usize, per_thread: u64) -> u64 {
    let counter = AtomicU64::new(0);
    // The barrier makes the race happen every time instead of now and then:
    // every thread has read the counter before any of them writes it back.
    let barrier = Barrier::new(threads);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..per_thread {
                    // TODO: a load and a store are two steps; another thread
                    // can store in between. Make the read-and-add one step.
                    let seen = counter.load(Ordering::Relaxed);
                    barrier.wait();
                    counter.store(seen + 1, Ordering::Relaxed);
                    barrier.wait();
                }
            });
        }
    });
    counter.load(Ordering::Relaxed)
}
