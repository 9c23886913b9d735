//! # `demo`: a batch of jobs through N worker processes
//!
//! The whole of seed 003's "Using Redis and Redis Queue RQ" in one command:
//! enqueue `--jobs M` `count-range` jobs (job `i` counts block `i` of the
//! pool lesson's table: [`pool::table::BLOCK_ROWS`] rows made again from
//! the seed by whichever worker takes it), start `--workers N` worker
//! *processes* (this binary again, with the hidden subcommand
//! `worker-child`: see [`child`] and [`shared::process`]), wait for every job with a
//! progress bar, then check the sum of the results against the pool
//! lesson's sequential loop over the same rows, and print the throughput.
//! `--timeline` draws one row per worker process.
//!
//! Where Redis is: `--redis-url`, else `REDIS_URL`, else a private
//! `redis-server` started here and stopped at the end ([`crate::server`]).
//! The queue (`demo` unless `--queue`) is emptied first: it is the demo's
//! own.
//!
//! Ctrl-C once: the workers finish the job in hand and stop (the jobs still
//! queued stay in Redis, which `status` shows). Twice: they give their jobs
//! back and stop at once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pool::table::BLOCK_ROWS;
use shared::cli::{NoInstantArg, SeedArg, TimelineArg};
use shared::colors::paint;
use shared::interrupt::{Stage, TwoStageStop, Words};
use shared::message;
use shared::process::{Worker as Process, spawn_worker};
use shared::progress::Progress;
use shared::timing::{duration, plural, plural_thousands, thousands};
use shared::{Failure, Instrument, Options, eprintln, println, span};

use crate::common::{self, parse_queue_name};
use crate::connection::{Target, UrlArg};
use crate::job::{self, Job};
use crate::queue::{JobState, Queue};
use crate::server::GuardedServer;
use child::{CHILD, ChildConfig, ChildEvent, ChildOrder};

// ANCHOR: demo
/// Enqueue, start the workers, wait, check.
pub async fn main(
    args: &Args,
    target: &Target,
    server: Option<&GuardedServer>,
    stop: &TwoStageStop,
    in_hand: &Arc<AtomicU64>,
) -> Result<(), Failure> {
    let queue = Queue::new(&args.queue);
    let jobs: Vec<Job> = (0..u64::from(args.jobs)).map(|block| block_job(args.seed.seed, block)).collect();
    let ids = enqueue(&queue, target, server, stop, &jobs, args.seed.seed).await?;

    let started = Instant::now();
    let mut workers = Workers::start(args, target)?;
    let waited = wait_for_jobs(&queue, target, server, stop, in_hand, &mut workers, ids.len() as u64).await;
    let took = started.elapsed();
    let rows = match server {
        // Nothing for them to finish: they go at once, jobs and all.
        Some(server) if server.gone().is_triggered() => workers.abandon().await,
        _ => workers.stop().await,
    };
    waited?;

    let states = match read_states(&queue, target, &ids).await {
        Ok(states) => states,
        Err(error) => return Err(failed(server, &error, target, "the check of the results").await),
    };
    let check = span(0, "demo (parent)").in_scope(|| Check::of(&ids, &states, args.seed.seed, &rows));
    check.print(took, args.workers);
    check.verdict()
}
// ANCHOR_END: demo

