//! Where Redis is, and talking to it: `--redis-url` or `REDIS_URL`, a
//! password that is never printed, and a worker that waits for Redis to
//! come back instead of dying.
//!
//! A URL is `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`. Whatever is printed
//! about it (errors, notices) names only the host, port and database
//! ([`Target`]'s `Display`); the URL itself, with its password, never
//! leaves the process except to Redis. A password is still visible to other
//! users in `ps` when it is given as a flag, so `REDIS_URL` is the better
//! place for one; `demo` hands the URL to its workers through their stdin,
//! not their command line.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, RedisError, RedisResult};
use shared::interrupt::Stage;
use shared::timing::duration;
use shared::{Failure, eprintln};

/// Where Redis is when neither `--redis-url` nor `REDIS_URL` says.
pub const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// The environment variable read when `--redis-url` is not given.
pub const URL_VAR: &str = "REDIS_URL";

/// How long connecting may take before Redis counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long any one command may take, `BLMOVE`'s own wait apart.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The first wait before trying Redis again; it doubles up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// The longest wait between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(4);

/// `--redis-url`.
#[derive(clap::Args, Clone, Debug)]
pub struct UrlArg {
    /// Where Redis is, as a URL (see the `help` text, which rustdoc would
    /// read as links).
    // Parsed by `Target::resolve`, not by clap: clap's error would quote
    // the value, password and all.
    #[arg(
        long,
        value_name = "URL",
        global = true,
        help = "Where Redis is: redis://[:PASSWORD@]HOST[:PORT][/DB] (default: REDIS_URL, else \
                redis://127.0.0.1:6379). A password is never printed; put it in REDIS_URL rather \
                than here, where `ps` shows it."
    )]
    pub redis_url: Option<String>,
}

/// Where a [`Target`] came from, to say so in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `--redis-url`.
    Flag,
    /// `REDIS_URL`.
    Environment,
    /// Neither: [`DEFAULT_URL`].
    Default,
    /// A `redis-server` this program started ([`crate::server`]).
    Private,
}

/// A Redis server to talk to: the client, and how to name it without its
/// password.
#[derive(Clone)]
pub struct Target {
    client: Client,
    url: String,
    source: Source,
}

impl Target {
    /// Parses a URL; the error never repeats it (it may hold a password).
    pub fn parse(url: &str) -> Result<Target, String> {
        if url.starts_with("rediss://") {
            return Err("a TLS URL (rediss://), which this lesson is built without: reach a remote Redis \
                        through an SSH tunnel (see the chapter)"
                .to_string());
        }
        let client = Client::open(url).map_err(|_| {
            "not a Redis URL: expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]".to_string()
        })?;
        Ok(Target { client, url: url.to_string(), source: Source::Flag })
    }

    /// `--redis-url`, else `REDIS_URL`, else [`DEFAULT_URL`].
    pub fn resolve(arg: &UrlArg) -> Result<Target, Failure> {
        if let Some(url) = &arg.redis_url {
            return Target::parse(url)
                .map_err(|why| Failure { message: format!("--redis-url is {why}"), exit_code: 2 });
        }
        match Target::from_environment()? {
            Some(target) => Ok(target),
            None => {
                Ok(Target { source: Source::Default, ..Target::parse(DEFAULT_URL).map_err(Failure::new)? })
            }
        }
    }

    /// `REDIS_URL`, if it is set (and not empty).
    pub fn from_environment() -> Result<Option<Target>, Failure> {
        let Some(url) = std::env::var_os(URL_VAR).filter(|url| !url.is_empty()) else { return Ok(None) };
        let url = url.into_string().map_err(|_| Failure::new(format!("{URL_VAR} is not valid UTF-8")))?;
        let target = Target::parse(&url).map_err(|why| Failure::new(format!("{URL_VAR} is {why}")))?;
        Ok(Some(Target { source: Source::Environment, ..target }))
    }

    /// A server this program started, at `url`.
    pub fn private(url: &str) -> Result<Target, Failure> {
        Ok(Target { source: Source::Private, ..Target::parse(url).map_err(Failure::new)? })
    }

