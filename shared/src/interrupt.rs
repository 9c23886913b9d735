//! Ctrl-C as a message, not a kill: a gentle first press, a firm second one.
//!
//! By default Ctrl-C ends a process wherever it is: half-way through writing a
//! file, with items still queued. Programs that hold work stop in two steps
//! instead ([`TwoStageStop`]):
//!
//! 1. the first Ctrl-C triggers [`TwoStageStop::input`]: take no more work,
//!    finish what is queued (when nothing is, the program simply ends);
//! 2. the second triggers [`TwoStageStop::now`]: drop what is left and stop
//!    at once, leaving no half-done item behind;
//! 3. a third, for a program that does not listen, exits with code 130.
//!
//! Each stage is a [`Stage`]: a flag that a thread can block on
//! ([`Stage::wait`]), a task can await ([`Stage::triggered`], on any
//! executor) and a loop can check ([`Stage::is_triggered`]).
//!
//! Presses come from the `ctrlc` crate: its signal handler (Unix) or console
//! handler (Windows) wakes a plain thread once per press. Two presses in
//! quick succession are two presses; nothing merges them, as tokio's signal
//! stream does.
//!
//! SIGTERM, what `kill` and service managers send to ask a program to end,
//! is handled as the second Ctrl-C is, in one step: whoever sent it will not
//! send it twice, and may follow it with a SIGKILL that nobody can catch. So
//! the program drops what is left at once and says what was not done, with
//! exit code 143 (128 + 15, as shells report a SIGTERM); a second SIGTERM
//! exits at once. It comes from `signal-hook`, on a thread of its own
//! (Unix). Windows has no SIGTERM: closing the console window or Ctrl-Break
//! reach `ctrlc`'s console handler, and count as presses.

use std::io::{self, IsTerminal};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

/// A flag that is set once and then stays set, which threads, tasks and
/// loops can wait for or check.
#[derive(Clone, Debug, Default)]
pub struct Stage {
    inner: Arc<StageInner>,
}

#[derive(Debug, Default)]
struct StageInner {
    triggered: Mutex<bool>,
    changed: Condvar,
    notify: Notify,
}

impl Stage {
    /// A stage not triggered yet.
    pub fn new() -> Stage {
        Stage::default()
    }

    /// Sets the flag and wakes every waiter. Later calls do nothing.
    pub fn trigger(&self) {
        let mut triggered = self.inner.triggered.lock().unwrap_or_else(PoisonError::into_inner);
        *triggered = true;
        self.inner.changed.notify_all();
        self.inner.notify.notify_waiters();
    }

    /// Whether the flag is set.
    pub fn is_triggered(&self) -> bool {
        *self.inner.triggered.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Blocks this thread until the flag is set.
    pub fn wait(&self) {
        let triggered = self.inner.triggered.lock().unwrap_or_else(PoisonError::into_inner);
        let _set =
            self.inner.changed.wait_while(triggered, |set| !*set).unwrap_or_else(PoisonError::into_inner);
    }

    /// Blocks this thread until the flag is set or `timeout` has passed;
    /// says whether it is set.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let triggered = self.inner.triggered.lock().unwrap_or_else(PoisonError::into_inner);
        let (set, _) = self
            .inner
            .changed
            .wait_timeout_while(triggered, timeout, |set| !*set)
            .unwrap_or_else(PoisonError::into_inner);
        *set
    }

    /// Runs `work` unless the flag is set first: then `work` is dropped
    /// where it waits, the span this runs in is marked as stopped before its
    /// end (see [`abandon_current`](crate::timeline::abandon_current)), and
    /// the answer is `None`. Use it around waits that are safe to cut short,
    /// such as a sleep before anything was written.
    pub async fn cut_short<F: std::future::Future>(&self, work: F) -> Option<F::Output> {
        tokio::select! {
            biased; // a stop wins over work that is also done
            () = self.triggered() => {
                crate::timeline::abandon_current();
                None
            }
            output = work => Some(output),
        }
    }

