//! "A took x, B took y, so B was n× as fast": the one way the course states
//! a comparison, so that no example names a winner its measurements do not
//! support.
//!
//! A ratio of two times means something only when both times do. Three
//! things can take the meaning away, and each gets its own words instead of
//! a number:
//!
//! - **nothing was done** (0 primes, 0 rows, 0 dishes): there is no work to
//!   compare, however the clock reads ("nothing to compare");
//! - **a time is too short**: below the clock's resolution a time is not
//!   measured at all, and below a few hundred microseconds on the real clock
//!   it is mostly the operating system's noise (a thread started, a core
//!   woken): the ratio of two such times changes from run to run, so it is
//!   not a result ("too short to compare", with both times and the floor);
//! - **the times are the same or nearly so**: within 10 % either way the
//!   sentence says "about as fast", and on the virtual clock, where times are
//!   exact, equal times say "exactly as fast".
//!
//! ```
//! use std::time::Duration;
//! use shared::compare::Comparison;
//!
//! let ms = Duration::from_millis;
//! let sentence = |one, two| Comparison::new(one, two).sentence("2 threads were", "one");
//! assert_eq!(sentence(ms(200), ms(100)), "2 threads were 2.0× as fast as one");
//! assert_eq!(sentence(ms(100), ms(200)), "2 threads were slower than one (0.50× its speed)");
//! assert!(sentence(Duration::from_micros(40), Duration::from_micros(30)).starts_with("too short to compare"));
//! let nothing = Comparison::new(ms(1), ms(2)).nothing_if(true, "no primes below 0");
//! assert_eq!(nothing.sentence("2 threads were", "one"), "nothing to compare: no primes below 0");
//! ```

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::timing::{self, Clock};

/// The shortest time a comparison on the real clock trusts, unless an
/// example states its own floor: a thread's start, a wake-up or a page
/// fault cost tens of microseconds here, so below this the noise is as
/// large as what is measured.
pub const NOISE_FLOOR: Duration = Duration::from_millis(1);

/// Within this factor either way, two times are "about as fast".
pub const ABOUT: f64 = 1.1;

/// What two times say, once checked for meaning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    /// No work was done: there is nothing to compare.
    NothingToCompare,
    /// At least one of the times is below `floor`: noise, not a result.
    TooShort {
        /// The shortest time this comparison trusts.
        floor: Duration,
    },
    /// Both times are above the floor: the baseline's time divided by the
    /// contender's (above 1: the contender was faster).
    Ratio(f64),
}

impl Verdict {
    /// The ratio, when there is one to state.
    pub fn ratio(self) -> Option<f64> {
        match self {
            Verdict::Ratio(ratio) => Some(ratio),
            _ => None,
        }
    }

    /// True when the contender was clearly faster (by more than [`ABOUT`]).
    pub fn faster(self) -> bool {
        self.ratio().is_some_and(|ratio| ratio >= ABOUT)
    }

    /// True when the contender was clearly slower (by more than [`ABOUT`]).
    pub fn slower(self) -> bool {
        self.ratio().is_some_and(|ratio| ratio <= 1.0 / ABOUT)
    }

    /// A table cell: `1.93×`, `too short`, or `—` for nothing to compare.
    pub fn cell(self) -> String {
        match self {
            Verdict::NothingToCompare => "—".into(),
            Verdict::TooShort { .. } => "too short".into(),
            Verdict::Ratio(ratio) => times(ratio),
        }
    }
}

/// Two measured times, the first the baseline ("one thread", "the loop"),
/// the second the contender, and what is needed to judge them.
#[derive(Clone, Copy, Debug)]
pub struct Comparison<'a> {
    baseline: Duration,
    contender: Duration,
    floor: Duration,
    nothing: Option<&'a str>,
}