    /// Where this target came from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The whole URL, password included: only for handing to a worker
    /// process through a pipe, never for printing.
    pub fn secret_url(&self) -> &str {
        &self.url
    }

    /// A connection for commands: several tasks may share it (each command
    /// waits its turn on the wire), and no command may block on the server.
    pub async fn connect(&self) -> RedisResult<MultiplexedConnection> {
        self.connect_with(RESPONSE_TIMEOUT).await
    }

    /// A connection for blocking commands (`BLMOVE ... timeout`): it waits
    /// `blocking_for` longer than a command connection before giving up.
    /// A blocking command holds its connection on the server until it
    /// returns, so it gets a connection of its own.
    pub async fn connect_blocking(&self, blocking_for: Duration) -> RedisResult<MultiplexedConnection> {
        self.connect_with(RESPONSE_TIMEOUT + blocking_for).await
    }

    async fn connect_with(&self, response_timeout: Duration) -> RedisResult<MultiplexedConnection> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(response_timeout));
        self.client.get_multiplexed_async_connection_with_config(&config).await
    }

    /// Connects, or says in one line why not and how to fix it.
    pub async fn connect_or_explain(&self) -> Result<MultiplexedConnection, Failure> {
        self.connect().await.map_err(|error| self.explain(&error))
    }

    /// An error from Redis as a message for the user: where Redis was
    /// looked for, what went wrong, and, when it is unreachable, what to do.
    pub fn explain(&self, error: &RedisError) -> Failure {
        let what = describe(error);
        if !is_transient(error) {
            return Failure::new(format!("Redis at {self}: {what}"));
        }
        let hint = match self.source {
            Source::Default => format!(
                "start one (`redis-server`; Debian and Ubuntu: `apt-get install redis-server`, macOS: \
                 `brew install redis`), or give --redis-url or {URL_VAR}"
            ),
            Source::Flag => "is it running, and is the URL right?".to_string(),
            Source::Environment => format!("is it running, and is {URL_VAR} right?"),
            Source::Private => "the private redis-server has stopped".to_string(),
        };
        Failure::new(format!("cannot reach Redis at {self} ({what}): {hint}"))
    }
}

// ANCHOR: display
impl fmt::Display for Target {
    /// `127.0.0.1:6379` (`/db 2` when not 0), `from REDIS_URL` when it came
    /// from there; never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.client.get_connection_info();
        write!(f, "{}", info.addr())?;
        let db = info.redis_settings().db();
        if db != 0 {
            write!(f, " db {db}")?;
        }
        match self.source {
            Source::Flag => Ok(()),
            Source::Environment => write!(f, " (from {URL_VAR})"),
            Source::Default => write!(f, " (the default)"),
            Source::Private => write!(f, " (private)"),
        }
    }
}
// ANCHOR_END: display

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

/// Whether an error means "Redis is not there right now" (worth waiting
/// for), rather than "Redis said no" (a wrong password, a bug).
pub fn is_transient(error: &RedisError) -> bool {
    use redis::{ErrorKind, RetryMethod};
    // A refused password also asks for a reconnection in the crate's terms
    // (`RetryMethod::Reconnect`), but trying it again cannot help.
    if error.kind() == ErrorKind::AuthenticationFailed {
        return false;
    }
    error.is_io_error()
        || error.is_connection_dropped()
        || error.is_connection_refusal()
        || error.is_timeout()
        // `LOADING` (a restarted Redis reading its data back) and the like.
        || matches!(error.retry_method(), RetryMethod::WaitAndRetry | RetryMethod::Reconnect)
}

/// The error in words, without the crate's internal detail, and short: a
/// refused transaction lists one error per command (ten thousand of them for
/// a batch of `enqueue`), of which the first says it.
fn describe(error: &RedisError) -> String {
    if error.kind() == redis::ErrorKind::AuthenticationFailed
        || error.code().is_some_and(|code| code == "NOAUTH" || code == "WRONGPASS")
    {
        return format!("it refused the password or user name ({error})");
    }
    shared::shorten(&error.to_string(), MAX_ERROR_CHARS)
}

/// The longest error from Redis a message quotes.
const MAX_ERROR_CHARS: usize = 200;

