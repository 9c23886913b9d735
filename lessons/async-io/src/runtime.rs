//! # `runtime`: one thread, or a thread per core
//!
//! Beyond the seeds. Every other example of this lesson runs on tokio's
//! *current-thread* runtime: one thread polls every task, as Python's event
//! loop does. `#[tokio::main]` without arguments builds the other kind, the
//! *multi-threaded* runtime: a worker thread per core, each polling tasks,
//! and a worker with nothing to do steals tasks from a busy one. Waiting
//! overlaps on both; on the multi-threaded one, running does too.
//!
//! [`on_current_thread`] and [`on_worker_threads`] spawn the same tasks on
//! each; every task does a little CPU work and says which thread it ran on.
//!
//! ## Why `tokio::spawn` wants `Send + 'static`
//!
//! On the multi-threaded runtime a task may start on one worker and, after
//! an `.await`, resume on another: whatever the task holds across an
//! `.await` moves between threads, so it must be `Send`. And the task may
//! outlive the function that spawned it, so it may not borrow that
//! function's locals: it must be `'static`. `tokio::spawn` asks for both on
//! either runtime (it cannot know which one it will land on). An `Rc` held
//! across an `.await` is refused with "future cannot be sent between
//! threads safely" (an error rustc gives no number):
//!
//! ```compile_fail
#![doc = include_str!("../doc/rc_across_await.rs")]
//! ```
//!
//! The same task with an `Arc` compiles; the two differ only in that:
//!
//! ```
#![doc = include_str!("../doc/arc_across_await.rs")]
//! ```
//!
//! A task that borrows a local of the function that spawns it is refused
//! with E0373, "async block may outlive the current function"; `async
//! move` moves the local in, and compiles:
//!
//! ```compile_fail,E0373
#![doc = include_str!("../doc/borrowed_local.rs")]
//! ```
//!
//! ```
#![doc = include_str!("../doc/moved_local.rs")]
//! ```
//!
//! [`fixes`] shows the three ways out: move owned data in, share with an
//! `Arc`, or keep the `Rc` and run the task on the thread that made it
//! (`spawn_local` on a `LocalSet`).

use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shared::cli::{NoInstantArg, TimelineArg};
use shared::timing::{plural, secs};
use shared::{Failure, Instrument, Options, println, span};

// ANCHOR: runtimes
/// A task: `work` of CPU time, then the name of the thread it ran on.
pub async fn task(work: Duration) -> String {
    let start = Instant::now();
    while start.elapsed() < work {
        std::hint::spin_loop(); // computing: this holds the thread, as CPU work does
    }
    std::thread::current().name().unwrap_or("unnamed").to_string()
}

/// Spawns `tasks` tasks on the runtime we are in and waits for them all.
pub async fn spawn_all(tasks: usize, work: Duration) -> Result<Vec<String>, Failure> {
    let handles: Vec<_> = (0..tasks)
        .map(|row| tokio::spawn(task(work).instrument(span(row, format!("task {}", row + 1)))))
        .collect();
    let mut threads = Vec::new();
    for handle in handles {
        threads.push(handle.await?);
    }
    Ok(threads)
}

/// The runtime the lessons use: one thread, the caller's, polls every task.
pub fn on_current_thread(tasks: usize, work: Duration) -> Result<Vec<String>, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(cannot_build)?;
    runtime.block_on(spawn_all(tasks, work))
}

/// `#[tokio::main]`'s runtime: `workers` threads (one per core by default),
/// each polling tasks and stealing from the others when idle.
pub fn on_worker_threads(workers: usize, tasks: usize, work: Duration) -> Result<Vec<String>, Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name_fn(worker_name)
        .enable_all()
        .build()
        .map_err(cannot_build)?;
    runtime.block_on(spawn_all(tasks, work))
}
// ANCHOR_END: runtimes

