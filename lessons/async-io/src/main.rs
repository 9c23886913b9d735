//! `cargo run -p async-io -- <example>`: parses the flags and runs the example.

use std::process::ExitCode;

use async_io::{chain, chat, chess, count, input_worker, rand, read_file, runtime, select, stream};
use clap::{Parser, Subcommand};
use shared::cli::ColorArg;

/// Async IO: many tasks share one thread, taking turns at every `.await`.
#[derive(Parser)]
#[command(name = "async-io", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

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
    /// Async generators and comprehensions; `buffer_unordered` for concurrency.
    Stream(stream::Args),
    /// Judit Polgár plays 24 boards: 12 h one game at a time, 1:00:55 table to table.
    Chess(chess::Args),
    /// The same tasks on one thread and on a thread per core; why spawn wants Send + 'static.
    Runtime(runtime::Args),
    /// select!: a timeout cancels by dropping; what is lost, and the mutex to hold across .await.
    Select(select::Args),
    /// A chat server on real sockets (loopback by default), and its client (--connect).
    Chat(chat::Args),
    /// Type numbers while a worker task sleeps and writes files (`--plain`: the bare port).
    InputWorker(input_worker::Args),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    match &cli.example {
        Example::Count(args) => count::run(args),
        Example::Rand(args) => rand::run(args),
        Example::Chain(args) => chain::run(args),
        Example::ReadFile(args) => read_file::run(args),
        Example::Stream(args) => stream::run(args),
        Example::Chess(args) => chess::run(args),
        Example::Runtime(args) => runtime::run(args),
        Example::Select(args) => select::run(args),
        Example::Chat(args) => chat::run(args),
        Example::InputWorker(args) => input_worker::run(args),
    }
}
