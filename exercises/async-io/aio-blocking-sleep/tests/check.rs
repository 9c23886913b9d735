use aio_blocking_sleep::count;

#[tokio::test(start_paused = true)]
async fn the_three_counters_take_turns() {
    let log = count().await;
    assert_eq!(
        log,
        ["0: one", "1: one", "2: one", "0: two", "1: two", "2: two"],
        "each counter ran from start to end before the next began: a blocking sleep \
         holds the thread, so no other task can run while one waits"
    );
}
