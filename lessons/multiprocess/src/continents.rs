//! # `continents`: four child processes
//!
//! Ports seed 003 §1, "Multiple Processes": `print_func(continent='Asia')`
//! run in four child processes, one started without an argument (so it
//! prints the default, `Asia`) and three with `America`, `Europe`,
//! `Africa`; the parent waits for all of them.
//!
//! Python's `Process(target=print_func)` runs a function of the parent's
//! program in a new process. Rust has no interpreter to copy, so a child is
//! this program started again with a hidden subcommand
//! (`continents-child [CONTINENT]`), whose default argument is `Asia`, as
//! `print_func`'s is. The child prints its own line, with its pid, as the
//! original's children do. Its stdout is a pipe to the parent (which also
//! carries its chart bars), and the parent passes each line on the moment
//! it arrives ([`Child::start_printing`]): the lines come out in the order
//! the children printed them, which is not always the order they were
//! started in.
//!
//! What the port adds: the original starts and joins the children and never
//! looks at how they ended. Here the parent reports any child that failed,
//! with its exit status, and exits with code 1.

use std::io;
use std::process::ExitCode;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::process::Parent;
use shared::{Failure, Options, println, span};

use crate::message::{self, Child, Joined, Printing};

// ANCHOR: port
/// `def print_func(continent='Asia')`, run in the child: it prints its line
/// (with its pid, to show that it is another process).
pub fn print_func(continent: &str) {
    println!("The name of continent is : {continent} (pid {})", std::process::id());
}

/// `if __name__ == "__main__":`, in the parent: start four children, then
/// join them all. Their lines come out as they print them.
pub fn main() -> io::Result<Vec<Joined<String>>> {
    let names = ["America", "Europe", "Africa"];
    let mut procs = Vec::new();
    let proc = Child::start_printing(CHILD, ["--row", "0"])?; // without any argument: Asia
    procs.push(proc);
    for (row, name) in (1..).zip(names) {
        let proc = Child::start_printing(CHILD, [name, "--row", &row.to_string()])?; // with an argument
        procs.push(proc);
    }
    // complete the processes
    Ok(procs.into_iter().map(Printing::join).collect())
}
// ANCHOR_END: port

/// The hidden subcommand a child runs.
pub const CHILD: &str = "continents-child";

/// Why processes cannot run on the virtual clock.
pub const NO_INSTANT: &str = "child processes run on the real clock, and no virtual clock reaches into them";

/// Flags of `continents`.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Flags of the hidden `continents-child`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct ChildArgs {
    /// `print_func`'s argument, with its default.
    #[arg(default_value = "Asia")]
    pub continent: String,

    /// The chart row of this child.
    #[arg(long, default_value_t = 0)]
    pub row: usize,
}

/// The child's side: `print_func` in its span (so in its row's color),
/// under its own launcher.
pub fn run_child(args: &ChildArgs) -> ExitCode {
    // With a chart to draw, the bar ends once the parent has passed the
    // line on (`message::PASSED_ON`). Started by hand, nobody would answer.
    let charted = std::env::var_os(shared::process::TIMELINE_ORIGIN_VAR).is_some();
    shared::run_blocking(Options::new(), || {
        let parent = charted.then(Parent::connect);
        span(args.row, format!("print_func({})", args.continent)).in_scope(|| {
            print_func(&args.continent);
            if let Some(parent) = &parent {
                parent.recv(); // the line is out
            }
        });
        Ok(())
    })
}

/// Runs the example: the children's lines, each in its child's color, as
/// they come, then any child that failed.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(NO_INSTANT) {
        return code;
    }
    shared::run_blocking(Options::new().footer("continents executed in").timeline(args.timeline), || {
        let children =
            main().map_err(|error| Failure::new(format!("cannot start a child process: {error}")))?;
        let outcome = message::report_failures(&children);
        println!("The parent (pid {}) joined its {} children.", std::process::id(), children.len());
        outcome
    })
}
