//! A private `redis-server`: started by `demo` (and the tests) when no Redis
//! was named, stopped at the end.
//!
//! It listens on a free port of the loopback interface only, keeps nothing on
//! disk (no RDB snapshots, no append-only file), works in a temporary
//! folder of its own, and runs in a process group of its own, so that a
//! Ctrl-C typed at `demo` reaches `demo` alone: the workers may still need
//! Redis to finish their jobs.
//!
//! That process group is also why it could outlive `demo`: a signal that
//! ends `demo` (SIGTERM, SIGHUP, SIGKILL) reaches `demo` alone too, and a
//! program killed runs no destructors. So `demo` does not start the server
//! itself: it starts a *guard* ([`GuardedServer`]), this binary again with
//! the hidden subcommand `server-guard` ([`run_guard`]), which starts the
//! server, holds it, and reads a pipe from `demo`. However `demo` ends, even
//! by SIGKILL, the operating system closes its end of that pipe; the guard
//! sees the end of its input, kills the server and removes its folder. A
//! pipe closes the same way on Linux, macOS and Windows, which a Linux
//! parent-death signal (`prctl(PR_SET_PDEATHSIG)`) would not give us, and it
//! needs no `unsafe` code between `fork` and `exec`. What remains is the
//! guard itself killed by SIGKILL (`kill -9` of its pid, the out-of-memory
//! killer): on Linux, where `setpriv --pdeathsig` (util-linux) is installed,
//! the guard starts the server through it, and the kernel kills the server
//! when the guard dies, but the folder stays; elsewhere the server runs on.
//! `demo` then says so, with the server's pid and folder.

use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shared::interrupt::Stage;
use shared::message;
use shared::process::{Parent, Worker as Process, spawn_worker};

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
    child: Arc<Mutex<Slot>>,
    version: String,
    /// Started by the guard: on Linux, killed by the kernel if the guard dies.
    dies_with_guard: bool,
}

