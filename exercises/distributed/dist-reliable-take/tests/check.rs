use dist_reliable_take::{Queues, recover, take};

#[test]
fn a_job_taken_by_a_worker_that_dies_is_not_lost() {
    let mut queues = Queues::default();
    queues.push("jobs", "job-1");
    queues.push("jobs", "job-2");
    let taken = take(&mut queues);
    assert_eq!(taken.as_deref(), Some("job-1"));
    // The worker is killed here, before it finishes job-1.
    recover(&mut queues);
    assert_eq!(
        queues.list("jobs"),
        ["job-2", "job-1"],
        "job-1 vanished with the worker that took it: take it by moving it to a \
         `processing` list (LMOVE), so that recovery can put it back"
    );
}
