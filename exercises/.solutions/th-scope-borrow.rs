//! Two threads read one borrowed slice.
//! Chapter: docs/en/threading.md, section "`thread::scope`: threads that borrow".
//!
//! This does not compile: `thread::spawn` wants data that lives forever.

use std::thread;

/// The sums of the first and second halves of `numbers`, one thread each.
pub fn sum_halves(numbers: &[u64]) -> (u64, u64) {
    let (left, right) = numbers.split_at(numbers.len() / 2);
    // A scope joins its threads before it returns, so they may borrow.
    thread::scope(|scope| {
        let left_sum = scope.spawn(|| left.iter().sum::<u64>());
        let right_sum = scope.spawn(|| right.iter().sum::<u64>());
        (left_sum.join().unwrap(), right_sum.join().unwrap())
    })
}
