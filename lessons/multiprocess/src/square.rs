//! # `square`: results back from child processes
//!
//! Ports seed 004, "Multi Processing": `square(n)` run in two processes,
//! `p1` with 2 and `p2` with 4; the parent starts both, joins both, and
//! prints their pids.
//!
//! The original computes `n**2` in each child and throws it away: a
//! `Process` has no return value, and the child's memory, where the result
//! is, goes with the child. To get a result back, a child has to *send* it.
//! Here each child sends a typed message ([`Squared`]) through the pipe to
//! its parent, and the parent prints the pids **and** the results.
//!
//! `square N…` squares other numbers, one child each (at most
//! [`MAX_CHILDREN`]): the benchmark starts a hundred. At most [`AT_ONCE`]
//! run at the same time: each running child holds two of the parent's open
//! files (its pipes), and a process may have only so many open (`ulimit
//! -n`: 256 by default on macOS, 1024 on most Linux). Past that, the parent
//! joins the oldest child before it starts the next: join as you go.

use std::collections::VecDeque;
use std::io;
use std::process::ExitCode;

use serde::{Deserialize, Serialize};
use shared::cli::{NoInstantArg, TimelineArg};
use shared::{Failure, Options, println, span};

use crate::message::{self, Child, Joined};

// ANCHOR: port
/// `def square(n: int) -> int`, run in the child.
pub fn square(n: u32) -> u64 {
    u64::from(n).pow(2)
}

/// The notebook's cells for any numbers: start a child per number, join
/// them all, and keep what each one sent.
pub fn main(numbers: &[u32]) -> io::Result<Vec<Joined<Squared>>> {
    let mut procs = VecDeque::new();
    let mut joined = Vec::new();
    for (row, n) in numbers.iter().enumerate() {
        let args = [n.to_string(), "--row".into(), row.to_string()];
        if procs.len() == AT_ONCE {
            joined.extend(procs.pop_front().map(Child::join)); // New! join as you go
        }
        let proc = loop {
            match Child::start(CHILD, &args) {
                Ok(proc) => break proc, // p.start()
                // New! No room for one more (open files, processes): wait
                // for the oldest to end, then try again.
                Err(_) if !procs.is_empty() => joined.extend(procs.pop_front().map(Child::join)),
                Err(error) => return Err(error),
            }
        };
        procs.push_back(proc);
    }
    joined.extend(procs.into_iter().map(Child::join)); // p.join()
    Ok(joined)
}

/// The child's answer: `square(n)`, sent to the parent.
pub fn answer(n: u32) -> io::Result<()> {
    message::reply(&Squared { n, square: square(n), pid: std::process::id() })
}
// ANCHOR_END: port

/// The hidden subcommand a child runs.
pub const CHILD: &str = "square-child";

/// The most numbers, so the most child processes, one run starts.
pub const MAX_CHILDREN: usize = 1000;

/// The most children running at once: their 200 pipes fit under an
/// open-file limit of 256 (see the module docs).
pub const AT_ONCE: usize = 100;

/// Flags of `square`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The numbers to square, one child process each (at most 1000; at most
    /// 100 run at once, so that their pipes fit an open-file limit of 256).
    #[arg(value_name = "N", default_values_t = [2, 4], num_args = 1..=MAX_CHILDREN)]
    pub numbers: Vec<u32>,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Flags of the hidden `square-child`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct ChildArgs {
    /// The number to square.
    pub n: u32,

    /// The chart row of this child.
    #[arg(long, default_value_t = 0)]
    pub row: usize,
}

/// What a child sends back: the result the original throws away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Squared {
    /// The number it was given.
    pub n: u32,
    /// `n²` (a `u32` squared always fits a `u64`).
    pub square: u64,
    /// The child's own process id.
    pub pid: u32,
}

/// The child's side: [`answer`] in its span, under its own launcher.
pub fn run_child(args: &ChildArgs) -> ExitCode {
    shared::run_blocking(Options::new(), || {
        span(args.row, format!("square({})", args.n))
            .in_scope(|| answer(args.n))
            .map_err(|error| Failure::new(format!("cannot answer the parent: {error}")))
    })
}

/// Runs the example: each child's pid and result, then any failure.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(crate::continents::NO_INSTANT) {
        return code;
    }
    shared::run_blocking(Options::new().footer("square executed in").timeline(args.timeline), || {
        let children = main(&args.numbers)
            .map_err(|error| Failure::new(format!("cannot start a child process: {error}")))?;
        let outcome = message::report(&children);
        println!(
            "The parent (pid {}) joined {}.",
            std::process::id(),
            shared::timing::plural(children.len() as u64, "child", "children")
        );
        outcome
    })
}

impl std::fmt::Display for Squared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {}: square({}) = {}", self.pid, self.n, self.square)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squares_of_the_largest_u32_fit() {
        assert_eq!(square(2), 4);
        assert_eq!(square(u32::MAX), 18_446_744_065_119_617_025);
    }
}
