//! The atomic steps of the queue, called directly on a real Redis server.

mod support;

use std::time::Duration;

use distributed::job::{self, Job};
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
