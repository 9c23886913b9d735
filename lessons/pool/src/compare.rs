//! # `compare` (the default): every method on the same table
//!
//! Seed 003 §4–§6 show each `Pool` method in turn, on the same problem. This
//! module holds the lesson's one table of them, [`METHODS`]: a row per
//! Python method, naming its port on each pool, from which every method
//! example takes its own row. This example runs every row on the same
//! numbers, home-made pool and rayon, checks that every method counted
//! exactly what the sequential loop counted (the exit code is 1 if one did
//! not), and prints a table: each method, the Python original it ports, its
//! time, its speed against the loop, and what each of its tasks cost beyond
//! the counting.
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

use shared::compare::{Verdict, times};
use shared::println;

pub use crate::apply_async::Args;
use crate::common::{self, Measured, Method, Port, Tasks};
use crate::{apply, apply_async, map, map_async, starmap, starmap_async};

// ANCHOR: methods
/// Seed 003 §5–§6, one `Pool` method after another on the same `data`: the
/// one table of them, each row naming its example's port on the home-made
/// pool and on rayon. `compare` runs every row; each example runs its own.
pub const METHODS: [Method; 6] = [APPLY, MAP, STARMAP, APPLY_ASYNC, MAP_ASYNC, STARMAP_ASYNC];

/// `pool.apply(howmany_within_range, args=(row, 4, 8))` for every row.
pub const APPLY: Method = Method {
    example: "apply",
    python: "Pool.apply",
    tasks: Tasks::EachRow,
    home_made: Port {
        how: "pool.apply per row",
        count: |setup| apply::count_with_pool(&setup.pool, &setup.table),
    },
    rayon: Port {
        how: "pool.install per row",
        count: |setup| Ok(apply::count_with_rayon(&setup.rayon, &setup.table)),
    },
};

/// `pool.map(howmany_within_range_rowonly, [row for row in data])`.
pub const MAP: Method = Method {
    example: "map",
    python: "Pool.map",
    tasks: Tasks::DefaultChunks,
    home_made: Port { how: "pool.map", count: |setup| map::count_with_pool(&setup.pool, &setup.table) },
    rayon: Port {
        how: "par_iter().map().collect()",
        count: |setup| Ok(map::count_with_rayon(&setup.rayon, &setup.table)),
    },
};

/// `pool.starmap(howmany_within_range, [(row, 4, 8) for row in data])`.
pub const STARMAP: Method = Method {
    example: "starmap",
    python: "Pool.starmap",
    tasks: Tasks::DefaultChunks,
    home_made: Port {
        how: "pool.starmap",
        count: |setup| starmap::count_with_pool(&setup.pool, &setup.table),
    },
    rayon: Port {
        how: "par_iter() over tuples",
        count: |setup| Ok(starmap::count_with_rayon(&setup.rayon, &setup.table)),
    },
};

/// `pool.apply_async(howmany_within_range2, args=(i, row, 4, 8), callback=collect_result)`
/// for every row (or every `--chunk` rows).
pub const APPLY_ASYNC: Method = Method {
    example: "apply-async",
    python: "Pool.apply_async",
    tasks: Tasks::ChunkFlag,
    home_made: Port {
        how: "apply_async + callback",
        count: |setup| match setup.chunk {
            1 => apply_async::count_with_pool(&setup.pool, &setup.table),
            chunk => apply_async::count_in_chunks(&setup.pool, &setup.table, chunk),
        },
    },
    rayon: Port {
        how: "scope + spawn",
        count: |setup| apply_async::count_with_rayon(&setup.rayon, &setup.table, setup.chunk),
    },
};

/// `pool.map_async(howmany_within_range_rowonly, data)`, then `.get()`.
pub const MAP_ASYNC: Method = Method {
    example: "map-async",
    python: "Pool.map_async",
    tasks: Tasks::DefaultChunks,
    home_made: Port {
        how: "pool.map_async, then .get()",
        count: |setup| map_async::count_with_pool(&setup.pool, &setup.table, || {}),
    },
    rayon: Port {
        how: "pool.spawn + channel",
        count: |setup| Ok(map_async::count_with_rayon(&setup.rayon, &setup.table, || {})),
    },
};

/// `pool.starmap_async(howmany_within_range, [(row, 4, 8) for row in data])`, then `.get()`.
pub const STARMAP_ASYNC: Method = Method {
    example: "starmap-async",
    python: "Pool.starmap_async",
    tasks: Tasks::DefaultChunks,
    home_made: Port {
        how: "pool.starmap_async, then .get()",
        count: |setup| starmap_async::count_with_pool(&setup.pool, &setup.table, || {}),
    },
    rayon: Port {
        how: "pool.spawn + channel",
        count: |setup| Ok(starmap_async::count_with_rayon(&setup.rayon, &setup.table, || {})),
    },
};
// ANCHOR_END: methods

/// Runs every method, prints the table and the conclusions; fails if any
/// method's counts differ from the loop's.
pub fn run(args: &Args) -> ExitCode {
    common::run_example(&args.pool, args.chunk as usize, &METHODS, |setup, measured| {
        print_table(setup, measured);
        println!();
        print_conclusions(setup, measured);
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
        lines.push([
            result.method.example.into(),
            result.method.python.into(),
            result.runner.name().into(),
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
            println!("WRONG: {} on the {} pool: {problem}", result.method.python, result.runner.name());
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
            fastest.runner.name(),
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
            slowest.runner.name(),
            times(worst),
        );
    }
}
