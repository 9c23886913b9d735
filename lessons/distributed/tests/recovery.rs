//! Nothing is lost: workers killed, stopped with Ctrl-C, or left without
//! Redis for a while. Real processes and a real server, on the real clock;
//! each test waits for what it needs to see (never a fixed sleep), with a
//! bound that only turns a hang into a failure.

#![cfg(unix)]

mod support;

use std::process::Child;

use shared::testing::cli::{Watched, kill, press_twice_quickly};
use support::{TestRedis, private_redis, redis};

/// A worker started by a test, with its output watched.
struct RunningWorker {
    child: Child,
    stdout: Watched,
    stderr: Watched,
}

fn start_worker(test: &TestRedis, args: &[&str]) -> RunningWorker {
    let mut child = test.spawn("worker", args);
    let stdout = Watched::new(child.stdout.take().unwrap());
    let stderr = Watched::new(child.stderr.take().unwrap());
    let mut worker = RunningWorker { child, stdout, stderr };
    worker.stdout.wait_for("takes jobs from queue", 1);
    worker
}

fn enqueue(test: &TestRedis, args: &[&str]) {
    let output = test.run("enqueue", args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// The check: a worker killed with SIGKILL while it holds a `sleep`
/// job; the job comes back once its heartbeat expires, another worker
/// finishes it, and it is counted once.
#[test]
fn a_killed_workers_job_is_redone_by_another_worker_and_counted_once() {
    let Some(test) = redis("killed") else { return };
    enqueue(&test, &["sleep", "1.5"]);
    let mut doomed = start_worker(&test, &[]);
    test.wait_until("started", |counts| counts.started == 1);
    doomed.child.kill().unwrap(); // SIGKILL: no goodbye, no cleanup
    doomed.child.wait().unwrap();
    assert_eq!(test.state(1).status, "started", "the job waits on the dead worker's list");

    let mut rescuer = start_worker(&test, &[]);
    rescuer.stderr.wait_for("stopped answering; job 1 goes back to the queue.", 1);
    rescuer.stdout.wait_for("job 1 sleep 1.5 s → slept 1.50 s", 1);
    let state = test.state(1);
    assert_eq!((state.status.as_str(), state.attempts, state.finishes), ("finished", 2, 1), "{state:?}");
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 1, 0));
    rescuer.child.kill().unwrap();
    rescuer.child.wait().unwrap();
}

/// The WRONG way, for comparison: `--pop` takes jobs as RQ does, and a
/// worker killed mid-job takes its job with it.
#[test]
fn with_pop_a_killed_workers_job_is_lost() {
    let Some(test) = redis("pop") else { return };
    enqueue(&test, &["sleep", "30"]);
    let mut doomed = start_worker(&test, &["--pop"]);
    test.wait_until("popped", |counts| counts.queued == 0);
    doomed.child.kill().unwrap();
    doomed.child.wait().unwrap();
    let counts = test.counts();
    assert_eq!(
        (counts.queued, counts.started, counts.finished, counts.failed),
        (0, 0, 0, 0),
        "gone without a trace"
    );
}

/// A job whose workers keep dying goes to the failed list after
/// `--max-attempts`, with the reason.
#[test]
fn a_job_that_kills_its_workers_ends_on_the_failed_list() {
    let Some(test) = redis("attempts") else { return };
    enqueue(&test, &["sleep", "30"]);
    let mut doomed = start_worker(&test, &["--max-attempts", "1"]);
    test.wait_until("started", |counts| counts.started == 1);
    doomed.child.kill().unwrap();
    doomed.child.wait().unwrap();
    let mut next = start_worker(&test, &["--max-attempts", "1"]);
    next.stderr.wait_for("stopped answering; job 1 goes to the failed list.", 1);
    let failures = test.failures();
    assert_eq!(failures.len(), 1);
    assert!(failures[0].reason.contains("stopped answering (its heartbeat expired) during attempt 1 of 1"));
    assert_eq!(test.state(1).status, "failed");
    next.child.kill().unwrap();
    next.child.wait().unwrap();
}

