//! # `square-cube`: two threads and a join
//!
//! Ports seed 003, §2 "Multiple Threads": one thread prints the square of
//! 10, another the cube, and the main thread waits for both (`join`) before
//! it prints `Done!`.
//!
//! The seed's listing does not run, nor even parse. Python stops at the
//! first of three syntax errors, and the indentation hides a fourth bug:
//!
//! 1. `print("Square: {}".format(num * num)` never closes its `print(`;
//! 2. `if_name_=="_main_":` is one name, `if_name_`, compared with a string,
//!    where `if __name__ == "__main__":` was meant (two underscores on each
//!    side, and a space after `if`);
//! 3. `threading.Thread(target=print_square, args+(10,))` passes a positional
//!    argument, `args + (10,)`, after a keyword one; `args=(10,)` was meant;
//! 4. with those three fixed, the file parses, and does nothing: everything
//!    after `print_cube`'s first line is indented into it, so
//!    `print_square` is a function local to `print_cube`, and the thread code
//!    is inside `print_square`, which nothing calls.
//!
//! The port is what the listing meant. Which thread prints first is up to
//! the operating system's scheduler; `Done!` always comes last, because
//! `join` returns only when its thread has ended.

use std::process::ExitCode;
use std::thread;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::{Failure, Options, println, span};

use crate::THREADS_ARE_REAL;

// ANCHOR: port
/// `def print_cube(num)`.
pub fn print_cube(num: u64) {
    println!("Cube: {}", num * num * num);
}

/// `def print_square(num)`.
pub fn print_square(num: u64) {
    println!("Square: {}", num * num);
}

/// The `if __name__ == "__main__":` block: start both threads, wait for
/// both, then say so. `join` returns `Err` if the thread panicked; `?`
/// passes that on instead of printing `Done!`.
pub fn main() -> thread::Result<()> {
    let square = span(0, "print_square(10)");
    let cube = span(1, "print_cube(10)");
    let t1 = thread::spawn(move || square.in_scope(|| print_square(10)));
    let t2 = thread::spawn(move || cube.in_scope(|| print_cube(10)));

    t1.join()?;
    t2.join()?;

    println!("Done!");
    Ok(())
}
// ANCHOR_END: port

/// Flags of `square-cube`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Runs the example.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        main().map_err(|_| Failure::new("a thread panicked (its message is above)"))
    })
}