impl<'a> Comparison<'a> {
    /// `baseline` against `contender`, on the real clock, trusting times of
    /// at least [`NOISE_FLOOR`].
    pub fn new(baseline: Duration, contender: Duration) -> Comparison<'a> {
        Comparison { baseline, contender, floor: NOISE_FLOOR, nothing: None }
    }

    /// States this comparison's own floor: the shortest time it trusts. It
    /// is never below the clock's resolution, whatever is given.
    pub fn floor(mut self, floor: Duration) -> Comparison<'a> {
        self.floor = floor;
        self
    }

    /// Times read from `clock`: the virtual clock is exact (every time on it
    /// is a sum of the timers' durations), so only a time of zero is too
    /// short there; the real clock keeps the floor.
    pub fn on(self, clock: Clock) -> Comparison<'a> {
        match clock {
            Clock::Virtual => self.floor(Duration::from_nanos(1)),
            Clock::Real => self,
        }
    }

    /// When `empty`, there was no work, and `why` says so
    /// (`no primes below 0`): nothing to compare, whatever the times.
    pub fn nothing_if(mut self, empty: bool, why: &'a str) -> Comparison<'a> {
        if empty {
            self.nothing = Some(why);
        }
        self
    }

    /// The floor in force: the stated one, or the clock's resolution if that
    /// is coarser.
    pub fn effective_floor(&self) -> Duration {
        self.floor.max(resolution())
    }

    /// What the two times say.
    pub fn verdict(&self) -> Verdict {
        if self.nothing.is_some() {
            return Verdict::NothingToCompare;
        }
        let floor = self.effective_floor();
        if self.baseline < floor || self.contender < floor {
            return Verdict::TooShort { floor };
        }
        Verdict::Ratio(self.baseline.as_secs_f64() / self.contender.as_secs_f64())
    }

    /// The comparison in words: `contender` is the subject with its verb
    /// (`2 threads were`, `buffer_unordered(4) was`), `baseline` what it is
    /// compared with (`one`, `one by one`). No full stop at the end.
    ///
    /// - `2 threads were 1.9× as fast as one`
    /// - `2 threads were slower than one (0.50× its speed)`
    /// - `2 threads were about as fast as one (1.0×)`
    /// - `2 threads were exactly as fast as one`
    /// - `too short to compare: 41.0 µs against 38.2 µs, under the 1.00 ms a time needs here to mean more than noise`
    /// - `nothing to compare: no primes below 0`
    pub fn sentence(&self, contender: &str, baseline: &str) -> String {
        match self.verdict() {
            Verdict::NothingToCompare => format!("nothing to compare: {}", self.nothing.unwrap_or("no work")),
            Verdict::TooShort { floor } => format!(
                "too short to compare: {} against {}, under the {} a time needs here to mean more than noise",
                timing::duration(self.baseline),
                timing::duration(self.contender),
                timing::duration(floor),
            ),
            Verdict::Ratio(_) if self.baseline == self.contender => {
                format!("{contender} exactly as fast as {baseline}")
            }
            Verdict::Ratio(ratio) if ratio >= ABOUT => {
                format!("{contender} {} as fast as {baseline}", times_in_words(ratio))
            }
            Verdict::Ratio(ratio) if ratio <= 1.0 / ABOUT => {
                format!("{contender} slower than {baseline} ({} its speed)", times(ratio))
            }
            Verdict::Ratio(ratio) => {
                format!("{contender} about as fast as {baseline} ({})", times_in_words(ratio))
            }
        }
    }
}

/// A rate needs at least this many items: below it, one slow moment (a
/// process starting, a busy core) decides the figure, whatever the clock
/// says. One number through a pipe in 10 ms is not "100 numbers a second".
pub const MIN_ITEMS_FOR_A_RATE: u64 = 100;

