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
#[command(name = "queue", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    /// The flags of `asyncq`, for running it without naming it.
    #[command(flatten)]
    default: asyncq::Args,

    #[command(subcommand)]
    example: Option<Example>,
}

#[derive(Subcommand)]
enum Example {
    /// Producer and consumer tasks around an async queue (the default).
    Asyncq(asyncq::Args),
    /// The same with OS threads and blocking calls on the same channel.
    Threads(threads::Args),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    match &cli.example {
        None => asyncq::run(&cli.default),
        Some(Example::Asyncq(args)) => asyncq::run(args),
        Some(Example::Threads(args)) => threads::run(args),
    }
}
