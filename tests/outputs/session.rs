//! Sessions: the runs that no single command makes. A learner of the
//! `distributed` chapter starts a Redis server, enqueues, runs a worker in
//! one terminal and another in a second, presses Ctrl-C, kills a worker with
//! `kill -9`, stops the server and starts it again; one of the `multiprocess`
//! chapter kills a worker process from another terminal. A session file
//! (`docs/outputs/<lesson>/<name>.session`) writes such a run down, step by
//! step; this module plays it against a private `redis-server` and writes
//! what each shown command printed into `<name>.txt`, one mdBook anchor per
//! command, which the chapters include under their own `$` lines:
//!
//! ````text
//! ```text
//! $ cargo run -p distributed -- worker          # terminal 1: kill -9 a second later
//! {{#include ../outputs/distributed/recovery.txt:worker-1}}
//! ```
//! ````
//!
//! The chapter's command (without its comment, which says in the chapter's
//! own language what happens meanwhile) must be the session's: the test
//! checks it. What happens meanwhile is the session's to say, and is done on
//! events, never on a guess of how long something takes: "once worker 2 has
//! printed `slept`", "once `status --job 1` says `started`".
//!
//! A session file, a line at a time (`#` starts a comment line):
//!
//! | line | what it does |
//! |---|---|
//! | `$ NAME: COMMAND` | runs a command the transcript shows, to its end |
//! | `& NAME: COMMAND` | starts one, shown too, as in another terminal |
//! | `run: COMMAND` | runs a command the transcript does not show; it must succeed |
//! | `until TEXT: COMMAND` | runs a hidden command again and again until it prints TEXT |
//! | `wait NAME: TEXT` | waits until NAME has printed TEXT |
//! | `end NAME` | waits until NAME has ended |
//! | `ctrl-c NAME`, `ctrl-c twice NAME` | SIGINT to NAME's process group, as a terminal sends it (twice: the second once NAME has answered the first) |
//! | `kill -SIGNAL NAME` | `kill -9`, `-STOP`, `-CONT`, `-TERM` to NAME's pid |
//! | `kill -SIGNAL pid after TEXT in NAME` | to the pid NAME printed right after TEXT |
//! | `sleep SECONDS` | only to show that nothing happens meanwhile |
//! | `with VAR=VALUE` | sets VAR for the next command only (not shown) |
//! | `redis-server restart` | starts the server again on its port, empty |
//! | `no REDIS_URL` | no server for the session, and no `REDIS_URL` |
//! | `nothing on port PORT` | the session shows what happens when nothing answers there: skipped if something does |
//!
//! COMMAND is what the chapters show: `cargo run -p LESSON -- ARGS`, with
//! `VAR=VALUE` words before it, a `printf '…' |` before that, or a
//! `| head -N` after; or `redis-cli ARGS`. A session that runs the
//! `distributed` lesson gets a private `redis-server` on a free port (unless
//! it says `no REDIS_URL`): every `42193` of a command is that port, which
//! the transcript then writes as 42193, the port the chapter says its runs
//! used; `REDIS_URL` points at it in every command, as the chapter asks a
//! learner to set it.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use distributed::server::PrivateServer;

use super::{SKIPPED, split_words};

/// The port the chapter's commands name, and the transcripts write.
pub(crate) const SHOWN_PORT: &str = "42193";
/// Longer than any step should take; a hang fails instead of blocking CI.
const PATIENCE: Duration = Duration::from_secs(60);

/// One line of a session file.
#[derive(Debug, Clone)]
enum Line {
    Show { name: String, command: String, background: bool },
    Hidden { command: String },
    Until { text: String, command: String },
    Wait { name: String, text: String },
    End { name: String },
    CtrlC { name: String, twice: bool },
    Kill { signal: String, name: String, after: Option<String> },
    Sleep(Duration),
    With { var: String, value: String },
    Restart,
    NoServer,
    NothingOn(u16),
}

