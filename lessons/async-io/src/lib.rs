//! # Lesson `async-io`: many tasks, one thread
//!
//! Async IO runs many tasks on one thread. A task runs until it reaches an
//! `.await` on something that is not ready (a timer, a line of input, a file),
//! and there it hands the thread back to the runtime, which runs another task
//! that *is* ready. Waiting overlaps; running does not. That is concurrency
//! without parallelism: it pays off when tasks mostly wait.
//!
//! Every async example runs on tokio's current-thread runtime (see
//! [`shared::run_async`]), the closest match to the event loop that Python's
//! `asyncio.run` creates and runs. One module per example:
//!
//! | example | module | seed section |
//! |---|---|---|
//! | `count` | [`count`] (and [`count_tuned`] for a million counters) | 002 "Async IO" |
//! | `rand` | [`rand`] | 002 "Coroutine" |
//! | `chain` | [`chain`] | 002 "Chaining Coroutines" |
//! | `read-file` | [`read_file`] | 004 "Asynchronous Programming" |
//! | `stream` | [`stream`] | 003 "async for and Async Generators + Comprehensions" |
//! | `chess` | [`chess`] | 004 (the chess exhibition) |
//! | `runtime` | [`runtime`] | beyond the seeds: the multi-threaded runtime, `Send + 'static` |
//! | `select` | [`select`] | beyond the seeds: `select!`, cancellation, mutexes across `.await` |
//! | `chat` | [`chat`] | beyond the seeds: async IO on real sockets |
//! | `input-worker` | [`input_worker`] | 000/001 "Asynchronous Programming" |
//!
//! Each module starts with the direct port of its Python original; what
//! makes it visible (colors, the chart, the footer) is applied from outside
//! by `shared`, and hardening comes after the port, in its own section.

pub mod chain;
pub mod chat;
pub mod chess;
pub mod count;
pub mod count_tuned;
pub mod input_worker;
pub mod rand;
pub mod read_file;
pub mod runtime;
pub mod select;
pub mod stream;
