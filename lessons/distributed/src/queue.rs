//! The queue in Redis: which keys hold what, and the steps that must
//! happen all at once (Lua scripts, which Redis runs without interleaving
//! any other command).
//!
//! For a queue named `default` (`--queue`):
//!
//! | key | type | what it holds |
//! |---|---|---|
//! | `distributed:default:queue` | list | payloads waiting: pushed on the left, taken from the right |
//! | `distributed:default:worker:3:jobs` | list | what worker 3 has taken and not finished: its in-progress list |
//! | `distributed:default:worker:3:alive` | string, TTL [`HEARTBEAT_TTL`] | worker 3's heartbeat |
//! | `distributed:default:workers` | set | the workers whose in-progress lists may hold something |
//! | `distributed:default:job:17` | hash, TTL [`RESULT_TTL`] once done | job 17's `status`, `result` or `error`, `attempts`, `worker`, `finishes` |
//! | `distributed:default:failed` | list | one JSON record per failure: the job (or bad payload) and the reason |
//! | `distributed:default:next-job`, `…:next-worker` | counters | ids, unique across machines (`INCR`) |
//! | `distributed:default:finished`, `…:failed-count` | counters | jobs finished and failed, each counted once |
//!
//! Nothing is lost because a payload is always in exactly one list: the
//! queue, one worker's in-progress list, or (as a record) the failed list.
//! Taking a job moves it from the queue to the in-progress list in one
//! command (`BLMOVE`); finishing it removes it from there in the same script
//! that stores the result. A worker that dies leaves its payloads in its
//! list; once its heartbeat key has expired, any other worker's
//! [`Queue::recover`] moves them back to the queue, or to the failed list
//! after [`Queue::recover`]'s `max_attempts`.
//!
//! The scripts name keys they build from the payload (`…:job:17`), which a
//! Redis *cluster* does not allow; this lesson runs on one Redis server.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::MultiplexedConnection;
use redis::{AsyncCommands, Direction, RedisResult, Script};
use serde::{Deserialize, Serialize};

use crate::job::Envelope;

/// How long a heartbeat lives: a worker silent this long is taken for dead.
pub const HEARTBEAT_TTL: Duration = Duration::from_secs(3);

/// How often a worker renews its heartbeat and looks for dead workers.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);

/// How long a job's status and result are kept once it is done: a day.
pub const RESULT_TTL: Duration = Duration::from_secs(86_400);

/// How long `BLMOVE` waits for a job before the worker looks around (a
/// Ctrl-C, `--burst`) and waits again.
pub const TAKE_WAIT: Duration = Duration::from_secs(1);

/// The keys of one queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    name: String,
    prefix: String,
}

/// One failure on the failed list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRecord {
    /// The job's id; `None` for a payload that was not a job.
    pub id: Option<u64>,
    /// The payload, as it was in the queue.
    pub payload: String,
    /// Why it failed.
    pub reason: String,
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
    /// The worker that started it last.
    pub worker: Option<u64>,
}

/// A payload taken and, if it is a job, started: `attempt` is the attempt's
/// number, 0 if it was not started (a payload that is not a job, or one
/// taken by popping, `worker --pop`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taken {
    /// The payload, as it is in the queue.
    pub payload: String,
    /// The attempt's number, counted when it was started; 0 if not started.
    pub attempt: u64,
}

/// What [`Queue::finish`] and [`Queue::fail`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// Whether this call stored the outcome (not if the job was done already).
    pub stored: bool,
    /// The next job, when asked for and the queue had one.
    pub next: Option<Taken>,
}

/// What a dead worker's job became.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovered {
    /// The dead worker.
    pub worker: u64,
    /// The job's id (`None`: a payload that was not a job).
    pub id: Option<u64>,
    /// `true`: back in the queue; `false`: on the failed list.
    pub requeued: bool,
}

/// Seconds since the Unix epoch, stored with each status change.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs())
}

