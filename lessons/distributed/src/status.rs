//! # `status`: counts per status, the latest failures, one job's result
//!
//! Ports what seed 003's RQ section reads back: `job.get_status()`,
//! `job.result`, and `rq info` (how many jobs are queued, started, finished,
//! failed, and which workers are there).
//!
//! The counts are read in one script ([`Queue::counts`](crate::queue::Queue::counts)),
//! so they add up: no job is seen twice, or missed, while it moves from the
//! queue to a worker during the reading.

use std::process::ExitCode;

use shared::timing::{plural, thousands};
use shared::{Failure, Options, println};

use crate::common::{self, QueueArgs};
use crate::connection::Target;
use crate::job;
use crate::queue::RESULT_TTL;

// ANCHOR: port
/// The port of `job.get_status()` and `job.result` (with `--job ID`), and of
/// `rq info`: the counts per status, the workers, the latest failures.
async fn status(args: &Args) -> Result<(), Failure> {
    let target = Target::resolve(&args.queue.url)?;
    let queue = args.queue.queue();
    let mut redis = target.connect_or_explain().await?;
    let explain = |error: redis::RedisError| target.explain(&error);
    if let Some(id) = args.job {
        let state = queue.state(&mut redis, id).await.map_err(explain)?;
        if state.status.is_empty() {
            return Err(Failure::new(format!(
                "no job {id} in queue {}: never enqueued, or done more than {} h ago (results are kept \
                 that long)",
                queue.name(),
                RESULT_TTL.as_secs() / 3600
            )));
        }
        let mut line = format!("Job {id}: {}", state.status);
        if let Some(result) = &state.result {
            line += &format!(", result {result}");
        }
        if let Some(error) = &state.error {
            line += &format!(", error: {error}");
        }
        if let Some(worker) = state.worker.filter(|_| state.attempts > 0) {
            line += &format!(" (worker {worker}, {})", plural(state.attempts, "attempt", "attempts"));
        }
        println!("{line}.");
        return Ok(());
    }
    let counts = queue.counts(&mut redis).await.map_err(explain)?;
    println!("Queue {} at {target}:", queue.name());
    println!("  queued    {:>9}", thousands(counts.queued));
    println!("  started   {:>9}", thousands(counts.started));
    println!("  finished  {:>9}", thousands(counts.finished));
    println!("  failed    {:>9}", thousands(counts.failed));
    let dead = counts.workers - counts.alive;
    let mut workers = format!("Workers: {} alive", thousands(counts.alive));
    if dead > 0 {
        workers += &format!(
            ", {} stopped answering (what they hold goes back to the queue at a live worker's next heartbeat, or when a worker starts)",
            thousands(dead)
        );
    }
    println!("{workers}.");
    let failures = queue.failures(&mut redis, args.failed as usize).await.map_err(explain)?;
    if !failures.is_empty() {
        match failures.len() {
            1 => println!("The latest failure:"),
            n => println!("The latest {n} failures, newest last:"),
        }
        for failure in failures {
            let what = match failure.id {
                Some(id) => format!("job {id}"),
                None => format!("payload {}", job::quote_bytes(&failure.payload)),
            };
            println!("  {what}: {}", failure.reason);
        }
    }
    Ok(())
}
// ANCHOR_END: port

/// Prints the counts, the latest failures, and `--job`'s state.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.queue.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    shared::run_async(Options::new(), || status(args))
}

/// The most failures `--failed` shows.
pub const MAX_FAILED: u32 = 1000;

/// Flags of `status`.
#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Show this job's status and result.
    #[arg(long, value_name = "ID")]
    pub job: Option<u64>,

    /// How many of the latest failures to list.
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(MAX_FAILED)))]
    pub failed: u32,

    /// `--redis-url`, `--queue`.
    #[command(flatten)]
    pub queue: QueueArgs,
}
