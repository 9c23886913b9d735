//! What both examples share. What they are told: how many producers and
//! consumers, how long they sleep, how large the queue is (the flags, and the
//! checks that turn them into a [`Plan`] or a one-line refusal). And the
//! queue's two ends as both ports use them: Python's `q.put` and `q.get` on
//! a channel's ends, with every wait on the queue made visible
//! ([`VisiblePut`], [`VisibleGet`]).

use std::process::ExitCode;

use async_channel::{Receiver, SendError, Sender, TryRecvError, TrySendError};
use clap::value_parser;
use shared::cli::{SeedArg, TimelineArg, USAGE_ERROR};
use shared::output::current_row;
use shared::timing::{plural, seconds_in_words};
use shared::{Instrument, eprintln, println, span};

/// The most producers, and the most consumers: each is a task (or a thread)
/// and a row of the chart.
pub const MAX_TASKS: u32 = 1000;

/// The longest sleep a task may take, in seconds: an hour.
pub const MAX_SLEEP: u64 = 3600;

/// The largest `--capacity`.
pub const MAX_CAPACITY: u32 = 1_000_000;

/// The most items the queue holds when `--capacity` sets no limit.
///
/// The original's `asyncio.Queue()` has none: it holds every item made and
/// not yet taken. With many producers and one consumer that backlog grows
/// with the item count (`-p 1000 -c 1 --items-per-producer 10000` reached
/// 790 MB), and the flags allow a million times more. A person watching
/// never gets near this limit; producers that outrun their consumers wait
/// here for room (back-pressure) instead of filling memory. Why not more: a
/// bounded channel allocates its room up front.
pub const BACKLOG_LIMIT: usize = 10_000;

/// The most items one producer may be told to put (`--items-per-producer`).
pub const MAX_ITEMS_PER_PRODUCER: u32 = 10_000_000;

/// The original's `randsleep(a=1, b=5)`: the bounds its callers meant.
pub const DEFAULT_MIN_SLEEP: u64 = 1;
/// See [`DEFAULT_MIN_SLEEP`].
pub const DEFAULT_MAX_SLEEP: u64 = 5;

/// The flags `asyncq` and `threads` share.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueArgs {
    /// Producers: tasks that put items into the queue.
    #[arg(short = 'p', long, value_name = "N", default_value_t = 5,
          value_parser = value_parser!(u32).range(0..=MAX_TASKS as i64))]
    pub nprod: u32,

    /// Consumers: tasks that take items out (at least 1 when there are producers).
    #[arg(short = 'c', long, value_name = "N", default_value_t = 10,
          value_parser = value_parser!(u32).range(0..=MAX_TASKS as i64))]
    pub ncon: u32,

    /// Hold at most N items: a producer then waits for room (default: no limit
    /// short of 10,000, so that producers that outrun the consumers cannot
    /// fill memory).
    #[arg(long, value_name = "N", value_parser = value_parser!(u32).range(1..=MAX_CAPACITY as i64))]
    pub capacity: Option<u32>,

    /// Shortest random sleep, in whole seconds [default: 1, or --max-sleep if less].
    #[arg(long, value_name = "SECONDS", value_parser = value_parser!(u64).range(0..=MAX_SLEEP))]
    pub min_sleep: Option<u64>,

    /// Longest random sleep, in whole seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_MAX_SLEEP,
          value_parser = value_parser!(u64).range(0..=MAX_SLEEP))]
    pub max_sleep: u64,

    /// Each producer puts exactly K items, instead of a random 0 to 10.
    #[arg(long, value_name = "K",
          value_parser = value_parser!(u32).range(0..=MAX_ITEMS_PER_PRODUCER as i64))]
    pub items_per_producer: Option<u32>,

    /// Print no line per item, only the totals and the rate (for the benchmark).
    #[arg(long)]
    pub quiet: bool,

    /// The version tuned for moving a million items (for the benchmark).
    #[arg(long)]
    pub tuned: bool,

    /// `--seed`.
    #[command(flatten)]
    pub seed: SeedArg,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,
}

impl Default for QueueArgs {
    fn default() -> QueueArgs {
        QueueArgs {
            nprod: 5,
            ncon: 10,
            capacity: None,
            min_sleep: None,
            max_sleep: DEFAULT_MAX_SLEEP,
            items_per_producer: None,
            quiet: false,
            tuned: false,
            seed: SeedArg::default(),
            timeline: TimelineArg::default(),
        }
    }
}

/// The random sleep of `randsleep(a, b)`: a whole number of seconds from
/// `a` to `b`, both included (Python's `random.randint(a, b)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SleepRange {
    /// `a`: the shortest sleep, in seconds.
    pub a: u64,
    /// `b`: the longest sleep, in seconds.
    pub b: u64,
}

/// A run both examples can carry out: the flags, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// How many producers.
    pub nprod: usize,
    /// How many consumers.
    pub ncon: usize,
    /// The queue's limit; `None` for none asked, which is [`BACKLOG_LIMIT`].
    pub capacity: Option<usize>,
    /// How long each task sleeps before each put or get.
    pub sleep: SleepRange,
    /// Items per producer; `None` for a random 0 to 10 each.
    pub items_per_producer: Option<u32>,
    /// The seed of every task's generator.
    pub seed: SeedArg,
}

