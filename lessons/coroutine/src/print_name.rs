//! # `print-name`: a coroutine is a state machine
//!
//! Ports seed 003, §3 "Coroutines using yield": `print_name(prefix)`, a
//! coroutine that *consumes* data. Primed with `next()`, it prints
//! `Searching prefix:Dear` and pauses at `name = (yield)`; every
//! `send(name)` resumes it there with a name, which it prints if the prefix
//! is in it, and pauses it again at the same `yield`; `close()` raises
//! `GeneratorExit` at that `yield`, and it prints `Closing coroutine!!`.
//!
//! Stable Rust has no `yield`: its `Coroutine` trait, with `resume(arg)` for
//! `send(arg)`, is unstable (nightly's `#![feature(coroutines)]`; the same
//! program on nightly is `lessons/coroutine/nightly/print_name.rs`). So the
//! port writes out what the compiler would make of such a coroutine: an
//! enum with one variant per place the function can be, each holding the
//! locals still needed there, and a method per way of resuming it.
//!
//! | Python | here |
//! |---|---|
//! | `corou = print_name("Dear")`: nothing runs yet | [`print_name`] returns [`PrintName::Created`] |
//! | `next(corou)`: run to the first `yield` | [`PrintName::prime`] |
//! | `corou.send(name)`: resume at the `yield` | [`PrintName::send`] |
//! | `corou.close()`: `GeneratorExit` at the `yield` | [`PrintName::close`] |
//! | a generator freed while paused is closed by the garbage collector | dropped, it only frees `prefix`: no code of it runs |
//! | `StopIteration`, `TypeError` from a misuse | a [`CoroutineError`] value |

use std::fmt;
use std::process::ExitCode;

use shared::cli::NoInstantArg;
use shared::colors::{HEADING, NOTE, styled};
use shared::println;

// ANCHOR: state_machine
/// `print_name(prefix)` as the state machine it is: where the coroutine
/// is, and the locals it keeps there.
#[derive(Debug, PartialEq, Eq)]
pub enum PrintName {
    /// Made, not started: no line of the body has run (Python's
    /// `GEN_CREATED`). It holds the argument.
    Created {
        /// The `prefix` argument.
        prefix: String,
    },
    /// Paused at `name = (yield)`, waiting for a name (`GEN_SUSPENDED`).
    /// `prefix` is the one local that lives across the `yield`.
    Suspended {
        /// The `prefix` argument, kept while paused.
        prefix: String,
    },
    /// Finished: closed, nothing can resume it (`GEN_CLOSED`).
    Closed,
}

/// `print_name("Dear")`: makes the coroutine, runs none of its body.
pub fn print_name(prefix: &str) -> PrintName {
    PrintName::Created { prefix: prefix.to_string() }
}

impl PrintName {
    /// `next(corou)`: runs the body from its start to the first `yield`.
    pub fn prime(&mut self) -> Result<(), CoroutineError> {
        match std::mem::replace(self, PrintName::Closed) {
            PrintName::Created { prefix } => {
                println!("Searching prefix:{prefix}");
                *self = PrintName::Suspended { prefix }; // pause at `name = (yield)`
                Ok(())
            }
            suspended @ PrintName::Suspended { .. } => {
                *self = suspended;
                Err(CoroutineError::AlreadyPrimed)
            }
            PrintName::Closed => Err(CoroutineError::Closed),
        }
    }

    /// `corou.send(name)`: resumes at the `yield` with `name`, runs the loop
    /// body once, and pauses at the `yield` again.
    pub fn send(&mut self, name: &str) -> Result<(), CoroutineError> {
        match self {
            PrintName::Suspended { prefix } => {
                if name.contains(prefix.as_str()) {
                    println!("{name}"); // Python's `prefix in name`: anywhere in it
                }
                Ok(()) // `while True`: back to the same `yield`
            }
            PrintName::Created { .. } => Err(CoroutineError::NotPrimed),
            PrintName::Closed => Err(CoroutineError::Closed),
        }
    }

    /// `corou.close()`: `GeneratorExit` at the `yield`, caught by the body,
    /// which says goodbye and ends. A coroutine that never started has no
    /// `try` to catch it in, and just ends; a closed one stays closed.
    pub fn close(&mut self) {
        if let PrintName::Suspended { .. } = std::mem::replace(self, PrintName::Closed) {
            println!("Closing coroutine!!");
        }
    }
}

