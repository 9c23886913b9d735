//! The lesson's functions called directly: the parts whose answer does not
//! depend on how the threads were scheduled.

use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use shared::Clock;
use shared::testing::Recording;
use threading::deadlock::{Event, Link, WaitFor};
use threading::{cpu, kitchen, race, thread_info};

#[test]
fn the_fixes_count_every_update_on_any_number_of_threads() {
    for (threads, increments) in [(1, 0), (1, 7), (2, 50_000), (4, 200_000), (7, 1234), (32, 100)] {
        let counter = AtomicU64::new(0);
        race::on_threads(&counter, threads, increments, race::increment_atomic).unwrap();
        assert_eq!(counter.into_inner(), u64::from(threads) * increments);
        let counter = Mutex::new(0);
        race::on_threads(&counter, threads, increments, race::increment_locked).unwrap();
        assert_eq!(counter.into_inner().unwrap(), u64::from(threads) * increments);
    }
}

#[test]
fn load_then_store_never_counts_more_than_was_added() {
    let counter = AtomicU64::new(0);
    race::on_threads(&counter, 4, 10_000, race::increment_racy).unwrap();
    assert!(counter.into_inner() <= 40_000);
    // Alone, it is correct: the lost updates come from other threads.
    let counter = AtomicU64::new(0);
    race::on_threads(&counter, 1, 10_000, race::increment_racy).unwrap();
    assert_eq!(counter.into_inner(), 10_000);
}

/// In an optimized build the racy version still loses updates: its load
/// and store stay two instructions (`black_box`). Only meaningful in
/// release: `cargo test --release -p threading --test library`. A guard,
/// not a proof of the fix: the fused `inc` of the old build lost updates
/// too when two threads did overlap for this long; what it lost was the
/// overlap in short runs (see the module docs), which no test can force. A
/// run may lose nothing if the two threads never ran at once (a busy
/// machine), so it asks for most of five runs, not all.
#[cfg(not(debug_assertions))]
#[test]
fn an_optimized_build_still_loses_updates() {
    let losing_runs = (0..5)
        .filter(|_| {
            let counter = AtomicU64::new(0);
            race::on_threads(&counter, 2, 10_000_000, race::increment_racy).unwrap();
            counter.into_inner() < 20_000_000
        })
        .count();
    assert!(losing_runs >= 3, "{losing_runs} of 5 runs lost updates: were the load and store fused?");
}

#[test]
fn each_thread_of_a_race_has_its_row_on_the_chart() {
    let recording = Recording::start(Clock::Real);
    let counter = AtomicU64::new(0);
    race::on_threads(&counter, 3, 10, race::increment_atomic).unwrap();
    let mut rows: Vec<(usize, String)> =
        recording.bars().into_iter().map(|bar| (bar.row, bar.label)).collect();
    rows.sort();
    assert_eq!(rows, [(0, "thread 1".into()), (1, "thread 2".into()), (2, "thread 3".into())]);
}

/// Keeps the lines an example prints out of the test's output: the
/// threads' lines (which are in rows) are dropped, the test thread's captured.
fn quietly() -> shared::output::Capture {
    shared::output::quiet_rows(true);
    shared::output::Capture::start()
}

fn waits(thread: usize, account: u32) -> Event {
    Event::Waits { thread, account }
}

fn holds(thread: usize, account: u32) -> Event {
    Event::Holds { thread, account }
}

#[test]
fn two_threads_waiting_for_each_others_lock_are_a_cycle() {
    let mut table = WaitFor::default();
    for event in [holds(1, 1), holds(2, 2), waits(2, 1), waits(1, 2)] {
        table.apply(event);
    }
    assert_eq!(
        table.cycle(),
        Some(vec![Link { thread: 1, holds: 1, waits_for: 2 }, Link { thread: 2, holds: 2, waits_for: 1 },])
    );
    // Thread 2 backs off: it holds nothing any more, and the cycle is gone.
    table.apply(Event::Ended { thread: 2 });
    assert_eq!(table.cycle(), None);
}

#[test]
fn waiting_in_a_line_is_not_a_deadlock_but_a_longer_circle_is() {
    let mut line = WaitFor::default();
    for event in [holds(1, 1), waits(2, 1), holds(3, 3), waits(1, 3)] {
        line.apply(event);
    }
    assert_eq!(line.cycle(), None, "thread 3 waits for nobody: it will finish");

    let mut circle = WaitFor::default();
    for event in [holds(1, 1), holds(2, 2), holds(3, 3), waits(1, 2), waits(2, 3), waits(3, 1)] {
        circle.apply(event);
    }
    let cycle = circle.cycle().unwrap();
    let threads: Vec<usize> = cycle.iter().map(|link| link.thread).collect();
    assert_eq!(threads, [1, 2, 3]);
    assert!(cycle.iter().all(|link| link.holds == link.thread as u32));
    // A thread that got its lock is no longer waiting.
    circle.apply(holds(1, 2));
    assert_eq!(circle.cycle(), None);
}

#[test]
fn the_fixed_transfers_never_deadlock_and_keep_the_money() {
    use threading::deadlock::{Account, transfer_in_order, two_transfers};
    let _quiet = quietly();
    for _ in 0..20 {
        let accounts = [Account::new(1, 100), Account::new(2, 100)];
        let outcome = two_transfers(&accounts, transfer_in_order).unwrap();
        assert!(outcome.deadlocks.is_empty() && outcome.retried.is_empty());
        assert_eq!(accounts.map(|account| account.balance()), [90, 110]);
    }
}

