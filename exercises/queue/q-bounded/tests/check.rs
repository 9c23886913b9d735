use q_bounded::{CAPACITY, run};
use std::time::Duration;

#[tokio::test(start_paused = true)]
async fn a_fast_producer_waits_for_a_slow_consumer() {
    let (producer_done, consumed) = run(10).await;
    assert_eq!(consumed, (0..10).collect::<Vec<_>>(), "every item arrives, in order");
    assert!(
        producer_done >= Duration::from_secs(10 - CAPACITY as u64 - 1),
        "the producer finished at {producer_done:?} (virtual), long before the consumer: \
         the queue held all 10 items at once. With a bounded queue of {CAPACITY}, \
         the producer waits while it is full"
    );
}
