//! Two limits of this machine that the `pool` lesson runs into, measured with
//! std alone; `bench/pool.sh` compiles it with `rustc -O` and runs it.
//!
//!     machine [MIB] [ROUNDS]      defaults: 1024 MiB, 5 rounds
//!
//! - **Memory bandwidth**: sums a buffer far larger than the caches, as
//!   `u64`s (the compiler makes the loop as wide as the processor allows), on
//!   one thread and then on every thread, a slice each; the best round of
//!   each, in GB/s (10^9 bytes). No loop that streams a table can beat it.
//! - **A hand-off between two threads**: a number sent to another thread over
//!   one channel and sent back over another, 100,000 times; the round trip,
//!   once with both threads sleeping in `recv` while they wait, once with
//!   both checking `try_recv` in a loop instead. Every task a pool hands out
//!   costs at least such a trip.
//!
//! Prints `key value` lines: `read_1`, `read_N` (GB/s), `trip_sleeping`,
//! `trip_spinning` (nanoseconds).

use std::hint::black_box;
use std::sync::mpsc;
use std::time::Instant;

fn sum(words: &[u64]) -> u64 {
    words.iter().fold(0u64, |total, &word| total.wrapping_add(word))
}

/// GB/s of the best of `rounds` sums of `words` split among `threads`.
fn read_bandwidth(words: &[u64], threads: usize, rounds: usize) -> f64 {
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

/// Waits for a message: asleep in `recv`, or checking `try_recv` in a loop.
fn receive(receiver: &mpsc::Receiver<u64>, spin: bool) -> Option<u64> {
    if spin {
        loop {
            match receiver.try_recv() {
                Ok(value) => return Some(value),
                Err(mpsc::TryRecvError::Empty) => std::hint::spin_loop(),
                Err(mpsc::TryRecvError::Disconnected) => return None,
            }
        }
    }
    receiver.recv().ok()
}

/// Nanoseconds per round trip to another thread and back, over `trips`.
fn round_trip(trips: u32, spin: bool) -> f64 {
    let (to_echo, echo_inbox) = mpsc::channel::<u64>();
    let (to_main, main_inbox) = mpsc::channel::<u64>();
    let echo = std::thread::spawn(move || {
        while let Some(value) = receive(&echo_inbox, spin) {
            if to_main.send(value + 1).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    for trip in 0..u64::from(trips) {
        to_echo.send(trip).unwrap();
        black_box(receive(&main_inbox, spin));
    }
    let nanoseconds = started.elapsed().as_nanos() as f64 / f64::from(trips);
    drop(to_echo);
    echo.join().unwrap();
    nanoseconds
}

fn main() {
    let mut args = std::env::args().skip(1).map(|arg| arg.parse::<usize>().expect("a whole number"));
    let mib = args.next().unwrap_or(1024);
    let rounds = args.next().unwrap_or(5);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Written once, so that every page is really there before timing.
    let words: Vec<u64> = (0..mib * 1024 * 1024 / 8).map(|word| word as u64).collect();
    println!("read_1 {:.2}", read_bandwidth(&words, 1, rounds));
    println!("read_{threads} {:.2}", read_bandwidth(&words, threads, rounds));
    drop(words);
    println!("trip_sleeping {:.0}", round_trip(100_000, false));
    // Two threads spinning need two cores; on one, each trip would wait for
    // the scheduler to switch, so the figure would mean nothing.
    if threads > 1 {
        println!("trip_spinning {:.0}", round_trip(100_000, true));
    }
}
