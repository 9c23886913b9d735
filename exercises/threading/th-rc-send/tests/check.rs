use th_rc_send::tally;

#[test]
fn four_threads_tally_into_one_shared_list() {
    let mut seen = tally(4);
    seen.sort();
    assert_eq!(seen, [0, 1, 2, 3], "every thread pushes its number once");
}
