//! `cargo run -p threading -- <example>`: parses the flags and runs the example.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shared::cli::ColorArg;
use threading::{cpu, deadlock, kitchen, race, send_sync, square_cube, thread_info};

/// Threads: shared memory, races, deadlocks, and real parallelism.
#[derive(Parser)]
#[command(name = "threading", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// Two threads print a square and a cube; main joins both, then `Done!`.
    SquareCube(square_cube::Args),
    /// Thread ids and squares; names, liveness, detached threads, scopes.
    ThreadInfo(thread_info::Args),
    /// Lost updates from load-then-store; fetch_add and Mutex count exactly.
    Race(race::Args),
    /// Two locks taken in opposite orders: detected, reported, fixed.
    Deadlock(deadlock::Args),
    /// One cook against several: every dish once, and the overlap.
    Kitchen(kitchen::Args),
    /// Counting primes on 1 thread and on N: the speed-up, measured.
    Cpu(cpu::Args),
    /// Why an Rc cannot cross to another thread and an Arc can: Send and Sync.
    SendSync(send_sync::Args),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    match &cli.example {
        Example::SquareCube(args) => square_cube::run(args),
        Example::ThreadInfo(args) => thread_info::run(args),
        Example::Race(args) => race::run(args),
        Example::Deadlock(args) => deadlock::run(args),
        Example::Kitchen(args) => kitchen::run(args),
        Example::Cpu(args) => cpu::run(args),
        Example::SendSync(args) => send_sync::run(args),
    }
}
