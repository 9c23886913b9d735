//! `demo`'s worker processes: this binary started again with the hidden
//! subcommand `worker-child`, which runs the same loop as `worker`
//! ([`crate::worker::serve`]) and takes its orders from `demo` on stdin.

use std::process::ExitCode;

use serde::{Deserialize, Serialize};
use shared::interrupt::{Pending, TwoStageStop};
use shared::message;
use shared::process::Parent;
use shared::{Failure, Options, eprintln};

use crate::connection::Target;
use crate::queue::Queue;
use crate::worker::{Settings, serve};

/// The hidden subcommand of `demo`'s worker processes.
pub const CHILD: &str = "worker-child";

/// Flags of the hidden `worker-child`: the rest comes through stdin.
#[derive(clap::Args, Clone, Debug)]
pub struct ChildArgs {
    /// This worker's row on the chart (1, 2, …).
    #[arg(long, value_name = "N")]
    pub row: usize,
}

/// Parent → `worker-child`, the first line: where and how to work. The URL
/// travels here, not on the command line, where `ps` would show a password.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChildConfig {
    /// The Redis URL.
    pub url: String,
    /// The queue's name.
    pub queue: String,
    /// `--max-attempts`.
    pub max_attempts: u32,
}

/// Parent → `worker-child`, after the config.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChildOrder {
    /// Finish the job in hand, then exit (Ctrl-C once, or all jobs done).
    StopAfterJob,
    /// Give the job back and exit at once (Ctrl-C twice).
    StopNow,
    /// The same, because `demo` got SIGTERM: the worker's last word and
    /// exit code (143) say so.
    Terminate,
}

/// `worker-child` → parent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum ChildEvent {
    /// Registered: its number in the queue.
    Started {
        /// The worker's number in Redis.
        worker: u64,
    },
    /// Stopped, with what it did.
    Stopped {
        /// Jobs it finished.
        finished: u64,
        /// Jobs (and payloads) it failed.
        failed: u64,
    },
}

/// `demo`'s worker process: its config from stdin, then orders.
pub fn run(args: &ChildArgs) -> ExitCode {
    shared::run_async(Options::new(), || async move {
        let parent = Parent::connect();
        let config: ChildConfig = parent
            .recv()
            .and_then(|line| message::decode(&line).ok())
            .ok_or_else(|| Failure::new("worker: no config from the parent"))?;
        let target = Target::parse(&config.url).map_err(Failure::new)?;
        let settings = Settings {
            queue: Queue::new(&config.queue),
            max_attempts: config.max_attempts,
            burst: false,
            quiet: true,
            pop: false,
            row: args.row,
        };
        let stop = TwoStageStop::new();
        listen(parent, stop.clone());
        let (report, _) = serve(&target, settings, stop, Pending::new(), |worker| {
            let _ = message::reply(&ChildEvent::Started { worker: worker.number() });
        })
        .await?;
        let _ = message::reply(&ChildEvent::Stopped { finished: report.finished, failed: report.failed });
        Ok(())
    })
}

/// Reads the parent's orders on a thread; `#end` means stop after the job.
fn listen(parent: Parent, stop: TwoStageStop) {
    let spawned = std::thread::Builder::new().name("orders".into()).spawn(move || {
        while let Some(line) = parent.recv() {
            match message::decode::<ChildOrder>(&line) {
                Ok(ChildOrder::StopAfterJob) => stop.input.trigger(),
                Ok(ChildOrder::StopNow) => {
                    stop.input.trigger();
                    stop.now.trigger();
                }
                Ok(ChildOrder::Terminate) => stop.terminate_quietly(),
                Err(bad) => eprintln!("worker: ignoring {bad} from the parent"),
            }
        }
        stop.input.trigger();
    });
    if spawned.is_err() {
        shared::process::exit(shared::process::ORPHAN_EXIT_CODE);
    }
}
