//! `cargo run -p coroutine -- <example>`: parses the flags and runs the example.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use coroutine::{event_loop, generator, hand_polled, print_name};
use shared::cli::ColorArg;

/// Coroutines: functions that pause, futures polled by hand, and an event loop from scratch.
#[derive(Parser)]
#[command(name = "coroutine", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,

    #[command(subcommand)]
    example: Example,
}

#[derive(Subcommand)]
enum Example {
    /// The prefix-filter coroutine as the state machine it is: prime, send, close.
    PrintName(print_name::Args),
    /// An Iterator: a function that pauses at each value and keeps its locals.
    Generator(generator::Args),
    /// A Future written and polled by hand, no runtime; .await passes Pending up.
    HandPolled(hand_polled::Args),
    /// An event loop from scratch, std only; the same count() on it and on tokio.
    EventLoop(event_loop::Args),
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    match &cli.example {
        Example::PrintName(args) => print_name::run(args),
        Example::Generator(args) => generator::run(args),
        Example::HandPolled(args) => hand_polled::run(args),
        Example::EventLoop(args) => event_loop::run(args),
    }
}