    /// Waits, without blocking the thread, until the flag is set. Works in
    /// any executor: it only needs wakers.
    pub async fn triggered(&self) {
        loop {
            let notified = self.inner.notify.notified();
            let mut notified = std::pin::pin!(notified);
            // Register before checking, so that a trigger in between is seen.
            notified.as_mut().enable();
            if self.is_triggered() {
                return;
            }
            notified.await;
        }
    }
}

/// Every Ctrl-C press this process has had, counted.
#[derive(Debug, Default)]
struct Presses {
    count: Mutex<u64>,
    changed: Condvar,
    notify: Notify,
}

static PRESSES: OnceLock<Presses> = OnceLock::new();
static HANDLER: OnceLock<Result<(), String>> = OnceLock::new();

/// Catches Ctrl-C for the whole process, once.
fn presses() -> io::Result<&'static Presses> {
    let presses = PRESSES.get_or_init(Presses::default);
    let installed = HANDLER.get_or_init(|| {
        ctrlc::set_handler(|| {
            let presses = PRESSES.get_or_init(Presses::default);
            *presses.count.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            presses.changed.notify_all();
            presses.notify.notify_waiters();
        })
        .map_err(|error| error.to_string())
    });
    match installed {
        Ok(()) => Ok(presses),
        Err(why) => Err(io::Error::other(why.clone())),
    }
}

/// One listener's view of the presses: each press is seen exactly once.
#[derive(Debug)]
pub struct CtrlC {
    presses: &'static Presses,
    seen: u64,
}

impl CtrlC {
    /// Starts catching Ctrl-C, if that was not done yet: from now on it no
    /// longer kills the process. Only presses after this call are seen.
    pub fn catch() -> io::Result<CtrlC> {
        let presses = presses()?;
        let seen = *presses.count.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(CtrlC { presses, seen })
    }

    /// Blocks this thread until the next press this listener has not seen.
    pub fn wait(&mut self) {
        let count = self.presses.count.lock().unwrap_or_else(PoisonError::into_inner);
        let _count = self
            .presses
            .changed
            .wait_while(count, |count| *count <= self.seen)
            .unwrap_or_else(PoisonError::into_inner);
        self.seen += 1;
    }

    /// Waits, without blocking the thread, for the next press.
    pub async fn pressed(&mut self) {
        loop {
            let notified = self.presses.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if *self.presses.count.lock().unwrap_or_else(PoisonError::into_inner) > self.seen {
                self.seen += 1;
                return;
            }
            notified.await;
        }
    }
}

/// The two stages of a two-step stop; see the module docs.
#[derive(Clone, Debug, Default)]
pub struct TwoStageStop {
    /// Triggered when input is over: by the first Ctrl-C, or by the program
    /// itself when its input ended on its own.
    pub input: Stage,
    /// Triggered by the Ctrl-C that asks to stop at once, or by SIGTERM.
    pub now: Stage,
    /// Triggered (before `now`) when SIGTERM asked for the stop.
    terminated: Stage,
}

impl TwoStageStop {
    /// Stages that nothing but the program triggers (for tests).
    pub fn new() -> TwoStageStop {
        TwoStageStop::default()
    }

    /// Stages triggered by Ctrl-C, from a thread started here.
    ///
    /// `pending` tells how many items are still to do (queued or in hand);
    /// the message of the first press depends on it. If Ctrl-C cannot be
    /// caught, a warning says so and it keeps its default effect.
    pub fn on_ctrl_c(pending: impl Fn() -> usize + Send + 'static) -> TwoStageStop {
        TwoStageStop::on_ctrl_c_saying(Words::INPUT, pending)
    }

