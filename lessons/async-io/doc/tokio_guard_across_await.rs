// ANCHOR: tokio_guard_across_await
use std::sync::Arc;
use tokio::sync::Mutex;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let writer = Arc::clone(&log);
    let task = tokio::spawn(async move {
        let mut log = writer.lock().await;
        log.push("begins");
        tokio::task::yield_now().await; // the guard is held across this .await
        log.push("ends");
    });
    task.await.unwrap();
    assert_eq!(log.lock().await.len(), 2);
}
// ANCHOR_END: tokio_guard_across_await
