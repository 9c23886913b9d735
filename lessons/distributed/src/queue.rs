//! The queue in Redis: which keys hold what, and the steps that must
//! happen all at once (Lua scripts, which Redis runs without interleaving
//! any other command; each is a file of its own in `src/scripts/`).
//!
//! For a queue named `default` (`--queue`), every key starts with
//! `distributed:{default}:`. The part in braces is a *hash tag*: Redis
//! Cluster spreads keys over 16,384 *hash slots* (a slot is a number from a
//! hash of the key's name, and each slot lives on one server of the
//! cluster), and a key with a tag is hashed by its tag alone. So one queue's
//! keys all share one slot, on one server, and a script may touch any of
//! them; different queues may live on different servers.
//!
//! | key (after `distributed:{default}:`) | type | what it holds |
//! |---|---|---|
//! | `queue` | list | payloads waiting: pushed on the left, taken from the right |
//! | `worker:TOKEN:taken` | list | what the worker with this token has taken and not yet checked: its taken list |
//! | `worker:TOKEN:jobs` | list | the jobs it has started and not finished: its in-progress list |
//! | `worker:TOKEN:alive` | string, TTL [`HEARTBEAT_TTL`] | its heartbeat; the value changes at every beat |
//! | `workers` | hash | token → number: the workers whose in-progress lists may hold something |
//! | `numbers` | hash | number → token: who holds which short number |
//! | `job:17` | hash, TTL [`RESULT_TTL`] once done | job 17's `status`, `result` or `error`, `attempts`, `worker`, `owner`, `finishes` |
//! | `failed` | list | one record per failure: a line of JSON (id, reason), a newline, the payload's bytes as they were |
//! | `next-job`, `next-worker` | counters | ids and worker numbers (`INCR`) |
//! | `finished`, `failed-count` | counters | jobs finished and failed, each counted once |
//! | `recovery` | string, TTL [`HEARTBEAT_EVERY`] | which worker looks for dead workers in this interval |
//!
//! A worker is known by a *token*, a random string its process makes when
//! it starts: its in-progress list and heartbeat key are named after it, and
//! every step that changes a job checks that the payload is still on that
//! list. Its short number (`worker 3`) is for people; two workers never
//! share a list, whatever Redis forgot in between.
//!
//! Nothing is lost because a payload is always in exactly one list: the
//! queue, one worker's taken or in-progress list, or (in a record) the
//! failed list. Taking a payload moves it from the queue to the taken list
//! in one command (`LMOVE`, `BLMOVE`); starting it, once the worker has
//! checked it, moves it on to the in-progress list in the script that marks
//! the job started; finishing it removes it from there in the same script
//! that stores the result. (A job that ends within the worker's grace period
//! is started and finished by that one script, straight from the taken list.) A worker that dies leaves its
//! payloads on its list; once its heartbeat key has expired, a live worker's
//! [`Queue::recover`] moves them back to the queue, or to the failed list
//! after `max_attempts`. A job ends once: a result is stored only if the
//! job's payload was still on the list of the worker that sends it.
//!
//! Every key a script touches is passed to it in `KEYS`, as Redis asks (a
//! cluster routes a script by its keys). The payload is never read by a
//! script: the worker checks it ([`crate::job::parse`], the one place), and
//! names the job's hash itself.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::MultiplexedConnection;
use redis::{AsyncCommands, Direction, RedisResult, Script};
use serde::{Deserialize, Serialize};

use crate::job::{self, Envelope};

/// How long a heartbeat lives: a worker silent this long is taken for dead.
pub const HEARTBEAT_TTL: Duration = Duration::from_secs(3);

/// How often a worker renews its heartbeat; and how often one worker (one
/// only, per interval) looks for dead workers.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);

/// How long a job's status and result are kept once it is done: a day.
pub const RESULT_TTL: Duration = Duration::from_secs(86_400);

/// How long `BLMOVE` waits for a job before the worker looks around (a
/// Ctrl-C, `--burst`) and waits again.
pub const TAKE_WAIT: Duration = Duration::from_secs(1);

/// Keys deleted per command when a queue is cleared: each command is short,
/// whatever the size of the queue.
pub const CLEAR_STEP: usize = 1000;

/// The keys of one queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    name: String,
    prefix: String,
}

/// Who a worker is: the token that names its keys, made by its process, and
/// a short number for people. The number may change while it runs (after a
/// Redis restart another worker may have been given it): it is shared with
/// the heartbeat, which notices.
#[derive(Clone, Debug)]
pub struct WorkerId {
    /// Random, made when the process starts; never given to another.
    pub token: String,
    number: Arc<AtomicU64>,
}

