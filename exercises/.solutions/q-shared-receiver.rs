//! Several consumer threads take from one std channel.
//! Chapter: docs/en/queue.md, section "2. `threads`: the same program on OS threads".
//!
//! This does not compile: std's `Receiver` has one owner.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;

/// `consumers` threads take the numbers `0..items` from one channel;
/// returns every number taken.
pub fn process(consumers: usize, items: u32) -> Vec<u32> {
    let (sender, receiver) = mpsc::channel();
    for item in 0..items {
        sender.send(item).unwrap();
    }
    drop(sender);
    // One receiver, shared: the lock lets one thread at a time take an item.
    let receiver = Arc::new(Mutex::new(receiver));
    let handles: Vec<_> = (0..consumers)
        .map(|_| {
            let receiver = Arc::clone(&receiver);
            thread::spawn(move || {
                let mut taken = Vec::new();
                loop {
                    // The guard dies at the end of this statement: the lock
                    // is held to take one item, not while using it.
                    let next = receiver.lock().unwrap().recv();
                    let Ok(item) = next else { break };
                    taken.push(item);
                }
                taken
            })
        })
        .collect();
    handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
}
