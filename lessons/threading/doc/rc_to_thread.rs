// ANCHOR: rc_to_thread
use std::rc::Rc;

let guests = Rc::new(vec!["Ada", "Grace"]);
let for_the_thread = Rc::clone(&guests);
let reader = std::thread::spawn(move || for_the_thread.len());
assert_eq!(reader.join().unwrap(), guests.len());
// ANCHOR_END: rc_to_thread
