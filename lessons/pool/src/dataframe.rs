//! # `dataframe`: a hypotenuse per row, per column, and over the whole table
//!
//! Ports seed 003 §7, "How to parallel a pandas data frame?": a table of two
//! columns of whole numbers from 3 to 9, and the hypotenuse `√(a² + b²)` of
//! each row, computed in parallel three ways, as the original does with
//! pandas, `multiprocessing` and `pathos`:
//!
//! - **row-wise**: each row is an item of a parallel map (the original:
//!   `pool.imap(hypotenuse, df.itertuples(name=None), chunksize=10)`);
//! - **column-wise**: each column is one task, which squares its numbers;
//!   then each row adds its two squares and takes the root (the original
//!   maps `sum_of_squares` over `df.iteritems()`);
//! - **the whole table**: the table is cut into one piece per worker, each
//!   piece is one task, and the results are joined back in order (the
//!   original: `np.array_split`, `pathos`' `ProcessingPool.map`,
//!   `np.vstack`).
//!
//! A data frame here is what it is underneath: a column is a `Vec`, and a
//! table is its columns side by side. rayon is the pool.
//!
//! **What the original got wrong.** Its `hypotenuse(row)` reads `row[1]` and
//! `row[2]` because `itertuples` puts the index first, and rounds the sum of
//! squares (`round(row[1]**2 + row[2]**2, 2)**0.5`), which are whole numbers
//! anyway, instead of the root. Its column-wise function sums each column's
//! squares, which is no hypotenuse at all. Its whole-table function returns
//! each piece's `df.shape`: it shows that pieces travel to the workers, and
//! computes nothing. `df.iteritems()` no longer exists in pandas 2. And it
//! needs `pathos` because `pickle` cannot send what its pool must send to
//! another process; threads share memory, so nothing is sent here at all.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use rand::RngExt;
use rayon::prelude::*;
use shared::cli::{NoInstantArg, SeedArg};
use shared::compare::{Verdict, times};
use shared::println;

use crate::common::{self, WorkersArg};

// ANCHOR: hypotenuse
/// `hypotenuse(row)`: √(a² + b²) of one row.
pub fn hypotenuse(a: f64, b: f64) -> f64 {
    (a * a + b * b).sqrt()
}
// ANCHOR_END: hypotenuse

/// The loop: one row after another, on this thread.
pub fn sequential(frame: &Frame) -> Vec<f64> {
    frame.a.iter().zip(&frame.b).map(|(&a, &b)| hypotenuse(a, b)).collect()
}

// ANCHOR: ways
/// Row-wise: every row an item of a parallel map.
pub fn row_wise(frame: &Frame) -> Vec<f64> {
    frame.a.par_iter().zip(&frame.b).map(|(&a, &b)| hypotenuse(a, b)).collect()
}

/// Column-wise: one task per column squares its numbers; then each row adds
/// its two squares and takes the root.
pub fn column_wise(frame: &Frame) -> Vec<f64> {
    let squares = |column: &[f64]| column.iter().map(|&n| n * n).collect::<Vec<f64>>();
    let (a2, b2) = rayon::join(|| squares(&frame.a), || squares(&frame.b));
    a2.par_iter().zip(&b2).map(|(&a2, &b2)| (a2 + b2).sqrt()).collect()
}

/// The whole table: cut into `pieces` pieces of rows, one task each, the
/// results joined back in order (`np.array_split`, `pool.map`, `np.vstack`).
pub fn whole_table(frame: &Frame, pieces: usize) -> Vec<f64> {
    let piece_rows = frame.len().div_ceil(pieces.max(1)).max(1);
    let results: Vec<Vec<f64>> = frame
        .a
        .par_chunks(piece_rows)
        .zip(frame.b.par_chunks(piece_rows))
        .map(|(a, b)| a.iter().zip(b).map(|(&a, &b)| hypotenuse(a, b)).collect())
        .collect();
    results.concat()
}
// ANCHOR_END: ways

/// A table of two columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// The first column.
    pub a: Vec<f64>,
    /// The second column.
    pub b: Vec<f64>,
}

