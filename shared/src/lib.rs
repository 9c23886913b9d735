//! What every lesson of the course uses.
//!
//! - [`timing`]: a stopwatch on tokio's clock and the `executed in X seconds` footer;
//! - [`colors`]: one color per task, off when output is not a terminal;
//! - [`timeline`]: spans recorded during a run, drawn after it as a text Gantt chart;
//! - [`console`]: lines from stdin without blocking the runtime (`aioconsole.ainput`);
//! - [`interrupt`]: Ctrl-C in two steps (finish the queue, then stop at once);
//! - [`files`]: writing a file so that nobody ever sees half of it;
//! - [`cli`]: the common flags, and [`launch`], which builds the runtime they ask for.

pub mod cli;
pub mod colors;
pub mod console;
pub mod files;
pub mod interrupt;
pub mod timeline;
pub mod timing;

use std::fmt;
use std::future::Future;
use std::process::ExitCode;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::cli::CommonArgs;
use crate::timeline::{Recorder, Timeline};
use crate::timing::Clock;

/// What an example is given besides its own flags.
#[derive(Clone, Debug)]
pub struct Context {
    /// The clock the run is on: real, or paused under `--instant`.
    pub clock: Clock,
    /// `--seed`.
    pub seed: u64,
    /// Where tasks record their spans (does nothing without `--timeline`).
    pub timeline: Recorder,
}

impl Context {
    /// A context with no timeline, for tests.
    pub fn new(clock: Clock, seed: u64) -> Context {
        Context { clock, seed, timeline: Recorder::off() }
    }

    /// A random generator of its own for task number `task`.
    ///
    /// Tasks that shared one generator would get different numbers whenever
    /// they ran in a different order. One generator per task, seeded from
    /// `--seed` and the task's number, makes every task's numbers depend on
    /// the seed alone.
    pub fn rng(&self, task: u64) -> StdRng {
        // Mix the task number into the seed so that seeds 1 (task 2) and 2
        // (task 1) do not give the same stream.
        StdRng::seed_from_u64(self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(task))
    }
}

/// An example that could not do its job: a message for the user and the
/// process's exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What went wrong, in words for the user.
    pub message: String,
    /// The exit code: 1 for errors, 130 for a stop asked with Ctrl-C.
    pub exit_code: u8,
}

impl Failure {
    /// An error (exit code 1).
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), exit_code: 1 }
    }

    /// Stopped by Ctrl-C (exit code 130, as shells report a SIGINT).
    pub fn interrupted(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), exit_code: 130 }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Runs one example: applies `--color`, builds the runtime, runs `example` on
/// it, draws the timeline if asked, and turns the outcome into an exit code.
///
/// The runtime is tokio's *current-thread* runtime: like Python's event loop,
/// every task runs on the one thread that calls this. It is the only kind of
/// runtime whose clock can be paused, which `clock = Virtual` asks for
/// (`--instant`, or an example such as `chess` that is virtual by default).
pub fn launch<F, Fut>(common: &CommonArgs, clock: Clock, example: F) -> ExitCode
where
    F: FnOnce(Context) -> Fut,
    Fut: Future<Output = Result<(), Failure>>,
{
    common.color.apply();
    let runtime = match runtime(clock) {
        Ok(runtime) => runtime,
        Err(error) => {
            anstream::eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        let timeline = common.timeline.then(Timeline::start);
        let context = Context {
            clock,
            seed: common.seed,
            timeline: timeline.as_ref().map(Timeline::recorder).unwrap_or_default(),
        };
        let outcome = example(context).await;
        if let Some(timeline) = timeline {
            let chart = timeline::render(&timeline.spans(), timeline::terminal_width(), clock);
            if !chart.is_empty() {
                anstream::println!("\n{chart}");
            }
        }
        outcome
    });
    // A thread may still be blocked reading stdin (see `console`); the work
    // that matters has been awaited, so do not wait for it.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            anstream::eprintln!("error: {failure}");
            ExitCode::from(failure.exit_code)
        }
    }
}

/// `text` cut to at most `max` characters (not bytes), ending in `…` when
/// cut: for timeline labels, and for echoing a user's over-long line back.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// The single-threaded runtime, its clock paused when `clock` is virtual.
pub fn runtime(clock: Clock) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().start_paused(clock.is_virtual()).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn each_task_has_its_own_reproducible_generator() {
        let context = Context::new(Clock::Real, 444);
        let draw = |task| context.rng(task).random_range(0..1_000_000u32);
        assert_eq!(draw(0), draw(0));
        assert_ne!(draw(0), draw(1));
        let other_seed = Context::new(Clock::Real, 445);
        assert_ne!(context.rng(0).random_range(0..u64::MAX), other_seed.rng(0).random_range(0..u64::MAX));
    }

    #[test]
    fn shorten_counts_characters_not_bytes() {
        assert_eq!(shorten("counter 1", 20), "counter 1");
        assert_eq!(shorten("ééééé", 5), "ééééé");
        assert_eq!(shorten("éééééé", 5), "éééé…");
        assert_eq!(shorten("abc", 0), "…");
    }

    #[test]
    fn the_virtual_runtime_starts_paused() {
        let runtime = runtime(Clock::Virtual).unwrap();
        let simulated = runtime.block_on(async {
            let start = tokio::time::Instant::now();
            tokio::time::sleep(std::time::Duration::from_secs(86_400)).await;
            start.elapsed()
        });
        assert_eq!(simulated, std::time::Duration::from_secs(86_400));
    }
}
