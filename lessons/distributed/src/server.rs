//! A private `redis-server`: started by `demo` (and the tests) when no Redis
//! was named, stopped at the end.
//!
//! It listens on a free port of the loopback interface only, keeps nothing on
//! disk (no RDB snapshots, no append-only file), works in a temporary
//! folder of its own, and runs in a process group of its own, so that a
//! Ctrl-C typed at `demo` reaches `demo` alone: the workers may still need
//! Redis to finish their jobs.

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The program looked for.
#[cfg(not(windows))]
pub const PROGRAM: &str = "redis-server";
/// The program looked for.
#[cfg(windows)]
pub const PROGRAM: &str = "redis-server.exe";

/// How long a new server may take to answer.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How to get a Redis server, for messages.
pub const INSTALL_HINT: &str = "install it (Debian and Ubuntu: `apt-get install redis-server`; macOS: \
                                `brew install redis`) or give the URL of a running Redis with --redis-url or REDIS_URL";

/// A `redis-server` this process started; stopped when dropped.
#[derive(Debug)]
pub struct PrivateServer {
    program: PathBuf,
    port: u16,
    dir: PathBuf,
    password: Option<String>,
    /// Shared with the cleanup registered by [`PrivateServer::start`].
    child: Arc<Mutex<Option<Child>>>,
    version: String,
}

/// `redis-server` on the `PATH`, or a one-line explanation of where it was
/// looked for and what to do.
pub fn find() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Some(found) = dirs.iter().map(|dir| dir.join(PROGRAM)).find(|candidate| candidate.is_file()) {
        return Ok(found);
    }
    let looked: Vec<String> = dirs.iter().map(|dir| dir.display().to_string()).collect();
    Err(format!("no {PROGRAM} in PATH ({}): {INSTALL_HINT}", looked.join(", ")))
}

impl PrivateServer {
    /// Starts `redis-server` (found with [`find`]) on a free loopback port,
    /// with `password` if given, and waits until it answers.
    pub fn start(password: Option<&str>) -> Result<PrivateServer, String> {
        let program = find()?;
        let version = version_of(&program);
        let dir = unique_dir().map_err(|error| format!("cannot make a folder for {PROGRAM}: {error}"))?;
        let mut server = PrivateServer {
            program,
            port: 0,
            dir,
            password: password.map(str::to_string),
            child: Arc::default(),
            version,
        };
        // A program that ends through `shared::process::exit` (stdout gone,
        // a third Ctrl-C) runs no destructors: the server, in a process group
        // of its own, would outlive it.
        shared::process::at_exit({
            let (child, dir) = (Arc::clone(&server.child), server.dir.clone());
            move || {
                kill(&child);
                let _ = std::fs::remove_dir_all(dir);
            }
        });
        // Another program may take the free port between our look and the
        // server's bind; then try another.
        let mut last_error = String::new();
        for _ in 0..3 {
            server.port = free_port().map_err(|error| format!("cannot find a free port: {error}"))?;
            match server.launch() {
                Ok(()) => return Ok(server),
                Err(error) => last_error = error,
            }
        }
        Err(last_error)
    }

    /// `redis://127.0.0.1:PORT`, with the password if there is one.
    pub fn url(&self) -> String {
        match &self.password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `7.0.15`, from `redis-server --version` (empty if it did not say).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Stops it at once (its data is gone: it keeps nothing on disk).
    pub fn stop(&mut self) {
        kill(&self.child);
    }

    /// Starts it again on the same port, empty.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop();
        // The port was ours a moment ago; retry briefly if the OS is slow to
        // release it.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match self.launch() {
                Ok(()) => return Ok(()),
                Err(error) if Instant::now() > deadline => return Err(error),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    fn launch(&mut self) -> Result<(), String> {
        let mut command = Command::new(&self.program);
        command
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            // No persistence: no snapshots, no append-only file.
            .args(["--save", "", "--appendonly", "no"])
            .args(["--daemonize", "no", "--logfile", "redis.log"])
            .arg("--dir")
            .arg(&self.dir)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(password) = &self.password {
            command.args(["--requirepass", password]);
        }
        shared::process::own_process_group(&mut command);
        let child =
            command.spawn().map_err(|error| format!("cannot start {}: {error}", self.program.display()))?;
        *lock(&self.child) = Some(child);
        self.wait_until_ready()
    }

    /// Polls until the server answers `PING` (or has exited, or the time is up).
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let client = redis::Client::open(self.url()).map_err(|error| error.to_string())?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let exited = lock(&self.child).as_mut().and_then(|child| child.try_wait().ok().flatten());
            if let Some(status) = exited {
                lock(&self.child).take();
                let log = self.dir.join("redis.log");
                return Err(format!("{PROGRAM} exited at once ({status}); see {}", log.display()));
            }
            let answered = client
                .get_connection_with_timeout(Duration::from_millis(200))
                .and_then(|mut connection| redis::cmd("PING").query::<String>(&mut connection));
            if answered.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                self.stop();
                return Err(format!("{PROGRAM} did not answer within {} s", START_TIMEOUT.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Kills the server in `child`, if any, and waits for it.
fn kill(child: &Mutex<Option<Child>>) {
    if let Some(mut child) = lock(child).take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn lock(child: &Mutex<Option<Child>>) -> std::sync::MutexGuard<'_, Option<Child>> {
    child.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A port nobody listens on now.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// A new folder under the system's temporary folder.
fn unique_dir() -> io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    for attempt in 0..100u32 {
        let dir = base.join(format!("distributed-redis-{}-{nanos}-{attempt}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other("no unused name"))
}

/// The version `redis-server --version` prints (`v=7.0.15`).
fn version_of(program: &Path) -> String {
    let Ok(output) = Command::new(program).arg("--version").stdin(Stdio::null()).output() else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().find_map(|word| word.strip_prefix("v=")).unwrap_or_default().to_string()
}
