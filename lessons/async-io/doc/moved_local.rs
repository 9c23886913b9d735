// ANCHOR: moved_local
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let guests = vec!["Ada", "Grace"];
    let task = tokio::spawn(async move {
        guests.len() // owns `guests`: moved into the task
    });
    assert_eq!(task.await.unwrap(), 2);
}
// ANCHOR_END: moved_local
