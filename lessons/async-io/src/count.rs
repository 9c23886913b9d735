//! # `count`: the "Hello, World" of async IO
//!
//! Ports seed 002, "Async IO" (the asynchronous and the synchronous
//! `count()`), itself from Real Python's asyncio walkthrough.
//!
//! Three counters each print `One`, wait one second, and print `Two`.
//!
//! - **async** (the default): all three run as tasks on one thread. Each
//!   `sleep(..).await` hands the thread back to the runtime, so the next
//!   counter prints its `One` while the first is still waiting: `One` ×3,
//!   then `Two` ×3, about **1 s** in all.
//! - **`--sync`**: plain functions called one after another; each blocks the
//!   thread for its second. `One Two` ×3, **3 s**.
//! - **`--blocking`**: the classic mistake. The async version, but with a
//!   blocking sleep (`std::thread::sleep`, Python's `time.sleep`) inside the
//!   task. A blocking call never reaches an `.await`, so the runtime cannot
//!   switch tasks: it is async code that runs like `--sync`, **3 s**.
//!
//! The three versions below differ only in the lines marked `// New!`.

use std::time::Duration;

use shared::Context;
use shared::colors::paint;
use shared::timeline::SpanGuard;
use shared::timing::{Clock, Stopwatch};
use tokio_util::task::TaskTracker;

/// How long each counter waits between `One` and `Two`.
pub const PAUSE: Duration = Duration::from_secs(1);

/// The most counters `--tasks` accepts: each takes about 440 bytes while it
/// sleeps, so two million need about 0.9 GiB.
pub const MAX_TASKS: u32 = 2_000_000;

/// Flags of `count`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// How many counters run (the original has three; at most two million,
    /// about 0.9 GiB).
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=MAX_TASKS as i64))]
    pub tasks: u32,

    /// The synchronous version: plain functions, one after another.
    #[arg(long, conflicts_with = "blocking")]
    pub sync: bool,

    /// The mistake: a blocking sleep inside the async version.
    #[arg(long)]
    pub blocking: bool,

    /// Print no `One`/`Two` lines, only the footer (for the benchmark).
    #[arg(long)]
    pub quiet: bool,
}

/// What a run measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// From the first `One` to the last `Two`, on the run's clock.
    pub elapsed: Duration,
}

/// Runs the version the flags ask for and prints the footer.
pub async fn run(args: &Args, context: &Context) -> Report {
    let stopwatch = Stopwatch::start(context.clock);
    if args.sync {
        count_all_sync(args, context);
    } else {
        count_all_async(args, context).await;
    }
    anstream::println!("{}", stopwatch.footer("count"));
    Report { elapsed: stopwatch.elapsed() }
}

/// What one counter needs to know, in 8 bytes.
///
/// A task's future stores every value it still needs after an `.await`, and
/// tokio rounds each task up to a multiple of 128 bytes. With a million
/// counters every byte is a megabyte, so the counter carries four small
/// fields rather than the whole [`Context`] (docs/benchmarks.md shows what
/// that saves).
#[derive(Clone, Copy, Debug)]
struct Counter {
    id: u32,
    blocking: bool,
    quiet: bool,
    clock: Clock,
}

impl Counter {
    fn new(id: u32, args: &Args, context: &Context) -> Counter {
        Counter { id, blocking: args.blocking, quiet: args.quiet, clock: context.clock }
    }

    /// Opens this counter's bar on the timeline.
    fn span(self, context: &Context) -> SpanGuard {
        context.timeline.begin(self.id as usize, format_args!("counter {}", self.id))
    }

    /// Prints `counter 1: One` in the counter's color, unless `--quiet`.
    fn say(self, word: &str) {
        if !self.quiet {
            anstream::println!("{}", paint(self.id as usize, format_args!("counter {}: {word}", self.id)));
        }
    }
}

// ANCHOR: async
/// One counter as a task: the `.await` is where it lets the others run.
///
/// Written as a function that returns an `async` block, which is what an
/// `async fn` is; the block is used directly because an `async fn` keeps a
/// second copy of its arguments in its future (16 more bytes a counter).
#[allow(clippy::manual_async_fn, reason = "an async fn stores its arguments twice; see above")]
fn count(counter: Counter, mut span: SpanGuard) -> impl Future<Output = ()> + Send + 'static {
    async move {
        span.start_now(); // the bar starts when the counter runs, not when it was spawned
        counter.say("One");
        if counter.blocking {
            counter.clock.block_for(PAUSE); // New! blocks the thread: no other task can run
        } else {
            tokio::time::sleep(PAUSE).await; // yields: the runtime runs the other counters
        }
        counter.say("Two");
        span.end();
    }
}

/// `asyncio.gather(count(), count(), count())`: start every counter as a
/// task, then wait for all of them.
///
/// The counters return nothing, so there is no need to keep a `JoinHandle`
/// per task: a [`TaskTracker`] counts the running tasks and wakes us when the
/// count drops to zero.
async fn count_all_async(args: &Args, context: &Context) {
    let counters = TaskTracker::new();
    for id in 0..args.tasks {
        let counter = Counter::new(id, args, context);
        counters.spawn(count(counter, counter.span(context)));
        // New! A million spawns make a long loop with no `.await`, and on one
        // thread a loop that never yields starves the tasks it has started,
        // just as `--blocking` does. Spending tokio's cooperative budget
        // yields every 128 or so turns, so the first counters start their
        // timers while the rest are still being created.
        tokio::task::coop::consume_budget().await;
    }
    counters.close(); // no more counters will be added...
    counters.wait().await; // ...so this returns when the last one is done
}
// ANCHOR_END: async

// ANCHOR: sync
/// One counter as a plain function: it holds the thread while it waits.
fn count_sync(counter: Counter, span: SpanGuard) {
    counter.say("One");
    counter.clock.block_for(PAUSE); // New! `time.sleep`, not `asyncio.sleep`
    counter.say("Two");
    span.end();
}

/// The synchronous `main()`: a loop, so each counter waits for the last.
fn count_all_sync(args: &Args, context: &Context) {
    for id in 0..args.tasks {
        let counter = Counter::new(id, args, context);
        count_sync(counter, counter.span(context));
    }
}
// ANCHOR_END: sync

#[cfg(test)]
mod tests {
    use super::*;
    use shared::timeline::Recorder;

    /// tokio stores a task (header, future, trailer) in a cell aligned to 128
    /// bytes; up to 120 bytes of future it takes 384 bytes, past that 512.
    /// This is what keeps `count --tasks 1000000` under 512 MiB.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_counter_task_stays_within_120_bytes() {
        let counter = Counter { id: 0, blocking: false, quiet: true, clock: Clock::Real };
        let future = count(counter, Recorder::off().begin(0, "counter 0"));
        assert!(std::mem::size_of_val(&future) <= 120, "{} bytes", std::mem::size_of_val(&future));
    }
}
