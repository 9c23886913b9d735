//! # Lesson `async-io`: many tasks, one thread
//!
//! Async IO runs many tasks on one thread. A task runs until it reaches an
//! `.await` on something that is not ready (a timer, a line of input, a file),
//! and there it hands the thread back to the runtime, which runs another task
//! that *is* ready. Waiting overlaps; running does not. That is concurrency
//! without parallelism: it pays off when tasks mostly wait.
//!
//! Every example runs on tokio's current-thread runtime (see
//! [`shared::launch`]), the closest match to Python's single-threaded
//! event loop. One module per example:
//!
//! | example | module | seed section |
//! |---|---|---|
//! | `count` | [`count`] | 002 "Async IO" |
//! | `rand` | [`rand`] | 002 "Coroutine" |
//! | `chain` | [`chain`] | 002 "Chaining Coroutines" |
//! | `read-file` | [`read_file`] | 004 "Asynchronous Programming" |
//! | `stream` | [`stream`] | 003 "async for and Async Generators + Comprehensions" |
//! | `chess` | [`chess`] | 004 "Multi Processing" (the chess exhibition) |
//! | `input-worker` | [`input_worker`] | 000/001 "Asynchronous Programming" |

pub mod chain;
pub mod chess;
pub mod count;
pub mod input_worker;
pub mod rand;
pub mod read_file;
pub mod stream;
