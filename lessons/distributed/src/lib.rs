//! # Lesson `distributed`: a job queue on a real Redis server
//!
//! When one machine is not enough, jobs go through a server that every
//! machine can reach, and any number of worker processes, here or elsewhere,
//! take them. Seed 003's "Using Redis and Redis Queue RQ" does it with RQ;
//! this lesson builds the same on a real Redis server with the
//! [redis](https://docs.rs/redis) crate, and makes it lose nothing: a worker
//! killed in the middle of a job, a payload that is not a job, Redis going
//! away and coming back.
//!
//! | example | module | what it ports | seed section |
//! |---|---|---|---|
//! | `enqueue` | [`enqueue`] | `q.enqueue(f, *args)` | 003 "Using Redis and Redis Queue RQ" |
//! | `worker` | [`worker`] | `rq worker` (`--burst`) | 003 "Using Redis and Redis Queue RQ" |
//! | `status` | [`status`] | `job.get_status()`, `job.result`, `rq info` | 003 "Using Redis and Redis Queue RQ" |
//! | `demo` | [`demo`] | all of it, with N worker processes | 003 "Using Redis and Redis Queue RQ" |
//!
//! What they share: a job is typed data ([`job`]); the keys and the atomic
//! steps in Redis ([`queue`]); where Redis is and how to wait for it
//! ([`connection`]); a private `redis-server` for `demo` and the tests
//! ([`server`]); the flags ([`common`]).

pub mod common;
pub mod connection;
pub mod demo;
pub mod enqueue;
pub mod job;
pub mod queue;
pub mod server;
pub mod status;
pub mod worker;
