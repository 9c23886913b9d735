use pool_job_send::Pool;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[test]
fn the_pool_runs_every_job() {
    let sum = Arc::new(AtomicU64::new(0));
    let pool = Pool::new(3);
    for n in 1..=100 {
        let sum = sum.clone();
        pool.execute(move || {
            sum.fetch_add(n, Ordering::Relaxed);
        });
    }
    pool.join();
    assert_eq!(sum.load(Ordering::Relaxed), 5050);
}
