use dist_idempotent::{Memory, Store, record_payment};

#[test]
fn a_job_delivered_twice_is_counted_once() {
    let mut store = Memory::default();
    record_payment(&mut store, "job-7", 30);
    // The worker crashed after the work but before its acknowledgement:
    // the queue hands the same job to another worker.
    record_payment(&mut store, "job-7", 30);
    record_payment(&mut store, "job-8", 12);
    let total = store.get("total").unwrap_or(0);
    assert_eq!(
        total, 42,
        "the total is {total}: job-7 was counted twice. A job that may run twice must \
         record that it ran, in the same atomic step as its effect or before it"
    );
}
