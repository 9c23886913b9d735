//! # `hand-polled`: a future, written and polled by hand
//!
//! Ports seed 003, "Async IO's Roots in Generators": a coroutine is a
//! generator underneath; `await` is `yield from`, passing the inner one's
//! pauses up to whoever drives the outer one.
//!
//! In Rust the driver is whoever calls [`Future::poll`]; there is no
//! runtime in this example at all. Each poll answers `Pending` (not done:
//! poll me again after you are woken) or `Ready(value)`.
//!
//! - [`Countdown`] is a future written by hand: `Pending` a set number of
//!   times, then `Ready(value)`.
//! - [`poll_by_hand`] polls a future in a loop with [`Waker::noop`], a
//!   waker that does nothing, and prints every answer.
//! - [`both`] is an `async fn` that awaits two countdowns. Polled by hand,
//!   each of its polls runs until an inner countdown says `Pending`, and
//!   that `Pending` is what `both` answers: `.await` passes it up the chain,
//!   as `yield from` passes up a `yield`.
//! - [`Both`] is the state machine the compiler makes of `both`, written
//!   out; its size, with `size_of_val`, is what one paused `both()` costs.

use std::fmt::Debug;
use std::future::Future;
use std::mem::{size_of, size_of_val};
use std::pin::{Pin, pin};
use std::process::ExitCode;
use std::task::{Context, Poll, Waker};

use shared::cli::NoInstantArg;
use shared::colors::{HEADING, NOTE, styled};
use shared::println;

// ANCHOR: countdown
/// A future that answers `Pending` `pending` times, then `Ready(value)`.
#[derive(Debug)]
pub struct Countdown {
    /// Its name in what it prints.
    pub name: &'static str,
    /// How many more times it will answer `Pending`.
    pub pending: u32,
    /// What it is ready with in the end.
    pub value: u32,
}

impl Future for Countdown {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<u32> {
        if self.pending == 0 {
            println!("  {} → Ready({})", self.name, self.value);
            return Poll::Ready(self.value);
        }
        self.pending -= 1;
        println!("  {} → Pending", self.name);
        // Ready to go on at once, so it asks to be polled again right away.
        // A future that answers Pending must arrange to be woken: the loop
        // that runs it polls it again only then.
        context.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls `future` until it is ready, with a waker that does nothing,
/// printing every answer. Returns the value and how many times it was
/// `Pending`.
pub fn poll_by_hand<F: Future>(future: F) -> (F::Output, u32)
where
    F::Output: Debug,
{
    let mut future = pin!(future); // polling needs it pinned: it must not move between polls
    let mut context = Context::from_waker(Waker::noop());
    let mut pending = 0;
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Pending => {
                pending += 1;
                println!("poll {pending}: Pending");
            }
            Poll::Ready(value) => {
                println!("poll {}: Ready({value:?})", pending + 1);
                return (value, pending);
            }
        }
    }
}
// ANCHOR_END: countdown

// ANCHOR: both
/// An `async fn` awaiting two countdowns, one after the other.
pub async fn both() -> u32 {
    let a = Countdown { name: "a", pending: 2, value: 20 }.await;
    let b = Countdown { name: "b", pending: 1, value: 22 }.await;
    a + b
}
// ANCHOR_END: both

// ANCHOR: state_machine
/// What the compiler makes of [`both`], written out: one variant per place
/// it can be, holding what is still needed from there on.
#[derive(Debug)]
pub enum Both {
    /// Made, not polled yet (it would hold `both`'s arguments; it has none).
    Start,
    /// Paused at the first `.await`, inside countdown `a`.
    AwaitingA {
        /// The future being awaited.
        a: Countdown,
    },
    /// Paused at the second `.await`: `a`'s value is kept for the sum.
    AwaitingB {
        /// `a`'s value, alive across this `.await`.
        a: u32,
        /// The future being awaited.
        b: Countdown,
    },
    /// Returned its value; polling it again is a bug.
    Done,
}

impl Future for Both {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<u32> {
        let this = self.get_mut(); // allowed: nothing in `Both` points into itself
        loop {
            match this {
                Both::Start => *this = Both::AwaitingA { a: Countdown { name: "a", pending: 2, value: 20 } },
                Both::AwaitingA { a } => match Pin::new(a).poll(context) {
                    Poll::Pending => return Poll::Pending, // `.await`: pass it up
                    Poll::Ready(a) => {
                        *this = Both::AwaitingB { a, b: Countdown { name: "b", pending: 1, value: 22 } }
                    }
                },
                Both::AwaitingB { a, b } => match Pin::new(b).poll(context) {
                    Poll::Pending => return Poll::Pending, // `.await`: pass it up
                    Poll::Ready(b) => {
                        let sum = *a + b;
                        *this = Both::Done;
                        return Poll::Ready(sum);
                    }
                },
                Both::Done => panic!("`both()` polled after it returned"),
            }
        }
    }
}
// ANCHOR_END: state_machine