/// A session file's lines, or what is wrong with one (with its line number).
fn read(session: &Path) -> Result<Vec<Line>, String> {
    let text = std::fs::read_to_string(session).map_err(|error| format!("{}: {error}", session.display()))?;
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let wrong = |why: &str| format!("{}:{}: {why}: {line}", session.display(), index + 1);
        let named = |rest: &str| -> Result<(String, String), String> {
            let (name, command) = rest.split_once(": ").ok_or_else(|| wrong("expected `NAME: …`"))?;
            Ok((name.trim().to_string(), command.trim().to_string()))
        };
        let parsed = if let Some(rest) = line.strip_prefix("$ ") {
            let (name, command) = named(rest)?;
            Line::Show { name, command, background: false }
        } else if let Some(rest) = line.strip_prefix("& ") {
            let (name, command) = named(rest)?;
            Line::Show { name, command, background: true }
        } else if let Some(command) = line.strip_prefix("run: ") {
            Line::Hidden { command: command.to_string() }
        } else if let Some(rest) = line.strip_prefix("until ") {
            let (text, command) = named(rest)?;
            Line::Until { text, command }
        } else if let Some(rest) = line.strip_prefix("wait ") {
            let (name, text) = named(rest)?;
            Line::Wait { name, text }
        } else if let Some(name) = line.strip_prefix("end ") {
            Line::End { name: name.to_string() }
        } else if let Some(name) = line.strip_prefix("ctrl-c twice ") {
            Line::CtrlC { name: name.to_string(), twice: true }
        } else if let Some(name) = line.strip_prefix("ctrl-c ") {
            Line::CtrlC { name: name.to_string(), twice: false }
        } else if let Some(rest) = line.strip_prefix("kill ") {
            let (signal, rest) = rest.split_once(' ').ok_or_else(|| wrong("expected `kill -SIGNAL NAME`"))?;
            if !["-9", "-STOP", "-CONT", "-TERM"].contains(&signal) {
                return Err(wrong("a signal of -9, -STOP, -CONT or -TERM"));
            }
            let (name, after) = match rest.strip_prefix("pid after ") {
                Some(rest) => {
                    let (text, name) =
                        rest.rsplit_once(" in ").ok_or_else(|| wrong("expected `pid after TEXT in NAME`"))?;
                    (name.to_string(), Some(text.to_string()))
                }
                None => (rest.to_string(), None),
            };
            Line::Kill { signal: signal.to_string(), name, after }
        } else if let Some(seconds) = line.strip_prefix("sleep ") {
            let seconds: f64 = seconds.parse().map_err(|_| wrong("a number of seconds"))?;
            Line::Sleep(Duration::from_secs_f64(seconds))
        } else if let Some(setting) = line.strip_prefix("with ") {
            let (var, value) = setting.split_once('=').ok_or_else(|| wrong("expected `with VAR=VALUE`"))?;
            Line::With { var: var.to_string(), value: value.to_string() }
        } else if line == "redis-server restart" {
            Line::Restart
        } else if line == "no REDIS_URL" {
            Line::NoServer
        } else if let Some(port) = line.strip_prefix("nothing on port ") {
            Line::NothingOn(port.parse().map_err(|_| wrong("a port"))?)
        } else {
            return Err(wrong("not a session line"));
        };
        lines.push(parsed);
    }
    Ok(lines)
}

/// The commands a session shows, by name, in order: what the chapters'
/// `$` lines above its anchors must say.
pub(crate) fn shown_commands(session: &Path) -> Result<Vec<(String, String)>, String> {
    Ok(read(session)?
        .into_iter()
        .filter_map(|line| match line {
            Line::Show { name, command, .. } => Some((name, command)),
            _ => None,
        })
        .collect())
}

/// Everything a process prints on its one pipe (stdout and stderr, as a
/// terminal shows them), collected as it comes, so that it never blocks.
#[derive(Clone, Default)]
struct Printed(Arc<Pipe>);

/// What a pipe has delivered, and a signal for each delivery.
#[derive(Default)]
struct Pipe {
    seen: Mutex<Seen>,
    changed: Condvar,
}

#[derive(Default)]
struct Seen {
    bytes: Vec<u8>,
    /// Every writer has closed it.
    closed: bool,
}