/// Runs the demo.
pub fn run(args: &Args) -> std::process::ExitCode {
    if let Err(code) = args.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    let options = Options::new().timeline(args.timeline).chart_title("Jobs per worker process");
    shared::run_async(options, || async move {
        // Caught from the start: a Ctrl-C while the private server starts, or
        // while the jobs go in, stops the demo there, and the server with it.
        // Once the workers run: once, they finish the jobs in hand and stop;
        // twice, they give them back and stop now; a third time exits at once.
        let in_hand = Arc::new(AtomicU64::new(0));
        let words = Words { first_stage: "the workers take no new jobs", item: "job", items: "jobs" };
        let stop = TwoStageStop::on_ctrl_c_saying(words, {
            let in_hand = Arc::clone(&in_hand);
            move || in_hand.load(Ordering::Relaxed) as usize
        });
        let Some((target, server)) = find_redis(&args.url, &stop.input).await? else {
            return Err(common::stopped_while(
                &stop,
                "the private redis-server was starting",
                "it is stopped, nothing was done",
            ));
        };
        let outcome = main(args, &target, server.as_ref(), &stop, &in_hand).await;
        // The server goes, and its folder, before the demo ends (if the demo
        // is killed instead, its guard sees to it: see `crate::server`).
        if let Some(server) = server {
            server.stop().await;
        }
        outcome
    })
}

/// `--redis-url`, `REDIS_URL`, or a private `redis-server`; or why none;
/// `None` if `stop` was triggered while the private server was starting.
pub async fn find_redis(
    url: &UrlArg,
    stop: &Stage,
) -> Result<Option<(Target, Option<GuardedServer>)>, Failure> {
    if url.redis_url.is_some() {
        return Ok(Some((Target::resolve(url)?, None)));
    }
    if let Some(target) = Target::from_environment()? {
        return Ok(Some((target, None)));
    }
    let server = GuardedServer::start(stop)
        .await
        .map_err(|why| Failure::new(format!("no Redis: --redis-url and REDIS_URL are not set, and {why}")))?;
    let Some(server) = server else { return Ok(None) };
    println!(
        "No --redis-url or REDIS_URL: started a private redis-server {} (pid {}) on 127.0.0.1:{} (nothing \
         kept on disk; folder {}). It stops when the demo ends, however it ends.",
        server.version(),
        server.pid(),
        server.port(),
        server.dir().display()
    );
    Ok(Some((Target::private(&server.url())?, Some(server))))
}

/// The jobs' states, on a new connection.
async fn read_states(queue: &Queue, target: &Target, ids: &[u64]) -> redis::RedisResult<Vec<JobState>> {
    let mut redis = target.connect().await?;
    queue.states(&mut redis, ids).await
}

/// Empties the queue and puts `jobs` in; stops at once on Ctrl-C, or if the
/// private server dies.
async fn enqueue(
    queue: &Queue,
    target: &Target,
    server: Option<&GuardedServer>,
    stop: &TwoStageStop,
    jobs: &[Job],
    seed: u64,
) -> Result<Vec<u64>, Failure> {
    let count = jobs.len() as u64;
    let step = async {
        let mut redis = target.connect().await?;
        println!(
            "Enqueueing {} on queue {} at {target}: {} of the table for seed {seed} ({}).",
            plural_thousands(count, "count-range job", "count-range jobs"),
            queue.name(),
            match count {
                1 => "block 0".to_string(),
                jobs => format!("blocks 0 to {}", jobs - 1),
            },
            plural_thousands(count * BLOCK_ROWS as u64, "row", "rows"),
        );
        queue.clear(&mut redis).await?;
        let enqueued = Instant::now();
        let ids = crate::enqueue::enqueue_in_batches(queue, &mut redis, jobs)
            .instrument(span(0, "demo (parent)"))
            .await?;
        Ok((ids, enqueued.elapsed()))
    };
    let not_done =
        format!("enqueueing the {}, running them, the check", plural_thousands(count, "job", "jobs"));
    let never = Stage::new();
    let gone = server.map_or(&never, GuardedServer::gone);
    let enqueued = tokio::select! {
        biased;
        () = stop.input.triggered() => {
            return Err(common::stopped_while(
                stop,
                "enqueueing: no job was run",
                match server {
                    Some(_) => "the private redis-server is stopped, and the jobs enqueued so far with it".to_string(),
                    None => format!(
                        "the jobs enqueued so far stay in queue {} (`status --queue {}` shows them)",
                        queue.name(),
                        queue.name()
                    ),
                },
            ));
        }
        () = gone.triggered() => return Err(died(server, &not_done)),
        enqueued = step => enqueued,
    };
    let (ids, took) = match enqueued {
        Ok(enqueued) => enqueued,
        Err(error) => return Err(failed(server, &error, target, &not_done).await),
    };
    println!("Enqueued {} in {}.", plural_thousands(ids.len() as u64, "job", "jobs"), duration(took));
    Ok(ids)
}

