// ANCHOR: borrowed_local
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let guests = vec!["Ada", "Grace"];
    let task = tokio::spawn(async {
        guests.len() // borrows `guests`, which main may drop before the task runs
    });
    assert_eq!(task.await.unwrap(), 2);
}
// ANCHOR_END: borrowed_local
