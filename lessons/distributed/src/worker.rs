//! # `worker`: take jobs, run them, store their results
//!
//! Ports `rq worker` from seed 003's "Using Redis and Redis Queue RQ": a
//! process that takes jobs from a Redis queue one at a time, runs each, and
//! stores its status and result in Redis; with `--burst` it exits when the
//! queue is empty. Start as many as you like, on this machine or any other
//! that reaches the same Redis: each job goes to exactly one of them.
//!
//! What makes it lose nothing (RQ's worker, by default, can):
//!
//! - **Taking is moving.** `BLMOVE` moves a payload from the queue to this
//!   worker's in-progress list in one command ([`Queue::take`]); RQ's
//!   `BLPOP` takes it out of Redis, and a worker killed before it records
//!   the job elsewhere leaves no trace of it. `--pop` does that, for
//!   comparison ([`Queue::take_by_popping`], labelled WRONG).
//! - **A heartbeat.** Every second the worker renews a key that expires
//!   after three ([`Queue::heartbeat`]), and looks for workers whose key has
//!   expired: their jobs go back to the queue, or to the failed list after
//!   `--max-attempts` ([`Queue::recover`]). A worker killed with SIGKILL has
//!   its job redone within about four seconds.
//! - **Results are stored once.** Finishing is one script that stores the
//!   result and takes the payload off the in-progress list; a job done twice
//!   (its worker was taken for dead, then finished anyway) is counted once
//!   ([`Queue::finish`]).
//! - **Bad payloads are data.** A payload that is not a job goes to the
//!   failed list with the reason, and the worker goes on.
//! - **Redis may go away.** Every step waits for Redis to come back, says so,
//!   and goes on where it was ([`Redis::patiently`]); a job in hand is
//!   finished and stored once Redis answers.
//! - **Ctrl-C in two steps.** Once: finish the job in hand, then exit. Twice:
//!   give the job back to the queue and exit at once (code 130).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shared::interrupt::{Pending, Stage, TwoStageStop, Words};
use shared::message;
use shared::process::Parent;
use shared::timing::plural;
use shared::{Failure, Instrument, Options, eprintln, println, span};

use crate::common::{self, QueueArgs};
use crate::connection::{GaveUp, Redis, Target};
use crate::job::{self, Envelope};
use crate::queue::{HEARTBEAT_EVERY, HEARTBEAT_TTL, Queue, Recovered, Stored, TAKE_WAIT, Taken};

/// The hidden subcommand of `demo`'s worker processes.
pub const CHILD: &str = "worker-child";

/// The most times a job may be started before it is failed, for
/// `--max-attempts`.
pub const MAX_MAX_ATTEMPTS: u32 = 100;

/// `--max-attempts` when not given.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Flags of `worker`.
#[derive(clap::Args, Clone, Debug)]
pub struct Args {
    /// Exit when the queue is empty, instead of waiting for more jobs.
    #[arg(long)]
    pub burst: bool,

    /// How many workers may die holding a job before it goes to the failed list.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ATTEMPTS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_MAX_ATTEMPTS)))]
    pub max_attempts: u32,

    /// Print nothing per job (for benchmarks): only the start, the end and problems.
    #[arg(long)]
    pub quiet: bool,

    /// WRONG, for comparison: take jobs with BRPOP, as RQ's worker does (BLPOP); a
    /// worker killed in the middle of a job loses it.
    #[arg(long)]
    pub pop: bool,

    /// `--redis-url`, `--queue`.
    #[command(flatten)]
    pub queue: QueueArgs,
}

/// Flags of the hidden `worker-child`: the rest comes through stdin.
#[derive(clap::Args, Clone, Debug)]
pub struct ChildArgs {
    /// This worker's row on the chart (1, 2, …).
    #[arg(long, value_name = "N")]
    pub row: usize,
}

