//! Honest timing: which clock a run is on, a stopwatch that reads it, and the
//! footer the originals end with (`count executed in 1.00 seconds.`).
//!
//! Most runs are on the real clock, read with [`std::time::Instant`]; that is
//! all a synchronous example, a thread or a child process ever sees. An async
//! example may instead run on tokio's *paused* clock (`--instant`): time
//! stands still, and whenever every task waits, tokio jumps straight to the
//! next timer, so hours of sleeping pass in milliseconds. [`Clock::now`] reads
//! whichever clock the run is on, so every duration the course prints is
//! true, and the footer says when it is virtual.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

/// Which clock a run is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Wall-clock time: sleeping one second takes one second.
    Real,
    /// tokio's paused clock: time jumps ahead whenever every task waits.
    /// Only inside a tokio runtime started paused (see [`crate::run_async`]).
    Virtual,
}

thread_local! {
    /// The clock of the run this thread belongs to (set by the launchers).
    static CURRENT: Cell<Clock> = const { Cell::new(Clock::Real) };
}

impl Clock {
    /// `Virtual` when `--instant` was given.
    pub fn from_instant_flag(instant: bool) -> Clock {
        if instant { Clock::Virtual } else { Clock::Real }
    }

    /// True for the paused clock.
    pub fn is_virtual(self) -> bool {
        self == Clock::Virtual
    }

    /// The clock of the run on this thread: `Virtual` inside an `--instant`
    /// run, `Real` everywhere else (other threads included).
    pub fn current() -> Clock {
        CURRENT.with(Cell::get)
    }

    /// Makes `self` the clock of this thread until the guard is dropped.
    pub fn install(self) -> ClockGuard {
        ClockGuard { previous: CURRENT.with(|current| current.replace(self)) }
    }

    /// Now, on this clock. On the paused clock this is tokio's simulated
    /// time, expressed as a std `Instant` so that both kinds subtract alike.
    pub fn now(self) -> Instant {
        match self {
            Clock::Real => Instant::now(),
            Clock::Virtual => tokio::time::Instant::now().into_std(),
        }
    }

    /// Holds the calling thread for `duration`, the way CPU work or Python's
    /// `time.sleep` does: nothing else runs on this thread meanwhile.
    ///
    /// On the real clock this is [`std::thread::sleep`]. On the paused clock
    /// a sleeping thread would never see time move (tokio only jumps the
    /// clock when the runtime is idle, and a sleeping thread keeps it busy),
    /// so the clock is moved forward by `duration` on the spot instead, with
    /// no other task running in between: to every task it looks exactly as if
    /// the thread had been busy for that long. Inside a virtual run, call it
    /// from the runtime's thread.
    pub fn block_for(self, duration: Duration) {
        match self {
            Clock::Real => std::thread::sleep(duration),
            Clock::Virtual => jump_clock_ahead(duration),
        }
    }
}

/// Restores the previous clock of the thread when dropped.
#[derive(Debug)]
#[must_use = "the clock is installed only until this guard is dropped"]
pub struct ClockGuard {
    previous: Clock,
}

impl Drop for ClockGuard {
    fn drop(&mut self) {
        CURRENT.with(|current| current.set(self.previous));
    }
}

/// Moves the paused clock forward without giving other tasks a turn.
///
/// `tokio::time::advance` is an `async fn`: its first poll moves the clock,
/// then it yields once so that timers can fire. Polling it exactly once, with
/// a waker that does nothing, keeps the first half and drops the yield, which
/// is what a blocking call must do. Timers that fell due meanwhile fire as
/// soon as the thread gets back to the runtime, as they would after a real
/// block.
fn jump_clock_ahead(duration: Duration) {
    let mut advance = pin!(tokio::time::advance(duration));
    let mut context = Context::from_waker(Waker::noop());
    // The first poll has done the work; its `Pending` is the skipped yield.
    let _ = advance.as_mut().poll(&mut context);
}

/// Measures one run, or part of one, on the run's clock.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch {
    clock: Clock,
    started: Instant,
}

impl Stopwatch {
    /// Starts measuring now, on this thread's clock ([`Clock::current`]).
    pub fn start() -> Stopwatch {
        Stopwatch::start_on(Clock::current())
    }

    /// Starts measuring now on `clock`.
    pub fn start_on(clock: Clock) -> Stopwatch {
        Stopwatch { clock, started: clock.now() }
    }

    /// Time since the start (simulated on the paused clock).
    pub fn elapsed(&self) -> Duration {
        self.clock.now().saturating_duration_since(self.started)
    }

    /// The clock this stopwatch reads.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The closing line of the originals, `{prefix} 1.00 seconds.`, marked
    /// as virtual time on the paused clock.
    pub fn footer(&self, prefix: &str) -> String {
        footer(prefix, self.clock, self.elapsed())
    }
}