/// One connection for commands, made again whenever Redis went away.
#[derive(Debug)]
pub struct Redis {
    target: Target,
    connection: Option<MultiplexedConnection>,
    /// For a blocking command's connection: how long the command may wait.
    blocking_for: Option<Duration>,
    /// What this process is, for messages: `worker 3`.
    who: String,
}

/// Why [`Redis::patiently`] gave up.
#[derive(Debug)]
pub enum GaveUp {
    /// Redis said no: not worth trying again.
    Refused(Failure),
    /// The stage it watches was triggered while Redis was away.
    Stopped,
}

impl Redis {
    /// A handle that connects on first use.
    pub fn new(target: Target, who: impl Into<String>) -> Redis {
        Redis { target, connection: None, blocking_for: None, who: who.into() }
    }

    /// A handle for blocking commands that wait up to `blocking_for`, on a
    /// connection of their own (see [`Target::connect_blocking`]).
    pub fn blocking(target: Target, who: impl Into<String>, blocking_for: Duration) -> Redis {
        Redis { blocking_for: Some(blocking_for), ..Redis::new(target, who) }
    }

    /// Names the process anew in this handle's messages (a worker given a
    /// new number).
    pub fn rename(&mut self, who: impl Into<String>) {
        self.who = who.into();
    }

    /// Where Redis is.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// A connection, made now if there is none.
    pub async fn connection(&mut self) -> RedisResult<MultiplexedConnection> {
        if let Some(connection) = &self.connection {
            return Ok(connection.clone());
        }
        let connection = match self.blocking_for {
            Some(blocking_for) => self.target.connect_blocking(blocking_for).await?,
            None => self.target.connect().await?,
        };
        self.connection = Some(connection.clone());
        Ok(connection)
    }

    /// Forgets the connection: the next command connects again.
    pub fn drop_connection(&mut self) {
        self.connection = None;
    }

    // ANCHOR: patiently
    /// Runs `command` until Redis answers. While Redis is unreachable it
    /// says so and tries again, waiting twice as long each time (from
    /// [`FIRST_BACKOFF`] up to [`MAX_BACKOFF`]), and says when Redis is back.
    /// `doing` names the step for those messages (`finishing job 17`).
    ///
    /// It gives up only when Redis says no ([`GaveUp::Refused`]), or when
    /// `stop` is triggered while it waits ([`GaveUp::Stopped`]).
    pub async fn patiently<T, F, Fut>(
        &mut self,
        doing: &str,
        stop: &Stage,
        mut command: F,
    ) -> Result<T, GaveUp>
    where
        F: FnMut(MultiplexedConnection) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut away_since: Option<Instant> = None;
        loop {
            let answer = match self.connection().await {
                Ok(connection) => command(connection).await,
                Err(error) => Err(error),
            };
            match answer {
                Ok(value) => {
                    if let Some(since) = away_since {
                        eprintln!(
                            "{}: Redis at {} is back after {}; {doing}.",
                            self.who,
                            self.target,
                            duration(since.elapsed())
                        );
                    }
                    return Ok(value);
                }
                Err(error) if is_transient(&error) => {
                    self.drop_connection();
                    away_since.get_or_insert_with(Instant::now);
                    eprintln!(
                        "{}: cannot reach Redis at {} while {doing} ({}); trying again in {}.",
                        self.who,
                        self.target,
                        describe(&error),
                        duration(backoff)
                    );
                    if stop.cut_short(tokio::time::sleep(backoff)).await.is_none() {
                        return Err(GaveUp::Stopped);
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
                Err(error) => return Err(GaveUp::Refused(self.target.explain(&error))),
            }
        }
    }
    // ANCHOR_END: patiently
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        let target = Target::parse("redis://:hunter2@example.com:6380/2").unwrap();
        assert_eq!(target.to_string(), "example.com:6380 db 2");
        assert!(!format!("{target:?}").contains("hunter2"));
        assert_eq!(target.secret_url(), "redis://:hunter2@example.com:6380/2");
    }

    #[test]
    fn a_bad_url_is_refused_without_repeating_it() {
        let error = Target::parse("http://:hunter2@example.com").unwrap_err();
        assert!(error.starts_with("not a Redis URL") && !error.contains("hunter2"), "{error}");
    }
}
