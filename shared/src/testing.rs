//! For tests: run an example's code and read what it did, the bars it
//! recorded and the lines it printed, instead of making the example return
//! extra values for the test's sake ([`Recording`]); and run a lesson's real
//! binary, read its `--help`, drive it with signals ([`cli`]).
//!
//! ```
//! use shared::{println, span, testing::Recording, timing::Clock};
//!
//! let recording = Recording::start(Clock::Real);
//! span(3, "hello").in_scope(|| println!("hi"));
//! assert_eq!(recording.texts_of(3), ["hi"]);
//! assert_eq!(recording.bars()[0].label, "hello");
//! ```

pub mod cli;
pub mod compile_fail;
pub mod input_worker;

use crate::output::{Capture, Line};
use crate::timeline::{self, Bar, Chart, Timeline};
use crate::timing::{Clock, ClockGuard};

/// A timeline and a capture of printed lines, installed on this thread.
///
/// Start it inside the test's runtime when `clock` is virtual (a
/// `#[tokio::test(start_paused = true)]` test), so that its time zero is
/// tokio's.
#[derive(Debug)]
pub struct Recording {
    timeline: Timeline,
    capture: Capture,
    _installed: timeline::Installed,
    _clock: ClockGuard,
}

impl Recording {
    /// Starts recording bars on `clock` and capturing prints, on this thread.
    pub fn start(clock: Clock) -> Recording {
        let clock_guard = clock.install();
        let timeline = Timeline::start(clock);
        let installed = timeline::install(timeline.recorder());
        Recording { timeline, capture: Capture::start(), _installed: installed, _clock: clock_guard }
    }

    /// The bars of the main chart, in the order they ended.
    pub fn bars(&self) -> Vec<Bar> {
        self.timeline.bars()
    }

    /// The bars of row `row`, in the order they started.
    pub fn bars_of(&self, row: usize) -> Vec<Bar> {
        let mut bars: Vec<Bar> = self.bars().into_iter().filter(|bar| bar.row == row).collect();
        bars.sort_by_key(|bar| bar.start);
        bars
    }

    /// Every chart (see [`Timeline::charts`]).
    pub fn charts(&self) -> Vec<Chart> {
        self.timeline.charts()
    }

    /// Every line printed so far.
    pub fn lines(&self) -> Vec<Line> {
        self.capture.lines()
    }

    /// The text of every line printed so far.
    pub fn texts(&self) -> Vec<String> {
        self.capture.texts()
    }

    /// The text of the lines printed inside row `row`.
    pub fn texts_of(&self, row: usize) -> Vec<String> {
        self.capture.texts_of(row)
    }
}
