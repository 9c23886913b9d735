//! Who ran when: spans recorded during a run, drawn after it as a text Gantt
//! chart.
//!
//! A task, thread or process records a [`Span`] (a row, a label, a start and an
//! end). After the run, [`render`] draws one row per task across a time axis
//! that fits the terminal. Three counters that overlap draw three bars on top
//! of each other; three that run one after another draw a staircase. The
//! picture is the lesson.
//!
//! Recording must not change what it measures. A `Mutex<Vec<Span>>` would make
//! every thread that finishes a span wait for the others, so spans go through
//! a [`std::sync::mpsc`] channel instead: sending is lock-free, and each span
//! is sent once, when it ends, never while the work runs. When `--timeline` is
//! off the [`Recorder`] is empty and records nothing at all.

use std::fmt::{self, Write as _};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use tokio::time::Instant;

use crate::colors;
use crate::timing::Clock;

/// At most this many rows are drawn; the rest are counted in a last line.
pub const MAX_ROWS: usize = 40;

/// Row labels longer than this are cut short.
const MAX_LABEL: usize = 20;

/// One stretch of time in the life of a task, thread or process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The row it is drawn on, and the palette color of that row: use the
    /// task's number, so the chart matches the colors of its printed lines.
    /// Several spans can share a row (a chain's two parts, say).
    pub row: usize,
    /// The name shown at the start of the row (the first span's label wins).
    pub label: String,
    /// When it started, counted from the start of the run.
    pub start: Duration,
    /// When it ended, counted from the start of the run.
    pub end: Duration,
}

/// Collects the spans of one run. Create it inside the runtime, when the run
/// starts: that instant is time zero.
#[derive(Debug)]
pub struct Timeline {
    origin: Instant,
    sender: mpsc::Sender<Span>,
    receiver: mpsc::Receiver<Span>,
}

impl Timeline {
    /// Starts the clock of the chart now (on the run's clock, paused or not).
    pub fn start() -> Timeline {
        let (sender, receiver) = mpsc::channel();
        Timeline { origin: Instant::now(), sender, receiver }
    }

    /// A handle that tasks clone and record into.
    pub fn recorder(&self) -> Recorder {
        Recorder { target: Some(Arc::new(Target { origin: self.origin, sender: self.sender.clone() })) }
    }

    /// Every span recorded so far, in the order they ended.
    pub fn spans(&self) -> Vec<Span> {
        self.receiver.try_iter().collect()
    }
}

/// Where a recorder sends its spans.
#[derive(Clone, Debug)]
struct Target {
    origin: Instant,
    sender: mpsc::Sender<Span>,
}

/// Records spans into a [`Timeline`], or does nothing when the chart is off.
///
/// Cloning is cheap: give each task or thread its own clone. It is one
/// pointer wide, so a million tasks that carry one pay 8 bytes each.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    target: Option<Arc<Target>>,
}

impl Recorder {
    /// A recorder that records nothing (`--timeline` not given).
    pub fn off() -> Recorder {
        Recorder { target: None }
    }

    /// Whether spans are being kept.
    pub fn is_on(&self) -> bool {
        self.target.is_some()
    }

    /// Opens a span that ends when the returned guard is dropped (or
    /// [`SpanGuard::end`] is called). A task that is cancelled still closes
    /// its span, at the moment it was dropped.
    ///
    /// The label is only formatted when the recorder is on, so a million
    /// tasks pay nothing for it when the chart is off.
    pub fn begin(&self, row: usize, label: impl fmt::Display) -> SpanGuard {
        SpanGuard {
            open: self.target.as_ref().map(|target| {
                Box::new(OpenSpan {
                    target: Arc::clone(target),
                    row,
                    label: label.to_string(),
                    start: Instant::now(),
                })
            }),
        }
    }

    /// Records a span measured elsewhere, from two instants of the run's clock.
    pub fn record(&self, row: usize, label: impl fmt::Display, start: Instant, end: Instant) {
        if let Some(target) = &self.target {
            target.send(row, label.to_string(), start, end);
        }
    }

    /// Records a span already expressed as offsets from the start of the run
    /// (for example one reported by a child process).
    pub fn record_span(&self, span: Span) {
        if let Some(target) = &self.target {
            // The receiver lives as long as the run; if it is gone, the chart
            // is no longer wanted and the span can go too.
            let _ = target.sender.send(span);
        }
    }
}

impl Target {
    fn send(&self, row: usize, label: String, start: Instant, end: Instant) {
        let span = Span {
            row,
            label,
            start: start.saturating_duration_since(self.origin),
            end: end.saturating_duration_since(self.origin),
        };
        let _ = self.sender.send(span);
    }
}

/// An open span; it is recorded when this is dropped.
#[derive(Debug)]
#[must_use = "the span ends when this guard is dropped: bind it to a variable"]
pub struct SpanGuard {
    // Boxed: a task that holds a guard across an await carries it in its
    // future, and with the chart off this is one null pointer.
    open: Option<Box<OpenSpan>>,
}

