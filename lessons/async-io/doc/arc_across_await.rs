// ANCHOR: arc_across_await
use std::sync::Arc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let guests = Arc::new(vec!["Ada", "Grace"]);
    let task = tokio::spawn(async move {
        tokio::task::yield_now().await; // the task may resume on another thread here
        guests.len()
    });
    assert_eq!(task.await.unwrap(), 2);
}
// ANCHOR_END: arc_across_await
