//! # Lesson `multiprocess`: processes, pipes, and a worker that never loses a number
//!
//! A process is a running program with memory of its own. Two processes run
//! in parallel on two CPUs, and share nothing unless they send it: a child
//! cannot see its parent's variables, and a result computed in a child stays
//! there unless the child sends it back.
//!
//! Python's `multiprocessing` starts a child by forking the running
//! interpreter, or by starting a new one that imports the script again. Rust
//! has no interpreter to copy: each child here is this lesson's own binary,
//! started again with a hidden subcommand ([`shared::process`]). It is a
//! fresh program that knows only its arguments and what comes through its
//! pipes, and what goes through the pipes is typed data, one JSON object per
//! line ([`message`]), never pickled objects. One module per example:
//!
//! | example | module | seed section |
//! |---|---|---|
//! | `continents` | [`continents`] | 003 §1 "Multiple Processes" |
//! | `square` | [`square`] | 004 "Multi Processing" |
//! | `cpu-count` | [`cpu_count`] | 003 "How many maximum parallel processes" |
//! | `input-worker` | [`input_worker`] (hardened: [`input_worker::pool`]) | 000/001 "Parallel Programming" |
//! | `pipe` | [`pipe`] (and [`pipe_tuned`] for batches) | 000/001 "Parallel Programming" (the queue) |
//!
//! Each module starts with the direct port of its Python original; what
//! makes it visible (colors, the chart) is applied from outside by `shared`,
//! and hardening comes after the port, in its own section.

pub mod continents;
pub mod cpu_count;
pub mod input_worker;
pub mod message;
pub mod pipe;
pub mod pipe_tuned;
pub mod square;
