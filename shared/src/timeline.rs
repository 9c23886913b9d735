//! Who ran when: spans recorded during a run, drawn after it as a text Gantt
//! chart.
//!
//! A [`Span`] is a row of the chart (a task, a thread, a process) with a
//! label; it gives that row's code its color too. It is applied from
//! *outside* the code it measures, the way tracing's `.instrument(span)` is:
//!
//! - a future: `count().instrument(span(0, "count()"))` records from its first
//!   poll to its end, and colors what it prints ([`Instrument`]);
//! - a closure: `span(1, "cook 1").in_scope(|| cook(dish))` records the call;
//!
//! After the run, [`Timeline::render`] draws one row per span row across a
//! time axis that fits the terminal: three counters that overlap draw three
//! full bars, three that run one after another a staircase. The picture is
//! the lesson.
//!
//! Work that never finished (a task dropped by Ctrl-C, a closure that
//! panicked) is drawn with `░` instead of `█`, and work that took no time at
//! all with a thin `▏`, so that neither can be mistaken for finished work; a
//! legend under the chart says so when they appear.
//!
//! A wait inside a task's work (for room in a full queue, for a lock) can be
//! recorded too, with a span made [`Span::waiting`]: it is drawn `▒` on top
//! of the row's other bars, so the row shows where its task stood still.
//!
//! Spans recorded on any thread land on the same chart. Child processes
//! started with [`crate::process`] send theirs back to the parent as text
//! lines ([`Bar::to_line`]), and the parent draws them with its own.
//!
//! Recording must not change what it measures. A span is sent once, when it
//! ends, through a [`std::sync::mpsc`] channel (no lock shared by the tasks
//! being measured), and with the chart off (`--timeline` not given) nothing
//! is recorded at all: a span is then a row number and a label.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::colors;
use crate::output;
use crate::timing::{self, Clock};

/// At most this many rows are drawn per chart; the rest are counted in a last line.
pub const MAX_ROWS: usize = 40;

/// Row labels longer than this are cut short.
const MAX_LABEL: usize = 20;

/// The fewest columns of bars a chart keeps; labels shrink first.
const MIN_COLUMNS: usize = 10;

/// The widest a chart is drawn, whatever `COLUMNS` says: each row is a line
/// of this many cells, and a `COLUMNS` of a hundred billion would otherwise
/// ask for that many per row (a panic on "capacity overflow", or gigabytes).
/// No screen is wider than this many characters.
pub const MAX_WIDTH: usize = 1000;

/// At most this many bars are kept per run. A bar costs about a hundred
/// bytes, so a run of millions of spans (`queue` with a million items, say)
/// would otherwise grow its chart by hundreds of megabytes, for rows the
/// chart cannot draw anyway. Later bars are counted, and the chart says how
/// many it left out.
pub const MAX_BARS: usize = 250_000;

/// How a span ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran to its end.
    Finished,
    /// It was stopped before its end: dropped (Ctrl-C, a timeout) or panicked.
    Abandoned,
    /// It was a wait that ran to its end (a span made [`Span::waiting`]),
    /// drawn `▒` on top of the row's other bars.
    Waited,
}

/// One recorded stretch of time: what the chart draws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// The row it is drawn on, and the palette color of that row.
    pub row: usize,
    /// The name at the start of the row (the first bar's label wins).
    pub label: String,
    /// When it started, counted from the start of its chart.
    pub start: Duration,
    /// When it ended, counted from the start of its chart.
    pub end: Duration,
    /// Whether it ran to its end.
    pub outcome: Outcome,
}

/// The prefix of a bar sent as a line of text (see [`Bar::to_line`]).
pub const BAR_LINE_PREFIX: &str = "#bar\t";

impl Bar {
    /// The bar as one line of text, the format child processes use to send
    /// their bars to the parent:
    ///
    /// ```text
    /// #bar <TAB> row <TAB> start_ns <TAB> end_ns <TAB> finished|abandoned|waited <TAB> label
    /// ```
    ///
    /// Times are nanoseconds from the start of the parent's chart; tabs and
    /// line breaks in the label become spaces.
    ///
    /// ```
    /// use std::time::Duration;
    /// use shared::timeline::{Bar, Outcome};
    /// let bar = Bar { row: 2, label: "worker 2".into(), start: Duration::from_millis(1),
    ///                 end: Duration::from_millis(5), outcome: Outcome::Finished };
    /// assert_eq!(bar.to_line(), "#bar\t2\t1000000\t5000000\tfinished\tworker 2");
    /// assert_eq!(Bar::from_line(&bar.to_line()), Some(bar));
    /// ```
    pub fn to_line(&self) -> String {
        let outcome = match self.outcome {
            Outcome::Finished => "finished",
            Outcome::Abandoned => "abandoned",
            Outcome::Waited => "waited",
        };
        let label: String =
            self.label.chars().map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c }).collect();
        format!(
            "{BAR_LINE_PREFIX}{}\t{}\t{}\t{outcome}\t{label}",
            self.row,
            self.start.as_nanos(),
            self.end.as_nanos()
        )
    }

    /// Reads a line written by [`Bar::to_line`]; `None` for any other line.
    pub fn from_line(line: &str) -> Option<Bar> {
        let mut fields = line.strip_prefix(BAR_LINE_PREFIX)?.splitn(5, '\t');
        let row = fields.next()?.parse().ok()?;
        let start = Duration::from_nanos(fields.next()?.parse().ok()?);
        let end = Duration::from_nanos(fields.next()?.parse().ok()?);
        let outcome = match fields.next()? {
            "finished" => Outcome::Finished,
            "abandoned" => Outcome::Abandoned,
            "waited" => Outcome::Waited,
            _ => return None,
        };
        let label = fields.next()?.to_string();
        (start <= end).then_some(Bar { row, label, start, end, outcome })
    }
}

