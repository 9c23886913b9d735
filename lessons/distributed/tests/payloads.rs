//! Whatever bytes sit in the queue, a payload that is not a job ends on the
//! failed list with its reason and its bytes intact; it never touches a
//! job's hash, never stalls the queue, never breaks `status`.

mod support;

use std::time::Duration;

use shared::testing::cli::success_stdout;
use support::redis;

#[test]
fn any_payload_that_is_not_a_job_is_failed_with_its_bytes_and_the_queue_goes_on() {
    let Some(test) = redis("payloads") else { return };
    // A real job first: job 1, still queued when the bad payloads come.
    success_stdout(test.run("enqueue", &["sleep", "0"]).output().unwrap());
    let huge_fail = format!(r#"{{"id":1,"job":{{"kind":"fail","message":"{}"}}}}"#, "x".repeat(5 << 20));
    let bad: Vec<(Vec<u8>, &str)> = vec![
        (b"\xff\xfe not UTF-8 \xc3".to_vec(), "not UTF-8"),
        (b"just words".to_vec(), "expected value"),
        (br#"{"job":{"kind":"sleep","seconds":0}}"#.to_vec(), "missing field `id`"),
        (br#"{"id":1,"job":{"kind":"rm-rf"}}"#.to_vec(), "unknown variant"),
        (br#"{"id":1.5,"job":{"kind":"sleep","seconds":0}}"#.to_vec(), "invalid type"),
        (br#"{"id":-9223372036854775808,"job":{"kind":"sleep","seconds":0}}"#.to_vec(), "invalid value"),
        (br#"{"id":18446744073709551616,"job":{"kind":"sleep","seconds":0}}"#.to_vec(), "not a job"),
        (br#"{"id":"77","job":{"kind":"sleep","seconds":0}}"#.to_vec(), "invalid type"),
        (br#"{"id":0,"job":{"kind":"sleep","seconds":0}}"#.to_vec(), "ids start at 1"),
        (huge_fail.clone().into_bytes(), "more than any job"),
    ];
    for (payload, _) in &bad {
        test.push_bytes(payload);
    }
    // And a real job after them: the worker must get to it.
    success_stdout(test.run("enqueue", &["sleep", "0"]).output().unwrap());

    let output = test.run("worker", &["--burst"]).timeout(Duration::from_secs(60)).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = success_stdout(output);
    assert!(stdout.contains("Worker stops: 2 jobs finished, 10 jobs failed."), "{stdout}{stderr}");
    assert!(!stderr.contains("cannot reach Redis") && !stderr.contains("panicked"), "{stderr}");

    // Each on the failed list, in order, with its reason and its bytes.
    let failures = test.failures();
    assert_eq!(failures.len(), bad.len(), "{failures:?}");
    for (failure, (payload, reason)) in failures.iter().zip(&bad) {
        assert_eq!(failure.id, None);
        assert!(failure.payload == *payload, "bytes changed: {:?}", failure.payload_text());
        assert!(failure.reason.contains(reason), "{}: {}", failure.payload_text(), failure.reason);
    }

    // No job's hash was touched: job 1 was run once, by its own payload;
    // no hash for the ids the bad payloads named.
    let first = test.state(1);
    assert_eq!((first.status.as_str(), first.attempts, first.finishes), ("finished", 1, 1), "{first:?}");
    assert_eq!(test.state(2).status, "finished");
    for id in ["77", "0", "-9223372036854775808", "18446744073709551616"] {
        let exists: bool =
            test.command(&["EXISTS", &format!("distributed:{{{}}}:job:{id}", test.queue.name())]);
        assert!(!exists, "a hash for job {id}");
    }
    let counts = test.counts();
    assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 2, 10));

    // `status` reads all of it back.
    let status = success_stdout(test.run("status", &["--failed", "10"]).output().unwrap());
    assert!(status.contains("failed           10"), "{status}");
    assert!(
        status.contains("payload \"\u{fffd}\u{fffd} not UTF-8 \u{fffd}\": not a job: not UTF-8"),
        "{status}"
    );
}
