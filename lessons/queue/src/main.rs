//! `cargo run -p queue -- <example>`: parses the flags and runs the example.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use queue::{asyncq, threads};
use shared::cli::ColorArg;

/// Queues: producers put items in, consumers take them out, and closing the
/// queue tells the consumers that no more will come.
///
/// `asyncq` is the default: `queue -p 2 -c 3` runs `queue asyncq -p 2 -c 3`,
/// as the original's `asyncq.py -p 2 -c 3` does.
#[derive(Parser)]
#[command(name = "queue", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// Producer and consumer tasks around an async queue (the default).
    Asyncq(asyncq::Args),
    /// The same with OS threads and blocking calls on the same channel.
    Threads(threads::Args),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse_with_default("asyncq");
    cli.color.apply();
    match &cli.example {
        Example::Asyncq(args) => asyncq::run(args),
        Example::Threads(args) => threads::run(args),
    }
}
