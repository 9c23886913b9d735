//! # `input-worker`: typing while a worker works
//!
//! Ports seed 000 (and its Russian twin 001), "Asynchronous Programming": the
//! `process`, `worker`, `iostream` and `manager` coroutines around an
//! `asyncio.Queue`.
//!
//! Numbers typed at the prompt go into a queue. A worker task takes them one
//! by one: for `i` it sleeps `i` seconds, then writes `i.txt` containing
//! `Hello, i!`. All of it runs on one thread, and the prompt never waits for
//! the worker, because reading stdin is awaited too ([`Console`], the
//! `aioconsole.ainput` of Rust). A line that is not a number ends input; then
//! the program says `Finishing work`, lets the worker empty the queue, and
//! says `Work ended`.
//!
//! What the port changes, and why:
//!
//! - In the English listing, `await queue.put(int(n))` sits *after* the input
//!   loop, so no number is queued while typing (and `int()` of the line that
//!   ended the loop raises). Here every number is queued as it is typed, as
//!   in the Russian listing.
//! - The English listing prints `Work ended` at import time, before anything
//!   has run. Here it is the last line, after the worker has finished.
//! - The original's manager waits with `queue.join()`, then cancels the
//!   worker. That is correct (`task_done()` comes after the work, so the
//!   worker is idle when it is cancelled); here the same end is reached
//!   without cancelling anything: input's end drops the queue's sender, and
//!   the worker's `recv()` returns `None` once the queue is empty.
//! - Files are written atomically ([`shared::files`]): nobody ever sees a
//!   half-written `i.txt`; and off the runtime's thread, where the original's
//!   `open()` blocks its event loop.
//! - Bad lines get an answer; Ctrl-C stops input, and a second Ctrl-C (or
//!   SIGTERM) stops at once, reporting what was not done (see [`Report`]);
//!   so does an end forced by a closed stdout (`| head`).

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use shared::cli::{InstantArg, TimelineArg};
use shared::colors::paint;
use shared::console::Console;
use shared::interrupt::{Pending, Stage, TwoStageStop};
use shared::{Failure, Instrument, Options, eprintln, println, span};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

/// The longest sleep accepted: one day. Longer would not be a demo any more.
pub const MAX_SECONDS: u64 = 86_400;

/// The most numbers waiting in the queue. A person never gets near it; a
/// file piped in waits for the worker here instead of filling memory.
pub const QUEUE_LIMIT: usize = 10_000;

/// The prompt, as in the original.
pub const PROMPT: &str = "Enter a number: ";

/// Flags of `input-worker`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The folder the `i.txt` files are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

// ANCHOR: port
/// `async def process(i)`: sleeps `i` seconds, then writes `i.txt`.
pub async fn process(i: u64, out: &Path, stop_now: &Stage) -> Processed {
    if stop_now.cut_short(tokio::time::sleep(Duration::from_secs(i))).await.is_none() {
        return Processed::Stopped; // Ctrl-C twice: nothing written yet
    }
    let path = out.join(format!("{i}.txt"));
    match shared::files::write_atomically_async(path.clone(), format!("Hello, {i}!").into_bytes()).await {
        Ok(()) => Processed::Written(path),
        Err(error) => Processed::Failed(path, error),
    }
}

/// `async def worker(queue)`: processes numbers until the queue is closed
/// and empty.
pub async fn worker(
    mut queue: mpsc::Receiver<u64>,
    out: PathBuf,
    stop_now: Stage,
    pending: Pending,
) -> Report {
    let mut report = Report::default();
    while let Some(i) = queue.recv().await {
        let row = report.len();
        let processed = process(i, &out, &stop_now).instrument(span(row, format!("{i}.txt"))).await;
        pending.done_item(i); // before the report speaks, so that a Ctrl-C message is never behind it
        report.add(row, i, processed);
    }
    report
}

/// `async def iostream(queue)`: reads numbers until a line is not one.
pub async fn iostream<R>(queue: mpsc::Sender<u64>, mut console: Console<R>)
where
    R: AsyncRead + Unpin + Send + 'static,
{
    while let Some(i) = console.number(PROMPT, MAX_SECONDS).await {
        if queue.send(i).await.is_err() {
            break;
        }
    }
    console.answer_late_lines("the worker is finishing the queue");
}

