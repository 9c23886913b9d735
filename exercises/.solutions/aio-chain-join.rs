//! Chains of dependent calls: in order inside, side by side outside.
//! Chapter: docs/en/async-io.md, section "3. `chain`: in order inside, side by side outside".

use std::time::Duration;

/// One chain: two steps, the second needs the first's result.
async fn chain(n: u64) -> String {
    let first = part_one(n).await;
    part_two(n, first).await
}

async fn part_one(n: u64) -> u64 {
    tokio::time::sleep(Duration::from_secs(n)).await;
    n
}

async fn part_two(n: u64, first: u64) -> String {
    tokio::time::sleep(Duration::from_secs(first)).await;
    format!("chain {n} done")
}

/// Runs one chain per number; returns their results in the order given.
pub async fn run_chains(numbers: &[u64]) -> Vec<String> {
    // Start every chain first: they all wait at once.
    let handles: Vec<_> = numbers.iter().map(|&n| tokio::spawn(chain(n))).collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    results
}
