// ANCHOR: std_guard_across_await
// error: future cannot be sent between threads safely
use std::sync::{Arc, Mutex};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let writer = Arc::clone(&log);
    let task = tokio::spawn(async move {
        let mut log = writer.lock().unwrap();
        log.push("begins");
        tokio::task::yield_now().await; // the guard is held across this .await
        log.push("ends");
    });
    task.await.unwrap();
    assert_eq!(log.lock().unwrap().len(), 2);
}
// ANCHOR_END: std_guard_across_await