    /// [`TwoStageStop::on_ctrl_c`] for a program whose first stage is not
    /// the end of its input: `words` says what it is (a worker takes no new
    /// jobs).
    pub fn on_ctrl_c_saying(words: Words, pending: impl Fn() -> usize + Send + 'static) -> TwoStageStop {
        let stop = TwoStageStop::new();
        let mut ctrl_c = match CtrlC::catch() {
            Ok(ctrl_c) => ctrl_c,
            Err(error) => {
                crate::eprintln!("warning: cannot catch Ctrl-C here ({error}); it stops the program at once");
                return stop;
            }
        };
        let listener = stop.clone();
        let spawned = std::thread::Builder::new().name("ctrl-c".into()).spawn(move || {
            loop {
                ctrl_c.wait();
                listener.press(words, pending());
            }
        });
        if let Err(error) = spawned {
            crate::eprintln!("warning: cannot listen for Ctrl-C ({error})");
        }
        let listener = stop.clone();
        if let Err(error) = on_sigterm(move || listener.terminate()) {
            crate::eprintln!("warning: cannot catch SIGTERM here ({error}); it stops the program at once");
        }
        stop
    }

    /// What SIGTERM does: the second Ctrl-C's stop, at once (see the module
    /// docs); a second SIGTERM exits with code 143.
    fn terminate(&self) {
        let lead = if io::stderr().is_terminal() { "\r" } else { "" };
        if self.now.is_triggered() {
            crate::eprintln!("{lead}SIGTERM: exiting.");
            crate::process::exit(TERMINATED_EXIT_CODE);
        }
        crate::output::prompt_done(false);
        crate::eprintln!("{lead}SIGTERM: stopping now.");
        self.terminate_quietly();
    }

    /// SIGTERM's stop now, told by another process instead of the signal:
    /// a worker process whose parent got SIGTERM and passes it on. No
    /// message (the parent said it); from now on [`TwoStageStop::stopped_by`]
    /// says `"SIGTERM"` and [`TwoStageStop::failure`] exits with 143.
    pub fn terminate_quietly(&self) {
        // The cause first: whoever sees `now` may ask for it at once.
        self.terminated.trigger();
        self.input.trigger();
        self.now.trigger();
    }

    /// What asked for the stop now, for the program's last word:
    /// `"SIGTERM"` or `"Ctrl-C"`.
    pub fn stopped_by(&self) -> &'static str {
        if self.terminated.is_triggered() { "SIGTERM" } else { "Ctrl-C" }
    }

    /// The program's last word after a stop now: `stopped by Ctrl-C;
    /// <what>`, with the exit code of what asked for it (130 for Ctrl-C,
    /// 143 for SIGTERM).
    pub fn failure(&self, what: impl std::fmt::Display) -> crate::Failure {
        let message = format!("stopped by {}; {what}", self.stopped_by());
        match self.terminated.is_triggered() {
            true => crate::Failure::terminated(message),
            false => crate::Failure::interrupted(message),
        }
    }

    /// What one press does, given how many items are still to do.
    fn press(&self, words: Words, pending: usize) {
        // The terminal echoes `^C` where the cursor is; on a terminal, start
        // each message at the beginning of that line, over the echo.
        let lead = if io::stderr().is_terminal() { "\r" } else { "" };
        // Each message is printed before its stage is triggered: once it is,
        // the program may finish and exit at any moment, taking with it a
        // message this thread had not printed yet.
        if !self.input.is_triggered() {
            // Nobody will read another line: end the prompt's line, so that
            // the message does not draw the prompt again.
            crate::output::prompt_done(false);
            let Words { first_stage, item, items } = words;
            if pending == 0 {
                crate::eprintln!("{lead}Ctrl-C: {first_stage}, and nothing is left to do.");
            } else {
                crate::eprintln!(
                    "{lead}Ctrl-C: {first_stage}; finishing {} first. Press Ctrl-C again to stop at once.",
                    crate::timing::plural(pending as u64, item, items)
                );
            }
            self.input.trigger();
        } else if !self.now.is_triggered() {
            crate::eprintln!("{lead}Ctrl-C: stopping now.");
            self.now.trigger();
        } else {
            crate::eprintln!("{lead}Ctrl-C: exiting.");
            crate::process::exit(130);
        }
    }
}

