//! Every method against the sequential loop, and the home-made pool's
//! promises: results in place whatever the order, panics reported, the pool
//! still serving afterwards. Real threads, no sleeps: where a test needs an
//! order of events it makes it happen with channels.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use pool::apply_async::Results;
use pool::common::{Runner, Setup, TableArgs, WorkersArg};
use pool::homemade::{Pool, TaskError};
use pool::table::{self, howmany_within_range};
use shared::cli::{NoInstantArg, SeedArg};
use shared::progress::Progress;

fn setup(rows: u32, workers: u32, chunk: usize) -> Setup {
    let table =
        TableArgs { rows, best_of: 1, seed: SeedArg { seed: 7 }, no_instant: NoInstantArg::default() };
    let progress = Progress::start("test");
    Setup::new(&table, WorkersArg { workers: Some(workers) }, chunk, &progress).unwrap()
}

#[test]
fn every_method_counts_what_the_loop_counts() {
    for rows in [0, 1, 7, 10_000] {
        for workers in [1, 2, 3] {
            let setup = setup(rows, workers, 1);
            // The loop itself, against the counts written out by hand here.
            let by_hand: Vec<u8> = setup
                .table
                .iter()
                .map(|row| row.iter().filter(|&&n| (4..=8).contains(&n)).count() as u8)
                .collect();
            assert_eq!(setup.expected, by_hand);
            for method in pool::compare::METHODS {
                for (runner, port) in method.ports() {
                    let counted = (port.count)(&setup);
                    assert_eq!(
                        counted.as_ref(),
                        Ok(&setup.expected),
                        "{} on {runner:?}, {rows} rows, {workers} workers",
                        method.example,
                    );
                }
            }
        }
    }
}

#[test]
fn apply_async_in_chunks_counts_what_the_loop_counts() {
    for chunk in [1, 3, 4096, 20_000] {
        let setup = setup(10_000, 2, chunk);
        for (runner, port) in pool::compare::APPLY_ASYNC.ports() {
            assert_eq!((port.count)(&setup).as_ref(), Ok(&setup.expected), "{chunk}, {runner:?}");
        }
    }
}

#[test]
fn the_compare_table_has_both_pools_for_every_python_method() {
    let methods = pool::compare::METHODS;
    for python in
        ["Pool.apply", "Pool.map", "Pool.starmap", "Pool.apply_async", "Pool.map_async", "Pool.starmap_async"]
    {
        let runners: Vec<Runner> = methods
            .iter()
            .filter(|method| method.python == python)
            .flat_map(|method| method.ports().map(|(runner, _)| runner))
            .collect();
        assert_eq!(runners, [Runner::HomeMade, Runner::Rayon], "{python}");
    }
}

#[test]
fn the_dataframe_ways_compute_the_loops_numbers() {
    for rows in [0, 1, 7, 10_000] {
        let frame = pool::dataframe::Frame::random(3, rows);
        let expected = pool::dataframe::sequential(&frame);
        assert_eq!(expected.len(), rows);
        assert_eq!(pool::dataframe::row_wise(&frame), expected);
        assert_eq!(pool::dataframe::column_wise(&frame), expected);
        for pieces in [1, 2, 3] {
            assert_eq!(
                pool::dataframe::whole_table(&frame, pieces),
                expected,
                "{rows} rows, {pieces} pieces"
            );
        }
    }
    let frame = pool::dataframe::Frame { a: vec![3.0, 5.0], b: vec![4.0, 12.0] };
    assert_eq!(pool::dataframe::sequential(&frame), [5.0, 13.0]);
}

