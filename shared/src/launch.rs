//! Running an example: the runtime it declares, its clock, its footer and
//! its chart, and its outcome as an exit code.
//!
//! Lessons come in three kinds, and each gets what it needs and nothing else:
//!
//! - a **synchronous** example (plain code, threads, child processes, or a
//!   hand-written event loop) runs with [`run_blocking`]: no async runtime is
//!   entered, and every time it reads is std's;
//! - an **async** example runs with [`run_async`] on tokio's current-thread
//!   runtime, like Python's single-threaded event loop; on the real clock, or
//!   on the paused one when its [`Options`] say so (`--instant`).
//!
//! Either way the launcher installs the run's clock and recorder on the
//! calling thread (what [`span`](crate::span), [`Stopwatch::start`] and the
//! print macros use), prints the footer if the example has one, draws the
//! timeline if `--timeline` was given, and turns a [`Failure`] into its
//! message and exit code. In a worker process (see [`crate::process`]) the
//! recorder sends bars to the parent instead, and no chart is drawn.

use std::future::Future;
use std::process::ExitCode;

use crate::Failure;
use crate::cli::TimelineArg;
use crate::timeline::{self, Recorder, Timeline};
use crate::timing::{Clock, Stopwatch};

/// How an example is run, from its flags.
#[derive(Clone, Debug, Default)]
pub struct Options {
    timeline: bool,
    virtual_clock: bool,
    footer: Option<String>,
    title: Option<String>,
}

impl Options {
    /// Real clock, no chart, no footer.
    pub fn new() -> Options {
        Options::default()
    }

    /// Draws the chart after the run when `--timeline` was given.
    pub fn timeline(mut self, timeline: TimelineArg) -> Options {
        self.timeline = timeline.timeline;
        self
    }

    /// Runs on `clock` ([`run_async`] only: a blocking example is always on
    /// the real clock).
    pub fn clock(mut self, clock: Clock) -> Options {
        self.virtual_clock = clock.is_virtual();
        self
    }

    /// Ends the run with `{prefix} X seconds.`, the originals' last line
    /// (`count executed in`, `Program finished in`).
    pub fn footer(mut self, prefix: impl Into<String>) -> Options {
        self.footer = Some(prefix.into());
        self
    }

    /// Titles the main chart (`Timeline` when not given).
    pub fn chart_title(mut self, title: impl Into<String>) -> Options {
        self.title = Some(title.into());
        self
    }
}

/// Runs a synchronous example: no async runtime is entered.
///
/// ```
/// use shared::{Options, println, run_blocking, span};
///
/// let code = run_blocking(Options::new().footer("work finished in"), || {
///     span(0, "work").in_scope(|| println!("working, in row 0's color"));
///     Ok(())
/// });
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// ```
pub fn run_blocking(options: Options, example: impl FnOnce() -> Result<(), Failure>) -> ExitCode {
    let run = Run::start(&options, Clock::Real);
    let outcome = example();
    run.finish(&options, outcome)
}

/// Runs an async example on tokio's current-thread runtime: every task on
/// the calling thread, like Python's event loop; the clock paused when the
/// options ask for the virtual one.
///
/// ```
/// use std::time::Duration;
/// use shared::{Clock, Options, run_async};
///
/// // An hour of sleeping on the virtual clock takes no time at all.
/// let code = run_async(Options::new().clock(Clock::Virtual).footer("slept"), || async {
///     tokio::time::sleep(Duration::from_secs(3600)).await;
///     Ok(())
/// });
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// ```
pub fn run_async<F, Fut>(options: Options, example: F) -> ExitCode
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), Failure>>,
{
    let clock = if options.virtual_clock { Clock::Virtual } else { Clock::Real };
    let runtime = match runtime(clock) {
        Ok(runtime) => runtime,
        Err(error) => {
            crate::eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Inside the runtime, so that a paused clock's time zero is tokio's.
    let code = runtime.block_on(async {
        let run = Run::start(&options, clock);
        let outcome = example().await;
        run.finish(&options, outcome)
    });
    // A thread may still be blocked reading stdin (see `console`); the work
    // that matters has been awaited, so do not wait for it.
    runtime.shutdown_background();
    code
}

/// The current-thread runtime, its clock paused when `clock` is virtual.
pub fn runtime(clock: Clock) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().start_paused(clock.is_virtual()).build()
}

/// What a launcher set up, undone in `finish`.
struct Run {
    timeline: Option<Timeline>,
    stopwatch: Stopwatch,
    _installed: timeline::Installed,
    _clock: crate::timing::ClockGuard,
}

impl Run {
    fn start(options: &Options, clock: Clock) -> Run {
        let clock_guard = clock.install();
        // A worker sends its bars to its parent; otherwise we draw our own.
        let (timeline, recorder) = match crate::process::parent_recorder() {
            Some(to_parent) => (None, to_parent),
            None if options.timeline => {
                let mut timeline = Timeline::start(clock);
                if let Some(title) = &options.title {
                    timeline = timeline.titled(title);
                }
                let recorder = timeline.recorder();
                (Some(timeline), recorder)
            }
            None => (None, Recorder::off()),
        };
        Run {
            timeline,
            stopwatch: Stopwatch::start_on(clock),
            _installed: timeline::install(recorder),
            _clock: clock_guard,
        }
    }

    fn finish(self, options: &Options, outcome: Result<(), Failure>) -> ExitCode {
        if let (Some(prefix), Ok(())) = (&options.footer, &outcome) {
            crate::println!("{}", self.stopwatch.footer(prefix));
        }
        if let Some(timeline) = &self.timeline {
            let drawn = timeline.render(timeline::terminal_width());
            if !drawn.is_empty() {
                crate::println!("\n{}", drawn.trim_end());
            }
        }
        match outcome {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => {
                crate::eprintln!("error: {failure}");
                ExitCode::from(failure.exit_code)
            }
        }
    }
}
