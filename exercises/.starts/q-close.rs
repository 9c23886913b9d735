//! Shutdown: a queue closes when its last sender is gone.
//! Chapter: docs/en/queue.md, section "Shutdown: closing the queue".

use tokio::sync::mpsc;

/// `producers` tasks put `each` items into one queue; one consumer counts
/// them until the queue is closed. Returns the count.
pub async fn run(producers: u32, each: u32) -> u32 {
    let (sender, mut receiver) = mpsc::channel(4);
    for producer in 0..producers {
        let sender = sender.clone();
        tokio::spawn(async move {
            for item in 0..each {
                sender.send((producer, item)).await.unwrap();
            }
        });
    }
    // TODO: `recv` returns `None` only once every sender is dropped. Each
    // producer drops its clone when it ends; one sender is still alive here.
    let mut count = 0;
    while receiver.recv().await.is_some() {
        count += 1;
    }
    count
}
