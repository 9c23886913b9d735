use std::sync::mpsc;
use std::thread;
use std::time::Duration;
use th_lock_order::{Bank, lock_order};

#[test]
fn both_directions_take_the_locks_in_the_same_order() {
    let forward = lock_order(0, 1);
    let backward = lock_order(1, 0);
    assert_eq!(
        forward, backward,
        "a transfer 0→1 locks accounts in the order {forward:?} and 1→0 in the order \
         {backward:?}: two threads doing both at once can each hold one lock and wait \
         for the other forever"
    );
}

#[test]
fn transfers_both_ways_finish_and_keep_the_total() {
    // With two orders this could hang until the timeout; the test above
    // already says what is wrong.
    if lock_order(0, 1) != lock_order(1, 0) {
        return;
    }
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let bank = Bank::new(&[1_000, 1_000]);
        thread::scope(|scope| {
            scope.spawn(|| (0..10_000).for_each(|_| bank.transfer(0, 1, 1)));
            scope.spawn(|| (0..10_000).for_each(|_| bank.transfer(1, 0, 1)));
        });
        done.send(bank.total()).unwrap();
    });
    let total = finished
        .recv_timeout(Duration::from_secs(60))
        .expect("the transfers deadlocked: no progress for 60 s");
    assert_eq!(total, 2_000);
}