impl Plan {
    /// The run `args` ask for, or why there is none.
    pub fn new(args: &QueueArgs) -> Result<Plan, String> {
        let b = args.max_sleep;
        // Asked for `--max-sleep 0` alone, the shortest sleep follows it down.
        let a = args.min_sleep.unwrap_or(DEFAULT_MIN_SLEEP.min(b));
        if a > b {
            return Err(format!("--min-sleep {a} is longer than --max-sleep {b}"));
        }
        if args.ncon == 0 && args.nprod > 0 {
            return Err(format!(
                "-c 0: no consumer would ever take the items of {} (use -c 1 or more, or -p 0)",
                plural(args.nprod, "producer", "producers")
            ));
        }
        Ok(Plan {
            nprod: args.nprod as usize,
            ncon: args.ncon as usize,
            capacity: args.capacity.map(|capacity| capacity as usize),
            sleep: SleepRange { a, b },
            items_per_producer: args.items_per_producer,
            seed: args.seed,
        })
    }

    /// [`Plan::new`], or the refusal printed as a usage error (exit code 2).
    pub fn from_args(args: &QueueArgs) -> Result<Plan, ExitCode> {
        Plan::new(args).map_err(|why| {
            eprintln!("error: {why}");
            ExitCode::from(USAGE_ERROR)
        })
    }

    /// The chart row of producer `name`: producers come first.
    pub fn producer_row(&self, name: usize) -> usize {
        name
    }

    /// The chart row of consumer `name`: after the producers.
    pub fn consumer_row(&self, name: usize) -> usize {
        self.nprod + name
    }
}

/// How many items went in and came out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Items the producers put.
    pub produced: u64,
    /// Items the consumers took.
    pub consumed: u64,
}

impl Totals {
    /// Says what went through the queue, and fails if anything was lost
    /// on the way (which the channel never lets happen: this checks it).
    pub fn report(&self, plan: &Plan) -> Result<(), shared::Failure> {
        let producers = plural(plan.nprod as u64, "producer", "producers");
        let consumers = plural(plan.ncon as u64, "consumer", "consumers");
        if self.produced != self.consumed {
            return Err(shared::Failure::new(format!(
                "{producers} put {}, but {consumers} took {}",
                plural(self.produced, "item", "items"),
                self.consumed
            )));
        }
        let taken = match self.produced {
            0 => "had nothing to take".to_string(),
            1 => "took it".to_string(),
            all => format!("took all {all}"),
        };
        println!("{producers} put {}; {consumers} {taken}.", plural(self.produced, "item", "items"));
        Ok(())
    }
}

/// What a run says at the end: the totals (failing if an item was lost),
/// the rate of a run timed over `rate_over` (a `--quiet` run on the real
/// clock), and the longest wait of an item (which the tuned versions keep).
pub fn report(
    plan: &Plan,
    totals: Totals,
    rate_over: Option<std::time::Duration>,
    longest: Option<std::time::Duration>,
) -> Result<(), shared::Failure> {
    totals.report(plan)?;
    if let Some(elapsed) = rate_over {
        println!("{}", rate(totals.consumed, elapsed));
    }
    if let Some(longest) = longest {
        println!("{}", longest_wait(longest));
    }
    Ok(())
}

/// The shortest run whose rate [`rate`] states. The time includes starting
/// the producers and consumers (threads, for `threads`), which took up to
/// 3 ms here on a busy machine: a run shorter than a few times that measures
/// the start, not the queue (one item "at 0.000 M items/s").
pub const RATE_FLOOR: std::time::Duration = std::time::Duration::from_millis(10);

/// `1000000 items in 0.08 s: 12.5 M items/s`, for `--quiet` runs on the
/// real clock: what the benchmark reads. A run too short to time, or of no
/// items, says so instead of a rate ([`shared::compare::rate`]).
pub fn rate(items: u64, elapsed: std::time::Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    let rate = match shared::compare::rate(items, elapsed, RATE_FLOOR) {
        Ok(per_second) => format!("{} M items/s", shared::compare::millions(per_second, 3)),
        Err(why) => why,
    };
    format!("Moved {} in {seconds:.4} s: {rate}.", plural(items, "item", "items"))
}

/// What the tuned versions say after a run: how long the item that waited
/// longest sat in the queue.
pub fn longest_wait(longest: std::time::Duration) -> String {
    format!("The longest any item waited in the queue: {}.", shared::timing::seconds_in_words(longest, 5))
}

// ANCHOR: visible
/// A producer's end of the queue, as the ports put: async-channel's `send`
/// (or `send_blocking`, on a thread), plus what makes back-pressure visible.
/// When the queue is full, the producer waits for room: the wait is drawn `▒`
/// in the row of the task or thread that waits, and `caller` says how long
/// it was, as `randsleep`'s `caller` says how long it sleeps.
pub trait VisiblePut<T> {
    /// `await q.put(item)` of `asyncio.Queue`: puts `item`, waiting for room
    /// if the queue is full; `Err` gives it back if nobody can ever take it
    /// (every receiver is gone).
    fn put(&self, item: T, caller: &str) -> impl Future<Output = Result<(), SendError<T>>> + Send;

