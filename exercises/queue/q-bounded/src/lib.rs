//! Back-pressure: a queue with a bound makes a fast producer wait.
//! Chapter: docs/en/queue.md, section "Back-pressure: `--capacity`".

use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How many items the queue may hold.
pub const CAPACITY: usize = 2;

/// A producer puts `items` numbers into a queue at once; a consumer takes
/// one a second. Returns when the producer finished (virtual time since the
/// start) and what the consumer took.
pub async fn run(items: u32) -> (Duration, Vec<u32>) {
    let start = Instant::now();
    // TODO: this queue has no bound, so the producer never waits and the
    // queue holds everything. Make it hold at most CAPACITY items (and the
    // producer's `send` wait for room).
    let (sender, mut receiver) = mpsc::unbounded_channel();
    let producer = tokio::spawn(async move {
        for item in 0..items {
            sender.send(item).unwrap();
        }
        start.elapsed()
    });
    let mut consumed = Vec::new();
    while let Some(item) = receiver.recv().await {
        consumed.push(item);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    (producer.await.unwrap(), consumed)
}
