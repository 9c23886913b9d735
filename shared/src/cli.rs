//! The flags lessons share, in small groups: each example flattens the ones
//! that do something there, so its `--help` lists nothing idle.
//!
//! | group | flag | who takes it |
//! |---|---|---|
//! | [`ColorArg`] | `--color auto\|always\|never` | every lesson, before or after the example's name |
//! | [`TimelineArg`] | `--timeline` | examples with something to draw |
//! | [`SeedArg`] | `--seed N` | examples that draw random numbers |
//! | [`InstantArg`] | `--instant` | async examples whose waits are timers |
//! | [`NoInstantArg`] | `--instant`, hidden | the rest: refused with one line, exit 2 |
//!
//! ```
//! use clap::Parser;
//! use shared::cli::{ColorArg, InstantArg, SeedArg};
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     color: ColorArg,
//!     #[command(flatten)]
//!     seed: SeedArg,
//!     #[command(flatten)]
//!     instant: InstantArg,
//! }
//! let cli = Cli::parse_from(["lesson", "--seed", "7", "--instant"]);
//! assert_eq!(cli.seed.seed, 7);
//! assert!(cli.instant.clock().is_virtual());
//! ```

use std::io;
use std::process::ExitCode;

use crate::colors::ColorWhen;
use crate::random::Rng;
use crate::timing::Clock;

/// Where `--help` lists these flags, apart from each example's own.
pub const HEADING: &str = "Common flags";

/// The seed when none is given: the one Real Python's asyncio walkthrough uses.
pub const DEFAULT_SEED: u64 = 444;

/// The exit code for a flag that cannot be used, as clap's own usage errors.
pub const USAGE_ERROR: u8 = 2;

/// `--color`, on the lesson: it can come before or after the example's name.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColorArg {
    /// Color the output: `auto` colors a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, help_heading = HEADING)]
    pub color: ColorWhen,
}

impl ColorArg {
    /// Makes the choice the one every print obeys.
    pub fn apply(self) {
        self.color.apply();
    }
}

/// `--timeline`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimelineArg {
    /// After the run, draw a chart of who ran when.
    #[arg(long, help_heading = HEADING)]
    pub timeline: bool,
}

/// `--seed`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedArg {
    /// Seed for every random choice: the same seed gives the same output.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED, help_heading = HEADING)]
    pub seed: u64,
}

impl Default for SeedArg {
    fn default() -> SeedArg {
        SeedArg { seed: DEFAULT_SEED }
    }
}

impl SeedArg {
    /// The generator of task number `task` (see [`crate::random`]).
    pub fn rng(&self, task: usize) -> Rng {
        crate::random::rng(self.seed, task as u64)
    }
}

/// `--instant`, for an async example whose waits are timers.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InstantArg {
    /// Run on a virtual clock that jumps ahead whenever every task waits:
    /// hours of waiting finish at once, and printed times are the simulated ones.
    #[arg(long, help_heading = HEADING)]
    pub instant: bool,
}

impl InstantArg {
    /// The clock `--instant` asks for.
    pub fn clock(&self) -> Clock {
        Clock::from_instant_flag(self.instant)
    }
}

/// `--instant` on an example that cannot run on the virtual clock (threads,
/// processes, blocking sleeps): hidden from `--help`, and refused with one
/// clear line rather than silently ignored.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NoInstantArg {
    /// Not available here.
    #[arg(long, hide = true)]
    pub instant: bool,
}

impl NoInstantArg {
    /// `Err` (after printing why) when `--instant` was given; `why` says what
    /// keeps this example off the virtual clock.
    pub fn refuse(&self, why: &str) -> Result<(), ExitCode> {
        if self.instant { Err(refuse_instant(why)) } else { Ok(()) }
    }
}

/// Prints `error: --instant is not available here: <why>` and returns exit
/// code 2, for flag combinations the virtual clock cannot serve.
pub fn refuse_instant(why: &str) -> ExitCode {
    crate::eprintln!("error: --instant is not available here: {why}");
    ExitCode::from(USAGE_ERROR)
}

/// Parses the command line into `C`, like `C::parse()`, but a `--help` or
/// error message that cannot be written ends the program like any other
/// failed write (see [`crate::output`]), never with a panic.
pub fn parse<C: clap::Parser>() -> C {
    match C::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            if let Err(write_error) = error.print() {
                if write_error.kind() == io::ErrorKind::BrokenPipe {
                    std::process::exit(0);
                }
                let _ = io::Write::write_fmt(
                    &mut io::stderr(),
                    format_args!("error: cannot write to standard output: {write_error}\n"),
                );
                std::process::exit(1);
            }
            std::process::exit(error.exit_code());
        }
    }
}