/// A Redis error while the demo talks to Redis: the private server's death,
/// if that is what it was (the guard's word may come a moment after the
/// connection's error), else the error.
async fn failed(
    server: Option<&GuardedServer>,
    error: &redis::RedisError,
    target: &Target,
    not_done: &str,
) -> Failure {
    if let Some(server) = server {
        let word = tokio::time::timeout(Duration::from_secs(2), server.gone().triggered()).await;
        if word.is_ok() {
            return died(Some(server), not_done);
        }
    }
    target.explain(error)
}

/// The private server died under the demo (or its guard did): what was not done.
fn died(server: Option<&GuardedServer>, not_done: &str) -> Failure {
    let Some(server) = server else { return Failure::new(format!("not done: {not_done}")) };
    let pid = server.pid();
    Failure::new(match server.how_gone() {
        Some(how) => format!(
            "the private redis-server (pid {pid}) ended under the demo ({how}); not done: {not_done}. The queue \
             lived in that server's memory only, and is gone with it."
        ),
        None => format!(
            "the guard process of the private redis-server (pid {pid}) ended under the demo; not done: \
             {not_done}. If the server still runs, `kill {pid}` stops it; its folder is {}.",
            server.dir().display()
        ),
    })
}

/// Job `block`: count block `block` of the table.
pub fn block_job(seed: u64, block: u64) -> Job {
    let rows = BLOCK_ROWS as u64;
    Job::CountRange { seed, start: block * rows, end: (block + 1) * rows }
}

