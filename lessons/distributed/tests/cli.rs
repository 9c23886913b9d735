//! The real `distributed` binary, run as a learner runs it, against a real
//! Redis server (see `support`: `REDIS_URL`, or a private `redis-server`).

mod support;

use std::net::{Ipv4Addr, TcpListener};

use predicates::prelude::*;
use shared::testing::cli::{examples_in, flags_in, success_stdout};
use support::{distributed, private_redis, redis};

fn stdout_of(command: &mut assert_cmd::Command) -> String {
    success_stdout(command.output().unwrap())
}

/// `redis://127.0.0.1:PORT` where nothing listens.
fn nobody_there() -> String {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap().local_addr().unwrap().port();
    format!("redis://127.0.0.1:{port}")
}

#[test]
fn help_lists_exactly_the_examples_of_the_course() {
    let help = stdout_of(distributed().arg("--help"));
    let lesson = course::catalog::lesson("distributed").unwrap();
    let expected: Vec<&str> = lesson.examples.iter().map(|example| example.name).collect();
    assert_eq!(examples_in(&help), expected);
}

#[test]
fn each_example_lists_only_the_flags_that_do_something_there() {
    let flags = |example: &[&str]| flags_in(&stdout_of(distributed().args(example).arg("--help")));
    let queue = ["--redis-url", "--queue", "--color"];
    assert_eq!(flags(&["enqueue"]), [&["--count"][..], &queue].concat());
    assert_eq!(
        flags(&["enqueue", "count-range"]),
        ["--count", "--start", "--end", "--redis-url", "--queue", "--color", "--seed"]
    );
    assert_eq!(
        flags(&["worker"]),
        ["--burst", "--max-attempts", "--quiet", "--pop", "--redis-url", "--queue", "--color", "--timeline"]
    );
    assert_eq!(flags(&["status"]), [&["--job", "--failed"][..], &queue].concat());
    assert_eq!(
        flags(&["demo"]),
        [
            "--jobs",
            "--workers",
            "--max-attempts",
            "--queue",
            "--redis-url",
            "--color",
            "--seed",
            "--timeline"
        ]
    );
}

#[test]
fn instant_is_refused_with_the_reason() {
    for example in [&["enqueue"][..], &["worker"], &["status"], &["demo"]] {
        distributed()
            .args(example)
            .arg("--instant")
            .args(if example == ["enqueue"] { &["sleep", "1"][..] } else { &[] })
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error: --instant is not available here"));
    }
}

#[test]
fn bad_input_gets_one_clear_line_before_anything_reaches_redis() {
    let cases: [(&[&str], &str); 8] = [
        (&["enqueue", "sleep", "abc"], "a number of seconds from 0 to 3600"),
        (&["enqueue", "sleep", "-1"], "a number of seconds from 0 to 3600"),
        (&["status", "--redis-url", "rediss://:hunter2@example.com"], "this lesson is built without"),
        (&["enqueue", "sleep", "7200"], "a number of seconds from 0 to 3600"),
        (
            &["enqueue", "count-range", "--start", "10", "--end", "2"],
            "a job counts from 0 to 1,000,000 rows, forwards",
        ),
        (&["enqueue", "--queue", "a b", "sleep", "1"], "letters, digits"),
        (&["demo", "--workers", "0"], "0 is not in 1..=32"),
        (&["status", "--redis-url", "http://:hunter2@example.com"], "not a Redis URL"),
    ];
    for (args, message) in cases {
        let output = distributed().args(args).env("REDIS_URL", nobody_there()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("hunter2") && !stderr.contains("panicked"), "{stderr}");
    }
}

