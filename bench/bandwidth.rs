//! How fast this machine reads memory: the physical limit of any loop that
//! streams through a table. Std only; `bench/pool.sh` compiles it with
//! `rustc -O` and runs it.
//!
//!     bandwidth [MIB] [ROUNDS]      defaults: 1024 MiB, 5 rounds
//!
//! Sums a buffer far larger than the caches, as `u64`s (the compiler makes
//! the loop as wide as the processor allows), on one thread and then on
//! every thread, each split a slice per thread; prints the best round of
//! each as `threads GB/s` lines (GB = 10^9 bytes).

use std::hint::black_box;
use std::time::Instant;

fn sum(words: &[u64]) -> u64 {
    words.iter().fold(0u64, |total, &word| total.wrapping_add(word))
}

/// GB/s of the best of `rounds` sums of `words` split among `threads`.
fn best(words: &[u64], threads: usize, rounds: usize) -> f64 {
    let bytes = std::mem::size_of_val(words) as f64;
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            let piece = words.len().div_ceil(threads);
            let total = std::thread::scope(|scope| {
                let sums: Vec<_> = words.chunks(piece).map(|part| scope.spawn(move || sum(black_box(part)))).collect();
                sums.into_iter().map(|handle| handle.join().unwrap()).fold(0u64, u64::wrapping_add)
            });
            black_box(total);
            bytes / started.elapsed().as_secs_f64() / 1e9
        })
        .fold(0.0, f64::max)
}

fn main() {
    let mut args = std::env::args().skip(1).map(|arg| arg.parse::<usize>().expect("a whole number"));
    let mib = args.next().unwrap_or(1024);
    let rounds = args.next().unwrap_or(5);
    // Written once, so that every page is really there before timing.
    let words: Vec<u64> = (0..mib * 1024 * 1024 / 8).map(|word| word as u64).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("1 {:.2}", best(&words, 1, rounds));
    if threads > 1 {
        println!("{threads} {:.2}", best(&words, threads, rounds));
    }
}