#[derive(Debug)]
struct OpenSpan {
    target: Arc<Target>,
    row: usize,
    label: String,
    start: Instant,
}

impl SpanGuard {
    /// Moves the span's start to now.
    ///
    /// For a span opened before its task first runs (to keep the task's
    /// future small, say): call it as the task starts, so that the chart shows
    /// when the task ran, not when it was queued.
    pub fn start_now(&mut self) {
        if let Some(open) = &mut self.open {
            open.start = Instant::now();
        }
    }

    /// Ends the span now.
    pub fn end(self) {}
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        if let Some(open) = self.open.take() {
            open.target.send(open.row, open.label, open.start, Instant::now());
        }
    }
}

/// The width to draw at: `COLUMNS` if set, else the terminal's width, else 80.
pub fn terminal_width() -> usize {
    let from_env = std::env::var("COLUMNS").ok().and_then(|value| value.trim().parse().ok());
    let from_terminal = || terminal_size::terminal_size().map(|(width, _)| usize::from(width.0));
    from_env.or_else(from_terminal).unwrap_or(80)
}

/// Draws `spans` as a Gantt chart at most `width` characters wide.
///
/// Rows are ordered by their number and colored with [`colors::style`]; the
/// escape codes are dropped on output when colors are off. Returns an empty
/// string when there is nothing to draw.
pub fn render(spans: &[Span], width: usize, clock: Clock) -> String {
    if spans.is_empty() {
        return String::new();
    }
    let total = spans.iter().map(|span| span.end).max().unwrap_or_default();
    let mut rows: Vec<(usize, &str, Vec<&Span>)> = Vec::new();
    let mut sorted: Vec<&Span> = spans.iter().collect();
    sorted.sort_by_key(|span| (span.row, span.start));
    for span in sorted {
        match rows.last_mut() {
            Some((row, _, members)) if *row == span.row => members.push(span),
            _ => rows.push((span.row, &span.label, vec![span])),
        }
    }

    let label_width = rows
        .iter()
        .take(MAX_ROWS)
        .map(|(_, label, _)| label.chars().count().min(MAX_LABEL))
        .max()
        .unwrap_or(0);
    // Label, a space, and the two borders around the bars.
    let columns = width.saturating_sub(label_width + 3).max(10);

    let mut chart = String::new();
    let clock_name = match clock {
        Clock::Real => "real time",
        Clock::Virtual => "virtual time",
    };
    let length = if total >= Duration::from_secs(60) {
        crate::timing::hms(total)
    } else {
        format!("{} s", crate::timing::seconds(total))
    };
    let heading = format!(
        "Timeline: {} row{} over {length} ({clock_name})",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
    );
    let _ = writeln!(chart, "{}", colors::styled(colors::HEADING, heading));

    for (row, label, members) in rows.iter().take(MAX_ROWS) {
        let mut cells = vec![false; columns];
        for span in members {
            let (first, last) = cell_range(span.start, span.end, total, columns);
            cells[first..last].iter_mut().for_each(|cell| *cell = true);
        }
        let bars: String = cells.iter().map(|&busy| if busy { '█' } else { ' ' }).collect();
        let _ = writeln!(
            chart,
            "{:<label_width$} │{}│",
            crate::shorten(label, MAX_LABEL),
            colors::paint(*row, bars)
        );
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(chart, "{:label_width$}  … and {} more rows", "", rows.len() - MAX_ROWS);
    }

    let (axis, labels) = axis(total, columns);
    let _ = writeln!(chart, "{:label_width$} └{axis}┘", "");
    let _ = writeln!(chart, "{:label_width$}  {}", "", labels.trim_end());
    chart
}