/// Parent → `worker-child`, the first line: where and how to work. The URL
/// travels here, not on the command line, where `ps` would show a password.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChildConfig {
    /// The Redis URL.
    pub url: String,
    /// The queue's name.
    pub queue: String,
    /// `--max-attempts`.
    pub max_attempts: u32,
}

/// Parent → `worker-child`, after the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChildOrder {
    /// Finish the job in hand, then exit (Ctrl-C once, or all jobs done).
    StopAfterJob,
    /// Give the job back and exit at once (Ctrl-C twice).
    StopNow,
}

/// `worker-child` → parent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum ChildEvent {
    /// Registered: its number in the queue.
    Started {
        /// The worker's number in Redis.
        worker: u64,
    },
    /// Stopped, with what it did.
    Stopped {
        /// Jobs it finished.
        finished: u64,
        /// Jobs (and payloads) it failed.
        failed: u64,
    },
}

/// How a worker behaves.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The queue.
    pub queue: Queue,
    /// `--max-attempts`.
    pub max_attempts: u32,
    /// `--burst`.
    pub burst: bool,
    /// `--quiet`.
    pub quiet: bool,
    /// `--pop` (WRONG).
    pub pop: bool,
    /// The chart row of its jobs, in `demo`.
    pub row: usize,
}

/// What a worker did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Jobs finished and stored by this worker.
    pub finished: u64,
    /// Jobs and payloads failed by this worker.
    pub failed: u64,
}

/// A worker, registered in Redis.
#[derive(Debug)]
pub struct Worker {
    /// Its number, unique in the queue.
    pub id: u64,
    settings: Settings,
    /// For commands.
    redis: Redis,
    /// For `BLMOVE`, which holds its connection while it waits.
    blocking: Redis,
    stop: TwoStageStop,
    pending: Pending,
    report: Report,
    /// What it is for messages: `worker 3`.
    name: String,
    /// The next job, taken and started by the script that stored the last
    /// one's result.
    next: Option<Taken>,
}

/// How one payload ended.
#[derive(Debug)]
enum Done {
    Finished { id: u64, job: job::Job, result: String, took: Duration, stored: bool },
    Failed { id: u64, job: job::Job, reason: String },
    Rejected { payload: String, reason: String },
    AlreadyFinished { id: u64 },
}

// ANCHOR: port
/// `rq worker`: take a job, run it, store what came of it; again, until
/// the queue is empty (`--burst`) or a Ctrl-C.
pub async fn work(worker: &mut Worker) -> Result<Report, Failure> {
    while let Some(taken) = worker.take().await? {
        worker.pending.add(); // counted before anything is printed about it
        let done = match job::parse(&taken.payload) {
            Ok(envelope) => worker.perform(envelope, &taken).await?,
            Err(reason) => worker.reject(&taken.payload, reason).await?,
        };
        worker.pending.done();
        worker.say(&done);
    }
    Ok(worker.report)
}
// ANCHOR_END: port

impl Worker {
    /// Connects, registers in the queue, and says so; a worker that cannot
    /// reach Redis at its start says why and does not start.
    pub async fn start(
        target: &Target,
        settings: Settings,
        stop: TwoStageStop,
        pending: Pending,
    ) -> Result<Worker, Failure> {
        let mut connection = target.connect_or_explain().await?;
        let id = settings.queue.register(&mut connection).await.map_err(|error| target.explain(&error))?;
        let name = format!("worker {id}");
        let redis = Redis::new(target.clone(), &name);
        let blocking = Redis::blocking(target.clone(), &name, TAKE_WAIT);
        Ok(Worker {
            id,
            settings,
            redis,
            blocking,
            stop,
            pending,
            report: Report::default(),
            name,
            next: None,
        })
    }

