use th_scope_borrow::sum_halves;

#[test]
fn two_threads_sum_the_two_halves() {
    let numbers: Vec<u64> = (1..=100).collect();
    assert_eq!(sum_halves(&numbers), (1275, 3775));
}
