// ANCHOR: locked_counter
let counter = std::sync::Mutex::new(0);
std::thread::scope(|scope| {
    for _ in 0..2 {
        scope.spawn(|| {
            for _ in 0..1000 {
                *counter.lock().unwrap() += 1;
            }
        });
    }
});
assert_eq!(counter.into_inner().unwrap(), 2000);
// ANCHOR_END: locked_counter
