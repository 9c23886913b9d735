//! What every method example shares: the flags, the table, the two pools,
//! and measuring a method against the sequential loop.
//!
//! A [`Method`] is one Python `Pool` method with its port on each pool; the
//! one table of them is [`crate::compare::METHODS`]. An example runs the loop
//! and its own row of that table ([`run_example`]), `compare` runs them all.
//! The table is made once, and the pools started once, before anything is
//! timed; each method is timed alone, from the call to its last result, and
//! its results are checked against the loop's.

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
    /// How long the loop took (its fastest run, once [`run_example`] has
    /// timed every round).
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

/// One Python `Pool` method, and its port on each pool: a row of the one
/// table of methods, [`crate::compare::METHODS`].
#[derive(Clone, Copy, Debug)]
pub struct Method {
    /// The example it belongs to: `map`, `apply-async`.
    pub example: &'static str,
    /// The Python original: `Pool.map`.
    pub python: &'static str,
    /// How many tasks it gives the pool.
    pub tasks: Tasks,
    /// The port on the home-made pool.
    pub home_made: Port,
    /// The same with rayon.
    pub rayon: Port,
}

/// A method written for one pool.
#[derive(Clone, Copy, Debug)]
pub struct Port {
    /// How it is written with that pool, in a few words.
    pub how: &'static str,
    /// The counts, one per row: a call of the example's port.
    pub count: fn(&Setup) -> Result<Vec<u8>, TaskError>,
}

/// How many tasks a method gives its pool (a task is one job in the queue:
/// a row for `apply`, a chunk of rows for `map`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tasks {
    /// One per row.
    EachRow,
    /// Python's default chunks on the home-made pool, four per worker;
    /// rayon splits the work by itself.
    DefaultChunks,
    /// One per `--chunk` rows.
    ChunkFlag,
}

impl Method {
    /// Its two ports, home-made first.
    pub fn ports(&self) -> [(Runner, Port); 2] {
        [(Runner::HomeMade, self.home_made), (Runner::Rayon, self.rayon)]
    }

    /// How many tasks it gives `runner`'s pool for this setup; `None` where
    /// rayon splits the work by itself.
    pub fn tasks(&self, runner: Runner, setup: &Setup) -> Option<usize> {
        let rows = setup.table.len();
        match (self.tasks, runner) {
            (Tasks::EachRow, _) => Some(rows),
            (Tasks::ChunkFlag, _) => Some(rows.div_ceil(setup.chunk)),
            (Tasks::DefaultChunks, Runner::HomeMade) => {
                Some(rows.div_ceil(crate::homemade::default_chunk_size(rows, setup.workers())))
            }
            (Tasks::DefaultChunks, Runner::Rayon) => None,
        }
    }
}

/// What one method did on one pool.
#[derive(Clone, Debug)]
pub struct Measured {
    /// The method.
    pub method: Method,
    /// The pool it ran on.
    pub runner: Runner,
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
    /// The port that ran.
    pub fn port(&self) -> Port {
        match self.runner {
            Runner::HomeMade => self.method.home_made,
            Runner::Rayon => self.method.rayon,
        }
    }

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

    /// Keeps `counted` if it is the fastest run yet, and the first problem
    /// with its counts.
    fn record(&mut self, time: Duration, counted: Result<Vec<u8>, TaskError>, expected: &[u8]) {
        self.time = self.time.min(time);
        let checked = match counted {
            Ok(counts) => {
                self.first_ten = counts.iter().take(10).copied().collect();
                same_as(&counts, expected)
            }
            Err(error) => Err(error.to_string()),
        };
        // The first problem is the one reported.
        if self.check.is_ok() {
            self.check = checked;
        }
    }
}

/// `--rows`, `--seed`, `--best-of`, `--workers`, `--timeline`: the flags of
/// every method example.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolArgs {
    /// `--rows`, `--seed`, `--best-of`.
    #[command(flatten)]
    pub table: TableArgs,
    /// `--workers`.
    #[command(flatten)]
    pub workers: WorkersArg,
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,
}

/// A method example's whole run: refuses `--instant`; makes the table and
/// the pools; times the loop and each of `methods` on both pools, with
/// `chunk` rows per `apply-async` task; `report` prints what was measured;
/// fails if a method miscounted.
///
/// With `--best-of`, everything runs in rounds (the loop, then each method,
/// then again), so that a machine that slows down for a while slows every
/// method alike; each keeps its fastest run, and the counts of every run are
/// checked, outside the timing.
pub fn run_example(
    args: &PoolArgs,
    chunk: usize,
    methods: &[Method],
    report: impl FnOnce(&Setup, &[Measured]),
) -> ExitCode {
    if let Err(code) = args.table.no_instant.refuse(NO_INSTANT) {
        return code;
    }
    shared::run_blocking(options(args.timeline, chart_title(methods)), || {
        let progress = Progress::start("starting");
        let mut setup = Setup::new(&args.table, args.workers, chunk, &progress)?;
        let mut measured = to_measure(methods, &setup);
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
                show_progress(result, &setup, &progress);
                let started = Instant::now();
                let counted = span(0, "main").in_scope(|| (result.port().count)(&setup)); // the port
                result.record(started.elapsed(), counted, &setup.expected);
            }
        }
        progress.finish();
        println!();
        report(&setup, &measured);
        check_all(&measured)
    })
}

/// Each of `methods` on each pool, not yet run.
fn to_measure(methods: &[Method], setup: &Setup) -> Vec<Measured> {
    let ports = methods.iter().flat_map(|method| method.ports().map(|(runner, _)| (*method, runner)));
    ports
        .map(|(method, runner)| Measured {
            method,
            runner,
            time: Duration::MAX,
            tasks: method.tasks(runner, setup),
            first_ten: Vec::new(),
            check: Ok(()),
        })
        .collect()
}

/// The progress bar's step for `result`'s next run: with a count of tasks
/// done where the home-made pool keeps one.
fn show_progress(result: &Measured, setup: &Setup, progress: &Progress) {
    let label = format!("{} ({})", result.method.example, result.runner.name());
    if let (Runner::HomeMade, Some(tasks)) = (result.runner, result.tasks) {
        let finished = setup.pool.finished_tasks();
        let before = finished();
        progress.step(label, Some(tasks as u64), move || finished() - before);
    } else {
        progress.step(label, None, || 0);
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

/// What a method example prints: the loop's lines, then each method's.
pub fn print_each(setup: &Setup, measured: &[Measured]) {
    print_sequential(setup);
    for result in measured {
        print_measured(result, setup);
    }
}

/// The loop's lines.
pub fn print_sequential(setup: &Setup) {
    println!("sequential loop: {}{}", duration(setup.sequential), runs_note(setup.runs));
    println!("  first ten counts: {:?}", &setup.expected[..setup.expected.len().min(10)]);
}

/// A method's lines: its time, its speed against the loop, its first ten
/// counts, and whether they are right.
pub fn print_measured(result: &Measured, setup: &Setup) {
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
        result.method.python,
        result.runner.name(),
        result.port().how,
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
        .map(|result| format!("{} ({})", result.method.example, result.runner.name()))
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
    match methods {
        [method] => format!("The loop, then {}", method.python),
        _ => "The loop, then every method".into(),
    }
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