impl Printed {
    fn collect(mut from: impl Read + Send + 'static) -> Printed {
        let printed = Printed::default();
        let pipe = Arc::clone(&printed.0);
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            loop {
                let read = from.read(&mut buffer).unwrap_or(0);
                let mut seen = pipe.seen.lock().unwrap();
                if read == 0 {
                    seen.closed = true;
                    pipe.changed.notify_all();
                    return;
                }
                seen.bytes.extend_from_slice(&buffer[..read]);
                pipe.changed.notify_all();
            }
        });
        printed
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.seen.lock().unwrap().bytes).into_owned()
    }

    /// Waits until `text` has been printed; what was printed, or an error.
    fn wait_for(&self, text: &str) -> Result<String, String> {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = self.0.seen.lock().unwrap();
        loop {
            let so_far = String::from_utf8_lossy(&seen.bytes).into_owned();
            if so_far.contains(text) {
                return Ok(so_far);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if seen.closed || left.is_zero() {
                let why = if seen.closed { "it ended" } else { "waited too long" };
                return Err(format!("never printed {text:?} ({why}); it printed:\n{so_far}"));
            }
            seen = self.0.changed.wait_timeout(seen, left).unwrap().0;
        }
    }

    /// Waits until the pipe has closed (every process writing to it ended).
    fn closed(&self) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = self.0.seen.lock().unwrap();
        while !seen.closed && Instant::now() < deadline {
            seen = self.0.changed.wait_timeout(seen, Duration::from_millis(100)).unwrap().0;
        }
        String::from_utf8_lossy(&seen.bytes).into_owned()
    }
}

/// A shown command that is running, or has run.
struct Running {
    command: String,
    /// The lesson (or `redis-cli`), and `head` after it if piped into one.
    children: Vec<Child>,
    printed: Printed,
    status: Option<ExitStatus>,
}

impl Running {
    fn pid(&self) -> u32 {
        self.children[0].id()
    }

