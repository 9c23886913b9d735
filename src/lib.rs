//! The course's table of contents, as data: every lesson of `COURSE.md`, its
//! examples, the seed section each one ports, and the command that runs it;
//! and the exercises, with the runner that checks them.
//!
//! `cargo run` at the root prints the index. The lesson crates test their
//! `--help` against it, so the index cannot list an example that does not
//! exist. `cargo run -- exercises` lists the exercises.

pub mod catalog;
pub mod exercises;
pub mod runner;
