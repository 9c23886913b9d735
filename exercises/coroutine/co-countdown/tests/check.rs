use co_countdown::Countdown;

#[test]
fn counts_down_and_stops() {
    let numbers: Vec<u32> = Countdown::from(3).take(10).collect();
    assert_eq!(
        numbers,
        [3, 2, 1],
        "a generator keeps its place between calls: each `next` goes on from where the last stopped"
    );
}