/// The seed's script: make it, prime it, send two names, close it.
pub fn main() -> Result<(), CoroutineError> {
    let mut corou = print_name("Dear");
    corou.prime()?;
    corou.send("James")?;
    corou.send("Dear James")?;
    corou.close();
    Ok(())
}
// ANCHOR_END: state_machine

// ANCHOR: errors
/// A coroutine used out of turn: an error value, where Python raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoroutineError {
    /// `send` before `next`: Python's `TypeError: can't send non-None value
    /// to a just-started generator`.
    NotPrimed,
    /// `next` on a coroutine paused at its `yield`. Python sends it `None`,
    /// and `"Dear" in None` raises `TypeError` inside the body, which kills
    /// the coroutine; here it stays paused, waiting for a name.
    AlreadyPrimed,
    /// `send` or `next` after the end: Python's `StopIteration`.
    Closed,
}

impl fmt::Display for CoroutineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CoroutineError::NotPrimed => "the coroutine has not reached its `yield` yet: prime it first",
            CoroutineError::AlreadyPrimed => "the coroutine is already paused at its `yield`: send it a name",
            CoroutineError::Closed => "the coroutine is closed: nothing can resume it",
        })
    }
}

impl std::error::Error for CoroutineError {}
// ANCHOR_END: errors

/// Flags of `print-name`: none but the lesson's `--color`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Runs the seed's script, then shows each misuse answered with an error.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) =
        args.no_instant.refuse("print-name waits for nothing: there is no clock to make virtual")
    {
        return code;
    }
    shared::run_blocking(shared::Options::new(), || {
        main().map_err(|error| shared::Failure::new(error.to_string()))?;

        println!("\n{}", styled(HEADING, "Used out of turn, it answers with an error value"));
        let mut fresh = print_name("Dear");
        misuse("corou.send(\"Dear Jane\") before priming", fresh.send("Dear Jane"));
        fresh.prime().map_err(|error| shared::Failure::new(error.to_string()))?;
        misuse("corou.prime() twice", fresh.prime());
        fresh.close();
        misuse("corou.send(\"Dear Jane\") after close()", fresh.send("Dear Jane"));
        println!(
            "{}",
            styled(NOTE, "(Python raises TypeError for the first two and StopIteration for the last.)")
        );
        Ok(())
    })
}

/// Prints what a call out of turn gave back.
fn misuse(call: &str, outcome: Result<(), CoroutineError>) {
    match outcome {
        Ok(()) => println!("{call}: Ok"),
        Err(error) => println!("{call}: Err({error:?}): {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Clock;
    use shared::testing::Recording;

    #[test]
    fn the_seeds_script_prints_three_lines() {
        let recording = Recording::start(Clock::Real);
        main().unwrap();
        assert_eq!(recording.texts(), ["Searching prefix:Dear", "Dear James", "Closing coroutine!!"]);
    }

    #[test]
    fn sending_after_close_is_an_error_value_and_prints_nothing() {
        let recording = Recording::start(Clock::Real);
        let mut corou = print_name("Dear");
        corou.prime().unwrap();
        corou.close();
        assert_eq!(corou, PrintName::Closed);
        assert_eq!(corou.send("Dear Jane"), Err(CoroutineError::Closed));
        assert_eq!(corou.prime(), Err(CoroutineError::Closed));
        assert_eq!(recording.texts(), ["Searching prefix:Dear", "Closing coroutine!!"]);
    }

    #[test]
    fn out_of_turn_calls_leave_the_state_as_it_was() {
        let mut corou = print_name("Dear");
        assert_eq!(corou.send("Dear Jane"), Err(CoroutineError::NotPrimed));
        assert_eq!(corou, PrintName::Created { prefix: "Dear".into() });
        corou.prime().unwrap();
        assert_eq!(corou.prime(), Err(CoroutineError::AlreadyPrimed));
        assert_eq!(corou, PrintName::Suspended { prefix: "Dear".into() });
    }

    #[test]
    fn closing_a_coroutine_that_never_started_prints_nothing() {
        let recording = Recording::start(Clock::Real);
        let mut unstarted = print_name("Dear");
        unstarted.close();
        assert_eq!(unstarted, PrintName::Closed);
        assert_eq!(recording.texts(), Vec::<String>::new());
    }
}
