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
    parse_from(std::env::args_os())
}

/// [`parse`] for a lesson with a default example (`queue` runs `asyncq`,
/// `pool` runs `compare`): a command line that names no example runs
/// `default` with the flags given, so `queue -p 2 -c 3` is `queue asyncq -p
/// 2 -c 3`, as the original's `asyncq.py -p 2 -c 3`.
///
/// The default is inserted as the example's name, rather than flattening
/// its flags into the lesson's: flags on the lesson conflict with a named
/// example (clap's `args_conflicts_with_subcommands`), and that refused
/// `queue --color never asyncq`, a common flag before the example's name.
pub fn parse_with_default<C: clap::Parser>(default: &str) -> C {
    parse_from(with_default_example(&C::command(), std::env::args_os().collect(), default))
}

/// `arguments` (the program's name first) with `default` inserted as the
/// example's name when none is given and no help or version is asked of the
/// lesson itself.
pub fn with_default_example(
    lesson: &clap::Command,
    mut arguments: Vec<std::ffi::OsString>,
    default: &str,
) -> Vec<std::ffi::OsString> {
    let names: Vec<&str> = lesson
        .get_subcommands()
        .flat_map(|example| std::iter::once(example.get_name()).chain(example.get_all_aliases()))
        .chain(["help"])
        .collect();
    let rest = arguments.get(1..).unwrap_or_default();
    // A value that happens to spell an example's name (`--seed map`) is an
    // error either way, so looking for the name anywhere is enough.
    let named = rest.iter().any(|argument| argument.to_str().is_some_and(|word| names.contains(&word)));
    // `queue --help` is the lesson's help; `queue -p 2 --help` is asyncq's.
    let words: Vec<Option<&str>> = rest.iter().map(|argument| argument.to_str()).collect();
    let asks_help = words.iter().any(|word| matches!(word, Some("-h" | "--help" | "-V" | "--version")));
    let lesson_level = |index: usize, word: Option<&str>| match word {
        Some("-h" | "--help" | "-V" | "--version" | "--color") => true,
        Some(word) if word.starts_with("--color=") => true,
        _ => index > 0 && words[index - 1] == Some("--color"),
    };
    let about_the_lesson =
        asks_help && words.iter().enumerate().all(|(index, word)| lesson_level(index, *word));
    if !named && !about_the_lesson {
        arguments.insert(1.min(arguments.len()), default.into());
    }
    arguments
}

fn parse_from<C: clap::Parser>(arguments: impl IntoIterator<Item = std::ffi::OsString>) -> C {
    match C::try_parse_from(arguments) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser, Subcommand};

    #[derive(Parser, Debug)]
    struct Lesson {
        #[command(flatten)]
        color: ColorArg,
        #[command(subcommand)]
        example: Example,
    }

    #[derive(Subcommand, Debug, PartialEq)]
    enum Example {
        Asyncq {
            #[arg(short)]
            p: Option<u32>,
        },
        Threads,
    }

    fn parsed(line: &[&str]) -> Result<Lesson, clap::Error> {
        let arguments = line.iter().map(Into::into).collect();
        Lesson::try_parse_from(with_default_example(&Lesson::command(), arguments, "asyncq"))
    }

    #[test]
    fn a_lesson_with_a_default_example_takes_common_flags_before_and_after_any_name() {
        let never = |lesson: Lesson| lesson.color.color == ColorWhen::Never;
        assert!(never(parsed(&["queue", "--color", "never", "asyncq"]).unwrap()));
        assert!(never(parsed(&["queue", "asyncq", "--color", "never"]).unwrap()));
        assert!(never(parsed(&["queue", "--color", "never", "threads"]).unwrap()));
        assert!(never(parsed(&["queue", "--color", "never"]).unwrap()));
        assert_eq!(parsed(&["queue", "-p", "2"]).unwrap().example, Example::Asyncq { p: Some(2) });
        assert_eq!(parsed(&["queue"]).unwrap().example, Example::Asyncq { p: None });
        assert_eq!(parsed(&["queue", "threads"]).unwrap().example, Example::Threads);
        // Help and version are the lesson's, not the default example's.
        assert_eq!(parsed(&["queue", "--help"]).unwrap_err().kind(), clap::error::ErrorKind::DisplayHelp);
        let help_of = |line: &[&str]| parsed(line).unwrap_err().to_string();
        assert!(help_of(&["queue", "--color", "never", "--help"]).contains("Commands:"));
        assert!(help_of(&["queue", "-p", "2", "--help"]).contains("Usage: queue asyncq"));
        // A flag of one example before another's name is refused.
        assert!(parsed(&["queue", "-p", "2", "threads"]).is_err());
    }
}
