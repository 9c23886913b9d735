//! A pool by hand: worker threads take boxed closures from a queue.
//! Chapter: docs/en/pool.md, section "3. What a pool is".
//!
//! This does not compile: read what the compiler says about `Job`.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

// TODO: a job crosses to a worker thread and may run after the caller
// returns. Say so in its type (two more bounds).
type Job = Box<dyn FnOnce()>;

/// Threads that run jobs in the order they are submitted.
pub struct Pool {
    sender: Sender<Job>,
    workers: Vec<JoinHandle<()>>,
}

impl Pool {
    /// A pool of `size` worker threads.
    pub fn new(size: usize) -> Pool {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..size)
            .map(|_| {
                let receiver = receiver.clone();
                thread::spawn(move || {
                    loop {
                        let next = receiver.lock().unwrap().recv();
                        let Ok(job) = next else { break };
                        job();
                    }
                })
            })
            .collect();
        Pool { sender, workers }
    }

    /// Queues `job` for the next free worker.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        self.sender.send(Box::new(job)).unwrap();
    }

    /// Waits for every queued job to finish.
    pub fn join(self) {
        drop(self.sender);
        for worker in self.workers {
            worker.join().unwrap();
        }
    }
}
