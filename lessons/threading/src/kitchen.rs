//! # `kitchen`: one cook, or several
//!
//! Ports seed 004's analogy for threads: a restaurant kitchen, where cooks
//! (threads) work on different dishes (tasks) at the same time, and finish
//! sooner than one cook doing every dish in turn. The seed tells it; here
//! it runs.
//!
//! The orders hang on a rail (a queue behind a `Mutex`). Each cook is a
//! thread: it takes the next order, cooks it (a short sleep, as cooking is
//! mostly waiting for the oven), and takes the next, until the rail is
//! empty. The same kitchen runs twice, first with one cook, then with
//! `--cooks N`; `--timeline` draws both on one time axis, one row per cook:
//! the lone cook's long bar, then the team's bars side by side.
//!
//! The lock is held only while a cook takes an order, never while it cooks.
//! Holding it longer is the classic way to turn threads back into a queue:
//! see "Try it yourself" in the chapter.

use std::collections::VecDeque;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::compare::{Comparison, capitalize, times};
use shared::timing::{Stopwatch, plural, secs};
use shared::{Failure, Options, Span, println, span};

use crate::{THREADS_ARE_REAL, THREADS_FLOOR, cannot_start, thread_panicked};

// ANCHOR: cook
/// One cook's shift: take the next order off the rail, cook it, repeat
/// until the rail is empty. Each dish is drawn on the cook's row of the
/// chart (`station`). Returns the numbers of the dishes it made.
pub fn cook(name: &str, station: &Span, rail: &Mutex<VecDeque<Dish>>, dish_time: Duration) -> Vec<u32> {
    let mut cooked = Vec::new();
    loop {
        // The guard is a temporary: the lock is let go at the end of this
        // line, before the cooking starts, so the other cooks can take orders.
        let next = rail.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
        let Some(dish) = next else { break };
        station.clone().in_scope(|| {
            thread::sleep(dish_time); // cooking
            println!("{name}: {} #{} is ready", dish.name, dish.number);
        });
        cooked.push(dish.number);
    }
    cooked
}

/// The kitchen: `cooks` cooks, each on its own thread (rows `first_row`
/// and on), share one rail of `dishes` orders. Returns what each cook made.
pub fn kitchen(
    cooks: u32,
    dishes: u32,
    dish_time: Duration,
    first_row: usize,
) -> Result<Vec<Vec<u32>>, Failure> {
    let rail = Mutex::new(orders(dishes));
    let rail = &rail;
    thread::scope(|scope| {
        let mut shifts = Vec::new();
        for index in 0..cooks as usize {
            let name = if cooks == 1 { "one cook".to_string() } else { format!("cook {}", index + 1) };
            let station = span(first_row + index, name.clone());
            let shift = thread::Builder::new()
                .name(name.clone())
                .spawn_scoped(scope, move || cook(&name, &station, rail, dish_time))
                .map_err(cannot_start)?; // the cooks already started empty the rail and go home
            shifts.push(shift);
        }
        shifts.into_iter().map(|shift| shift.join().map_err(thread_panicked)).collect()
    })
}
// ANCHOR_END: cook

/// The most cooks `--cooks` accepts.
pub const MAX_COOKS: u32 = 64;

/// The most dishes `--dishes` accepts.
pub const MAX_DISHES: u32 = 1000;

/// What the kitchen cooks, in turn.
const MENU: [&str; 6] = ["soup", "salad", "pasta", "steak", "curry", "cake"];

/// Flags of `kitchen`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// How many cooks work together in the second run.
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=MAX_COOKS as i64))]
    pub cooks: u32,

    /// How many dishes are ordered.
    #[arg(long, value_name = "N", default_value_t = 6,
          value_parser = clap::value_parser!(u32).range(0..=MAX_DISHES as i64))]
    pub dishes: u32,

    /// How long one dish takes, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(0..=10_000))]
    pub dish_ms: u64,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// One order: its number on the rail (from 1) and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dish {
    /// The order's number, from 1.
    pub number: u32,
    /// What to cook.
    pub name: &'static str,
}

/// The rail of `dishes` orders, numbered from 1, the menu in turn.
pub fn orders(dishes: u32) -> VecDeque<Dish> {
    (1..=dishes).map(|number| Dish { number, name: MENU[(number as usize - 1) % MENU.len()] }).collect()
}

/// Checks that every dish was made once and only once; says which were not.
pub fn every_dish_once(made: &[Vec<u32>], dishes: u32) -> Result<(), Failure> {
    let mut numbers: Vec<u32> = made.iter().flatten().copied().collect();
    numbers.sort_unstable();
    if numbers.iter().copied().eq(1..=dishes) {
        Ok(())
    } else {
        Err(Failure::new(format!("the dishes made were {numbers:?}, not each of 1 to {dishes} once")))
    }
}

/// Runs a kitchen, checks it, and prints how long it took.
fn service(cooks: u32, args: &Args, first_row: usize) -> Result<Duration, Failure> {
    let stopwatch = Stopwatch::start();
    let made = kitchen(cooks, args.dishes, Duration::from_millis(args.dish_ms), first_row)?;
    let took = stopwatch.elapsed();
    every_dish_once(&made, args.dishes)?;
    let cooks = plural(cooks, "cook", "cooks");
    let per_cook: Vec<String> = made.iter().map(|dishes| dishes.len().to_string()).collect();
    match args.dishes {
        0 => println!("{cooks}: no dishes, nothing to cook. ({})", secs(took)),
        1 => println!("{cooks}: 1 dish in {}, cooked exactly once.", secs(took)),
        dishes => println!(
            "{cooks}: {dishes} dishes in {}, every one cooked exactly once (dishes per cook: {}).",
            secs(took),
            per_cook.join(", ")
        ),
    }
    Ok(took)
}

/// How the team did against one cook, in words that are true for the
/// measured times ([`shared::compare`]: no dishes is nothing to compare,
/// and runs too short to time say so).
pub fn verdict(cooks: u32, dishes: u32, alone: Duration, team: Duration) -> String {
    let comparison =
        Comparison::new(alone, team).floor(THREADS_FLOOR).nothing_if(dishes == 0, "no dishes were ordered");
    match comparison.verdict().ratio() {
        Some(ratio) if cooks == 1 => {
            format!("One cook both times: the two runs differ by chance alone ({}).", times(ratio))
        }
        _ => format!("{}.", capitalize(&comparison.sentence(&format!("{cooks} cooks were"), "one"))),
    }
}

/// Runs the example: one cook, then the team, on the same orders.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        let each = format!("{} ms each", args.dish_ms);
        println!("One cook, {} ({each}):", plural(args.dishes, "dish", "dishes"));
        let alone = service(1, args, 0)?;
        println!();
        println!(
            "{}, the same {}:",
            plural(args.cooks, "cook", "cooks"),
            plural(args.dishes, "dish", "dishes")
        );
        let team = service(args.cooks, args, 1)?;
        println!();
        println!("{}", verdict(args.cooks, args.dishes, alone, team));
        Ok(())
    })
}
