//! `cargo run -p pool -- <example>`: parses the flags and runs the example.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pool::{apply, apply_async, compare, dataframe, map, map_async, sequential, starmap, starmap_async};
use shared::cli::ColorArg;

/// Pools: every `multiprocessing.Pool` method on a table, with a pool built on
/// std threads and with rayon, and why parallel can be slower than a loop.
/// Without an example, runs `compare`.
#[derive(Parser)]
#[command(name = "pool", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// The plain loop: the baseline every method is timed against.
    Sequential(sequential::Args),
    /// One task per row, waited for: correct, and slower than the loop.
    Apply(apply::Args),
    /// Chunked parallel map, results in order.
    Map(map::Args),
    /// A function of several arguments per item.
    Starmap(starmap::Args),
    /// Results out of order, placed by index by a callback.
    ApplyAsync(apply_async::Args),
    /// Submit now, collect later.
    MapAsync(map_async::Args),
    /// Submit now, collect later, several arguments.
    StarmapAsync(starmap_async::Args),
    /// Every method on the same table: times, speed-ups, equal results (the default).
    Compare(compare::Args),
    /// A hypotenuse per row, per column and over the whole table, with rayon.
    Dataframe(dataframe::Args),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse_with_default("compare");
    cli.color.apply();
    match &cli.example {
        Example::Sequential(args) => sequential::run(args),
        Example::Apply(args) => apply::run(args),
        Example::Map(args) => map::run(args),
        Example::Starmap(args) => starmap::run(args),
        Example::ApplyAsync(args) => apply_async::run(args),
        Example::MapAsync(args) => map_async::run(args),
        Example::StarmapAsync(args) => starmap_async::run(args),
        Example::Compare(args) => compare::run(args),
        Example::Dataframe(args) => dataframe::run(args),
    }
}