/// Flags of `hand-polled`: none but the lesson's `--color`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// What one paused `both()` holds, with the sizes on this target.
pub fn sizes() -> String {
    let future = both();
    let countdown = size_of::<Countdown>();
    format!(
        "size_of_val(&both()) = {} bytes: the countdown being awaited ({countdown} bytes: a &str of {}, \
         two u32), a's u32 kept while b runs, and which .await it is paused at.\n\
         The enum written out above, size_of::<Both>() = {} bytes.",
        size_of_val(&future),
        size_of::<&str>(),
        size_of::<Both>(),
    )
}

/// Polls a countdown by hand, then `both()` and its written-out twin, and
/// prints the sizes.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse("hand-polled uses no clock: its futures are polled by hand") {
        return code;
    }
    shared::run_blocking(shared::Options::new(), || {
        println!("{}", styled(HEADING, "A Countdown polled by hand, with Waker::noop()"));
        let (value, pending) = poll_by_hand(Countdown { name: "countdown", pending: 3, value: 42 });
        println!("Pending {}, then Ready({value}).", pending_times(pending));

        println!("\n{}", styled(HEADING, "both(), an async fn awaiting two countdowns, polled the same way"));
        let (value, pending) = poll_by_hand(both());
        println!("Pending {}, then Ready({value}): a's and b's Pendings, passed up.", pending_times(pending));

        println!(
            "\n{}",
            styled(HEADING, "Both, the state machine of both() written out, polled the same way")
        );
        let (value, pending) = poll_by_hand(Both::Start);
        println!("Pending {}, then Ready({value}): the same polls.", pending_times(pending));

        println!("\n{}", sizes());
        println!(
            "{}",
            styled(
                NOTE,
                "(A &str is a pointer and a length, 16 bytes on a 64-bit target; the layout of both() is the compiler's.)"
            )
        );
        Ok(())
    })
}

/// `1 time`, `3 times`.
fn pending_times(pending: u32) -> String {
    shared::timing::plural(pending, "time", "times")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Clock;
    use shared::testing::Recording;

    #[test]
    fn a_countdown_is_pending_as_many_times_as_it_says_then_ready() {
        for times in [0, 1, 3, 10] {
            let (value, pending) = poll_by_hand(Countdown { name: "c", pending: times, value: 42 });
            assert_eq!((value, pending), (42, times));
        }
    }

    #[test]
    fn a_countdown_asks_to_be_woken_each_time_it_is_pending() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU32, Ordering};
        struct CountWakes(AtomicU32);
        impl std::task::Wake for CountWakes {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let wakes = Arc::new(CountWakes(AtomicU32::new(0)));
        let waker = Waker::from(Arc::clone(&wakes));
        let mut countdown = pin!(Countdown { name: "c", pending: 2, value: 1 });
        let mut context = Context::from_waker(&waker);
        while countdown.as_mut().poll(&mut context).is_pending() {}
        assert_eq!(wakes.0.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn await_passes_each_inner_pending_up_to_the_caller() {
        let recording = Recording::start(Clock::Real);
        assert_eq!(poll_by_hand(both()), (42, 3));
        assert_eq!(
            recording.texts(),
            [
                "  a → Pending",
                "poll 1: Pending",
                "  a → Pending",
                "poll 2: Pending",
                "  a → Ready(20)",
                "  b → Pending",
                "poll 3: Pending",
                "  b → Ready(22)",
                "poll 4: Ready(42)",
            ]
        );
    }

    #[test]
    fn the_written_out_state_machine_polls_exactly_like_the_async_fn() {
        let by_compiler = Recording::start(Clock::Real);
        let compiled = poll_by_hand(both());
        let printed = by_compiler.texts();
        drop(by_compiler);
        let by_hand = Recording::start(Clock::Real);
        assert_eq!(poll_by_hand(Both::Start), compiled);
        assert_eq!(by_hand.texts(), printed);
    }

    #[test]
    fn a_paused_both_holds_a_countdown_and_a_u32_at_once() {
        // While b runs, both() keeps a's value and b: it cannot be smaller.
        let future = both();
        assert!(size_of_val(&future) >= size_of::<Countdown>() + size_of::<u32>(), "{}", sizes());
        assert!(size_of::<Both>() >= size_of::<Countdown>() + size_of::<u32>());
    }
}
