//! # `starmap`: a function of several arguments per item
//!
//! Ports seed 003 §5.3, "Parallelization using `Pool.starmap()`":
//! `pool.starmap(howmany_within_range, [(row, 4, 8) for row in data])`.
//!
//! Like `map`, but each item is a tuple of arguments that is spread out into
//! the function's parameters: Python's `f(*args)`. Rust has no `*args`; the
//! home-made pool's [`Call`](crate::homemade::Call) trait does the
//! spreading for functions of up to four arguments. With rayon a closure
//! takes the tuple apart instead: `|&(row, minimum, maximum)| …`.

use std::process::ExitCode;
use std::sync::Arc;

use rayon::prelude::*;

use crate::common;
pub use crate::common::PoolArgs as Args;
use crate::homemade::{Pool, TaskError};
use crate::table::{Row, howmany_within_range};

// ANCHOR: port
/// `results = pool.starmap(howmany_within_range, [(row, 4, 8) for row in data])`
pub fn count_with_pool(pool: &Pool, data: &[Row]) -> Result<Vec<u8>, TaskError> {
    let arguments: Arc<[(Row, u8, u8)]> = data.iter().map(|&row| (row, 4, 8)).collect();
    pool.starmap(howmany_within_range, &arguments)
}
// ANCHOR_END: port

// ANCHOR: rayon
/// The same with rayon.
pub fn count_with_rayon(pool: &rayon::ThreadPool, data: &[Row]) -> Vec<u8> {
    let arguments: Vec<(Row, u8, u8)> = data.iter().map(|&row| (row, 4, 8)).collect();
    pool.install(|| {
        arguments
            .par_iter()
            .map(|&(row, minimum, maximum)| howmany_within_range(row, minimum, maximum))
            .collect()
    })
}
// ANCHOR_END: rayon

/// Runs the loop and `starmap` on both pools.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(args, 1, &[crate::compare::STARMAP], common::print_each)
}