impl Frame {
    /// `rows` rows of whole numbers from 3 to 9, drawn in blocks of
    /// [`crate::table::BLOCK_ROWS`] from `seed`, like the lesson's table.
    pub fn random(seed: u64, rows: usize) -> Frame {
        let mut frame = Frame { a: Vec::with_capacity(rows), b: Vec::with_capacity(rows) };
        for start in (0..rows).step_by(crate::table::BLOCK_ROWS) {
            let mut rng = shared::random::rng(seed, (start / crate::table::BLOCK_ROWS) as u64);
            for _ in start..(start + crate::table::BLOCK_ROWS).min(rows) {
                frame.a.push(f64::from(rng.random_range(3..10u8)));
                frame.b.push(f64::from(rng.random_range(3..10u8)));
            }
        }
        frame
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.a.len()
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.a.is_empty()
    }
}

/// Times the loop and the three ways on rayon's pool; fails if a way's
/// results differ from the loop's.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    shared::run_blocking(shared::Options::new(), || {
        let made = Instant::now();
        let frame = Frame::random(args.seed.seed, args.rows as usize);
        println!(
            "Data frame: {} × 2 columns of whole numbers from 3 to 9, seed {} (made in {}, before any timing).",
            shared::timing::plural_thousands(frame.len() as u64, "row", "rows"),
            args.seed.seed,
            shared::timing::duration(made.elapsed())
        );
        let workers = args.workers.workers();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()
            .map_err(|error| shared::Failure::new(format!("cannot start rayon's pool: {error}")))?;
        println!(
            "The hypotenuse of each row, √(a² + b²), on rayon's pool of {}:\n",
            shared::timing::plural_thousands(workers as u64, "thread", "threads")
        );
        let (expected, loop_time) = timed(|| sequential(&frame));
        print_way("sequential loop", loop_time, None, &expected, Ok(()));
        let ways: [(&str, &(dyn Fn() -> Vec<f64> + Sync)); 3] = [
            ("row-wise", &|| row_wise(&frame)),
            ("column-wise", &|| column_wise(&frame)),
            ("whole table", &|| whole_table(&frame, workers)),
        ];
        let mut wrong = Vec::new();
        for (name, way) in ways {
            let (results, time) = timed(|| pool.install(way));
            let check = if results == expected { Ok(()) } else { Err(()) };
            if check.is_err() {
                wrong.push(name);
            }
            print_way(name, time, Some(loop_time), &results, check);
        }
        if wrong.is_empty() {
            println!(
                "\nEvery way computed exactly the loop's numbers, bit for bit: the same operations on the same values."
            );
            Ok(())
        } else {
            Err(shared::Failure::new(format!(
                "these ways did not compute the loop's numbers: {}",
                wrong.join(", ")
            )))
        }
    })
}

/// Rows in the frame when `--rows` is not given.
pub const DEFAULT_ROWS: u32 = 200_000;

/// Flags of `dataframe`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// Rows in the frame, each two numbers from 3 to 9 (at most 20,000,000:
    /// about 1 GB at that size).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ROWS, allow_negative_numbers = true, value_parser = common::parse_frame_rows)]
    pub rows: u32,
    /// `--workers`.
    #[command(flatten)]
    pub workers: WorkersArg,
    /// `--seed`.
    #[command(flatten)]
    pub seed: SeedArg,
    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let result = work();
    (result, started.elapsed())
}

fn print_way(
    name: &str,
    time: Duration,
    loop_time: Option<Duration>,
    results: &[f64],
    check: Result<(), ()>,
) {
    let pace = match loop_time.map(|loop_time| common::against_loop(loop_time, time, results.len()).verdict())
    {
        Some(Verdict::Ratio(speed_up)) => format!(", {} the loop's speed", times(speed_up)),
        Some(Verdict::TooShort { floor }) => {
            format!(", too short to compare with the loop (under {})", shared::timing::duration(floor))
        }
        Some(Verdict::NothingToCompare) | None => String::new(),
    };
    let first: Vec<String> = results.iter().take(5).map(|value| format!("{value:.2}")).collect();
    let verdict = if check.is_ok() { "" } else { "  WRONG: differs from the loop" };
    println!(
        "{name:<16}{:>9}{pace}\n  first five: [{}]{verdict}",
        shared::timing::duration(time),
        first.join(", ")
    );
}
