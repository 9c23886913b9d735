//! A progress bar for runs that take more than a second, on stderr, with
//! [`indicatif`].
//!
//! Measuring must not change what it measures, so the bar is drawn by a
//! thread of its own, never by the code being timed: that code (or the
//! pool's workers) only bumps a counter, or not even that, and this thread
//! reads it ten times a second. Nothing is drawn during the first second
//! (most runs are over by then), and nothing at all when stderr is not a
//! terminal (a pipe, a file, a test): then no thread is started either.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
pub const DELAY: Duration = Duration::from_secs(1);

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Where a run is: what it does now, and how far it has got.
struct Step {
    message: String,
    /// How many units the step has, when known.
    total: Option<u64>,
    /// How many are done: read on the bar's thread.
    done: Box<dyn Fn() -> u64 + Send>,
}

/// The bar of one run; cleared when finished or dropped.
pub struct Progress {
    step: Arc<Mutex<Step>>,
    stop: Option<mpsc::Sender<()>>,
    drawer: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts watching; the bar appears after [`DELAY`] if the run is still
    /// going and stderr is a terminal.
    pub fn start(message: impl Into<String>) -> Progress {
        let step = Arc::new(Mutex::new(Step { message: message.into(), total: None, done: Box::new(|| 0) }));
        if !std::io::stderr().is_terminal() {
            return Progress { step, stop: None, drawer: None };
        }
        let (stop, stopped) = mpsc::channel();
        let shown = Arc::clone(&step);
        let drawer =
            std::thread::Builder::new().name("progress".into()).spawn(move || draw(&shown, &stopped));
        Progress { step, stop: Some(stop), drawer: drawer.ok() }
    }

    /// A new step: `message`, and `done()` of `total` units when given.
    pub fn step(
        &self,
        message: impl Into<String>,
        total: Option<u64>,
        done: impl Fn() -> u64 + Send + 'static,
    ) {
        let mut step = self.step.lock().unwrap_or_else(PoisonError::into_inner);
        *step = Step { message: message.into(), total, done: Box::new(done) };
    }

    /// Clears the bar (if it was drawn) and stops its thread.
    pub fn finish(mut self) {
        self.stop_drawing();
    }

    fn stop_drawing(&mut self) {
        drop(self.stop.take());
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_drawing();
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress { .. }")
    }
}

/// The bar's thread: waits out the delay, then redraws until told to stop.
fn draw(step: &Mutex<Step>, stopped: &mpsc::Receiver<()>) {
    if stopped.recv_timeout(DELAY) != Err(mpsc::RecvTimeoutError::Timeout) {
        return; // finished within the delay
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let counted = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let uncounted = ProgressStyle::with_template("{msg} {spinner} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    loop {
        {
            let step = step.lock().unwrap_or_else(PoisonError::into_inner);
            match step.total {
                Some(total) => {
                    bar.set_style(counted.clone());
                    bar.set_length(total);
                    bar.set_position((step.done)().min(total));
                }
                None => bar.set_style(uncounted.clone()),
            }
            bar.set_message(step.message.clone());
            bar.tick();
        }
        if stopped.recv_timeout(TICK) != Err(mpsc::RecvTimeoutError::Timeout) {
            break;
        }
    }
    bar.finish_and_clear();
}