/// Redis down: one line that says where it looked and what to do, exit 1,
/// at once (no retrying for a command that a user waits on).
#[test]
fn with_redis_down_each_example_says_so_in_one_line() {
    let url = nobody_there();
    let address = url.trim_start_matches("redis://");
    for example in
        [&["enqueue", "sleep", "1"][..], &["status"], &["worker", "--burst"], &["demo", "--jobs", "3"]]
    {
        let output = distributed().args(example).args(["--redis-url", &url]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{example:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{example:?}: {stderr}");
        assert!(stderr.starts_with(&format!("error: cannot reach Redis at {address} (")), "{stderr}");
        assert!(stderr.contains("is it running, and is the URL right?"), "{stderr}");
    }
    // From REDIS_URL, the message says so.
    let output = distributed().args(["status"]).env("REDIS_URL", &url).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("(from REDIS_URL)"));
}

/// No `--redis-url`, no `REDIS_URL`, no `redis-server`: `demo` says where it
/// looked and how to get one.
#[test]
fn demo_without_any_redis_says_where_it_looked_and_how_to_install_one() {
    let empty = shared::testing::cli::scratch(env!("CARGO_TARGET_TMPDIR"), "no-redis-here");
    let output = distributed().args(["demo", "--jobs", "3"]).env("PATH", &empty).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no redis-server in PATH"), "{stderr}");
    assert!(stderr.contains(&empty.display().to_string()), "{stderr}");
    assert!(stderr.contains("apt-get install redis-server"), "{stderr}");
}

/// The check: 200 jobs through 2 worker processes, every one
/// finished exactly once, and their sum equal to the pool lesson's loop,
/// counted here again without the lesson's code.
#[test]
fn demo_finishes_every_job_exactly_once_and_the_sum_is_right() {
    let Some(test) = redis("demo") else { return };
    let stdout = stdout_of(&mut test.run("demo", &["--workers", "2", "--jobs", "200", "--timeline"]));
    assert!(stdout.contains("200 jobs finished in"), "{stdout}");
    assert!(stdout.contains(": equal."), "{stdout}");
    // One chart row per worker process, and one for the parent.
    for row in ["demo (parent)", "worker 1", "worker 2"] {
        assert!(stdout.lines().any(|line| line.starts_with(row) && line.contains('█')), "{row}: {stdout}");
    }

    let block = pool::table::BLOCK_ROWS;
    let table = pool::table::generate(444, 200 * block);
    let mut expected = 0u64;
    for id in 1..=200u64 {
        let state = test.state(id);
        assert_eq!((state.status.as_str(), state.finishes), ("finished", 1), "job {id}: {state:?}");
        let rows = &table[(id as usize - 1) * block..id as usize * block];
        let count: u64 = pool::sequential::count(rows).iter().map(|&count| u64::from(count)).sum();
        assert_eq!(state.result, Some(count.to_string()), "job {id}");
        expected += count;
    }
    assert!(
        stdout.contains(&format!("Sum of the results: {}", shared::timing::thousands(expected))),
        "{stdout}"
    );
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 200, 0));
}

/// Without `--redis-url` or `REDIS_URL`, `demo` starts its own server, says
/// so, and stops it at the end.
#[test]
fn demo_starts_a_private_redis_server_when_none_is_named() {
    if private_redis("demo-private", None).is_none() {
        return; // no redis-server here (and not CI): skipped
    }
    let stdout = stdout_of(distributed().args(["demo", "--jobs", "20", "--workers", "1"]));
    let said = stdout.lines().next().unwrap();
    assert!(said.starts_with("No --redis-url or REDIS_URL: started a private redis-server"), "{stdout}");
    assert!(stdout.contains("20 jobs finished in") && stdout.contains(": equal."), "{stdout}");
    // Its folder is gone: the server was stopped and cleaned up.
    let folder = said.split("folder ").nth(1).unwrap().split(')').next().unwrap();
    assert!(!std::path::Path::new(folder).exists(), "{folder}");
}

