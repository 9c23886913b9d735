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
use async_channel::{Receiver, Sender};
use shared::cli::NoInstantArg;
use shared::random::Rng;
use shared::timing::{Stopwatch, seconds_in_words, whole_seconds};
use shared::{Failure, Options, println, span};

use crate::asyncq::{makeitem, queue};
use crate::plan::{self, Plan, QueueArgs, SleepRange, Totals, VisibleGet, VisiblePut};
use crate::threads_tuned;

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

/// `produce(name, q)` on a thread: `put_blocking` where `asyncq` awaits
/// `put`. Returns how many items it put.
pub fn produce(name: usize, q: Sender<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let caller = format!("Producer {name}");
    let n = plan.items_per_producer.unwrap_or_else(|| rng.random_range(0..=10));
    for k in 0..n {
        randsleep(plan.sleep, Some(&caller), &mut rng);
        let i = makeitem(5, &mut rng);
        let t = Instant::now();
        if q.put_blocking((i.clone(), t), &caller).is_err() {
            return k.into(); // every consumer is gone: nobody would take it
        }
        println!("Producer {name} added <{i}> to queue.");
    }
    n.into()
} // `q`, this producer's sender, is dropped here

/// `consume(name, q)` on a thread: `get_blocking` where `asyncq` awaits
/// `get`. Returns how many items it took.
pub fn consume(name: usize, q: Receiver<Item>, plan: Plan, mut rng: Rng) -> u64 {
    let mut taken = 0;
    while !(q.is_closed() && q.is_empty()) {
        randsleep(plan.sleep, Some(&format!("Consumer {name}")), &mut rng);
        let Some((i, t)) = q.get_blocking() else { break };
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

/// An item: a random hex string, and the time the producer went to put it.
pub type Item = (String, Instant);

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
        let (totals, longest) = if args.queue.tuned {
            let (totals, longest) = threads_tuned::main(plan)?;
            (totals, Some(longest))
        } else {
            (main(plan)?, None)
        };
        let rate_over = args.queue.quiet.then(|| stopwatch.elapsed());
        plan::report(&plan, totals, rate_over, longest)
    })
}

/// Flags of `threads`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The flags `asyncq` and `threads` share.
    #[command(flatten)]
    pub queue: QueueArgs,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}
