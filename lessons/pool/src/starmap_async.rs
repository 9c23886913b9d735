//! # `starmap-async`: submit now, collect later, several arguments
//!
//! Ports seed 003 §6.2, "Parallelization with `Pool.starmap_async()`":
//! `pool.starmap_async(howmany_within_range2, [(i, row, 4, 8) for i, row in
//! enumerate(data)]).get()`.
//!
//! **What the original got wrong.** It calls `.get()` on the same line, so
//! nothing happens between submitting and collecting: that is `starmap`
//! with extra steps. It also keeps `howmany_within_range2`, which returns
//! `(i, count)` for `apply_async`'s callback, though `starmap_async` returns
//! results in order anyway, so the indices are only dropped again. The port
//! does something between the two calls, and uses the plain function.

use std::process::ExitCode;
use std::sync::{Arc, mpsc};

use rayon::prelude::*;

use crate::common;
pub use crate::common::PoolArgs as Args;
use crate::homemade::{Pool, TaskError};
use crate::table::{Row, howmany_within_range};

// ANCHOR: port
/// `result = pool.starmap_async(howmany_within_range, [(row, 4, 8) for row in data])`,
/// then `meanwhile()`, then `result.get()`.
pub fn count_with_pool(pool: &Pool, data: &[Row], meanwhile: impl FnOnce()) -> Result<Vec<u8>, TaskError> {
    let arguments: Arc<[(Row, u8, u8)]> = data.iter().map(|&row| (row, 4, 8)).collect();
    let result = pool.starmap_async(howmany_within_range, &arguments);
    meanwhile(); // the workers are counting; this thread is free
    result.get()
}
// ANCHOR_END: port

// ANCHOR: rayon
/// The same with rayon.
pub fn count_with_rayon(pool: &rayon::ThreadPool, data: &[Row], meanwhile: impl FnOnce()) -> Vec<u8> {
    let arguments: Vec<(Row, u8, u8)> = data.iter().map(|&row| (row, 4, 8)).collect();
    let (sender, result) = mpsc::channel();
    pool.spawn(move || {
        let counts: Vec<u8> = arguments
            .par_iter()
            .map(|&(row, minimum, maximum)| howmany_within_range(row, minimum, maximum))
            .collect();
        let _ = sender.send(counts);
    });
    meanwhile();
    result.recv().unwrap_or_default()
}
// ANCHOR_END: rayon

/// Runs the loop and `starmap_async` on both pools, then shows how soon the
/// home-made `starmap_async` returned.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(args, 1, &[crate::compare::STARMAP_ASYNC], |setup, measured| {
        common::print_each(setup, measured);
        crate::map_async::time_split(
            setup,
            "starmap_async",
            "building a tuple of arguments per row, then queueing the chunks",
            |meanwhile| count_with_pool(&setup.pool, &setup.table, meanwhile),
        );
    })
}
