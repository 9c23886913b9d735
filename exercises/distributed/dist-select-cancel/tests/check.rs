use dist_select_cancel::work;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn a_stop_request_cancels_the_slow_job_and_puts_it_back() {
    let queue = Arc::new(Mutex::new(VecDeque::from(["slow-job".to_string()])));
    let (stop, stopped) = oneshot::channel();
    let start = Instant::now();
    let worker = tokio::spawn(work(queue.clone(), stopped));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = stop.send(());
    let done = worker.await.unwrap();
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "the worker stopped after {took:?} (virtual), the stop request came at 1s: it \
         ran the 100-second job to its end before looking. Wait for the job and the \
         stop request at once"
    );
    assert!(done.is_empty(), "the job was cancelled, not done: {done:?}");
    assert_eq!(*queue.lock().unwrap(), ["slow-job"], "the cancelled job was lost: put it back in the queue");
}
