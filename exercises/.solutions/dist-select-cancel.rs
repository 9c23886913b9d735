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
        tokio::select! {
            () = run(&job) => done.push(job),
            // A closed channel (the sender dropped) stops the worker too.
            _ = &mut stop => {
                // `run`'s future is dropped here: the job did not finish, so
                // it goes back to the front of the queue for another worker.
                queue.lock().unwrap().push_front(job);
                return done;
            }
        }
    }
}
