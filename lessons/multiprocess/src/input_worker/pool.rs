//! # `input-worker`, hardened: no number is ever lost in silence
//!
//! The port in [`super`] is seed 000's program: one worker process, fed
//! through a pipe, that finishes the queue when input ends. This module is
//! what runs by default: the same four functions, `process`, `worker`,
//! `iostream` and `main`, wrapped in what the original lacks.
//!
//! - **Several workers** (`--workers N`): a [`Pool`] hands each number to
//!   an idle worker, one at a time, and knows which number each one holds.
//! - **A worker that dies** (`kill -9`, a crash) is noticed (its pipe
//!   closes); the parent says which number it held, and a new worker redoes
//!   it. A number that [`MAX_ATTEMPTS`] workers died on is given up and
//!   listed at the end, with exit code 1; a temporary file the dead worker
//!   left half-written is removed.
//! - **Ctrl-C in two stages**: once ends input and finishes the queue; twice
//!   (or SIGTERM) tells every worker to stop now ([`Order::StopNow`], which
//!   ends its sleep before its file exists) and lists what was not done.
//!   The parent runs on tokio, with the course's [`Console`], so a Ctrl-C
//!   ends even a prompt that waits for a line.
//! - **Accepted work is reported**: [`Pending`] counts the numbers taken and
//!   not finished, so an end forced by a closed stdout (`| head`) lists them.
//! - **A bounded queue** ([`QUEUE_LIMIT`]): a file piped in waits in the
//!   channel instead of filling memory.
//! - **Answers**: each worker says how each number ended ([`Processed`]),
//!   and the last word ([`Report::finish`]) lists every number not written.
//! - `--terminate` keeps the original's ending, as the labelled WRONG
//!   [`Pool::terminate_all`], to watch it lose the number in hand.

use std::collections::{BTreeMap, VecDeque};
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::colors::paint;
use shared::console::Console;
use shared::files::write_atomically;
use shared::interrupt::{Pending, Stage, TwoStageStop};
use shared::process::{Parent, Worker, spawn_worker};
use shared::{Failure, Instrument, Options, eprintln, println, span};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::{Args, CHILD, ChildArgs, MAX_SECONDS, PROMPT};
use crate::message;

// ANCHOR: hardened_worker
/// [`super::process`] with a way out: a stop-now ends the sleep early, and
/// then nothing is written; and an answer for the parent, which says how
/// the number ended instead of failing the worker.
pub fn process(i: u64, out: &Path, stop_now: &Stage) -> Processed {
    // New! A sleep that a stop-now ends, where the port has `thread::sleep`.
    if stop_now.wait_timeout(Duration::from_secs(i)) {
        shared::timeline::abandon_current(); // drawn ░: stopped before its end
        return Processed::Stopped { i };
    }
    let path = out.join(format!("{i}.txt"));
    match write_atomically(&path, format!("Hello, {i}!").as_bytes()) {
        Ok(()) => Processed::Written { i, path },
        Err(error) => Processed::Failed { i, error: error.to_string() },
    }
}

/// [`super::worker`], told how each number ended: the numbers come from
/// [`listen`], which hears a stop-now even while `process` sleeps.
pub fn worker(numbers: std_mpsc::Receiver<u64>, out: &Path, row: usize, stop_now: &Stage) -> io::Result<()> {
    for i in numbers {
        let processed = span(row, format!("worker {row}")).in_scope(|| process(i, out, stop_now));
        message::reply(&processed)?;
    }
    Ok(())
}
// ANCHOR_END: hardened_worker

/// Reads the parent's orders on a thread of their own, so that a stop-now
/// reaches a worker asleep in [`process`]; the numbers come out of the
/// returned channel, which ends at the parent's `#end`.
pub fn listen(parent: Parent, stop_now: Stage) -> io::Result<std_mpsc::Receiver<u64>> {
    let (sender, numbers) = std_mpsc::channel();
    std::thread::Builder::new().name("orders".into()).spawn(move || {
        while let Some(line) = parent.recv() {
            match message::decode::<Order>(&line) {
                Ok(Order::Process { i }) => {
                    if sender.send(i).is_err() {
                        return;
                    }
                }
                Ok(Order::StopNow) => stop_now.trigger(),
                // Only a bug in the parent sends anything else.
                Err(bad) => eprintln!("worker: ignoring {bad}"),
            }
        }
        // `#end`: dropping `sender` ends the worker's loop when it is idle.
    })?;
    Ok(numbers)
}

