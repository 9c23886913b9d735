//! One task per row, or one task per chunk of rows.
//! Chapter: docs/en/pool.md, section "4. `map`: a few large tasks instead of many small ones".

use std::thread;

/// The hypotenuse of every row, computed on threads; also returns how many
/// threads were started.
pub fn hypotenuses(rows: &[(f64, f64)], workers: usize) -> (Vec<f64>, usize) {
    // `map` with a chunk size: a few large tasks, one per worker.
    let size = rows.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(size)
            .map(|chunk| scope.spawn(move || chunk.iter().map(|&(a, b)| a.hypot(b)).collect::<Vec<_>>()))
            .collect();
        let tasks = handles.len();
        (handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect(), tasks)
    })
}