/// Polls the counts until every job is finished or failed, with a progress
/// bar; passes Ctrl-C on to the workers; gives up if they all die, or if
/// the private server does.
async fn wait_for_jobs(
    queue: &Queue,
    target: &Target,
    server: Option<&GuardedServer>,
    stop: &TwoStageStop,
    in_hand: &AtomicU64,
    workers: &mut Workers,
    total: u64,
) -> Result<(), Failure> {
    let done = Arc::new(AtomicU64::new(0));
    let progress = Progress::start("jobs");
    progress.step("jobs done", Some(total), {
        let done = Arc::clone(&done);
        move || done.load(Ordering::Relaxed)
    });
    let mut redis = crate::connection::Redis::new(target.clone(), "demo");
    // Waiting for Redis ends at a second Ctrl-C, or when the private server
    // is gone: it is not coming back.
    let never = Stage::new();
    let gone = server.map_or(&never, GuardedServer::gone).clone();
    let give_up = Stage::new();
    let either = tokio::spawn({
        let (now, gone, give_up) = (stop.now.clone(), gone.clone(), give_up.clone());
        async move {
            tokio::select! {
                () = now.triggered() => {}
                () = gone.triggered() => {}
            }
            give_up.trigger();
        }
    });
    let _either = AbortOnDrop(either);
    let not_done = |done: u64| {
        format!("{} of the {}, the check", thousands(total - done), plural_thousands(total, "job", "jobs"))
    };
    let mut told = None;
    loop {
        let counts = redis
            .patiently("waiting for the jobs", &give_up, |mut connection| {
                let queue = queue.clone();
                async move { queue.counts(&mut connection).await }
            })
            .await;
        // An error that is not "unreachable" (a connection cut mid-answer
        // can look like one) may come before the guard's word that the
        // server died: give that word a moment.
        let died_first = match (&counts, server) {
            (Err(crate::connection::GaveUp::Refused(_)), Some(server)) => {
                tokio::time::timeout(Duration::from_secs(2), server.gone().triggered()).await.is_ok()
            }
            _ => gone.is_triggered(),
        };
        if died_first {
            return Err(died(server, &not_done(done.load(Ordering::Relaxed))));
        }
        let counts = match counts {
            Ok(counts) => counts,
            Err(crate::connection::GaveUp::Refused(failure)) => return Err(failure),
            Err(crate::connection::GaveUp::Stopped) => {
                return Err(stop.failure(format!("not done: {}.", not_done(done.load(Ordering::Relaxed)))));
            }
        };
        done.store(counts.finished + counts.failed, Ordering::Relaxed);
        // The jobs the workers hold: started, or taken and not marked
        // started (a job that ends within `START_GRACE` never is).
        in_hand.store(counts.started + counts.taken, Ordering::Relaxed);
        if counts.finished + counts.failed >= total {
            return Ok(());
        }
        if stop.now.is_triggered() && !matches!(told, Some(ChildOrder::StopNow | ChildOrder::Terminate)) {
            // SIGTERM is passed on as such, so that the workers' last words
            // and exit codes say what stopped them.
            let order = match stop.stopped_by() {
                "SIGTERM" => ChildOrder::Terminate,
                _ => ChildOrder::StopNow,
            };
            workers.tell(order);
            told = Some(order);
        } else if stop.input.is_triggered() && told.is_none() {
            workers.tell(ChildOrder::StopAfterJob);
            told = Some(ChildOrder::StopAfterJob);
        }
        workers.read_events();
        if workers.running() == 0 {
            let left = total - counts.finished - counts.failed;
            let (why, exit_code) = match told {
                Some(_) => (format!("stopped by {}", stop.stopped_by()), stop.failure("").exit_code),
                None => ("every worker process has exited".to_string(), 1),
            };
            return Err(Failure {
                exit_code,
                message: format!(
                    "{why} with {} not done: they stay in queue {} ({}).",
                    plural_thousands(left, "job", "jobs"),
                    queue.name(),
                    if target.source() == crate::connection::Source::Private {
                        "which is gone with the private redis-server".to_string()
                    } else {
                        format!("`status --queue {}` shows them", queue.name())
                    }
                ),
            });
        }
        // Until the server is gone, or the next look.
        let _ = tokio::time::timeout(POLL, gone.triggered()).await;
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The worker processes, seen from the demo.
struct Workers {
    processes: Vec<Process>,
    events: tokio::sync::mpsc::UnboundedReceiver<(usize, Option<ChildEvent>)>,
    /// Redis worker number → chart row.
    rows: BTreeMap<u64, usize>,
    /// Rows whose output has ended.
    ended: usize,
    /// Whether the workers' numbers in Redis were told.
    numbers_told: bool,
    /// The exit code a worker told to stop at once ends with, as it was
    /// told to (130 for Ctrl-C, 143 for SIGTERM): not a failure to report.
    stopped_with: Option<i32>,
}

impl Workers {
    /// Starts `--workers` processes and sends each its config.
    fn start(args: &Args, target: &Target) -> Result<Workers, Failure> {
        let (sender, events) = tokio::sync::mpsc::unbounded_channel();
        let config = message::encode(&ChildConfig {
            url: target.secret_url().to_string(),
            queue: args.queue.clone(),
            max_attempts: args.max_attempts,
        });
        let mut processes = Vec::new();
        for row in 1..=args.workers as usize {
            let started = spawn_worker(CHILD, ["--row", &row.to_string()]).and_then(|mut process| {
                process.send(&config)?;
                Ok(process)
            });
            let mut process = started
                .map_err(|error| Failure::new(format!("cannot start worker process {row}: {error}")))?;
            let lines = process.lines();
            let sender = sender.clone();
            std::thread::Builder::new()
                .name(format!("worker {row}"))
                .spawn(move || {
                    for line in lines.map_while(Result::ok) {
                        match message::decode(&line) {
                            Ok(event) => {
                                let _ = sender.send((row, Some(event)));
                            }
                            Err(bad) => eprintln!("worker process {row} said {bad}"),
                        }
                    }
                    let _ = sender.send((row, None));
                })
                .map_err(|error| Failure::new(format!("cannot read worker process {row}: {error}")))?;
            processes.push(process);
        }
        println!(
            "Started {}: {}.",
            plural(processes.len() as u64, "worker process", "worker processes"),
            processes
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{} pid {}", paint(i + 1, format_args!("worker {}", i + 1)), p.pid()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(Workers {
            processes,
            events,
            rows: BTreeMap::new(),
            ended: 0,
            numbers_told: false,
            stopped_with: None,
        })
    }

    /// Sends `order` to every worker still listening.
    fn tell(&mut self, order: ChildOrder) {
        match order {
            ChildOrder::StopNow => self.stopped_with = Some(130),
            ChildOrder::Terminate => self.stopped_with = Some(143),
            ChildOrder::StopAfterJob => {}
        }
        for process in &mut self.processes {
            let _ = message::send(process, &order);
        }
    }

    /// Takes in what the workers said so far.
    fn read_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.handle(event);
        }
        self.tell_numbers();
    }

    /// Once every worker has registered (or ended): if their numbers in
    /// Redis are not the demo's, says which is which, once.
    fn tell_numbers(&mut self) {
        if self.numbers_told || self.rows.len() + self.ended < self.processes.len() {
            return;
        }
        self.numbers_told = true;
        if let Some(line) = numbers_line(&self.rows) {
            println!("{line}");
        }
    }

    fn handle(&mut self, (row, event): (usize, Option<ChildEvent>)) {
        match event {
            Some(ChildEvent::Started { worker }) => {
                self.rows.insert(worker, row);
            }
            Some(ChildEvent::Stopped { .. }) => {}
            None => self.ended += 1,
        }
    }

    /// How many have not closed their output yet.
    fn running(&self) -> usize {
        self.processes.len() - self.ended
    }

    /// Closes every worker's input without a goodbye: each exits at once,
    /// as when its parent dies (the private server they needed is gone).
    /// Returns the rows of the Redis worker numbers.
    async fn abandon(self) -> BTreeMap<u64, usize> {
        let processes = self.processes;
        let _ = tokio::task::spawn_blocking(move || {
            for process in processes {
                let _ = process.wait();
            }
        })
        .await;
        self.rows
    }

    /// Tells every worker to stop after its job, waits for all, and reports
    /// the ones that failed. Returns the rows of the Redis worker numbers.
    async fn stop(mut self) -> BTreeMap<u64, usize> {
        self.tell(ChildOrder::StopAfterJob);
        while self.running() > 0 {
            match self.events.recv().await {
                Some(event) => self.handle(event),
                None => break,
            }
        }
        // The jobs may all be done before the last one was seen to register.
        self.tell_numbers();
        for (index, mut process) in self.processes.into_iter().enumerate() {
            let _ = process.finish_input();
            let waited: std::io::Result<_> = tokio::task::spawn_blocking(move || process.wait())
                .await
                .unwrap_or_else(|error| Err(std::io::Error::other(error)));
            match waited {
                Ok(status) if status.success() => {}
                // Told to stop at once, it says so itself and ends with
                // that stop's code: whether it does depends on whether it
                // held a job at that moment, so the code is no news.
                Ok(status) if status.code().is_some() && status.code() == self.stopped_with => {}
                Ok(status) => eprintln!("worker process {} ended with {status}", index + 1),
                Err(error) => eprintln!("cannot wait for worker process {}: {error}", index + 1),
            }
        }
        self.rows
    }
}

