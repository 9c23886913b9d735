//! How many processes can run in parallel: ask the system, and have a fallback.
//! Chapter: docs/en/multiprocess.md, section "3. `cpu-count`: how many processes can run in parallel".
//!
//! This does not compile: read the types in the error.

fn main() {
    // TODO: `available_parallelism` can fail (a sandbox may hide the CPU
    // count), so it returns a `Result`, and its number is a `NonZeroUsize`.
    // Turn it into a `usize`, with 1 when the system cannot say.
    let workers: usize = std::thread::available_parallelism();
    println!("starting {workers} worker processes");
}
