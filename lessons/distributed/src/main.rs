//! `cargo run -p distributed -- <example>`: parses the flags and runs the
//! example, or, with a hidden subcommand, one of `demo`'s worker processes
//! or the guard of its private `redis-server`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use distributed::{demo, enqueue, server, status, worker};
use shared::cli::ColorArg;

/// A job queue on a real Redis server, like RQ: enqueue jobs, run workers on
/// any machine that reaches the server, and lose nothing.
#[derive(Parser)]
#[command(name = "distributed", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// Put jobs in a Redis queue; print their ids.
    Enqueue(enqueue::Args),
    /// Take jobs, run them, store results; --burst ends when the queue is empty.
    Worker(worker::Args),
    /// Counts by status, the latest failures, and a job's result.
    Status(status::Args),
    /// Enqueue a batch, start worker processes, check the results, print throughput.
    Demo(demo::Args),

    // `demo`'s worker processes: this binary started again.
    #[command(hide = true)]
    WorkerChild(demo::child::ChildArgs),

    // `demo`'s private redis-server's guard: this binary started again.
    #[command(hide = true)]
    ServerGuard(server::GuardArgs),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    match &cli.example {
        Example::Enqueue(args) => enqueue::run(args),
        Example::Worker(args) => worker::run(args),
        Example::Status(args) => status::run(args),
        Example::Demo(args) => demo::run(args),
        Example::WorkerChild(args) => demo::child::run(args),
        Example::ServerGuard(args) => server::run_guard(args),
    }
}
