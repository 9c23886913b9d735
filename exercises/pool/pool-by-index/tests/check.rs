use pool_by_index::squares;

#[test]
fn results_are_placed_by_index() {
    let inputs = [1, 2, 3, 4, 5];
    assert_eq!(
        squares(&inputs),
        [1, 4, 9, 16, 25],
        "results come back in the order they finish, not the order they were \
         submitted: send each result with its index and place it there"
    );
}
