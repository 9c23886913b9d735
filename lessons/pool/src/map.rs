//! # `map`: a chunked parallel map, results in order
//!
//! Ports seed 003 §5.2, "Parallelization using `Pool.map()`":
//! `pool.map(howmany_within_range_rowonly, [row for row in data])`.
//!
//! `map` takes one iterable and a function of one argument, so the original
//! writes `howmany_within_range_rowonly`, with the bounds as defaults. The
//! rows go to the workers in chunks (Python's default: four chunks per
//! worker), so a task is thousands of rows and its round trip is paid once
//! per chunk instead of once per row. Results come back in the order of the
//! rows, whichever chunk finished first.
//!
//! With rayon the same is `data.par_iter().map(f).collect()`: rayon splits
//! the rows between its threads by itself, and `collect` keeps the order.

use std::process::ExitCode;
use std::sync::Arc;

use rayon::prelude::*;

use crate::common;
pub use crate::common::PoolArgs as Args;
use crate::homemade::{Pool, TaskError};
use crate::table::{Row, howmany_within_range};

// ANCHOR: port
/// `howmany_within_range_rowonly(row, minimum=4, maximum=8)`: Rust has no
/// default arguments, so the bounds are fixed inside.
pub fn howmany_within_range_rowonly(row: &Row) -> u8 {
    howmany_within_range(*row, 4, 8)
}

/// `results = pool.map(howmany_within_range_rowonly, [row for row in data])`
pub fn count_with_pool(pool: &Pool, data: &Arc<[Row]>) -> Result<Vec<u8>, TaskError> {
    pool.map(howmany_within_range_rowonly, data)
}
// ANCHOR_END: port

// ANCHOR: rayon
/// The same with rayon.
pub fn count_with_rayon(pool: &rayon::ThreadPool, data: &[Row]) -> Vec<u8> {
    pool.install(|| data.par_iter().map(howmany_within_range_rowonly).collect())
}
// ANCHOR_END: rayon

/// Runs the loop and `map` on both pools.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(args, 1, &[crate::compare::MAP], common::print_each)
}
