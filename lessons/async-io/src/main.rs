//! `cargo run -p async-io -- <example>`: parses the flags and runs the example.

use std::process::ExitCode;

use async_io::{chain, chess, count, input_worker, rand, read_file, stream};
use clap::{Parser, Subcommand};
use shared::cli::CommonArgs;

/// Async IO: many tasks share one thread, taking turns at every `.await`.
#[derive(Parser)]
#[command(name = "async-io", version)]
struct Cli {
    #[command(flatten)]
    common: CommonArgs,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// `One` ×3 then `Two` ×3 in 1 s; `--sync` and `--blocking` take 3 s.
    Count(count::Args),
    /// Three colored tasks retry random numbers until one beats their threshold.
    Rand(rand::Args),
    /// part1 then part2 per input; the chains overlap, so the longest one sets the total.
    Chain(chain::Args),
    /// An async function reads demo.txt between `hello` and `world`.
    ReadFile(read_file::Args),
    /// Async generators, `while let` and comprehensions; `buffer_unordered` for concurrency.
    Stream(stream::Args),
    /// Judit Polgár plays 24 boards: 12 h one game at a time, 1:00:55 table to table.
    Chess(chess::Args),
    /// Type numbers while a worker task sleeps and writes files.
    InputWorker(input_worker::Args),
}

fn main() -> ExitCode {
    let Cli { common, example } = Cli::parse();
    // `chess` plays 12 simulated hours: it is on the virtual clock unless `--realtime`.
    let clock = match &example {
        Example::Chess(args) => args.clock(common.clock()),
        _ => common.clock(),
    };
    shared::launch(&common, clock, |context| async move {
        match example {
            Example::Count(args) => _ = count::run(&args, &context).await,
            Example::Rand(args) => _ = rand::run(&args, &context).await,
            Example::Chain(args) => _ = chain::run(&args, &context).await,
            Example::ReadFile(args) => _ = read_file::run(&args, &context).await,
            Example::Stream(args) => _ = stream::run(&args, &context).await,
            Example::Chess(args) => _ = chess::run(&args, &context).await?,
            Example::InputWorker(args) => _ = input_worker::run(&args, &context).await?,
        }
        Ok(())
    })
}