/// Task 0 waits until every other task has finished, so it finishes last:
/// the results must still land in their rows.
#[test]
fn apply_async_results_land_in_their_rows_though_they_finish_out_of_order() {
    const TASKS: usize = 50;
    let pool = Pool::new(2).unwrap();
    let rows = table::rows(11, 0..TASKS);
    let results = Arc::new(Results::new(TASKS));
    let finished = Arc::new(Mutex::new(Vec::new()));
    let (open_gate, gate) = mpsc::channel::<()>();
    let gate = Arc::new(Mutex::new(gate));
    let others_done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for (i, &row) in rows.iter().enumerate() {
        let gate = Arc::clone(&gate);
        let count = move |i: usize, row: table::Row| {
            if i == 0 {
                // Held until the last of the others is done; the timeout only
                // turns a hang into a failure below.
                let _ = gate.lock().unwrap().recv_timeout(Duration::from_secs(30));
            }
            (i, howmany_within_range(row, 4, 8))
        };
        let (results, finished, others_done, open_gate) =
            (Arc::clone(&results), Arc::clone(&finished), Arc::clone(&others_done), open_gate.clone());
        pool.apply_async(count, (i, row), move |result: Result<(usize, u8), TaskError>| {
            let i = result.as_ref().map_or(usize::MAX, |&(i, _)| i);
            finished.lock().unwrap().push(i);
            results.collect_result(result);
            if i != 0 && others_done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == TASKS - 1 {
                let _ = open_gate.send(());
            }
        });
    }
    pool.join();
    let order = finished.lock().unwrap().clone();
    assert_eq!(order.len(), TASKS);
    assert_eq!(order.last(), Some(&0), "task 0 was held back, so it finished last: {order:?}");
    let expected: Vec<u8> = rows.iter().map(|&row| howmany_within_range(row, 4, 8)).collect();
    assert_eq!(results.counts(), Ok(expected));
}

fn panics_on_three(n: u32) -> u32 {
    if n == 3 {
        panic!("three is not allowed");
    }
    n * 10
}

#[test]
fn a_panicking_task_is_its_own_error_and_the_pool_serves_the_next_call() {
    let pool = Pool::new(2).unwrap();
    let error = pool.apply(panics_on_three, (3,)).unwrap_err();
    assert_eq!(error.message, "three is not allowed");
    assert_eq!(pool.apply(panics_on_three, (4,)), Ok(40));

    // In a map, the chunk that panicked is the error...
    let items: Arc<[u32]> = (0..40).collect();
    let error = pool.map(|&n: &u32| panics_on_three(n), &items).unwrap_err();
    assert_eq!(error.task, 0, "3 is in the first chunk of five");
    assert!(error.to_string().contains("task 0 failed: three is not allowed"), "{error}");
    // ...and the next map over the same pool is whole.
    let fine: Arc<[u32]> = (4..44).collect();
    assert_eq!(pool.map(|&n: &u32| panics_on_three(n), &fine), Ok((4..44).map(|n| n * 10).collect()));

    // apply_async: every other task's result survives, and the failure is reported.
    let results = Arc::new(Mutex::new(Vec::new()));
    for n in 0..10 {
        let results = Arc::clone(&results);
        pool.apply_async(panics_on_three, (n,), move |result| results.lock().unwrap().push((n, result)));
    }
    pool.join();
    let mut results = results.lock().unwrap().clone();
    results.sort_by_key(|(n, _)| *n);
    for (n, result) in results {
        match n {
            3 => assert_eq!(result.unwrap_err().message, "three is not allowed"),
            _ => assert_eq!(result, Ok(n * 10)),
        }
    }
    assert_eq!(pool.workers(), 2, "no worker was lost");
}

#[test]
fn a_panicking_callback_does_not_take_a_worker_down() {
    let pool = Pool::new(1).unwrap();
    pool.apply_async(panics_on_three, (1,), |_| panic!("the callback fails"));
    pool.join();
    assert_eq!(pool.apply(panics_on_three, (2,)), Ok(20), "the only worker still serves");
}

#[test]
fn starmap_spreads_each_tuple_into_the_arguments() {
    let pool = Pool::new(3).unwrap();
    let arguments: Arc<[(u32, u32, u32)]> = (0..100).map(|n| (n, 2, 1)).collect();
    let results = pool.starmap(|a: u32, b: u32, c: u32| a * b + c, &arguments).unwrap();
    assert_eq!(results, (0..100).map(|n| n * 2 + 1).collect::<Vec<_>>());
    let pending = pool.starmap_async(|a: u32, b: u32, c: u32| a * b + c, &arguments);
    assert_eq!(pending.get().unwrap(), results);
    let empty: Arc<[(u32, u32, u32)]> = Arc::new([]);
    assert_eq!(pool.starmap(|a: u32, b: u32, c: u32| a + b + c, &empty), Ok(Vec::new()));
}

#[test]
fn join_waits_for_every_task_and_leaves_the_pool_open() {
    let pool = Pool::new(2).unwrap();
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for round in 1..=3 {
        for _ in 0..1000 {
            let done = Arc::clone(&done);
            pool.apply_async(
                || 1usize,
                (),
                move |result| {
                    done.fetch_add(result.unwrap(), std::sync::atomic::Ordering::SeqCst);
                },
            );
        }
        pool.join();
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), round * 1000);
    }
}
