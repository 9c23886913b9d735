//! Several consumer threads take from one std channel.
//! Chapter: docs/en/queue.md, section "2. `threads`: the same program on OS threads".
//!
//! This does not compile: std's `Receiver` has one owner.

use std::sync::mpsc;
use std::thread;

/// `consumers` threads take the numbers `0..items` from one channel;
/// returns every number taken.
pub fn process(consumers: usize, items: u32) -> Vec<u32> {
    let (sender, receiver) = mpsc::channel();
    for item in 0..items {
        sender.send(item).unwrap();
    }
    drop(sender);
    // TODO: a `Receiver` cannot be cloned. Share one between the threads:
    // behind a lock, so one thread at a time takes the next item.
    let handles: Vec<_> = (0..consumers)
        .map(|_| {
            let receiver = receiver.clone();
            thread::spawn(move || {
                let mut taken = Vec::new();
                while let Ok(item) = receiver.recv() {
                    taken.push(item);
                }
                taken
            })
        })
        .collect();
    handles.into_iter().flat_map(|handle| handle.join().unwrap()).collect()
}
