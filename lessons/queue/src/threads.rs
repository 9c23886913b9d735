//! # `threads`: the same producers and consumers, on OS threads
//!
//! Ports seed 003, "Using a queue", with threads: `asyncq`'s program (seed
//! 002, "Queue") where every producer and consumer is an OS thread and the
//! queue is the same [`async_channel`] channel, used through its *blocking*
//! calls. The two modules differ only where the lesson is:
//!
//! | `asyncq` (tasks) | `threads` (threads) |
//! |---|---|
//! | `tokio::spawn(future)` | `std::thread::Builder::spawn_scoped(closure)` |
//! | `tokio::time::sleep(..).await`: the task waits, the thread runs others | `std::thread::sleep(..)`: the thread itself waits |
//! | `send(item).await`, `recv().await` | `send_blocking(item)`, `recv_blocking()` |
//! | one thread; every task's code runs on it in turn | one thread per task; the OS runs them in parallel on every core |
//!
//! Python's `queue.Queue` is the blocking twin of `asyncio.Queue`; in Rust
//! one channel serves both worlds. Shutdown is the same: each producer drops
//! its sender when it returns, and the consumers' loops end once the queue is
//! closed and empty. No runtime is entered, so `--instant` is refused: a
//! thread that sleeps really sleeps.
//!
//! Each task draws from the same seeded generator as in `asyncq`, so a seed
//! gives the same items and sleeps; the order of the lines, though, is the
//! operating system's to choose.
//!
//! For the benchmark, `--tuned` runs [`crate::threads_tuned`] instead: the
//! same threads around a channel made for threads alone.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ::rand::RngExt;
use async_channel::{Receiver, SendError, Sender, TryRecvError, TrySendError};
use shared::cli::NoInstantArg;
use shared::output::current_row;
use shared::random::Rng;
use shared::timing::{Stopwatch, seconds_in_words, whole_seconds};
use shared::{Failure, Options, println, span};

use crate::asyncq::{makeitem, queue};
use crate::plan::{Plan, QueueArgs, SleepRange, Totals, longest_wait, rate};
use crate::threads_tuned;

/// Flags of `threads`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The flags `asyncq` and `threads` share.
    #[command(flatten)]
    pub queue: QueueArgs,

    /// The version tuned for moving a million items (for the benchmark).
    #[arg(long)]
    pub tuned: bool,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// An item: a random hex string, and the time the producer went to put it.
pub type Item = (String, Instant);

// ANCHOR: port
/// `randsleep(a, b, caller)` for a thread: `time.sleep`, which holds the
/// thread (and only this thread) for its seconds.
pub fn randsleep(sleep: SleepRange, caller: Option<&str>, rng: &mut Rng) {
    let i = rng.random_range(sleep.a..=sleep.b);
    if let Some(caller) = caller {
        println!("{caller} sleeping for {}.", whole_seconds(i));
    }
    std::thread::sleep(Duration::from_secs(i)); // New! not `.await`
}

/// `produce(name, q)` on a thread. Returns how many items it put.
pub fn produce(name: usize, q: Sender<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let n = plan.items_per_producer.unwrap_or_else(|| rng.random_range(0..=10));
    for k in 0..n {
        randsleep(plan.sleep, Some(&format!("Producer {name}")), &mut rng);
        let i = makeitem(5, &mut rng);
        let t = Instant::now();
        if q.put((i.clone(), t)).is_err() {
            return k.into(); // every consumer is gone: nobody would take it
        }
        println!("Producer {name} added <{i}> to queue.");
    }
    n.into()
} // `q`, this producer's sender, is dropped here

/// `consume(name, q)` on a thread. Returns how many items it took.
pub fn consume(name: usize, q: Receiver<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let mut taken = 0;
    while !(q.is_closed() && q.is_empty()) {
        randsleep(plan.sleep, Some(&format!("Consumer {name}")), &mut rng);
        let Some((i, t)) = q.get() else { break };
        let now = Instant::now();
        println!("Consumer {name} got element <{i}> in {}.", seconds_in_words(now - t, 5));
        taken += 1;
    }
    taken
}

