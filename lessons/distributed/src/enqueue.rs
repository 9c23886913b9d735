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
//! and exit code 1. Each batch of [`BATCH`] jobs is one transaction, in
//! whole or not at all; a failure after some batches went in says how many
//! and which ids, so that nobody enqueues them twice. Jobs that went in
//! while standard output could not be written are said to be in, on stderr.

use std::process::ExitCode;

use redis::aio::MultiplexedConnection;
use redis::{RedisError, RedisResult};
use shared::cli::SeedArg;
use shared::timing::{plural, plural_thousands, thousands};
use shared::{Failure, Options};

use crate::common::{self, QueueArgs};
use crate::connection::Target;
use crate::job::{Job, MAX_ROWS_PER_JOB, MAX_SLEEP_SECONDS};
use crate::queue::Queue;

// ANCHOR: port
/// The port of `q = Queue(connection=Redis())`, `job = q.enqueue(f, *args)`
/// and `print(job.id)`: `--count` copies of the job go in, in transactions
/// of [`BATCH`], and their ids are printed.
async fn enqueue(args: &Args) -> Result<(), Failure> {
    let job = args.job.job().map_err(|why| Failure { message: why, exit_code: 2 })?;
    let target = Target::resolve(&args.queue.url)?;
    let queue = args.queue.queue();
    let mut redis = target.connect_or_explain().await?;
    let jobs = vec![job.clone(); args.count as usize];
    let mut ids = Vec::with_capacity(jobs.len());
    if let Err(error) = enqueue_into(&queue, &mut redis, &jobs, &mut ids).await {
        return Err(half_way(&error, &target, &queue, &job, &ids, jobs.len()));
    }
    print_ids(&ids, &job, &queue, &target)
}
// ANCHOR_END: port

/// Enqueues `jobs` in transactions of [`BATCH`]; returns their ids.
pub async fn enqueue_in_batches(
    queue: &Queue,
    redis: &mut MultiplexedConnection,
    jobs: &[Job],
) -> RedisResult<Vec<u64>> {
    let mut ids = Vec::with_capacity(jobs.len());
    enqueue_into(queue, redis, jobs, &mut ids).await?;
    Ok(ids)
}

// ANCHOR: enqueue_into
/// Enqueues `jobs` in transactions of [`BATCH`], adding the ids of each
/// batch to `ids` once it is in: after an error, `ids` holds exactly the
/// jobs that went in (each batch goes in whole or not at all), so the caller
/// can say which.
pub async fn enqueue_into(
    queue: &Queue,
    redis: &mut MultiplexedConnection,
    jobs: &[Job],
    ids: &mut Vec<u64>,
) -> RedisResult<()> {
    for batch in jobs.chunks(BATCH) {
        ids.extend(queue.enqueue(redis, batch).await?);
    }
    Ok(())
}
// ANCHOR_END: enqueue_into

/// `ids 1 to 3` or `id 7`: the ids of jobs enqueued together.
fn id_range(ids: &[u64]) -> String {
    match ids {
        [] => "no ids".to_string(),
        [one] => format!("id {one}"),
        [first, .., last] => format!("ids {first} to {last}"),
    }
}

/// Lines on standard output, or why they could not be written.
fn write_lines(lines: &[&str]) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()
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
    shared::run_async(Options::new(), || enqueue(args))
}

/// An error while enqueueing: what went in before it, so that nobody
/// enqueues it twice.
fn half_way(
    error: &RedisError,
    target: &Target,
    queue: &Queue,
    job: &Job,
    ids: &[u64],
    count: usize,
) -> Failure {
    let failure = target.explain(error);
    if ids.is_empty() {
        return failure;
    }
    let maybe = if crate::connection::is_transient(error) {
        " (the batch being sent when the connection broke may have gone in too: `status` counts them)"
    } else {
        ""
    };
    Failure::new(format!(
        "{}; before that, {} went in to queue {}, {}: {job}; the other {} did not{maybe}.",
        failure.message,
        plural_thousands(ids.len() as u64, "job", "jobs"),
        queue.name(),
        id_range(ids),
        thousands(count as u64 - ids.len() as u64)
    ))
}

/// `print(job.id)`: the ids, and where they went. The jobs are in whatever
/// happens to stdout: a failed write must not look like a failed enqueue
/// (nor make anyone enqueue them again).
fn print_ids(ids: &[u64], job: &Job, queue: &Queue, target: &Target) -> Result<(), Failure> {
    let said = match ids.len() {
        1 => format!("Enqueued job {}: {job}.", ids[0]),
        n => format!("Enqueued {}, {}: {job}.", plural(n as u64, "job", "jobs"), id_range(ids)),
    };
    let queue_line = format!("Queue {} at {target}.", queue.name());
    if let Err(error) = write_lines(&[&said, &queue_line]) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(()); // `enqueue | head -1`: the reader has what it wanted
        }
        return Err(Failure::new(
            format!(
                "the jobs went in, but cannot write to standard output ({error}) to say so: {}",
                said.trim_end_matches('.')
            ) + &format!(", queue {} at {target}.", queue.name()),
        ));
    }
    Ok(())
}

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