/// `async def main()`, which is the manager too: start the worker, read
/// input until it ends, then wait for the worker to empty the queue.
/// `pending` counts the numbers taken and not yet done, for Ctrl-C's
/// message; the console adds to it, the worker takes away.
pub async fn main<R>(
    console: Console<R>,
    out: &Path,
    stop: TwoStageStop,
    pending: Pending,
) -> Result<Report, Failure>
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let (queue, items) = mpsc::channel(QUEUE_LIMIT);
    println!("Starting work");
    let worker = tokio::spawn(worker(items, out.to_path_buf(), stop.now.clone(), pending.clone()));
    iostream(queue, console.counting(pending)).await; // drops `queue`: no more numbers will come
    stop.input.trigger(); // a Ctrl-C from now on means "stop now"
    println!("Finishing work");
    Ok(worker.await?) // the worker returns once the queue is empty
}
// ANCHOR_END: port

/// Runs the example on the real stdin, with Ctrl-C caught; prints `Work
/// ended`, or what was not done.
pub fn run(args: &Args) -> ExitCode {
    let options = Options::new().timeline(args.timeline).clock(args.instant.clock());
    shared::run_async(options, || async move {
        tokio::fs::create_dir_all(&args.out).await.map_err(|error| {
            Failure::new(format!("cannot create the folder {}: {error}", args.out.display()))
        })?;
        let pending = Pending::new();
        // Ended early (stdout closed by `| head`), it says which numbers it
        // had taken and not finished, and exits non-zero.
        pending.report_if_the_program_ends_early();
        let stop = TwoStageStop::on_ctrl_c({
            let pending = pending.clone();
            move || pending.get()
        });
        let console = Console::stdin().closed_by(stop.input.clone());
        main(console, &args.out, stop.clone(), pending).await?.finish(&stop)
    })
}

// ANCHOR: report
/// How one number ended.
#[derive(Debug)]
pub enum Processed {
    /// Its file was written.
    Written(PathBuf),
    /// Its file could not be written.
    Failed(PathBuf, io::Error),
    /// A stop now (Ctrl-C twice, or SIGTERM) came first; nothing was written.
    Stopped,
}

/// What the worker did with every number, in the order they came.
#[derive(Debug, Default)]
pub struct Report {
    /// The files written.
    pub written: Vec<PathBuf>,
    /// The numbers whose file could not be written.
    pub failed: Vec<u64>,
    /// The numbers a stop now (Ctrl-C twice, or SIGTERM) left undone.
    pub not_processed: Vec<u64>,
}

impl Report {
    /// How many numbers it has seen.
    pub fn len(&self) -> usize {
        self.written.len() + self.failed.len() + self.not_processed.len()
    }

    /// Whether it has seen none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records how number `i` (row `row` of the chart) ended, and says so
    /// in the row's color: the original's worker says nothing.
    fn add(&mut self, row: usize, i: u64, processed: Processed) {
        match processed {
            Processed::Written(path) => {
                let slept = shared::timing::whole_seconds(i); // says when it is virtual
                println!("{}", paint(row, format_args!("Worker: slept {slept}, wrote {}", path.display())));
                self.written.push(path);
            }
            Processed::Failed(path, error) => {
                eprintln!("{}", paint(row, format_args!("Worker: cannot write {}: {error}", path.display())));
                self.failed.push(i);
            }
            Processed::Stopped => self.not_processed.push(i),
        }
    }

    /// The last word: `Work ended` when the work did end, or why not. A stop
    /// now leaves no half-written file; it lists what was not done instead,
    /// so that nothing is lost silently.
    pub fn finish(self, stop: &TwoStageStop) -> Result<(), Failure> {
        if stop.now.is_triggered() {
            // `stopped by Ctrl-C; …` (exit code 130) or `stopped by SIGTERM; …` (143).
            return Err(stop.failure(if self.not_processed.is_empty() {
                "every number had been processed".to_string()
            } else {
                format!("not processed: {}", summary(&self.not_processed))
            }));
        }
        println!("Work ended");
        if self.failed.is_empty() {
            Ok(())
        } else {
            Err(Failure::new(format!("could not write the files for {}", summary(&self.failed))))
        }
    }
}

/// `3, 1, 2`, or for a long list its first ten and how many more.
pub fn summary(numbers: &[u64]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = numbers.iter().take(SHOWN).map(u64::to_string).collect();
    match numbers.len().checked_sub(SHOWN) {
        Some(more @ 1..) => format!("{} and {more} more ({} in all)", shown.join(", "), numbers.len()),
        _ => shown.join(", "),
    }
}
// ANCHOR_END: report

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_summarised() {
        assert_eq!(summary(&[3, 1, 2]), "3, 1, 2");
        assert_eq!(summary(&(1..=10).collect::<Vec<_>>()), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10");
        assert_eq!(
            summary(&(1..=25).collect::<Vec<_>>()),
            "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 15 more (25 in all)"
        );
    }
}
