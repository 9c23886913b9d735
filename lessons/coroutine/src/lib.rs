//! # Lesson `coroutine`: functions that pause
//!
//! What `async` and `.await` *are*, from the ground up, in std alone. A
//! coroutine is a function that can stop half-way, keep its local
//! variables, and go on later from where it stopped; a generator is one
//! that hands out a value each time it stops; a future is one that a loop
//! polls until it is done; and an event loop is what polls many of them on
//! one thread, waking each when what it waits for is ready. Each example
//! takes one step, and the last one builds the loop itself:
//!
//! | example | module | seed section |
//! |---|---|---|
//! | `print-name` | [`print_name`] | 003 §3 "Coroutines using yield" |
//! | `generator` | [`generator`] | 003 "Async IO's Roots in Generators" |
//! | `hand-polled` | [`hand_polled`] | 003 "Async IO's Roots in Generators" |
//! | `event-loop` | [`event_loop`], on the loop in [`executor`] (whose core is [`executor::core`]) | 003 "The Event Loop and asyncio.run()", 002 "Coroutines" and "Async IO" |
//!
//! Only `event-loop` uses tokio, and only to run the same futures a second
//! time, after its own loop has finished: no tokio runtime is entered while
//! the home-made loop runs. Each module starts with the direct port of its
//! Python original; what the original got wrong, and the fix, comes after.

pub mod event_loop;
pub mod executor;
pub mod generator;
pub mod hand_polled;
pub mod print_name;
