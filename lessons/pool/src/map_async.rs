//! # `map-async`: submit now, collect later
//!
//! Ports seed 003 §6, `Pool.map_async()`: the same chunked map as `map`,
//! but the call returns at once with a handle, and `.get()` waits for the
//! results. In between, the calling thread is free to do something else.
//! (`map` itself is `map_async(…).get()`, in Python's pool as in this one.)
//!
//! The example runs it once more in two parts: how soon `map_async`
//! returned (the time to queue the chunks), and how long `.get()` then
//! waited (the time the workers still needed). With rayon, `spawn` runs a closure on the
//! pool without waiting, and a channel brings its result back.

use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use shared::println;

pub use crate::common::PoolArgs as Args;
use crate::common::{self, Setup};
use crate::homemade::{Pool, TaskError};
use crate::map::howmany_within_range_rowonly;
use crate::table::Row;

// ANCHOR: port
/// `result = pool.map_async(howmany_within_range_rowonly, data)`, then
/// `meanwhile()`, then `result.get()`.
pub fn count_with_pool(
    pool: &Pool,
    data: &Arc<[Row]>,
    meanwhile: impl FnOnce(),
) -> Result<Vec<u8>, TaskError> {
    let result = pool.map_async(howmany_within_range_rowonly, data);
    meanwhile(); // the workers are counting; this thread is free
    result.get()
}
// ANCHOR_END: port

// ANCHOR: rayon
/// The same with rayon: `spawn` returns at once; a channel brings the counts.
pub fn count_with_rayon(pool: &rayon::ThreadPool, data: &Arc<[Row]>, meanwhile: impl FnOnce()) -> Vec<u8> {
    let (sender, result) = mpsc::channel();
    let data = Arc::clone(data);
    pool.spawn(move || {
        let counts: Vec<u8> = data.par_iter().map(howmany_within_range_rowonly).collect();
        let _ = sender.send(counts);
    });
    meanwhile();
    result.recv().unwrap_or_default()
}
// ANCHOR_END: rayon

/// Runs the loop and `map_async` on both pools, then shows how soon the
/// home-made `map_async` returned.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(args, 1, &[crate::compare::MAP_ASYNC], |setup, measured| {
        common::print_each(setup, measured);
        time_split(setup, "map_async", "queueing the chunks", |meanwhile| {
            count_with_pool(&setup.pool, &setup.table, meanwhile)
        });
    })
}

/// Runs `count` once more (an `_async` call, then `.get()`), timed in two
/// parts: until the call returned, which `count` marks by calling
/// `meanwhile`, and until the counts were in; prints both when the counts
/// are right. `submitting` says what the call did before it returned.
pub fn time_split(
    setup: &Setup,
    name: &str,
    submitting: &str,
    count: impl FnOnce(&mut dyn FnMut()) -> Result<Vec<u8>, TaskError>,
) {
    let started = Instant::now();
    let mut returned_after = Duration::ZERO;
    let again = count(&mut || returned_after = started.elapsed());
    let total = started.elapsed();
    if again.as_ref().ok() == Some(&setup.expected) {
        println!();
        print_split(name, submitting, returned_after, total);
    }
}

/// Prints the two parts [`time_split`] measured.
fn print_split(name: &str, submitting: &str, returned_after: Duration, total: Duration) {
    println!(
        "Run again, timed in two parts: {name} returned after {} ({submitting}), and the main thread was \
         free; .get() then waited {} more for the workers.",
        shared::timing::duration(returned_after),
        shared::timing::duration(total.saturating_sub(returned_after))
    );
}
