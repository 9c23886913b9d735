//! A killed worker's job: taken by moving, not by popping.
//! Chapter: docs/en/distributed.md, section "A killed worker's job is lost".
//!
//! Redis lists are simulated by `VecDeque`s, so the check needs no server.

use std::collections::{HashMap, VecDeque};

/// Named lists, like Redis keys holding lists.
#[derive(Default)]
pub struct Queues(HashMap<String, VecDeque<String>>);

impl Queues {
    /// `RPUSH list item`.
    pub fn push(&mut self, list: &str, item: &str) {
        self.0.entry(list.into()).or_default().push_back(item.into());
    }

    /// `LPOP list`.
    pub fn pop(&mut self, list: &str) -> Option<String> {
        self.0.get_mut(list)?.pop_front()
    }

    /// `LMOVE from to LEFT RIGHT`: one atomic step in Redis.
    pub fn move_first(&mut self, from: &str, to: &str) -> Option<String> {
        let item = self.pop(from)?;
        self.push(to, &item);
        Some(item)
    }

    /// `LRANGE list 0 -1`.
    pub fn list(&self, list: &str) -> Vec<String> {
        self.0.get(list).map(|items| items.iter().cloned().collect()).unwrap_or_default()
    }
}

/// After a crash: every job still in `processing` goes back to `jobs`.
pub fn recover(queues: &mut Queues) {
    while queues.move_first("processing", "jobs").is_some() {}
}

/// A worker takes the next job from `jobs`.
pub fn take(queues: &mut Queues) -> Option<String> {
    // The job stays in Redis, in `processing`, until the worker acknowledges it.
    queues.move_first("jobs", "processing")
}
