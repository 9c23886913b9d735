//! A Redis server for the tests, and the lesson's binary pointed at it.
//!
//! `REDIS_URL` set: the tests use that server, each test in a queue of its
//! own (`--queue t-NAME-PID`), so that tests running at once, or a learner's
//! own queues, never mix. Not set: each test starts a private `redis-server`
//! (the lesson's own [`PrivateServer`]) and stops it when it ends. No
//! `redis-server` installed: under `CI=true` the test fails (CI must install
//! it: see `.ci/run`); elsewhere it says how to install one and is skipped.

#![allow(dead_code)] // each test file uses its own part of this

use std::collections::HashMap;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use distributed::queue::{Counts, FailedRecord, JobState, Queue};
use distributed::server::PrivateServer;

/// Where a test's jobs go.
pub(crate) struct TestRedis {
    pub(crate) url: String,
    pub(crate) queue: Queue,
    /// Kept until the test ends: dropping it stops the server.
    pub(crate) server: Option<PrivateServer>,
}

/// The server for test `name`: `REDIS_URL`'s, or a private one; `None`
/// when there is neither (the test is then skipped, or fails under CI).
pub(crate) fn redis(name: &str) -> Option<TestRedis> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let queue = Queue::new(&format!("t-{name}-{}", std::process::id()));
            let test = TestRedis { url, queue, server: None };
            test.block_on(|mut redis, queue| async move { queue.clear(&mut redis).await });
            Some(test)
        }
        _ => private_redis(name, None),
    }
}

/// A private server for test `name`, always (a test that stops and
/// restarts it, or sets a password).
pub(crate) fn private_redis(name: &str, password: Option<&str>) -> Option<TestRedis> {
    match PrivateServer::start(password) {
        Ok(server) => {
            let queue = Queue::new(&format!("t-{name}"));
            Some(TestRedis { url: server.url(), queue, server: Some(server) })
        }
        Err(why) if distributed::server::find().is_ok() => panic!("cannot start redis-server: {why}"),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true and no Redis for the tests: {why}")
        }
        Err(why) => {
            eprintln!("test {name} skipped: {why}");
            None
        }
    }
}

/// The lesson's binary, with plain output.
pub(crate) fn distributed() -> Command {
    Command::from_std(distributed_std())
}

/// The lesson's binary as a std command (for children a test drives).
pub(crate) fn distributed_std() -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("distributed"));
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("REDIS_URL").env("COLUMNS", "80");
    command
}

impl TestRedis {
    /// `distributed EXAMPLE --queue Q ARGS…` against this server (through
    /// `REDIS_URL`, as a learner would set it).
    pub(crate) fn run(&self, example: &str, args: &[&str]) -> Command {
        let mut command = distributed();
        command.env("REDIS_URL", &self.url).arg(example).args(["--queue", self.queue.name()]).args(args);
        command
    }

    /// The same as a std command, with piped stdout and stderr.
    pub(crate) fn spawn(&self, example: &str, args: &[&str]) -> std::process::Child {
        distributed_std()
            .env("REDIS_URL", &self.url)
            .arg(example)
            .args(["--queue", self.queue.name()])
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts")
    }

    /// Runs `step` on a connection to this server, on a runtime of its own.
    pub(crate) fn block_on<T, F, Fut>(&self, step: F) -> T
    where
        F: FnOnce(redis::aio::MultiplexedConnection, Queue) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let client = redis::Client::open(self.url.as_str()).unwrap();
            let connection = client.get_multiplexed_async_connection().await.expect("Redis answers");
            step(connection, self.queue.clone()).await.expect("the command works")
        })
    }

    /// Job `id`'s state.
    pub(crate) fn state(&self, id: u64) -> JobState {
        self.block_on(|mut redis, queue| async move { queue.state(&mut redis, id).await })
    }

    /// The counts per status.
    pub(crate) fn counts(&self) -> Counts {
        self.block_on(|mut redis, queue| async move { queue.counts(&mut redis).await })
    }

    /// The failed list, oldest first.
    pub(crate) fn failures(&self) -> Vec<FailedRecord> {
        self.block_on(|mut redis, queue| async move { queue.failures(&mut redis, 1000).await })
    }

    /// Pushes `payload` into the queue as it is, as a foreign program might.
    pub(crate) fn push_raw(&self, payload: &str) {
        let payload = payload.to_string();
        self.block_on(|mut redis, queue| async move {
            redis::cmd("LPUSH").arg(queue.jobs()).arg(payload).query_async::<()>(&mut redis).await
        })
    }

    /// Pushes `payload`'s bytes into the queue as they are (not UTF-8,
    /// megabytes), as a foreign program might.
    pub(crate) fn push_bytes(&self, payload: &[u8]) {
        let payload = payload.to_vec();
        self.block_on(|mut redis, queue| async move {
            redis::cmd("LPUSH").arg(queue.jobs()).arg(payload).query_async::<()>(&mut redis).await
        })
    }

    /// A command on the test's server, its answer as `T`.
    pub(crate) fn command<T: redis::FromRedisValue + Send + 'static>(&self, args: &[&str]) -> T {
        let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
        self.block_on(|mut redis, _| async move {
            let mut command = redis::cmd(&args[0]);
            for arg in &args[1..] {
                command.arg(arg);
            }
            command.query_async(&mut redis).await
        })
    }

    /// All the fields of job `id`'s hash.
    pub(crate) fn fields(&self, id: u64) -> HashMap<String, String> {
        self.block_on(|mut redis, queue| async move {
            redis::cmd("HGETALL").arg(queue.job(id)).query_async(&mut redis).await
        })
    }

    /// Polls `condition` on the counts until it holds; the bound only turns
    /// a hang into a failure.
    pub(crate) fn wait_until(&self, what: &str, condition: impl Fn(&Counts) -> bool) -> Counts {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let counts = self.counts();
            if condition(&counts) {
                return counts;
            }
            assert!(Instant::now() < deadline, "never {what}: {counts:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The private server (for tests that stop and restart it).
    pub(crate) fn server(&mut self) -> &mut PrivateServer {
        self.server.as_mut().expect("a private server")
    }
}

impl Drop for TestRedis {
    /// On a server the test does not own, leave nothing behind.
    fn drop(&mut self) {
        if self.server.is_none() && !std::thread::panicking() {
            self.block_on(|mut redis, queue| async move { queue.clear(&mut redis).await });
        }
    }
}