/// `main(nprod, ncon)` with a thread per producer and consumer. The scope
/// joins every thread before it returns, whatever happens.
pub fn main(plan: Plan) -> Result<Totals, Failure> {
    let (sender, receiver) = queue(plan.capacity); // `queue.Queue()`: the same channel as `asyncq`'s
    std::thread::scope(|scope| {
        let mut producers = Vec::new();
        for n in 0..plan.nprod {
            let (row, q) = (plan.producer_row(n), sender.clone());
            let producer = span(row, format!("producer {n}"));
            let run = move || producer.in_scope(|| produce(n, q, plan, plan.seed.rng(row)));
            producers.push(std::thread::Builder::new().spawn_scoped(scope, run).map_err(cannot_start)?);
        }
        // New! Dropped before any consumer starts: a thread runs at once,
        // and with no producer it must find the queue already closed.
        drop(sender);
        let mut consumers = Vec::new();
        for n in 0..plan.ncon {
            let (row, q) = (plan.consumer_row(n), receiver.clone());
            let consumer = span(row, format!("consumer {n}"));
            let run = move || consumer.in_scope(|| consume(n, q, plan, plan.seed.rng(row)));
            consumers.push(std::thread::Builder::new().spawn_scoped(scope, run).map_err(cannot_start)?);
        }
        drop(receiver);
        let mut totals = Totals::default();
        for producer in producers {
            totals.produced += producer.join().map_err(panicked)?;
        }
        for consumer in consumers {
            totals.consumed += consumer.join().map_err(panicked)?;
        }
        Ok(totals)
    })
}
// ANCHOR_END: port

/// A thread that could not be started (too many for this system, say).
/// Returning this error drops `main`'s sender: the threads already started
/// see the queue close and end, and the scope joins them.
pub(crate) fn cannot_start(error: std::io::Error) -> Failure {
    Failure::new(format!("cannot start a thread: {error}"))
}

/// A thread that panicked (its message is already on stderr).
pub(crate) fn panicked(_: Box<dyn std::any::Any + Send>) -> Failure {
    Failure::new("a producer or consumer thread panicked")
}

// ANCHOR: visible
/// `q.put(item)` for threads: `send_blocking`, with a wait for room drawn
/// `▒` in the producer's row and reported, as `asyncq`'s [`crate::asyncq::Put`].
pub trait Put {
    /// Puts `item`, blocking while the queue is full; `Err` gives it back if
    /// nobody can ever take it.
    fn put(&self, item: Item) -> Result<(), SendError<Item>>;
}

impl Put for Sender<Item> {
    fn put(&self, item: Item) -> Result<(), SendError<Item>> {
        let item = match self.try_send(item) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Closed(item)) => return Err(SendError(item)),
            Err(TrySendError::Full(item)) => item,
        };
        let Some(row) = current_row() else { return self.send_blocking(item) };
        let started = Instant::now();
        span(row, "waiting for room").waiting().in_scope(|| self.send_blocking(item))?;
        let waited = seconds_in_words(started.elapsed(), 5);
        println!("Producer {row} waited {waited} for room in the queue.");
        Ok(())
    }
}

/// `q.get()` for threads: `recv_blocking`, or `None` once the queue is
/// closed and empty; a wait for an item is drawn `▒` in the consumer's row.
pub trait Get {
    /// The next item, blocking while the queue is empty; `None` when none
    /// can come any more.
    fn get(&self) -> Option<Item>;
}

impl Get for Receiver<Item> {
    fn get(&self) -> Option<Item> {
        match self.try_recv() {
            Ok(item) => return Some(item),
            Err(TryRecvError::Closed) => return None,
            Err(TryRecvError::Empty) => {}
        }
        let Some(row) = current_row() else { return self.recv_blocking().ok() };
        span(row, "waiting for an item").waiting().in_scope(|| self.recv_blocking().ok())
    }
}
// ANCHOR_END: visible

/// Runs the threads `args` ask for, then says what went through the queue
/// (and, with `--quiet`, how fast).
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) =
        args.no_instant.refuse("threads sleep with std::thread::sleep, which no virtual clock can skip")
    {
        return code;
    }
    let plan = match Plan::from_args(&args.queue) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    shared::output::quiet_rows(args.queue.quiet);
    let options = Options::new().timeline(args.queue.timeline).footer("Program completed in");
    shared::run_blocking(options, || {
        let stopwatch = Stopwatch::start();
        let (totals, longest) = if args.tuned {
            let (totals, longest) = threads_tuned::main(plan)?;
            (totals, Some(longest))
        } else {
            (main(plan)?, None)
        };
        let elapsed = stopwatch.elapsed();
        totals.report(&plan)?;
        if args.queue.quiet {
            println!("{}", rate(totals.consumed, elapsed));
        }
        if let Some(longest) = longest {
            println!("{}", longest_wait(longest));
        }
        Ok(())
    })
}