impl Queue {
    /// The queue `name`'s keys.
    pub fn new(name: &str) -> Queue {
        Queue { name: name.to_string(), prefix: format!("distributed:{name}") }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The list of payloads waiting.
    pub fn jobs(&self) -> String {
        format!("{}:queue", self.prefix)
    }

    /// Worker `worker`'s in-progress list.
    pub fn in_progress(&self, worker: u64) -> String {
        format!("{}:worker:{worker}:jobs", self.prefix)
    }

    /// Worker `worker`'s heartbeat key.
    pub fn alive(&self, worker: u64) -> String {
        format!("{}:worker:{worker}:alive", self.prefix)
    }

    /// The set of workers that may hold jobs.
    pub fn workers(&self) -> String {
        format!("{}:workers", self.prefix)
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
    /// queue to the left of `worker`'s in-progress list in one command, so
    /// at every moment it is in one of the two. Waits up to `wait` for one
    /// (returns `None` after that); with a zero `wait`, does not wait.
    pub async fn take(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
        wait: Duration,
    ) -> RedisResult<Option<String>> {
        if wait.is_zero() {
            return redis
                .lmove(self.jobs(), self.in_progress(worker), Direction::Right, Direction::Left)
                .await;
        }
        redis
            .blmove(
                self.jobs(),
                self.in_progress(worker),
                Direction::Right,
                Direction::Left,
                wait.as_secs_f64(),
            )
            .await
    }

    /// WRONG: `BRPOP`, as RQ's worker takes a job id (`BLPOP`): the payload
    /// leaves Redis for this process alone. If the process dies before the
    /// job is done, nothing in Redis says that it existed.
    pub async fn take_by_popping(
        &self,
        redis: &mut MultiplexedConnection,
        wait: Duration,
    ) -> RedisResult<Option<String>> {
        let popped: Option<(String, String)> = redis.brpop(self.jobs(), wait.as_secs_f64()).await?;
        Ok(popped.map(|(_list, payload)| payload))
    }
    // ANCHOR_END: take

    /// Marks a taken job as started by `worker`, and counts the attempt.
    /// Returns the attempt's number, or `None` if the job is finished
    /// already (it was done by a worker taken for dead, then redone): then
    /// its payload is dropped from the in-progress list and it is not run.
    pub async fn start(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
        envelope: &Envelope,
        payload: &str,
    ) -> RedisResult<Option<u64>> {
        let attempt: u64 = START
            .key(self.job(envelope.id))
            .key(self.in_progress(worker))
            .arg(payload)
            .arg(worker)
            .arg(now())
            .invoke_async(redis)
            .await?;
        Ok((attempt > 0).then_some(attempt))
    }

    // ANCHOR: finish
    /// Stores a job's result and takes it off `worker`'s in-progress list,
    /// in one script. A job done twice is counted once: the second result
    /// finds the status `finished` and only adds to `finishes`. Returns
    /// whether this call stored the result, and, if `then_take`, the next
    /// job, taken and started in the same script (see [`Queue::take_next`]).
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    pub async fn finish(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
        attempt: u64,
        envelope: &Envelope,
        payload: &str,
        result: &str,
        then_take: bool,
    ) -> RedisResult<Stored> {
        let (stored, next, attempt): (bool, Option<String>, u64) = FINISH
            .key(self.job(envelope.id))
            .key(self.in_progress(worker))
            .key(self.counter("finished"))
            .key(self.jobs())
            .arg(payload)
            .arg(result)
            .arg(worker)
            .arg(format!("{worker}:{attempt}"))
            .arg(RESULT_TTL.as_secs())
            .arg(now())
            .arg(u8::from(then_take))
            .arg(&self.prefix)
            .invoke_async(redis)
            .await?;
        Ok(Stored { stored, next: next.map(|payload| Taken { payload, attempt }) })
    }
    // ANCHOR_END: finish

    /// Records a job that failed (its own error), and takes it off
    /// `worker`'s in-progress list, in one script. Returns whether this call
    /// recorded it (not if it was finished or failed already), and the next
    /// job if `then_take`, as [`Queue::finish`] does.
    #[allow(clippy::too_many_arguments)] // the script's arguments, named
    pub async fn fail(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
        envelope: &Envelope,
        payload: &str,
        reason: &str,
        then_take: bool,
    ) -> RedisResult<Stored> {
        let record =
            FailedRecord { id: Some(envelope.id), payload: payload.to_string(), reason: reason.to_string() };
        let (stored, next, attempt): (bool, Option<String>, u64) = FAIL
            .key(self.job(envelope.id))
            .key(self.in_progress(worker))
            .key(self.failed())
            .key(self.counter("failed-count"))
            .key(self.jobs())
            .arg(payload)
            .arg(reason)
            .arg(worker)
            .arg(RESULT_TTL.as_secs())
            .arg(now())
            .arg(shared::message::encode(&record))
            .arg(u8::from(then_take))
            .arg(&self.prefix)
            .invoke_async(redis)
            .await?;
        Ok(Stored { stored, next: next.map(|payload| Taken { payload, attempt }) })
    }

    /// The next job for `worker`, taken and started in one script, without
    /// waiting: one left on its in-progress list by an answer that never
    /// reached it (Redis did the work, the connection dropped), else the
    /// oldest in the queue. Jobs finished already are dropped on the way.
    /// `None` when the queue is empty.
    ///
    /// Why a script: `take` then `start` cost two round trips to Redis per
    /// job, and `finish` a third. Taking the next job in the script that
    /// finishes the last one ([`Queue::finish`] with `then_take`) makes it
    /// one round trip per job: on this course's machine a round trip is
    /// about 0.1 ms, as long as everything else a trivial job costs.
    pub async fn take_next(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
    ) -> RedisResult<Option<Taken>> {
        let taken: Option<(String, u64)> = TAKE_NEXT
            .key(self.jobs())
            .key(self.in_progress(worker))
            .arg(&self.prefix)
            .arg(worker)
            .arg(now())
            .invoke_async(redis)
            .await?;
        Ok(taken.map(|(payload, attempt)| Taken { payload, attempt }))
    }

    /// Moves a payload that is not a job from `worker`'s in-progress list to
    /// the failed list, with the reason, in one transaction.
    pub async fn reject(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
        payload: &str,
        reason: &str,
    ) -> RedisResult<()> {
        let record = FailedRecord { id: None, payload: payload.to_string(), reason: reason.to_string() };
        redis::pipe()
            .atomic()
            .lrem(self.in_progress(worker), 1, payload)
            .rpush(self.failed(), shared::message::encode(&record))
            .incr(self.counter("failed-count"), 1)
            .query_async(redis)
            .await
    }

    /// Gives back everything on `worker`'s in-progress list: to the right of
    /// the queue (taken next), status `queued`, the attempt not counted. For
    /// a worker stopped by Ctrl-C. Returns the payloads given back.
    pub async fn give_back(
        &self,
        redis: &mut MultiplexedConnection,
        worker: u64,
    ) -> RedisResult<Vec<String>> {
        GIVE_BACK.key(self.in_progress(worker)).key(self.jobs()).arg(&self.prefix).invoke_async(redis).await
    }

    /// A new worker's number, unique in this queue across machines: the
    /// next from `INCR` whose heartbeat key nobody holds (after a Redis
    /// restart that lost the counter, live workers hold theirs again within
    /// a heartbeat, and their numbers are skipped).
    pub async fn register(&self, redis: &mut MultiplexedConnection) -> RedisResult<u64> {
        REGISTER
            .key(self.counter("next-worker"))
            .key(self.workers())
            .arg(&self.prefix)
            .arg(now())
            .arg(HEARTBEAT_TTL.as_secs())
            .invoke_async(redis)
            .await
    }

    // ANCHOR: heartbeat
    /// "Worker `worker` is alive": its key, which expires after
    /// [`HEARTBEAT_TTL`] unless renewed, and its place in the set of workers.
    /// After a Redis restart that lost everything, this puts both back, and
    /// raises the worker counter past this worker's number, so that no new
    /// worker gets it.
    pub async fn heartbeat(&self, redis: &mut MultiplexedConnection, worker: u64) -> RedisResult<()> {
        HEARTBEAT
            .key(self.alive(worker))
            .key(self.workers())
            .key(self.counter("next-worker"))
            .arg(worker)
            .arg(now())
            .arg(HEARTBEAT_TTL.as_secs())
            .invoke_async(redis)
            .await
    }

    /// Looks for workers whose heartbeat has expired and empties their
    /// in-progress lists: each job back to the queue, or to the failed list
    /// once `max_attempts` workers have started it. One script, so two
    /// workers recovering at once never move a job twice.
    pub async fn recover(
        &self,
        redis: &mut MultiplexedConnection,
        max_attempts: u32,
    ) -> RedisResult<Vec<Recovered>> {
        let moved: Vec<(u64, i64, i64)> = RECOVER
            .key(self.workers())
            .key(self.jobs())
            .key(self.failed())
            .key(self.counter("failed-count"))
            .arg(&self.prefix)
            .arg(max_attempts)
            .arg(RESULT_TTL.as_secs())
            .arg(now())
            .invoke_async(redis)
            .await?;
        Ok(moved
            .into_iter()
            .map(|(worker, id, requeued)| Recovered {
                worker,
                id: u64::try_from(id).ok(),
                requeued: requeued == 1,
            })
            .collect())
    }
    // ANCHOR_END: heartbeat

    /// Says that `worker` has stopped: its heartbeat goes at once, and so
    /// does its name in the set of workers if its in-progress list is empty.
    /// Whatever is left on the list (nothing, after a clean stop) is
    /// recovered at any live worker's next look, not [`HEARTBEAT_TTL`] later.
    pub async fn sign_off(&self, redis: &mut MultiplexedConnection, worker: u64) -> RedisResult<()> {
        SIGN_OFF
            .key(self.alive(worker))
            .key(self.in_progress(worker))
            .key(self.workers())
            .arg(worker)
            .invoke_async(redis)
            .await
    }

    /// A job's state from its hash.
    pub async fn state(&self, redis: &mut MultiplexedConnection, id: u64) -> RedisResult<JobState> {
        let fields: std::collections::HashMap<String, String> = redis.hgetall(self.job(id)).await?;
        Ok(JobState::from_fields(fields))
    }

    /// The states of many jobs, in one round trip.
    pub async fn states(&self, redis: &mut MultiplexedConnection, ids: &[u64]) -> RedisResult<Vec<JobState>> {
        let mut pipe = redis::pipe();
        for &id in ids {
            pipe.hgetall(self.job(id));
        }
        let all: Vec<std::collections::HashMap<String, String>> = pipe.query_async(redis).await?;
        Ok(all.into_iter().map(JobState::from_fields).collect())
    }

    /// Counts per status, and the workers.
    pub async fn counts(&self, redis: &mut MultiplexedConnection) -> RedisResult<Counts> {
        let (queued, started, finished, failed, workers, alive): (u64, u64, u64, u64, u64, u64) = COUNTS
            .key(self.jobs())
            .key(self.workers())
            .key(self.counter("finished"))
            .key(self.counter("failed-count"))
            .arg(&self.prefix)
            .invoke_async(redis)
            .await?;
        Ok(Counts { queued, started, finished, failed, workers, alive })
    }

    /// The last `count` records of the failed list, newest last.
    pub async fn failures(
        &self,
        redis: &mut MultiplexedConnection,
        count: usize,
    ) -> RedisResult<Vec<FailedRecord>> {
        let raw: Vec<String> = redis.lrange(self.failed(), -(count as isize), -1).await?;
        Ok(raw
            .into_iter()
            .map(|line| {
                serde_json::from_str(&line).unwrap_or(FailedRecord {
                    id: None,
                    payload: line,
                    reason: "(not a record)".into(),
                })
            })
            .collect())
    }

    /// Deletes every key of this queue (`demo` starts from nothing).
    pub async fn clear(&self, redis: &mut MultiplexedConnection) -> RedisResult<u64> {
        CLEAR.arg(format!("{}:*", self.prefix)).invoke_async(redis).await
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
}

impl JobState {
    fn from_fields(mut fields: std::collections::HashMap<String, String>) -> JobState {
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

// The scripts. Redis runs each one whole, with no other command in between;
// `redis.call` raises on a wrong type, which aborts the script.

/// KEYS: job hash, in-progress list. ARGV: payload, worker, now.
static START: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        if redis.call('HGET', KEYS[1], 'status') == 'finished' then
            redis.call('LREM', KEYS[2], 1, ARGV[1])
            return 0
        end
        redis.call('HSET', KEYS[1], 'status', 'started', 'worker', ARGV[2], 'started_at', ARGV[3])
        return redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        ",
    )
});

// ANCHOR: take_next_script
/// The Lua function that takes the next job for a worker and starts it (see
/// [`Queue::take_next`]): returns `{payload, attempt}`, or `false` when the
/// queue is empty. A payload that is not a job comes with attempt 0: the
/// worker moves it to the failed list.
const TAKE_NEXT_LUA: &str = r"
local function take_next(queue, list, prefix, worker, now)
    local payload = redis.call('LINDEX', list, -1) -- left by an answer that was lost
    local fresh = false
    if not payload then
        payload = redis.call('LMOVE', queue, list, 'RIGHT', 'LEFT')
        fresh = true
    end
    while payload do
        local ok, envelope = pcall(cjson.decode, payload)
        if not (ok and type(envelope) == 'table' and type(envelope.id) == 'number') then
            return {payload, 0}
        end
        local job = prefix .. ':job:' .. string.format('%d', envelope.id)
        local status = redis.call('HGET', job, 'status')
        if status ~= 'finished' and status ~= 'failed' then
            if fresh or status ~= 'started' then
                redis.call('HSET', job, 'status', 'started', 'worker', worker, 'started_at', now)
                return {payload, redis.call('HINCRBY', job, 'attempts', 1)}
            end
            return {payload, tonumber(redis.call('HGET', job, 'attempts') or '1')}
        end
        -- done already (by a worker taken for dead, then redone): not again
        redis.call('LREM', list, 1, payload)
        payload = redis.call('LMOVE', queue, list, 'RIGHT', 'LEFT')
        fresh = true
    end
    return false
end
";
// ANCHOR_END: take_next_script

/// KEYS: queue, in-progress list. ARGV: prefix, worker, now.
static TAKE_NEXT: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(&format!("{TAKE_NEXT_LUA}\nreturn take_next(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])"))
});

