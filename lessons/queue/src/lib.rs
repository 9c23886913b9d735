//! # Lesson `queue`: producers and consumers
//!
//! A queue between tasks that do not know each other: producers put items
//! in, consumers take them out, each at its own pace. The queue absorbs the
//! difference; bounded, it also pushes back on producers that run ahead
//! (back-pressure). And when the producers are done, closing the queue is how
//! the consumers learn that no more items will come.
//!
//! | example | module | seed section |
//! |---|---|---|
//! | `asyncq` | [`asyncq`] (and [`asyncq_tuned`] for a million items) | 002 "Queue" |
//! | `threads` | [`threads`] (and [`threads_tuned`] for a million items) | 003 "Using a queue" |
//!
//! Both take the same flags ([`plan`]). Each module starts with the direct
//! port of the Python original; what makes it visible (colors, the chart) is
//! applied from outside the ported functions, and the waits on the queue are
//! shown by the one `put`/`get` both ports call ([`plan::VisiblePut`],
//! [`plan::VisibleGet`]).

pub mod asyncq;
pub mod asyncq_tuned;
pub mod plan;
pub mod threads;
pub mod threads_tuned;
