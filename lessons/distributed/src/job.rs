//! What a job is: typed data, never code.
//!
//! RQ enqueues a *function*: `q.enqueue(count_words_at_url, url)` pickles a
//! reference to the function and its arguments, and the worker unpickles
//! them. Unpickling runs whatever the bytes say, so anyone who can write to
//! the Redis server can make every worker run anything (pickle is not a data
//! format, it is a program for a small stack machine); and the worker must
//! have the very same Python code importable under the same names, or the
//! job fails when it is run, not when it is enqueued.
//!
//! Here a job is a value of [`Job`], sent as one line of JSON. A worker
//! parses it into the enum or refuses it: a payload it does not understand
//! is *data that is wrong*, which goes to the failed list with the reason
//! ([`parse`]), never code that runs. What a job may ask for is bounded
//! ([`MAX_ROWS_PER_JOB`], [`MAX_SLEEP_SECONDS`]), and the code that runs it
//! is the worker's own, so a worker on another machine needs this binary and
//! the same Redis server, nothing else.
//!
//! ```
//! use distributed::job::{Envelope, Job};
//!
//! let envelope = Envelope { id: 7, job: Job::Sleep { seconds: 0.5 } };
//! let line = envelope.to_json();
//! assert_eq!(line, r#"{"id":7,"job":{"kind":"sleep","seconds":0.5}}"#);
//! assert_eq!(distributed::job::parse(&line).unwrap(), envelope);
//! assert!(distributed::job::parse("os.system('rm -rf /')").is_err());
//! ```

use std::fmt;
use std::time::Duration;

use pool::table;
use serde::{Deserialize, Serialize};

/// The most rows one `count-range` job may count: 5 MB of rows, made in
/// about 10 ms. Larger slices are split into several jobs.
pub const MAX_ROWS_PER_JOB: u64 = 1_000_000;

/// The longest `sleep` a job may ask for: an hour.
pub const MAX_SLEEP_SECONDS: f64 = 3600.0;

// ANCHOR: job
/// A job: what to do, as data. Serialized as `{"kind": "count-range", ...}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Job {
    /// The pool lesson's problem on rows `start..end` of the table for
    /// `seed`: how many of their numbers lie in `[4, 8]`. The rows are made
    /// again from the seed by the worker ([`pool::table::rows`]), so the job
    /// stays a few bytes however many rows it covers.
    CountRange {
        /// The table's seed.
        seed: u64,
        /// The first row.
        start: u64,
        /// One past the last row.
        end: u64,
    },
    /// Sleeps this many seconds: a job that takes time and does nothing.
    Sleep {
        /// How long.
        seconds: f64,
    },
    /// Always fails with this message: to see the failed list.
    Fail {
        /// The error it fails with.
        message: String,
    },
}

/// A job and its id, as it travels through the queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Unique in its queue: given by Redis (`INCR`) when it is enqueued.
    pub id: u64,
    /// What to do.
    pub job: Job,
}
// ANCHOR_END: job

impl Envelope {
    /// The payload: one line of JSON.
    pub fn to_json(&self) -> String {
        shared::message::encode(self)
    }
}

/// The largest payload that may be a job: 64 KiB. The longest job
/// `enqueue` makes is a `fail` with a long message; a payload of megabytes
/// is refused here, before anything reads it as JSON.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

// ANCHOR: parse
/// A payload from the queue as an [`Envelope`], or why it is not one. The
/// one place where a payload is judged: the worker calls it before anything
/// about a job changes in Redis, and the scripts never read a payload.
/// Whatever the bytes (not UTF-8, not JSON, no `id`, an `id` that is
/// negative, fractional, huge, zero or a string, an unknown `kind`,
/// megabytes), the answer is a reason, never a panic and never code that
/// runs.
pub fn parse(payload: impl AsRef<[u8]>) -> Result<Envelope, String> {
    let payload = payload.as_ref();
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(format!(
            "not a job: {} bytes, more than any job ({MAX_PAYLOAD_BYTES})",
            shared::timing::thousands(payload.len() as u64)
        ));
    }
    let text =
        std::str::from_utf8(payload).map_err(|error| format!("not a job: not UTF-8 text ({error})"))?;
    let envelope: Envelope = serde_json::from_str(text).map_err(|error| format!("not a job: {error}"))?;
    if envelope.id == 0 {
        return Err("not a job: job ids start at 1".to_string());
    }
    Ok(envelope)
}
// ANCHOR_END: parse

/// A payload in quotes, cut to 60 characters, for messages (bytes that are
/// not UTF-8 shown as `�`).
pub fn quote_bytes(payload: &[u8]) -> String {
    let head = &payload[..payload.len().min(4 * 60)];
    quote(&String::from_utf8_lossy(head))
}

/// `payload` in quotes, cut to 60 characters, for messages.
pub fn quote(payload: &str) -> String {
    format!("{:?}", shared::shorten(payload, 60))
}