/// `count / elapsed`, per second, or why there is no rate to state: no
/// items, fewer than [`MIN_ITEMS_FOR_A_RATE`], or a time under `floor` (or
/// the clock's resolution), where the rate would be the noise's.
///
/// ```
/// use std::time::Duration;
/// use shared::compare::rate;
///
/// let floor = Duration::from_millis(1);
/// assert_eq!(rate(2_000_000, Duration::from_secs(1), floor), Ok(2e6));
/// assert!(rate(1_000, Duration::from_micros(30), floor).unwrap_err().starts_with("too short"));
/// assert!(rate(1, Duration::from_secs(1), floor).unwrap_err().starts_with("too few items"));
/// assert_eq!(rate(0, Duration::from_secs(1), floor), Err("no rate: no items".into()));
/// ```
pub fn rate(count: u64, elapsed: Duration, floor: Duration) -> Result<f64, String> {
    if count == 0 {
        return Err("no rate: no items".into());
    }
    if count < MIN_ITEMS_FOR_A_RATE {
        return Err(format!(
            "too few items for a rate (under {MIN_ITEMS_FOR_A_RATE}, one slow moment would decide it)"
        ));
    }
    let floor = floor.max(resolution());
    if elapsed < floor {
        return Err(format!(
            "too short for a rate (under the {} a time needs here to mean more than noise)",
            timing::duration(floor)
        ));
    }
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// A rate per second in millions, with at least `decimals` decimals and
/// enough to show two significant digits: `2.42`, `0.40`, `0.000094`, never
/// a `0.00` for a rate that is not zero.
///
/// ```
/// assert_eq!(shared::compare::millions(2_420_000.0, 2), "2.42");
/// assert_eq!(shared::compare::millions(94.0, 2), "0.000094");
/// ```
pub fn millions(per_second: f64, decimals: usize) -> String {
    let millions = per_second / 1e6;
    let needed = if millions > 0.0 && millions < 1.0 { (-millions.log10()).floor() as usize + 2 } else { 0 };
    let decimals = decimals.max(needed);
    format!("{millions:.decimals$}")
}

/// `text` with its first letter a capital: a [`Comparison::sentence`] that
/// opens a sentence.
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A ratio for a table: `1.93×`, `120×`, `0.0041×` (two significant digits
/// below 1, so that a slow method does not read `0.00×`).
pub fn times(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 1.0 {
        format!("{ratio:.2}×")
    } else if ratio > 0.0 {
        let decimals = (-ratio.log10()).floor().max(0.0) as usize + 2;
        format!("{ratio:.decimals$}×")
    } else {
        "0×".into()
    }
}

/// A ratio in a sentence: `1.9×`, `11.8×`, `250×`; below 1, as [`times`].
fn times_in_words(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 1.0 {
        format!("{ratio:.1}×")
    } else {
        times(ratio)
    }
}

/// The real clock's resolution here: the smallest step [`Instant::now`]
/// was seen to take (measured once; at least 1 ns).
pub fn resolution() -> Duration {
    static RESOLUTION: OnceLock<Duration> = OnceLock::new();
    *RESOLUTION.get_or_init(|| {
        let mut smallest = Duration::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            let mut now = Instant::now();
            // A clock that never moves would spin forever: give up after a while.
            for _ in 0..1_000_000 {
                if now != start {
                    break;
                }
                now = Instant::now();
            }
            smallest = smallest.min(now.saturating_duration_since(start));
        }
        smallest.max(Duration::from_nanos(1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn zero_work_is_nothing_to_compare_whatever_the_times() {
        let empty = Comparison::new(ms(500), ms(100)).nothing_if(true, "no dishes");
        assert_eq!(empty.verdict(), Verdict::NothingToCompare);
        assert_eq!(empty.sentence("3 cooks were", "one"), "nothing to compare: no dishes");
        assert_eq!(empty.verdict().cell(), "—");
        let zero = Comparison::new(Duration::ZERO, Duration::ZERO);
        assert!(matches!(zero.verdict(), Verdict::TooShort { .. }));
    }

    #[test]
    fn times_below_the_floor_or_the_resolution_are_too_short() {
        let short = Comparison::new(Duration::from_micros(80), Duration::from_micros(20));
        assert_eq!(short.verdict(), Verdict::TooShort { floor: NOISE_FLOOR });
        let sentence = short.sentence("2 threads were", "one");
        assert_eq!(
            sentence,
            "too short to compare: 80.0 µs against 20.0 µs, under the 1.00 ms a time needs here to mean more than noise"
        );
        assert!(!sentence.contains("as fast") && !sentence.contains("slower"));
        // One long time is not enough: the short one is still noise.
        assert!(matches!(
            Comparison::new(ms(900), Duration::from_micros(5)).verdict(),
            Verdict::TooShort { .. }
        ));
        // A stated floor replaces the default, but never goes under the resolution.
        let stated = Comparison::new(Duration::from_micros(80), Duration::from_micros(20))
            .floor(Duration::from_micros(10));
        assert!(stated.verdict().faster());
        let below_resolution = Comparison::new(Duration::ZERO, Duration::ZERO).floor(Duration::ZERO);
        assert!(matches!(below_resolution.verdict(), Verdict::TooShort { .. }));
        assert!(below_resolution.effective_floor() >= Duration::from_nanos(1));
    }

    #[test]
    fn equal_times_are_exactly_or_about_as_fast() {
        let equal = Comparison::new(ms(300), ms(300));
        assert_eq!(equal.verdict(), Verdict::Ratio(1.0));
        assert_eq!(equal.sentence("3 cooks were", "one"), "3 cooks were exactly as fast as one");
        let close = Comparison::new(ms(300), ms(290));
        assert_eq!(close.sentence("3 cooks were", "one"), "3 cooks were about as fast as one (1.0×)");
        assert!(!close.verdict().faster() && !close.verdict().slower());
        // On the virtual clock, an hour against an hour is exact.
        let virtual_equal = Comparison::new(ms(3_600_000), ms(3_600_000)).on(Clock::Virtual);
        assert_eq!(
            virtual_equal.sentence("table to table was", "one game at a time"),
            "table to table was exactly as fast as one game at a time"
        );
    }

    #[test]
    fn faster_and_slower_say_by_how_much() {
        let faster = Comparison::new(ms(600), ms(200));
        assert!(faster.verdict().faster());
        assert_eq!(faster.sentence("3 cooks were", "one"), "3 cooks were 3.0× as fast as one");
        assert_eq!(faster.verdict().cell(), "3.00×");
        let slower = Comparison::new(ms(100), ms(400));
        assert!(slower.verdict().slower());
        assert_eq!(
            slower.sentence("2 threads were", "one"),
            "2 threads were slower than one (0.25× its speed)"
        );
        assert_eq!(
            Comparison::new(ms(43_200), ms(3_655)).sentence("it was", "that"),
            "it was 11.8× as fast as that"
        );
        // Short times on the virtual clock are exact, hence comparable.
        let simulated =
            Comparison::new(Duration::from_micros(600), Duration::from_micros(300)).on(Clock::Virtual);
        assert_eq!(simulated.verdict(), Verdict::Ratio(2.0));
    }

    #[test]
    fn ratios_print_for_people() {
        assert_eq!(times(1.934), "1.93×");
        assert_eq!(times(0.0041), "0.0041×");
        assert_eq!(times(0.5), "0.50×");
        assert_eq!(times(120.4), "120×");
        assert_eq!(times(0.0), "0×");
    }

    #[test]
    fn rates_need_items_and_a_measurable_time() {
        let floor = ms(1);
        assert_eq!(rate(0, ms(5), floor), Err("no rate: no items".into()));
        let short = rate(1_000, Duration::from_micros(50), floor).unwrap_err();
        assert_eq!(
            short,
            "too short for a rate (under the 1.00 ms a time needs here to mean more than noise)"
        );
        assert_eq!(rate(3_000_000, ms(1500), floor), Ok(2e6));
        assert!(rate(1, ms(10), floor).unwrap_err().starts_with("too few items for a rate"));
        assert_eq!(rate(100, ms(1000), floor), Ok(100.0));
    }

    #[test]
    fn millions_never_reads_zero_for_a_rate_that_is_not() {
        assert_eq!(millions(2_420_000.0, 2), "2.42");
        assert_eq!(millions(400_000.0, 2), "0.40");
        assert_eq!(millions(12_500_000.0, 3), "12.500");
        assert_eq!(millions(94.0, 2), "0.000094");
        assert_eq!(millions(1_500.0, 3), "0.0015");
    }

    #[test]
    fn the_clock_resolution_is_positive_and_fine() {
        let resolution = resolution();
        assert!(resolution >= Duration::from_nanos(1));
        assert!(resolution < ms(20), "{resolution:?}");
    }
}
