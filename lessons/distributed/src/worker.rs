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
//! - **Taking is moving.** `LMOVE`/`BLMOVE` moves a payload from the queue to
//!   this worker's taken list in one command ([`Queue::take`]), and starting
//!   it moves it on to the in-progress list ([`Queue::start`]); RQ's
//!   `BLPOP` takes it out of Redis, and a worker killed before it records
//!   the job elsewhere leaves no trace of it. `--pop` does that, for
//!   comparison ([`Queue::take_by_popping`], labelled WRONG).
//! - **An identity of its own.** Its lists and heartbeat key are named by a
//!   random token its process makes ([`WorkerId`]); its number is for people.
//! - **A heartbeat.** Every second the worker renews a key that expires
//!   after three ([`Queue::heartbeat`]); one worker per second looks for
//!   workers whose key has expired: their jobs go back to the queue, or to
//!   the failed list after `--max-attempts` ([`Queue::recover`]). A worker
//!   killed with SIGKILL has its job redone within about four seconds, also
//!   by a `--burst` worker started just after.
//! - **A job ends once.** Finishing is one script that stores the result
//!   only if the payload is still on this worker's in-progress list; a late
//!   result from a worker taken for dead is refused, and the worker says so
//!   ([`Queue::finish`]).
//! - **Bad payloads are data.** A payload that is not a job, whatever its
//!   bytes, goes to the failed list with the reason ([`job::parse`], the one
//!   place that judges one), and the worker goes on.
//! - **A closed stdout** (`worker | head -1`) stops it like one Ctrl-C: the
//!   job in hand is stored, the one taken in advance is given back.
//! - **Redis may go away.** Every step waits for Redis to come back, says so,
//!   and goes on where it was ([`Redis::patiently`]); a job in hand is
//!   finished and stored once Redis answers.
//! - **Ctrl-C in two steps.** Once: finish the job in hand, then exit. Twice:
//!   give the job back to the queue and exit at once (code 130). SIGTERM
//!   counts as the second Ctrl-C, and the last word and the exit code (143)
//!   say so.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use shared::cli::TimelineArg;
use shared::interrupt::{Pending, Stage, TERMINATED_EXIT_CODE, TwoStageStop, Words};
use shared::timing::plural;
use shared::{Failure, Instrument, Options, eprintln, println, span};

use crate::common::{self, QueueArgs};
use crate::connection::{GaveUp, Redis, Target};
use crate::job::{self, Envelope};
use crate::queue::{
    Beat, HEARTBEAT_EVERY, HEARTBEAT_TTL, Holder, Queue, Recovered, StoredRaw, TAKE_WAIT, WorkerId,
};