/// The line that says which demo worker has which number in Redis (Redis
/// number → demo row in `rows`), if they differ: another worker registered
/// before them, or they registered out of order. The workers' own messages
/// (a job failed, a dead worker's job recovered) use the numbers in Redis.
fn numbers_line(rows: &BTreeMap<u64, usize>) -> Option<String> {
    if rows.iter().all(|(worker, row)| *worker == *row as u64) {
        return None;
    }
    let mut pairs: Vec<(usize, u64)> = rows.iter().map(|(worker, row)| (*row, *worker)).collect();
    pairs.sort_unstable();
    let pairs: Vec<String> = pairs
        .iter()
        .map(|(row, worker)| format!("{} → {worker}", paint(*row, format_args!("worker {row}"))))
        .collect();
    Some(format!("The workers' numbers in Redis, which their own messages use: {}.", pairs.join(", ")))
}

/// The results, checked.
#[derive(Debug, Default)]
struct Check {
    finished: u64,
    failed: Vec<String>,
    /// Jobs whose `finishes` is not 1.
    not_once: u64,
    sum: u64,
    expected: u64,
    sequential: Duration,
    per_row: BTreeMap<usize, u64>,
    /// Row → number in Redis.
    numbers: BTreeMap<usize, u64>,
}

impl Check {
    /// Adds up the results, and counts the same rows with the pool lesson's
    /// sequential loop.
    fn of(ids: &[u64], states: &[JobState], seed: u64, rows: &BTreeMap<u64, usize>) -> Check {
        let jobs = ids.len();
        let mut check =
            Check { numbers: rows.iter().map(|(worker, row)| (*row, *worker)).collect(), ..Check::default() };
        for (id, state) in ids.iter().zip(states) {
            match (state.status.as_str(), state.result.as_deref().and_then(|r| r.parse::<u64>().ok())) {
                ("finished", Some(count)) => {
                    check.finished += 1;
                    check.sum += count;
                    check.not_once += u64::from(state.finishes != 1);
                    let row = state.worker.and_then(|worker| rows.get(&worker).copied()).unwrap_or(0);
                    *check.per_row.entry(row).or_default() += 1;
                }
                (status, _) => check.failed.push(format!(
                    "job {id}: {}{}",
                    if status.is_empty() { "unknown" } else { status },
                    state.error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
                )),
            }
        }
        let started = Instant::now();
        let rows_per_block = BLOCK_ROWS;
        check.expected = (0..jobs)
            .map(|block| job::count_range(seed, block * rows_per_block..(block + 1) * rows_per_block))
            .sum();
        check.sequential = started.elapsed();
        check
    }

