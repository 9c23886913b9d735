//! Results out of order, placed by index.
//! Chapter: docs/en/pool.md, section "6. `apply-async`: results out of order, placed by index".

use std::sync::mpsc;
use std::thread;

/// The square of each input, computed by a worker, in the inputs' order.
pub fn squares(inputs: &[u64]) -> Vec<u64> {
    let (sender, receiver) = mpsc::channel();
    // The worker takes jobs from a stack, last submitted first: results
    // come back in an order of its choosing, as they do from any pool.
    let mut jobs: Vec<(usize, u64)> = inputs.iter().copied().enumerate().collect();
    let worker = thread::spawn(move || {
        while let Some((index, input)) = jobs.pop() {
            sender.send((index, input * input)).unwrap();
        }
    });
    // One slot per input; each result goes to its index, whatever its order.
    let mut results = vec![0; inputs.len()];
    for (index, square) in receiver {
        results[index] = square;
    }
    worker.join().unwrap();
    results
}