/// One chart: a title (or none, for the run's main chart) and its bars.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chart {
    /// Drawn in the heading, for charts made with [`Recorder::new_chart`].
    pub title: Option<String>,
    /// Every bar, in the order they ended.
    pub bars: Vec<Bar>,
}

/// The receiving side's state that recorders share: the clock, the charts'
/// titles, and the channel to the [`Timeline`].
#[derive(Debug)]
struct Local {
    clock: Clock,
    titles: Mutex<Vec<Option<String>>>,
    sender: mpsc::Sender<(usize, Bar)>,
    /// Bars offered so far, kept or not: past `max_bars`, a bar is dropped.
    offered: AtomicUsize,
    /// [`MAX_BARS`], or fewer in a test.
    max_bars: usize,
}

/// Where bars go: this process's [`Timeline`], or the parent process.
#[derive(Clone, Debug)]
enum Sink {
    Local(Arc<Local>),
    Parent,
}

/// What one recorder writes to.
#[derive(Debug)]
struct Target {
    sink: Sink,
    /// The chart its bars belong to.
    chart: usize,
    /// Time zero of that chart.
    origin: Instant,
    /// The same moment on the system clock, for child processes.
    origin_system: SystemTime,
}

/// Collects the bars of one run; [`Timeline::render`] draws them.
#[derive(Debug)]
pub struct Timeline {
    local: Arc<Local>,
    origin: Instant,
    origin_system: SystemTime,
    receiver: mpsc::Receiver<(usize, Bar)>,
    received: Mutex<Vec<(usize, Bar)>>,
}

impl Timeline {
    /// Starts the run's main chart now, on `clock`. Inside a virtual run,
    /// call it on the runtime's thread.
    pub fn start(clock: Clock) -> Timeline {
        Timeline::keeping(clock, MAX_BARS)
    }

    /// A timeline that keeps at most `max_bars` bars.
    fn keeping(clock: Clock, max_bars: usize) -> Timeline {
        let (sender, receiver) = mpsc::channel();
        Timeline {
            local: Arc::new(Local {
                clock,
                titles: Mutex::new(vec![None]),
                sender,
                offered: AtomicUsize::new(0),
                max_bars,
            }),
            origin: clock.now(),
            origin_system: SystemTime::now(),
            receiver,
            received: Mutex::new(Vec::new()),
        }
    }

    /// The same timeline, its main chart titled `title` instead of `Timeline`.
    pub fn titled(self, title: &str) -> Timeline {
        self.local.titles.lock().unwrap_or_else(PoisonError::into_inner)[0] = Some(title.to_string());
        self
    }

    /// A handle that records into the main chart.
    pub fn recorder(&self) -> Recorder {
        Recorder {
            target: Some(Arc::new(Target {
                sink: Sink::Local(Arc::clone(&self.local)),
                chart: 0,
                origin: self.origin,
                origin_system: self.origin_system,
            })),
        }
    }

    /// Every chart with the bars recorded so far, in the order the charts
    /// were made. The main chart comes first, even when empty.
    pub fn charts(&self) -> Vec<Chart> {
        let mut received = self.received.lock().unwrap_or_else(PoisonError::into_inner);
        received.extend(self.receiver.try_iter());
        let titles = self.local.titles.lock().unwrap_or_else(PoisonError::into_inner);
        let mut charts: Vec<Chart> =
            titles.iter().map(|title| Chart { title: title.clone(), bars: Vec::new() }).collect();
        for (chart, bar) in received.iter() {
            charts[*chart].bars.push(bar.clone());
        }
        charts
    }

    /// The bars of the main chart.
    pub fn bars(&self) -> Vec<Bar> {
        self.charts().swap_remove(0).bars
    }

    /// How many bars were left out because the run made more than
    /// [`MAX_BARS`].
    pub fn left_out(&self) -> usize {
        self.local.offered.load(Ordering::Relaxed).saturating_sub(self.local.max_bars)
    }

    /// Every chart that has bars, drawn at most `width` columns wide and
    /// separated by blank lines; empty when nothing was recorded. A last
    /// line says how many bars were left out, if any were.
    pub fn render(&self, width: usize) -> String {
        let drawn: Vec<String> = self
            .charts()
            .iter()
            .filter(|chart| !chart.bars.is_empty())
            .map(|chart| render(chart, width, self.local.clock))
            .collect();
        let mut text = drawn.join("\n");
        let left_out = self.left_out();
        if left_out > 0 {
            text.push_str(&format!(
                "(The chart keeps the first {} bars of a run; {} later ones are not drawn.)\n",
                timing::thousands(self.local.max_bars as u64),
                timing::thousands(left_out as u64),
            ));
        }
        text
    }
}

/// Records spans into a timeline, or does nothing when the chart is off.
///
/// Cloning is cheap: one pointer, so a million tasks that carry one pay 8
/// bytes each.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    target: Option<Arc<Target>>,
}

impl Recorder {
    /// A recorder that records nothing (`--timeline` not given).
    pub fn off() -> Recorder {
        Recorder { target: None }
    }

    /// Whether bars are being kept.
    pub fn is_on(&self) -> bool {
        self.target.is_some()
    }

    /// A recorder for a new chart of its own, drawn after the ones before it
    /// under its own heading, whose time zero is now (`chess` draws its two
    /// exhibitions this way). Off when this recorder is off.
    pub fn new_chart(&self, title: impl Into<String>) -> Recorder {
        let Some(target) = &self.target else { return Recorder::off() };
        let Sink::Local(local) = &target.sink else { return self.clone() };
        let mut charts = local.titles.lock().unwrap_or_else(PoisonError::into_inner);
        charts.push(Some(title.into()));
        let origin = local.clock.now();
        let since_target = origin.saturating_duration_since(target.origin);
        Recorder {
            target: Some(Arc::new(Target {
                sink: target.sink.clone(),
                chart: charts.len() - 1,
                origin,
                origin_system: target.origin_system + since_target,
            })),
        }
    }

