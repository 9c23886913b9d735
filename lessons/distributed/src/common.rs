//! What the examples share: the queue flags, why none of them takes
//! `--instant`, and the last word of a stop.

use std::fmt::Display;

use shared::Failure;
use shared::cli::NoInstantArg;
use shared::interrupt::TwoStageStop;

use crate::connection::UrlArg;
use crate::queue::Queue;

/// Why no example of this lesson takes `--instant`.
pub const NO_INSTANT: &str =
    "the jobs go through a real Redis server and real processes, on the real clock: there is nothing to skip";

/// The longest queue name.
pub const MAX_QUEUE_NAME: usize = 64;

/// `--redis-url`, `--queue`: which Redis, which queue.
#[derive(clap::Args, Clone, Debug)]
pub struct QueueArgs {
    /// `--redis-url`.
    #[command(flatten)]
    pub url: UrlArg,

    /// The queue: its keys in Redis start with `distributed:{NAME}:`.
    #[arg(long, value_name = "NAME", default_value = "default", value_parser = parse_queue_name, global = true)]
    pub queue: String,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

impl QueueArgs {
    /// The queue's keys.
    pub fn queue(&self) -> Queue {
        Queue::new(&self.queue)
    }
}

/// A queue name: letters, digits, `-`, `_` and `.`, up to 64, so that it
/// can be part of a key name as it is, and be, in braces, the hash tag of
/// all its keys (no brace inside to cut the tag short).
pub fn parse_queue_name(name: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
    if name.is_empty() || name.len() > MAX_QUEUE_NAME || !name.chars().all(allowed) {
        return Err(format!("1 to {MAX_QUEUE_NAME} letters, digits, `-`, `_` or `.`"));
    }
    Ok(name.to_string())
}

/// The last word of a stop in the middle of something: `stopped by Ctrl-C
/// while <doing>; <what>`, or `by SIGTERM`, with the exit code of what asked
/// for it (130 or 143): [`TwoStageStop::failure`], said of a moment.
pub fn stopped_while(stop: &TwoStageStop, doing: impl Display, what: impl Display) -> Failure {
    let exit_code = stop.failure("").exit_code;
    Failure { message: format!("stopped by {} while {doing}; {what}", stop.stopped_by()), exit_code }
}
