use th_fetch_add::count;

#[test]
fn no_update_is_lost() {
    let total = count(2, 1_000);
    assert_eq!(
        total, 2_000,
        "2 threads added 1 each 1000 times, but the counter says {total}: \
         updates were lost between the load and the store"
    );
}
