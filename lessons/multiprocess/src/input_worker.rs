//! # `input-worker`: numbers through a pipe to a worker process
//!
//! Ports seed 000 (and its Russian twin 001), "Parallel Programming": the
//! `process`, `worker`, `iostream` and `main` functions around a
//! `multiprocessing.Queue`. Numbers typed at the prompt go to a separate
//! worker *process*, which sleeps `i` seconds, then writes `i.txt` containing
//! `Hello, i!` into `--out DIR`. A line that is not a number ends input; then
//! the program says `Finishing work`, the worker finishes every queued
//! number, and it says `Work ended`.
//!
//! This module is the port, as plain as the original: one worker, this
//! program started again with the hidden subcommand `input-worker-child`
//! ([`shared::process`]). It shares no memory with the parent: the queue is
//! its stdin, one number per line. `input-worker --plain` runs it.
//!
//! What the port fixes already: the original ends with `while not
//! queue.empty(): pass`, a loop that burns a CPU doing nothing and that ends
//! as soon as the worker has *taken* the last number, not when it has
//! *finished* it; then `worker_process.terminate()` kills the worker in the
//! middle of that number. Here the parent says that no more numbers will
//! come (the `#end` line) and waits for the worker to exit, which it does
//! once it has finished every number.
//!
//! `input-worker` without `--plain` runs the hardened version, [`pool`]:
//! the same program wrapped in what a real one needs (several workers, a
//! dead worker's number redone, Ctrl-C in two stages, every number not
//! written reported), so that no number is ever lost in silence.

use std::error::Error;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, ExitStatus};
use std::time::Duration;
use std::{io, thread};

use shared::cli::{NoInstantArg, TimelineArg};
use shared::colors::paint;
use shared::console::LineReader;
use shared::files::write_atomically;
use shared::process::{Parent, Worker, spawn_worker};
use shared::{Failure, Options, println, span};

// ANCHOR: port
/// `def process(i)`, in the worker process: sleeps `i` seconds, then writes
/// `Hello, i!` into `i.txt` (whole, or not at all: [`write_atomically`]).
pub fn process(i: u64, out: &Path) -> io::Result<PathBuf> {
    thread::sleep(Duration::from_secs(i));
    let path = out.join(format!("{i}.txt"));
    write_atomically(&path, format!("Hello, {i}!").as_bytes())?;
    Ok(path)
}

/// `def worker(queue)`: `while True: process(queue.get())`, until the
/// parent's `#end` says that no more numbers will come.
pub fn worker(queue: Parent, out: &Path) -> Result<(), Box<dyn Error>> {
    while let Some(line) = queue.recv() {
        let i: u64 = line.parse()?;
        let path = span(1, "worker")
            .in_scope(|| process(i, out))
            .map_err(|e| format!("cannot write {i}.txt: {e}"))?;
        println!("{}", paint(1, format_args!("Worker: slept {i} s, wrote {}", path.display())));
    }
    Ok(())
}

/// `def iostream(queue)`: reads numbers until a line is not one, and puts
/// each in the queue.
pub fn iostream(queue: &mut Worker) {
    let mut console = LineReader::stdin();
    while let Some(i) = console.number(PROMPT, MAX_SECONDS) {
        if queue.send(&i.to_string()).is_err() {
            break; // the worker is gone: `main` says how it ended
        }
    }
}

/// `def main()`: starts the worker process, reads input until it ends, then
/// lets the worker finish the queue, and waits for it.
pub fn main(out: &Path) -> io::Result<ExitStatus> {
    println!("Starting work");
    let mut worker_process = spawn_worker(CHILD, [OsStr::new("--plain"), "--out".as_ref(), out.as_ref()])?;
    let lines = worker_process.lines(); // what it prints comes through a pipe: pass it on
    let said = thread::Builder::new()
        .spawn(move || lines.map_while(Result::ok).for_each(|line| println!("{line}")))?;
    span(0, "parent: input").in_scope(|| iostream(&mut worker_process));
    println!("Finishing work");
    // New! No `while not queue.empty(): pass`, no `terminate()`: `#end` says
    // that no more numbers will come, and the worker exits once it has
    // finished every number in the queue.
    let _ = worker_process.finish_input(); // fails only if it is gone: `wait` says how it ended
    let status = worker_process.wait()?;
    let _ = said.join();
    println!("Work ended");
    Ok(status)
}
// ANCHOR_END: port

pub mod pool;

/// Runs the example: the hardened version ([`pool`]) by default, the port
/// above with `--plain`.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(crate::continents::NO_INSTANT) {
        return code;
    }
    if !args.plain {
        return pool::run(args);
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        create_out(&args.out)?;
        let status = main(&args.out).map_err(|error| Failure::new(format!("the worker process: {error}")))?;
        match status.success() {
            true => Ok(()),
            false => {
                Err(Failure::new(format!("the worker process failed ({status}); what it said is above")))
            }
        }
    })
}

/// The worker process's side: [`worker`] (or, without `--plain`, the
/// hardened [`pool::worker`]) under its own launcher.
pub fn run_child(args: &ChildArgs) -> ExitCode {
    if !args.plain {
        return pool::run_child(args);
    }
    shared::run_blocking(Options::new(), || {
        worker(Parent::connect(), &args.out).map_err(|error| Failure::new(format!("worker: {error}")))
    })
}

/// Creates the folder the files go to, or says why it cannot.
pub fn create_out(out: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(out)
        .map_err(|error| Failure::new(format!("cannot create the folder {}: {error}", out.display())))
}

/// The hidden subcommand a worker runs.
pub const CHILD: &str = "input-worker-child";

/// The longest sleep accepted: one day. Longer would not be a demo any more.
pub const MAX_SECONDS: u64 = 86_400;

/// The prompt, as in the original.
pub const PROMPT: &str = "Enter a number: ";

/// Flags of `input-worker`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The folder the `i.txt` files are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,

    /// Run the plain port: one worker, as in the original, without the
    /// hardening (no respawn, no two-stage Ctrl-C, no report of what is lost).
    #[arg(long, conflicts_with_all = ["terminate", "workers"])]
    pub plain: bool,

    /// WRONG, for comparison: end as the original does, killing the workers
    /// as soon as every number has been handed out (`terminate()`).
    #[arg(long)]
    pub terminate: bool,

    /// How many worker processes take numbers from the queue.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=pool::MAX_WORKERS as i64))]
    pub workers: u32,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Flags of the hidden `input-worker-child`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct ChildArgs {
    /// The folder the files go to (the parent has made it).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Be the plain port's worker ([`worker`]), not the hardened one.
    #[arg(long)]
    pub plain: bool,

    /// This worker's number, which is its chart row (the hardened version's).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub row: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_writes_hello_i_into_i_txt() {
        let dir = std::env::temp_dir().join(format!("multiprocess-plain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(process(0, &dir).unwrap(), dir.join("0.txt"));
        assert_eq!(std::fs::read_to_string(dir.join("0.txt")).unwrap(), "Hello, 0!");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
