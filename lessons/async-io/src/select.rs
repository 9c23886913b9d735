//! # `select`: the first to finish wins, and the others are dropped
//!
//! Beyond the seeds. `tokio::select!` polls several futures and runs the
//! branch of the first one ready; every other future is **dropped** right
//! there. Dropping a future is how Rust cancels it: it stops at the
//! `.await` where it was waiting, its code after that `.await` never runs,
//! and its locals are dropped. Python's `asyncio.wait_for` does the same by
//! raising `CancelledError` inside the coroutine.
//!
//! - [`with_timeout`]: a slow task against a timer; the timer wins, and the
//!   task is dropped at its `.await` (its `Drop` says so).
//! - [`lines_wrong`]: a `select!` loop that restarts a line reader on every
//!   tick; the reader's half-read line was a local of the dropped future,
//!   and it is lost. [`lines_safe`] keeps the line in the loop and selects
//!   only on `recv()`, which loses nothing when dropped (it is
//!   *cancellation-safe*, as tokio's docs say of each method).
//! - [`report_with_tokio_mutex`]: which mutex to hold across an `.await`.
//!
//! ## A `std::sync::Mutex` guard across `.await`
//!
//! A `std::sync::MutexGuard` is not `Send` (it must be unlocked by the thread
//! that locked it), so a task that holds one across an `.await` cannot be
//! spawned ("future cannot be sent between threads safely", as in
//! `runtime`), and clippy's `await_holding_lock` warns even where it
//! compiles. Worse, on one thread, a second task that locks it
//! blocks the thread the first one needs to get back and unlock: a deadlock.
//!
//! ```compile_fail
#![doc = include_str!("../doc/std_guard_across_await.rs")]
//! ```
//!
//! tokio's `Mutex` waits with `.await` and its guard is `Send`: the same
//! task compiles.
//!
//! ```
#![doc = include_str!("../doc/tokio_guard_across_await.rs")]
//! ```
//!
//! So: std's `Mutex` for a quick update with no `.await` inside the lock
//! (cheaper, and what tokio's docs recommend then); tokio's when the lock
//! must stay held while waiting ([`report_with_tokio_mutex`]).

use std::process::ExitCode;
use std::time::Duration;

use shared::cli::{InstantArg, TimelineArg};
use shared::timing::{Stopwatch, secs};
use shared::{Failure, Instrument, Options, println, span};
use tokio::sync::mpsc;
use tokio::time::{Instant, interval_at, sleep};

// ANCHOR: timeout
/// A task that needs `work` to finish; says so if it is dropped first.
pub async fn slow(work: Duration) -> &'static str {
    let _guard = SaysWhenDropped("slow(): dropped at its .await, its last line never runs");
    sleep(work).await;
    println!("slow(): finished");
    "done"
}

/// `asyncio.wait_for(slow(), limit)`: whichever finishes first wins, and
/// `select!` drops the other. `None` when the timer won.
pub async fn with_timeout(work: Duration, limit: Duration) -> Option<&'static str> {
    tokio::select! {
        answer = slow(work) => Some(answer),
        () = sleep(limit) => None,
    }
}
// ANCHOR_END: timeout

/// Prints its message when dropped: shows where a cancelled future stops.
pub struct SaysWhenDropped(pub &'static str);

impl Drop for SaysWhenDropped {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            println!("{}", self.0);
        }
    }
}

// ANCHOR: lost
/// Reads characters until `\n` and returns the line. Its `line` is a local:
/// if this future is dropped half-way, the characters read so far go with it.
pub async fn read_line(characters: &mut mpsc::Receiver<char>) -> Option<String> {
    let mut line = String::new();
    loop {
        match characters.recv().await? {
            '\n' => return Some(line),
            character => line.push(character),
        }
    }
}

/// WRONG: a loop that also does something on every tick. Each tick wins
/// the `select!`, and drops the `read_line` future with its half line.
pub async fn lines_wrong(mut characters: mpsc::Receiver<char>, tick: Duration) -> Vec<String> {
    let mut lines = Vec::new();
    let mut ticks = interval_at(Instant::now() + tick, tick);
    loop {
        tokio::select! {
            biased;
            line = read_line(&mut characters) => match line {
                Some(line) => lines.push(line),
                None => return lines,
            },
            _ = ticks.tick() => println!("tick"), // WRONG: read_line is dropped here
        }
    }
}
// ANCHOR_END: lost

