//! # `pipe --tuned`: the same numbers, in batches
//!
//! [`crate::pipe`] sends one message per number: a line of JSON written and
//! flushed on its own, so a million numbers are a million `write` system
//! calls for the parent, a million lines for the worker to read and decode,
//! and a million hand-overs between the worker's reading thread and its
//! main thread. None of that is about the numbers.
//!
//! The tuned version sends [`BATCH`] numbers per message, `{"numbers":[1,2,…]}`:
//! the same typed JSON, a few hundred lines in all. The numbers are the same
//! and so is the sum; what changes is how many times each cost is paid. The
//! benchmark (`docs/benchmarks.md`) measures the two side by side.

use std::io;

use serde::{Deserialize, Serialize};
use shared::process::{Parent, Worker};

use crate::message::{self, BadMessage};
use crate::pipe::Sum;

/// Numbers per message.
pub const BATCH: usize = 4096;

/// Parent → worker: many numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Numbers {
    /// The numbers.
    pub numbers: Vec<u64>,
}

// ANCHOR: tuned
/// Sends `1..=count` in messages of [`BATCH`] numbers.
pub fn send_numbers(worker: &mut Worker, count: u64) -> io::Result<()> {
    let mut batch = Numbers { numbers: Vec::with_capacity(BATCH) };
    for n in 1..=count {
        batch.numbers.push(n);
        if batch.numbers.len() == BATCH || n == count {
            message::send(worker, &batch)?; // New! one message per batch
            batch.numbers.clear();
        }
    }
    worker.finish_input()
}

/// Adds up every batch until the parent's `#end`.
pub fn add_up(parent: &Parent) -> Result<Sum, BadMessage> {
    let mut total = Sum { count: 0, sum: 0 };
    while let Some(line) = parent.recv() {
        let Numbers { numbers } = message::decode(&line)?;
        total.count += numbers.len() as u64;
        total.sum += numbers.iter().sum::<u64>();
    }
    Ok(total)
}
// ANCHOR_END: tuned
