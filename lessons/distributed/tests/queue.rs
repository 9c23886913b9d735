//! The atomic steps of the queue, called directly on a real Redis server.

mod support;

use std::time::Duration;

use distributed::job::{self, Job};
use distributed::queue::Beat;
use support::redis;

/// A worker taken for dead finishes its job after all, once another has
/// redone it: the result is stored once, the counter counts it once, and
/// `finishes` tells that it was done twice.
#[test]
fn a_job_done_twice_is_counted_once() {
    let Some(test) = redis("twice") else { return };
    test.block_on(|mut redis, queue| async move {
        let ids = queue.enqueue(&mut redis, &[Job::Sleep { seconds: 0.0 }]).await?;
        let (slow, fast) = (queue.register(&mut redis).await?, queue.register(&mut redis).await?);

        let payload = queue.take(&mut redis, &slow, Duration::ZERO).await?.expect("a job");
        let envelope = job::parse(&payload).unwrap();
        assert_eq!(envelope.id, ids[0]);
        let first = queue.start(&mut redis, &slow, &envelope, &payload).await?.expect("not done yet");

        // The slow worker's heartbeat expires: its job goes back.
        queue.sign_off(&mut redis, &slow).await?;
        let recovered = queue.recover(&mut redis, 3).await?;
        assert_eq!(recovered.len(), 1);
        assert!(recovered[0].requeued && recovered[0].worker == slow.number());

        let again = queue.take(&mut redis, &fast, Duration::ZERO).await?.expect("the same job");
        assert_eq!(again, payload);
        let second = queue.start(&mut redis, &fast, &envelope, &payload).await?.expect("not done yet");
        assert_eq!((first, second), (1, 2));
        assert!(queue.finish(&mut redis, &fast, second, &envelope, &payload, "fast", false).await?.stored);
        // The same call sent again (its answer was lost): stored, once.
        assert!(queue.finish(&mut redis, &fast, second, &envelope, &payload, "fast", false).await?.stored);
        // The slow one, late: not stored.
        assert!(!queue.finish(&mut redis, &slow, first, &envelope, &payload, "slow", false).await?.stored);

        let state = queue.state(&mut redis, envelope.id).await?;
        assert_eq!((state.status.as_str(), state.result.as_deref()), ("finished", Some("fast")));
        assert_eq!((state.finishes, state.worker), (2, Some(fast.number())));
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 1, 0));

        // Taken again by a third worker (say the slow one's list came back
        // once more): it is not run.
        redis::cmd("LPUSH").arg(queue.jobs()).arg(&payload).query_async::<()>(&mut redis).await?;
        let third = queue.register(&mut redis).await?;
        let payload = queue.take(&mut redis, &third, Duration::ZERO).await?.unwrap();
        assert_eq!(queue.start(&mut redis, &third, &envelope, &payload).await?, None);
        assert_eq!(queue.counts(&mut redis).await?.started, 0, "and not left on its list");
        // Nor by the one-trip path.
        redis::cmd("LPUSH").arg(queue.jobs()).arg(&payload).query_async::<()>(&mut redis).await?;
        assert_eq!(queue.take_next(&mut redis, &third).await?, None);
        assert_eq!(queue.counts(&mut redis).await?.started, 0);
        Ok(())
    });
}

/// A live worker's jobs are never taken from it, however long they run.
#[test]
fn recovery_leaves_live_workers_alone() {
    let Some(test) = redis("alive") else { return };
    test.block_on(|mut redis, queue| async move {
        queue.enqueue(&mut redis, &[Job::Sleep { seconds: 1.0 }]).await?;
        let worker = queue.register(&mut redis).await?;
        let payload = queue.take(&mut redis, &worker, Duration::ZERO).await?.expect("a job");
        let envelope = job::parse(&payload).unwrap();
        queue.start(&mut redis, &worker, &envelope, &payload).await?.expect("started");
        assert_eq!(queue.recover(&mut redis, 3).await?, []);
        assert_eq!(queue.counts(&mut redis).await?.started, 1);
        Ok(())
    });
}

