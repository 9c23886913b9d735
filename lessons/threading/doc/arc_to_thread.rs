// ANCHOR: arc_to_thread
use std::sync::Arc;

let guests = Arc::new(vec!["Ada", "Grace"]);
let for_the_thread = Arc::clone(&guests);
let reader = std::thread::spawn(move || for_the_thread.len());
assert_eq!(reader.join().unwrap(), guests.len());
// ANCHOR_END: arc_to_thread