    fn print(&self, took: Duration, workers: u32) {
        println!("{}", self.throughput(took, workers));
        let verdict = if self.sum == self.expected { "equal" } else { "DIFFERENT" };
        println!(
            "Sum of the results: {}; the pool lesson's sequential loop counts {} in {}: {verdict}.",
            thousands(self.sum),
            thousands(self.expected),
            duration(self.sequential)
        );
        if self.not_once > 0 {
            println!(
                "{} done more than once (a worker taken for dead finished anyway); each result counted once.",
                plural(self.not_once, "job was", "jobs were")
            );
        }
    }

    /// `200 jobs finished in 536 ms (…): 373 jobs/s with 2 worker processes
    /// (…)`; a time below the clock's resolution, or no job finished, says
    /// so instead of a rate ([`shared::compare::rate`]).
    fn throughput(&self, took: Duration, workers: u32) -> String {
        let rate = match shared::compare::rate(self.finished, took, Duration::ZERO) {
            Ok(per_second) => format!("{per_second:.0} jobs/s with"),
            Err(why) => format!("{why}, with"),
        };
        let per_worker: Vec<String> = self
            .per_row
            .iter()
            .map(|(row, jobs)| {
                if *row == 0 {
                    // Workers started by hand on the same queue took some.
                    return format!("workers not started by this demo: {}", thousands(*jobs));
                }
                let number = match self.numbers.get(row) {
                    Some(worker) if *worker != *row as u64 => format!(" ({worker} in Redis)"),
                    _ => String::new(),
                };
                format!("{}{number}: {}", paint(*row, format_args!("worker {row}")), thousands(*jobs))
            })
            .collect();
        format!(
            "{} finished in {} (the workers' start included): {rate} {} ({}; {} build).",
            plural_thousands(self.finished, "job", "jobs"),
            duration(took),
            plural(u64::from(workers), "worker process", "worker processes"),
            per_worker.join(", "),
            if cfg!(debug_assertions) { "debug" } else { "release" }
        )
    }

