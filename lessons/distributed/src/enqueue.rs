//! # `enqueue`: put jobs in a Redis queue
//!
//! Ports the enqueueing side of seed 003's "Using Redis and Redis Queue RQ":
//!
//! ```python
//! q = Queue(connection=Redis())
//! job = q.enqueue(count_range, seed, start, end)
//! print(job.id)
//! ```
//!
//! A job here is a [`Job`] value, not a function; its payload is one line of
//! JSON, pushed on the left of the list `distributed:QUEUE:queue` together
//! with its hash (`status` = `queued`), in one transaction
//! ([`Queue::enqueue`](crate::queue::Queue::enqueue)). Ids come from Redis
//! (`INCR`), so enqueuers on several machines never hand out the same one.
//!
//! Redis unreachable is one line, which says where it looked and what to do,
//! and exit code 1: nothing is half enqueued, since each batch is one
//! transaction.

use std::process::ExitCode;

use redis::RedisResult;
use redis::aio::MultiplexedConnection;
use shared::cli::SeedArg;
use shared::timing::{plural, thousands};
use shared::{Failure, Options, println};

use crate::common::{self, QueueArgs};
use crate::connection::Target;
use crate::job::{Job, MAX_ROWS_PER_JOB, MAX_SLEEP_SECONDS};
use crate::queue::Queue;

/// The most jobs one `enqueue` puts in.
pub const MAX_COUNT: u32 = 1_000_000;

/// Jobs per transaction: one round trip each, and no transaction so large
/// that it holds Redis up for long.
pub const BATCH: usize = 10_000;

/// Flags of `enqueue`.
#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// How many copies of the job to enqueue.
    #[arg(long, value_name = "N", default_value_t = 1, global = true,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_COUNT)))]
    pub count: u32,

    /// `--redis-url`, `--queue`.
    #[command(flatten)]
    pub queue: QueueArgs,

    /// The job.
    #[command(subcommand)]
    pub job: JobArg,
}

/// The job to enqueue, as a subcommand.
#[derive(clap::Subcommand, Clone, Debug)]
pub enum JobArg {
    /// Count the numbers in [4, 8] in rows START..END of the pool lesson's table.
    CountRange {
        /// The first row.
        #[arg(long, value_name = "ROW", default_value_t = 0)]
        start: u64,
        /// One past the last row (at most 1,000,000 rows per job).
        #[arg(long, value_name = "ROW", default_value_t = pool::table::BLOCK_ROWS as u64)]
        end: u64,
        /// `--seed`: the table's numbers.
        #[command(flatten)]
        seed: SeedArg,
    },
    /// Sleep this many seconds (0 to 3600).
    Sleep {
        /// Seconds; fractions allowed.
        #[arg(value_name = "SECONDS", value_parser = parse_seconds, allow_negative_numbers = true)]
        seconds: f64,
    },
    /// Fail with this message: to see the failed list.
    Fail {
        /// The error.
        #[arg(value_name = "MESSAGE", default_value = "this job always fails")]
        message: String,
    },
}

impl JobArg {
    /// The job it asks for, or why it cannot be one.
    pub fn job(&self) -> Result<Job, String> {
        match self {
            JobArg::CountRange { start, end, seed } => {
                if end < start || end - start > MAX_ROWS_PER_JOB {
                    return Err(format!(
                        "--start {start} --end {end}: a job counts from 0 to {} rows, forwards",
                        thousands(MAX_ROWS_PER_JOB)
                    ));
                }
                Ok(Job::CountRange { seed: seed.seed, start: *start, end: *end })
            }
            JobArg::Sleep { seconds } => Ok(Job::Sleep { seconds: *seconds }),
            JobArg::Fail { message } => Ok(Job::Fail { message: message.clone() }),
        }
    }
}

/// Enqueues `jobs` in transactions of [`BATCH`]; returns their ids.
pub async fn enqueue_in_batches(
    queue: &Queue,
    redis: &mut MultiplexedConnection,
    jobs: &[Job],
) -> RedisResult<Vec<u64>> {
    let mut ids = Vec::with_capacity(jobs.len());
    for batch in jobs.chunks(BATCH) {
        ids.extend(queue.enqueue(redis, batch).await?);
    }
    Ok(ids)
}

/// A number of seconds from 0 to [`MAX_SLEEP_SECONDS`].
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (0.0..=MAX_SLEEP_SECONDS).contains(&seconds) => Ok(seconds),
        _ => Err(format!("a number of seconds from 0 to {MAX_SLEEP_SECONDS}")),
    }
}

/// Enqueues the jobs and prints their ids.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.queue.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    shared::run_async(Options::new(), || async move {
        let job = args.job.job().map_err(|why| Failure { message: why, exit_code: 2 })?;
        let target = Target::resolve(&args.queue.url)?;
        let queue = args.queue.queue();
        let mut redis = target.connect_or_explain().await?;
        let jobs = vec![job.clone(); args.count as usize];
        let ids =
            enqueue_in_batches(&queue, &mut redis, &jobs).await.map_err(|error| target.explain(&error))?;
        let (first, last) = (ids[0], ids[ids.len() - 1]);
        match ids.len() {
            1 => println!("Enqueued job {first}: {job}."),
            n => println!("Enqueued {}, ids {first} to {last}: {job}.", plural(n as u64, "job", "jobs")),
        }
        println!("Queue {} at {target}.", queue.name());
        Ok(())
    })
}
