//! # `generator`: a function that pauses and keeps its locals
//!
//! Ports seed 003, "Async IO's Roots in Generators" (whose code is in Real
//! Python's asyncio walkthrough: `endless()`, which yields 9, 8, 7, 6, 9, 8,
//! … forever; a loop draws from it until a total is reached and breaks,
//! "pausing" it; three `next()` calls resume it).
//!
//! A function is all or nothing: once called, it runs to its `return`. A
//! generator stops at each `yield`, hands a value out, and keeps its local
//! variables until the caller asks for the next one with `next()`. Stable
//! Rust has no `yield`, and does not need one for this: an [`Iterator`] is
//! a generator whose locals live in a struct, and whose `next()` is the
//! resume. Three ways to write `endless()`, from the shortest to the most
//! explicit:
//!
//! - [`endless`]: the library's `cycle()`, as Python's `yield from
//!   cycle(..)`;
//! - [`endless_from_fn`]: [`std::iter::from_fn`], a closure whose captured
//!   variable is the local the generator keeps;
//! - [`Endless`]: a struct with that local as its field, and `next()`
//!   written out: what the other two amount to.
//!
//! The walkthrough's loop has a flaw: `for i in e: … else: break` draws the
//! number that ends the loop, then breaks with it in hand, and it is gone.
//! Resumed, the generator goes on *after* it. [`draw_until`] ports the loop
//! as it is; [`draw_until_fixed`] checks the total before drawing, and loses
//! nothing.

use std::process::ExitCode;

use shared::cli::NoInstantArg;
use shared::colors::{HEADING, styled};
use shared::{print, println};

// ANCHOR: endless
/// `def endless(): yield from cycle((9, 8, 7, 6))`.
pub fn endless() -> impl Iterator<Item = u32> {
    CYCLE.into_iter().cycle()
}

/// The walkthrough's loop, as it is: draw and print numbers while the total
/// is under `limit`, then `break`, leaving the generator paused. Returns the
/// total.
///
/// WRONG: `for i in numbers.by_ref()` draws a number before the check; the
/// one that fails the check is dropped by the `break`.
pub fn draw_until(numbers: &mut impl Iterator<Item = u32>, limit: u32) -> u32 {
    let mut total = 0;
    for i in numbers.by_ref() {
        if total < limit {
            print!("{i} ");
            total += i;
        } else {
            println!();
            break; // WRONG: `i` was drawn, and is dropped here
        }
    }
    total
}

/// The seed's script: draw until the total reaches [`LIMIT`], then resume
/// with three `next()` calls.
pub fn main() -> [Option<u32>; 3] {
    let mut e = endless();
    let total = draw_until(&mut e, LIMIT);
    println!("paused at a total of {total}");
    [e.next(), e.next(), e.next()] // resume
}
// ANCHOR_END: endless

/// The numbers `endless()` cycles through.
pub const CYCLE: [u32; 4] = [9, 8, 7, 6];

/// Where the walkthrough's loop stops drawing.
pub const LIMIT: u32 = 100;

// ANCHOR: locals
/// `endless()` with its local written out: `position` lives in the closure
/// between calls, as a generator's locals live in its frame between `yield`s.
pub fn endless_from_fn() -> impl Iterator<Item = u32> {
    let mut position = 0;
    std::iter::from_fn(move || {
        let value = CYCLE[position];
        position = (position + 1) % CYCLE.len();
        Some(value) // `yield value`; `None` would end it
    })
}

/// The same as a struct: the generator's frame, with `next()` as its resume.
#[derive(Clone, Debug, Default)]
pub struct Endless {
    /// Where it is in the cycle: the local kept while it is paused.
    position: usize,
}

impl Iterator for Endless {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let value = CYCLE[self.position];
        self.position = (self.position + 1) % CYCLE.len();
        Some(value)
    }
}
// ANCHOR_END: locals

// ANCHOR: fixed
/// The loop that loses nothing: it checks the total *before* drawing, so
/// every number drawn is used, and the next `next()` goes on from there.
pub fn draw_until_fixed(numbers: &mut impl Iterator<Item = u32>, limit: u32) -> u32 {
    let mut total = 0;
    while total < limit {
        let Some(i) = numbers.next() else { break }; // a generator that ends ends the loop
        print!("{i} ");
        total += i; // New: the check comes before the next draw
    }
    println!();
    total
}
// ANCHOR_END: fixed

/// Flags of `generator`: none but the lesson's `--color`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// Runs the seed's script, then the fixed loop on each way of writing the
/// generator.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) =
        args.no_instant.refuse("generator waits for nothing: there is no clock to make virtual")
    {
        return code;
    }
    shared::run_blocking(shared::Options::new(), || {
        println!("{}", styled(HEADING, "endless(), drawn until the total reaches 100, then resumed"));
        println!("next(e), next(e), next(e) = {}", triple(main()));

        println!("\n{}", styled(HEADING, "The number that ended the loop was lost: check before drawing"));
        let generators: [(&str, Box<dyn Iterator<Item = u32>>); 3] = [
            ("endless()", Box::new(endless())),
            ("endless_from_fn()", Box::new(endless_from_fn())),
            ("Endless::default()", Box::new(Endless::default())),
        ];
        for (name, mut generator) in generators {
            println!("{name}:");
            let total = draw_until_fixed(&mut generator, LIMIT);
            let resumed = [generator.next(), generator.next(), generator.next()];
            println!("paused at a total of {total}; resumed: {}", triple(resumed));
        }
        Ok(())
    })
}

/// `(7, 6, 9)`, as Python prints a tuple of three `next()` calls.
fn triple(values: [Option<u32>; 3]) -> String {
    let shown: Vec<String> = values
        .iter()
        .map(|value| value.map_or_else(|| "None".to_string(), |value| value.to_string()))
        .collect();
    format!("({})", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Clock;
    use shared::testing::Recording;

    #[test]
    fn the_three_generators_yield_the_same_endless_cycle() {
        let expected: Vec<u32> = (0..40).map(|i| CYCLE[i % 4]).collect();
        assert_eq!(endless().take(40).collect::<Vec<_>>(), expected);
        assert_eq!(endless_from_fn().take(40).collect::<Vec<_>>(), expected);
        assert_eq!(Endless::default().take(40).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn the_seeds_loop_loses_the_number_that_ended_it() {
        let recording = Recording::start(Clock::Real);
        assert_eq!(main(), [Some(6), Some(9), Some(8)]);
        let printed = recording.texts().concat();
        // 14 numbers add up to 107; the 15th, a 7, was drawn and dropped.
        assert!(printed.starts_with("9 8 7 6 9 8 7 6 9 8 7 6 9 8 "), "{printed}");
        assert!(printed.contains("paused at a total of 107"), "{printed}");
    }

    #[test]
    fn the_fixed_loop_resumes_where_it_stopped() {
        for mut generator in [
            Box::new(endless()) as Box<dyn Iterator<Item = u32>>,
            Box::new(endless_from_fn()),
            Box::new(Endless::default()),
        ] {
            assert_eq!(draw_until_fixed(&mut generator, LIMIT), 107);
            assert_eq!([generator.next(), generator.next(), generator.next()], [Some(7), Some(6), Some(9)]);
        }
    }

    #[test]
    fn the_fixed_loop_stops_when_a_generator_ends() {
        let mut short = [50, 20].into_iter();
        assert_eq!(draw_until_fixed(&mut short, LIMIT), 70);
        assert_eq!(draw_until_fixed(&mut [].into_iter(), 0), 0);
    }
}