/// The hardened worker process's side: [`worker`] under its own launcher.
pub fn run_child(args: &ChildArgs) -> ExitCode {
    shared::run_blocking(Options::new(), || {
        let stop_now = Stage::new();
        let answer = |error: io::Error| Failure::new(format!("worker {}: {error}", args.row));
        let numbers = listen(Parent::connect(), stop_now.clone()).map_err(answer)?;
        worker(numbers, &args.out, args.row, &stop_now).map_err(answer)
    })
}

// ANCHOR: hardened_main
/// [`super::iostream`] on tokio: the [`Console`] reads stdin without
/// blocking the runtime, so a Ctrl-C can end a prompt that waits for a line,
/// and lines typed after input ended get an answer.
pub async fn iostream<R>(queue: mpsc::Sender<u64>, mut console: Console<R>)
where
    R: AsyncRead + Unpin + Send + 'static,
{
    while let Some(i) = console.number(PROMPT, MAX_SECONDS).await {
        if queue.send(i).await.is_err() {
            break;
        }
    }
    console.answer_late_lines("the workers are finishing the queue");
}

/// [`super::main`] with a pool of workers: the [`Pool`] takes the numbers
/// from a bounded channel while the console fills it, `pending` counts what
/// was taken, and once input is over a Ctrl-C means "stop now".
pub async fn main<R>(
    console: Console<R>,
    pool: Pool,
    stop: TwoStageStop,
    pending: Pending,
) -> Result<Report, Failure>
where
    R: AsyncRead + Unpin + Send + 'static,
{
    let (queue, numbers) = mpsc::channel(QUEUE_LIMIT);
    let workers = tokio::spawn(pool.run(numbers, stop.clone(), pending.clone()));
    iostream(queue, console.counting(pending)).instrument(span(0, "parent: input")).await; // drops `queue`
    stop.input.trigger(); // a Ctrl-C from now on means "stop now"
    println!("Finishing work");
    // No `while not queue.empty(): pass`, no `terminate()`: the pool hands
    // out what is queued, then tells each worker that no more will come,
    // and each one finishes its number and exits by itself.
    Ok(workers.await?)
}
// ANCHOR_END: hardened_main

/// Runs the hardened version on the real stdin, with Ctrl-C caught; prints
/// `Work ended`, or what was not done.
pub fn run(args: &Args) -> ExitCode {
    shared::run_async(Options::new().timeline(args.timeline), || async move {
        super::create_out(&args.out)?;
        println!("Starting work");
        let pool = Pool::start(args.workers as usize, &args.out)
            .map_err(|error| Failure::new(format!("cannot start a worker process: {error}")))?
            .terminating(args.terminate);
        // Ended early (stdout closed by `| head`), it says which numbers it
        // had taken and not finished, and exits non-zero.
        let (pending, stop) = Pending::watched();
        let console = Console::stdin().closed_by(stop.input.clone());
        main(console, pool, stop.clone(), pending).await?.finish(&stop)
    })
}

// ANCHOR: pool
/// The worker processes, seen from the parent: which number each one
/// holds, so that none is lost when a worker dies.
#[derive(Debug)]
pub struct Pool {
    out: PathBuf,
    size: usize,
    workers: BTreeMap<usize, Slot>,
    next_row: usize,
    /// `--terminate`: end as the original does (WRONG).
    terminate: bool,
    events: mpsc::UnboundedReceiver<Event>,
    sender: mpsc::UnboundedSender<Event>,
}

/// One worker process and what the parent knows of it.
#[derive(Debug)]
struct Slot {
    worker: Worker,
    /// The number it was sent and has not answered for yet.
    holding: Option<Item>,
    /// Told `#end` (or to stop): it is expected to exit.
    ending: bool,
    /// Its pipe broke: it is dying, and its `Closed` event will tell.
    broken: bool,
    /// Killed by `--terminate`.
    terminated: bool,
}