// ANCHOR: port
/// `rq worker`: take a job, run it, store what came of it; again, until
/// the queue is empty (`--burst`) or a Ctrl-C.
pub async fn work(worker: &mut Worker) -> Result<Report, Failure> {
    while let Some(payload) = worker.take().await? {
        worker.pending.add(); // counted before anything is printed about it
        // The one place a payload is judged (the scripts never read it).
        let done = match job::parse(&payload) {
            Ok(envelope) => worker.perform(envelope, &payload).await?,
            Err(reason) => worker.reject(&payload, reason).await?,
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
        let identity =
            settings.queue.register(&mut connection).await.map_err(|error| target.explain(&error))?;
        let name = format!("worker {}", identity.number());
        let redis = Redis::new(target.clone(), &name);
        let blocking = Redis::blocking(target.clone(), &name, TAKE_WAIT);
        Ok(Worker {
            identity,
            settings,
            redis,
            blocking,
            stop,
            pending,
            report: Report::default(),
            next: None,
            runs: 0,
            output_failed: None,
        })
    }

    /// Its number, for people (its token is what Redis knows it by).
    pub fn number(&self) -> u64 {
        self.identity.number()
    }

    /// What it is for messages: `worker 3`.
    fn name(&self) -> String {
        format!("worker {}", self.identity.number())
    }

    /// The next payload, moved onto this worker's in-progress list and, if
    /// it is a job, started; `None` when it is time to stop (Ctrl-C, or
    /// `--burst` and nothing left to do).
    ///
    /// The fast path costs one trip here: the script that stored the last
    /// result took the next payload too ([`Queue::finish`]), and it is
    /// started once checked. Otherwise a script takes a payload without
    /// waiting ([`Queue::take_next`]); only when the queue is empty does the
    /// worker wait with `BLMOVE` ([`Queue::take`]), and start what it brings
    /// at the next turn.
    async fn take(&mut self) -> Result<Option<Vec<u8>>, Failure> {
        if self.settings.pop {
            return self.take_by_popping().await;
        }
        let queue = self.settings.queue.clone();
        let identity = self.identity.clone();
        // The heartbeat may have given this worker a new number.
        self.redis.rename(self.name());
        self.blocking.rename(self.name());
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
                    let (queue, identity) = (queue.clone(), &identity);
                    async move { queue.take_raw(&mut redis, identity).await }
                })
                .await;
            match taken {
                Ok(Some(taken)) => return Ok(Some(taken)),
                Ok(None) if self.settings.burst => {
                    if self.nothing_left_for_me().await? {
                        return Ok(None);
                    }
                    continue;
                }
                Ok(None) => {}
                Err(GaveUp::Stopped) => return Ok(None),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            }
            let waiting = self.blocking.patiently("waiting for a job", &self.stop.input, |mut redis| {
                let (queue, identity) = (queue.clone(), &identity);
                async move { queue.take(&mut redis, identity, TAKE_WAIT).await }
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

    /// Runs one job and stores what came of it.
    async fn perform(&mut self, envelope: Envelope, payload: &[u8]) -> Result<Done, Failure> {
        if !self.settings.pop {
            return self.run_and_store(envelope, payload).await;
        }
        // Taken by popping (`--pop`, WRONG): on no list; started first.
        match self.start_job(&envelope, payload).await {
            Ok(Some(_)) => self.run_and_store(envelope, payload).await,
            Ok(None) => Ok(Done::AlreadyFinished { id: envelope.id }),
            Err(gave_up) => Err(self.gave_up(gave_up, envelope.id)),
        }
    }

    /// Marks a job started in Redis, waiting out a Redis that is away:
    /// `Some(attempt)` if this worker may run it, `None` if it is done
    /// already or no longer this worker's. A payload taken by popping
    /// (`--pop`) is on no list, so it is started by its hash alone.
    async fn start_job(&mut self, envelope: &Envelope, payload: &[u8]) -> Result<Option<u64>, GaveUp> {
        let (queue, identity, popped) =
            (self.settings.queue.clone(), self.identity.clone(), self.settings.pop);
        let doing = format!("starting job {}", envelope.id);
        self.redis
            .patiently(&doing, &self.stop.now, |mut redis| {
                let (queue, identity) = (queue.clone(), &identity);
                async move {
                    match popped {
                        true => queue.start_popped(&mut redis, identity, envelope, payload).await,
                        false => queue.start(&mut redis, identity, envelope, payload).await,
                    }
                }
            })
            .await
    }

    // ANCHOR: run_and_store
    /// Runs a job and stores what came of it; takes the next payload in the
    /// same round trip unless the worker is stopping.
    ///
    /// A job that ends within [`START_GRACE`] is started and stored by one
    /// script ([`Queue::finish_raw`]): one round trip per job. A longer job
    /// is started when the grace period is over ([`Queue::start`]), so that
    /// Redis shows it `started` while it runs; if Redis says it must not run
    /// (done already, or no longer this worker's), it is stopped there.
    async fn run_and_store(&mut self, envelope: Envelope, payload: &[u8]) -> Result<Done, Failure> {
        let (queue, identity) = (self.settings.queue.clone(), self.identity.clone());
        let started = Instant::now();
        let (row, label) = match self.settings.row {
            0 => (1, self.name()),
            row => (row, format!("worker {row}")),
        };
        let job = envelope.job.clone(); // the running future borrows it
        let mut run = std::pin::pin!(job.run().instrument(span(row, label)));
        let quick = match self.settings.pop {
            true => None, // started already
            false => tokio::time::timeout(START_GRACE, &mut run).await.ok(),
        };
        let outcome = match quick {
            Some(outcome) => Some(outcome),
            None => {
                if !self.settings.pop {
                    match self.start_job(&envelope, payload).await {
                        Ok(Some(_attempt)) => {}
                        Ok(None) => return Ok(Done::AlreadyFinished { id: envelope.id }),
                        Err(GaveUp::Stopped) => return Err(self.give_back_now(envelope.id).await),
                        Err(gave_up) => return Err(self.gave_up(gave_up, envelope.id)),
                    }
                }
                self.stop.now.cut_short(run).await
            }
        };
        let took = started.elapsed();
        let Some(outcome) = outcome else {
            // Ctrl-C twice: the job goes back to the queue, untouched.
            return Err(self.give_back_now(envelope.id).await);
        };
        self.runs += 1;
        let mark = format!("{}:run-{}", identity.token, self.runs);
        let doing = format!("storing job {}'s result", envelope.id);
        let then_take = !self.settings.pop && !self.stop.input.is_triggered();
        let stored = self
            .redis
            .patiently(&doing, &self.stop.now, |mut redis| {
                let (queue, identity, mark) = (queue.clone(), &identity, &mark);
                let (envelope, payload, outcome) = (&envelope, payload, &outcome);
                async move {
                    match outcome {
                        Ok(result) => {
                            queue
                                .finish_raw(&mut redis, identity, mark, envelope, payload, result, then_take)
                                .await
                        }
                        Err(reason) => {
                            queue.fail_raw(&mut redis, identity, envelope, payload, reason, then_take).await
                        }
                    }
                }
            })
            .await
            .map_err(|gave_up| self.gave_up(gave_up, envelope.id))?;
        let StoredRaw { stored, taken_away, next } = stored;
        self.next = next;
        if taken_away {
            return Ok(Done::TakenAway { id: envelope.id, outcome });
        }
        Ok(match outcome {
            Ok(result) => {
                self.report.finished += u64::from(stored);
                Done::Finished { id: envelope.id, job: envelope.job, result, took, stored }
            }
            Err(reason) => {
                self.report.failed += u64::from(stored);
                Done::Failed { id: envelope.id, job: envelope.job, reason, stored }
            }
        })
    }
    // ANCHOR_END: run_and_store

    /// A payload that is not a job: to the failed list, with the reason.
    async fn reject(&mut self, payload: &[u8], reason: String) -> Result<Done, Failure> {
        let (queue, identity) = (self.settings.queue.clone(), self.identity.clone());
        let rejected = self
            .redis
            .patiently("moving a bad payload to the failed list", &self.stop.now, |mut redis| {
                let (queue, identity, reason) = (queue.clone(), &identity, &reason);
                async move { queue.reject(&mut redis, identity, payload, reason).await }
            })
            .await;
        match rejected {
            Ok(recorded) => {
                self.report.failed += u64::from(recorded);
                Ok(Done::Rejected { payload: job::quote_bytes(payload), reason })
            }
            Err(GaveUp::Refused(failure)) => Err(failure),
            Err(GaveUp::Stopped) => Err(common::stopped_while(
                &self.stop,
                format_args!("Redis was away, before {} moved a bad payload to the failed list", self.name()),
                self.left_behind(),
            )),
        }
    }

    /// One line per payload, unless `--quiet` (failures are always told, on
    /// stderr). Standard output may be gone (`worker | head -1`): then the
    /// worker says so on stderr and stops taking jobs; the job it has just
    /// stored is stored, and the one taken in advance goes back at
    /// `sign_off`. It never leaves a job behind because it could not print.
    fn say(&mut self, done: &Done) {
        let name = self.name();
        let line = match done {
            Done::Finished { id, job, result, took, stored } if !self.settings.quiet => {
                let note =
                    if *stored { "" } else { " (done before by a worker taken for dead: counted once)" };
                let took = shared::timing::duration(*took);
                Some(format!("{name}: job {id} {job} → {result} in {took}{note}"))
            }
            Done::Finished { .. } => None,
            Done::Failed { id, job, reason, stored } => {
                let note = if *stored {
                    "it is on the failed list"
                } else {
                    "it had ended already: not counted again"
                };
                eprintln!("{name}: job {id} {job} failed: {reason}; {note}.");
                None
            }
            Done::TakenAway { id, outcome } => {
                let what = match outcome {
                    Ok(_) => "its result is refused",
                    Err(_) => "its failure is not recorded",
                };
                eprintln!(
                    "{name}: job {id} was taken from this worker while it ran (its heartbeat had expired: \
                     was the process paused?) and went back to the queue or to the failed list; {what}, \
                     and the job ends once, there."
                );
                None
            }
            Done::Rejected { payload, reason } => {
                eprintln!("{name}: payload {payload} moved to the failed list: {reason}.");
                None
            }
            Done::AlreadyFinished { id } if !self.settings.quiet => Some(format!(
                "{name}: job {id} was finished already (by a worker taken for dead): not run again."
            )),
            Done::AlreadyFinished { .. } => None,
        };
        let Some(line) = line else { return };
        if self.output_failed.is_some() {
            return;
        }
        if let Err(error) = write_line(&line) {
            eprintln!(
                "{name}: cannot write to standard output ({error}): this job's outcome is stored; it takes no \
                 new jobs, gives back any taken in advance, and stops."
            );
            self.stop.input.trigger();
            self.output_failed = Some(error);
        }
    }
}

// What hardens the loop: `--burst` looking at the other workers before it
// ends, a stop now (Ctrl-C twice, SIGTERM) or while Redis is away, and
// signing off; and `--pop`, the WRONG take kept for comparison.
impl Worker {
    // ANCHOR: burst
    /// `--burst` and the queue is empty: but is there nothing left? Another
    /// worker may hold a job and be dead (killed a moment ago: its
    /// heartbeat has not expired yet). Each worker holding something is
    /// watched until it is seen beating (alive: it will finish its own job)
    /// or its heartbeat expires (dead: its jobs are recovered, and this
    /// worker looks at the queue again). At most [`HEARTBEAT_TTL`].
    /// Returns `true` when there is nothing left for this worker to do.
    async fn nothing_left_for_me(&mut self) -> Result<bool, Failure> {
        let (queue, identity) = (self.settings.queue.clone(), self.identity.clone());
        let max_attempts = self.settings.max_attempts;
        let mut first_beats: HashMap<String, Option<String>> = HashMap::new();
        let mut said = false;
        loop {
            let holders = self
                .redis
                .patiently("looking at the other workers", &self.stop.input, |mut redis| {
                    let (queue, identity) = (queue.clone(), &identity);
                    async move { queue.holders(&mut redis, identity).await }
                })
                .await;
            let holders = match holders {
                Ok(holders) => holders,
                Err(GaveUp::Stopped) => return Ok(true),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            };
            if holders.iter().any(|holder| holder.beat.is_none()) {
                let recovered = self
                    .redis
                    .patiently("recovering a dead worker's jobs", &self.stop.input, |mut redis| {
                        let queue = queue.clone();
                        async move { queue.recover(&mut redis, max_attempts).await }
                    })
                    .await;
                match recovered {
                    Ok(recovered) => tell_recovered(&self.name(), &recovered),
                    Err(GaveUp::Stopped) => return Ok(true),
                    Err(GaveUp::Refused(failure)) => return Err(failure),
                }
                return Ok(false);
            }
            // Seen with the same beat as at first: not known to be alive yet.
            let unsure: Vec<&Holder> = holders
                .iter()
                .filter(|holder| first_beats.get(&holder.token).is_none_or(|first| *first == holder.beat))
                .collect();
            if unsure.is_empty() {
                return Ok(true);
            }
            if !said {
                let who: Vec<String> =
                    unsure.iter().map(|holder| format!("worker {}", holder.number)).collect();
                eprintln!(
                    "{}: the queue is empty, but {} {} jobs; waiting up to {} s to see that {} alive.",
                    self.name(),
                    who.join(", "),
                    if unsure.len() == 1 { "holds" } else { "hold" },
                    HEARTBEAT_TTL.as_secs(),
                    if unsure.len() == 1 { "it is" } else { "they are" }
                );
                said = true;
            }
            for holder in &holders {
                first_beats.entry(holder.token.clone()).or_insert_with(|| holder.beat.clone());
            }
            if self.stop.input.cut_short(tokio::time::sleep(BURST_LOOK_EVERY)).await.is_none() {
                return Ok(true);
            }
            // A job may have come meanwhile: then the caller takes it.
            let queued = self
                .redis
                .patiently("looking at the queue", &self.stop.input, |mut redis| {
                    let queue = queue.clone();
                    async move { queue.queued(&mut redis).await }
                })
                .await;
            match queued {
                Ok(0) => {}
                Ok(_) => return Ok(false),
                Err(GaveUp::Stopped) => return Ok(true),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            }
        }
    }
    // ANCHOR_END: burst

    /// `--pop`, WRONG: see [`Queue::take_by_popping`].
    async fn take_by_popping(&mut self) -> Result<Option<Vec<u8>>, Failure> {
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
                Ok(Some(payload)) => return Ok(Some(payload)),
                Ok(None) if self.settings.burst => return Ok(None),
                Ok(None) => continue,
                Err(GaveUp::Stopped) => return Ok(None),
                Err(GaveUp::Refused(failure)) => return Err(failure),
            }
        }
    }

    /// Ctrl-C twice during a job: give it back, if Redis lets us.
    async fn give_back_now(&mut self, id: u64) -> Failure {
        let given = match self.redis.connection().await {
            Ok(mut redis) => self.settings.queue.give_back(&mut redis, &self.identity).await,
            Err(error) => Err(error),
        };
        match given {
            Ok(_) => self.stop.failure(format!("{} gave job {id} back to the queue.", self.name())),
            Err(error) => self.stop.failure(format!(
                "{} cannot give job {id} back ({error}); {}",
                self.name(),
                self.left_behind()
            )),
        }
    }

    fn gave_up(&self, gave_up: GaveUp, id: u64) -> Failure {
        match gave_up {
            GaveUp::Refused(failure) => failure,
            GaveUp::Stopped => common::stopped_while(
                &self.stop,
                "Redis was away",
                format_args!("{} holds job {id}: {}", self.name(), self.left_behind()),
            ),
        }
    }

    /// What happens to a job left on this worker's list.
    fn left_behind(&self) -> String {
        format!(
            "it stays on {}'s in-progress list in Redis, and goes back to the queue {} s after this \
             worker's last heartbeat",
            self.name(),
            HEARTBEAT_TTL.as_secs()
        )
    }

    /// Gives back what is left on its list (nothing, after a clean stop) and
    /// takes its heartbeat away; once, without waiting for Redis.
    pub async fn sign_off(&mut self) {
        let queue = self.settings.queue.clone();
        let signed_off = match self.redis.connection().await {
            Ok(mut redis) => {
                async {
                    let given = queue.give_back(&mut redis, &self.identity).await?;
                    queue.sign_off(&mut redis, &self.identity).await?;
                    Ok(given)
                }
                .await
            }
            Err(error) => Err(error),
        };
        match signed_off {
            Ok(given) if !given.is_empty() => eprintln!(
                "{}: gave {} back to the queue.",
                self.name(),
                plural(given.len() as u64, "payload", "payloads")
            ),
            Ok(_) => {}
            Err(error) => eprintln!("{}: cannot sign off ({error}); {}", self.name(), self.left_behind()),
        }
    }
}

