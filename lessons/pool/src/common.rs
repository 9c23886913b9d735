//! What every method example shares: the flags, the table, the two pools,
//! and measuring a method against the sequential loop.
//!
//! A [`Method`] is one way to count the table: the sequential loop, or one
//! Python `Pool` method on the home-made pool or on rayon. Each example
//! module lists its methods; an example runs the loop and its own methods,
//! `compare` runs them all. The table is made once, and the pools started
//! once, before anything is timed; each method is timed alone, from the call
//! to its last result, and its results are checked against the loop's.

use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use shared::cli::{NoInstantArg, SeedArg, TimelineArg};
use shared::compare::{Comparison, Verdict, times};
use shared::timing::{duration, plural, plural_thousands, thousands};
use shared::{Failure, Options, println, span};

use shared::progress::Progress;

use crate::homemade::{Pool, TaskError};
use crate::table::{self, Row};

/// The most rows a table may have.
///
/// Memory sets it: the table takes 5 bytes a row and each method's results
/// one more, but `apply-async` queues a task for every row before the
/// workers take them, and at this size it peaks at about 0.7 GB (measured:
/// `/usr/bin/time -v`, release build). Python's tasks are far larger.
pub const MAX_ROWS: u32 = 20_000_000;

/// The most workers a pool may have: each is an OS thread with its own
/// stack, and past a few per core they only take turns.
pub const MAX_WORKERS: u32 = 256;

/// The table size of the original.
pub const DEFAULT_ROWS: u32 = 200_000;

/// `--rows`, `--seed`: the table; `--best-of`: how many times each method runs.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableArgs {
    /// Rows in the table, each five numbers from 0 to 9 (at most 20,000,000:
    /// apply-async queues a task per row, and needs about 0.7 GB at that size).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_ROWS, allow_negative_numbers = true, value_parser = parse_rows)]
    pub rows: u32,

    /// Run each method N times and report its fastest run (for benchmarks:
    /// the first run also pays for memory the process touches for the first
    /// time).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub best_of: u32,

    /// `--seed`: the table's numbers.
    #[command(flatten)]
    pub seed: SeedArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// `--workers`: the size of the pools.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkersArg {
    /// Worker threads in each pool (default: the available parallelism; at
    /// most 256).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = parse_workers)]
    pub workers: Option<u32>,
}

impl WorkersArg {
    /// The number of workers: `--workers`, or the available parallelism.
    pub fn workers(&self) -> usize {
        match self.workers {
            Some(workers) => workers as usize,
            None => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        }
    }
}

/// The shortest time this lesson compares with another. A pool wakes a
/// sleeping thread for a task in tens of microseconds, and a loop that short
/// is mostly the first touch of its memory: under this floor, a ratio of two
/// times is the noise's, and the lesson says "too short" instead.
pub const FLOOR: Duration = Duration::from_micros(100);

/// `time` against the sequential loop's time, for a table of `rows` rows:
/// nothing to compare for an empty table, too short under [`FLOOR`].
pub fn against_loop(sequential: Duration, time: Duration, rows: usize) -> Comparison<'static> {
    Comparison::new(sequential, time).floor(FLOOR).nothing_if(rows == 0, "the table has no rows")
}

/// Why no example of this lesson takes `--instant`.
pub const NO_INSTANT: &str = "the pools run on OS threads and the real clock: there is nothing to skip";

/// Makes the table of `--rows` and `--seed`, and says so.
pub fn make_table(args: &TableArgs, progress: &Progress) -> Arc<[Row]> {
    progress.step("making the table", None, || 0);
    let made = Instant::now();
    let table: Arc<[Row]> = table::generate(args.seed.seed, args.rows as usize).into();
    println!(
        "Table: {} × 5 numbers from 0 to 9, seed {} (made in {}, before any timing).",
        plural_thousands(table.len() as u64, "row", "rows"),
        args.seed.seed,
        duration(made.elapsed())
    );
    table
}