    /// Records a bar whose times are already offsets from this recorder's
    /// chart start (one reported by a child process, say).
    pub fn record_bar(&self, bar: Bar) {
        if let Some(target) = &self.target {
            target.send(bar);
        }
    }

    /// Time zero of this recorder's chart as nanoseconds since the Unix
    /// epoch: what a child process needs to send bars on the same axis.
    pub(crate) fn origin_unix_nanos(&self) -> Option<u128> {
        let target = self.target.as_ref()?;
        Some(target.origin_system.duration_since(UNIX_EPOCH).ok()?.as_nanos())
    }

    /// A recorder that sends bars to the parent process as lines on stdout,
    /// on the axis of the parent's chart that started at `origin_unix_nanos`.
    pub(crate) fn to_parent(origin_unix_nanos: u128) -> Recorder {
        let origin_system =
            UNIX_EPOCH + Duration::from_nanos(u64::try_from(origin_unix_nanos).unwrap_or(u64::MAX));
        // Where the parent's time zero falls on this process's monotonic
        // clock: now, minus how long ago it was by the system clock.
        let now = Instant::now();
        let ago = SystemTime::now().duration_since(origin_system).unwrap_or_default();
        let origin = now.checked_sub(ago).unwrap_or(now);
        Recorder { target: Some(Arc::new(Target { sink: Sink::Parent, chart: 0, origin, origin_system })) }
    }

    fn clock(&self) -> Clock {
        match self.target.as_deref().map(|target| &target.sink) {
            Some(Sink::Local(local)) => local.clock,
            _ => Clock::Real,
        }
    }
}

impl Target {
    fn send(&self, bar: Bar) {
        match &self.sink {
            // The receiver lives as long as the run; if it is gone, the chart
            // is no longer wanted and the bar can go too.
            Sink::Local(local) => {
                if local.offered.fetch_add(1, Ordering::Relaxed) < local.max_bars {
                    _ = local.sender.send((self.chart, bar));
                }
            }
            Sink::Parent => output::raw_line(&bar.to_line()),
        }
    }
}

thread_local! {
    /// The recorder of the run this thread belongs to (see [`install`]).
    static CURRENT: RefCell<Recorder> = RefCell::new(Recorder::off());
    /// Set by [`abandon_current`] while a span's code runs on this thread.
    static ABANDONED: Cell<bool> = const { Cell::new(false) };
}

/// Marks the span whose code is running on this thread as stopped before its
/// end: its bar is drawn `░` even though its code returns normally (a sleep
/// cut short by Ctrl-C, say). [`Stage::cut_short`](crate::interrupt::Stage::cut_short)
/// calls it for you.
pub fn abandon_current() {
    ABANDONED.with(|abandoned| abandoned.set(true));
}

/// Runs `step` with the abandon flag cleared, and says whether it was set
/// meanwhile; spans nested inside `step` take their own marks.
fn watching_abandon<R>(step: impl FnOnce() -> R) -> (R, bool) {
    let outer = ABANDONED.with(|abandoned| abandoned.replace(false));
    let result = step();
    let marked = ABANDONED.with(|abandoned| abandoned.replace(outer));
    (result, marked)
}

/// The recorder of the run on this thread: the one [`span`] uses.
pub fn current() -> Recorder {
    CURRENT.with(|current| current.borrow().clone())
}

/// Makes `recorder` the current one on this thread until the guard is
/// dropped. The launchers do it for the main thread; [`Span::in_scope`] does
/// it for the thread that runs the closure.
pub fn install(recorder: Recorder) -> Installed {
    Installed { previous: Some(CURRENT.with(|current| current.replace(recorder))) }
}

/// Puts the previous recorder back when dropped (see [`install`]).
#[derive(Debug)]
#[must_use = "the recorder is installed only until this guard is dropped"]
pub struct Installed {
    previous: Option<Recorder>,
}

impl Drop for Installed {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
}

/// A row of the chart with its label, ready to be applied to some work.
///
/// Made by [`span`]; applied with [`Instrument::instrument`] (a future),
/// [`Span::in_scope`] (a closure) or [`Span::enter`] (the rest of a scope).
#[derive(Clone, Debug)]
pub struct Span {
    // A `u32` and the flag share the word a `usize` row would take: a span
    // stays five words, and a million tasks carry one each (docs/benchmarks.md).
    row: u32,
    waiting: bool,
    label: Cow<'static, str>,
    recorder: Recorder,
}

/// A span on row `row` labelled `label`, recorded by this thread's current
/// recorder (nothing is recorded when `--timeline` is off, but the row still
/// colors what the work prints).
///
/// Rows are also palette colors: use the task's number. Rows with the same
/// label are told apart on the chart by a number after the label.
pub fn span(row: usize, label: impl Into<Cow<'static, str>>) -> Span {
    // No chart has four billion rows; a row past that shares the last one.
    let row = u32::try_from(row).unwrap_or(u32::MAX);
    Span { row, waiting: false, label: label.into(), recorder: current() }
}

impl Span {
    /// Its row.
    pub fn row(&self) -> usize {
        self.row as usize
    }