/// A script that runs `store` (Lua defining `local function store()`, which
/// returns 1 if it stored), then, if `wanted` (a Lua expression) is `'1'`,
/// takes the next job with `take_next(take_args)`. Returns {stored, next
/// payload or false, its attempt}.
fn store_then_take(store: &str, take_args: &str, wanted: &str) -> String {
    format!(
        "{TAKE_NEXT_LUA}{store}
        local stored = store()
        if {wanted} ~= '1' then return {{stored, false, 0}} end
        local next = take_next({take_args})
        if not next then return {{stored, false, 0}} end
        return {{stored, next[1], next[2]}}"
    )
}

// ANCHOR: finish_script
/// KEYS: job hash, in-progress list, finished counter, queue.
/// ARGV: payload, result, worker, this attempt's token, ttl, now, take the
/// next job (1 or 0), prefix. Returns {stored (1 or 0), next payload or
/// false, its attempt}.
static FINISH: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(&store_then_take(
        r"
        local function store()
            redis.call('LREM', KEYS[2], 1, ARGV[1])
            local done_by = redis.call('HGET', KEYS[1], 'done_by')
            if done_by == ARGV[4] then return 1 end -- this very call, tried again: stored
            redis.call('HINCRBY', KEYS[1], 'finishes', 1)
            if redis.call('HGET', KEYS[1], 'status') == 'finished' then return 0 end
            redis.call('HSET', KEYS[1], 'status', 'finished', 'result', ARGV[2], 'worker', ARGV[3],
                       'done_by', ARGV[4], 'ended_at', ARGV[6])
            redis.call('HDEL', KEYS[1], 'error')
            redis.call('EXPIRE', KEYS[1], ARGV[5])
            redis.call('INCR', KEYS[3])
            return 1
        end
        ",
        "KEYS[4], KEYS[2], ARGV[8], ARGV[3], ARGV[6]",
        "ARGV[7]",
    ))
});
// ANCHOR_END: finish_script