/// A number on its way, and how many workers it has been given to.
#[derive(Clone, Copy, Debug)]
struct Item {
    i: u64,
    attempts: u32,
}

/// What a worker's reader thread tells the pool.
#[derive(Debug)]
enum Event {
    /// A line from the worker (its bars have gone to the chart already).
    Line(usize, io::Result<String>),
    /// The worker closed its stdout: it has exited, or is exiting.
    Closed(usize),
}

impl Pool {
    /// Starts `size` workers writing into `out`.
    pub fn start(size: usize, out: &Path) -> io::Result<Pool> {
        let (sender, events) = mpsc::unbounded_channel();
        let mut pool = Pool {
            out: out.to_path_buf(),
            size,
            workers: BTreeMap::new(),
            next_row: 1,
            terminate: false,
            events,
            sender,
        };
        for _ in 0..size {
            pool.start_worker()?;
        }
        Ok(pool)
    }

    /// With `true`, the pool ends as the original does: see
    /// [`Pool::terminate_all`].
    pub fn terminating(mut self, terminate: bool) -> Pool {
        self.terminate = terminate;
        self
    }

    /// Starts one more worker, with a thread that passes on what it says.
    fn start_worker(&mut self) -> io::Result<usize> {
        let row = self.next_row;
        let args = [
            std::ffi::OsString::from("--out"),
            self.out.clone().into(),
            "--row".into(),
            row.to_string().into(),
        ];
        // A worker killed half-way through a write leaves a temporary file;
        // `writing_into` has the pool remove it once the worker is gone.
        let mut worker = spawn_worker(CHILD, args)?.writing_into(&self.out);
        let lines = worker.lines();
        let events = self.sender.clone();
        let reader = std::thread::Builder::new().name(format!("worker {row}")).spawn(move || {
            for line in lines {
                let failed = line.is_err();
                if events.send(Event::Line(row, line)).is_err() || failed {
                    break;
                }
            }
            let _ = events.send(Event::Closed(row));
        });
        if let Err(error) = reader {
            let _ = worker.kill();
            let _ = worker.wait();
            return Err(error);
        }
        println!("{}", paint(row, format_args!("Worker {row} started (pid {})", worker.pid())));
        self.next_row += 1;
        self.workers
            .insert(row, Slot { worker, holding: None, ending: false, broken: false, terminated: false });
        Ok(row)
    }

    /// Takes numbers from `numbers` until it is closed and empty, hands each
    /// to an idle worker, and returns once every worker has exited.
    pub async fn run(
        mut self,
        mut numbers: mpsc::Receiver<u64>,
        stop: TwoStageStop,
        pending: Pending,
    ) -> Report {
        let mut queue: VecDeque<Item> = VecDeque::new();
        let mut report = Report::default();
        let mut input_open = true;
        let mut stopping = false;
        loop {
            if !stopping {
                self.dispatch(&mut queue, &mut report, &pending);
            }
            let handed_out = !input_open && queue.is_empty();
            let idle = self.workers.values().all(|slot| slot.holding.is_none());
            if handed_out && self.terminate {
                self.terminate_all(); // WRONG: `while not queue.empty(): pass`, then `terminate()`
            } else if handed_out && idle {
                self.end_all(); // no more numbers will come: each worker ends by itself
            }
            if handed_out && self.workers.is_empty() {
                return report;
            }
            tokio::select! {
                biased; // a stop-now wins over work that is also ready
                () = stop.now.triggered(), if !stopping => {
                    stopping = true;
                    for item in queue.drain(..) {
                        report.not_processed.push(item.i);
                        pending.done_item(item.i);
                    }
                    self.stop_all();
                }
                Some(event) = self.events.recv() => {
                    self.handle(event, &mut queue, &mut report, &pending, stopping).await;
                }
                // Taken only while the queue has room: a file piped in then
                // waits in the channel, and the console waits for room.
                number = numbers.recv(), if input_open && queue.len() < QUEUE_LIMIT => match number {
                    Some(i) if stopping => {
                        report.not_processed.push(i);
                        pending.done_item(i);
                    }
                    Some(i) => queue.push_back(Item { i, attempts: 0 }),
                    None => input_open = false,
                },
            }
        }
    }

