use aio_chain_join::run_chains;
use std::time::Duration;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn chains_run_side_by_side() {
    let start = Instant::now();
    let results = run_chains(&[3, 2, 1]).await;
    let took = start.elapsed();
    assert_eq!(results, ["chain 3 done", "chain 2 done", "chain 1 done"]);
    assert_eq!(
        took,
        Duration::from_secs(6),
        "the three chains took {took:?} (virtual) in all: they ran one after another. \
         Each chain is sequential inside (6 s for the longest), but the chains should \
         run side by side: 6 s in all"
    );
}