/// Ctrl-C once: the job in hand is finished, then the worker exits (0).
#[test]
fn ctrl_c_once_finishes_the_job_in_hand() {
    let Some(test) = redis("ctrl-c-once") else { return };
    enqueue(&test, &["--count", "2", "sleep", "1"]);
    let mut worker = start_worker(&test, &[]);
    test.wait_until("started", |counts| counts.started == 1);
    kill("-INT", worker.child.id());
    worker.stderr.wait_for("Ctrl-C: no new jobs; finishing 1 job first.", 1);
    assert!(worker.child.wait().unwrap().success());
    assert!(worker.stdout.rest().contains("Worker stops: 1 job finished, 0 jobs failed."));
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.alive), (1, 0, 1, 0));
}

/// Ctrl-C twice: the job goes back to the queue untouched, exit 130.
#[test]
fn ctrl_c_twice_gives_the_job_back() {
    stopped_now_gives_the_job_back(
        "ctrl-c-twice",
        |worker| press_twice_quickly(&worker.child, &mut worker.stderr),
        130,
        "Ctrl-C",
    );
}

/// SIGTERM, as a service manager sends it: the second Ctrl-C's stop, and
/// the last word and the exit code (143) say SIGTERM.
#[test]
fn sigterm_gives_the_job_back_and_says_so() {
    stopped_now_gives_the_job_back("sigterm", |worker| kill("-TERM", worker.child.id()), 143, "SIGTERM");
}

/// A worker holding a long job is stopped now by `stop`: it exits with
/// `code`, says that `by` stopped it and that the job went back, and the
/// job is queued again untouched.
fn stopped_now_gives_the_job_back(name: &str, stop: impl FnOnce(&mut RunningWorker), code: i32, by: &str) {
    let Some(test) = redis(name) else { return };
    enqueue(&test, &["sleep", "30"]);
    let mut worker = start_worker(&test, &[]);
    test.wait_until("started", |counts| counts.started == 1);
    stop(&mut worker);
    assert_eq!(worker.child.wait().unwrap().code(), Some(code));
    let stderr = worker.stderr.rest();
    assert!(stderr.contains(&format!("stopped by {by}; worker 1 gave job 1 back to the queue.")), "{stderr}");
    let state = test.state(1);
    assert_eq!((state.status.as_str(), state.attempts), ("queued", 0), "{state:?}");
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.workers), (1, 0, 0, 0));
}

/// Redis stopped and started again under a running worker: the worker says
/// so, waits, stores its job's result once Redis is back, and takes the
/// next job.
#[test]
fn a_worker_carries_on_when_redis_comes_back() {
    let Some(mut test) = private_redis("restart", None) else { return };
    enqueue(&test, &["sleep", "1"]);
    let mut worker = start_worker(&test, &[]);
    test.wait_until("started", |counts| counts.started == 1);
    test.server().stop();
    worker.stderr.wait_for("cannot reach Redis at", 1);
    test.server().restart().unwrap();
    worker.stderr.wait_for("is back after", 1);
    worker.stdout.wait_for("job 1 sleep 1 s → slept 1.00 s", 1);
    // Without persistence the restarted Redis knew nothing of job 1; its
    // result is stored all the same.
    assert_eq!(test.state(1).status, "finished");
    enqueue(&test, &["sleep", "0"]);
    worker.stdout.wait_for("sleep 0 s → slept 0.00 s", 1);
    assert_eq!(test.state(1).result.as_deref(), Some("slept 0.00 s"), "the new job 1");
    kill("-INT", worker.child.id());
    assert!(worker.child.wait().unwrap().success());
    assert!(!worker.stderr.rest().contains("panicked"));
}