/// The counts tell the payloads a worker holds before they are started (a
/// job that ends within `START_GRACE` never is): `demo`'s Ctrl-C counts the
/// jobs in hand as `started + taken`.
#[test]
fn counts_tell_taken_payloads_apart_from_queued_ones() {
    let Some(test) = redis("taken") else { return };
    test.block_on(|mut redis, queue| async move {
        queue.enqueue(&mut redis, &[Job::Sleep { seconds: 1.0 }, Job::Sleep { seconds: 1.0 }]).await?;
        let worker = queue.register(&mut redis).await?;
        let payload = queue.take(&mut redis, &worker, Duration::ZERO).await?.expect("a job");
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.taken, counts.started), (2, 1, 0), "{counts:?}");
        let envelope = job::parse(&payload).unwrap();
        queue.start(&mut redis, &worker, &envelope, &payload).await?.expect("started");
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.taken, counts.started), (1, 0, 1), "{counts:?}");
        Ok(())
    });
}

/// The WRONG take: after `BRPOP` nothing in Redis knows of the job.
#[test]
fn popping_leaves_no_trace_of_the_job_in_redis() {
    let Some(test) = redis("popping") else { return };
    test.block_on(|mut redis, queue| async move {
        queue.enqueue(&mut redis, &[Job::Sleep { seconds: 1.0 }]).await?;
        let popped = queue.take_by_popping(&mut redis, Duration::from_millis(100)).await?;
        assert!(popped.is_some());
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started), (0, 0));
        Ok(())
    });
}

/// The one-trip path: finishing a job takes and starts the next, in order;
/// an answer lost on the way leaves nothing stranded.
#[test]
fn finishing_a_job_takes_the_next_in_the_same_trip() {
    let Some(test) = redis("one-trip") else { return };
    test.block_on(|mut redis, queue| async move {
        let jobs = [Job::Sleep { seconds: 0.0 }, Job::Sleep { seconds: 1.0 }, Job::Sleep { seconds: 2.0 }];
        let ids = queue.enqueue(&mut redis, &jobs).await?;
        let worker = queue.register(&mut redis).await?;

        let first = queue.take_next(&mut redis, &worker).await?.expect("a job");
        assert_eq!(first.attempt, 1);
        let envelope = job::parse(&first.payload).unwrap();
        assert_eq!(envelope.id, ids[0]);
        assert_eq!(queue.state(&mut redis, ids[0]).await?.status, "started");

        let stored = queue.finish(&mut redis, &worker, 1, &envelope, &first.payload, "done", true).await?;
        assert!(stored.stored);
        let second = stored.next.expect("the next job");
        assert_eq!((job::parse(&second.payload).unwrap().id, second.attempt), (ids[1], 1));
        assert_eq!(queue.state(&mut redis, ids[1]).await?.status, "started");
        assert_eq!(queue.counts(&mut redis).await?.started, 1, "only the job in hand is on the list");

        // The answer to that call is lost: the worker asks again, and gets
        // the job it already holds, not a third one.
        let again = queue.take_next(&mut redis, &worker).await?.expect("the same job");
        assert_eq!(again, second);
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished), (1, 1, 1));

        // A failure takes the next one too; the queue then runs dry.
        let envelope = job::parse(&second.payload).unwrap();
        let failed = queue.fail(&mut redis, &worker, &envelope, &second.payload, "no", true).await?;
        let third = failed.next.expect("the last job");
        assert_eq!(job::parse(&third.payload).unwrap().id, ids[2]);
        let envelope = job::parse(&third.payload).unwrap();
        let last =
            queue.finish(&mut redis, &worker, third.attempt, &envelope, &third.payload, "ok", true).await?;
        assert!(last.stored && last.next.is_none(), "{last:?}");
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 2, 1));
        Ok(())
    });
}

/// After a Redis restart that lost the worker counter, a worker still
/// running keeps its number: no new worker is given it.
#[test]
fn a_live_workers_number_is_never_given_again() {
    let Some(test) = redis("numbers") else { return };
    test.block_on(|mut redis, queue| async move {
        let old = queue.register(&mut redis).await?;
        queue.clear(&mut redis).await?; // what a restart without persistence does
        queue.heartbeat(&mut redis, &old).await?; // the old worker's next beat
        let new = queue.register(&mut redis).await?;
        assert_ne!(new.number(), old.number());

        // Lost again, before the old worker's beat put the counter back: its
        // entry in the numbers hash alone keeps its number taken.
        queue.clear(&mut redis).await?;
        redis::cmd("HSET")
            .arg(queue.numbers())
            .arg(old.number())
            .arg(&old.token)
            .query_async::<()>(&mut redis)
            .await?;
        let newer = queue.register(&mut redis).await?;
        assert_ne!(newer.number(), old.number());
        Ok(())
    });
}