/// `--rows`: a whole number from 0 to [`MAX_ROWS`], with the reason when not.
pub fn parse_rows(text: &str) -> Result<u32, String> {
    let why = "apply-async queues a task per row, and needs about 0.7 GB at that size";
    parse_bounded(text, ("row", "rows"), 0, MAX_ROWS, why)
}

/// `--rows` of `dataframe`: from 0 to [`MAX_ROWS`], with the frame's reason.
pub fn parse_frame_rows(text: &str) -> Result<u32, String> {
    let why = "the frame, the loop's results and the column-wise squares take about 48 bytes a row: 1 GB at that size";
    parse_bounded(text, ("row", "rows"), 0, MAX_ROWS, why)
}

/// `--workers`: a whole number from 1 to [`MAX_WORKERS`].
pub fn parse_workers(text: &str) -> Result<u32, String> {
    parse_bounded(text, ("worker", "workers"), 1, MAX_WORKERS, "each worker is an OS thread")
}

/// `--chunk` of `apply-async`: rows per task, from 1 to [`MAX_ROWS`].
pub fn parse_chunk(text: &str) -> Result<u32, String> {
    parse_bounded(text, ("row per task", "rows per task"), 1, MAX_ROWS, "no table has more rows")
}

/// A whole number from `least` to `most`; when not, a message that says
/// which bound and why.
fn parse_bounded(
    text: &str,
    (one, many): (&str, &str),
    least: u32,
    most: u32,
    why: &str,
) -> Result<u32, String> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("not a whole number of {many}"));
    }
    let noun = |count: u32| if count == 1 { one } else { many };
    // Too many digits for any integer type is too large (or too small).
    let number: i128 = text.parse().unwrap_or(if text.starts_with('-') { i128::MIN } else { i128::MAX });
    if number < i128::from(least) {
        return Err(format!("at least {least} {}", noun(least)));
    }
    if number > i128::from(most) {
        return Err(format!("at most {} {} ({why})", thousands(u64::from(most)), noun(most)));
    }
    Ok(number as u32)
}

/// The table and the pools, made before anything is timed.
#[derive(Debug)]
pub struct Setup {
    /// The rows, shared by every task of every method.
    pub table: Arc<[Row]>,
    /// The sequential loop's counts: what every method must return.
    pub expected: Vec<u8>,
    /// How long the loop took (its fastest run, once [`measure_all`] is done).
    pub sequential: Duration,
    /// The home-made pool.
    pub pool: Pool,
    /// rayon's pool, with as many threads.
    pub rayon: rayon::ThreadPool,
    /// Rows per task for `apply-async` (1 unless `--chunk`).
    pub chunk: usize,
    /// Runs per method (`--best-of`); the fastest is reported.
    pub runs: u32,
}

impl Setup {
    /// Makes the table and starts the pools, and says so; then times the
    /// sequential loop, whose counts every method is checked against.
    pub fn new(
        args: &TableArgs,
        workers: WorkersArg,
        chunk: usize,
        progress: &Progress,
    ) -> Result<Setup, Failure> {
        let table = make_table(args, progress);
        let workers = workers.workers();
        println!(
            "Counting the numbers in [4, 8] in each row; each pool has {}.",
            plural(workers as u64, "worker thread", "worker threads")
        );
        let pool =
            Pool::new(workers).map_err(|error| Failure::new(format!("cannot start the pool: {error}")))?;
        let rayon = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|number| format!("rayon-{}", number + 1))
            .build()
            .map_err(|error| Failure::new(format!("cannot start rayon's pool: {error}")))?;
        progress.step("sequential", None, || 0);
        let started = Instant::now();
        let expected = span(0, "main").in_scope(|| crate::sequential::count(&table));
        let sequential = started.elapsed();
        Ok(Setup { table, expected, sequential, pool, rayon, chunk, runs: args.best_of })
    }

    /// The number of worker threads of each pool.
    pub fn workers(&self) -> usize {
        self.pool.workers()
    }
}