/// KEYS: job hash, in-progress list, failed list, failed counter, queue.
/// ARGV: payload, reason, worker, ttl, now, record, take the next job (1 or
/// 0), prefix. Returns as FINISH does.
static FAIL: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(&store_then_take(
        r"
        local function store()
            redis.call('LREM', KEYS[2], 1, ARGV[1])
            local status = redis.call('HGET', KEYS[1], 'status')
            if status == 'finished' or status == 'failed' then return 0 end
            redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[2], 'worker', ARGV[3], 'ended_at', ARGV[5])
            redis.call('EXPIRE', KEYS[1], ARGV[4])
            redis.call('RPUSH', KEYS[3], ARGV[6])
            redis.call('INCR', KEYS[4])
            return 1
        end
        ",
        "KEYS[5], KEYS[2], ARGV[8], ARGV[3], ARGV[5]",
        "ARGV[7]",
    ))
});

/// KEYS: in-progress list, queue. ARGV: prefix.
static GIVE_BACK: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        local given = {}
        while true do
            local payload = redis.call('RPOP', KEYS[1])
            if not payload then break end
            local ok, envelope = pcall(cjson.decode, payload)
            if ok and type(envelope) == 'table' and envelope.id then
                local job = ARGV[1] .. ':job:' .. string.format('%d', envelope.id)
                if redis.call('HGET', job, 'status') == 'started' then
                    redis.call('HSET', job, 'status', 'queued')
                    redis.call('HINCRBY', job, 'attempts', -1)
                end
            end
            redis.call('RPUSH', KEYS[2], payload)
            table.insert(given, payload)
        end
        return given
        ",
    )
});

