use pool_chunked_map::hypotenuses;

#[test]
fn a_few_large_tasks_give_the_same_answers() {
    let rows: Vec<(f64, f64)> = (0..1_000).map(|i| (i as f64, (i * 2) as f64)).collect();
    let (lengths, tasks) = hypotenuses(&rows, 4);
    let expected: Vec<f64> = rows.iter().map(|(a, b)| a.hypot(*b)).collect();
    assert_eq!(lengths, expected, "one length per row, in the rows' order");
    assert!(
        tasks <= 4,
        "{tasks} threads were started for 1000 rows and 4 workers: one task per row \
         costs more than the row's work. Split the rows into at most 4 chunks"
    );
}