/// Which pool a method runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runner {
    /// [`crate::homemade::Pool`].
    HomeMade,
    /// rayon's pool.
    Rayon,
}

impl Runner {
    /// As the tables print it.
    pub fn name(self) -> &'static str {
        match self {
            Runner::HomeMade => "home-made",
            Runner::Rayon => "rayon",
        }
    }
}

/// One way to count the table.
#[derive(Clone, Copy, Debug)]
pub struct Method {
    /// The example it belongs to: `map`, `apply-async`.
    pub example: &'static str,
    /// The Python original: `Pool.map`.
    pub python: &'static str,
    /// Which pool runs it.
    pub runner: Runner,
    /// How it is written with that pool, in a few words.
    pub how: &'static str,
    /// How many tasks it gives the pool for this setup (a task is one job in
    /// the queue: a row for `apply`, a chunk of rows for `map`); `None` where
    /// rayon splits the work by itself.
    pub tasks: Option<fn(&Setup) -> usize>,
    /// The counts, one per row.
    pub count: fn(&Setup) -> Result<Vec<u8>, TaskError>,
}

/// Tasks of the map family: Python's default chunks on the home-made pool.
pub fn map_tasks(setup: &Setup) -> usize {
    setup.table.len().div_ceil(crate::homemade::default_chunk_size(setup.table.len(), setup.workers()))
}

/// Tasks of one per row.
pub fn row_tasks(setup: &Setup) -> usize {
    setup.table.len()
}

/// What one method did.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The method.
    pub method: Method,
    /// From the call to the last result.
    pub time: Duration,
    /// Tasks it gave its pool, when it chose them.
    pub tasks: Option<usize>,
    /// Its first ten counts (fewer for a smaller table).
    pub first_ten: Vec<u8>,
    /// `Ok` when its counts equal the sequential loop's; else what was wrong.
    pub check: Result<(), String>,
}

impl Measured {
    /// This method against the sequential loop ([`against_loop`]): its
    /// speed-up, or why there is none to state.
    pub fn against_loop(&self, setup: &Setup) -> Verdict {
        against_loop(setup.sequential, self.time, setup.table.len()).verdict()
    }

    /// Wall time above the sequential loop's, per task: what each task cost
    /// beyond the counting, when the method was measurably slower than the
    /// loop (`None` when the times are too short to compare).
    pub fn overhead_per_task(&self, setup: &Setup) -> Option<Duration> {
        let tasks = self.tasks.filter(|&tasks| tasks > 0)?;
        self.against_loop(setup).ratio()?;
        let above = self.time.checked_sub(setup.sequential).filter(|above| !above.is_zero())?;
        Some(above.div_f64(tasks as f64))
    }
}

/// Runs the loop and every method `--best-of` times, in rounds (the loop,
/// then each method, then again), so that a machine that slows down for a
/// while slows every method alike; keeps each one's fastest run, and checks
/// the counts of every run, outside the timing.
pub fn measure_all(methods: &[Method], setup: &mut Setup, progress: &Progress) -> Vec<Measured> {
    let mut measured: Vec<Measured> = methods
        .iter()
        .map(|method| Measured {
            method: *method,
            time: Duration::MAX,
            tasks: method.tasks.map(|tasks| tasks(setup)),
            first_ten: Vec::new(),
            check: Ok(()),
        })
        .collect();
    for round in 0..setup.runs {
        if round > 0 {
            // The first round's loop ran in `Setup::new`, and made `expected`.
            progress.step("sequential", None, || 0);
            let started = Instant::now();
            let counts = span(0, "main").in_scope(|| crate::sequential::count(&setup.table));
            setup.sequential = setup.sequential.min(started.elapsed());
            drop(counts);
        }
        for result in &mut measured {
            run_once(result, setup, progress);
        }
    }
    measured
}