    /// The same span, recording a *wait*: time its task spent standing still
    /// (for room in a full queue, for a lock) inside the work its row shows.
    /// Its bar is drawn `▒` on top of the row's other bars, so a task's row
    /// shows where it waited; if the wait is cut short it is drawn `░`, as
    /// any abandoned work.
    ///
    /// ```
    /// use shared::{Clock, span, testing::Recording, timeline::Outcome};
    ///
    /// let recording = Recording::start(Clock::Real);
    /// span(0, "producer 0").in_scope(|| {
    ///     span(0, "waiting for room").waiting().in_scope(|| { /* a blocked send */ });
    /// });
    /// let outcomes: Vec<Outcome> = recording.bars().iter().map(|bar| bar.outcome).collect();
    /// assert_eq!(outcomes, [Outcome::Waited, Outcome::Finished]);
    /// ```
    pub fn waiting(mut self) -> Span {
        self.waiting = true;
        self
    }

    /// Runs `work` inside the span: it is recorded from now until `work`
    /// returns (or marked abandoned if it panics), and what it prints takes
    /// the row's color. Works on any thread: spans opened inside `work` land
    /// on the same chart.
    pub fn in_scope<R>(self, work: impl FnOnce() -> R) -> R {
        let _installed = install(self.recorder.clone());
        let mut entered = self.enter();
        let (result, abandoned) = watching_abandon(work);
        entered.abandoned |= abandoned;
        drop(entered);
        result
    }

    /// Opens the span now; it is recorded when the guard is dropped: as
    /// finished, unless the thread is panicking or [`Entered::abandon`] was
    /// called. Meanwhile what this thread prints takes the row's color.
    pub fn enter(self) -> Entered {
        Entered { open: self.open(), abandoned: false, _row: output::enter_row(self.row()) }
    }

    fn open(&self) -> Open {
        Open {
            open: self.recorder.target.as_ref().map(|target| {
                Box::new(OpenBar {
                    target: Arc::clone(target),
                    row: self.row(),
                    waiting: self.waiting,
                    label: self.label.to_string(),
                    start: self.recorder.clock().now(),
                    clock: self.recorder.clock(),
                })
            }),
            finished: false,
        }
    }
}

/// A span opened with [`Span::enter`].
#[derive(Debug)]
#[must_use = "the span ends when this guard is dropped: bind it to a variable"]
pub struct Entered {
    // Fields drop in order: the bar is sent before the row is restored.
    open: Open,
    abandoned: bool,
    _row: output::RowGuard,
}

impl Entered {
    /// Ends the span now as abandoned: the work stopped before its end.
    pub fn abandon(mut self) {
        self.abandoned = true;
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        self.open.finished = !self.abandoned && !std::thread::panicking();
    }
}

/// A bar being timed; sent when dropped, as finished or abandoned.
#[derive(Debug)]
struct Open {
    // Boxed: with the chart off this is one null pointer in the future that
    // carries it.
    open: Option<Box<OpenBar>>,
    finished: bool,
}

#[derive(Debug)]
struct OpenBar {
    target: Arc<Target>,
    row: usize,
    waiting: bool,
    label: String,
    start: Instant,
    clock: Clock,
}

impl Drop for Open {
    fn drop(&mut self) {
        if let Some(open) = self.open.take() {
            let end = open.clock.now();
            open.target.send(Bar {
                row: open.row,
                label: open.label,
                start: open.start.saturating_duration_since(open.target.origin),
                end: end.saturating_duration_since(open.target.origin),
                outcome: match (self.finished, open.waiting) {
                    (false, _) => Outcome::Abandoned,
                    (true, false) => Outcome::Finished,
                    (true, true) => Outcome::Waited,
                },
            });
        }
    }
}

/// Applies a [`Span`] to a future, like tracing's `Instrument`.
pub trait Instrument: Future + Sized {
    /// This future inside `span`: recorded from its first poll (when it
    /// starts to run, not when it was made) to its end, or as abandoned if
    /// it is dropped before its end (or calls [`abandon_current`]); what it
    /// prints takes the row's color.
    fn instrument(self, span: Span) -> Instrumented<Self> {
        Instrumented { future: self, span, open: None, abandoned: false }
    }
}

pin_project_lite::pin_project! {
    /// A future inside a span (see [`Instrument::instrument`]). It holds the
    /// future itself, not a copy: wrapping adds only the span's few words.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Instrumented<F> {
        #[pin]
        future: F,
        span: Span,
        open: Option<Open>,
        abandoned: bool,
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let this = self.project();
        let _row = output::enter_row(this.span.row());
        let span = &*this.span;
        let open = this.open.get_or_insert_with(|| span.open());
        let future = this.future;
        let (poll, marked) = watching_abandon(|| future.poll(context));
        *this.abandoned |= marked;
        if poll.is_ready() {
            open.finished = !*this.abandoned;
            // Record the bar now, not whenever the wrapper happens to be dropped.
            drop(this.open.take());
        }
        poll
    }
}

impl<F: Future> Instrument for F {}

/// The width to draw at: `COLUMNS` if set, else the terminal's width, else
/// 80; never more than [`MAX_WIDTH`].
pub fn terminal_width() -> usize {
    let from_terminal = || terminal_size::terminal_size().map(|(width, _)| usize::from(width.0));
    width_from(std::env::var("COLUMNS").ok().as_deref(), from_terminal)
}

/// [`terminal_width`] from the value of `COLUMNS` (if set) and the
/// terminal's width (if there is a terminal). A `COLUMNS` that is not a
/// number is ignored, as shells do; one too large to parse is as wide as
/// can be, and the result is clamped to [`MAX_WIDTH`].
fn width_from(columns: Option<&str>, terminal: impl FnOnce() -> Option<usize>) -> usize {
    let from_env = columns.map(str::trim).and_then(|value| match value.parse::<usize>() {
        Ok(width) => Some(width),
        Err(_) if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) => Some(usize::MAX),
        Err(_) => None,
    });
    from_env.or_else(terminal).unwrap_or(80).min(MAX_WIDTH)
}

