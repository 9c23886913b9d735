//! # `event-loop`: an event loop from scratch, and the same futures on tokio
//!
//! Ports seed 003, "The Event Loop and asyncio.run()", and runs seed 002's
//! `count()` ("Async IO") on it: three tasks that each print `One`, sleep a
//! second and print `Two`, about one second in all.
//!
//! The loop is [`crate::executor`]: std only, one thread, a ready queue,
//! wakers, a timer heap. The seed makes three points about event loops, and
//! each has its part here:
//!
//! 1. *A coroutine does little on its own until it is tied to the loop*: a
//!    future made and never spawned is never polled, and prints nothing
//!    ([`survivors`]).
//! 2. *The loop runs on one thread*: every task runs on the thread that
//!    runs [`EventLoop::block_on`]; the loop cannot even be moved to another.
//! 3. *Loops are pluggable*: the same [`count`] runs on tokio's
//!    current-thread runtime ([`main_on_tokio`]).
//!
//! What is shared between the two loops, and what is not: [`count`] is one
//! function, and both loops poll its futures through the same
//! [`Future::poll`] with a [`std::task::Waker`], which is all a future needs
//! from whoever runs it. The sleep is not shared. A timer belongs to the
//! runtime that fires it: [`executor::sleep`] leaves its deadline in the
//! home-made loop's heap, `tokio::time::sleep` in tokio's timer wheel, and
//! each panics away from its runtime (tokio's when called, ours when
//! polled). So `count` takes the sleep as an argument, each loop given its
//! own: `count(executor::sleep)` and `count(tokio::time::sleep)` are the
//! same code made into two future types that differ in that one field.
//!
//! The port runs with `shared::run_blocking`: no tokio runtime is entered
//! while the home-made loop runs, and the tokio part makes its runtime after
//! the home-made loop has finished.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::colors::{HEADING, NOTE, styled};
use shared::timing::{Stopwatch, footer, plural, seconds};
use shared::{Clock, Failure, Instrument, Options, println, span};

use crate::executor::{self, EventLoop, JoinError, LoopError, Stats};

// ANCHOR: count
/// `async def count()`, given the sleep to await: [`executor::sleep`] on the
/// home-made loop, `tokio::time::sleep` on tokio.
pub async fn count<S, F>(sleep: S)
where
    S: FnOnce(Duration) -> F,
    F: Future<Output = ()>,
{
    println!("One");
    sleep(Duration::from_secs(1)).await;
    println!("Two");
}

/// `async def main()`: `gather(count(), count(), count())` on the home-made
/// loop: each `count()` spawned as a task, then each awaited in order.
pub async fn main() -> Result<(), JoinError> {
    let tasks: Vec<_> =
        (0..3).map(|row| executor::spawn(count(executor::sleep).instrument(span(row, "count()")))).collect();
    for task in tasks {
        task.await?;
    }
    Ok(())
}

/// `asyncio.run(main())`: a new loop, `main` run on it to its end, the loop
/// closed. Returns what the loop counted.
pub fn asyncio_run() -> Result<Stats, Failure> {
    let event_loop = EventLoop::new();
    event_loop.block_on(main())??;
    event_loop.close()?;
    Ok(event_loop.stats())
}
// ANCHOR_END: count

// ANCHOR: tokio
/// The same `main` on tokio: the same `count`, given tokio's sleep, and
/// `tokio::spawn` in place of `executor::spawn`.
pub async fn main_on_tokio() -> Result<(), tokio::task::JoinError> {
    let tasks: Vec<_> =
        (0..3).map(|row| tokio::spawn(count(tokio::time::sleep).instrument(span(row, "count()")))).collect();
    for task in tasks {
        task.await?;
    }
    Ok(())
}

/// `asyncio.run(main())` on tokio's current-thread runtime: one thread, as
/// the home-made loop and Python's have.
pub fn tokio_run() -> Result<(), Failure> {
    let runtime = shared::launch::runtime(Clock::Real)
        .map_err(|error| Failure::new(format!("cannot start tokio's runtime: {error}")))?;
    runtime.block_on(main_on_tokio())?;
    Ok(())
}
// ANCHOR_END: tokio

/// Flags of `event-loop`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// How long [`nap`] and [`broken`] sleep for each unit.
pub const PAUSE: Duration = Duration::from_millis(100);

// ANCHOR: survive
/// A task that sleeps `n` pauses, then returns `n`.
pub async fn nap(n: u32) -> u32 {
    executor::sleep(PAUSE * n).await;
    n
}

/// A task that sleeps a pause, then panics.
pub async fn broken() -> u32 {
    executor::sleep(PAUSE).await;
    panic!("broken() gives up half-way");
}

/// Three tasks, the middle one panicking, and a `count()` made but never
/// spawned. Returns what each task's handle gave.
pub async fn survivors() -> Vec<Result<u32, JoinError>> {
    let never_spawned = count(executor::sleep); // a future: none of its body runs yet
    let tasks = [
        executor::spawn(nap(1).instrument(span(0, "nap(1)"))),
        executor::spawn(broken().instrument(span(1, "broken()"))),
        executor::spawn(nap(3).instrument(span(2, "nap(3)"))),
    ];
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await); // a panic comes back as an `Err`, not as a crash
    }
    drop(never_spawned); // dropped unpolled: it never printed `One`
    outcomes
}
// ANCHOR_END: survive