    /// The next payload, moved onto this worker's in-progress list and, if
    /// it is a job, started; `None` when it is time to stop (Ctrl-C, or
    /// `--burst` and the queue empty).
    ///
    /// The fast path costs nothing here: the script that stored the last
    /// result took the next job too ([`Queue::finish`]). Otherwise one
    /// script takes and starts a job without waiting ([`Queue::take_next`]);
    /// only when the queue is empty does the worker wait with `BLMOVE`
    /// ([`Queue::take`]), and start what it brings at the next turn.
    async fn take(&mut self) -> Result<Option<Taken>, Failure> {
        if self.settings.pop {
            return self.take_by_popping().await;
        }
        let (queue, id) = (self.settings.queue.clone(), self.id);
        loop {
            // A job taken in advance and not begun goes back at `sign_off`.
            if self.stop.input.is_triggered() {
                return Ok(None);
            }
            if let Some(next) = self.next.take() {
                return Ok(Some(next));
            }
            let taken = self
                .redis
                .patiently("taking a job", &self.stop.input, |mut redis| {
                    let queue = queue.clone();
                    async move { queue.take_next(&mut redis, id).await }
                })
                .await;
            match taken {
                Ok(Some(taken)) => return Ok(Some(taken)),
                Ok(None) if self.settings.burst => return Ok(None),
                Ok(None) => {}
                Err(GaveUp::Stopped) => return Ok(None),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            }
            let waiting = self.blocking.patiently("waiting for a job", &self.stop.input, |mut redis| {
                let queue = queue.clone();
                async move { queue.take(&mut redis, id, TAKE_WAIT).await }
            });
            // A stop does not wait for `BLMOVE`'s timeout. If the server moves
            // a payload to this worker's list just as we stop listening,
            // `sign_off` gives it back: the list is in Redis, not here.
            let Some(waited) = self.stop.input.cut_short(waiting).await else {
                self.blocking.drop_connection();
                return Ok(None);
            };
            match waited {
                // What `BLMOVE` brought is on this worker's list, where
                // `take_next` finds it and starts it.
                Ok(_) => continue,
                Err(GaveUp::Stopped) => return Ok(None),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            }
        }
    }

    /// `--pop`, WRONG: see [`Queue::take_by_popping`].
    async fn take_by_popping(&mut self) -> Result<Option<Taken>, Failure> {
        let queue = self.settings.queue.clone();
        let wait = if self.settings.burst { Duration::from_millis(1) } else { TAKE_WAIT };
        loop {
            if self.stop.input.is_triggered() {
                return Ok(None);
            }
            let popping = self.blocking.patiently("waiting for a job", &self.stop.input, |mut redis| {
                let queue = queue.clone();
                async move { queue.take_by_popping(&mut redis, wait).await }
            });
            let Some(popped) = self.stop.input.cut_short(popping).await else {
                self.blocking.drop_connection();
                return Ok(None);
            };
            match popped {
                // Not started: `perform` starts it.
                Ok(Some(payload)) => return Ok(Some(Taken { payload, attempt: 0 })),
                Ok(None) if self.settings.burst => return Ok(None),
                Ok(None) => continue,
                Err(GaveUp::Stopped) => return Ok(None),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            }
        }
    }

    /// Starts, runs and stores one job.
    async fn perform(&mut self, envelope: Envelope, taken: &Taken) -> Result<Done, Failure> {
        let (queue, id) = (self.settings.queue.clone(), self.id);
        let payload = taken.payload.as_str();
        if taken.attempt > 0 {
            return self.run_and_store(envelope, payload, taken.attempt).await;
        }
        // Taken by popping (`--pop`): not started yet.
        let doing = format!("starting job {}", envelope.id);
        let start = self
            .redis
            .patiently(&doing, &self.stop.now, |mut redis| {
                let queue = queue.clone();
                let (envelope, payload) = (&envelope, payload);
                async move { queue.start(&mut redis, id, envelope, payload).await }
            })
            .await;
        let attempt = match start {
            Ok(Some(attempt)) => attempt,
            Ok(None) => return Ok(Done::AlreadyFinished { id: envelope.id }),
            Err(gave_up) => return Err(self.gave_up(gave_up, envelope.id)),
        };
        self.run_and_store(envelope, payload, attempt).await
    }