/// A worker paused (SIGSTOP) past its heartbeat while it holds a job: a
/// second worker fails the job (after `--max-attempts 1`); when the first
/// resumes (SIGCONT), its late result is refused and it says so. The job
/// ends once, failed; the counts add up to the one job enqueued.
#[test]
fn a_paused_workers_late_result_is_refused_and_the_job_ends_once() {
    let Some(test) = redis("paused") else { return };
    enqueue(&test, &["sleep", "0.5"]);
    let mut paused = start_worker(&test, &[]);
    test.wait_until("started", |counts| counts.started == 1);
    kill("-STOP", paused.child.id());
    let mut other = start_worker(&test, &["--max-attempts", "1"]);
    other.stderr.wait_for("stopped answering; job 1 goes to the failed list.", 1);
    kill("-CONT", paused.child.id());
    paused.stderr.wait_for("job 1 was taken from this worker while it ran", 1);
    let state = test.state(1);
    assert_eq!((state.status.as_str(), state.result.as_deref()), ("failed", None), "{state:?}");
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 0, 1), "{counts:?}");
    // It goes on as a worker: a new job is done, once.
    enqueue(&test, &["sleep", "0"]);
    test.wait_until("the new job is done", |counts| counts.finished == 1);
    for worker in [&mut paused, &mut other] {
        kill("-INT", worker.child.id());
        assert!(worker.child.wait().unwrap().success());
    }
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 1, 1), "{counts:?}");
}

/// `worker --burst` started right after a worker died holding a job: it
/// waits for the dead worker's heartbeat to expire, recovers the job, does
/// it, and only then finds the queue empty.
#[test]
fn a_burst_worker_does_not_leave_a_dead_workers_job_behind() {
    let Some(test) = redis("burst") else { return };
    enqueue(&test, &["sleep", "0.5"]);
    let mut doomed = start_worker(&test, &[]);
    test.wait_until("started", |counts| counts.started == 1);
    doomed.child.kill().unwrap();
    doomed.child.wait().unwrap();
    // Its heartbeat key lives on a few seconds, as it would right after a
    // beat: long enough, on a busy machine too, for the burst worker to find
    // it alive-looking when it starts.
    let tokens: Vec<String> = test.command(&["HKEYS", &test.queue.workers()]);
    let alive = format!("distributed:{{{}}}:worker:{}:alive", test.queue.name(), tokens[0]);
    assert!(test.command::<bool>(&["PEXPIRE", &alive, "4000"]), "the dead worker's key had expired already");

    let output =
        test.run("worker", &["--burst"]).timeout(std::time::Duration::from_secs(60)).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = shared::testing::cli::success_stdout(output);
    assert!(stderr.contains("the queue is empty, but worker 1 holds jobs"), "{stderr}");
    assert!(stderr.contains("stopped answering; job 1 goes back to the queue."), "{stderr}");
    assert!(stdout.contains("job 1 sleep 0.5 s → slept 0.50 s"), "{stdout}");
    assert!(stdout.contains("Worker stops: 1 job finished, 0 jobs failed."), "{stdout}");
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 1, 0));
}

/// `worker | head -1`: standard output closes after the first line. The
/// worker finishes the job in hand, gives back the one it took in advance,
/// says so on stderr, and leaves nothing started behind.
#[test]
fn a_worker_whose_stdout_closes_stores_or_gives_back_its_jobs_and_says_so() {
    let Some(test) = redis("closed-stdout") else { return };
    enqueue(&test, &["--count", "3", "sleep", "0.3"]);
    let mut child = test.spawn("worker", &[]);
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(first.contains("takes jobs from queue"), "{first}");
    drop(stdout); // what `head -1` does after its line
    let stderr = Watched::new(child.stderr.take().unwrap());
    let status = child.wait().unwrap();
    let stderr = stderr.rest();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("worker 1: cannot write to standard output"), "{stderr}");
    assert!(stderr.contains("this job's outcome is stored"), "{stderr}");
    assert!(stderr.contains("gave 1 payload back to the queue."), "{stderr}");
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.workers), (2, 0, 1, 0), "{counts:?}");
    assert_eq!(test.state(2).status, "queued");
}