impl WorkerId {
    /// A new token (128 random bits, from the standard library's randomly
    /// keyed hasher: no dependency for a name), no number yet.
    pub fn new_token() -> String {
        let state = std::collections::hash_map::RandomState::new();
        let time = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
        let half = |part: u8| {
            let mut hasher = state.build_hasher();
            hasher.write_u8(part);
            hasher.write_u32(std::process::id());
            hasher.write_u128(time);
            hasher.finish()
        };
        format!("{:016x}{:016x}", half(1), half(2))
    }

    /// Its number, as people read it.
    pub fn number(&self) -> u64 {
        self.number.load(Ordering::Relaxed)
    }

    fn set_number(&self, number: u64) {
        self.number.store(number, Ordering::Relaxed);
    }
}

impl PartialEq for WorkerId {
    fn eq(&self, other: &WorkerId) -> bool {
        self.token == other.token
    }
}

/// One failure on the failed list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedRecord {
    /// The job's id; `None` for a payload that was not a job.
    pub id: Option<u64>,
    /// The payload, byte for byte as it was in the queue.
    pub payload: Vec<u8>,
    /// Why it failed.
    pub reason: String,
}

/// A record's first line.
#[derive(Serialize, Deserialize)]
struct RecordHeader {
    id: Option<u64>,
    reason: String,
}

impl FailedRecord {
    /// As stored: a line of JSON (`{"id":…,"reason":…}`), a newline, then
    /// the payload's bytes, whatever they are (not UTF-8, megabytes).
    pub fn encode(&self) -> Vec<u8> {
        let header = RecordHeader { id: self.id, reason: self.reason.clone() };
        let mut record = shared::message::encode(&header).into_bytes();
        record.push(b'\n');
        record.extend_from_slice(&self.payload);
        record
    }

    /// A stored record; a line that is not one is shown as it is.
    pub fn decode(record: &[u8]) -> FailedRecord {
        let split = record.iter().position(|&byte| byte == b'\n');
        let header = split.and_then(|at| serde_json::from_slice::<RecordHeader>(&record[..at]).ok());
        match (header, split) {
            (Some(header), Some(at)) => {
                FailedRecord { id: header.id, payload: record[at + 1..].to_vec(), reason: header.reason }
            }
            _ => FailedRecord { id: None, payload: record.to_vec(), reason: "(not a record)".into() },
        }
    }

    /// The payload as text (bytes that are not UTF-8 shown as `�`).
    pub fn payload_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.payload)
    }
}

/// A job's status and result, from its hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobState {
    /// `queued`, `started`, `finished`, `failed`, or empty if unknown
    /// (never enqueued, or expired).
    pub status: String,
    /// The result, once finished.
    pub result: Option<String>,
    /// The reason, once failed.
    pub error: Option<String>,
    /// How many times a worker started it.
    pub attempts: u64,
    /// How many times a worker finished it (2 if it was done twice, though
    /// its result was stored once).
    pub finishes: u64,
    /// The number of the worker that started it last.
    pub worker: Option<u64>,
}

/// A payload taken and, if it is a job, started: `attempt` is the attempt's
/// number, 0 if it was not started (a payload that is not a job, or one
/// taken by popping, `worker --pop`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The payload, as it is in the queue.
    pub payload: Vec<u8>,
    /// The attempt's number, counted when it was started; 0 if not started.
    pub attempt: u64,
}

/// What [`Queue::finish`] and [`Queue::fail`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Whether this call stored the outcome (not if the job was done
    /// already, nor if it had been taken from this worker).
    pub stored: bool,
    /// Not stored because the job was no longer this worker's: its
    /// heartbeat had expired (it was paused, say), and recovery moved the
    /// job back to the queue or to the failed list. The job ends there.
    pub taken_away: bool,
    /// The next job, when asked for and the queue had one.
    pub next: Option<Taken>,
}

/// What [`Queue::finish_raw`] and [`Queue::fail_raw`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRaw {
    /// As in [`Stored`].
    pub stored: bool,
    /// As in [`Stored`].
    pub taken_away: bool,
    /// The next payload, taken onto the taken list, not judged nor started.
    pub next: Option<Vec<u8>>,
}

/// What a dead worker's job became.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovered {
    /// The dead worker's number.
    pub worker: u64,
    /// The job's id (`None`: a payload that was not a job).
    pub id: Option<u64>,
    /// `true`: back in the queue; `false`: on the failed list.
    pub requeued: bool,
}

/// What a heartbeat found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beat {
    /// All as it was.
    Known,
    /// Redis did not know this worker any more: it had been taken for dead
    /// (and its jobs moved away), or Redis restarted without its data. It is
    /// registered again.
    Forgotten,
    /// Another worker was given this worker's number while Redis had
    /// forgotten it; it now has a new one (its token is unchanged).
    Renumbered {
        /// The number it had.
        was: u64,
    },
}

