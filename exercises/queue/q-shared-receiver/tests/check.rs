use q_shared_receiver::process;

#[test]
fn three_consumers_take_every_item_once() {
    let mut taken = process(3, 100);
    taken.sort();
    assert_eq!(taken, (0..100).collect::<Vec<_>>());
}
