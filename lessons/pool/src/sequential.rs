//! # `sequential`: the plain loop, the baseline
//!
//! Ports seed 003 §4, "Solution without parallelization": call
//! `howmany_within_range` on every row, one after another, on the main
//! thread. Every other method of the lesson is timed against this loop and
//! must count exactly what it counts.

use std::process::ExitCode;

use shared::cli::TimelineArg;
use shared::{println, span};

use crate::common::{self, TableArgs};
use crate::table::{Row, howmany_within_range};
use shared::progress::Progress;

// ANCHOR: port
/// `for row in data: results.append(howmany_within_range(row, minimum=4, maximum=8))`
pub fn count(data: &[Row]) -> Vec<u8> {
    let mut results = Vec::with_capacity(data.len()); // one allocation: we know how many

    for &row in data {
        results.push(howmany_within_range(row, 4, 8));
    }
    results
}
// ANCHOR_END: port

/// Runs the loop and prints its time and first ten counts.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.table.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    shared::run_blocking(common::options(args.timeline, "The sequential loop, on the main thread"), || {
        let progress = Progress::start("starting");
        let table = common::make_table(&args.table, &progress);
        progress.step("sequential", None, || 0);
        let mut first = None;
        let time = common::best_of(
            args.table.best_of,
            || span(0, "main").in_scope(|| count(&table)),
            |counts| {
                // The first run's counts are kept; a later run's are freed here.
                first.get_or_insert(counts);
            },
        );
        let results = first.unwrap_or_default();
        progress.finish();
        println!(
            "sequential loop: {}{}",
            shared::timing::duration(time),
            common::runs_note(args.table.best_of)
        );
        println!("  first ten counts: {:?}", &results[..results.len().min(10)]);
        if let Some(each) = shared::timing::duration_each(time, table.len() as u64) {
            println!("  {each} per row, on one thread.");
        }
        Ok(())
    })
}

/// Flags of `sequential`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// `--rows`, `--seed`.
    #[command(flatten)]
    pub table: TableArgs,
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,
}