/// A worker that holds payloads, seen by another (for `--burst`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// Its token.
    pub token: String,
    /// Its number.
    pub number: u64,
    /// How many payloads its in-progress list holds.
    pub held: u64,
    /// Its heartbeat key's value (`None`: expired).
    pub beat: Option<String>,
}

/// Seconds since the Unix epoch, stored with each status change.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

fn now_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis())
}

/// A script made of Lua files, loaded once.
fn script(parts: &[&str]) -> Script {
    Script::new(&parts.concat())
}

const TAKE_NEXT_LUA: &str = include_str!("scripts/take_next.lua");

static TAKE: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[TAKE_NEXT_LUA, include_str!("scripts/take.lua")]));
static START: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/start.lua")]));
static FINISH: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[TAKE_NEXT_LUA, include_str!("scripts/finish.lua")]));
static FAIL: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[TAKE_NEXT_LUA, include_str!("scripts/fail.lua")]));
static REJECT: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[TAKE_NEXT_LUA, include_str!("scripts/reject.lua")]));
static GIVE_BACK: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/give_back.lua")]));
static RECOVER: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/recover.lua")]));
static FORGET: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/forget.lua")]));
static REGISTER: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/register.lua")]));
static HEARTBEAT: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/heartbeat.lua")]));
static COUNTS: std::sync::LazyLock<Script> =
    std::sync::LazyLock::new(|| script(&[include_str!("scripts/counts.lua")]));

