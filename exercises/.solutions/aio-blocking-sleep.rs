//! Three counters as tasks on one thread.
//! Chapter: docs/en/async-io.md, section "The mistake: a blocking call inside async code".

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs three counters at once; returns what they said, in order.
pub async fn count() -> Vec<String> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for task in 0..3 {
        let log = log.clone();
        handles.push(tokio::spawn(async move {
            log.lock().unwrap().push(format!("{task}: one"));
            // An async sleep: the task waits, the thread runs the others.
            tokio::time::sleep(Duration::from_millis(10)).await;
            log.lock().unwrap().push(format!("{task}: two"));
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    log.lock().unwrap().clone()
}