// ANCHOR: panic_hook
/// Runs `demonstration` with a panic hook of its own, which reports a panic
/// in one line on stderr, then puts back the hook that was there.
///
/// Why: Rust's default hook prints what the learner's environment asks for.
/// With `RUST_BACKTRACE=1`, common on developers' machines, it prints a whole
/// backtrace, and printing it takes long enough to stretch `broken()`'s bar
/// on the chart. The demonstration is about the loop surviving the panic,
/// so it says the same, and takes the same time, everywhere.
pub fn with_one_line_panic_reports<T>(demonstration: impl FnOnce() -> T) -> T {
    /// A panic hook, as `std::panic::take_hook` gives it back.
    type Hook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;
    /// Puts the previous hook back, even if `demonstration` itself panics.
    struct Restore(Option<Hook>);
    impl Drop for Restore {
        fn drop(&mut self) {
            // `set_hook` may not be called while this thread unwinds; then
            // the process is ending anyway.
            if let Some(previous) = self.0.take().filter(|_| !std::thread::panicking()) {
                std::panic::set_hook(previous);
            }
        }
    }
    let _restore = Restore(Some(std::panic::take_hook()));
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(a panic whose payload is not text)");
        let place = info.location().map(|at| format!(" at {}:{}", at.file(), at.line())).unwrap_or_default();
        shared::eprintln!("panic hook: a task panicked{place}: {message}");
    }));
    demonstration()
}
// ANCHOR_END: panic_hook

impl From<LoopError> for Failure {
    fn from(error: LoopError) -> Failure {
        Failure::new(error.to_string())
    }
}

impl From<JoinError> for Failure {
    fn from(error: JoinError) -> Failure {
        Failure::new(format!("a task did not finish: {error}"))
    }
}

/// The seed's introspection, `is_running()` and `is_closed()`, through a
/// loop's life, in one line.
pub fn introspection() -> Result<String, Failure> {
    let event_loop = EventLoop::new();
    let before = (event_loop.is_running(), event_loop.is_closed());
    let inside = event_loop.block_on(async { EventLoop::current().is_some_and(|now| now.is_running()) })?;
    let after = event_loop.is_running();
    event_loop.close()?;
    Ok(format!(
        "loop.is_running(): {} before block_on, {inside} inside it, {after} after; \
         loop.is_closed(): {}, then {} after close().",
        before.0,
        before.1,
        event_loop.is_closed()
    ))
}

/// What the loop's counters say, in two lines; "overlapped" only when two
/// timers were ever waiting at once.
pub fn report(stats: &Stats) -> String {
    let overlap = if stats.most_timers_at_once > 1 {
        format!("at most {} waiting at once: the sleeps overlapped", stats.most_timers_at_once)
    } else {
        "never two waiting at once".to_string()
    };
    format!(
        "The loop made {} of {} after {}; {}, {overlap}.\n\
         The timers asked for {} s of sleep in all; the loop sat idle for {} s.",
        plural(stats.polls, "poll", "polls"),
        plural(stats.spawned, "task", "tasks"),
        plural(stats.wakeups, "wake-up", "wake-ups"),
        plural(stats.timers, "timer", "timers"),
        seconds(stats.sleep_asked),
        seconds(stats.idle),
    )
}

/// Runs `count()` ×3 on the home-made loop, then on tokio, then shows what
/// the loop survives.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args
        .no_instant
        .refuse("the home-made loop reads std's clock, and tokio's paused clock cannot reach its timers")
    {
        return code;
    }
    let options = Options::new().timeline(args.timeline).chart_title("The home-made loop");
    shared::run_blocking(options, || {
        println!("{}", styled(HEADING, "count() ×3 on the home-made loop: asyncio.run(main())"));
        let stopwatch = Stopwatch::start();
        let stats = asyncio_run()?;
        println!("{}", footer("count executed in", Clock::Real, stopwatch.elapsed()));
        println!("{}", report(&stats));
        println!("{}", introspection()?);

        println!("\n{}", styled(HEADING, "The same count() ×3 on tokio's current-thread runtime"));
        {
            let chart = shared::timeline::current().new_chart("tokio's current-thread runtime");
            let _chart = shared::timeline::install(chart);
            let stopwatch = Stopwatch::start();
            tokio_run()?;
            println!("{}", footer("count executed in", Clock::Real, stopwatch.elapsed()));
        }
        println!(
            "{}",
            styled(
                NOTE,
                "(One count(), two loops: each given its own sleep, since a timer belongs to its runtime.)"
            )
        );

        println!("\n{}", styled(HEADING, "A task that panics, and a future never spawned"));
        let chart = shared::timeline::current().new_chart("A task that panics");
        let _chart = shared::timeline::install(chart);
        let event_loop = EventLoop::new();
        let outcomes = with_one_line_panic_reports(|| event_loop.block_on(survivors()))?;
        event_loop.close()?;
        for (name, outcome) in ["nap(1)", "broken()", "nap(3)"].iter().zip(&outcomes) {
            match outcome {
                Ok(value) => println!("{name}: Ok({value})"),
                Err(error) => println!("{name}: Err: {error}"),
            }
        }
        let stats = event_loop.stats();
        println!(
            "The loop caught the panic and went on: {} spawned, {} finished, {} panicked.",
            plural(stats.spawned, "task", "tasks"),
            stats.finished,
            stats.panicked
        );
        println!("count() was made but never spawned: never polled, it printed nothing.");
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_calls_it_overlap_only_when_it_was() {
        let one =
            Stats { spawned: 1, polls: 2, wakeups: 1, timers: 1, most_timers_at_once: 1, ..Stats::default() };
        let text = report(&one);
        assert!(text.contains("2 polls of 1 task after 1 wake-up; 1 timer, never two"), "{text}");
        assert!(!text.contains("overlapped"), "{text}");
        let three = Stats { most_timers_at_once: 3, timers: 3, ..one };
        assert!(report(&three).contains("at most 3 waiting at once: the sleeps overlapped"));
    }
}
