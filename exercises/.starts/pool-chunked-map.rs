//! One task per row, or one task per chunk of rows.
//! Chapter: docs/en/pool.md, section "4. `map`: a few large tasks instead of many small ones".

use std::thread;

/// The hypotenuse of every row, computed on threads; also returns how many
/// threads were started.
pub fn hypotenuses(rows: &[(f64, f64)], workers: usize) -> (Vec<f64>, usize) {
    // TODO: this is `apply`: one thread per row, so starting threads costs
    // more than the work. Give each of `workers` threads one chunk of rows
    // (`rows.chunks(size)`) and concatenate the chunks' results in order.
    thread::scope(|scope| {
        let handles: Vec<_> = rows.iter().map(|&(a, b)| scope.spawn(move || a.hypot(b))).collect();
        let tasks = handles.len();
        (handles.into_iter().map(|handle| handle.join().unwrap()).collect(), tasks)
    })
}
