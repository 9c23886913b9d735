//! How many processes can run in parallel: ask the system, and have a fallback.
//! Chapter: docs/en/multiprocess.md, section "3. `cpu-count`: how many processes can run in parallel".
//!
//! This does not compile: read the types in the error.

fn main() {
    // Python's `os.cpu_count()` may return None; here the type says so.
    let workers: usize = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("starting {workers} worker processes");
}