    /// Hands queued numbers to idle workers, starting a replacement when a
    /// worker has died.
    fn dispatch(&mut self, queue: &mut VecDeque<Item>, report: &mut Report, pending: &Pending) {
        while let Some(&item) = queue.front() {
            let idle =
                self.workers.iter().find(|(_, slot)| slot.holding.is_none() && !slot.ending && !slot.broken);
            let row = match idle {
                Some((&row, _)) => row,
                None if self.workers.len() < self.size => match self.start_worker() {
                    Ok(row) => row,
                    Err(error) => {
                        eprintln!("Cannot start a worker process: {error}");
                        if self.workers.is_empty() {
                            // Nobody is left to do them: say so rather than wait forever.
                            for item in queue.drain(..) {
                                report.lost.push(item.i);
                                pending.done_item(item.i);
                            }
                        }
                        return;
                    }
                },
                None => return, // every worker is busy
            };
            let slot = self.workers.get_mut(&row).expect("the row was just found");
            match message::send(&mut slot.worker, &Order::Process { i: item.i }) {
                Ok(()) => {
                    slot.holding = Some(Item { attempts: item.attempts + 1, ..item });
                    queue.pop_front();
                    println!("{}", paint(row, format_args!("Worker {row} takes {}", item.i)));
                }
                // It died meanwhile; its `Closed` event will come.
                Err(_) => slot.broken = true,
            }
        }
    }

    /// What one event means.
    async fn handle(
        &mut self,
        event: Event,
        queue: &mut VecDeque<Item>,
        report: &mut Report,
        pending: &Pending,
        stopping: bool,
    ) {
        match event {
            Event::Line(row, Ok(line)) => {
                let Some(slot) = self.workers.get_mut(&row) else { return };
                let held = slot.holding.map(|item| item.i);
                match message::decode::<Processed>(&line) {
                    Ok(processed) if Some(processed.number()) == held => {
                        slot.holding = None;
                        // Done before it is said, so that a Ctrl-C message is never behind.
                        pending.done_item(processed.number());
                        self.announce(row, &processed);
                        report.add(processed);
                    }
                    Ok(processed) => {
                        self.misbehaved(row, &format!("an answer for {} it did not hold", processed.number()))
                    }
                    Err(bad) => self.misbehaved(row, &bad.to_string()),
                }
            }
            Event::Line(row, Err(error)) => {
                self.misbehaved(row, &format!("output that cannot be read ({error})"))
            }
            Event::Closed(row) => {
                let Some(slot) = self.workers.remove(&row) else { return };
                let pid = slot.worker.pid();
                let waited = tokio::task::spawn_blocking(move || slot.worker.wait()).await;
                let (success, status) = match waited {
                    Ok(Ok(status)) => (status.success(), status.to_string()),
                    Ok(Err(error)) => (false, format!("cannot wait for it: {error}")),
                    Err(error) => (false, format!("cannot wait for it: {error}")),
                };
                if slot.holding.is_none() && (slot.terminated || slot.ending && success) {
                    return; // asked to end, and it did (or killed idle, which loses nothing)
                }
                let Some(item) = slot.holding else {
                    eprintln!("Worker {row} (pid {pid}) ended unexpectedly ({status}); it held no number.");
                    return;
                };
                let i = item.i;
                if slot.terminated {
                    pending.done_item(i);
                    // Said of the number it held, not of `{i}.txt`: an
                    // earlier `{i}` may have written that file already.
                    eprintln!(
                        "Worker {row} (pid {pid}) was terminated ({status}) holding {i}, before finishing it."
                    );
                    report.terminated.push(i);
                } else if stopping {
                    pending.done_item(i);
                    eprintln!("Worker {row} (pid {pid}) ended ({status}) holding {i}.");
                    report.not_processed.push(i);
                } else if item.attempts < MAX_ATTEMPTS {
                    eprintln!(
                        "Worker {row} (pid {pid}) died ({status}) holding {i}; {i} goes back to the queue."
                    );
                    queue.push_front(item);
                } else {
                    pending.done_item(i);
                    eprintln!(
                        "Worker {row} (pid {pid}) died ({status}) holding {i}; {} died on {i}: giving it up.",
                        shared::timing::plural(item.attempts, "worker", "workers")
                    );
                    report.lost.push(i);
                }
            }
        }
    }

