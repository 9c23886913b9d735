//! Ctrl-C as a message, not a kill: a gentle first press, a firm second one.
//!
//! By default Ctrl-C ends a process wherever it is: half-way through writing a
//! file, with items still queued. Programs that hold work stop in two steps
//! instead, and this module gives them both as [`CancellationToken`]s:
//!
//! 1. the first Ctrl-C cancels [`TwoStageStop::input`]: take no more work,
//!    finish what is queued;
//! 2. the second cancels [`TwoStageStop::now`]: drop what is left and stop at
//!    once, leaving no half-done item behind.
//!
//! When input has already ended by itself (the program cancelled `input`
//! when it read the last line), there is nothing left to stop gently, so the
//! first Ctrl-C goes straight to step 2.

use std::io;

use tokio_util::sync::CancellationToken;

/// Ctrl-C presses, one after another, on every platform tokio supports.
///
/// This is a stream of presses rather than [`tokio::signal::ctrl_c`] called in
/// a loop: that function only sees presses made after each call, so a second
/// Ctrl-C that comes quickly could slip between two calls and be lost.
#[derive(Debug)]
pub struct CtrlC {
    #[cfg(unix)]
    presses: tokio::signal::unix::Signal,
    #[cfg(windows)]
    presses: tokio::signal::windows::CtrlC,
}

impl CtrlC {
    /// Starts catching Ctrl-C: from now on it no longer kills the process.
    /// Must be called inside the runtime.
    pub fn catch() -> io::Result<CtrlC> {
        #[cfg(unix)]
        let presses = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        #[cfg(windows)]
        let presses = tokio::signal::windows::ctrl_c()?;
        Ok(CtrlC { presses })
    }

    /// Waits for the next press. `None` means no more can come.
    pub async fn pressed(&mut self) -> Option<()> {
        self.presses.recv().await
    }
}

/// The two tokens of a two-step stop; see the module docs.
#[derive(Clone, Debug, Default)]
pub struct TwoStageStop {
    /// Cancelled when input is over: by the first Ctrl-C, or by the program
    /// itself when the input ended on its own.
    pub input: CancellationToken,
    /// Cancelled by the Ctrl-C that asks to stop at once.
    pub now: CancellationToken,
}

impl TwoStageStop {
    /// Tokens that nothing but the program cancels (for tests).
    pub fn new() -> TwoStageStop {
        TwoStageStop::default()
    }

    /// Tokens cancelled by Ctrl-C, from a task spawned here. If Ctrl-C cannot
    /// be caught, a warning says so and it keeps its default effect.
    pub fn on_ctrl_c() -> TwoStageStop {
        let stop = TwoStageStop::new();
        let listener = stop.clone();
        let mut ctrl_c = match CtrlC::catch() {
            Ok(ctrl_c) => ctrl_c,
            Err(error) => {
                anstream::eprintln!(
                    "warning: cannot catch Ctrl-C here ({error}); it stops the program at once"
                );
                return stop;
            }
        };
        tokio::spawn(async move {
            if ctrl_c.pressed().await.is_none() {
                return;
            }
            if !listener.input.is_cancelled() {
                listener.input.cancel();
                anstream::eprintln!(
                    "\nCtrl-C: no more input; finishing the queue. Press Ctrl-C again to stop at once."
                );
                if ctrl_c.pressed().await.is_none() {
                    return;
                }
            }
            anstream::eprintln!("\nCtrl-C: stopping now.");
            listener.now.cancel();
        });
        stop
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Sends this process a real SIGINT, as a terminal's Ctrl-C does.
    fn press_ctrl_c() {
        let status = std::process::Command::new("kill")
            .args(["-INT", &std::process::id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for `token`; the timeout only turns a hang into a failure.
    async fn cancelled(token: &CancellationToken, what: &str) {
        tokio::time::timeout(Duration::from_secs(10), token.cancelled())
            .await
            .unwrap_or_else(|_| panic!("{what} was never cancelled"));
    }

    // One test for both cases: a signal reaches every listener in the
    // process, so two tests pressing Ctrl-C at once would see each other's.
    #[tokio::test]
    async fn ctrl_c_stops_input_first_then_everything() {
        // While typing: the first press ends input only, the second stops all.
        let stop = TwoStageStop::on_ctrl_c();
        tokio::task::yield_now().await; // the listener is waiting
        press_ctrl_c();
        cancelled(&stop.input, "input").await;
        assert!(!stop.now.is_cancelled(), "one press must not stop the queue");
        press_ctrl_c();
        cancelled(&stop.now, "now").await;

        // Input already over: nothing to stop gently, so one press stops all.
        let stop = TwoStageStop::on_ctrl_c();
        stop.input.cancel();
        tokio::task::yield_now().await;
        press_ctrl_c();
        cancelled(&stop.now, "now").await;
    }
}