    /// `q.put(item)` of `queue.Queue`, for a thread: the same, blocking the
    /// thread while the queue is full.
    fn put_blocking(&self, item: T, caller: &str) -> Result<(), SendError<T>>;
}

impl<T: Send> VisiblePut<T> for Sender<T> {
    async fn put(&self, item: T, caller: &str) -> Result<(), SendError<T>> {
        let item = match self.try_send(item) {
            Ok(()) => return Ok(()), // there was room: no wait
            Err(TrySendError::Closed(item)) => return Err(SendError(item)),
            Err(TrySendError::Full(item)) => item,
        };
        let Some(row) = current_row() else { return self.send(item).await };
        let started = tokio::time::Instant::now(); // the run's clock, virtual under `--instant`
        self.send(item).instrument(span(row, "waiting for room").waiting()).await?;
        said_waited(caller, started.elapsed());
        Ok(())
    }

    fn put_blocking(&self, item: T, caller: &str) -> Result<(), SendError<T>> {
        let item = match self.try_send(item) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Closed(item)) => return Err(SendError(item)),
            Err(TrySendError::Full(item)) => item,
        };
        let Some(row) = current_row() else { return self.send_blocking(item) };
        let started = std::time::Instant::now();
        span(row, "waiting for room").waiting().in_scope(|| self.send_blocking(item))?;
        said_waited(caller, started.elapsed());
        Ok(())
    }
}

/// `Producer 2 waited 2.00000 seconds for room in the queue.`
fn said_waited(caller: &str, waited: std::time::Duration) {
    println!("{caller} waited {} for room in the queue.", seconds_in_words(waited, 5));
}

/// A consumer's end of the queue, as the ports get: async-channel's `recv`
/// (or `recv_blocking`), or `None` once the queue is closed and empty. A
/// wait for an item is drawn `▒` in the row of the task or thread that waits.
pub trait VisibleGet<T> {
    /// `await q.get()` of `asyncio.Queue`: the next item, waiting for one if
    /// the queue is empty; `None` when none can come any more.
    fn get(&self) -> impl Future<Output = Option<T>> + Send;

    /// `q.get()` of `queue.Queue`, for a thread: the same, blocking the
    /// thread while the queue is empty.
    fn get_blocking(&self) -> Option<T>;
}

impl<T: Send> VisibleGet<T> for Receiver<T> {
    async fn get(&self) -> Option<T> {
        match self.try_recv() {
            Ok(item) => return Some(item), // there was one: no wait
            Err(TryRecvError::Closed) => return None,
            Err(TryRecvError::Empty) => {}
        }
        let Some(row) = current_row() else { return self.recv().await.ok() };
        self.recv().instrument(span(row, "waiting for an item").waiting()).await.ok()
    }

    fn get_blocking(&self) -> Option<T> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(args: QueueArgs) -> Result<Plan, String> {
        Plan::new(&args)
    }

    #[test]
    fn the_shortest_sleep_follows_a_lower_longest_one_unless_given() {
        let sleep = |min_sleep, max_sleep| {
            plan(QueueArgs { min_sleep, max_sleep, ..QueueArgs::default() }).map(|plan| plan.sleep)
        };
        assert_eq!(sleep(None, 5), Ok(SleepRange { a: 1, b: 5 }));
        assert_eq!(sleep(None, 0), Ok(SleepRange { a: 0, b: 0 }));
        assert_eq!(sleep(Some(2), 2), Ok(SleepRange { a: 2, b: 2 }));
        assert_eq!(sleep(Some(3), 2), Err("--min-sleep 3 is longer than --max-sleep 2".to_string()));
    }

    #[test]
    fn no_consumer_is_refused_only_when_someone_produces() {
        let refused = plan(QueueArgs { ncon: 0, nprod: 1, ..QueueArgs::default() }).unwrap_err();
        assert_eq!(
            refused,
            "-c 0: no consumer would ever take the items of 1 producer (use -c 1 or more, or -p 0)"
        );
        assert!(plan(QueueArgs { ncon: 0, nprod: 0, ..QueueArgs::default() }).is_ok());
    }

    #[test]
    fn rates_name_their_unit() {
        let said = rate(1_000_000, std::time::Duration::from_millis(80));
        assert_eq!(said, "Moved 1000000 items in 0.0800 s: 12.500 M items/s.");
        let instant = rate(1_000, std::time::Duration::ZERO);
        assert!(
            instant.starts_with("Moved 1000 items in") && instant.contains("too short for a rate"),
            "{instant}"
        );
        let one = rate(1, std::time::Duration::from_millis(20));
        assert!(one.contains("too few items for a rate"), "{one}");
        assert!(rate(0, std::time::Duration::from_secs(1)).ends_with("no rate: no items."));
    }
}