#[test]
fn the_wrong_transfers_deadlock_every_time_and_recover() {
    use threading::deadlock::{Account, transfer, two_transfers};
    let _quiet = quietly();
    let accounts = [Account::new(1, 100), Account::new(2, 100)];
    let outcome = two_transfers(&accounts, transfer).unwrap();
    assert_eq!(outcome.deadlocks.len(), 1);
    assert_eq!(outcome.retried, [2]);
    assert_eq!(accounts.map(|account| account.balance()), [90, 110]);
}

/// Primes below `n` by the sieve of Eratosthenes: a different algorithm to check against.
fn sieve(n: usize) -> u64 {
    let mut composite = vec![false; n.max(2)];
    let mut count = 0;
    for i in 2..n {
        if !composite[i] {
            count += 1;
            for multiple in (i * i..n).step_by(i) {
                composite[multiple] = true;
            }
        }
    }
    count
}

#[test]
fn trial_division_agrees_with_a_sieve() {
    for n in [0, 1, 2, 3, 4, 10, 97, 1000, 65_537] {
        assert_eq!(cpu::count_primes(0..n as u64), sieve(n), "below {n}");
    }
    assert!(cpu::is_prime(2) && cpu::is_prime(65_537) && !cpu::is_prime(65_535) && !cpu::is_prime(1));
}

#[test]
fn any_number_of_threads_counts_the_same_primes() {
    let _recording = Recording::start(Clock::Real);
    for below in [0, 1, cpu::BLOCK - 1, cpu::BLOCK, cpu::BLOCK + 1, 3 * cpu::BLOCK + 17] {
        for threads in [1, 2, 5, 16] {
            let count = cpu::count_primes_on_threads(below, threads, 0).unwrap();
            assert_eq!(count, sieve(below as usize), "below {below} on {threads} threads");
        }
    }
}

#[test]
fn the_cpu_verdict_never_promises_what_cannot_happen() {
    let second = Duration::from_secs(1);
    let half = Duration::from_millis(500);
    let below = 5_000_000;
    assert!(cpu::verdict(1, 2, below, second, half).starts_with("One thread both times"));
    let one_core = cpu::verdict(4, 1, below, second, second);
    assert!(one_core.contains("exactly as fast") && one_core.contains("no speed-up was to be expected"));
    let two = cpu::verdict(2, 2, below, second, half);
    assert!(two.starts_with("2 threads were 2.0× as fast as one") && two.contains("2× would be perfect"));
    let many = cpu::verdict(8, 2, below, second, half);
    assert!(many.contains("2× would be perfect with 8 threads on a machine that runs 2"), "{many}");
    // Faster than the cores allow: the sentence says the measurement is off, not the cores.
    let above = cpu::verdict(2, 2, below, second * 3, second);
    assert!(above.contains("3.0× as fast") && above.contains("something else slowed"), "{above}");
    assert!(cpu::verdict(2, 2, below, second, second * 2).contains("slower"));
    // No numbers to test, or runs too short to time: no speed-up is claimed.
    let nothing = cpu::verdict(2, 2, 0, second, half);
    assert_eq!(nothing, "Nothing to compare: no number below 0 can be prime.");
    let short = cpu::verdict(2, 2, 1000, Duration::from_millis(9), Duration::from_millis(5));
    assert!(short.starts_with("Too short to compare") && !short.contains("as fast"), "{short}");
    assert!(cpu::verdict(2, 2, below, Duration::ZERO, second).starts_with("Too short to compare"));
}

#[test]
fn the_kitchen_verdict_is_true_for_every_count() {
    let second = Duration::from_secs(1);
    assert_eq!(kitchen::verdict(3, 0, second, second), "Nothing to compare: no dishes were ordered.");
    assert!(kitchen::verdict(1, 5, second, second).starts_with("One cook both times"));
    assert_eq!(kitchen::verdict(3, 6, 3 * second, second), "3 cooks were 3.0× as fast as one.");
    assert!(kitchen::verdict(2, 1, second, second * 21 / 20).contains("about as fast"));
    let quick = kitchen::verdict(3, 1, Duration::from_millis(12), Duration::from_millis(8));
    assert!(quick.starts_with("Too short to compare") && !quick.contains("as fast"), "{quick}");
}

#[test]
fn orders_are_numbered_from_one_and_checked_exactly() {
    let rail: Vec<u32> = kitchen::orders(8).iter().map(|dish| dish.number).collect();
    assert_eq!(rail, (1..=8).collect::<Vec<_>>());
    assert!(kitchen::every_dish_once(&[vec![2, 1], vec![3]], 3).is_ok());
    assert!(kitchen::every_dish_once(&[vec![1, 2], vec![2, 3]], 3).is_err(), "twice");
    assert!(kitchen::every_dish_once(&[vec![1], vec![3]], 3).is_err(), "missing");
    assert!(kitchen::every_dish_once(&[vec![], vec![]], 0).is_ok());
}

#[test]
fn scoped_and_shared_threads_find_the_same_sums() {
    let numbers: Vec<u64> = (1..=10).collect();
    assert_eq!(thread_info::sums_scoped(&numbers).unwrap(), (55, 330));
    assert_eq!(thread_info::sums_arc(numbers).unwrap(), (55, 330));
    assert_eq!(thread_info::sums_scoped(&[]).unwrap(), (0, 0));
    let printed = shared::output::Capture::start();
    assert_eq!(thread_info::func2(3), [1, 4, 9]);
    assert_eq!(printed.texts()[1], "[1, 4, 9]");
}