    /// A worker that says what it should not is stopped; its number is
    /// then redone like a dead worker's.
    fn misbehaved(&mut self, row: usize, what: &str) {
        if let Some(slot) = self.workers.get_mut(&row) {
            eprintln!("Worker {row} sent {what}: stopping it.");
            slot.broken = true;
            let _ = slot.worker.kill(); // its `Closed` event follows
        }
    }

    /// Prints how a number ended, in its worker's color.
    fn announce(&self, row: usize, processed: &Processed) {
        match processed {
            Processed::Written { i, path } => {
                println!(
                    "{}",
                    paint(row, format_args!("Worker {row}: slept {i} s, wrote {}", path.display()))
                )
            }
            Processed::Failed { i, error } => {
                eprintln!(
                    "Worker {row}: cannot write {}: {error}",
                    self.out.join(format!("{i}.txt")).display()
                )
            }
            Processed::Stopped { i } => {
                println!("{}", paint(row, format_args!("Worker {row}: stopped before writing {i}.txt")))
            }
        }
    }

    /// Tells every worker that no more numbers will come.
    fn end_all(&mut self) {
        for slot in self.workers.values_mut().filter(|slot| !slot.ending) {
            slot.ending = true;
            // A worker that is gone already will be reported by its `Closed`.
            let _ = slot.worker.finish_input();
        }
    }

    /// WRONG: `worker_process.terminate()` as soon as the queue is empty,
    /// which is as soon as the last number has been *taken*: a worker still
    /// busy with one is killed half-way through it, and its file is never
    /// written. What the original does, kept for `--terminate`.
    pub fn terminate_all(&mut self) {
        for slot in self.workers.values_mut().filter(|slot| !slot.terminated) {
            slot.ending = true;
            slot.terminated = true;
            let _ = slot.worker.kill(); // WRONG: kills the number in hand
        }
    }

    /// Ctrl-C twice: every worker stops the number in hand, and ends.
    fn stop_all(&mut self) {
        for slot in self.workers.values_mut() {
            if slot.holding.is_some() {
                let _ = message::send(&mut slot.worker, &Order::StopNow);
            }
        }
        self.end_all();
    }
}
// ANCHOR_END: pool

// ANCHOR: report
/// What became of every number, in the order they ended.
#[derive(Debug, Default)]
pub struct Report {
    /// The files written.
    pub written: Vec<PathBuf>,
    /// The numbers whose file could not be written.
    pub failed: Vec<u64>,
    /// The numbers a stop now (Ctrl-C twice, or SIGTERM) left undone.
    pub not_processed: Vec<u64>,
    /// The numbers given up: workers kept dying on them, or none could start.
    pub lost: Vec<u64>,
    /// The numbers whose worker `--terminate` killed (WRONG).
    pub terminated: Vec<u64>,
}

impl Report {
    fn add(&mut self, processed: Processed) {
        match processed {
            Processed::Written { path, .. } => self.written.push(path),
            Processed::Failed { i, .. } => self.failed.push(i),
            Processed::Stopped { i } => self.not_processed.push(i),
        }
    }

