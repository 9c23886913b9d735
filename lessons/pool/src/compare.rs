//! # `compare` (the default): every method on the same table
//!
//! Seed 003 §4–§6 show each `Pool` method in turn, on the same problem. This
//! example runs them all on one table, home-made pool and rayon, checks that
//! every method counted exactly what the sequential loop counted (the exit
//! code is 1 if one did not), and prints a table: each method, the Python
//! original it ports, its time, its speed against the loop, and what each
//! of its tasks cost beyond the counting.
//!
//! The lesson of the table: a pool pays for every task it hands out, a few
//! microseconds here (a queue, a woken thread, a channel back), and counting
//! a row takes nanoseconds. Methods that send a task per row (`apply`,
//! `apply-async`) lose to the loop by orders of magnitude; methods that send
//! a few large chunks (`map`, `starmap` and their async forms) pay the cost a
//! few dozen times and can use every core. The conclusions printed under the
//! table are computed from the measurements of the run, so they hold for
//! any `--rows`, `--workers` and machine.

use std::process::ExitCode;

use shared::cli::TimelineArg;
use shared::compare::{Verdict, times};
use shared::println;

use crate::common::{self, Measured, Method, TableArgs, WorkersArg};
use shared::progress::Progress;

/// Flags of `compare`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// `--rows`, `--seed`.
    #[command(flatten)]
    pub table: TableArgs,
    /// `--workers`.
    #[command(flatten)]
    pub workers: WorkersArg,
    /// Rows per task for apply-async (default 1, as in the original).
    #[arg(long, value_name = "N", default_value_t = 1, allow_negative_numbers = true, value_parser = common::parse_chunk)]
    pub chunk: u32,
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,
}

/// Every method of the lesson, in the order of the seed.
pub fn methods() -> Vec<Method> {
    [
        &crate::apply::METHODS[..],
        &crate::map::METHODS,
        &crate::starmap::METHODS,
        &crate::apply_async::METHODS,
        &crate::map_async::METHODS,
        &crate::starmap_async::METHODS,
    ]
    .concat()
}

/// Runs every method, prints the table and the conclusions; fails if any
/// method's counts differ from the loop's.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.table.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    shared::run_blocking(common::options(args.timeline, "The loop, then every method"), || {
        let progress = Progress::start("starting");
        let mut setup = common::Setup::new(&args.table, args.workers, args.chunk as usize, &progress)?;
        let measured = common::measure_all(&methods(), &mut setup, &progress);
        progress.finish();
        println!();
        print_table(&setup, &measured);
        println!();
        print_conclusions(&setup, &measured);
        common::check_all(&measured)
    })
}

/// The table: one line per method, the loop first.
fn print_table(setup: &common::Setup, measured: &[Measured]) {
    let heading = ["method", "Python original", "pool", "tasks", "time", "speed-up", "overhead per task"];
    let mut lines = vec![heading.map(String::from)];
    lines.push([
        "sequential".into(),
        "plain loop".into(),
        "main thread".into(),
        "—".into(),
        shared::timing::duration(setup.sequential),
        if setup.table.is_empty() { "—".into() } else { "1×".into() },
        "—".into(),
    ]);
    for result in measured {
        let method = &result.method;
        lines.push([
            method.example.into(),
            method.python.into(),
            method.runner.name().into(),
            result.tasks.map_or("rayon's".into(), |tasks| shared::timing::thousands(tasks as u64)),
            shared::timing::duration(result.time),
            result.against_loop(setup).cell(),
            result.overhead_per_task(setup).map_or("—".into(), shared::timing::duration),
        ]);
    }
    let widths: Vec<usize> = (0..heading.len())
        .map(|column| lines.iter().map(|line| line[column].chars().count()).max().unwrap_or(0))
        .collect();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, &width))| {
                // Numbers line up on the right, words on the left.
                if column >= 3 { format!("{cell:>width$}") } else { format!("{cell:<width$}") }
            })
            .collect();
        println!("{}", cells.join("  ").trim_end());
    }
}

/// What the table shows, in words that hold for these measurements.
fn print_conclusions(setup: &common::Setup, measured: &[Measured]) {
    let rows = setup.table.len();
    let wrong = measured.iter().filter(|result| result.check.is_err()).count();
    if wrong == 0 {
        println!(
            "Every method counted what the loop counted ({} each); the first ten: {:?}.",
            shared::timing::plural_thousands(rows as u64, "count", "counts"),
            &setup.expected[..rows.min(10)]
        );
    }
    for result in measured.iter().filter(|result| result.check.is_err()) {
        if let Err(problem) = &result.check {
            println!(
                "WRONG: {} on the {} pool: {problem}",
                result.method.python,
                result.method.runner.name()
            );
        }
    }
    println!(
        "speed-up: the loop's time divided by the method's (below 1×: slower than the loop; too short: a \
         time under {}, where the noise is as large as the work). overhead per task: the time above the \
         loop's, divided by the tasks handed to the pool; — where the method was not slower than the loop, \
         the times were too short, or rayon split the work itself.",
        shared::timing::duration(common::FLOOR)
    );
    let verdicts: Vec<(&Measured, Verdict)> =
        measured.iter().map(|result| (result, result.against_loop(setup))).collect();
    if rows == 0 {
        println!("The table has no rows: nothing to compare.");
        return;
    }
    if verdicts.iter().any(|(_, verdict)| verdict.ratio().is_none()) {
        println!(
            "Some times are under {}: too short to compare, so no method is named fastest or slowest. Try \
             more --rows.",
            shared::timing::duration(common::FLOOR)
        );
        return;
    }
    let timed: Vec<(&Measured, f64)> =
        verdicts.iter().filter_map(|(result, verdict)| Some((*result, verdict.ratio()?))).collect();
    let Some(&(fastest, best)) = timed.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
        println!("No method ran: nothing to compare.");
        return;
    };
    let &(slowest, worst) = timed.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or(&(fastest, best));
    if best > 1.0 {
        println!(
            "Fastest: {} on the {} pool, {} the loop's speed with {}.",
            fastest.method.python,
            fastest.method.runner.name(),
            times(best),
            shared::timing::plural_thousands(setup.workers() as u64, "worker", "workers")
        );
    } else {
        println!(
            "No method beat the loop here ({}, {}): a pool's cost per task was more than the counting it \
             shared out.",
            shared::timing::plural_thousands(rows as u64, "row", "rows"),
            shared::timing::plural_thousands(setup.workers() as u64, "worker", "workers")
        );
    }
    if worst < 1.0 {
        let tasks = slowest.tasks.map_or(String::new(), |tasks| {
            format!(
                ", {} for {}",
                shared::timing::plural_thousands(tasks as u64, "task", "tasks"),
                shared::timing::plural_thousands(rows as u64, "row", "rows")
            )
        });
        let overhead = slowest.overhead_per_task(setup).map_or(String::new(), |overhead| {
            format!("; each task cost {} beyond the counting", shared::timing::duration(overhead))
        });
        println!(
            "Slowest: {} on the {} pool, {} the loop's speed{tasks}{overhead}.",
            slowest.method.python,
            slowest.method.runner.name(),
            times(worst),
        );
    }
}