/// What one cell of a row shows; later variants win when bars share a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Glyph {
    Empty,
    Instant,
    Abandoned,
    Ran,
    /// Drawn over the rest: a wait is inside the work its row shows.
    Waited,
}

impl Glyph {
    fn glyph(self) -> char {
        match self {
            Glyph::Empty => ' ',
            Glyph::Instant => '▏',
            Glyph::Abandoned => '░',
            Glyph::Ran => '█',
            Glyph::Waited => '▒',
        }
    }
}

/// Draws one chart at most `width` characters wide (every line, heading and
/// legend included; labels shrink first on a narrow terminal).
///
/// Rows are ordered by number and colored with [`colors::style`]; the escape
/// codes are dropped on output when colors are off. Returns an empty string
/// for a chart with no bars.
pub fn render(chart: &Chart, width: usize, clock: Clock) -> String {
    let width = width.min(MAX_WIDTH);
    let bars = &chart.bars;
    if bars.is_empty() {
        return String::new();
    }
    let total = bars.iter().map(|bar| bar.end).max().unwrap_or_default();
    let rows = rows(bars);

    let natural_label =
        rows.iter().take(MAX_ROWS).map(|(_, label, _)| label.chars().count()).max().unwrap_or(0);
    let label_width = natural_label.min(MAX_LABEL).min(width.saturating_sub(3 + MIN_COLUMNS));
    // Label, a space, and the two borders around the bars.
    let columns = width.saturating_sub(label_width + 3).max(1);

    let mut drawn = String::new();
    let clock_name = match clock {
        Clock::Real => "real time",
        Clock::Virtual => "virtual time",
    };
    let length = if total >= Duration::from_secs(60) {
        timing::hms(total)
    } else {
        format!("{} s", timing::seconds(total))
    };
    let heading = format!(
        "{}: {} over {length} ({clock_name})",
        chart.title.as_deref().unwrap_or("Timeline"),
        timing::plural(rows.len() as u64, "row", "rows"),
    );
    let _ = writeln!(drawn, "{}", colors::styled(colors::HEADING, crate::shorten(&heading, width)));

    let mut used = [false; 5];
    for (row, label, members) in rows.iter().take(MAX_ROWS) {
        let mut cells = vec![Glyph::Empty; columns];
        for bar in members {
            let kind = match (bar.outcome, bar.start == bar.end) {
                (Outcome::Abandoned, _) => Glyph::Abandoned,
                (Outcome::Waited, _) => Glyph::Waited,
                (Outcome::Finished, true) => Glyph::Instant,
                (Outcome::Finished, false) => Glyph::Ran,
            };
            // A wait covers only the cells it fills the middle of: one of a
            // few microseconds is not drawn as if it took a whole cell.
            let (first, last) = cell_range(bar.start, bar.end, total, columns, kind != Glyph::Waited);
            for cell in &mut cells[first..last] {
                *cell = (*cell).max(kind);
            }
        }
        for cell in &cells {
            used[*cell as usize] = true;
        }
        let glyphs: String = cells.iter().map(|cell| cell.glyph()).collect();
        let _ = writeln!(
            drawn,
            "{:<label_width$} │{}│",
            crate::shorten(label, label_width),
            colors::paint(*row, glyphs)
        );
    }
    if rows.len() > MAX_ROWS {
        let more = format!("{:label_width$}  … and {} more rows", "", rows.len() - MAX_ROWS);
        let _ = writeln!(drawn, "{}", crate::shorten(&more, width));
    }

    let (axis, labels) = axis(total, columns);
    let _ = writeln!(drawn, "{:label_width$} └{axis}┘", "");
    let _ = writeln!(drawn, "{:label_width$}  {}", "", labels.trim_end());
    if used[Glyph::Instant as usize] || used[Glyph::Abandoned as usize] || used[Glyph::Waited as usize] {
        let mut legend = vec!["█ ran"];
        if used[Glyph::Waited as usize] {
            legend.push("▒ waited");
        }
        if used[Glyph::Abandoned as usize] {
            legend.push("░ stopped before its end");
        }
        if used[Glyph::Instant as usize] {
            legend.push("▏ took no time");
        }
        let legend = format!("{:label_width$}  {}", "", legend.join("  "));
        let _ = writeln!(drawn, "{}", colors::styled(colors::NOTE, crate::shorten(&legend, width)));
    }
    drawn
}

/// Bars grouped by row, rows in order, each with its label; rows that share
/// a label get ` #1`, ` #2`… so that they can be told apart without color.
fn rows(bars: &[Bar]) -> Vec<(usize, String, Vec<&Bar>)> {
    let mut sorted: Vec<&Bar> = bars.iter().collect();
    sorted.sort_by_key(|bar| (bar.row, bar.start));
    let mut rows: Vec<(usize, String, Vec<&Bar>)> = Vec::new();
    for bar in sorted {
        match rows.last_mut() {
            Some((row, _, members)) if *row == bar.row => members.push(bar),
            _ => rows.push((bar.row, bar.label.clone(), vec![bar])),
        }
    }
    let labels: Vec<String> = rows.iter().map(|(_, label, _)| label.clone()).collect();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, (_, label, _)) in rows.iter_mut().enumerate() {
        if labels.iter().filter(|other| **other == labels[index]).count() > 1 {
            let count = seen.entry(&labels[index]).or_default();
            *count += 1;
            *label = format!("{label} #{count}");
        }
    }
    rows
}