impl Job {
    /// Checks the bounds, then does the job. `Ok` is the result to store
    /// (the count, for `count-range`), `Err` the reason it failed.
    ///
    /// `count-range` runs on tokio's blocking threads, so that the worker's
    /// heartbeat goes on while it counts; `sleep` is a timer.
    pub async fn run(&self) -> Result<String, String> {
        match *self {
            Job::CountRange { seed, start, end } => {
                check_range(start, end)?;
                let range = start as usize..end as usize;
                let counted = tokio::task::spawn_blocking(move || count_range(seed, range)).await;
                counted.map(|count| count.to_string()).map_err(|error| format!("the count stopped: {error}"))
            }
            Job::Sleep { seconds } => {
                let duration = sleep_duration(seconds)?;
                // tokio's timers tick in milliseconds: even a zero sleep would
                // wait for the next tick.
                if !duration.is_zero() {
                    tokio::time::sleep(duration).await;
                }
                Ok(format!("slept {} s", shared::timing::seconds(duration)))
            }
            Job::Fail { ref message } => Err(message.clone()),
        }
    }
}

// ANCHOR: count_range
/// `count-range`: the pool lesson's sequential loop on rows `range` of the
/// table for `seed`, summed.
pub fn count_range(seed: u64, range: std::ops::Range<usize>) -> u64 {
    let rows = table::rows(seed, range);
    pool::sequential::count(&rows).iter().map(|&count| u64::from(count)).sum()
}
// ANCHOR_END: count_range

fn check_range(start: u64, end: u64) -> Result<(), String> {
    if end < start {
        return Err(format!("rows {start}..{end} run backwards"));
    }
    if end - start > MAX_ROWS_PER_JOB {
        return Err(format!("{} rows is more than one job may count ({MAX_ROWS_PER_JOB})", end - start));
    }
    // The rows must be addressable on this machine (32-bit targets).
    usize::try_from(end).map_err(|_| format!("row {end} is past what this machine can address"))?;
    Ok(())
}

fn sleep_duration(seconds: f64) -> Result<Duration, String> {
    if !(0.0..=MAX_SLEEP_SECONDS).contains(&seconds) {
        return Err(format!("a sleep of {seconds} s is not from 0 to {MAX_SLEEP_SECONDS} s"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

impl fmt::Display for Job {
    /// `count-range 0..4096 of seed 444`, `sleep 2 s`, `fail "boom"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Job::CountRange { seed, start, end } => write!(f, "count-range {start}..{end} of seed {seed}"),
            Job::Sleep { seconds } => write!(f, "sleep {seconds} s"),
            Job::Fail { message } => write!(f, "fail {}", quote(message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_that_are_not_jobs_are_refused_with_the_reason() {
        for (payload, reason) in [
            ("hello", "expected value"),
            (r#"{"id":1,"job":{"kind":"rm-rf"}}"#, "unknown variant"),
            (r#"{"id":1,"job":{"kind":"sleep"}}"#, "missing field `seconds`"),
            (r#"{"id":-1,"job":{"kind":"sleep","seconds":1}}"#, "invalid value"),
            (r#"{"id":1,"job":{"kind":"sleep","seconds":1},"code":"x"}"#, "unknown field"),
            (r#"{"id":1.5,"job":{"kind":"sleep","seconds":1}}"#, "invalid type"),
            (r#"{"id":"7","job":{"kind":"sleep","seconds":1}}"#, "invalid type"),
            (r#"{"id":99999999999999999999,"job":{"kind":"sleep","seconds":1}}"#, "not a job"),
            (r#"{"id":0,"job":{"kind":"sleep","seconds":1}}"#, "ids start at 1"),
            (r#"{"job":{"kind":"sleep","seconds":1}}"#, "missing field `id`"),
        ] {
            let error = parse(payload).unwrap_err();
            assert!(error.contains(reason), "{payload}: {error}");
        }
        assert!(parse(b"\xff\xfe{}").unwrap_err().contains("not UTF-8"));
        assert!(parse(vec![b' '; MAX_PAYLOAD_BYTES + 1]).unwrap_err().contains("more than any job"));
    }

    #[tokio::test]
    async fn jobs_out_of_bounds_fail_instead_of_running() {
        let huge = Job::CountRange { seed: 1, start: 0, end: MAX_ROWS_PER_JOB + 1 };
        assert!(huge.run().await.unwrap_err().contains("more than one job may count"));
        let backwards = Job::CountRange { seed: 1, start: 5, end: 4 };
        assert!(backwards.run().await.unwrap_err().contains("backwards"));
        for seconds in [-1.0, f64::NAN, f64::INFINITY, MAX_SLEEP_SECONDS + 1.0] {
            assert!(Job::Sleep { seconds }.run().await.is_err(), "{seconds}");
        }
        assert_eq!(Job::Fail { message: "boom".into() }.run().await, Err("boom".into()));
    }

    #[tokio::test]
    async fn count_range_counts_what_the_pool_lessons_loop_counts() {
        let table = table::generate(444, 3 * table::BLOCK_ROWS);
        let expected: u64 = pool::sequential::count(&table[100..9000]).iter().map(|&c| u64::from(c)).sum();
        let job = Job::CountRange { seed: 444, start: 100, end: 9000 };
        assert_eq!(job.run().await.unwrap(), expected.to_string());
        assert_eq!(count_range(444, 0..0), 0);
    }
}
