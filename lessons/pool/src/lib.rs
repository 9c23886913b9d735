//! # Lesson `pool`: a pool of workers, and why parallel can be slower
//!
//! A pool is a few worker threads (Python: processes) that take tasks from
//! one queue. Handing a task to a pool costs something: the task is queued,
//! a worker is woken to take it, the result travels back. When the work in
//! a task is larger than that cost, the workers share it out and the job
//! gets faster; when it is smaller, parallel is slower than a plain loop.
//! This lesson measures both, on seed 003's problem: count, in each row of a
//! table of 200,000 rows × 5 numbers, how many lie in `[4, 8]` ([`table`]).
//!
//! It shows what a pool *is*, [`homemade::Pool`]: std threads and channels,
//! with the methods of Python's `multiprocessing.Pool`. And what to use:
//! [rayon](https://docs.rs/rayon), beside it in every example. No async
//! runtime: the examples run on plain threads ([`shared::run_blocking`]).
//!
//! | example | module | Python original | seed section |
//! |---|---|---|---|
//! | `sequential` | [`sequential`] | the plain loop | 003 §4 |
//! | `apply` | [`apply`] | `Pool.apply` | 003 §5.1 |
//! | `map` | [`map`] | `Pool.map` | 003 §5.2 |
//! | `starmap` | [`starmap`] | `Pool.starmap` | 003 §5.3 |
//! | `apply-async` | [`apply_async`] | `Pool.apply_async` + callback | 003 §6.1 |
//! | `map-async` | [`map_async`] | `Pool.map_async` | 003 §6 |
//! | `starmap-async` | [`starmap_async`] | `Pool.starmap_async` | 003 §6.2 |
//! | `compare` (the default) | [`compare`] | all of the above | 003 §4–§6 |
//! | `dataframe` | [`dataframe`] | pandas + `pathos` | 003 §7 |
//!
//! Each example module starts with the direct port of its Python original,
//! then the same with rayon; its `run` and flags come after. Every `Pool`
//! method is a row of one table, [`compare::METHODS`], which names its port
//! on each pool: `compare` runs every row, each example its own. What they
//! share (the flags, the table, timing and checking a method against the
//! loop) is in [`common`]; the progress bar of long runs is `shared`'s
//! ([`shared::progress`]).

pub mod apply;
pub mod apply_async;
pub mod common;
pub mod compare;
pub mod dataframe;
pub mod homemade;
pub mod map;
pub mod map_async;
pub mod sequential;
pub mod starmap;
pub mod starmap_async;
pub mod table;