    /// The last word: `Work ended` when the work did end, or why not. Every
    /// number not written is listed, and the exit code is not 0.
    pub fn finish(self, stop: &TwoStageStop) -> Result<(), Failure> {
        let mut problems = Vec::new();
        if !self.failed.is_empty() {
            problems.push(format!("could not write the files for {}", summary(&self.failed)));
        }
        if !self.lost.is_empty() {
            problems.push(format!("gave up (their workers died) {}", summary(&self.lost)));
        }
        if !self.terminated.is_empty() {
            problems.push(format!("killed half-way by terminate(): {}", summary(&self.terminated)));
        }
        if stop.now.is_triggered() {
            let mut not_processed = self.not_processed;
            not_processed.extend(&self.lost);
            problems.insert(
                0,
                match not_processed.is_empty() {
                    true => "every number had been processed".to_string(),
                    false => format!("not processed: {}", summary(&not_processed)),
                },
            );
            // `stopped by Ctrl-C; …` (exit code 130) or `stopped by SIGTERM; …` (143).
            return Err(stop.failure(problems.join("; ")));
        }
        println!("Work ended");
        match problems.is_empty() {
            true => Ok(()),
            false => Err(Failure::new(problems.join("; "))),
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

/// The most numbers waiting for a worker. A person never gets near it; a
/// file piped in waits here instead of filling memory.
pub const QUEUE_LIMIT: usize = 10_000;

/// The most worker processes `--workers` accepts.
pub const MAX_WORKERS: u32 = 32;

/// How many workers may die holding the same number before it is given up.
pub const MAX_ATTEMPTS: u32 = 2;

/// Parent → worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "order", rename_all = "snake_case")]
pub enum Order {
    /// Process the number `i`.
    Process {
        /// The number.
        i: u64,
    },
    /// Stop the number in hand now, before its file is written (Ctrl-C twice).
    StopNow,
}

/// Worker → parent: how one number ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Processed {
    /// Its file was written.
    Written {
        /// The number.
        i: u64,
        /// The file.
        path: PathBuf,
    },
    /// Its file could not be written.
    Failed {
        /// The number.
        i: u64,
        /// Why, in the words of the OS.
        error: String,
    },
    /// A stop-now came first; nothing was written.
    Stopped {
        /// The number.
        i: u64,
    },
}

impl Processed {
    /// The number it is about.
    pub fn number(&self) -> u64 {
        match self {
            Processed::Written { i, .. } | Processed::Failed { i, .. } | Processed::Stopped { i } => *i,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_and_answers_are_one_json_object_each() {
        assert_eq!(message::encode(&Order::Process { i: 3 }), r#"{"order":"process","i":3}"#);
        assert_eq!(message::encode(&Order::StopNow), r#"{"order":"stop_now"}"#);
        let written = Processed::Written { i: 3, path: "out/3.txt".into() };
        assert_eq!(message::encode(&written), r#"{"outcome":"written","i":3,"path":"out/3.txt"}"#);
        assert_eq!(message::decode::<Processed>(&message::encode(&written)), Ok(written));
    }

    #[test]
    fn a_stopped_worker_writes_nothing() {
        let dir = std::env::temp_dir().join(format!("multiprocess-stopped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let stop_now = Stage::new();
        stop_now.trigger();
        assert_eq!(process(5, &dir, &stop_now), Processed::Stopped { i: 5 });
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let written = process(0, &dir, &Stage::new());
        assert_eq!(written, Processed::Written { i: 0, path: dir.join("0.txt") });
        assert_eq!(std::fs::read_to_string(dir.join("0.txt")).unwrap(), "Hello, 0!");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_last_word_lists_every_number_not_written() {
        let capture = shared::output::Capture::start();
        let report = Report { lost: vec![7], failed: vec![2], ..Report::default() };
        let failure = report.finish(&TwoStageStop::new()).unwrap_err();
        assert_eq!(failure.exit_code, 1);
        assert_eq!(failure.message, "could not write the files for 2; gave up (their workers died) 7");
        assert_eq!(capture.texts(), ["Work ended"]);

        let stop = TwoStageStop::new();
        stop.now.trigger();
        let report = Report { not_processed: vec![4, 5], lost: vec![7], ..Report::default() };
        let failure = report.finish(&stop).unwrap_err();
        assert_eq!(failure.exit_code, 130);
        assert!(
            failure.message.starts_with("stopped by Ctrl-C; not processed: 4, 5, 7"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn long_lists_are_summarised() {
        assert_eq!(summary(&[3, 1, 2]), "3, 1, 2");
        assert_eq!(
            summary(&(1..=25).collect::<Vec<_>>()),
            "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 15 more (25 in all)"
        );
    }
}