/// The cells `[first, last)` a bar covers: those whose middle it covers, so
/// that a bar ending where the next begins never shares a cell with it; and,
/// when `at_least_one`, at least one, so that a short bar is still seen.
fn cell_range(
    start: Duration,
    end: Duration,
    total: Duration,
    columns: usize,
    at_least_one: bool,
) -> (usize, usize) {
    if total.is_zero() {
        return (0, columns);
    }
    let scale = columns as f64 / total.as_secs_f64();
    let (start, end) = (start.as_secs_f64() * scale, end.as_secs_f64() * scale);
    let first = ((start - 0.5).ceil().max(0.0) as usize).min(columns);
    let last = ((end - 0.5).ceil().max(0.0) as usize).min(columns);
    if last > first || !at_least_one {
        (first, last.max(first))
    } else {
        let cell = (start.floor() as usize).min(columns - 1);
        (cell, cell + 1)
    }
}

/// The bottom border with a tick under each round time, and the line of
/// tick labels below it (no wider than the border).
fn axis(total: Duration, columns: usize) -> (String, String) {
    let mut border: Vec<char> = vec!['─'; columns];
    // The label line may reach one column further, under the closing corner.
    let mut labels: Vec<char> = vec![' '; columns + 1];
    if total.is_zero() {
        let zero: String = "0s".chars().take(columns + 1).collect();
        return (border.into_iter().collect(), zero);
    }
    let total_secs = total.as_secs_f64();
    // Leave about ten columns per label so they never run into each other.
    let step = nice_step(total_secs / (columns as f64 / 10.0).max(1.0));
    let mut times: Vec<f64> = (0..)
        .map(|index| step * f64::from(index))
        .take_while(|&tick| tick < total_secs * (1.0 - 1e-9))
        .collect();
    // The axis always ends with the total, round or not.
    times.push(total_secs);
    let ticks: Vec<(usize, Vec<char>)> = times
        .into_iter()
        .map(|tick| {
            let column = (((tick / total_secs) * columns as f64).round() as usize).min(columns - 1);
            (column, format_time(Duration::from_secs_f64(tick), step).chars().collect())
        })
        .collect();
    // The last label goes first, so that the axis always shows where it ends;
    // the others fill in from the left where they do not collide.
    let mut taken = vec![false; labels.len()];
    let last = ticks.len() - 1;
    for (column, text) in std::iter::once(&ticks[last]).chain(&ticks[..last]) {
        border[*column] = '┬';
        if text.len() > labels.len() {
            continue; // a chart too narrow for even one label
        }
        // A label that would run past the end is moved left to end there.
        let start = (*column).min(labels.len() - text.len());
        let end = start + text.len();
        let with_gap = start.saturating_sub(1)..(end + 1).min(labels.len());
        if !taken[with_gap].iter().any(|&used| used) {
            labels[start..end].copy_from_slice(text);
            taken[start..end].iter_mut().for_each(|used| *used = true);
        }
    }
    (border.into_iter().collect(), labels.into_iter().collect())
}