/// Redis restarted without its data between two workers' registrations:
/// the second is given the first's number, but never its lists (they are
/// named by each process's own token); at the first one's next heartbeat it
/// learns that Redis had forgotten it and takes a new number.
#[test]
fn a_restart_between_two_registrations_never_makes_two_workers_one() {
    let Some(mut test) = support::private_redis("identity", None) else { return };
    let first = test.block_on(|mut redis, queue| async move { queue.register(&mut redis).await });
    test.server().stop();
    test.server().restart().unwrap();
    let (second, beat) = test.block_on(|mut redis, queue| {
        let first = first.clone();
        async move {
            let second = queue.register(&mut redis).await?;
            let beat = queue.heartbeat(&mut redis, &first).await?;
            Ok((second, beat))
        }
    });
    assert_ne!(first.token, second.token);
    assert_eq!(second.number(), 1, "the counter was lost with the restart");
    assert_eq!(beat, Beat::Renumbered { was: 1 });
    assert_ne!(first.number(), second.number());
    test.block_on(|mut redis, queue| {
        let (first, second) = (first.clone(), second.clone());
        async move {
            assert_ne!(queue.in_progress(&first), queue.in_progress(&second));
            // Two jobs, one each: neither worker sees the other's.
            queue.enqueue(&mut redis, &[Job::Sleep { seconds: 0.0 }, Job::Sleep { seconds: 0.0 }]).await?;
            let a = queue.take_next(&mut redis, &first).await?.expect("a job");
            let b = queue.take_next(&mut redis, &second).await?.expect("another job");
            assert_ne!(a.payload, b.payload);
            let (ea, eb) = (job::parse(&a.payload).unwrap(), job::parse(&b.payload).unwrap());
            assert!(queue.finish(&mut redis, &first, a.attempt, &ea, &a.payload, "a", false).await?.stored);
            // The second cannot finish the first's job.
            let stolen = queue.finish(&mut redis, &second, 1, &ea, &a.payload, "b", false).await?;
            assert!(!stolen.stored);
            assert!(queue.finish(&mut redis, &second, b.attempt, &eb, &b.payload, "b", false).await?.stored);
            let state = queue.state(&mut redis, ea.id).await?;
            assert_eq!((state.result.as_deref(), state.worker), (Some("a"), Some(first.number())));
            Ok(())
        }
    });
}

/// A result that comes after its job was taken from the worker (its
/// heartbeat expired and recovery failed the job, after `max_attempts`) is
/// refused: the job ends once, failed, and the counts add up.
#[test]
fn a_late_result_after_the_job_was_failed_is_refused() {
    let Some(test) = redis("late") else { return };
    test.block_on(|mut redis, queue| async move {
        queue.enqueue(&mut redis, &[Job::Sleep { seconds: 0.0 }]).await?;
        let paused = queue.register(&mut redis).await?;
        let taken = queue.take_next(&mut redis, &paused).await?.expect("a job");
        let envelope = job::parse(&taken.payload).unwrap();
        redis::cmd("DEL").arg(queue.alive(&paused)).query_async::<()>(&mut redis).await?; // expired
        let recovered = queue.recover(&mut redis, 1).await?;
        assert_eq!(recovered.len(), 1);
        assert!(!recovered[0].requeued, "failed after 1 attempt");

        let late =
            queue.finish(&mut redis, &paused, taken.attempt, &envelope, &taken.payload, "late", true).await?;
        assert!(!late.stored && late.taken_away, "{late:?}");
        let late_failure = queue.fail(&mut redis, &paused, &envelope, &taken.payload, "late", false).await?;
        assert!(!late_failure.stored && late_failure.taken_away);
        let state = queue.state(&mut redis, envelope.id).await?;
        assert_eq!((state.status.as_str(), state.result.as_deref()), ("failed", None), "{state:?}");
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 0, 1));
        Ok(())
    });
}

