//! `cargo run -p multiprocess -- <example>`: parses the flags and runs the
//! example, or, with a hidden subcommand, the child process of one.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use multiprocess::{continents, cpu_count, input_worker, pipe, square};
use shared::cli::ColorArg;

/// Processes: separate memory, real parallelism, and pipes between them.
#[derive(Parser)]
#[command(name = "multiprocess", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// Four child processes say their continent and pid; the parent waits for all.
    Continents(continents::Args),
    /// Child processes compute 2² and 4² and send the results back.
    Square(square::Args),
    /// How many processes can run in parallel here, and what limits it.
    CpuCount(cpu_count::Args),
    /// Numbers typed on stdin go to worker processes that sleep and write files
    /// (hardened; `--plain` runs the plain port).
    InputWorker(input_worker::Args),
    /// A million numbers through a pipe to a worker process, and their sum back.
    Pipe(pipe::Args),

    // The children: this binary started again by the examples above.
    #[command(hide = true)]
    ContinentsChild(continents::ChildArgs),
    #[command(hide = true)]
    SquareChild(square::ChildArgs),
    #[command(hide = true)]
    InputWorkerChild(input_worker::ChildArgs),
    #[command(hide = true)]
    PipeChild(pipe::ChildArgs),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    match &cli.example {
        Example::Continents(args) => continents::run(args),
        Example::Square(args) => square::run(args),
        Example::CpuCount(args) => cpu_count::run(args),
        Example::InputWorker(args) => input_worker::run(args),
        Example::Pipe(args) => pipe::run(args),
        Example::ContinentsChild(args) => continents::run_child(args),
        Example::SquareChild(args) => square::run_child(args),
        Example::InputWorkerChild(args) => input_worker::run_child(args),
        Example::PipeChild(args) => pipe::run_child(args),
    }
}
