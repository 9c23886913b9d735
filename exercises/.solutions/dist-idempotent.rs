//! A job that may run twice, counted once.
//! Chapter: docs/en/distributed.md, section "A job ends once".
//!
//! Redis is simulated by a `HashMap` behind the `Store` trait, so the check
//! needs no server; each method is named after the Redis command it stands for.

use std::collections::HashMap;

/// The Redis commands this job uses.
pub trait Store {
    /// `SET key 1 NX`: sets `key` only if it is absent; true if it was set.
    fn set_nx(&mut self, key: &str) -> bool;
    /// `INCRBY key amount`.
    fn incr_by(&mut self, key: &str, amount: i64);
    /// `GET key`.
    fn get(&self, key: &str) -> Option<i64>;
}

/// An in-memory store.
#[derive(Default)]
pub struct Memory(HashMap<String, i64>);

impl Store for Memory {
    fn set_nx(&mut self, key: &str) -> bool {
        if self.0.contains_key(key) {
            return false;
        }
        self.0.insert(key.to_string(), 1);
        true
    }

    fn incr_by(&mut self, key: &str, amount: i64) {
        *self.0.entry(key.to_string()).or_insert(0) += amount;
    }

    fn get(&self, key: &str) -> Option<i64> {
        self.0.get(key).copied()
    }
}

/// The job: adds `amount` to the total. Queues deliver a job at least once,
/// so this may run again with the same `job_id`.
pub fn record_payment(store: &mut impl Store, job_id: &str, amount: i64) {
    // SET NX is atomic in Redis: of two deliveries, exactly one sets the key.
    // (On a real server, put both steps in one Lua script, so that a crash
    // between them cannot mark a job done without its effect.)
    if store.set_nx(&format!("done:{job_id}")) {
        store.incr_by("total", amount);
    }
}