/// `count executed in 1.00 seconds.` from a prefix and a measured duration;
/// on the paused clock it says the time is virtual.
pub fn footer(prefix: &str, clock: Clock, elapsed: Duration) -> String {
    let took = seconds_in_words_on(clock, elapsed, 2);
    match clock {
        Clock::Real => format!("{prefix} {took}."),
        Clock::Virtual => format!("{prefix} {took} (paused clock, --instant)."),
    }
}

// Every duration the course prints goes through the formatters below. Each
// reads the clock of the run ([`Clock::current`]) and, inside an `--instant`
// run, says that the time is virtual: an example cannot forget to.

/// What every formatted duration gets on the paused clock.
pub const VIRTUAL_MARK: &str = "of virtual time";

/// `text` as it reads on `clock`: `2.00 s`, or `2.00 s of virtual time`.
fn on_clock(clock: Clock, text: String) -> String {
    match clock {
        Clock::Real => text,
        Clock::Virtual => format!("{text} {VIRTUAL_MARK}"),
    }
}

/// `3655 s` as `1:00:55`: hours, minutes, seconds (fractions are dropped).
/// A reading of a clock face, with no mark: say which clock beside it.
pub fn hms(duration: Duration) -> String {
    let total = duration.as_secs();
    format!("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
}

/// The bare number of seconds with two decimals (`1.00`), for a line that
/// states its clock itself. To print a duration, use [`secs`],
/// [`seconds_in_words`] or [`duration`], which say when it is virtual.
pub fn seconds(duration: Duration) -> String {
    format!("{:0.2}", duration.as_secs_f64())
}

/// `1.00 s`, or `1.00 s of virtual time` inside an `--instant` run.
pub fn secs(duration: Duration) -> String {
    on_clock(Clock::current(), format!("{} s", seconds(duration)))
}

/// `2.00000 seconds` with `decimals` decimals, as the originals print
/// (`seconds of virtual time` inside an `--instant` run).
pub fn seconds_in_words(duration: Duration, decimals: usize) -> String {
    seconds_in_words_on(Clock::current(), duration, decimals)
}

/// [`seconds_in_words`] on a given clock.
pub fn seconds_in_words_on(clock: Clock, duration: Duration, decimals: usize) -> String {
    on_clock(clock, format!("{:.decimals$} seconds", duration.as_secs_f64()))
}

/// `4 seconds`, `1 second`: a whole number of seconds to wait, as the
/// originals announce their sleeps (`of virtual time` inside an `--instant` run).
pub fn whole_seconds(seconds: u64) -> String {
    on_clock(Clock::current(), plural(seconds, "second", "seconds"))
}

/// `1 item`, `2 items`: a count with its noun in the right number.
pub fn plural(count: impl Into<u64>, singular: &str, plural: &str) -> String {
    let count = count.into();
    format!("{count} {}", if count == 1 { singular } else { plural })
}

/// `1.23 s`, `45.6 ms`, `7.8 µs`, `120 ns`: three significant digits at
/// most (`of virtual time` inside an `--instant` run).
pub fn duration(duration: Duration) -> String {
    on_clock(Clock::current(), in_units(duration.as_secs_f64()))
}

/// `total / count` as [`duration`] prints it, to a fraction of a
/// nanosecond: `1.46 ns` per row. Dividing a `Duration` by an integer
/// truncates to whole nanoseconds (1.46 ns becomes `1.00 ns`), and a
/// `u32` count cut from a larger one divides by the wrong number; this
/// divides in `f64`. `None` for a count of 0.
pub fn duration_each(total: Duration, count: u64) -> Option<String> {
    (count > 0).then(|| on_clock(Clock::current(), in_units(total.as_secs_f64() / count as f64)))
}

/// Seconds in the unit that gives at most three significant digits.
fn in_units(seconds: f64) -> String {
    let (value, unit) = if seconds >= 1.0 {
        (seconds, "s")
    } else if seconds >= 1e-3 {
        (seconds * 1e3, "ms")
    } else if seconds >= 1e-6 {
        (seconds * 1e6, "µs")
    } else {
        (seconds * 1e9, "ns")
    };
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// `200,000`.
pub fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// `1 row`, `200,000 rows`.
pub fn plural_thousands(count: u64, singular: &str, plural: &str) -> String {
    format!("{} {}", thousands(count), if count == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_virtual_clock_reads_tokios_paused_time() {
        let stopwatch = Stopwatch::start_on(Clock::Virtual);
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(stopwatch.elapsed(), Duration::from_secs(3600));
    }

    #[test]
    fn outside_a_runtime_the_current_clock_is_real_and_reads_std_time() {
        assert_eq!(Clock::current(), Clock::Real);
        let before = Instant::now();
        let stopwatch = Stopwatch::start();
        std::thread::sleep(Duration::from_millis(20));
        assert!(stopwatch.elapsed() >= Duration::from_millis(20));
        assert!(stopwatch.elapsed() <= before.elapsed());
    }

    #[test]
    fn an_installed_clock_is_restored() {
        {
            let _virtual = Clock::Virtual.install();
            assert_eq!(Clock::current(), Clock::Virtual);
        }
        assert_eq!(Clock::current(), Clock::Real);
    }

    #[tokio::test(start_paused = true)]
    async fn blocking_on_the_virtual_clock_moves_it_without_yielding() {
        let stopwatch = Stopwatch::start_on(Clock::Virtual);
        let other_task_ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = other_task_ran.clone();
        let other = tokio::spawn(async move {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        Clock::Virtual.block_for(Duration::from_secs(2));
        // A blocking call gives no other task a turn...
        assert!(!other_task_ran.load(std::sync::atomic::Ordering::SeqCst));
        // ...yet the time it blocked for has passed.
        assert_eq!(stopwatch.elapsed(), Duration::from_secs(2));
        other.await.unwrap();
        assert!(other_task_ran.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn timers_due_during_a_block_fire_afterwards() {
        let stopwatch = Stopwatch::start_on(Clock::Virtual);
        let sleeper = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            stopwatch.elapsed()
        });
        tokio::task::yield_now().await; // let the sleeper register its timer
        Clock::Virtual.block_for(Duration::from_secs(5));
        // The timer was due at 1 s but could only fire once the block ended.
        assert_eq!(sleeper.await.unwrap(), Duration::from_secs(5));
    }

    #[test]
    fn footers_say_which_clock() {
        let real = footer("count executed in", Clock::Real, Duration::from_millis(1004));
        assert_eq!(real, "count executed in 1.00 seconds.");
        let simulated = footer("Program finished in", Clock::Virtual, Duration::from_secs(3));
        assert_eq!(simulated, "Program finished in 3.00 seconds of virtual time (paused clock, --instant).");
    }

    #[test]
    fn hours_minutes_seconds() {
        assert_eq!(hms(Duration::from_secs(3655)), "1:00:55");
        assert_eq!(hms(Duration::from_secs(43_200)), "12:00:00");
        assert_eq!(hms(Duration::from_millis(59_999)), "0:00:59");
    }

    #[test]
    fn durations_keep_three_significant_digits() {
        assert_eq!(duration(Duration::from_millis(1234)), "1.23 s");
        assert_eq!(duration(Duration::from_millis(45)), "45.0 ms");
        assert_eq!(duration(Duration::from_micros(456)), "456 µs");
        assert_eq!(duration(Duration::from_nanos(7_800)), "7.80 µs");
        assert_eq!(duration(Duration::from_nanos(120)), "120 ns");
    }

    #[test]
    fn every_formatted_duration_says_when_it_is_virtual() {
        let two = Duration::from_secs(2);
        assert_eq!(secs(two), "2.00 s");
        assert_eq!(seconds_in_words(two, 5), "2.00000 seconds");
        assert_eq!(duration(two), "2.00 s");
        assert_eq!(whole_seconds(1), "1 second");
        let _virtual = Clock::Virtual.install();
        assert_eq!(secs(two), "2.00 s of virtual time");
        assert_eq!(seconds_in_words(two, 5), "2.00000 seconds of virtual time");
        assert_eq!(duration(Duration::from_millis(45)), "45.0 ms of virtual time");
        assert_eq!(duration_each(two, 4).unwrap(), "500 ms of virtual time");
        assert_eq!(whole_seconds(4), "4 seconds of virtual time");
        assert_eq!(footer("slept", Clock::Real, two), "slept 2.00 seconds.");
    }

    #[test]
    fn a_duration_per_item_keeps_its_fraction_of_a_nanosecond() {
        // 200,000 rows in 292 µs: 1.46 ns a row, which `Duration / u32` makes 1 ns.
        let total = Duration::from_micros(292);
        assert_eq!(duration(total / 200_000), "1.00 ns");
        assert_eq!(duration_each(total, 200_000).unwrap(), "1.46 ns");
        // A count above u32::MAX divides by itself, not by what is left of it.
        assert_eq!(duration_each(Duration::from_secs(10), 10_000_000_000).unwrap(), "1.00 ns");
        assert_eq!(duration_each(total, 0), None);
    }

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(200_000), "200,000");
        assert_eq!(thousands(20_000_000), "20,000,000");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(plural_thousands(1, "row", "rows"), "1 row");
        assert_eq!(plural_thousands(12_000, "row", "rows"), "12,000 rows");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1u32, "item", "items"), "1 item");
        assert_eq!(plural(0u32, "item", "items"), "0 items");
        assert_eq!(plural(2u64, "item", "items"), "2 items");
    }
}
