//! Threads push into one shared list.
//! Chapter: docs/en/threading.md, section "3. `race`: a shared counter".
//!
//! This does not compile: read the error, then fix the one type it names.

use std::rc::Rc;
use std::sync::Mutex;
use std::thread;

/// Starts `threads` threads; each pushes its number into one shared list.
pub fn tally(threads: usize) -> Vec<usize> {
    // TODO: `Rc` counts its owners without atomics, so it may not cross to
    // another thread. Which pointer counts owners safely across threads?
    let list = Rc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..threads)
        .map(|number| {
            let list = Rc::clone(&list);
            thread::spawn(move || list.lock().unwrap().push(number))
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    list.lock().unwrap().clone()
}