/// The exit code after SIGTERM: 128 + 15, as shells report it.
pub const TERMINATED_EXIT_CODE: i32 = 143;

/// Runs `action` on a thread of its own each time this process gets
/// SIGTERM; from now on SIGTERM no longer ends it by itself.
#[cfg(unix)]
fn on_sigterm(mut action: impl FnMut() + Send + 'static) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM])?;
    std::thread::Builder::new().name("sigterm".into()).spawn(move || {
        for _ in signals.forever() {
            action();
        }
    })?;
    Ok(())
}

/// Windows has no SIGTERM: what asks a console program to end there (the
/// window closed, Ctrl-Break) reaches `ctrlc`'s handler as a press.
#[cfg(not(unix))]
fn on_sigterm(_action: impl FnMut() + Send + 'static) -> io::Result<()> {
    Ok(())
}

/// What the first Ctrl-C of a [`TwoStageStop`] says: `Ctrl-C: no more
/// input; finishing 2 items first.`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words {
    /// What the first stage means: `no more input`.
    pub first_stage: &'static str,
    /// One of what is pending: `item`.
    pub item: &'static str,
    /// More of them: `items`.
    pub items: &'static str,
}

impl Words {
    /// A program that reads items from its input.
    pub const INPUT: Words = Words { first_stage: "no more input", item: "item", items: "items" };
}

/// The items still to do (queued or in hand), shared between the code that
/// takes them and the code that finishes them: for the first Ctrl-C's
/// message ([`TwoStageStop::on_ctrl_c`]), and for what the program says if
/// it ends before finishing them ([`Pending::report_if_the_program_ends_early`]).
///
/// An item is named by what the user gave (`add_item(30)`, the number
/// typed), so that the report says which ones; the same name twice is two
/// items. [`Pending::add`] counts one without a name.
#[derive(Clone, Debug, Default)]
pub struct Pending {
    ledger: Arc<Mutex<Ledger>>,
}

#[derive(Debug, Default)]
struct Ledger {
    unnamed: usize,
    /// In the order they were taken.
    named: Vec<String>,
}

impl Pending {
    /// Zero items.
    pub fn new() -> Pending {
        Pending::default()
    }