/// One timed run of `result`'s method, its counts checked afterwards.
fn run_once(result: &mut Measured, setup: &Setup, progress: &Progress) {
    let method = result.method;
    let label = format!("{} ({})", method.example, method.runner.name());
    if let (Runner::HomeMade, Some(tasks)) = (method.runner, result.tasks) {
        let finished = setup.pool.finished_tasks();
        let before = finished();
        progress.step(label, Some(tasks as u64), move || finished() - before);
    } else {
        progress.step(label, None, || 0);
    }
    let started = Instant::now();
    let counted = span(0, "main").in_scope(|| (method.count)(setup));
    result.time = result.time.min(started.elapsed());
    let checked = match counted {
        Ok(counts) => {
            result.first_ten = counts.iter().take(10).copied().collect();
            same_as(&counts, &setup.expected)
        }
        Err(error) => Err(error.to_string()),
    };
    // The first problem is the one reported.
    if result.check.is_ok() {
        result.check = checked;
    }
}

/// Runs `work` `runs` times (at least once) and returns the fastest run's
/// time. Each run's result goes to `inspect`, outside the timing, before the
/// next run starts: what `inspect` does not keep is freed, and the next run
/// can reuse its memory.
pub fn best_of<T>(runs: u32, mut work: impl FnMut() -> T, mut inspect: impl FnMut(T)) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let result = work();
        best = best.min(started.elapsed());
        inspect(result);
    }
    best
}

/// ` (fastest of 5 runs)`, or nothing for one run.
pub fn runs_note(runs: u32) -> String {
    if runs > 1 { format!(" (fastest of {runs} runs)") } else { String::new() }
}

/// `Ok` when `counts` equals `expected`; else where they first differ.
fn same_as(counts: &[u8], expected: &[u8]) -> Result<(), String> {
    if counts.len() != expected.len() {
        return Err(format!("{} counts for {} rows", counts.len(), expected.len()));
    }
    match counts.iter().zip(expected).position(|(count, expected)| count != expected) {
        None => Ok(()),
        Some(row) => Err(format!("row {row}: {} where the loop counted {}", counts[row], expected[row])),
    }
}

/// The run of one method example: the loop, then `methods`, a few lines
/// each. Returns what was measured, for the example's own conclusions.
pub fn run_methods(
    args: &TableArgs,
    workers: WorkersArg,
    chunk: usize,
    methods: &[Method],
) -> Result<(Setup, Vec<Measured>), Failure> {
    let progress = Progress::start("starting");
    let mut setup = Setup::new(args, workers, chunk, &progress)?;
    let measured = measure_all(methods, &mut setup, &progress);
    progress.finish();
    println!();
    print_sequential(&setup);
    for result in &measured {
        print_measured(result, &setup);
    }
    Ok((setup, measured))
}

/// A method example's whole run: refuse `--instant`, run the loop and
/// `methods` (one task per row for `apply-async`), fail if one miscounted.
pub fn run_example(
    table: &TableArgs,
    workers: WorkersArg,
    timeline: TimelineArg,
    methods: &[Method],
) -> ExitCode {
    run_example_chunked(table, workers, 1, timeline, methods)
}

/// [`run_example`] with `chunk` rows per `apply-async` task.
pub fn run_example_chunked(
    table: &TableArgs,
    workers: WorkersArg,
    chunk: usize,
    timeline: TimelineArg,
    methods: &[Method],
) -> ExitCode {
    if let Err(code) = table.no_instant.refuse(NO_INSTANT) {
        return code;
    }
    shared::run_blocking(options(timeline, chart_title(methods)), || {
        let (_, measured) = run_methods(table, workers, chunk, methods)?;
        check_all(&measured)
    })
}

/// The loop's lines.
pub fn print_sequential(setup: &Setup) {
    println!("sequential loop: {}{}", duration(setup.sequential), runs_note(setup.runs));
    println!("  first ten counts: {:?}", &setup.expected[..setup.expected.len().min(10)]);
}