    /// Waits until every process has ended; then their output.
    fn finish(&mut self) -> Result<String, String> {
        let started = Instant::now();
        for (index, child) in self.children.iter_mut().enumerate() {
            let status = loop {
                if let Some(status) = child.try_wait().map_err(|error| error.to_string())? {
                    break status;
                }
                if started.elapsed() > PATIENCE {
                    let _ = child.kill();
                    return Err(format!("`{}` still running after {PATIENCE:?}: killed", self.command));
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            // A pipeline's status is its last command's, as a shell says;
            // here the lesson's is the one worth showing.
            if index == 0 {
                self.status = Some(status);
            }
        }
        Ok(self.printed.closed())
    }

    /// Its output as the transcript shows it: `[exit status N]` after a failure.
    fn shown(&self) -> String {
        let output = self.printed.text();
        match self.status.map(|status| (status, status.code())) {
            Some((_, Some(0))) | None => output,
            Some((_, Some(code))) => format!("{output}[exit status {code}]\n"),
            Some((status, None)) => format!("{output}[{status}]\n"),
        }
    }
}

/// Sends `signal` to `target` (a pid, or `-PGID` for a process group).
fn kill(signal: &str, target: &str) -> Result<(), String> {
    let status = Command::new("kill")
        .args([signal, "--", target])
        .status()
        .map_err(|error| format!("cannot run kill: {error}"))?;
    if status.success() { Ok(()) } else { Err(format!("kill {signal} {target}: {status}")) }
}

/// A session's commands, as they run: against `port`, with `redis_url`.
struct Player {
    port: Option<u16>,
    redis_url: Option<String>,
    with: Vec<(String, String)>,
}

impl Player {
    /// Starts `command` (as a chapter writes it) with its output in one pipe.
    fn start(&mut self, command: &str) -> Result<Running, String> {
        let mut words = split_words(command)?;
        if let Some(port) = self.port {
            for word in &mut words {
                *word = word.replace(SHOWN_PORT, &port.to_string());
            }
        }
        let mut words = words.as_slice();
        let mut stdin = None;
        if let [program, format, pipe, rest @ ..] = words
            && program == "printf"
            && pipe == "|"
        {
            stdin = Some(super::printf(format)?);
            words = rest;
        }
        let mut env: Vec<(String, String)> = std::mem::take(&mut self.with);
        while let Some((first, rest)) = words.split_first()
            && let Some((var, value)) = first.split_once('=')
            && var.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        {
            env.push((var.to_string(), value.to_string()));
            words = rest;
        }
        let mut head = None;
        if let [before @ .., pipe, program, lines] = words
            && pipe == "|"
            && program == "head"
        {
            head = Some(lines.clone());
            words = before;
        }
        let mut program = match words {
            [cargo, run, p, lesson, dashes, args @ ..]
                if cargo == "cargo" && run == "run" && p == "-p" && dashes == "--" =>
            {
                let mut program = super::support::lesson(lesson);
                program.args(args);
                program
            }
            [cli, args @ ..] if cli == "redis-cli" => {
                let mut program = Command::new("redis-cli");
                program.args(args);
                program
            }
            _ => return Err(format!("`{command}`: not `cargo run -p LESSON -- …` or `redis-cli …`")),
        };
        program.env("COLUMNS", super::COLUMNS).env_remove("CLICOLOR_FORCE").env_remove("FORCE_COLOR");
        if let Some(url) = &self.redis_url {
            program.env("REDIS_URL", url);
        }
        for (var, value) in &env {
            program.env(var, value);
        }
        // A terminal's Ctrl-C goes to the whole foreground process group: the
        // command and the processes it starts (`demo`'s workers).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut program, 0);
        let (reader, writer) = std::io::pipe().map_err(|error| error.to_string())?;
        program
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stderr(writer.try_clone().map_err(|error| error.to_string())?);
        let mut children = Vec::new();
        match &head {
            None => {
                program.stdout(writer);
                children.push(program.spawn().map_err(|error| format!("`{command}`: {error}"))?);
            }
            Some(lines) => {
                program.stdout(Stdio::piped());
                let mut lesson = program.spawn().map_err(|error| format!("`{command}`: {error}"))?;
                let into_head = lesson.stdout.take().expect("piped");
                let head = Command::new("head")
                    .arg(lines)
                    .stdin(into_head)
                    .stdout(writer)
                    .spawn()
                    .map_err(|error| format!("cannot run head: {error}"))?;
                children.push(lesson);
                children.push(head);
            }
        }
        // The command keeps copies of the pipe's writing end: without
        // dropping them, reading it would never end.
        drop(program);
        if let (Some(bytes), Some(mut input)) = (stdin, children[0].stdin.take()) {
            // A program that stops reading early closes the pipe: not an error.
            let _ = input.write_all(&bytes);
        }
        Ok(Running {
            command: command.to_string(),
            children,
            printed: Printed::collect(reader),
            status: None,
        })
    }
}

/// The transcript of one session: each shown command, `$ COMMAND`, then
/// what it printed between the anchor lines the chapters include it by.
pub(crate) fn run(session: &Path) -> Result<String, String> {
    let lines = read(session)?;
    if !cfg!(unix) {
        return Err(format!("{SKIPPED}a session sends Unix signals (Ctrl-C, kill -9) and pipes into `head`"));
    }
    let command_of = |line: &Line| match line {
        Line::Show { command, .. } | Line::Hidden { command } | Line::Until { command, .. } => {
            Some(command.clone())
        }
        _ => None,
    };
    let commands: Vec<String> = lines.iter().filter_map(command_of).collect();
    let uses = |program: &str| commands.iter().any(|command| command.contains(program));
    // A session of the distributed lesson gets a server of its own, unless
    // it shows a run without one (`demo`'s private server, or none at all).
    let wants_server = uses("-p distributed") && !lines.iter().any(|line| matches!(line, Line::NoServer));
    let mut server = None;
    if uses("-p distributed")
        && let Err(why) = distributed::server::find()
    {
        return Err(format!("{SKIPPED}{why}"));
    }
    if uses("redis-cli") && Command::new("redis-cli").arg("--version").output().is_err() {
        return Err(format!("{SKIPPED}no redis-cli in PATH (it comes with redis-server's package)"));
    }
    if wants_server {
        server = Some(PrivateServer::start(None).map_err(|why| format!("cannot start redis-server: {why}"))?);
    }
    let port = server.as_ref().map(PrivateServer::port);
    let mut player = Player { port, redis_url: server.as_ref().map(PrivateServer::url), with: Vec::new() };
    let mut running: HashMap<String, Running> = HashMap::new();
    let mut order = Vec::new();
    let result = (|| -> Result<(), String> {
        for line in &lines {
            match line {
                Line::Show { name, command, background } => {
                    if running.contains_key(name) {
                        return Err(format!("two steps named {name}"));
                    }
                    let mut started = player.start(command)?;
                    if !background {
                        started.finish()?;
                    }
                    running.insert(name.clone(), started);
                    order.push(name.clone());
                }
                Line::Hidden { command } => {
                    let mut hidden = player.start(command)?;
                    let output = hidden.finish()?;
                    if !hidden.status.is_some_and(|status| status.success()) {
                        return Err(format!("`{command}` failed: {output}"));
                    }
                }
                Line::Until { text, command } => {
                    let deadline = Instant::now() + PATIENCE;
                    loop {
                        let mut hidden = player.start(command)?;
                        let output = hidden.finish()?;
                        if output.contains(text.as_str()) {
                            break;
                        }
                        if Instant::now() > deadline {
                            return Err(format!("`{command}` never printed {text:?}; last: {output}"));
                        }
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
                Line::Wait { name, text } => {
                    step(&running, name)?.printed.wait_for(text).map_err(|why| format!("{name}: {why}"))?;
                }
                Line::End { name } => {
                    running.get_mut(name).ok_or_else(|| format!("no step named {name}"))?.finish()?;
                }
                Line::CtrlC { name, twice } => {
                    let running = step(&running, name)?;
                    let group = format!("-{}", running.pid());
                    kill("-INT", &group)?;
                    if *twice {
                        // Standard signals do not queue: a second SIGINT sent
                        // before the first is handled would merge with it.
                        running.printed.wait_for("Ctrl-C: ").map_err(|why| format!("{name}: {why}"))?;
                        kill("-INT", &group)?;
                    }
                }
                Line::Kill { signal, name, after } => {
                    let running = step(&running, name)?;
                    let pid = match after {
                        None => running.pid().to_string(),
                        Some(text) => {
                            let printed =
                                running.printed.wait_for(text).map_err(|why| format!("{name}: {why}"))?;
                            let rest = &printed[printed.find(text.as_str()).unwrap() + text.len()..];
                            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                            if digits.is_empty() {
                                return Err(format!("{name}: no pid after {text:?}"));
                            }
                            digits
                        }
                    };
                    kill(signal, &pid)?;
                }
                Line::Sleep(duration) => std::thread::sleep(*duration),
                Line::With { var, value } => player.with.push((var.clone(), value.clone())),
                Line::Restart => {
                    server.as_mut().ok_or("`redis-server restart` in a session without one")?.restart()?;
                }
                Line::NoServer => {}
                Line::NothingOn(port) => {
                    let address = std::net::SocketAddr::from(([127, 0, 0, 1], *port));
                    if std::net::TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_ok() {
                        return Err(format!(
                            "{SKIPPED}something answers on port {port}, where the session needs nothing"
                        ));
                    }
                }
            }
        }
        for name in &order {
            running.get_mut(name).unwrap().finish()?;
        }
        Ok(())
    })();
    if let Err(error) = result {
        // Nothing of a failed session may outlive it.
        for running in running.values_mut() {
            for child in &mut running.children {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        return Err(error);
    }
    let mut transcript = String::new();
    for name in &order {
        let running = &running[name];
        let mut output = running.shown();
        if let Some(port) = port {
            output = output.replace(&format!("127.0.0.1:{port}"), &format!("127.0.0.1:{SHOWN_PORT}"));
        }
        if !output.is_empty() && !output.ends_with('\n') {
            output.push('\n');
        }
        transcript.push_str(&format!("$ {}\nANCHOR: {name}\n{output}ANCHOR_END: {name}\n", running.command));
    }
    Ok(transcript)
}

fn step<'a>(running: &'a HashMap<String, Running>, name: &str) -> Result<&'a Running, String> {
    running.get(name).ok_or_else(|| format!("no step named {name}"))
}

/// `SESSION=distributed/recovery cargo test --test outputs -- --ignored
/// play_a_session --nocapture` plays one session and prints its transcript,
/// without writing it: for whoever writes or changes a session.
#[test]
#[ignore = "a tool: plays the session SESSION names"]
fn play_a_session() {
    let name = std::env::var("SESSION").expect("SESSION=distributed/NAME: the session to play");
    let path = super::root().join(super::OUTPUTS).join(format!("{name}.session"));
    match run(&path) {
        Ok(transcript) => println!("{transcript}"),
        Err(error) => panic!("{error}"),
    }
}
