//! Two threads read one borrowed slice.
//! Chapter: docs/en/threading.md, section "`thread::scope`: threads that borrow".
//!
//! This does not compile: `thread::spawn` wants data that lives forever.

use std::thread;

/// The sums of the first and second halves of `numbers`, one thread each.
pub fn sum_halves(numbers: &[u64]) -> (u64, u64) {
    let (left, right) = numbers.split_at(numbers.len() / 2);
    // TODO: these threads borrow `left` and `right`, which `thread::spawn`
    // cannot allow (the threads might outlive them). Use threads that are
    // guaranteed to end before this function returns.
    let left_sum = thread::spawn(|| left.iter().sum::<u64>());
    let right_sum = thread::spawn(|| right.iter().sum::<u64>());
    (left_sum.join().unwrap(), right_sum.join().unwrap())
}