/// Dead workers are looked for by one worker per interval, not by all.
#[test]
fn one_worker_per_interval_looks_for_dead_workers() {
    let Some(test) = redis("claim") else { return };
    test.block_on(|mut redis, queue| async move {
        let (a, b) = (queue.register(&mut redis).await?, queue.register(&mut redis).await?);
        assert!(queue.claim_recovery(&mut redis, &a).await?);
        assert!(!queue.claim_recovery(&mut redis, &b).await?);
        assert!(!queue.claim_recovery(&mut redis, &a).await?);
        Ok(())
    });
}

/// Every key of a queue carries the queue's hash tag, so that all of them
/// live in one hash slot (one server of a cluster); and the scripts name
/// their keys and arguments once, at the top, and never scan the keyspace.
#[test]
fn a_queues_keys_share_one_hash_tag_and_the_scripts_declare_their_keys() {
    let Some(test) = support::private_redis("tags", None) else { return };
    let tag = format!("distributed:{{{}}}:", test.queue.name());
    success(test.run("enqueue", &["--count", "3", "sleep", "0"]));
    test.push_raw("not a job");
    success(test.run("enqueue", &["fail", "boom"]));
    success(test.run("worker", &["--burst"]));
    success(test.run("status", &[]));
    // A private server: listing its keys harms nobody.
    let keys: Vec<String> = test.command(&["KEYS", "*"]);
    assert!(keys.len() > 5, "{keys:?}");
    for key in &keys {
        assert!(key.starts_with(&tag), "{key} is not in {tag}");
    }

    let scripts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/scripts");
    for entry in std::fs::read_dir(scripts).unwrap() {
        let path = entry.unwrap().path();
        let lua = std::fs::read_to_string(&path).unwrap();
        let name = path.display();
        for forbidden in ["'SCAN'", "'KEYS'", "cjson.decode", "..':", ".. ':"] {
            assert!(!lua.contains(forbidden), "{name} uses {forbidden}");
        }
        // KEYS[…] and ARGV[…] only where the named locals are made.
        let mut in_header = false;
        for line in lua.lines() {
            let declares = line.starts_with("local ") && (line.contains(" = ") || line.ends_with(" ="));
            in_header = declares || (in_header && line.starts_with("    "));
            if !in_header {
                assert!(!line.contains("KEYS[") && !line.contains("ARGV["), "{name}: {line}");
            }
        }
    }
}

fn success(mut command: assert_cmd::Command) {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// A job that ends within the worker's grace period is started and stored
/// by one script, still from the taken list; one whose worker dies while it
/// is on the taken list counts that death as an attempt.
#[test]
fn a_quick_job_is_started_and_finished_in_one_trip_and_a_death_on_the_taken_list_counts() {
    let Some(test) = redis("quick") else { return };
    test.block_on(|mut redis, queue| async move {
        let ids =
            queue.enqueue(&mut redis, &[Job::Sleep { seconds: 0.0 }, Job::Sleep { seconds: 0.0 }]).await?;
        let worker = queue.register(&mut redis).await?;
        let payload = queue.take_raw(&mut redis, &worker).await?.expect("a payload");
        let envelope = job::parse(&payload).unwrap();
        assert_eq!(queue.state(&mut redis, envelope.id).await?.status, "queued", "taken, not started");
        let stored = queue.finish_raw(&mut redis, &worker, "mark-1", &envelope, &payload, "ok", true).await?;
        assert!(stored.stored && !stored.taken_away);
        let state = queue.state(&mut redis, envelope.id).await?;
        assert_eq!((state.status.as_str(), state.attempts, state.finishes), ("finished", 1, 1), "{state:?}");
        // The same call again (its answer lost): stored, once.
        let again = queue.finish_raw(&mut redis, &worker, "mark-1", &envelope, &payload, "ok", false).await?;
        assert!(again.stored);
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished), (1, 0, 1), "the next one is taken");

        // The worker dies with the next payload on its taken list.
        assert_eq!(job::parse(stored.next.expect("the next payload")).unwrap().id, ids[1]);
        redis::cmd("DEL").arg(queue.alive(&worker)).query_async::<()>(&mut redis).await?;
        let recovered = queue.recover(&mut redis, 1).await?;
        assert_eq!(recovered.len(), 1);
        assert!(!recovered[0].requeued, "one death of one allowed: failed");
        let state = queue.state(&mut redis, ids[1]).await?;
        assert_eq!((state.status.as_str(), state.attempts), ("failed", 1), "{state:?}");
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 1, 1));
        Ok(())
    });
}