/// The smallest "round" step at least `raw` seconds long: 1, 2 or 5 times a
/// power of ten below a minute, whole minutes and hours above.
fn nice_step(raw: f64) -> f64 {
    const LONG_STEPS: [f64; 10] =
        [60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10_800.0, 21_600.0];
    if raw > 30.0 {
        return LONG_STEPS
            .into_iter()
            .find(|&step| step >= raw)
            .unwrap_or_else(|| (raw / 43_200.0).ceil() * 43_200.0);
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * magnitude)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// A time on the axis, as precise as the step between ticks needs:
/// `0.25s`, `30s`, or `1:30:00` once steps are a minute or more.
fn format_time(time: Duration, step: f64) -> String {
    if step >= 60.0 {
        return timing::hms(time);
    }
    // Steps are 1, 2 or 5 times a power of ten, so this many decimals show them exactly.
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil() as usize };
    format!("{:.decimals$}s", time.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_keeps_at_most_its_bars_and_says_how_many_it_left_out() {
        let timeline = Timeline::keeping(Clock::Real, 3);
        let recorder = timeline.recorder();
        for row in 0..5 {
            recorder.record_bar(bar(row, 0, 10));
        }
        assert_eq!(timeline.bars().iter().map(|bar| bar.row).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(timeline.left_out(), 2);
        let text = anstream::adapter::strip_str(&timeline.render(80)).to_string();
        assert!(
            text.ends_with("(The chart keeps the first 3 bars of a run; 2 later ones are not drawn.)\n"),
            "{text}"
        );
        let full = Timeline::keeping(Clock::Real, 3);
        full.recorder().record_bar(bar(0, 0, 10));
        assert!(!full.render(80).contains("not drawn"));
    }

    fn bar(row: usize, start_ms: u64, end_ms: u64) -> Bar {
        Bar {
            row,
            label: format!("counter {row}"),
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
            outcome: Outcome::Finished,
        }
    }

    fn chart(bars: &[Bar]) -> Chart {
        Chart { title: None, bars: bars.to_vec() }
    }

    /// The chart without escape codes, one string per line.
    fn plain_lines(bars: &[Bar], width: usize) -> Vec<String> {
        anstream::adapter::strip_str(&render(&chart(bars), width, Clock::Real))
            .to_string()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn cells(line: &str) -> String {
        line.split('│').nth(1).unwrap().to_string()
    }

    #[test]
    fn overlapping_bars_fill_every_row() {
        let lines = plain_lines(&[bar(0, 0, 1000), bar(1, 0, 1000), bar(2, 0, 1000)], 60);
        for row in &lines[1..4] {
            assert!(cells(row).chars().all(|cell| cell == '█'), "{row}");
        }
    }

    #[test]
    fn sequential_bars_draw_a_staircase() {
        // 80 - "counter 0" - 3 = 68 columns: the thirds fall inside cells.
        let lines = plain_lines(&[bar(2, 2000, 3000), bar(0, 0, 1000), bar(1, 1000, 2000)], 80);
        let rows: Vec<Vec<bool>> =
            lines[1..4].iter().map(|line| cells(line).chars().map(|c| c == '█').collect()).collect();
        let columns = rows[0].len();
        assert_eq!(columns, 68);
        // Row order follows the row number, not the order bars ended in.
        assert!(lines[1].starts_with("counter 0"));
        for column in 0..columns {
            let owners: Vec<usize> =
                rows.iter().enumerate().filter(|(_, row)| row[column]).map(|(owner, _)| owner).collect();
            // The counter whose third holds the middle of the cell, and only it.
            assert_eq!(owners, [(column * 2 + 1) * 3 / (columns * 2)], "column {column}");
        }
    }

    #[test]
    fn no_line_is_wider_than_the_terminal_however_narrow() {
        let mut long = bar(1, 250, 500);
        long.label = "a label far longer than any terminal column budget".into();
        let bars = [bar(0, 0, 1000), long, Bar { outcome: Outcome::Abandoned, ..bar(2, 0, 10) }];
        for width in (4..40).chain([80, 131]) {
            for line in plain_lines(&bars, width) {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
        }
        let labels = plain_lines(&bars, 80).pop().unwrap();
        assert_ne!(labels, "", "the legend is the last line at 80 columns");
    }

    #[test]
    fn a_huge_width_is_clamped_and_draws_a_chart_no_wider() {
        let bars = [bar(0, 0, 100), bar(1, 50, 150)];
        for width in [MAX_WIDTH + 1, 100_000_000_000, usize::MAX] {
            let lines = plain_lines(&bars, width);
            assert!(lines.iter().all(|line| line.chars().count() <= MAX_WIDTH), "{width}");
            assert!(lines.iter().any(|line| line.chars().count() > MAX_WIDTH - 10), "{width}");
        }
        let terminal = || Some(120);
        assert_eq!(width_from(Some("100000000000"), terminal), MAX_WIDTH);
        assert_eq!(width_from(Some("99999999999999999999999999"), terminal), MAX_WIDTH);
        assert_eq!(width_from(Some(" 60 "), terminal), 60);
        assert_eq!(width_from(Some("wide"), terminal), 120);
        assert_eq!(width_from(None, terminal), 120);
        assert_eq!(width_from(None, || None), 80);
        assert_eq!(width_from(None, || Some(5000)), MAX_WIDTH);
    }

    #[test]
    fn the_axis_starts_at_zero_and_ends_at_the_total() {
        for (end_ms, last) in [(1000, "1.0s"), (11_000, "11s"), (43_200_000, "12:00:00")] {
            let lines = plain_lines(&[bar(0, 0, end_ms)], 80);
            let labels = lines.last().unwrap();
            assert!(labels.trim_start().starts_with('0'), "{labels:?}");
            assert!(labels.ends_with(last), "{labels:?}");
        }
    }

    #[test]
    fn abandoned_and_zero_length_bars_are_drawn_apart_from_finished_ones() {
        let abandoned = Bar { outcome: Outcome::Abandoned, ..bar(1, 0, 500) };
        let instant = bar(2, 700, 700);
        let lines = plain_lines(&[bar(0, 0, 1000), abandoned, instant], 60);
        assert!(cells(&lines[2]).contains('░') && !cells(&lines[2]).contains('█'), "{lines:#?}");
        assert_eq!(cells(&lines[3]).trim(), "▏", "{lines:#?}");
        let legend = lines.last().unwrap();
        assert!(legend.contains("░ stopped before its end") && legend.contains("▏ took no time"), "{legend}");
        // A chart of finished work only has no legend.
        assert!(!plain_lines(&[bar(0, 0, 1000)], 60).last().unwrap().contains('█'));
    }

    #[test]
    fn a_wait_is_drawn_over_the_work_of_its_row() {
        let wait = Bar { outcome: Outcome::Waited, ..bar(0, 250, 500) };
        let lines = plain_lines(&[bar(0, 0, 1000), wait, bar(1, 0, 1000)], 60);
        let row = cells(&lines[1]);
        assert!(row.contains('▒') && row.starts_with('█') && row.ends_with('█'), "{lines:#?}");
        // The wait covers the second quarter of the row, and only that.
        let waited: Vec<usize> = row.chars().enumerate().filter(|(_, c)| *c == '▒').map(|(i, _)| i).collect();
        let columns = row.chars().count();
        assert_eq!((waited[0], waited.len()), (columns / 4, columns / 4), "{row}");
        assert!(!cells(&lines[2]).contains('▒'));
        assert!(lines.last().unwrap().contains("▒ waited"), "{lines:#?}");
        // A wait far shorter than a cell is not drawn; a bar that short is.
        let blink = Bar { outcome: Outcome::Waited, ..bar(0, 500, 501) };
        let lines = plain_lines(&[bar(0, 0, 1000), blink, bar(1, 500, 501)], 60);
        assert!(!cells(&lines[1]).contains('▒') && cells(&lines[2]).contains('█'), "{lines:#?}");
    }

    #[test]
    fn a_span_stays_five_words_wide() {
        assert_eq!(std::mem::size_of::<Span>(), 5 * std::mem::size_of::<usize>());
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_span_records_a_wait_unless_cut_short() {
        let timeline = Timeline::start(Clock::Virtual);
        let _installed = install(timeline.recorder());
        let wait = tokio::time::sleep(Duration::from_secs(2)).instrument(span(0, "waiting").waiting());
        wait.instrument(span(0, "producer")).await;
        let forever = std::future::pending::<()>().instrument(span(1, "waiting").waiting());
        let _ = tokio::time::timeout(Duration::from_secs(1), forever).await;
        let bars: Vec<(usize, Outcome, u64)> =
            timeline.bars().iter().map(|bar| (bar.row, bar.outcome, bar.end.as_secs())).collect();
        assert_eq!(bars, [(0, Outcome::Waited, 2), (0, Outcome::Finished, 2), (1, Outcome::Abandoned, 3)]);
    }

    #[test]
    fn rows_with_the_same_label_are_numbered() {
        let mut bars: Vec<Bar> = (0..3).map(|row| bar(row, 0, 1000)).collect();
        for bar in &mut bars {
            bar.label = "count()".into();
        }
        let lines = plain_lines(&bars, 60);
        assert!(lines[1].starts_with("count() #1") && lines[3].starts_with("count() #3"), "{lines:#?}");
    }

    #[test]
    fn rows_beyond_the_limit_are_counted() {
        let bars: Vec<Bar> = (0..MAX_ROWS + 5).map(|row| bar(row, 0, 1000)).collect();
        let text = anstream::adapter::strip_str(&render(&chart(&bars), 80, Clock::Virtual)).to_string();
        assert!(text.contains("… and 5 more rows"));
        assert!(text.contains(&format!("Timeline: {} rows", MAX_ROWS + 5)));
        assert!(text.contains("virtual time"));
        assert_eq!(text.lines().filter(|line| line.contains('│')).count(), MAX_ROWS);
    }

    #[test]
    fn nice_steps_are_round() {
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(0.2), 0.2);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(45.0), 60.0);
        assert_eq!(nice_step(4000.0), 7200.0);
    }

    #[test]
    fn bar_lines_round_trip_and_reject_anything_else() {
        let mut odd = bar(3, 5, 7);
        odd.label = "tab\there".into();
        let parsed = Bar::from_line(&odd.to_line()).unwrap();
        assert_eq!(parsed.label, "tab here");
        let wait = Bar { outcome: Outcome::Waited, ..bar(1, 2, 3) };
        assert_eq!(Bar::from_line(&wait.to_line()), Some(wait));
        for not_a_bar in
            ["", "hello", "#bar\t1\t2", "#bar\tx\t1\t2\tfinished\tl", "#bar\t1\t5\t2\tfinished\tl"]
        {
            assert_eq!(Bar::from_line(not_a_bar), None, "{not_a_bar:?}");
        }
    }

    #[test]
    fn an_off_recorder_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Recorder>(), std::mem::size_of::<usize>());
    }

    #[tokio::test(start_paused = true)]
    async fn futures_are_timed_from_their_first_poll_and_dropped_ones_are_abandoned() {
        let timeline = Timeline::start(Clock::Virtual);
        let _installed = install(timeline.recorder());
        let made_early =
            async { tokio::time::sleep(Duration::from_secs(2)).await }.instrument(span(0, "sleeper"));
        tokio::time::sleep(Duration::from_secs(1)).await;
        made_early.await;
        let forever = std::future::pending::<()>().instrument(span(1, "forever"));
        let _ = tokio::time::timeout(Duration::from_secs(1), forever).await;
        Recorder::off().record_bar(bar(9, 0, 1));
        assert_eq!(
            timeline.bars(),
            [
                Bar {
                    row: 0,
                    label: "sleeper".into(),
                    start: Duration::from_secs(1),
                    end: Duration::from_secs(3),
                    outcome: Outcome::Finished,
                },
                Bar {
                    row: 1,
                    label: "forever".into(),
                    start: Duration::from_secs(3),
                    end: Duration::from_secs(4),
                    outcome: Outcome::Abandoned,
                },
            ]
        );
    }

    #[test]
    fn threads_record_on_the_same_chart_and_a_panic_is_abandoned() {
        let timeline = Timeline::start(Clock::Real);
        let _installed = install(timeline.recorder());
        let spans = [span(0, "fine"), span(1, "panics")];
        std::thread::scope(|scope| {
            let [fine, panics] = spans;
            scope.spawn(move || fine.in_scope(|| assert_eq!(output::current_row(), Some(0))));
            let failed = scope.spawn(move || panics.in_scope(|| panic!("on purpose")));
            assert!(failed.join().is_err());
        });
        let mut bars = timeline.bars();
        bars.sort_by_key(|bar| bar.row);
        let outcomes: Vec<Outcome> = bars.iter().map(|bar| bar.outcome).collect();
        assert_eq!(outcomes, [Outcome::Finished, Outcome::Abandoned]);
    }

    #[tokio::test(start_paused = true)]
    async fn work_that_marks_itself_abandoned_is_drawn_so_and_its_parent_is_not() {
        let timeline = Timeline::start(Clock::Virtual);
        let _installed = install(timeline.recorder());
        let inner = async { abandon_current() }.instrument(span(1, "inner"));
        inner.instrument(span(0, "outer")).await;
        span(2, "closure").in_scope(abandon_current);
        let mut outcomes: Vec<(usize, Outcome)> =
            timeline.bars().iter().map(|bar| (bar.row, bar.outcome)).collect();
        outcomes.sort_by_key(|(row, _)| *row);
        assert_eq!(outcomes, [(0, Outcome::Finished), (1, Outcome::Abandoned), (2, Outcome::Abandoned)]);
    }

    #[test]
    fn a_new_chart_has_its_own_title_and_time_zero() {
        let timeline = Timeline::start(Clock::Real);
        let main = timeline.recorder();
        main.record_bar(bar(0, 0, 10));
        let second = main.new_chart("Second");
        second.record_bar(bar(0, 0, 20));
        let charts = timeline.charts();
        assert_eq!(charts.len(), 2);
        assert_eq!(charts[1].title.as_deref(), Some("Second"));
        assert_eq!(charts[1].bars, [bar(0, 0, 20)]);
        let drawn = anstream::adapter::strip_str(&timeline.render(60)).to_string();
        assert!(drawn.contains("Timeline: 1 row") && drawn.contains("Second: 1 row"), "{drawn}");
    }
}