/// A line on standard output, or why it could not be written.
fn write_line(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

// ANCHOR: heartbeat_task
/// Every [`HEARTBEAT_EVERY`]: "I am alive" (a key that expires after
/// [`HEARTBEAT_TTL`]); then, if this worker is the one that claims this
/// interval's look (one per interval, whatever the number of workers),
/// bring back the jobs of workers whose key has expired. Runs beside the
/// jobs, on its own connection, until `done`.
pub async fn beat(target: Target, queue: Queue, identity: WorkerId, max_attempts: u32, done: Stage) {
    let mut redis = Redis::new(target, format!("worker {}", identity.number()));
    while done.cut_short(tokio::time::sleep(HEARTBEAT_EVERY)).await.is_some() {
        // Redis away: the main loop says so; here, just try again next time.
        let Ok(mut connection) = redis.connection().await else { continue };
        let beat = async {
            let beat = queue.heartbeat(&mut connection, &identity).await?;
            let recovered = if queue.claim_recovery(&mut connection, &identity).await? {
                queue.recover(&mut connection, max_attempts).await?
            } else {
                Vec::new()
            };
            Ok::<_, redis::RedisError>((beat, recovered))
        };
        match beat.await {
            Ok((beat, recovered)) => {
                redis.rename(format!("worker {}", identity.number()));
                tell_beat(&identity, beat);
                tell_recovered(&format!("worker {}", identity.number()), &recovered);
            }
            Err(_) => redis.drop_connection(),
        }
    }
}
// ANCHOR_END: heartbeat_task

/// What a heartbeat found, when it is news.
fn tell_beat(identity: &WorkerId, beat: Beat) {
    let number = identity.number();
    match beat {
        Beat::Known => {}
        Beat::Forgotten => eprintln!(
            "worker {number}: Redis did not know this worker any more (its heartbeat had expired, so it was \
             taken for dead, or Redis restarted without its data); it is registered again."
        ),
        Beat::Renumbered { was } => eprintln!(
            "worker {was}: another worker was given number {was} while Redis had forgotten this one; this \
             one is worker {number} from now on."
        ),
    }
}

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
) -> Result<(Report, Option<std::io::Error>), Failure> {
    let max_attempts = settings.max_attempts;
    let mut worker = Worker::start(target, settings, stop, pending).await?;
    on_start(&worker);
    // Jobs of workers that died while none was running come back first.
    if let Ok(mut redis) = worker.redis.connection().await
        && let Ok(recovered) = worker.settings.queue.recover(&mut redis, max_attempts).await
    {
        tell_recovered(&worker.name(), &recovered);
    }
    let done = Stage::new();
    let heartbeat = tokio::spawn(beat(
        target.clone(),
        worker.settings.queue.clone(),
        worker.identity.clone(),
        max_attempts,
        done.clone(),
    ));
    let outcome = work(&mut worker).await;
    done.trigger();
    let _ = heartbeat.await;
    // Stopped now (Ctrl-C twice: 130, SIGTERM: 143): the job went back
    // already, or stays on the list with a word about it; only the
    // heartbeat goes.
    let stopped_now = |failure: &Failure| matches!(i32::from(failure.exit_code), 130 | TERMINATED_EXIT_CODE);
    if !matches!(&outcome, Err(failure) if stopped_now(failure)) {
        worker.sign_off().await;
    } else if let Ok(mut redis) = worker.redis.connection().await {
        let _ = worker.settings.queue.sign_off(&mut redis, &worker.identity).await;
    }
    outcome.map(|report| (report, worker.output_failed.take()))
}

