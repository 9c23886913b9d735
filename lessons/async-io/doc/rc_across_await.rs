// ANCHOR: rc_across_await
// error: future cannot be sent between threads safely
use std::rc::Rc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let guests = Rc::new(vec!["Ada", "Grace"]);
    let task = tokio::spawn(async move {
        tokio::task::yield_now().await; // the task may resume on another thread here
        guests.len()
    });
    assert_eq!(task.await.unwrap(), 2);
}
// ANCHOR_END: rc_across_await