/// A `fail` job and a payload that is not a job end on the failed list
/// with their reasons, and the worker goes on to the next job.
#[test]
fn failures_go_to_the_failed_list_and_the_worker_goes_on() {
    let Some(test) = redis("failures") else { return };
    stdout_of(&mut test.run("enqueue", &["fail", "boom"]));
    test.push_raw("os.system('rm -rf /')");
    stdout_of(&mut test.run("enqueue", &["sleep", "0"]));

    let output = test.run("worker", &["--burst"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = success_stdout(output);
    assert!(stderr.contains("job 1 fail \"boom\" failed: boom; it is on the failed list."), "{stderr}");
    assert!(
        stderr.contains("payload \"os.system('rm -rf /')\" moved to the failed list: not a job"),
        "{stderr}"
    );
    assert!(stdout.contains("job 2 sleep 0 s → slept 0.00 s"), "{stdout}");
    assert!(stdout.contains("Worker stops: 1 job finished, 2 jobs failed."), "{stdout}");

    let failures = test.failures();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!((failures[0].id, failures[0].reason.as_str()), (Some(1), "boom"));
    assert_eq!((failures[1].id, &*failures[1].payload_text()), (None, "os.system('rm -rf /')"));
    assert!(failures[1].reason.starts_with("not a job: "), "{failures:?}");
    assert_eq!(test.state(1).status, "failed");
    assert_eq!(test.state(2).status, "finished");

    let status = stdout_of(&mut test.run("status", &[]));
    assert!(status.contains("finished          1") && status.contains("failed            2"), "{status}");
    assert!(status.contains("job 1: boom"), "{status}");
    assert!(status.contains("payload \"os.system('rm -rf /')\": not a job"), "{status}");
    let job = stdout_of(&mut test.run("status", &["--job", "1"]));
    assert_eq!(job, "Job 1: failed, error: boom (worker 1, 1 attempt).\n");
}

#[test]
fn enqueue_prints_the_ids_and_status_reads_them_back() {
    let Some(test) = redis("enqueue") else { return };
    let one = stdout_of(&mut test.run("enqueue", &["count-range", "--end", "100", "--seed", "7"]));
    assert!(one.starts_with("Enqueued job 1: count-range 0..100 of seed 7.\n"), "{one}");
    // The flags may come after the job, as a learner would type them.
    let three = stdout_of(&mut test.run("enqueue", &["sleep", "0.5", "--count", "3"]));
    assert!(three.starts_with("Enqueued 3 jobs, ids 2 to 4: sleep 0.5 s.\n"), "{three}");
    assert_eq!(stdout_of(&mut test.run("status", &["--job", "3"])), "Job 3: queued.\n");
    let status = stdout_of(&mut test.run("status", &[]));
    assert!(status.contains("queued            4"), "{status}");
    let missing = test.run("status", &["--job", "99"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: no job 99 in queue"));
}

/// A password in the URL works, and is printed nowhere; a wrong one is one
/// clear line, not a wait for a Redis that will never say yes.
#[test]
fn a_password_works_and_is_never_printed() {
    let Some(test) = private_redis("password", Some("s3cr3t-pw")) else { return };
    let output = test.run("enqueue", &["sleep", "0"]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    assert!(!stdout.contains("s3cr3t") && !stderr.contains("s3cr3t"), "{stdout}{stderr}");

    let port = test.server.as_ref().unwrap().port();
    for example in [&["status"][..], &["worker", "--burst"]] {
        let wrong = format!("redis://:not-it@127.0.0.1:{port}");
        let output = distributed().args(example).args(["--redis-url", &wrong]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("refused the password"), "{stderr}");
        assert!(!stderr.contains("not-it"), "{stderr}");
    }
}

/// stdout gone (a full disk) ends `demo` at its first line, with one line on
/// stderr: and the private redis-server it had just started, in a process
/// group of its own, goes with it, folder and all.
#[cfg(target_os = "linux")]
#[test]
fn a_demo_that_cannot_write_leaves_no_redis_server_behind() {
    if private_redis("full-disk", None).is_none() {
        return; // no redis-server here (and not CI): skipped
    }
    let binary = assert_cmd::cargo::cargo_bin("distributed");
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let child = std::process::Command::new(&binary)
        .args(["demo", "--jobs", "5"])
        .env_remove("REDIS_URL")
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: cannot write to standard output: No space left on device (os error 28)\n"
    );
    // The server's folder is named after the demo's pid, and is the
    // server's working folder (Redis rewrites its own command line).
    let mark = format!("distributed-redis-{pid}-");
    let leftover_dirs: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(&mark))
        .collect();
    assert!(leftover_dirs.is_empty(), "{leftover_dirs:?}");
    let leftover_servers: Vec<_> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| {
            std::fs::read_link(entry.path().join("cwd"))
                .is_ok_and(|cwd| cwd.to_string_lossy().contains(&mark))
        })
        .collect();
    assert!(leftover_servers.is_empty(), "{leftover_servers:?}");
}

/// `worker --timeline` (the course's common flag): one row for the worker,
/// named by its number, after the run.
#[test]
fn worker_timeline_draws_one_row_for_the_worker() {
    let Some(test) = redis("worker-timeline") else { return };
    stdout_of(&mut test.run("enqueue", &["--count", "2", "sleep", "0.1"]));
    let stdout = stdout_of(&mut test.run("worker", &["--burst", "--timeline"]));
    assert!(stdout.contains("Jobs of this worker: 1 row over"), "{stdout}");
    assert!(stdout.lines().any(|line| line.starts_with("worker 1 ") && line.contains('█')), "{stdout}");
}

/// `worker --pop`, the WRONG way kept for comparison, still does its jobs
/// when nobody is killed.
#[test]
fn a_popping_worker_still_does_its_jobs() {
    let Some(test) = redis("pop-works") else { return };
    stdout_of(&mut test.run("enqueue", &["--count", "2", "sleep", "0"]));
    stdout_of(&mut test.run("enqueue", &["fail", "boom"]));
    let stdout = stdout_of(&mut test.run("worker", &["--pop", "--burst"]));
    assert!(stdout.contains("Worker stops: 2 jobs finished, 1 job failed."), "{stdout}");
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 2, 1));
}

