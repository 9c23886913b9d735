//! The benchmark behind `bench/loops.sh`: N tasks, each one sleep of 0 to
//! 10 ms, spawned and awaited on the home-made loop or on tokio's
//! current-thread runtime. The futures are the same: one generic `nap`,
//! given each loop's own sleep, as `count` is in the `event-loop` example.
//!
//! ```sh
//! cargo run --release -p coroutine --example timers -- --on home --tasks 100000
//! cargo run --release -p coroutine --example timers -- --on tokio --tasks 100000
//! ```
//!
//! It prints one line, `100000 tasks in 0.1234 s`: the time from the
//! first spawn to the last task's end, so that starting the process and
//! drawing the random durations (done before) are not measured. The Python
//! twin is `bench/python/timers_asyncio.py`.

use std::future::Future;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use coroutine::executor::{self, EventLoop};
use rand::RngExt;

/// N tasks, each one sleep of 0 to 10 ms, on the loop chosen.
#[derive(Parser)]
struct Cli {
    /// Which loop runs the tasks.
    #[arg(long, value_enum)]
    on: Loop,
    /// How many tasks.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..=2_000_000))]
    tasks: u32,
    /// Seed for the durations.
    #[arg(long, default_value_t = shared::cli::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Loop {
    /// The home-made loop of `coroutine::executor`.
    Home,
    /// tokio's current-thread runtime.
    Tokio,
}

/// One task: one sleep, with the sleep of the loop it runs on.
async fn nap<S, F>(sleep: S, millis: u64)
where
    S: FnOnce(Duration) -> F,
    F: Future<Output = ()>,
{
    sleep(Duration::from_millis(millis)).await;
}

/// Spawns every nap, then awaits them in order; returns how long that took.
async fn home(naps: &[u64]) -> Result<Duration, executor::JoinError> {
    let started = Instant::now();
    let tasks: Vec<_> = naps.iter().map(|&millis| executor::spawn(nap(executor::sleep, millis))).collect();
    for task in tasks {
        task.await?;
    }
    Ok(started.elapsed())
}

/// The same on tokio.
async fn tokio(naps: &[u64]) -> Result<Duration, tokio::task::JoinError> {
    let started = Instant::now();
    let tasks: Vec<_> = naps.iter().map(|&millis| tokio::spawn(nap(tokio::time::sleep, millis))).collect();
    for task in tasks {
        task.await?;
    }
    Ok(started.elapsed())
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    let mut rng = shared::random::rng(cli.seed, 0);
    let naps: Vec<u64> = (0..cli.tasks).map(|_| rng.random_range(0..=10)).collect();
    let elapsed = match cli.on {
        Loop::Home => {
            let event_loop = EventLoop::new();
            let elapsed = event_loop
                .block_on(home(&naps))
                .map_err(|error| error.to_string())
                .and_then(|done| done.map_err(|error| error.to_string()));
            let _ = event_loop.close();
            elapsed
        }
        Loop::Tokio => match shared::launch::runtime(shared::Clock::Real) {
            Ok(runtime) => runtime.block_on(tokio(&naps)).map_err(|error| error.to_string()),
            Err(error) => Err(error.to_string()),
        },
    };
    match elapsed {
        Ok(elapsed) => {
            println!(
                "{} in {:.4} s",
                shared::timing::plural(cli.tasks, "task", "tasks"),
                elapsed.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
