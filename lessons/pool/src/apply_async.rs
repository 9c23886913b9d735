//! # `apply-async`: results out of order, placed by index
//!
//! Ports seed 003 §6.1, "Parallelization with `Pool.apply_async()`": one
//! task per row, submitted without waiting; a callback collects each result
//! as it arrives, then `pool.close(); pool.join()` waits for the last.
//!
//! Tasks finish in whatever order the workers get to them, so each result
//! must say where it goes: `howmany_within_range2` returns the row's index
//! with its count. The original's callback appends `(i, count)` to a global
//! list, which it sorts by index at the end; here the callback puts each
//! count straight into its row's slot, so there is nothing to sort.
//!
//! **What the original got wrong.** A task that raises never reaches the
//! callback, and without an `error_callback` Python says nothing: the list
//! ends up shorter, silently. Here the callback receives a `Result`, so a
//! failed task is an error that cannot be ignored by accident, and a row
//! whose result never came is reported too. And since the callbacks run on
//! the workers' threads, side by side, the slots they write must be safe to
//! share: each is a [`OnceLock`], written once (Python's list append only
//! looks safe because its callbacks all run on one thread).
//!
//! `--chunk N` sends N rows per task instead of one: fewer, larger tasks.
//!
//! With rayon, `scope` and `spawn` do the same: the scope returns only when
//! every task spawned in it is done, so the tasks may borrow the slots
//! instead of sharing them through an `Arc`.

use std::process::ExitCode;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::common::{self, PoolArgs};
use crate::homemade::{Pool, TaskError};
use crate::table::{Row, howmany_within_range};

// ANCHOR: port
/// `howmany_within_range2(i, row, minimum, maximum)`: the count, with the
/// row's index `i`, so that the callback knows where it goes.
pub fn howmany_within_range2(i: usize, row: Row, minimum: u8, maximum: u8) -> (usize, u8) {
    (i, howmany_within_range(row, minimum, maximum))
}

/// Steps 1 to 4 of the original, without step 5 (the sort).
pub fn count_with_pool(pool: &Pool, data: &[Row]) -> Result<Vec<u8>, TaskError> {
    let results = Arc::new(Results::new(data.len()));
    for (i, &row) in data.iter().enumerate() {
        let results = Arc::clone(&results);
        pool.apply_async(howmany_within_range2, (i, row, 4, 8), move |result| results.collect_result(result));
    }
    pool.join(); // every callback has run
    results.counts()
}
// ANCHOR_END: port

// ANCHOR: rayon
/// The same with rayon: a task per row (or chunk) spawned in a scope, which
/// waits for them all before it returns.
pub fn count_with_rayon(pool: &rayon::ThreadPool, data: &[Row], chunk: usize) -> Result<Vec<u8>, TaskError> {
    let results = Results::new(data.len());
    pool.scope(|scope| {
        for (number, rows) in data.chunks(chunk).enumerate() {
            let results = &results;
            scope.spawn(move |_| {
                for (offset, &row) in rows.iter().enumerate() {
                    let i = number * chunk + offset;
                    results.collect_result(Ok(howmany_within_range2(i, row, 4, 8)));
                }
            });
        }
    });
    results.counts()
}
// ANCHOR_END: rayon

// ANCHOR: chunked
/// `--chunk N`: the counts of `rows`, the first of which is row `first`.
pub fn howmany_within_range_rows(first: usize, rows: Vec<Row>) -> (usize, Vec<u8>) {
    (first, rows.into_iter().map(|row| howmany_within_range(row, 4, 8)).collect())
}

/// One task per `chunk` rows; each callback fills the slots of its chunk.
pub fn count_in_chunks(pool: &Pool, data: &[Row], chunk: usize) -> Result<Vec<u8>, TaskError> {
    let results = Arc::new(Results::new(data.len()));
    for (number, rows) in data.chunks(chunk).enumerate() {
        let results = Arc::clone(&results);
        pool.apply_async(howmany_within_range_rows, (number * chunk, rows.to_vec()), move |result| {
            match result {
                Ok((first, counts)) => {
                    for (offset, count) in counts.into_iter().enumerate() {
                        results.collect_result(Ok((first + offset, count)));
                    }
                }
                Err(error) => results.collect_result(Err(TaskError { task: number, ..error })),
            }
        });
    }
    pool.join();
    results.counts()
}
// ANCHOR_END: chunked

/// Runs the loop and `apply_async` on both pools.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(&args.pool, args.chunk as usize, &[crate::compare::APPLY_ASYNC], common::print_each)
}

/// Flags of `apply-async`, and of `compare`, which runs it too.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// `--rows`, `--seed`, `--best-of`, `--workers`, `--timeline`.
    #[command(flatten)]
    pub pool: PoolArgs,
    /// Rows per task for apply-async (default 1, as in the original).
    #[arg(long, value_name = "N", default_value_t = 1, allow_negative_numbers = true, value_parser = common::parse_chunk)]
    pub chunk: u32,
}

/// The results, one slot per row, filled by the callbacks in any order.
#[derive(Debug)]
pub struct Results {
    slots: Vec<OnceLock<u8>>,
    /// The first failed task's error, if any.
    failed: Mutex<Option<TaskError>>,
}

impl Results {
    /// Empty slots for `rows` rows.
    pub fn new(rows: usize) -> Results {
        Results { slots: (0..rows).map(|_| OnceLock::new()).collect(), failed: Mutex::new(None) }
    }

    /// `collect_result(result)`: the callback. Puts the count in row `i`'s
    /// slot, or keeps the error.
    pub fn collect_result(&self, result: Result<(usize, u8), TaskError>) {
        match result {
            Ok((i, count)) => {
                // Each row has one task, so each slot is written once.
                let _ = self.slots[i].set(count);
            }
            Err(error) => {
                self.failed.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert(error);
            }
        }
    }

    /// The counts in row order, once every task is done; the first failed
    /// task's error, or the first row that got no count.
    pub fn counts(&self) -> Result<Vec<u8>, TaskError> {
        if let Some(error) = &*self.failed.lock().unwrap_or_else(PoisonError::into_inner) {
            return Err(error.clone());
        }
        let missing = |row| TaskError { task: row, message: "no count came back for this row".into() };
        self.slots
            .iter()
            .enumerate()
            .map(|(row, slot)| slot.get().copied().ok_or_else(|| missing(row)))
            .collect()
    }
}