/// `status --failed 0` lists no failure (`LRANGE key -0 -1` would have
/// listed them all).
#[test]
fn status_failed_0_lists_none() {
    let Some(test) = redis("failed-0") else { return };
    stdout_of(&mut test.run("enqueue", &["--count", "2", "fail", "boom"]));
    stdout_of(&mut test.run("worker", &["--burst"]));
    let status = stdout_of(&mut test.run("status", &["--failed", "0"]));
    assert!(status.contains("failed            2"), "{status}");
    assert!(!status.contains("failure") && !status.contains("boom"), "{status}");
    let status = stdout_of(&mut test.run("status", &["--failed", "1"]));
    assert!(status.contains("The latest failure:\n  job 2: boom"), "{status}");
}

/// Redis refuses writes half way through a large `enqueue` (here: its
/// memory limit): the message says how many jobs went in and their ids, and
/// exactly those are in the queue.
#[test]
fn an_enqueue_that_fails_half_way_says_what_went_in() {
    let Some(test) = private_redis("half-way", None) else { return };
    let info: String = test.command(&["INFO", "memory"]);
    let used: u64 = info
        .lines()
        .find_map(|line| line.strip_prefix("used_memory:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap();
    let limit = (used + 6 * 1024 * 1024).to_string();
    test.command::<()>(&["CONFIG", "SET", "maxmemory", &limit]);
    test.command::<()>(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);

    let output = test.run("enqueue", &["--count", "1000000", "sleep", "0"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("OOM"), "{stderr}");
    let queued = test.counts().queued;
    assert!(queued > 0 && queued % 10_000 == 0 && queued < 1_000_000, "{queued}");
    let went_in = format!(
        "before that, {} jobs went in to queue {}, ids 1 to {queued}: sleep 0 s; the other {} did not.",
        shared::timing::thousands(queued),
        test.queue.name(),
        shared::timing::thousands(1_000_000 - queued)
    );
    assert!(stderr.contains(&went_in), "{stderr}\nexpected: {went_in}");
}

/// Jobs that went in while stdout could not be written (a full disk): the
/// message says they are in, with their ids, and does not read as a failed
/// enqueue; they are in the queue.
#[cfg(target_os = "linux")]
#[test]
fn an_enqueue_that_cannot_write_says_its_jobs_went_in() {
    let Some(test) = redis("enqueue-full") else { return };
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = support::distributed_std()
        .env("REDIS_URL", &test.url)
        .args(["enqueue", "--queue", test.queue.name(), "--count", "3", "sleep", "0"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: the jobs went in, but cannot write to standard output (No space left on device (os \
             error 28)) to say so: Enqueued 3 jobs, ids 1 to 3: sleep 0 s, queue"
        ),
        "{stderr}"
    );
    assert_eq!(test.counts().queued, 3);
}

/// `demo` on a server shared with many unrelated keys: its clean step and
/// everything else touch only its own queue's keys, in short steps; nothing
/// it sends shows in the server's SLOWLOG above 10 ms (a SCAN of the whole
/// keyspace in one script took over a second with 2 M keys).
#[test]
fn demo_on_a_shared_server_never_blocks_it() {
    let Some(test) = private_redis("neighbour", None) else { return };
    // 400,000 keys that are not the demo's, added in short scripts.
    for batch in 0..40 {
        let script = format!("for i = 1, 10000 do redis.call('SET', 'other:{batch}:' .. i, i) end");
        test.command::<()>(&["EVAL", &script, "0"]);
    }
    let url = test.url.clone();
    // A first run leaves its keys behind; the second run's clean step must
    // delete them, and only them. The second run is small, so that what the
    // server's SLOWLOG shows is the clean step, not a busy machine.
    stdout_of(distributed().args(["demo", "--jobs", "300", "--workers", "2", "--redis-url", &url]));
    test.command::<()>(&["CONFIG", "SET", "slowlog-log-slower-than", "10000"]); // µs
    test.command::<()>(&["SLOWLOG", "RESET"]);
    let stdout =
        stdout_of(distributed().args(["demo", "--jobs", "1", "--workers", "1", "--redis-url", &url]));
    assert!(stdout.contains("1 job finished in"), "{stdout}");
    let slow: Vec<redis::Value> = test.command(&["SLOWLOG", "GET", "100"]);
    assert!(slow.is_empty(), "slow commands: {slow:?}");
    let size: u64 = test.command(&["DBSIZE"]);
    assert!(size >= 400_000, "the demo deleted keys that were not its own: {size}");
    let left: Vec<String> = test.command(&["KEYS", "distributed:{demo}:job:*"]);
    assert_eq!(left.len(), 1, "the first run's job hashes were not all deleted: {}", left.len());
}