    /// Runs a started job and stores what came of it; takes the next job in
    /// the same round trip unless the worker is stopping.
    async fn run_and_store(
        &mut self,
        envelope: Envelope,
        payload: &str,
        attempt: u64,
    ) -> Result<Done, Failure> {
        let (queue, id) = (self.settings.queue.clone(), self.id);
        let started = Instant::now();
        let label = format!("worker {}", self.settings.row);
        let outcome =
            self.stop.now.cut_short(envelope.job.run()).instrument(span(self.settings.row, label)).await;
        let took = started.elapsed();
        let Some(outcome) = outcome else {
            // Ctrl-C twice: the job goes back to the queue, untouched.
            return Err(self.give_back_now(envelope.id).await);
        };
        let doing = format!("storing job {}'s result", envelope.id);
        let then_take = !self.settings.pop && !self.stop.input.is_triggered();
        let stored = self
            .redis
            .patiently(&doing, &self.stop.now, |mut redis| {
                let queue = queue.clone();
                let (envelope, payload, outcome) = (&envelope, payload, &outcome);
                async move {
                    match outcome {
                        Ok(result) => {
                            queue.finish(&mut redis, id, attempt, envelope, payload, result, then_take).await
                        }
                        Err(reason) => queue.fail(&mut redis, id, envelope, payload, reason, then_take).await,
                    }
                }
            })
            .await
            .map_err(|gave_up| self.gave_up(gave_up, envelope.id))?;
        let Stored { stored, next } = stored;
        self.next = next;
        Ok(match outcome {
            Ok(result) => {
                self.report.finished += u64::from(stored);
                Done::Finished { id: envelope.id, job: envelope.job, result, took, stored }
            }
            Err(reason) => {
                self.report.failed += u64::from(stored);
                Done::Failed { id: envelope.id, job: envelope.job, reason }
            }
        })
    }

    /// A payload that is not a job: to the failed list, with the reason.
    async fn reject(&mut self, payload: &str, reason: String) -> Result<Done, Failure> {
        let (queue, id) = (self.settings.queue.clone(), self.id);
        let rejected = self
            .redis
            .patiently("moving a bad payload to the failed list", &self.stop.now, |mut redis| {
                let (queue, reason) = (queue.clone(), &reason);
                async move { queue.reject(&mut redis, id, payload, reason).await }
            })
            .await;
        match rejected {
            Ok(()) => {
                self.report.failed += 1;
                Ok(Done::Rejected { payload: job::quote(payload), reason })
            }
            Err(GaveUp::Refused(failure)) => Err(failure),
            Err(GaveUp::Stopped) => Err(Failure::interrupted(format!(
                "stopped by Ctrl-C while Redis was away, before {} moved a bad payload to the failed list; {}",
                self.name,
                self.left_behind()
            ))),
        }
    }

    /// Ctrl-C twice during a job: give it back, if Redis lets us.
    async fn give_back_now(&mut self, id: u64) -> Failure {
        let given = match self.redis.connection().await {
            Ok(mut redis) => self.settings.queue.give_back(&mut redis, self.id).await,
            Err(error) => Err(error),
        };
        match given {
            Ok(_) => Failure::interrupted(format!(
                "stopped by Ctrl-C; {} gave job {id} back to the queue.",
                self.name
            )),
            Err(error) => Failure::interrupted(format!(
                "stopped by Ctrl-C; {} cannot give job {id} back ({error}); {}",
                self.name,
                self.left_behind()
            )),
        }
    }

    fn gave_up(&self, gave_up: GaveUp, id: u64) -> Failure {
        match gave_up {
            GaveUp::Refused(failure) => failure,
            GaveUp::Stopped => Failure::interrupted(format!(
                "stopped by Ctrl-C while Redis was away; {} holds job {id}: {}",
                self.name,
                self.left_behind()
            )),
        }
    }