/// Runs `worker`.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.queue.no_instant.refuse(common::NO_INSTANT) {
        return code;
    }
    let options = Options::new().timeline(args.timeline).chart_title("Jobs of this worker");
    shared::run_async(options, || async move {
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
        let (report, output_failed) = serve(&target, settings, stop, pending, |worker| {
            println!(
                "Worker {} (pid {}) takes jobs from queue {queue_name} at {target}.",
                worker.number(),
                std::process::id()
            );
            if args.pop {
                println!(
                    "WRONG, for comparison: jobs are taken with BRPOP; a worker killed mid-job loses it."
                );
            }
        })
        .await?;
        let summary = format!(
            "Worker stops: {} finished, {} failed.",
            plural(report.finished, "job", "jobs"),
            plural(report.failed, "job", "jobs")
        );
        match output_failed {
            None => {
                println!("{summary}");
                Ok(())
            }
            // `worker | head -1`: the reader has what it wanted; the worker
            // said on stderr what it did.
            Some(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
                eprintln!("{summary}");
                Ok(())
            }
            Some(error) => Err(Failure::new(format!("cannot write to standard output: {error}; {summary}"))),
        }
    })
}

/// How long a job runs before the worker marks it started in Redis. A job
/// that ends sooner (most jobs of a busy queue: a count of a few thousand
/// rows takes well under a millisecond in a release build) is started and
/// stored by one script, one round trip instead of two.
pub const START_GRACE: Duration = Duration::from_millis(10);

