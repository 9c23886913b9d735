//! The course's table of contents, as data: every lesson of `COURSE.md`, its
//! examples, the seed section each one ports, and the command that runs it.
//!
//! `cargo run` at the root prints it. The lesson crates test their `--help`
//! against it, so the index cannot list an example that does not exist.

pub mod catalog;