    /// What happens to a job left on this worker's list.
    fn left_behind(&self) -> String {
        format!(
            "it stays on {}'s in-progress list in Redis, and goes back to the queue {} s after this \
             worker's last heartbeat",
            self.name,
            HEARTBEAT_TTL.as_secs()
        )
    }

    /// One line per payload, unless `--quiet` (failures are always told).
    fn say(&self, done: &Done) {
        let name = &self.name;
        match done {
            Done::Finished { id, job, result, took, stored } if !self.settings.quiet => {
                let note =
                    if *stored { "" } else { " (done before by a worker taken for dead: counted once)" };
                let took = shared::timing::duration(*took);
                println!("{name}: job {id} {job} → {result} in {took}{note}");
            }
            Done::Finished { .. } => {}
            Done::Failed { id, job, reason } => {
                eprintln!("{name}: job {id} {job} failed: {reason}; it is on the failed list.")
            }
            Done::Rejected { payload, reason } => {
                eprintln!("{name}: payload {payload} moved to the failed list: {reason}.")
            }
            Done::AlreadyFinished { id } if !self.settings.quiet => {
                println!("{name}: job {id} was finished already (by a worker taken for dead): not run again.")
            }
            Done::AlreadyFinished { .. } => {}
        }
    }

    /// Gives back what is left on its list (nothing, after a clean stop) and
    /// takes its heartbeat away; once, without waiting for Redis.
    pub async fn sign_off(&mut self) {
        let queue = self.settings.queue.clone();
        let signed_off = match self.redis.connection().await {
            Ok(mut redis) => {
                async {
                    let given = queue.give_back(&mut redis, self.id).await?;
                    queue.sign_off(&mut redis, self.id).await?;
                    Ok(given)
                }
                .await
            }
            Err(error) => Err(error),
        };
        match signed_off {
            Ok(given) if !given.is_empty() => eprintln!(
                "{}: gave {} back to the queue.",
                self.name,
                plural(given.len() as u64, "payload", "payloads")
            ),
            Ok(_) => {}
            Err(error) => eprintln!("{}: cannot sign off ({error}); {}", self.name, self.left_behind()),
        }
    }
}

// ANCHOR: heartbeat_task
/// Every [`HEARTBEAT_EVERY`]: "I am alive" (a key that expires after
/// [`HEARTBEAT_TTL`]), then bring back the jobs of workers whose key has
/// expired. Runs beside the jobs, on its own connection, until `done`.
pub async fn beat(target: Target, queue: Queue, worker: u64, max_attempts: u32, done: Stage) {
    let name = format!("worker {worker}");
    let mut redis = Redis::new(target, &name);
    while done.cut_short(tokio::time::sleep(HEARTBEAT_EVERY)).await.is_some() {
        // Redis away: the main loop says so; here, just try again next time.
        let Ok(mut connection) = redis.connection().await else { continue };
        let beat = async {
            queue.heartbeat(&mut connection, worker).await?;
            queue.recover(&mut connection, max_attempts).await
        };
        match beat.await {
            Ok(recovered) => tell_recovered(&name, &recovered),
            Err(_) => redis.drop_connection(),
        }
    }
}
// ANCHOR_END: heartbeat_task

/// One line per job a worker brought back from a dead one.
fn tell_recovered(name: &str, recovered: &[Recovered]) {
    for job in recovered {
        let what = match job.id {
            Some(id) => format!("job {id}"),
            None => "a payload that is not a job".to_string(),
        };
        let whither = if job.requeued { "back to the queue" } else { "to the failed list" };
        eprintln!("{name}: worker {} stopped answering; {what} goes {whither}.", job.worker);
    }
}