/// A method's lines: its time, its speed against the loop, its first ten
/// counts, and whether they are right.
pub fn print_measured(result: &Measured, setup: &Setup) {
    let method = &result.method;
    let tasks = match result.tasks {
        Some(tasks) => plural_thousands(tasks as u64, "task", "tasks"),
        None => "tasks split by rayon".into(),
    };
    let pace = match result.against_loop(setup) {
        Verdict::Ratio(speed_up) => format!(", {} the loop's speed", times(speed_up)),
        Verdict::TooShort { floor } => {
            let short = if setup.sequential < floor { "the loop's time" } else { "its time" };
            format!(", too short to compare with the loop ({short} is under {})", duration(floor))
        }
        Verdict::NothingToCompare => String::new(),
    };
    println!(
        "{} on the {} pool ({}, {tasks}): {}{}{pace}",
        method.python,
        method.runner.name(),
        method.how,
        duration(result.time),
        runs_note(setup.runs)
    );
    match &result.check {
        Ok(()) => println!(
            "  first ten counts: {:?} (all {} equal to the loop's)",
            result.first_ten,
            plural_thousands(setup.expected.len() as u64, "count", "counts")
        ),
        Err(problem) => println!("  WRONG: {problem}"),
    }
}

/// The failure when any method's counts were wrong.
pub fn check_all(measured: &[Measured]) -> Result<(), Failure> {
    let wrong: Vec<String> = measured
        .iter()
        .filter(|result| result.check.is_err())
        .map(|result| format!("{} ({})", result.method.example, result.method.runner.name()))
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "these methods did not count what the sequential loop counted: {}",
            wrong.join(", ")
        )))
    }
}

/// The options every method example runs with: the chart, when
/// `--timeline` is given, titled with what ran (`title`).
pub fn options(timeline: TimelineArg, title: impl Into<String>) -> Options {
    Options::new().timeline(timeline).chart_title(title)
}

/// The chart's title for a run of the loop and `methods`: what ran. The
/// home-made pool's workers have rows of their own; rayon's threads record
/// nothing, so a rayon method shows as the main thread's bar.
pub fn chart_title(methods: &[Method]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for method in methods {
        if !names.contains(&method.python) {
            names.push(method.python);
        }
    }
    format!("The loop, then {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_of_runs_the_work_that_many_times_and_keeps_the_fastest() {
        let mut runs = 0;
        let mut seen = Vec::new();
        let started = Instant::now();
        let best = best_of(
            3,
            || {
                runs += 1;
                (0..100_000u64).map(std::hint::black_box).sum::<u64>() + runs
            },
            |result| seen.push(result),
        );
        let total = started.elapsed();
        assert_eq!(seen, [4_999_950_001, 4_999_950_002, 4_999_950_003]);
        // The fastest of three runs took at most their average.
        assert!(best <= total / 3, "{best:?} of {total:?}");
        let mut once = 0;
        let _ = best_of(0, || once += 1, drop);
        assert_eq!(once, 1, "at least one run");
    }

    #[test]
    fn sizes_out_of_range_are_refused_with_the_reason() {
        assert_eq!(parse_rows("200000"), Ok(200_000));
        assert_eq!(parse_rows("0"), Ok(0));
        assert_eq!(parse_rows("-1"), Err("at least 0 rows".into()));
        assert!(parse_rows("20000001").unwrap_err().contains("at most 20,000,000 rows (apply-async"));
        assert!(parse_rows("9".repeat(60).as_str()).unwrap_err().starts_with("at most"));
        assert_eq!(parse_rows(&format!("-{}", "9".repeat(60))), Err("at least 0 rows".into()));
        assert_eq!(parse_rows("many"), Err("not a whole number of rows".into()));
        assert_eq!(parse_rows("1.5"), Err("not a whole number of rows".into()));
        assert_eq!(parse_workers("0"), Err("at least 1 worker".into()));
        assert!(parse_workers("257").unwrap_err().starts_with("at most 256 workers"));
    }
}