/// The cells `[first, last)` a span covers: those whose middle it covers, so
/// that a span ending where the next begins never shares a cell with it; and
/// at least one, so that a short span is still seen.
fn cell_range(start: Duration, end: Duration, total: Duration, columns: usize) -> (usize, usize) {
    if total.is_zero() {
        return (0, columns);
    }
    let scale = columns as f64 / total.as_secs_f64();
    let (start, end) = (start.as_secs_f64() * scale, end.as_secs_f64() * scale);
    let first = ((start - 0.5).ceil().max(0.0) as usize).min(columns);
    let last = ((end - 0.5).ceil().max(0.0) as usize).min(columns);
    if last > first {
        (first, last)
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
        return (border.into_iter().collect(), "0s".to_string());
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
        // A label that would run past the end is moved left to end there.
        let start = (*column).min(labels.len().saturating_sub(text.len()));
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
        return crate::timing::hms(time);
    }
    // Steps are 1, 2 or 5 times a power of ten, so this many decimals show them exactly.
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil() as usize };
    format!("{:.decimals$}s", time.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(row: usize, start_ms: u64, end_ms: u64) -> Span {
        Span {
            row,
            label: format!("counter {row}"),
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
        }
    }

    /// The chart without escape codes, one string per line.
    fn plain_lines(spans: &[Span], width: usize) -> Vec<String> {
        anstream::adapter::strip_str(&render(spans, width, Clock::Real))
            .to_string()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn bars(line: &str) -> String {
        line.split('│').nth(1).unwrap().to_string()
    }

    #[test]
    fn overlapping_spans_draw_full_bars_on_every_row() {
        let lines = plain_lines(&[span(0, 0, 1000), span(1, 0, 1000), span(2, 0, 1000)], 60);
        for row in &lines[1..4] {
            assert!(bars(row).chars().all(|cell| cell == '█'), "{row}");
        }
    }

    #[test]
    fn sequential_spans_draw_a_staircase() {
        // 80 - "counter 0" - 3 = 68 columns: the thirds fall inside cells.
        let lines = plain_lines(&[span(2, 2000, 3000), span(0, 0, 1000), span(1, 1000, 2000)], 80);
        let rows: Vec<Vec<bool>> =
            lines[1..4].iter().map(|line| bars(line).chars().map(|c| c == '█').collect()).collect();
        let columns = rows[0].len();
        assert_eq!(columns, 68);
        // Row order follows the row number, not the order spans ended in.
        assert!(lines[1].starts_with("counter 0"));
        // Every column belongs to exactly one counter, in order.
        for column in 0..columns {
            let owners: Vec<usize> =
                rows.iter().enumerate().filter(|(_, row)| row[column]).map(|(owner, _)| owner).collect();
            assert_eq!(owners.len(), 1, "column {column}");
            // The counter whose third holds the middle of the cell.
            assert_eq!(owners[0], (column * 2 + 1) * 3 / (columns * 2), "column {column}");
        }
    }

    #[test]
    fn the_chart_fits_the_width_and_the_axis_ends_at_the_total() {
        for width in [40, 80, 131] {
            let lines = plain_lines(&[span(0, 0, 1000), span(1, 250, 500)], width);
            for line in &lines {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            let labels = lines.last().unwrap();
            assert!(labels.trim_start().starts_with("0.0s") || labels.trim_start().starts_with("0s"));
            assert!(labels.ends_with("1.0s") || labels.ends_with("1s"), "{labels:?}");
        }
    }

    #[test]
    fn a_short_span_still_shows() {
        let lines = plain_lines(&[span(0, 0, 10_000), span(1, 5000, 5001)], 80);
        assert_eq!(bars(&lines[2]).matches('█').count(), 1);
    }

    #[test]
    fn rows_beyond_the_limit_are_counted() {
        let spans: Vec<Span> = (0..MAX_ROWS + 5).map(|row| span(row, 0, 1000)).collect();
        let text = anstream::adapter::strip_str(&render(&spans, 80, Clock::Virtual)).to_string();
        assert!(text.contains("… and 5 more rows"));
        assert!(text.contains("virtual time"));
        assert_eq!(text.lines().filter(|line| line.contains('│')).count(), MAX_ROWS);
    }

    #[test]
    fn long_runs_are_labelled_in_hours() {
        let lines = plain_lines(&[span(0, 0, 43_200_000)], 80);
        assert!(lines.last().unwrap().ends_with("12:00:00"), "{:?}", lines.last());
    }

    #[test]
    fn the_axis_ends_with_the_total_even_when_it_is_not_round() {
        let lines = plain_lines(&[span(0, 0, 11_000)], 80);
        let labels = lines.last().unwrap();
        assert!(labels.trim_start().starts_with("0s"), "{labels:?}");
        assert!(labels.ends_with("11s"), "{labels:?}");
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
    fn nothing_recorded_draws_nothing() {
        assert_eq!(render(&[], 80, Clock::Real), "");
    }

    #[test]
    fn an_off_recorder_and_its_guards_are_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Recorder>(), std::mem::size_of::<usize>());
        assert_eq!(std::mem::size_of::<SpanGuard>(), std::mem::size_of::<usize>());
    }

    #[tokio::test(start_paused = true)]
    async fn recorders_measure_on_the_runs_clock_and_off_records_nothing() {
        let timeline = Timeline::start();
        let recorder = timeline.recorder();
        let task = tokio::spawn({
            let recorder = recorder.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let _span = recorder.begin(7, "worker 7");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
        task.await.unwrap();
        Recorder::off().begin(1, "ignored").end();
        let mut queued = recorder.begin(8, "queued at 3 s");
        tokio::time::sleep(Duration::from_secs(1)).await;
        queued.start_now();
        tokio::time::sleep(Duration::from_secs(1)).await;
        queued.end();
        assert_eq!(
            timeline.spans(),
            vec![
                Span {
                    row: 7,
                    label: "worker 7".into(),
                    start: Duration::from_secs(1),
                    end: Duration::from_secs(3)
                },
                Span {
                    row: 8,
                    label: "queued at 3 s".into(),
                    start: Duration::from_secs(4),
                    end: Duration::from_secs(5)
                },
            ]
        );
    }
}