/// The server's process, if running, and whether the program is ending.
#[derive(Debug, Default)]
struct Slot {
    child: Option<Child>,
    /// Set by the exit cleanup: no server may start after it has run (it
    /// may run on another thread while this one is starting one).
    closed: bool,
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
        PrivateServer::start_for(password, std::process::id(), false)
    }

    /// [`PrivateServer::start`], for the process `owner` (its pid names the
    /// folder: the guard starts the server for `demo`), `by_guard` or not.
    fn start_for(password: Option<&str>, owner: u32, by_guard: bool) -> Result<PrivateServer, String> {
        let program = find()?;
        let version = version_of(&program);
        let dir =
            unique_dir(owner).map_err(|error| format!("cannot make a folder for {PROGRAM}: {error}"))?;
        let mut server = PrivateServer {
            program,
            port: 0,
            dir,
            password: password.map(str::to_string),
            child: Arc::default(),
            version,
            dies_with_guard: by_guard,
        };
        // A program that ends through `shared::process::exit` (stdout gone,
        // a third Ctrl-C) runs no destructors: the server, in a process group
        // of its own, would outlive it.
        shared::process::at_exit({
            let (child, dir) = (Arc::clone(&server.child), server.dir.clone());
            move || {
                let mut slot = lock(&child);
                slot.closed = true;
                kill_in(&mut slot);
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

    /// Its process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        lock(&self.child).child.as_ref().map(Child::id)
    }

    /// How it ended, if it has (killed, or crashed), without waiting.
    pub fn exited(&self) -> Option<ExitStatus> {
        lock(&self.child).child.as_mut().and_then(|child| child.try_wait().ok().flatten())
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
        let mut command = match self.dies_with_guard.then(setpriv).flatten() {
            // The guard's own safety net, on Linux: a parent-death signal,
            // set by `setpriv` (util-linux) in the process it then turns
            // into the server, so that a guard killed by SIGKILL does not
            // leave the server running (its folder stays, though).
            Some(setpriv) => {
                let mut command = Command::new(setpriv);
                command.args(["--pdeathsig", "KILL", "--"]).arg(&self.program);
                command
            }
            None => Command::new(&self.program),
        };
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
        {
            // Spawned under the lock, so that the exit cleanup, if it runs
            // meanwhile on another thread, kills this server, or prevents it.
            let mut slot = lock(&self.child);
            if slot.closed {
                return Err(format!("{PROGRAM} not started: this program is ending"));
            }
            let child = command
                .spawn()
                .map_err(|error| format!("cannot start {}: {error}", self.program.display()))?;
            slot.child = Some(child);
        }
        self.wait_until_ready()
    }

    /// Polls until the server answers `PING` (or has exited, or the time is up).
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let client = redis::Client::open(self.url()).map_err(|error| error.to_string())?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.exited() {
                lock(&self.child).child.take();
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

/// Kills the server in `slot`, if any, and waits for it.
fn kill(slot: &Mutex<Slot>) {
    kill_in(&mut lock(slot));
}

fn kill_in(slot: &mut Slot) {
    if let Some(mut child) = slot.child.take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn lock(slot: &Mutex<Slot>) -> std::sync::MutexGuard<'_, Slot> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A port nobody listens on now.
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// A new folder under the system's temporary folder, named after `owner`'s pid.
fn unique_dir(owner: u32) -> io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    for attempt in 0..100u32 {
        let dir = base.join(format!("distributed-redis-{owner}-{nanos}-{attempt}"));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other("no unused name"))
}

/// `setpriv` on the `PATH`, if it knows `--pdeathsig` (util-linux 2.33 and
/// later); Linux only.
fn setpriv() -> Option<&'static Path> {
    static SETPRIV: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    SETPRIV
        .get_or_init(|| {
            if !cfg!(target_os = "linux") {
                return None;
            }
            let path = std::env::var_os("PATH")?;
            let setpriv =
                std::env::split_paths(&path).map(|dir| dir.join("setpriv")).find(|p| p.is_file())?;
            let help = Command::new(&setpriv).arg("--help").stdin(Stdio::null()).output().ok()?;
            String::from_utf8_lossy(&help.stdout).contains("--pdeathsig").then_some(setpriv)
        })
        .as_deref()
}

/// The version `redis-server --version` prints (`v=7.0.15`).
fn version_of(program: &Path) -> String {
    let Ok(output) = Command::new(program).arg("--version").stdin(Stdio::null()).output() else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace().find_map(|word| word.strip_prefix("v=")).unwrap_or_default().to_string()
}

/// The hidden subcommand of the guard: see the module docs.
pub const GUARD: &str = "server-guard";

/// How often the guard looks whether its server still runs.
const GUARD_POLL: Duration = Duration::from_millis(20);

/// Flags of the hidden `server-guard`.
#[derive(clap::Args, Clone, Debug)]
pub struct GuardArgs {
    /// The pid of the program the server is for: it names the folder.
    #[arg(long, value_name = "PID")]
    pub owner: u32,
}

/// Guard → the program it guards for, one JSON line each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum GuardEvent {
    /// The server answers.
    Ready {
        /// The server's process id.
        pid: u32,
        /// Its port on 127.0.0.1.
        port: u16,
        /// Its version (`7.0.15`).
        version: String,
        /// Its folder.
        dir: PathBuf,
    },
    /// The server could not be started: why, in one line.
    CannotStart {
        /// Why.
        why: String,
    },
    /// The server ended by itself, or was killed: the guard has removed
    /// its folder and exits.
    Exited {
        /// How, as the operating system tells it (`signal: 9 (SIGKILL)`).
        how: String,
    },
}

/// The guard process (`server-guard`): starts the server, says so, and
/// holds it until its input ends; says so if the server ends first.
pub fn run_guard(args: &GuardArgs) -> ExitCode {
    // First of all: from now on, the end of our input (the program we guard
    // for is gone, however it went) ends this process through
    // `shared::process::exit`, which runs the cleanup `start_for` registers:
    // kill the server, remove its folder. A goodbye line (`#end`) does the same.
    let parent = Parent::connect();
    let watching = std::thread::Builder::new().name("parent".into()).spawn(move || {
        while parent.recv().is_some() {}
        shared::process::exit(0);
    });
    if watching.is_err() {
        return ExitCode::FAILURE;
    }
    let server = match PrivateServer::start_for(None, args.owner, true) {
        Ok(server) => server,
        Err(why) => {
            let _ = message::reply(&GuardEvent::CannotStart { why });
            return ExitCode::FAILURE;
        }
    };
    let ready = GuardEvent::Ready {
        pid: server.pid().unwrap_or_default(),
        port: server.port(),
        version: server.version().to_string(),
        dir: server.dir().to_path_buf(),
    };
    if message::reply(&ready).is_err() {
        return ExitCode::FAILURE; // nobody to guard for: `server` is dropped, stopped
    }
    loop {
        if let Some(status) = server.exited() {
            // Said before the folder goes (when `server` is dropped): the
            // program that waits for this process sees both done.
            let _ = message::reply(&GuardEvent::Exited { how: status.to_string() });
            return ExitCode::SUCCESS;
        }
        std::thread::sleep(GUARD_POLL);
    }
}

/// A private `redis-server` held by a guard process (see the module docs),
/// as `demo` starts it: stopped when this is dropped, and also when this
/// program ends in a way that runs no destructors, even SIGKILL.
#[derive(Debug)]
pub struct GuardedServer {
    /// Shared with the cleanup registered with `shared::process::at_exit`.
    guard: Arc<Mutex<Option<Process>>>,
    pid: u32,
    port: u16,
    version: String,
    dir: PathBuf,
    /// Triggered when the server has ended (or its guard has).
    gone: Stage,
    /// How it ended.
    how_gone: Arc<Mutex<Option<String>>>,
}

impl GuardedServer {
    /// Starts the guard, which starts the server, and waits until it
    /// answers; or until `stop` is triggered (Ctrl-C): then `Ok(None)`, and
    /// neither is left.
    pub async fn start(stop: &Stage) -> Result<Option<GuardedServer>, String> {
        let mut process = spawn_worker(GUARD, ["--owner".to_string(), std::process::id().to_string()])
            .map_err(|error| format!("cannot start the guard process of {PROGRAM}: {error}"))?;
        let lines = process.lines();
        let guard = Arc::new(Mutex::new(Some(process)));
        // `shared::process::exit` (stdout gone, a third Ctrl-C) runs no
        // destructors: stop the guard there too, and wait for it, so that
        // the server and its folder are gone when this program has ended.
        shared::process::at_exit({
            let guard = Arc::clone(&guard);
            move || end_guard(&guard)
        });
        let gone = Stage::new();
        let how_gone: Arc<Mutex<Option<String>>> = Arc::default();
        let (first_sender, first) = tokio::sync::oneshot::channel();
        let reading = std::thread::Builder::new().name("server guard".into()).spawn({
            let (gone, how_gone) = (gone.clone(), Arc::clone(&how_gone));
            move || {
                let mut first_sender = Some(first_sender);
                for line in lines.map_while(Result::ok) {
                    match message::decode::<GuardEvent>(&line) {
                        Ok(GuardEvent::Exited { how }) => {
                            *how_gone.lock().unwrap_or_else(PoisonError::into_inner) = Some(how);
                        }
                        Ok(event) => {
                            if let Some(sender) = first_sender.take() {
                                let _ = sender.send(event);
                            }
                        }
                        Err(bad) => shared::eprintln!("the guard of {PROGRAM} said {bad}"),
                    }
                }
                // Its output has ended: it has exited (after an `Exited`, or
                // killed itself, and then the server may still run).
                gone.trigger();
            }
        });
        if let Err(error) = reading {
            end_guard(&guard);
            return Err(format!("cannot read the guard process of {PROGRAM}: {error}"));
        }
        let first = tokio::select! {
            biased;
            () = stop.triggered() => {
                end_guard_async(Arc::clone(&guard)).await;
                return Ok(None);
            }
            first = first => first,
        };
        match first {
            Ok(GuardEvent::Ready { pid, port, version, dir }) => {
                Ok(Some(GuardedServer { guard, pid, port, version, dir, gone, how_gone }))
            }
            Ok(GuardEvent::CannotStart { why }) => {
                end_guard_async(guard).await;
                Err(why)
            }
            Ok(GuardEvent::Exited { .. }) | Err(_) => {
                end_guard_async(guard).await;
                Err(format!("the guard process of {PROGRAM} ended before the server answered"))
            }
        }
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `7.0.15` (empty if it did not say).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Triggered when the server has ended under us.
    pub fn gone(&self) -> &Stage {
        &self.gone
    }

    /// How the server ended (`signal: 9 (SIGKILL)`), once
    /// [`GuardedServer::gone`]; `None` if it is its guard that ended, without
    /// a word (killed): the server may then still run.
    pub fn how_gone(&self) -> Option<String> {
        self.how_gone.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Stops the server and waits until it and its folder are gone.
    pub async fn stop(self) {
        end_guard_async(Arc::clone(&self.guard)).await;
    }
}

impl Drop for GuardedServer {
    fn drop(&mut self) {
        end_guard(&self.guard);
    }
}

/// Closes the guard's input and waits for it: it kills the server and
/// removes its folder before it exits. Does nothing the second time.
fn end_guard(guard: &Mutex<Option<Process>>) {
    let process = guard.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(process) = process {
        // Without the goodbye line: the guard ends the same way, and a
        // guard that is still starting the server stops at once.
        let _ = process.wait();
    }
}

/// [`end_guard`] off the async thread.
async fn end_guard_async(guard: Arc<Mutex<Option<Process>>>) {
    let _ = tokio::task::spawn_blocking(move || end_guard(&guard)).await;
}