/// KEYS: worker counter, workers set. ARGV: prefix, now, ttl.
/// Returns the new worker's number.
static REGISTER: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        while true do
            local worker = redis.call('INCR', KEYS[1])
            local alive = ARGV[1] .. ':worker:' .. worker .. ':alive'
            if redis.call('SET', alive, ARGV[2], 'NX', 'EX', ARGV[3]) then
                redis.call('SADD', KEYS[2], worker)
                return worker
            end
        end
        ",
    )
});

/// KEYS: heartbeat, workers set, worker counter. ARGV: worker, now, ttl.
static HEARTBEAT: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
        redis.call('SADD', KEYS[2], ARGV[1])
        if tonumber(redis.call('GET', KEYS[3]) or '0') < tonumber(ARGV[1]) then
            redis.call('SET', KEYS[3], ARGV[1])
        end
        ",
    )
});

/// KEYS: heartbeat, in-progress list, workers set. ARGV: worker.
static SIGN_OFF: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        redis.call('DEL', KEYS[1])
        if redis.call('LLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[1]) end
        ",
    )
});

// ANCHOR: recover_script
/// KEYS: workers set, queue, failed list, failed counter.
/// ARGV: prefix, max attempts, ttl, now.
/// Returns {worker, job id or -1, 1 if requeued else 0} per payload moved.
static RECOVER: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        local moved = {}
        local max = tonumber(ARGV[2])
        for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            if redis.call('EXISTS', ARGV[1] .. ':worker:' .. worker .. ':alive') == 0 then
                local list = ARGV[1] .. ':worker:' .. worker .. ':jobs'
                while true do
                    local payload = redis.call('RPOP', list)
                    if not payload then break end
                    local ok, envelope = pcall(cjson.decode, payload)
                    if ok and type(envelope) == 'table' and type(envelope.id) == 'number' then
                        local id = string.format('%d', envelope.id)
                        local job = ARGV[1] .. ':job:' .. id
                        local status = redis.call('HGET', job, 'status')
                        local attempts = tonumber(redis.call('HGET', job, 'attempts') or '0')
                        if status == 'finished' or status == 'failed' then
                            -- done already: nothing to redo
                        elseif attempts >= max then
                            local reason = 'worker ' .. worker .. ' stopped answering (its heartbeat expired) '
                                .. 'during attempt ' .. attempts .. ' of ' .. max
                            redis.call('HSET', job, 'status', 'failed', 'error', reason, 'ended_at', ARGV[4])
                            redis.call('EXPIRE', job, ARGV[3])
                            redis.call('RPUSH', KEYS[3],
                                cjson.encode({id = envelope.id, payload = payload, reason = reason}))
                            redis.call('INCR', KEYS[4])
                            table.insert(moved, {tonumber(worker), tonumber(id), 0})
                        else
                            redis.call('HSET', job, 'status', 'queued')
                            redis.call('RPUSH', KEYS[2], payload)
                            table.insert(moved, {tonumber(worker), tonumber(id), 1})
                        end
                    else
                        local reason = 'not a job, and worker ' .. worker .. ' stopped answering while holding it'
                        redis.call('RPUSH', KEYS[3], cjson.encode({payload = payload, reason = reason}))
                        redis.call('INCR', KEYS[4])
                        table.insert(moved, {tonumber(worker), -1, 0})
                    end
                end
                redis.call('SREM', KEYS[1], worker)
            end
        end
        return moved
        ",
    )
});
// ANCHOR_END: recover_script

/// KEYS: queue, workers set, finished counter, failed counter. ARGV: prefix.
/// Returns queued, started, finished, failed, workers, alive.
static COUNTS: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        local started, alive = 0, 0
        local workers = redis.call('SMEMBERS', KEYS[2])
        for _, worker in ipairs(workers) do
            started = started + redis.call('LLEN', ARGV[1] .. ':worker:' .. worker .. ':jobs')
            alive = alive + redis.call('EXISTS', ARGV[1] .. ':worker:' .. worker .. ':alive')
        end
        return {redis.call('LLEN', KEYS[1]), started,
                tonumber(redis.call('GET', KEYS[3]) or '0'), tonumber(redis.call('GET', KEYS[4]) or '0'),
                #workers, alive}
        ",
    )
});

/// ARGV: pattern. Deletes the keys that match; returns how many.
static CLEAR: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new(
        r"
        local deleted, cursor = 0, '0'
        repeat
            local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
            cursor = page[1]
            for _, key in ipairs(page[2]) do deleted = deleted + redis.call('DEL', key) end
        until cursor == '0'
        return deleted
        ",
    )
});