    /// What a program that takes the user's items sets up first: zero items,
    /// said on stderr if the program ends before finishing them
    /// ([`Pending::report_if_the_program_ends_early`]), and Ctrl-C in two
    /// stages whose first press says how many are left.
    pub fn watched() -> (Pending, TwoStageStop) {
        let pending = Pending::new();
        pending.report_if_the_program_ends_early();
        let stop = TwoStageStop::on_ctrl_c({
            let pending = pending.clone();
            move || pending.get()
        });
        (pending, stop)
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One more item to do, without a name.
    pub fn add(&self) {
        self.ledger().unnamed += 1;
    }

    /// One item without a name done (or given up).
    pub fn done(&self) {
        let mut ledger = self.ledger();
        ledger.unnamed = ledger.unnamed.saturating_sub(1);
    }

    /// One more item to do: `item`.
    pub fn add_item(&self, item: impl std::fmt::Display) {
        self.ledger().named.push(item.to_string());
    }

    /// Item `item` done (or given up): the oldest of that name.
    pub fn done_item(&self, item: impl std::fmt::Display) {
        let item = item.to_string();
        let mut ledger = self.ledger();
        if let Some(index) = ledger.named.iter().position(|named| *named == item) {
            ledger.named.remove(index);
        }
    }

    /// How many are left.
    pub fn get(&self) -> usize {
        let ledger = self.ledger();
        ledger.unnamed + ledger.named.len()
    }

    /// The named items left, in the order they were taken.
    pub fn items(&self) -> Vec<String> {
        self.ledger().named.clone()
    }

    /// What is left, in words: `3, 1, 2`, the first ten of a long list and
    /// how many more; `None` when nothing is.
    pub fn describe(&self) -> Option<String> {
        const SHOWN: usize = 10;
        let ledger = self.ledger();
        let mut shown: Vec<String> = ledger.named.iter().take(SHOWN).cloned().collect();
        let more = ledger.named.len().saturating_sub(SHOWN);
        if more > 0 {
            shown.push(format!("{more} more"));
        }
        if ledger.unnamed > 0 {
            shown.push(crate::timing::plural(ledger.unnamed as u64, "item", "items"));
        }
        match shown.len() {
            0 => None,
            1 => shown.pop(),
            _ => {
                let last = shown.pop().unwrap_or_default();
                Some(format!("{} and {last}", shown.join(", ")))
            }
        }
    }

    /// If the program ends before its end, by [`crate::process::exit`] (its
    /// stdout closed by `| head`, a third Ctrl-C), what is left is said on
    /// stderr, `error: ending early; not processed: 30, 40`, and the exit
    /// code is not 0. Without it, the accepted items would vanish in
    /// silence.
    pub fn report_if_the_program_ends_early(&self) {
        let pending = self.clone();
        crate::process::report_unfinished_at_exit(move || {
            pending.describe().map(|left| format!("not processed: {left}"))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_wakes_threads_and_tasks() {
        let stage = Stage::new();
        assert!(!stage.wait_timeout(Duration::from_millis(1)));
        let thread = {
            let stage = stage.clone();
            std::thread::spawn(move || stage.wait())
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let task = {
            let stage = stage.clone();
            runtime.spawn(async move { stage.triggered().await })
        };
        stage.trigger();
        thread.join().unwrap();
        runtime.block_on(task).unwrap();
        assert!(stage.is_triggered() && stage.wait_timeout(Duration::ZERO));
    }

    #[test]
    fn the_first_press_closes_input_and_the_second_stops_now() {
        let capture = crate::output::Capture::start();
        let stop = TwoStageStop::new();
        stop.press(Words::INPUT, 3);
        assert!(stop.input.is_triggered() && !stop.now.is_triggered());
        stop.press(Words::INPUT, 3);
        assert!(stop.now.is_triggered());
        let texts = capture.texts();
        assert!(texts[0].contains("finishing 3 items first"), "{texts:?}");
        assert_eq!(texts[1], "Ctrl-C: stopping now.");
    }

    #[test]
    fn with_nothing_to_do_the_first_press_says_so() {
        let capture = crate::output::Capture::start();
        let stop = TwoStageStop::new();
        stop.press(Words::INPUT, 0);
        assert_eq!(capture.texts(), ["Ctrl-C: no more input, and nothing is left to do."]);
    }

    #[test]
    fn the_first_press_says_what_the_program_stops_doing() {
        let capture = crate::output::Capture::start();
        let words = Words { first_stage: "no new jobs", item: "job", items: "jobs" };
        TwoStageStop::new().press(words, 1);
        assert_eq!(
            capture.texts()[0],
            "Ctrl-C: no new jobs; finishing 1 job first. Press Ctrl-C again to stop at once."
        );
    }

    #[test]
    fn pending_never_goes_below_zero() {
        let pending = Pending::new();
        pending.add();
        pending.done();
        pending.done();
        assert_eq!(pending.get(), 0);
        pending.done_item(3);
        assert_eq!(pending.get(), 0);
    }

    #[test]
    fn pending_names_what_is_left_once_per_item() {
        let pending = Pending::new();
        assert_eq!(pending.describe(), None);
        for item in [30, 1, 30, 2] {
            pending.add_item(item);
        }
        pending.done_item(30);
        assert_eq!(pending.items(), ["1", "30", "2"]);
        assert_eq!(pending.describe().unwrap(), "1, 30 and 2");
        pending.add();
        assert_eq!(pending.get(), 4);
        assert_eq!(pending.describe().unwrap(), "1, 30, 2 and 1 item");
        let many = Pending::new();
        (1..=12).for_each(|item| many.add_item(item));
        assert_eq!(many.describe().unwrap(), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more");
    }

    #[test]
    fn sigterm_stops_now_in_one_step_and_says_so() {
        let capture = crate::output::Capture::start();
        let stop = TwoStageStop::new();
        assert_eq!(stop.stopped_by(), "Ctrl-C");
        stop.terminate();
        assert!(stop.input.is_triggered() && stop.now.is_triggered());
        assert_eq!(stop.stopped_by(), "SIGTERM");
        assert_eq!(capture.texts(), ["SIGTERM: stopping now."]);
        let failure = stop.failure("not processed: 3");
        assert_eq!(
            (failure.message.as_str(), failure.exit_code),
            ("stopped by SIGTERM; not processed: 3", 143)
        );
        let pressed = TwoStageStop::new();
        pressed.press(Words::INPUT, 0);
        pressed.press(Words::INPUT, 0);
        assert_eq!(pressed.failure("x").exit_code, 130);
    }

    #[test]
    fn sigterm_passed_on_by_a_parent_stops_now_without_a_word() {
        let capture = crate::output::Capture::start();
        let stop = TwoStageStop::new();
        stop.terminate_quietly();
        assert!(stop.input.is_triggered() && stop.now.is_triggered());
        assert_eq!(stop.stopped_by(), "SIGTERM");
        assert_eq!(stop.failure("x").exit_code, 143);
        assert!(capture.texts().is_empty(), "{:?}", capture.texts());
    }
}

/// Real SIGINTs sent to this test process, as a terminal's Ctrl-C does.
#[cfg(all(test, unix))]
mod signals {
    use super::*;

    fn press_ctrl_c() {
        let status = std::process::Command::new("kill")
            .args(["-INT", &std::process::id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits until the handler has counted `count` presses in all. The
    /// timeout only turns a hang into a failure.
    fn delivered(count: u64) {
        let presses = presses().unwrap();
        let counted = presses.count.lock().unwrap();
        let (_counted, timeout) = presses
            .changed
            .wait_timeout_while(counted, Duration::from_secs(10), |counted| *counted < count)
            .unwrap();
        assert!(!timeout.timed_out(), "press {count} never arrived");
    }

    // One test: a signal reaches every listener in the process, so two tests
    // pressing Ctrl-C at once would see each other's presses.
    //
    // The kernel merges two SIGINTs sent while the first is still pending
    // (standard signals do not queue), so the second is sent once the first
    // has been delivered; the listeners have not looked at either yet, which
    // is the case where a stream of signals that only says "something
    // arrived" (tokio's) sees one press.
    #[test]
    fn two_quick_presses_are_two_presses_for_threads_and_tasks() {
        let mut thread_listener = CtrlC::catch().unwrap();
        let mut task_listener = CtrlC::catch().unwrap();
        let before = *presses().unwrap().count.lock().unwrap();
        let stop = TwoStageStop::on_ctrl_c(|| 1);
        press_ctrl_c();
        delivered(before + 1);
        press_ctrl_c();
        delivered(before + 2);
        let thread = std::thread::spawn(move || {
            thread_listener.wait();
            thread_listener.wait();
        });
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        runtime.block_on(async {
            let both = async {
                task_listener.pressed().await;
                task_listener.pressed().await;
            };
            // The timeout only turns a hang into a failure.
            tokio::time::timeout(Duration::from_secs(10), both).await.expect("a task sees two presses");
        });
        thread.join().unwrap();
        assert!(stop.now.wait_timeout(Duration::from_secs(10)), "two presses must reach the second stage");
        assert!(stop.input.is_triggered());
    }
}
