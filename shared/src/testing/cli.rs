//! For tests that run a lesson's real binary: reading its `--help`, its
//! output, and driving it with real signals. Every lesson's `tests/cli.rs`
//! uses these, so that each checks the same things the same way.
//!
//! ```
//! use shared::testing::cli::{examples_in, flags_in};
//!
//! let help = "Usage: lesson <COMMAND>\n\nCommands:\n  count  One then Two\n  help   Print this\n\nOptions:\n  -p, --nprod <N>\n          Producers\n      --timeline\n          After the run, draw a chart\n";
//! assert_eq!(examples_in(help), ["count"]);
//! assert_eq!(flags_in(help), ["--nprod", "--timeline"]);
//! ```

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The subcommands a `--help` text lists under `Commands:`, without clap's
/// own `help`.
pub fn examples_in(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        // Names are indented by two; wrapped descriptions by more.
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The long flags a `--help` text lists, in order, whether alone
/// (`--timeline`) or beside a short one (`-p, --nprod <N>`); not clap's own
/// `--help` and `--version`, which every command has.
pub fn flags_in(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            line.strip_prefix("--")
                .or_else(|| line.strip_prefix('-')?.split_once(", --").map(|(_, long)| long))
        })
        .map(|rest| format!("--{}", rest.split([' ', '=']).next().unwrap_or_default()))
        .filter(|flag| flag != "--help" && flag != "--version")
        .collect()
}

/// The lines of `text` that `keep` says are interesting, in order.
pub fn lines_where(text: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    text.lines().filter(|line| keep(line)).map(str::to_string).collect()
}

/// The stdout of a run that must have succeeded without a panic; the
/// assertion shows stderr otherwise.
pub fn success_stdout(output: Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}\n{stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// Runs `command` with `input` on its stdin (written by a thread of its own,
/// so that a long input never waits on a full output pipe), and its output;
/// killed (and the test failed) if it runs longer than `patience`.
pub fn output_with_input(command: &mut Command, input: &[u8], patience: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("{command:?}: {error}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    // A program that stops reading early closes the pipe: not an error here.
    let writing = std::thread::spawn(move || drop(stdin.write_all(&input)));
    let read = |mut stream: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stream.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = read(Box::new(child.stderr.take().expect("piped stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > patience {
            let _ = child.kill();
            panic!("{command:?} still running after {patience:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = writing.join();
    Output {
        status,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

/// A fresh, empty folder `name` under `base` (pass
/// `env!("CARGO_TARGET_TMPDIR")`, cargo's scratch space for integration tests).
pub fn scratch(base: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(base).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch folder can be made");
    dir
}

/// Runs `binary args` with stdout on `/dev/full`, where every write fails
/// with "no space left", and checks that it ends with exit code 1 and exactly
/// one line on stderr, never a panic.
#[cfg(target_os = "linux")]
pub fn assert_full_disk_ends_with_one_line(binary: &std::path::Path, args: &[&str]) {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full exists on Linux");
    let output =
        std::process::Command::new(binary).args(args).stdout(full).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(
        stderr, "error: cannot write to standard output: No space left on device (os error 28)\n",
        "{args:?}"
    );
}

/// Real signals sent to real processes, and what they print meanwhile.
#[cfg(unix)]
pub use self::signals::{Watched, kill, press_twice_quickly};

#[cfg(unix)]
mod signals {
    use std::io::Read;
    use std::process::Child;
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    /// Everything a child prints on one stream, collected as it comes by a
    /// thread of its own, so that the child never blocks on a full pipe.
    #[derive(Debug)]
    pub struct Watched {
        chunks: mpsc::Receiver<Vec<u8>>,
        seen: String,
    }

    impl Watched {
        /// Starts reading `stream` (a child's stdout or stderr).
        pub fn new(mut stream: impl Read + Send + 'static) -> Watched {
            let (sender, chunks) = mpsc::channel();
            std::thread::spawn(move || {
                let mut buffer = [0; 4096];
                while let Ok(read @ 1..) = stream.read(&mut buffer) {
                    if sender.send(buffer[..read].to_vec()).is_err() {
                        break;
                    }
                }
            });
            Watched { chunks, seen: String::new() }
        }

        /// Waits until `needle` has been printed `times` times, and returns
        /// all seen so far. The 30 s bound only turns a hang into a failure:
        /// the test moves on the moment the text appears.
        pub fn wait_for(&mut self, needle: &str, times: usize) -> &str {
            while self.seen.matches(needle).count() < times {
                match self.chunks.recv_timeout(Duration::from_secs(30)) {
                    Ok(chunk) => self.seen.push_str(&String::from_utf8_lossy(&chunk)),
                    Err(_) => panic!("never saw {needle:?} ×{times}; saw:\n{}", self.seen),
                }
            }
            &self.seen
        }

        /// Everything the child printed, once it has closed the stream.
        pub fn rest(mut self) -> String {
            while let Ok(chunk) = self.chunks.recv_timeout(Duration::from_secs(30)) {
                self.seen.push_str(&String::from_utf8_lossy(&chunk));
            }
            self.seen
        }
    }

    /// Sends `signal` (`-INT`, `-9`) to `pid` with `kill`, as a terminal's
    /// Ctrl-C or a user's `kill -9` would.
    pub fn kill(signal: &str, pid: u32) {
        let status =
            std::process::Command::new("kill").args([signal, &pid.to_string()]).status().expect("kill runs");
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// Two Ctrl-Cs as quick as the kernel allows: the second SIGINT is sent
    /// the moment the first has been delivered. (Sent while the first is
    /// still pending, the kernel would merge them: standard signals do not
    /// queue.) Linux shows pending signals in /proc; elsewhere, wait for the
    /// program's answer to the first on `stderr`.
    pub fn press_twice_quickly(child: &Child, stderr: &mut Watched) {
        kill("-INT", child.id());
        if cfg!(target_os = "linux") {
            let status = format!("/proc/{}/status", child.id());
            let deadline = Instant::now() + Duration::from_secs(30);
            // SIGINT is signal 2: bit 1 of the pending-signal masks.
            let sigint_pending = |text: &str| {
                text.lines().filter(|line| line.starts_with("ShdPnd:") || line.starts_with("SigPnd:")).any(
                    |line| {
                        let mask = line.split_whitespace().nth(1).unwrap_or("0");
                        u64::from_str_radix(mask, 16).unwrap_or(0) & 2 != 0
                    },
                )
            };
            while std::fs::read_to_string(&status).is_ok_and(|text| sigint_pending(&text)) {
                assert!(Instant::now() < deadline, "the first SIGINT was never delivered");
                std::thread::yield_now();
            }
        } else {
            stderr.wait_for("Ctrl-C: ", 1);
        }
        kill("-INT", child.id());
    }
}