/// Registers, works until told to stop, signs off. The heartbeat runs
/// beside it.
pub async fn serve(
    target: &Target,
    settings: Settings,
    stop: TwoStageStop,
    pending: Pending,
    on_start: impl FnOnce(&Worker),
) -> Result<Report, Failure> {
    let max_attempts = settings.max_attempts;
    let mut worker = Worker::start(target, settings, stop, pending).await?;
    on_start(&worker);
    // Jobs of workers that died while none was running come back first.
    if let Ok(mut redis) = worker.redis.connection().await
        && let Ok(recovered) = worker.settings.queue.recover(&mut redis, max_attempts).await
    {
        tell_recovered(&worker.name, &recovered);
    }
    let done = Stage::new();
    let heartbeat = tokio::spawn(beat(
        target.clone(),
        worker.settings.queue.clone(),
        worker.id,
        max_attempts,
        done.clone(),
    ));
    let outcome = work(&mut worker).await;
    done.trigger();
    let _ = heartbeat.await;
    if !matches!(&outcome, Err(failure) if failure.exit_code == 130) {
        worker.sign_off().await;
    } else if let Ok(mut redis) = worker.redis.connection().await {
        let _ = worker.settings.queue.sign_off(&mut redis, worker.id).await;
    }
    outcome
}

/// Runs `worker`.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.queue.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    shared::run_async(Options::new(), || async move {
        let target = Target::resolve(&args.queue.url)?;
        let settings = Settings {
            queue: args.queue.queue(),
            max_attempts: args.max_attempts,
            burst: args.burst,
            quiet: args.quiet,
            pop: args.pop,
            row: 0,
        };
        let pending = Pending::new();
        let words = Words { first_stage: "no new jobs", item: "job", items: "jobs" };
        let stop = TwoStageStop::on_ctrl_c_saying(words, {
            let pending = pending.clone();
            move || pending.get()
        });
        let queue_name = settings.queue.name().to_string();
        let report = serve(&target, settings, stop, pending, |worker| {
            println!(
                "Worker {} (pid {}) takes jobs from queue {queue_name} at {target}.",
                worker.id,
                std::process::id()
            );
            if args.pop {
                println!(
                    "WRONG, for comparison: jobs are taken with BRPOP; a worker killed mid-job loses it."
                );
            }
        })
        .await?;
        println!(
            "Worker stops: {} finished, {} failed.",
            plural(report.finished, "job", "jobs"),
            plural(report.failed, "job", "jobs")
        );
        Ok(())
    })
}

/// `demo`'s worker process: its config from stdin, then orders.
pub fn run_child(args: &ChildArgs) -> ExitCode {
    shared::run_async(Options::new(), || async move {
        let parent = Parent::connect();
        let config: ChildConfig = parent
            .recv()
            .and_then(|line| message::decode(&line).ok())
            .ok_or_else(|| Failure::new("worker: no config from the parent"))?;
        let target = Target::parse(&config.url).map_err(Failure::new)?;
        let settings = Settings {
            queue: Queue::new(&config.queue),
            max_attempts: config.max_attempts,
            burst: false,
            quiet: true,
            pop: false,
            row: args.row,
        };
        let stop = TwoStageStop::new();
        listen(parent, stop.clone());
        let report = serve(&target, settings, stop, Pending::new(), |worker| {
            let _ = message::reply(&ChildEvent::Started { worker: worker.id });
        })
        .await?;
        let _ = message::reply(&ChildEvent::Stopped { finished: report.finished, failed: report.failed });
        Ok(())
    })
}

/// Reads the parent's orders on a thread; `#end` means stop after the job.
fn listen(parent: Parent, stop: TwoStageStop) {
    let spawned = std::thread::Builder::new().name("orders".into()).spawn(move || {
        while let Some(line) = parent.recv() {
            match message::decode::<ChildOrder>(&line) {
                Ok(ChildOrder::StopAfterJob) => stop.input.trigger(),
                Ok(ChildOrder::StopNow) => {
                    stop.input.trigger();
                    stop.now.trigger();
                }
                Err(bad) => eprintln!("worker: ignoring {bad} from the parent"),
            }
        }
        stop.input.trigger();
    });
    if spawned.is_err() {
        shared::process::exit(shared::process::ORPHAN_EXIT_CODE);
    }
}