impl Queue {
    /// The queue `name`'s keys.
    pub fn new(name: &str) -> Queue {
        Queue { name: name.to_string(), prefix: format!("distributed:{{{name}}}") }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The list of payloads waiting.
    pub fn jobs(&self) -> String {
        format!("{}:queue", self.prefix)
    }

    /// A worker's in-progress list.
    pub fn in_progress(&self, worker: &WorkerId) -> String {
        self.list_of(&worker.token)
    }

    fn list_of(&self, token: &str) -> String {
        format!("{}:worker:{token}:jobs", self.prefix)
    }

    /// A worker's taken list: payloads it has taken and not yet checked.
    pub fn taken(&self, worker: &WorkerId) -> String {
        self.taken_of(&worker.token)
    }

    fn taken_of(&self, token: &str) -> String {
        format!("{}:worker:{token}:taken", self.prefix)
    }

    /// A worker's heartbeat key.
    pub fn alive(&self, worker: &WorkerId) -> String {
        self.alive_of(&worker.token)
    }

    fn alive_of(&self, token: &str) -> String {
        format!("{}:worker:{token}:alive", self.prefix)
    }

    /// The hash of workers that may hold jobs: token → number.
    pub fn workers(&self) -> String {
        format!("{}:workers", self.prefix)
    }

    /// The hash of numbers given to workers: number → token.
    pub fn numbers(&self) -> String {
        format!("{}:numbers", self.prefix)
    }

    /// Job `id`'s hash.
    pub fn job(&self, id: u64) -> String {
        format!("{}:job:{id}", self.prefix)
    }

    /// The failed list.
    pub fn failed(&self) -> String {
        format!("{}:failed", self.prefix)
    }

    fn counter(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    /// Every key of this queue whose name does not depend on a job or a
    /// worker.
    fn fixed_keys(&self) -> Vec<String> {
        [
            "queue",
            "workers",
            "numbers",
            "failed",
            "next-job",
            "next-worker",
            "finished",
            "failed-count",
            "recovery",
        ]
        .iter()
        .map(|name| self.counter(name))
        .collect()
    }

    // ANCHOR: enqueue
    /// `q.enqueue(...)` for each job: ids from `INCRBY`, then, in one
    /// transaction, each job's hash (`queued`) and its payload on the left of
    /// the queue. Returns the ids.
    pub async fn enqueue(
        &self,
        redis: &mut MultiplexedConnection,
        jobs: &[crate::job::Job],
    ) -> RedisResult<Vec<u64>> {
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let last: u64 = redis.incr(self.counter("next-job"), jobs.len() as u64).await?;
        let first = last + 1 - jobs.len() as u64;
        let mut transaction = redis::pipe();
        transaction.atomic();
        let mut ids = Vec::with_capacity(jobs.len());
        for (id, job) in (first..).zip(jobs) {
            let payload = Envelope { id, job: job.clone() }.to_json();
            // A fresh hash: after a Redis restart that lost the counter, an id
            // may come again, and the old job's fields must not stick.
            transaction.del(self.job(id)).ignore();
            transaction.hset(self.job(id), "status", "queued").ignore();
            transaction.lpush(self.jobs(), payload).ignore();
            ids.push(id);
        }
        transaction.query_async::<()>(redis).await?;
        Ok(ids)
    }
    // ANCHOR_END: enqueue
    // ANCHOR: take
    /// Takes the oldest payload: `BLMOVE` moves it from the right of the
    /// queue to the left of `worker`'s taken list in one command, so at
    /// every moment it is in one of the two. Waits up to `wait` for one
    /// (returns `None` after that); with a zero `wait`, does not wait. The
    /// payload is not started yet: the worker checks it first
    /// ([`crate::job::parse`]), then starts it ([`Queue::start`]), which moves
    /// it on to the in-progress list.
    pub async fn take(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        wait: Duration,
    ) -> RedisResult<Option<Vec<u8>>> {
        if wait.is_zero() {
            return redis.lmove(self.jobs(), self.taken(worker), Direction::Right, Direction::Left).await;
        }
        redis
            .blmove(self.jobs(), self.taken(worker), Direction::Right, Direction::Left, wait.as_secs_f64())
            .await
    }

    /// WRONG: `BRPOP`, as RQ's worker takes a job id (`BLPOP`): the payload
    /// leaves Redis for this process alone. If the process dies before the
    /// job is done, nothing in Redis's queue says that it existed (RQ keeps
    /// the job's hash and, once the job's timeout has run out, moves it to
    /// its failed registry as abandoned; this lesson's `--pop` is worse:
    /// the job stays `started` for good).
    pub async fn take_by_popping(
        &self,
        redis: &mut MultiplexedConnection,
        wait: Duration,
    ) -> RedisResult<Option<Vec<u8>>> {
        let popped: Option<(String, Vec<u8>)> = redis.brpop(self.jobs(), wait.as_secs_f64()).await?;
        Ok(popped.map(|(_list, payload)| payload))
    }
    // ANCHOR_END: take

    /// Starts a taken job (`scripts/start.lua`): its payload moves from
    /// `worker`'s taken list to its in-progress list, the job is marked
    /// started by this worker, and the attempt is counted, at once.
    /// Returns the attempt's number, or `None` if it must not run: it is
    /// finished already (it was done by a worker taken for dead, then
    /// redone: its payload is dropped), or its payload is no longer
    /// `worker`'s (the worker was taken for dead meanwhile).
    pub async fn start(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        envelope: &Envelope,
        payload: &[u8],
    ) -> RedisResult<Option<u64>> {
        self.start_as(redis, worker, envelope, payload, "taken").await
    }

    /// WRONG, for `worker --pop`: starts a job taken with `BRPOP`, which is
    /// on no list; only its hash says that it is started, and by whom.
    pub async fn start_popped(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        envelope: &Envelope,
        payload: &[u8],
    ) -> RedisResult<Option<u64>> {
        self.start_as(redis, worker, envelope, payload, "popped").await
    }

    async fn start_as(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        envelope: &Envelope,
        payload: &[u8],
        how: &str,
    ) -> RedisResult<Option<u64>> {
        let attempt: i64 = START
            .key(self.job(envelope.id))
            .key(self.taken(worker))
            .key(self.in_progress(worker))
            .arg(payload)
            .arg(&worker.token)
            .arg(worker.number())
            .arg(now())
            .arg(how)
            .invoke_async(redis)
            .await?;
        Ok(u64::try_from(attempt).ok().filter(|&attempt| attempt > 0))
    }

    // ANCHOR: finish
    /// Stores a job's result and takes it off `worker`'s in-progress list,
    /// in one script (`scripts/finish.lua`). A job ends once: a second
    /// result finds the status `finished` and only adds to `finishes`, and a
    /// result from a worker whose job was taken from it (its heartbeat
    /// expired) is refused. If `then_take`, the same script takes the next
    /// payload, which is then checked and started (see [`Queue::take_next`]).
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    pub async fn finish(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        attempt: u64,
        envelope: &Envelope,
        payload: &[u8],
        result: &str,
        then_take: bool,
    ) -> RedisResult<Stored> {
        let mark = format!("{}:{attempt}", worker.token);
        let raw = self.finish_raw(redis, worker, &mark, envelope, payload, result, then_take).await?;
        self.stored(redis, worker, raw).await
    }
    // ANCHOR_END: finish

    /// [`Queue::finish`] without starting the next payload: it is returned
    /// as it was taken, for the worker to judge and run. `mark` names this
    /// run of the job (the worker's token and a number of its own): the
    /// same call sent again is recognised by it. A job still on the taken
    /// list (it ended within the worker's grace period, before it was
    /// started) is started and finished at once.
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    pub async fn finish_raw(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        mark: &str,
        envelope: &Envelope,
        payload: &[u8],
        result: &str,
        then_take: bool,
    ) -> RedisResult<StoredRaw> {
        let (verdict, next): (i64, Option<Vec<u8>>) = FINISH
            .key(self.job(envelope.id))
            .key(self.in_progress(worker))
            .key(self.counter("finished"))
            .key(self.jobs())
            .key(self.taken(worker))
            .arg(payload)
            .arg(result)
            .arg(worker.number())
            .arg(mark)
            .arg(RESULT_TTL.as_secs())
            .arg(now())
            .arg(u8::from(then_take))
            .arg(&worker.token)
            .invoke_async(redis)
            .await?;
        Ok(StoredRaw { stored: verdict == 1, taken_away: verdict == -1, next })
    }

    /// Records a job that failed (its own error), and takes it off
    /// `worker`'s in-progress list, in one script (`scripts/fail.lua`), with
    /// the same rule as [`Queue::finish`]: recorded once, and only if the job
    /// was still this worker's. The next job if `then_take`.
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    pub async fn fail(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        envelope: &Envelope,
        payload: &[u8],
        reason: &str,
        then_take: bool,
    ) -> RedisResult<Stored> {
        let raw = self.fail_raw(redis, worker, envelope, payload, reason, then_take).await?;
        self.stored(redis, worker, raw).await
    }

    /// [`Queue::fail`] without starting the next payload (see
    /// [`Queue::finish_raw`]).
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    pub async fn fail_raw(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        envelope: &Envelope,
        payload: &[u8],
        reason: &str,
        then_take: bool,
    ) -> RedisResult<StoredRaw> {
        let record =
            FailedRecord { id: Some(envelope.id), payload: payload.to_vec(), reason: reason.to_string() };
        let (verdict, next): (i64, Option<Vec<u8>>) = FAIL
            .key(self.job(envelope.id))
            .key(self.in_progress(worker))
            .key(self.failed())
            .key(self.counter("failed-count"))
            .key(self.jobs())
            .key(self.taken(worker))
            .arg(payload)
            .arg(reason)
            .arg(worker.number())
            .arg(RESULT_TTL.as_secs())
            .arg(now())
            .arg(record.encode())
            .arg(u8::from(then_take))
            .arg(&worker.token)
            .invoke_async(redis)
            .await?;
        Ok(StoredRaw { stored: verdict == 1, taken_away: verdict == -1, next })
    }

    async fn stored(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        raw: StoredRaw,
    ) -> RedisResult<Stored> {
        let next = self.start_taken(redis, worker, raw.next).await?;
        Ok(Stored { stored: raw.stored, taken_away: raw.taken_away, next })
    }

    /// The next job for `worker`, taken, checked and started, without
    /// waiting: one left on its in-progress list (by `BLMOVE`, or by an
    /// answer that never reached it), else the oldest in the queue. Jobs
    /// finished already are dropped on the way. `None` when the queue is
    /// empty; attempt 0 for a payload that is not a job (the worker moves
    /// it to the failed list with [`Queue::reject`]).
    ///
    /// Taking (`scripts/take_next.lua`) never reads the payload, and the
    /// job's hash is changed only once [`job::parse`] has said it is a job:
    /// the one place where a payload is judged.
    pub async fn take_next(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
    ) -> RedisResult<Option<Taken>> {
        let taken = self.take_raw(redis, worker).await?;
        self.start_taken(redis, worker, taken).await
    }

    /// The next payload for `worker`, taken and not judged nor started, or
    /// `None` when the queue is empty (`scripts/take.lua`).
    pub async fn take_raw(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
    ) -> RedisResult<Option<Vec<u8>>> {
        TAKE.key(self.jobs()).key(self.taken(worker)).key(self.in_progress(worker)).invoke_async(redis).await
    }

    /// Checks a payload just taken and starts it if it is a job; takes the
    /// next one instead while the payload is a job that must not run.
    async fn start_taken(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        mut taken: Option<Vec<u8>>,
    ) -> RedisResult<Option<Taken>> {
        while let Some(payload) = taken {
            let Ok(envelope) = job::parse(&payload) else { return Ok(Some(Taken { payload, attempt: 0 })) };
            if let Some(attempt) = self.start(redis, worker, &envelope, &payload).await? {
                return Ok(Some(Taken { payload, attempt }));
            }
            taken = self.take_raw(redis, worker).await?;
        }
        Ok(None)
    }

    /// Moves a payload that is not a job from `worker`'s taken list to the
    /// failed list, with the reason and its bytes as they were
    /// (`scripts/reject.lua`); no job's hash is touched. Returns whether it
    /// was recorded (not if it had been moved away already).
    pub async fn reject(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
        payload: &[u8],
        reason: &str,
    ) -> RedisResult<bool> {
        let record = FailedRecord { id: None, payload: payload.to_vec(), reason: reason.to_string() };
        let recorded: i64 = REJECT
            .key(self.taken(worker))
            .key(self.failed())
            .key(self.counter("failed-count"))
            .arg(payload)
            .arg(record.encode())
            .invoke_async(redis)
            .await?;
        Ok(recorded == 1)
    }

    /// Gives back everything on `worker`'s lists: to the right of
    /// the queue (taken next), status `queued`, the attempt not counted
    /// (`scripts/give_back.lua`, once per payload). For a worker that stops.
    /// Returns the payloads given back.
    pub async fn give_back(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
    ) -> RedisResult<Vec<Vec<u8>>> {
        let mut given = Vec::new();
        for list in [self.in_progress(worker), self.taken(worker)] {
            while let Some(payload) = redis.lindex::<_, Option<Vec<u8>>>(&list, -1).await? {
                let mut call = GIVE_BACK.key(&list);
                call.key(self.jobs());
                if let Ok(envelope) = job::parse(&payload) {
                    call.key(self.job(envelope.id));
                }
                let moved: i64 = call.arg(&payload).arg(&worker.token).invoke_async(redis).await?;
                if moved == 1 {
                    given.push(payload);
                }
            }
        }
        Ok(given)
    }

    /// A new worker: a token of its own and a short number that no other
    /// worker holds (`scripts/register.lua`).
    pub async fn register(&self, redis: &mut MultiplexedConnection) -> RedisResult<WorkerId> {
        let worker = WorkerId { token: WorkerId::new_token(), number: Arc::new(AtomicU64::new(0)) };
        self.number(redis, &worker).await?;
        Ok(worker)
    }

    /// Gives `worker` a (new) number.
    async fn number(&self, redis: &mut MultiplexedConnection, worker: &WorkerId) -> RedisResult<()> {
        let number: u64 = REGISTER
            .key(self.counter("next-worker"))
            .key(self.numbers())
            .key(self.workers())
            .key(self.alive(worker))
            .arg(&worker.token)
            .arg(HEARTBEAT_TTL.as_secs())
            .invoke_async(redis)
            .await?;
        worker.set_number(number);
        Ok(())
    }

    // ANCHOR: heartbeat
    /// "Worker `worker` is alive" (`scripts/heartbeat.lua`): its key, which
    /// expires after [`HEARTBEAT_TTL`] unless renewed, and its place in the
    /// registry. After a Redis restart that lost everything, this puts them
    /// back; if another worker was given this one's number meanwhile, this
    /// one takes a new number (its token, which names its keys, stays).
    pub async fn heartbeat(&self, redis: &mut MultiplexedConnection, worker: &WorkerId) -> RedisResult<Beat> {
        let was = worker.number();
        let known: i64 = HEARTBEAT
            .key(self.alive(worker))
            .key(self.workers())
            .key(self.numbers())
            .key(self.counter("next-worker"))
            .arg(&worker.token)
            .arg(was)
            .arg(HEARTBEAT_TTL.as_secs())
            .arg(now_millis().to_string())
            .invoke_async(redis)
            .await?;
        Ok(match known {
            1 => Beat::Known,
            0 => Beat::Forgotten,
            _ => {
                self.number(redis, worker).await?;
                Beat::Renumbered { was }
            }
        })
    }

    // ANCHOR_END: heartbeat

    /// Claims this interval's look for dead workers: `true` for one worker
    /// per [`HEARTBEAT_EVERY`], however many there are (`SET NX PX`).
    pub async fn claim_recovery(
        &self,
        redis: &mut MultiplexedConnection,
        worker: &WorkerId,
    ) -> RedisResult<bool> {
        let claimed: Option<String> = redis::cmd("SET")
            .arg(self.counter("recovery"))
            .arg(&worker.token)
            .arg("NX")
            .arg("PX")
            .arg(HEARTBEAT_EVERY.as_millis() as u64)
            .query_async(redis)
            .await?;
        Ok(claimed.is_some())
    }

    /// Looks for workers whose heartbeat has expired and empties their
    /// in-progress lists: each job back to the queue, or to the failed list
    /// once `max_attempts` workers have started it; a payload that is not a
    /// job to the failed list. One payload per script
    /// (`scripts/recover.lua`), which checks again that the worker is dead
    /// and that the payload is still there: two workers recovering at once
    /// never move a payload twice.
    pub async fn recover(
        &self,
        redis: &mut MultiplexedConnection,
        max_attempts: u32,
    ) -> RedisResult<Vec<Recovered>> {
        let workers: HashMap<String, u64> = redis.hgetall(self.workers()).await?;
        let mut moved = Vec::new();
        for (token, number) in workers {
            let alive: bool = redis.exists(self.alive_of(&token)).await?;
            if !alive {
                self.recover_worker(redis, &token, number, max_attempts, &mut moved).await?;
            }
        }
        Ok(moved)
    }

    async fn recover_worker(
        &self,
        redis: &mut MultiplexedConnection,
        token: &str,
        number: u64,
        max_attempts: u32,
        moved: &mut Vec<Recovered>,
    ) -> RedisResult<()> {
        for (list, from) in [(self.list_of(token), "in-progress"), (self.taken_of(token), "taken")] {
            if !self.recover_list(redis, token, (&list, from), number, max_attempts, moved).await? {
                return Ok(()); // alive after all
            }
        }
        self.forget(redis, token, number, "dead").await?;
        Ok(())
    }

    /// Recovers the payloads on one of a dead worker's lists; `false` if the
    /// worker turned out to be alive.
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    async fn recover_list(
        &self,
        redis: &mut MultiplexedConnection,
        token: &str,
        (list, from): (&str, &str),
        number: u64,
        max_attempts: u32,
        moved: &mut Vec<Recovered>,
    ) -> RedisResult<bool> {
        while let Some(payload) = redis.lindex::<_, Option<Vec<u8>>>(list, -1).await? {
            let parsed = job::parse(&payload);
            let mut call = RECOVER.key(self.alive_of(token));
            call.key(list).key(self.jobs()).key(self.failed()).key(self.counter("failed-count"));
            let (id, not_a_job) = match &parsed {
                Ok(envelope) => {
                    call.key(self.job(envelope.id));
                    (envelope.id.to_string(), String::new())
                }
                Err(reason) => (String::new(), reason.clone()),
            };
            let outcome: i64 = call
                .arg(&payload)
                .arg(token)
                .arg(number)
                .arg(max_attempts)
                .arg(RESULT_TTL.as_secs())
                .arg(now())
                .arg(id)
                .arg(not_a_job)
                .arg(from)
                .invoke_async(redis)
                .await?;
            match outcome {
                -2 => return Ok(false),
                0 | 1 => moved.push(Recovered {
                    worker: number,
                    id: parsed.ok().map(|envelope| envelope.id),
                    requeued: outcome == 1,
                }),
                _ => {}
            }
        }
        Ok(true)
    }

    async fn forget(
        &self,
        redis: &mut MultiplexedConnection,
        token: &str,
        number: u64,
        whose: &str,
    ) -> RedisResult<()> {
        FORGET
            .key(self.alive_of(token))
            .key(self.taken_of(token))
            .key(self.list_of(token))
            .key(self.workers())
            .key(self.numbers())
            .arg(token)
            .arg(number)
            .arg(whose)
            .invoke_async(redis)
            .await
    }

    /// Says that `worker` has stopped: its heartbeat goes at once, and so
    /// does its name in the registry if its in-progress list is empty.
    /// Whatever is left on the list (nothing, after a clean stop) is
    /// recovered at a live worker's next look, not [`HEARTBEAT_TTL`] later.
    pub async fn sign_off(&self, redis: &mut MultiplexedConnection, worker: &WorkerId) -> RedisResult<()> {
        self.forget(redis, &worker.token, worker.number(), "own").await
    }

    /// The workers other than `me` whose in-progress lists hold something,
    /// and their heartbeats' values: `--burst` waits until each is either
    /// dead (then recovered) or seen beating.
    pub async fn holders(
        &self,
        redis: &mut MultiplexedConnection,
        me: &WorkerId,
    ) -> RedisResult<Vec<Holder>> {
        let workers: HashMap<String, u64> = redis.hgetall(self.workers()).await?;
        let mut holders = Vec::new();
        for (token, number) in workers {
            if token == me.token {
                continue;
            }
            let (taken, started, beat): (u64, u64, Option<String>) = redis::pipe()
                .llen(self.taken_of(&token))
                .llen(self.list_of(&token))
                .get(self.alive_of(&token))
                .query_async(redis)
                .await?;
            let held = taken + started;
            if held > 0 {
                holders.push(Holder { token, number, held, beat });
            }
        }
        Ok(holders)
    }

    /// How many payloads wait in the queue.
    pub async fn queued(&self, redis: &mut MultiplexedConnection) -> RedisResult<u64> {
        redis.llen(self.jobs()).await
    }

    /// A job's state from its hash.
    pub async fn state(&self, redis: &mut MultiplexedConnection, id: u64) -> RedisResult<JobState> {
        let fields: HashMap<String, String> = redis.hgetall(self.job(id)).await?;
        Ok(JobState::from_fields(fields))
    }

    /// The states of many jobs, in one round trip.
    pub async fn states(&self, redis: &mut MultiplexedConnection, ids: &[u64]) -> RedisResult<Vec<JobState>> {
        let mut pipe = redis::pipe();
        for &id in ids {
            pipe.hgetall(self.job(id));
        }
        let all: Vec<HashMap<String, String>> = pipe.query_async(redis).await?;
        Ok(all.into_iter().map(JobState::from_fields).collect())
    }

    /// Counts per status, and the workers, read at one instant
    /// (`scripts/counts.lua`): they add up to the jobs enqueued (and the
    /// payloads that were not jobs, which are counted failed). A payload
    /// taken and not yet checked counts as queued.
    pub async fn counts(&self, redis: &mut MultiplexedConnection) -> RedisResult<Counts> {
        loop {
            let tokens: Vec<String> = redis.hkeys(self.workers()).await?;
            let mut call = COUNTS.key(self.jobs());
            call.key(self.workers()).key(self.counter("finished")).key(self.counter("failed-count"));
            for token in &tokens {
                call.key(self.taken_of(token)).key(self.list_of(token)).key(self.alive_of(token));
            }
            let counts: Option<(u64, u64, u64, u64, u64, u64, u64)> =
                call.arg(&tokens).invoke_async(redis).await?;
            // `None`: a worker came or went between the two reads.
            if let Some((queued, started, finished, failed, workers, alive, taken)) = counts {
                return Ok(Counts { queued, started, finished, failed, workers, alive, taken });
            }
        }
    }

    /// The last `count` records of the failed list, newest last.
    pub async fn failures(
        &self,
        redis: &mut MultiplexedConnection,
        count: usize,
    ) -> RedisResult<Vec<FailedRecord>> {
        if count == 0 {
            return Ok(Vec::new()); // `LRANGE key -0 -1` would be the whole list
        }
        let raw: Vec<Vec<u8>> = redis.lrange(self.failed(), -(count as isize), -1).await?;
        Ok(raw.iter().map(|record| FailedRecord::decode(record)).collect())
    }

    /// Deletes every key of this queue (`demo` starts from nothing), and
    /// only those: no scan of the server's keys, no script over them. The
    /// names are known: the fixed ones, each registered worker's two, and
    /// `job:1` up to the last id handed out, deleted [`CLEAR_STEP`] at a
    /// time with `UNLINK` (which frees the memory in the background), so
    /// that no one command holds the server up, however many keys it holds
    /// besides. Returns how many keys were deleted.
    pub async fn clear(&self, redis: &mut MultiplexedConnection) -> RedisResult<u64> {
        let last_id: Option<u64> = redis.get(self.counter("next-job")).await?;
        let tokens: Vec<String> = redis.hkeys(self.workers()).await?;
        let mut keys = self.fixed_keys();
        for token in &tokens {
            keys.push(self.taken_of(token));
            keys.push(self.list_of(token));
            keys.push(self.alive_of(token));
        }
        let mut deleted = 0;
        for step in keys.chunks(CLEAR_STEP) {
            deleted += redis.unlink::<_, u64>(step).await?;
        }
        let last_id = last_id.unwrap_or(0);
        let mut first = 1;
        while first <= last_id {
            let last = last_id.min(first + CLEAR_STEP as u64 - 1);
            let step: Vec<String> = (first..=last).map(|id| self.job(id)).collect();
            deleted += redis.unlink::<_, u64>(step).await?;
            first = last + 1;
        }
        Ok(deleted)
    }
}

/// Counts per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Payloads in the queue.
    pub queued: u64,
    /// Payloads on workers' in-progress lists.
    pub started: u64,
    /// Jobs finished (each once).
    pub finished: u64,
    /// Jobs (and bad payloads) failed.
    pub failed: u64,
    /// Workers that may hold jobs.
    pub workers: u64,
    /// Of those, how many have a live heartbeat.
    pub alive: u64,
    /// Of `queued`, the payloads on workers' taken lists: taken and not
    /// started, because a worker is checking them, or running a job in its
    /// first [`START_GRACE`](crate::worker::START_GRACE) (a job that ends
    /// sooner is never marked started), or took them in advance. The jobs
    /// workers hold are `started + taken`.
    pub taken: u64,
}

impl JobState {
    fn from_fields(mut fields: HashMap<String, String>) -> JobState {
        let number = |value: Option<String>| value.and_then(|value| value.parse().ok());
        JobState {
            status: fields.remove("status").unwrap_or_default(),
            result: fields.remove("result"),
            error: fields.remove("error"),
            attempts: number(fields.remove("attempts")).unwrap_or(0),
            finishes: number(fields.remove("finishes")).unwrap_or(0),
            worker: number(fields.remove("worker")),
        }
    }
}
