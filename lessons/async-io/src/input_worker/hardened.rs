//! # `input-worker`, hardened: every input has an answer
//!
//! The plain port ([`super`]) as a program people can lean on, and what
//! `input-worker` runs by default. Each function is its plain namesake, with
//! what is new marked `// New`:
//!
//! - Ctrl-C stops in two steps ([`TwoStageStop`](shared::interrupt::TwoStageStop)): the first ends input and
//!   lets the worker finish the queue; the second (or SIGTERM) stops at
//!   once, abandoning a sleeping number before its file exists.
//! - [`Pending`](shared::interrupt::Pending) counts the numbers taken and not yet done: Ctrl-C's message
//!   says how many, and a program ended early by a closed stdout (`| head`)
//!   lists them on stderr.
//! - A file that cannot be written is said at once, and the rest go on.
//! - A [`Report`](crate::input_worker::hardened::Report) says what became of every number; `Work ended` only when
//!   the work did end, or else what was not done.
//! - Lines typed after input ended are answered, not swallowed.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use shared::colors::paint;
use shared::console::Console;
use shared::interrupt::{Pending, Stage, TwoStageStop};
use shared::{Failure, Instrument, eprintln, println, span};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::QUEUE_LIMIT;

// ANCHOR: hardened
/// [`super::process`], stopped before its file exists by a stop now.
pub async fn process(i: u64, out: &Path, stop_now: &Stage) -> Processed {
    // New: a stop now cuts the sleep short; a write once begun is finished.
    if stop_now.cut_short(tokio::time::sleep(Duration::from_secs(i))).await.is_none() {
        return Processed::Stopped; // nothing written yet
    }
    match super::write(i, out).await {
        Ok(path) => Processed::Written(path),
        Err(error) => Processed::Failed(error), // New: said, and the worker goes on to the next
    }
}

/// [`super::worker`], keeping a report and the pending count.
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
        pending.done_item(i); // New: before the report speaks, so a Ctrl-C message is never behind it
        report.add(row, i, processed); // New: says how it ended, and keeps it
    }
    report
}

/// [`super::iostream`], then lines typed too late are answered.
pub async fn iostream<R>(queue: mpsc::Sender<u64>, mut console: Console<R>)
where
    R: AsyncRead + Unpin + Send + 'static,
{
    super::iostream(queue, &mut console).await;
    console.answer_late_lines("the worker is finishing the queue"); // New
}

/// [`super::main`], with the stop and the pending count passed in, and the
/// report handed back for its last word.
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
    iostream(queue, console.counting(pending)).await; // New: the console counts each number taken
    stop.input.trigger(); // New: a Ctrl-C from now on means "stop now"
    println!("Finishing work");
    Ok(worker.await?) // the worker returns once the queue is empty
}

/// What [`super::run`] runs by default: the stdin closed by the first
/// Ctrl-C, the numbers counted, and the report's last word.
pub async fn run(out: &Path) -> Result<(), Failure> {
    // Ended early (stdout closed by `| head`), it says which numbers it
    // had taken and not finished, and exits non-zero.
    let (pending, stop) = Pending::watched();
    let console = Console::stdin().closed_by(stop.input.clone());
    main(console, out, stop.clone(), pending).await?.finish(&stop)
}
// ANCHOR_END: hardened

// ANCHOR: report
/// How one number ended.
#[derive(Debug)]
pub enum Processed {
    /// Its file was written.
    Written(PathBuf),
    /// Its file could not be written; the error names it.
    Failed(io::Error),
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
            Processed::Failed(error) => {
                eprintln!("{}", paint(row, format_args!("Worker: {error}")));
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