// ANCHOR: fixes
/// The three ways to satisfy `Send + 'static`; each returns what its task saw.
pub async fn fixes() -> Result<[String; 3], Failure> {
    // 1. Move owned data in: the task owns its copy, nothing is borrowed.
    let guests = ["Ada".to_string(), "Grace".to_string()];
    let moved = tokio::spawn(async move {
        tokio::task::yield_now().await;
        guests.join(", ")
    });

    // 2. Share with an Arc: its count is atomic, so it may change threads.
    let shared = Arc::new(vec!["Ada", "Grace"]);
    let for_the_task = Arc::clone(&shared);
    let arc = tokio::spawn(async move {
        tokio::task::yield_now().await;
        for_the_task.join(", ")
    });

    // 3. Keep the Rc, and keep the task on this thread: a LocalSet runs
    //    `spawn_local` tasks, which need no `Send`, on the thread that owns it.
    let local = tokio::task::LocalSet::new();
    let rc = local
        .run_until(async {
            let guests = Rc::new(vec!["Ada", "Grace"]);
            tokio::task::spawn_local(async move {
                tokio::task::yield_now().await;
                guests.join(", ")
            })
            .await
        })
        .await;

    Ok([moved.await?, arc.await?, rc?])
}
// ANCHOR_END: fixes

/// The most tasks `--tasks` accepts.
pub const MAX_TASKS: usize = 64;

/// The most worker threads `--workers` accepts.
pub const MAX_WORKERS: usize = 64;

/// The CPU work of each task.
pub const WORK: Duration = Duration::from_millis(100);

/// Flags of `runtime`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// How many tasks each runtime runs.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=MAX_TASKS as i64))]
    pub tasks: u16,

    /// Worker threads of the multi-threaded runtime (default: one per core,
    /// as `#[tokio::main]`).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_WORKERS as i64))]
    pub workers: Option<u16>,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// `worker 1`, `worker 2`, …: tokio calls this for each thread it starts.
fn worker_name() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("worker {}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn cannot_build(error: std::io::Error) -> Failure {
    Failure::new(format!("cannot start the async runtime: {error}"))
}

/// Runs one runtime's tasks in a chart of its own and prints where each ran.
fn report(title: &str, run: impl FnOnce() -> Result<Vec<String>, Failure>) -> Result<(), Failure> {
    let chart = shared::timeline::current().new_chart(title);
    let _chart = shared::timeline::install(chart);
    println!("{title}:");
    let start = Instant::now();
    let threads = run()?;
    let took = start.elapsed();
    for (number, thread) in threads.iter().enumerate() {
        println!("  task {} ran on {thread}", number + 1);
    }
    let mut distinct = threads.clone();
    distinct.sort();
    distinct.dedup();
    println!(
        "  {} of {} of CPU work each took {} on {}",
        plural(threads.len() as u64, "task", "tasks"),
        secs(WORK),
        secs(took),
        plural(distinct.len() as u64, "thread", "threads"),
    );
    Ok(())
}

/// Runs the example: the same tasks on each runtime, then the fixes.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(
        "the tasks here compute, which no clock can skip, and tokio's paused clock runs only on the current-thread runtime",
    ) {
        return code;
    }
    let tasks = usize::from(args.tasks);
    let workers = args
        .workers
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |cores| cores.get()));
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        report("the lessons' runtime: current-thread", || on_current_thread(tasks, WORK))?;
        let title =
            format!("#[tokio::main]: multi-threaded, {}", plural(workers as u64, "worker", "workers"));
        report(&title, || on_worker_threads(workers, tasks, WORK))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .map_err(cannot_build)?;
        let [moved, arc, rc] = runtime.block_on(fixes())?;
        println!("tokio::spawn wants Send + 'static; an Rc held across .await is refused. The fixes:");
        println!("  move owned data in:        {moved}");
        println!("  share with an Arc:         {arc}");
        println!("  spawn_local on a LocalSet: {rc}");
        Ok(())
    })
}
