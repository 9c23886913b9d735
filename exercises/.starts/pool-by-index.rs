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
            // TODO: the result leaves without its index, so the receiver
            // cannot know which input it belongs to. Send both, and put each
            // result in its place below.
            let _ = index;
            sender.send(input * input).unwrap();
        }
    });
    let results: Vec<u64> = receiver.iter().collect();
    worker.join().unwrap();
    results
}
