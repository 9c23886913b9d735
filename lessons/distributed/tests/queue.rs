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

        let payload = queue.take(&mut redis, slow, Duration::ZERO).await?.expect("a job");
        let envelope = job::parse(&payload).unwrap();
        assert_eq!(envelope.id, ids[0]);
        let first = queue.start(&mut redis, slow, &envelope, &payload).await?.expect("not done yet");

        // The slow worker's heartbeat expires: its job goes back.
        queue.sign_off(&mut redis, slow).await?;
        let recovered = queue.recover(&mut redis, 3).await?;
        assert_eq!(recovered.len(), 1);
        assert!(recovered[0].requeued && recovered[0].worker == slow);

        let again = queue.take(&mut redis, fast, Duration::ZERO).await?.expect("the same job");
        assert_eq!(again, payload);
        let second = queue.start(&mut redis, fast, &envelope, &payload).await?.expect("not done yet");
        assert_eq!((first, second), (1, 2));
        assert!(queue.finish(&mut redis, fast, second, &envelope, &payload, "fast").await?);
        // The same call sent again (the answer was lost): no change at all.
        assert!(!queue.finish(&mut redis, fast, second, &envelope, &payload, "fast").await?);
        // The slow one, late.
        assert!(!queue.finish(&mut redis, slow, first, &envelope, &payload, "slow").await?);

        let state = queue.state(&mut redis, envelope.id).await?;
        assert_eq!((state.status.as_str(), state.result.as_deref()), ("finished", Some("fast")));
        assert_eq!((state.finishes, state.worker), (2, Some(fast)));
        let counts = queue.counts(&mut redis).await?;
        assert_eq!((counts.queued, counts.started, counts.finished, counts.failed), (0, 0, 1, 0));

        // Taken again by a third worker (say the slow one's list came back
        // once more): it is not run.
        redis::cmd("LPUSH").arg(queue.jobs()).arg(&payload).query_async::<()>(&mut redis).await?;
        let third = queue.register(&mut redis).await?;
        let payload = queue.take(&mut redis, third, Duration::ZERO).await?.unwrap();
        assert_eq!(queue.start(&mut redis, third, &envelope, &payload).await?, None);
        assert_eq!(queue.counts(&mut redis).await?.started, 0, "and not left on its list");
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
        queue.take(&mut redis, worker, Duration::ZERO).await?.expect("a job");
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
