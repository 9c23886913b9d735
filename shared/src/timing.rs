//! Honest timing: a stopwatch that reads tokio's clock, and the footer every
//! example ends with.
//!
//! Every lesson runs on a tokio runtime, and tokio's clock can be *paused*:
//! `--instant` (and the tests) start the runtime with a frozen clock that jumps
//! straight to the next timer whenever every task is waiting. Hours of sleeping
//! then pass in milliseconds, and [`tokio::time::Instant::now`] reports the
//! simulated time. Reading that clock here means a duration printed under
//! `--instant` is the simulated one, and it is labelled as such.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

/// Which clock the run is on.
///
/// The examples need to know this for one thing only: a *blocking* sleep
/// (Python's `time.sleep`) cannot wait on a clock that only moves when the
/// runtime is idle, so [`Clock::block_for`] does it differently on each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Wall-clock time: sleeping one second takes one second.
    Real,
    /// tokio's paused clock: time jumps ahead when every task waits.
    Virtual,
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

    /// Blocks the calling thread for `duration`, like Python's `time.sleep`.
    ///
    /// On the real clock this is [`std::thread::sleep`]: the thread stops and
    /// nothing else on it runs, which is exactly the mistake `count --blocking`
    /// shows.
    ///
    /// On the paused clock a thread that sleeps would never see time move (the
    /// clock only jumps when the runtime is idle, and a sleeping thread keeps
    /// it busy). So the clock is moved forward by `duration` on the spot, and
    /// no other task runs in between: to every task it looks as if the thread
    /// was blocked for that long.
    ///
    /// Must be called inside the runtime (a task, or a thread that entered it)
    /// when the clock is virtual.
    pub fn block_for(self, duration: Duration) {
        match self {
            Clock::Real => std::thread::sleep(duration),
            Clock::Virtual => jump_clock_ahead(duration),
        }
    }
}

/// Moves the paused clock forward without giving other tasks a turn.
///
/// `tokio::time::advance` is an `async fn`: its first poll moves the clock,
/// then it yields once so that timers can fire. Polling it exactly once, with a
/// waker that does nothing, keeps the first half and drops the yield, which is
/// what a blocking call must do. The paused-clock tests of `count --blocking`
/// check the result.
fn jump_clock_ahead(duration: Duration) {
    let mut advance = pin!(tokio::time::advance(duration));
    let mut context = Context::from_waker(Waker::noop());
    // The first poll has done the work; its `Pending` is the skipped yield.
    let _ = advance.as_mut().poll(&mut context);
}

/// Measures one run on the run's clock, and on the wall clock too.
///
/// On the real clock both readings agree. On the paused clock the first is the
/// simulated time, and the footer says so. The second is for examples that
/// convert between the two (`chess --realtime --speed N`); the footer leaves it
/// out, so that a run on the virtual clock prints the same text every time.
#[derive(Clone, Copy, Debug)]
pub struct Stopwatch {
    clock: Clock,
    started: tokio::time::Instant,
    started_wall: std::time::Instant,
}

impl Stopwatch {
    /// Starts measuring now.
    pub fn start(clock: Clock) -> Stopwatch {
        Stopwatch { clock, started: tokio::time::Instant::now(), started_wall: std::time::Instant::now() }
    }

    /// Time since [`Stopwatch::start`] on the run's clock (simulated under `--instant`).
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Real time since [`Stopwatch::start`], whatever the run's clock.
    pub fn wall_elapsed(&self) -> Duration {
        self.started_wall.elapsed()
    }

    /// The clock this stopwatch reads.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The closing line of the originals: `count executed in 1.00 seconds.`
    ///
    /// On the paused clock it says the time is virtual.
    pub fn footer(&self, program: &str) -> String {
        footer(program, self.clock, self.elapsed())
    }
}

/// Formats the footer from an already measured duration (see [`Stopwatch::footer`]).
pub fn footer(program: &str, clock: Clock, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    match clock {
        Clock::Real => format!("{program} executed in {seconds:0.2} seconds."),
        Clock::Virtual => {
            format!("{program} executed in {seconds:0.2} seconds of virtual time (paused clock, --instant).")
        }
    }
}

/// `3655 s` as `1:00:55`: hours, minutes, seconds (fractions are dropped).
pub fn hms(duration: Duration) -> String {
    let total = duration.as_secs();
    format!("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
}

/// Seconds with two decimals, the precision every example prints.
pub fn seconds(duration: Duration) -> String {
    format!("{:0.2}", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn stopwatch_reads_the_paused_clock() {
        let stopwatch = Stopwatch::start(Clock::Virtual);
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(stopwatch.elapsed(), Duration::from_secs(3600));
        assert!(stopwatch.wall_elapsed() < Duration::from_secs(3600));
    }

    #[tokio::test(start_paused = true)]
    async fn blocking_on_the_virtual_clock_moves_it_without_yielding() {
        let stopwatch = Stopwatch::start(Clock::Virtual);
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
        let stopwatch = Stopwatch::start(Clock::Virtual);
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
        let real = footer("count", Clock::Real, Duration::from_millis(1004));
        assert_eq!(real, "count executed in 1.00 seconds.");
        let virtual_ = footer("count", Clock::Virtual, Duration::from_secs(3));
        assert_eq!(virtual_, "count executed in 3.00 seconds of virtual time (paused clock, --instant).");
    }

    #[test]
    fn hours_minutes_seconds() {
        assert_eq!(hms(Duration::from_secs(3655)), "1:00:55");
        assert_eq!(hms(Duration::from_secs(43_200)), "12:00:00");
        assert_eq!(hms(Duration::from_millis(59_999)), "0:00:59");
    }
}
