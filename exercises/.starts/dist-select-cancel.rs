//! Stopping a worker in the middle of a slow job, without losing the job.
//! Chapter: docs/en/distributed.md, section "Ctrl-C, once and twice".

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// A slow job.
async fn run(job: &str) {
    let _ = job;
    tokio::time::sleep(Duration::from_secs(100)).await;
}

/// Takes jobs from `queue` and runs them until the queue is empty or `stop`
/// fires; returns the jobs it finished.
pub async fn work(queue: Arc<Mutex<VecDeque<String>>>, mut stop: oneshot::Receiver<()>) -> Vec<String> {
    let mut done = Vec::new();
    loop {
        let Some(job) = queue.lock().unwrap().pop_front() else { return done };
        // TODO: while the job runs, nobody looks at `stop`. Wait for both at
        // once (`tokio::select!`); if `stop` wins, the job's future is dropped
        // (cancelled) mid-way: put the job back in the queue, and return.
        let _ = &mut stop;
        run(&job).await;
        done.push(job);
    }
}