/// How often `--burst` looks again at workers that hold jobs while the
/// queue is empty.
const BURST_LOOK_EVERY: Duration = Duration::from_millis(200);

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

    /// `--timeline`: one row for this worker, a bar per job it ran.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--redis-url`, `--queue`.
    #[command(flatten)]
    pub queue: QueueArgs,
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
    /// The chart row of its jobs: `demo`'s number for it, or 0 for a
    /// worker on its own (its one row is then named by its Redis number).
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
    /// Who it is: its token, and its number for people.
    pub identity: WorkerId,
    settings: Settings,
    /// For commands.
    redis: Redis,
    /// For `BLMOVE`, which holds its connection while it waits.
    blocking: Redis,
    stop: TwoStageStop,
    pending: Pending,
    report: Report,
    /// The next payload, taken by the script that stored the last one's
    /// result; not judged nor started yet.
    next: Option<Vec<u8>>,
    /// Jobs run so far: each run's mark (`token:run-N`) tells a result sent
    /// twice (its answer lost) from a second result.
    runs: u64,
    /// Why standard output could not be written, once it could not.
    output_failed: Option<std::io::Error>,
}

/// How one payload ended.
#[derive(Debug)]
enum Done {
    Finished {
        id: u64,
        job: job::Job,
        result: String,
        took: Duration,
        stored: bool,
    },
    Failed {
        id: u64,
        job: job::Job,
        reason: String,
        stored: bool,
    },
    /// Its result (or failure) came after the job had been taken from this
    /// worker: refused.
    TakenAway {
        id: u64,
        outcome: Result<String, String>,
    },
    Rejected {
        payload: String,
        reason: String,
    },
    AlreadyFinished {
        id: u64,
    },
}
