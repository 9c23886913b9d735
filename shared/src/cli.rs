//! The flags every lesson takes, as one clap struct to flatten.
//!
//! ```
//! #[derive(clap::Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     common: shared::cli::CommonArgs,
//! }
//! let cli = <Cli as clap::Parser>::parse_from(["lesson", "--seed", "7", "--instant"]);
//! assert_eq!(cli.common.seed, 7);
//! assert!(cli.common.clock().is_virtual());
//! ```

use crate::colors::ColorWhen;
use crate::timing::Clock;

/// Where `--help` lists these flags, apart from each example's own.
const HEADING: &str = "Flags of every lesson";

/// The seed when none is given: the one Real Python's asyncio walkthrough uses.
pub const DEFAULT_SEED: u64 = 444;

/// `--seed`, `--color`, `--timeline`, `--instant`.
///
/// They are global: they can come before or after the example's name.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct CommonArgs {
    /// Seed for every random choice: the same seed gives the same output.
    #[arg(long, global = true, value_name = "N", default_value_t = DEFAULT_SEED, help_heading = HEADING)]
    pub seed: u64,

    /// Color the output: `auto` colors a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto, help_heading = HEADING)]
    pub color: ColorWhen,

    /// After the run, draw a chart of who ran when.
    #[arg(long, global = true, help_heading = HEADING)]
    pub timeline: bool,

    /// Run on a virtual clock that jumps ahead whenever every task waits:
    /// hours of waiting finish at once, and printed times are the simulated ones.
    #[arg(long, global = true, help_heading = HEADING)]
    pub instant: bool,
}

impl CommonArgs {
    /// The clock `--instant` asks for.
    pub fn clock(&self) -> Clock {
        Clock::from_instant_flag(self.instant)
    }
}

impl Default for CommonArgs {
    fn default() -> CommonArgs {
        CommonArgs { seed: DEFAULT_SEED, color: ColorWhen::Auto, timeline: false, instant: false }
    }
}
