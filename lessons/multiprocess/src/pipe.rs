//! # `pipe`: how fast two processes can talk
//!
//! Seed 000's `multiprocessing.Queue` carries numbers from the parent to a
//! worker process. How many can it carry? Here the parent sends the numbers
//! `1..=N` (`--count N`, a million by default) through the pipe to one
//! worker process, one typed message per number, and the worker sends back
//! their sum, which the parent checks: a sum that is right means that every
//! number arrived, once.
//!
//! Every message is a line of JSON, `{"n":1}`, written and flushed on its
//! own: a system call per number, and two conversions (to text and back).
//! That is the plain version, the one to read first. `--tuned`
//! ([`crate::pipe_tuned`]) sends the same numbers,
//! [`BATCH`](crate::pipe_tuned::BATCH) per message; the benchmark (`docs/benchmarks.md`) measures both against Python's
//! `multiprocessing.Queue`.

use std::io;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shared::cli::NoInstantArg;
use shared::process::{Parent, Worker, spawn_worker};
use shared::timing::plural;
use shared::{Failure, Options, println, span};

use crate::message;
use crate::pipe_tuned;

// ANCHOR: port
/// The parent's side: sends `1..=count` to the worker, one message each,
/// says that is all, and waits for its answer.
pub fn send_numbers(worker: &mut Worker, count: u64) -> io::Result<()> {
    for n in 1..=count {
        message::send(worker, &Number { n })?;
    }
    worker.finish_input()
}

/// The worker's side: adds up every number until the parent's `#end`.
pub fn add_up(parent: &Parent) -> Result<Sum, message::BadMessage> {
    let mut total = Sum { count: 0, sum: 0 };
    while let Some(line) = parent.recv() {
        let Number { n } = message::decode(&line)?;
        total.count += 1;
        total.sum += n;
    }
    Ok(total)
}
// ANCHOR_END: port

/// The hidden subcommand the worker runs.
pub const CHILD: &str = "pipe-child";

/// The most numbers `--count` accepts: their sum still fits a `u64` many
/// times over, and the run stays under a minute or so.
pub const MAX_COUNT: u64 = 100_000_000;

/// Flags of `pipe`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// How many numbers to send (1..=N).
    #[arg(long, value_name = "N", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u64).range(1..=MAX_COUNT))]
    pub count: u64,

    /// Send the numbers in batches (pipe_tuned.rs), not one message each.
    #[arg(long)]
    pub tuned: bool,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Flags of the hidden `pipe-child`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct ChildArgs {
    /// The numbers come in batches.
    #[arg(long)]
    pub tuned: bool,
}

/// Parent → worker: one number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Number {
    /// The number.
    pub n: u64,
}

/// Worker → parent: what arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sum {
    /// How many numbers.
    pub count: u64,
    /// Their sum.
    pub sum: u64,
}

/// The shortest run whose rate the example states. The time runs from the
/// worker's start, which takes about 2 ms: a run not several times longer
/// measures the start, not the pipe (one number "at 0.00 M numbers/s"). A
/// million numbers take 40 ms tuned in a release build, well above it.
pub const RATE_FLOOR: Duration = Duration::from_millis(10);

/// Starts the worker, sends the numbers (plain or tuned), and reads the
/// answer: what arrived, and how long from the first number to the answer.
pub fn main(count: u64, tuned: bool) -> Result<(Sum, Duration), Failure> {
    let failed = |what: &str, error: &dyn std::fmt::Display| Failure::new(format!("{what}: {error}"));
    let mut worker = spawn_worker(CHILD, if tuned { &["--tuned"][..] } else { &[] })
        .map_err(|error| failed("cannot start the worker process", &error))?;
    let pid = worker.pid();
    let mut answers = worker.lines();
    let started = Instant::now();
    let sent = match tuned {
        false => send_numbers(&mut worker, count),
        true => pipe_tuned::send_numbers(&mut worker, count),
    };
    let answer = answers.next();
    let elapsed = started.elapsed();
    let status = worker.wait().map_err(|error| failed("cannot wait for the worker", &error))?;
    sent.map_err(|error| failed(&format!("cannot send to the worker (pid {pid}, {status})"), &error))?;
    let line = match answer {
        Some(Ok(line)) => line,
        Some(Err(error)) => return Err(failed("cannot read the worker's answer", &error)),
        None => {
            return Err(Failure::new(format!("the worker (pid {pid}) ended without an answer ({status})")));
        }
    };
    let sum: Sum = message::decode(&line).map_err(|bad| failed("the worker's answer", &bad))?;
    Ok((sum, elapsed))
}

/// The worker process's side: [`add_up`] (or its tuned twin) in its span,
/// and the answer sent back.
pub fn run_child(args: &ChildArgs) -> ExitCode {
    shared::run_blocking(Options::new(), || {
        let parent = Parent::connect();
        let total = span(1, "worker: add up")
            .in_scope(|| if args.tuned { pipe_tuned::add_up(&parent) } else { add_up(&parent) })
            .map_err(|bad| Failure::new(format!("worker: {bad}")))?;
        message::reply(&total).map_err(|error| Failure::new(format!("worker: cannot answer: {error}")))
    })
}

/// Runs the example: sends, checks the sum, prints the rate.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(crate::continents::NO_INSTANT) {
        return code;
    }
    shared::run_blocking(Options::new(), || {
        let way = if args.tuned {
            format!("in batches of {}", pipe_tuned::BATCH)
        } else {
            "one message each".to_string()
        };
        let numbers = |count: u64| plural(count, "number", "numbers");
        println!("Sending {} (1 to {}) to a worker process, {way}...", numbers(args.count), args.count);
        let (total, elapsed) = main(args.count, args.tuned)?;
        let expected = Sum { count: args.count, sum: args.count * (args.count + 1) / 2 };
        println!("The worker got {}, adding up to {}.", numbers(total.count), total.sum);
        if total != expected {
            return Err(Failure::new(format!(
                "expected {} numbers summing to {}: numbers were lost or repeated",
                expected.count, expected.sum
            )));
        }
        let rate = match shared::compare::rate(args.count, elapsed, RATE_FLOOR) {
            Ok(per_second) => format!("{} M numbers/s", shared::compare::millions(per_second, 2)),
            Err(why) => why,
        };
        println!("pipe: {} in {}: {rate}", numbers(args.count), shared::timing::duration(elapsed));
        Ok(())
    })
}