    fn verdict(&self) -> Result<(), Failure> {
        if !self.failed.is_empty() {
            return Err(Failure::new(format!(
                "{} not finished: {}",
                plural(self.failed.len() as u64, "job", "jobs"),
                self.failed.join("; ")
            )));
        }
        if self.sum != self.expected {
            return Err(Failure::new("the sum differs from the sequential loop's"));
        }
        Ok(())
    }
}

pub mod child;

/// The most jobs: 100,000 blocks are 410 million rows, which the check
/// counts again in a few seconds.
pub const MAX_JOBS: u32 = 100_000;

/// The most worker processes.
pub const MAX_WORKERS: u32 = 32;

/// How often the demo looks at the counts.
const POLL: Duration = Duration::from_millis(50);

/// Flags of `demo`.
#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// How many count-range jobs, each one block of 4096 rows of the table.
    #[arg(long, value_name = "M", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_JOBS)))]
    pub jobs: u32,

    /// How many worker processes.
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_WORKERS)))]
    pub workers: u32,

    /// How many workers may die holding a job before it goes to the failed list.
    #[arg(long, value_name = "N", default_value_t = crate::worker::DEFAULT_MAX_ATTEMPTS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::worker::MAX_MAX_ATTEMPTS)))]
    pub max_attempts: u32,

    /// The queue (emptied first: it is the demo's own).
    #[arg(long, value_name = "NAME", default_value = "demo", value_parser = parse_queue_name)]
    pub queue: String,

    /// `--redis-url`.
    #[command(flatten)]
    pub url: UrlArg,

    /// `--seed`: the table's numbers.
    #[command(flatten)]
    pub seed: SeedArg,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_a_number_only_when_the_time_means_one() {
        let check = Check { finished: 200, ..Check::default() };
        let line = check.throughput(Duration::from_millis(500), 2);
        assert!(line.contains(": 400 jobs/s with 2 worker processes ("), "{line}");
        // Below the clock's resolution: no rate, and it says why (it read
        // 200,000,000,000 jobs/s).
        let line = check.throughput(Duration::ZERO, 2);
        assert!(line.contains(": too short for a rate (under the "), "{line}");
        assert!(!line.contains("jobs/s"), "{line}");
        let none = Check::default().throughput(Duration::from_millis(500), 2);
        assert!(none.contains(": no rate: no items, with 2 worker processes"), "{none}");
    }

    #[test]
    fn the_numbers_in_redis_are_told_only_when_they_differ() {
        // What the line says once its colors are stripped.
        let plain = |rows: &BTreeMap<u64, usize>| {
            let line = numbers_line(rows)?;
            let mut text = String::new();
            let mut rest = line.as_str();
            while let Some(start) = rest.find('\u{1b}') {
                text.push_str(&rest[..start]);
                rest = &rest[start..];
                rest = &rest[rest.find('m').map_or(rest.len(), |end| end + 1)..];
            }
            text.push_str(rest);
            Some(text)
        };
        let same = BTreeMap::from([(1, 1), (2, 2)]);
        assert_eq!(numbers_line(&same), None);
        let swapped = BTreeMap::from([(1, 2), (2, 1)]);
        assert_eq!(
            plain(&swapped).as_deref(),
            Some("The workers' numbers in Redis, which their own messages use: worker 1 → 2, worker 2 → 1.")
        );
        let later = BTreeMap::from([(7, 1), (8, 2)]);
        assert_eq!(
            plain(&later).as_deref(),
            Some("The workers' numbers in Redis, which their own messages use: worker 1 → 7, worker 2 → 8.")
        );
    }
}
