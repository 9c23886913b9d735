//! `demo`'s private `redis-server` never outlives `demo`, however `demo`
//! ends; a server that dies under `demo` stops it at once; Ctrl-C stops it
//! while the server starts and while the jobs go in.
//!
//! Each test drives the real binary and signals `demo`'s own pid (GNU
//! `timeout` would pass on only the first SIGINT), after a line of its
//! output or a file says that it has reached the step under test: no sleeps
//! to guess when. Unix only: signals are sent with `kill`.
#![cfg(unix)]

mod support;

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::{distributed_std, private_redis};

/// How long a step may take before the test calls it a hang.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `demo`, its stdout read line by line.
struct Demo {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Demo {
    fn start(mut command: Command) -> Demo {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Demo { child, lines, seen: Vec::new(), stderr: Some(stderr) }
    }

    /// Waits for the first line that starts with `start`, and returns it.
    fn line_starting(&mut self, start: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(line) = self.seen.iter().find(|line| line.starts_with(start)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no line starting with {start:?}; stdout so far: {:?}", self.seen);
                }
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status();
        assert!(status.unwrap().success(), "kill -{name}");
    }

    /// Waits for `demo` to exit: its status and its stderr.
    fn exit(&mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("demo did not exit; stdout: {:?}", self.seen);
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let stderr = self.stderr.take().unwrap().join().unwrap();
        (status, stderr)
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The private server `demo` announced in its first line.
#[derive(Debug)]
struct Announced {
    port: u16,
    folder: PathBuf,
    pid: Option<u32>,
}

impl Announced {
    fn from(line: &str) -> Announced {
        let after = |mark: &str, end: char| -> Option<String> {
            Some(line.split(mark).nth(1)?.split(end).next()?.to_string())
        };
        let port = after("127.0.0.1:", ' ').and_then(|port| port.parse().ok()).expect(line);
        let folder = PathBuf::from(after("folder ", ')').expect(line));
        let pid = after("(pid ", ')').and_then(|pid| pid.parse().ok());
        Announced { port, folder, pid }
    }

    /// Waits until nothing listens on its port, its process is gone, and
    /// its folder too; panics, saying what is left, if that does not come.
    /// (Once `demo` has died, its guard needs a moment to see it.)
    fn wait_until_gone(&self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let listening = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok();
            let running = self.pid.is_some_and(alive);
            let folder = self.folder.exists();
            if !listening && !running && !folder {
                return;
            }
            if Instant::now() > deadline {
                if let Some(pid) = self.pid {
                    kill(pid); // not left for the next tests
                }
                panic!(
                    "left behind: listening {listening}, process running {running}, folder {folder}: {self:?}"
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The process whose working folder is `folder` (Linux: `/proc`).
fn working_in(folder: &Path) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.filter_map(Result::ok).find_map(|entry| {
        let cwd = std::fs::read_link(entry.path().join("cwd")).ok()?;
        (cwd == folder).then(|| entry.file_name().to_str()?.parse().ok()).flatten()
    })
}

fn alive(pid: u32) -> bool {
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn kill(pid: u32) {
    let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).stderr(Stdio::null()).status();
}

/// `demo` with no Redis named: it starts its own.
fn demo_on_its_own_server(args: &[&str]) -> Option<Demo> {
    private_redis("lifecycle", None)?; // skipped without redis-server (and not CI)
    let mut command = distributed_std();
    command.arg("demo").args(args);
    Some(Demo::start(command))
}

/// Starts `demo`, waits until its workers run, sends `signal` to `demo`
/// alone, and checks that its server and the server's folder are gone.
fn killed_demo_leaves_nothing(signal: &str) {
    let Some(mut demo) = demo_on_its_own_server(&["--jobs", "20000", "--workers", "1"]) else { return };
    let server = Announced::from(&demo.line_starting("No --redis-url or REDIS_URL: started a private"));
    assert!(server.folder.exists(), "{server:?}");
    demo.line_starting("Started 1 worker process");
    demo.signal(signal);
    let (status, _) = demo.exit();
    assert!(!status.success(), "{status}");
    server.wait_until_gone();
}

#[test]
fn sigterm_of_demo_leaves_no_redis_server_and_no_folder() {
    killed_demo_leaves_nothing("TERM");
}

#[test]
fn sighup_of_demo_leaves_no_redis_server_and_no_folder() {
    killed_demo_leaves_nothing("HUP");
}

#[test]
fn sigkill_of_demo_leaves_no_redis_server_and_no_folder() {
    killed_demo_leaves_nothing("KILL");
}

/// `kill -9` of the private server: `demo` does not retry forever; it
/// stops at once, says what was not done, exits with code 1, and its
/// worker processes go too.
#[test]
fn a_private_server_killed_under_demo_stops_it_with_what_was_not_done() {
    let Some(mut demo) = demo_on_its_own_server(&["--jobs", "20000", "--workers", "2"]) else { return };
    let server = Announced::from(&demo.line_starting("No --redis-url or REDIS_URL: started a private"));
    let started = demo.line_starting("Started 2 worker processes");
    let workers: Vec<u32> = started
        .split("pid ")
        .skip(1)
        .map(|rest| rest.trim_end_matches(['.', ',']).split([',', '.']).next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(workers.len(), 2, "{started}");
    // The first line names the server's pid; on Linux, the process working
    // in the announced folder is the server too, whatever the line says.
    let pid = server.pid.or_else(|| working_in(&server.folder)).expect("the server's pid");
    kill(pid);
    let (status, stderr) = demo.exit();
    assert_eq!(status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: the private redis-server (pid "), "{stderr}");
    assert!(last.contains("ended under the demo (signal: 9 (SIGKILL))"), "{stderr}");
    assert!(last.contains("not done: ") && last.contains(" of the 20,000 jobs, the check."), "{stderr}");
    server.wait_until_gone();
    for worker in workers {
        assert!(!alive(worker), "worker process {worker} is left");
    }
}

/// Ctrl-C while the jobs go in: `demo` stops there, with code 130, and
/// says what becomes of the jobs.
#[test]
fn ctrl_c_while_enqueueing_stops_demo() {
    let Some((status, stderr, seen)) = signal_while_enqueueing("ctrl-c-enqueue", "INT") else { return };
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("error: stopped by Ctrl-C while enqueueing: no job was run; the jobs enqueued so far stay in queue"), "{stderr}");
    assert!(!seen.iter().any(|line| line.starts_with("Started")), "{seen:?}");
}

/// SIGTERM while the jobs go in: as Ctrl-C, but said of SIGTERM, with code
/// 143.
#[test]
fn sigterm_while_enqueueing_stops_demo_and_says_so() {
    let Some((status, stderr, _)) = signal_while_enqueueing("sigterm-enqueue", "TERM") else { return };
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("error: stopped by SIGTERM while enqueueing: no job was run; "), "{stderr}");
}

/// `demo` sent signal `name` while it enqueues: its exit status, its
/// stderr and its stdout. The test's server holds every write (`CLIENT
/// PAUSE … WRITE`), so that `demo` is surely still enqueueing.
fn signal_while_enqueueing(test_name: &str, name: &str) -> Option<(ExitStatus, String, Vec<String>)> {
    let test = private_redis(test_name, None)?;
    test.block_on(|mut redis, _| async move {
        redis::cmd("CLIENT").arg("PAUSE").arg(60_000).arg("WRITE").query_async::<()>(&mut redis).await
    });
    let mut command = distributed_std();
    command.env("REDIS_URL", &test.url).args(["demo", "--queue", test.queue.name(), "--jobs", "1000"]);
    let mut demo = Demo::start(command);
    demo.line_starting("Enqueueing 1,000 count-range jobs on queue");
    demo.signal(name);
    let (status, stderr) = demo.exit();
    test.block_on(|mut redis, _| async move {
        redis::cmd("CLIENT").arg("UNPAUSE").query_async::<()>(&mut redis).await
    });
    Some((status, stderr, std::mem::take(&mut demo.seen)))
}

/// SIGTERM while the workers run: `demo` passes it on as SIGTERM, so every
/// last word says what stopped them, and `demo` exits with 143.
#[test]
fn sigterm_while_the_workers_run_is_passed_on_as_sigterm() {
    let Some((test, status, stderr)) = signal_while_the_workers_run("sigterm-workers", "TERM") else {
        return;
    };
    assert_eq!(status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("error: stopped by SIGTERM with "), "{stderr}");
    assert!(!stderr.contains("Ctrl-C"), "{stderr}");
    assert!(!stderr.contains("ended with"), "a worker process failed: {stderr}");
    let counts = test.counts();
    assert_eq!((counts.started, counts.workers), (0, 0), "{counts:?}");
    assert_eq!(counts.queued + counts.finished, 20_000, "{counts:?}");
}

/// Ctrl-C once while the workers run short jobs (under `START_GRACE`, so
/// never marked started): the message counts the jobs they hold, not 0.
#[test]
fn ctrl_c_counts_the_jobs_the_workers_hold() {
    let Some((test, status, stderr)) = signal_while_the_workers_run("ctrl-c-in-hand", "INT") else { return };
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("Ctrl-C: the workers take no new jobs; finishing "), "{stderr}");
    assert!(!stderr.contains("nothing is left to do"), "{stderr}");
    let counts = test.counts();
    assert_eq!(counts.queued + counts.finished, 20_000, "{counts:?}");
}

/// `demo --jobs 20000` sent signal `name` once its workers have finished
/// 500 jobs (a few tenths of a second in a debug build: `demo`, which looks
/// every 50 ms, has seen them at work): the test's server, `demo`'s exit
/// status and its stderr.
fn signal_while_the_workers_run(
    test_name: &str,
    name: &str,
) -> Option<(support::TestRedis, ExitStatus, String)> {
    let test = private_redis(test_name, None)?;
    let mut command = distributed_std();
    command.env("REDIS_URL", &test.url).args(["demo", "--queue", test.queue.name(), "--jobs", "20000"]);
    let mut demo = Demo::start(command);
    demo.line_starting("Started 2 worker processes");
    test.wait_until("500 jobs finished", |counts| counts.finished >= 500);
    demo.signal(name);
    let (status, stderr) = demo.exit();
    Some((test, status, stderr))
}

/// Ctrl-C while the private server starts: `demo` stops there, with code
/// 130, and the server it was starting goes too. The `redis-server` here
/// is a stand-in that never answers and writes its pid to a file: the
/// test waits for that file, so the server is surely starting.
#[test]
fn ctrl_c_while_the_private_server_starts_stops_demo_and_the_server() {
    if private_redis("ctrl-c-start", None).is_none() {
        return;
    }
    let bin = shared::testing::cli::scratch(env!("CARGO_TARGET_TMPDIR"), "slow-redis-server");
    let started = bin.join("started");
    let script = bin.join("redis-server");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Redis server v=0.0.0'; exit 0; fi\necho $$ > '{}.tmp' && mv '{}.tmp' '{}'\nexec sleep 600\n",
            started.display(),
            started.display(),
            started.display()
        ),
    )
    .unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&script).status().unwrap();
    let mut command = distributed_std();
    command.env("PATH", path_with(&bin)).args(["demo", "--jobs", "5"]);
    let mut demo = Demo::start(command);
    let pid = wait_for_file(&started).trim().parse::<u32>().unwrap();
    demo.signal("INT");
    let (status, stderr) = demo.exit();
    let left = alive(pid);
    kill(pid);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("error: stopped by Ctrl-C while the private redis-server was starting"),
        "{stderr}"
    );
    assert!(!left, "the server being started is left");
    assert!(demo.seen.is_empty(), "{:?}", demo.seen);
}

/// `dir` first in the PATH.
fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut dirs = vec![dir.to_path_buf()];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(dirs).unwrap()
}

/// The contents of `file`, once it exists.
fn wait_for_file(file: &Path) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(text) = std::fs::read_to_string(file) {
            return text;
        }
        assert!(Instant::now() < deadline, "{} never appeared", file.display());
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `demo | head -1`: the reader goes after the first line, the next line
/// fails to be written, and `demo` ends; its server goes with it.
#[test]
fn a_demo_whose_reader_goes_leaves_no_redis_server_behind() {
    if private_redis("head", None).is_none() {
        return;
    }
    let mut child = distributed_std()
        .args(["demo", "--jobs", "2000"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap(); // and closed, as `head -1` does
    let server = Announced::from(&first);
    let deadline = Instant::now() + PATIENCE;
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "demo did not end when its stdout closed");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.wait_until_gone();
}
