// ANCHOR: racy_counter
let mut counter = 0;
std::thread::scope(|scope| {
    for _ in 0..2 {
        scope.spawn(|| {
            for _ in 0..1000 {
                counter += 1;
            }
        });
    }
});
assert_eq!(counter, 2000);
// ANCHOR_END: racy_counter
