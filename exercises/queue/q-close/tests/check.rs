use q_close::run;
use std::time::Duration;

#[tokio::test(start_paused = true)]
async fn consumers_stop_when_the_producers_are_done() {
    let finished = tokio::time::timeout(Duration::from_secs(60), run(2, 3)).await;
    let total = finished.expect(
        "the consumers still wait after 60 s (virtual) for an item that will never \
         come: the queue was never closed, because a sender is still alive",
    );
    assert_eq!(total, 6, "two producers put three items each");
}