// ANCHOR: safe
/// Cancellation-safe: the half line lives in the loop, and `select!` waits
/// only on `recv()`, which takes nothing from the channel unless it returns it.
pub async fn lines_safe(mut characters: mpsc::Receiver<char>, tick: Duration) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new(); // New: outside every future that select! may drop
    let mut ticks = interval_at(Instant::now() + tick, tick);
    loop {
        tokio::select! {
            biased;
            character = characters.recv() => match character {
                Some('\n') => lines.push(std::mem::take(&mut line)),
                Some(character) => line.push(character),
                None => return lines,
            },
            _ = ticks.tick() => println!("tick"),
        }
    }
}
// ANCHOR_END: safe

/// Sends `text` one character per `every`, then closes the channel.
pub fn typist(text: &'static str, every: Duration) -> mpsc::Receiver<char> {
    let (sender, receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        for character in text.chars() {
            sleep(every).await;
            if sender.send(character).await.is_err() {
                return;
            }
        }
    });
    receiver
}

// ANCHOR: mutex
/// Right for a quick update: std's `Mutex`, locked and unlocked with no
/// `.await` between (the guard is a temporary, dropped at the `;`).
pub async fn count_visit(visits: &std::sync::Mutex<u64>) {
    *visits.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
    sleep(Duration::from_millis(10)).await;
}

/// Right when the lock must stay held while waiting: tokio's `Mutex`. Each
/// writer's two lines stay together in the log, whoever else is waiting.
pub async fn report_with_tokio_mutex(log: &tokio::sync::Mutex<Vec<String>>, who: &str) {
    let mut log = log.lock().await; // waits without blocking the thread
    log.push(format!("{who}: begins"));
    sleep(Duration::from_millis(100)).await; // the guard is held across this .await
    log.push(format!("{who}: ends"));
}
// ANCHOR_END: mutex

/// The characters the typist sends: two lines.
pub const TEXT: &str = "hello\nworld\n";

/// One character per this.
pub const TYPING: Duration = Duration::from_millis(100);

/// The tick of the `select!` loops: a multiple of no typing step, so that a
/// tick and a character never come at the same instant.
pub const TICK: Duration = Duration::from_millis(330);

/// Flags of `select`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

/// Runs the example: the timeout, the lost line and its fix, the mutexes.
pub fn run(args: &Args) -> ExitCode {
    let options = Options::new().timeline(args.timeline).clock(args.instant.clock());
    shared::run_async(options, || async {
        let stopwatch = Stopwatch::start();
        let answer = with_timeout(Duration::from_secs(3), Duration::from_secs(1))
            .instrument(span(0, "with_timeout(slow(3 s), 1 s)"))
            .await;
        match answer {
            Some(answer) => println!("slow() answered {answer:?}"),
            None => println!("timed out after {}: slow() was cancelled", secs(stopwatch.elapsed())),
        }

        println!("\nA select! loop that restarts read_line on every tick (WRONG):");
        let wrong = lines_wrong(typist(TEXT, TYPING), TICK).instrument(span(1, "lines_wrong")).await;
        println!("lines read: {wrong:?} (sent: \"hello\", \"world\")");
        println!("The line kept outside the select! (cancellation-safe):");
        let safe = lines_safe(typist(TEXT, TYPING), TICK).instrument(span(2, "lines_safe")).await;
        println!("lines read: {safe:?}");

        println!("\nA std Mutex for a quick update, a tokio Mutex held across .await:");
        let visits = std::sync::Mutex::new(0);
        let log = tokio::sync::Mutex::new(Vec::new());
        let (visits_ref, log_ref) = (&visits, &log);
        let writer = |who: &'static str| async move {
            count_visit(visits_ref).await;
            report_with_tokio_mutex(log_ref, who).await;
        };
        let reports = Stopwatch::start();
        tokio::join!(
            biased;
            writer("writer 1").instrument(span(3, "writer 1")),
            writer("writer 2").instrument(span(4, "writer 2")),
            writer("writer 3").instrument(span(5, "writer 3"))
        );
        for entry in log.into_inner() {
            println!("  {entry}");
        }
        let visits = visits.into_inner().map_err(|_| Failure::new("a writer panicked"))?;
        // Three reports of 0.10 s each, one after another: the lock is held
        // across each report's wait, so they cannot overlap.
        println!("  {visits} visits counted; the three reports took {}", secs(reports.elapsed()));
        Ok(())
    })
}
