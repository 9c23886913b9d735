//! The home-made event loop, checked on its own counters: what it polled,
//! woke, timed and caught. Its sleeps are real (it has no virtual clock),
//! so these tests keep them to milliseconds and never assert on how long
//! anything took, only on the order of events and on what the loop counted.
//! The tokio half of `event-loop` runs on tokio's paused clock.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};

use coroutine::event_loop::{self, count, survivors};
use coroutine::executor::{self, EventLoop, JoinError};
use shared::testing::Recording;
use shared::timeline::Outcome;
use shared::{Clock, Instrument, span};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The text of a panic caught as a value.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(text) => *text,
        Err(payload) => payload.downcast_ref::<&str>().map(|text| text.to_string()).unwrap_or_default(),
    }
}

#[test]
fn timers_fire_in_deadline_order_whatever_the_spawn_order() {
    let event_loop = EventLoop::new();
    let woke: Rc<RefCell<Vec<u64>>> = Rc::default();
    // Deadlines from one instant, so that only they decide the order, not
    // when each task happens to be polled.
    let start = Instant::now();
    let tasks: Vec<_> = [30, 10, 40, 20, 10]
        .into_iter()
        .map(|after| {
            let woke = Rc::clone(&woke);
            event_loop
                .spawn(async move {
                    executor::sleep_until(start + ms(after)).await;
                    woke.borrow_mut().push(after);
                })
                .unwrap()
        })
        .collect();
    event_loop
        .block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .unwrap();
    assert_eq!(*woke.borrow(), [10, 10, 20, 30, 40]);
    let stats = event_loop.stats();
    assert_eq!((stats.timers, stats.timers_fired), (5, 5));
}

#[test]
fn equal_deadlines_fire_in_the_order_their_timers_were_set() {
    let event_loop = EventLoop::new();
    let woke: Rc<RefCell<Vec<usize>>> = Rc::default();
    let deadline = Instant::now() + ms(5);
    let tasks: Vec<_> = (0..5)
        .map(|id| {
            let woke = Rc::clone(&woke);
            event_loop
                .spawn(async move {
                    executor::sleep_until(deadline).await;
                    woke.borrow_mut().push(id);
                })
                .unwrap()
        })
        .collect();
    event_loop
        .block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .unwrap();
    assert_eq!(*woke.borrow(), [0, 1, 2, 3, 4]);
}

#[test]
fn a_thousand_tasks_sleeping_10_ms_overlap_their_sleeps() {
    const TASKS: u64 = 1000;
    let event_loop = EventLoop::new();
    let done = Rc::new(Cell::new(0));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let done = Rc::clone(&done);
            event_loop
                .spawn(async move {
                    executor::sleep(ms(10)).await;
                    done.set(done.get() + 1);
                })
                .unwrap()
        })
        .collect();
    event_loop
        .block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .unwrap();
    let stats = event_loop.stats();
    assert_eq!(done.get(), TASKS);
    assert_eq!((stats.spawned, stats.finished, stats.panicked), (TASKS, TASKS, 0));
    // Each task: a first poll that sets its timer, one wake-up, a last poll.
    assert_eq!((stats.polls, stats.wakeups), (2 * TASKS, TASKS));
    assert_eq!((stats.timers, stats.timers_fired), (TASKS, TASKS));
    // Every timer was set in the first turn, before any fired: all 1,000
    // sleeps were waiting at the same moment.
    assert_eq!(stats.most_timers_at_once, TASKS);
    assert_eq!(stats.sleep_asked, ms(10) * TASKS as u32);
    // Ten seconds of sleep asked for; the loop itself sat idle for about
    // 10 ms of it. A tenth of the total leaves room for a very busy machine.
    assert!(stats.idle < stats.sleep_asked / 10, "{stats:#?}");
}

#[test]
fn a_panicking_task_is_reported_and_the_others_finish() {
    let event_loop = EventLoop::new();
    let outcomes = event_loop.block_on(survivors()).unwrap();
    assert_eq!(outcomes[0], Ok(1));
    assert!(
        matches!(&outcomes[1], Err(JoinError::Panicked { task, message })
            if task.number() == 2 && message == "broken() gives up half-way"),
        "{outcomes:?}"
    );
    assert_eq!(outcomes[2], Ok(3));
    let stats = event_loop.stats();
    assert_eq!((stats.spawned, stats.finished, stats.panicked), (3, 2, 1));
    // The loop is fine afterwards: it runs the next task as usual.
    assert_eq!(event_loop.block_on(async { 5 }), Ok(5));
}

#[test]
fn a_task_that_panics_before_any_await_is_reported_too() {
    let event_loop = EventLoop::new();
    let task = event_loop.spawn(async { panic!("at the first poll") }).unwrap();
    let outcome: Result<(), JoinError> = event_loop.block_on(task).unwrap();
    assert!(matches!(outcome, Err(JoinError::Panicked { message, .. }) if message == "at the first poll"));
}

#[test]
fn a_future_never_spawned_is_never_polled() {
    let event_loop = EventLoop::new();
    let polls = Rc::new(Cell::new(0));
    let probe = |polls: Rc<Cell<u32>>| {
        std::future::poll_fn(move |_| {
            polls.set(polls.get() + 1);
            Poll::Ready(())
        })
    };
    let spawned_polls = Rc::new(Cell::new(0));
    let never_spawned = probe(Rc::clone(&polls));
    let spawned = event_loop.spawn(probe(Rc::clone(&spawned_polls))).unwrap();
    event_loop.block_on(spawned).unwrap().unwrap();
    event_loop.block_on(executor::sleep(ms(5))).unwrap();
    drop(never_spawned);
    assert_eq!(spawned_polls.get(), 1, "the spawned twin was polled");
    assert_eq!(polls.get(), 0, "the one never spawned never was");
}

#[test]
fn a_count_made_but_not_spawned_prints_nothing() {
    let recording = Recording::start(Clock::Real);
    let event_loop = EventLoop::new();
    event_loop.block_on(survivors()).unwrap();
    assert!(!recording.texts().iter().any(|text| text == "One"), "{:?}", recording.texts());
}

#[test]
fn the_timeline_works_on_the_home_made_loop() {
    let recording = Recording::start(Clock::Real);
    let event_loop = EventLoop::new();
    event_loop.block_on(survivors()).unwrap();
    let mut bars = recording.bars();
    bars.sort_by_key(|bar| bar.row);
    let seen: Vec<(&str, Outcome)> = bars.iter().map(|bar| (bar.label.as_str(), bar.outcome)).collect();
    assert_eq!(
        seen,
        [("nap(1)", Outcome::Finished), ("broken()", Outcome::Abandoned), ("nap(3)", Outcome::Finished)]
    );
    // nap(3) sleeps three pauses, nap(1) one: its bar is the longer.
    assert!(bars[2].end - bars[2].start > bars[0].end - bars[0].start, "{bars:#?}");
}

/// Runs `future` as the only task of a fresh home-made loop.
fn on_home_loop<F: Future + 'static>(future: F) -> Result<F::Output, JoinError> {
    let event_loop = EventLoop::new();
    let task = event_loop.spawn(future).unwrap();
    event_loop.block_on(task).unwrap()
}

#[test]
fn a_future_that_needs_only_a_waker_runs_on_any_loop() {
    use coroutine::hand_polled::both;
    let recording = Recording::start(Clock::Real);
    assert_eq!(on_home_loop(both()), Ok(42));
    let runtime = shared::launch::runtime(Clock::Real).unwrap();
    assert_eq!(runtime.block_on(both()), 42);
    assert_eq!(coroutine::hand_polled::poll_by_hand(both()).0, 42);
    assert_eq!(recording.texts().iter().filter(|text| text.as_str() == "  b → Ready(22)").count(), 3);
}

#[test]
fn tokios_sleep_on_the_home_made_loop_panics_inside_its_task() {
    let _recording = Recording::start(Clock::Real);
    let outcome = on_home_loop(count(tokio::time::sleep));
    let Err(JoinError::Panicked { message, .. }) = outcome else { panic!("{outcome:?}") };
    assert!(message.contains("no reactor running"), "{message}");
}

/// What the chapter says of the two sleeps: tokio's looks for its runtime
/// when it is *called* (so it panics before anything polls it), ours only
/// when it is polled (so it can be made anywhere).
#[test]
fn tokios_sleep_panics_when_called_outside_a_runtime_ours_when_polled() {
    let made = std::panic::catch_unwind(|| drop(tokio::time::sleep(ms(1))));
    let message = panic_text(made.expect_err("tokio's sleep was made outside a runtime"));
    assert!(message.contains("no reactor running"), "{message}");
    drop(executor::sleep(ms(1)));
}

#[test]
fn the_home_made_sleep_on_tokio_panics_inside_its_task() {
    let _recording = Recording::start(Clock::Real);
    let runtime = shared::launch::runtime(Clock::Real).unwrap();
    let error = runtime.block_on(async { tokio::spawn(count(executor::sleep)).await }).unwrap_err();
    let message = panic_text(error.into_panic());
    assert!(message.contains("outside a running EventLoop"), "{message}");
}

#[test]
fn the_port_runs_three_counters_on_the_home_made_loop() {
    // The real second of seed 002's count(): the loop has no virtual clock.
    let recording = Recording::start(Clock::Real);
    let stats = event_loop::asyncio_run().unwrap();
    assert_eq!(recording.texts(), ["One", "One", "One", "Two", "Two", "Two"]);
    for row in 0..3 {
        assert_eq!(recording.texts_of(row), ["One", "Two"], "row {row}");
    }
    assert_eq!((stats.polls, stats.wakeups, stats.timers, stats.most_timers_at_once), (6, 3, 3, 3));
    assert_eq!(stats.sleep_asked, Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn the_same_counters_on_tokio_overlap_into_one_second() {
    let recording = Recording::start(Clock::Virtual);
    let started = tokio::time::Instant::now();
    event_loop::main_on_tokio().await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(recording.texts(), ["One", "One", "One", "Two", "Two", "Two"]);
    let spans: Vec<(usize, u64, u64)> =
        recording.bars().iter().map(|bar| (bar.row, bar.start.as_secs(), bar.end.as_secs())).collect();
    assert_eq!(spans.len(), 3);
    assert!(spans.iter().all(|&(_, start, end)| (start, end) == (0, 1)), "{spans:?}");
}

#[test]
fn spawn_outside_a_loop_panics_with_a_clear_message() {
    let panic = std::panic::catch_unwind(|| drop(executor::spawn(async {}))).unwrap_err();
    let message = panic_text(panic);
    assert!(message.contains("outside a running EventLoop"), "{message}");
}

#[test]
fn a_task_can_spawn_tasks_and_await_them() {
    let sum = on_home_loop(async {
        let children: Vec<_> = (1..=4u32)
            .map(|n| {
                executor::spawn(async move {
                    executor::sleep(ms(u64::from(n))).await;
                    n
                })
            })
            .collect();
        let mut sum = 0;
        for child in children {
            sum += child.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, Ok(10));
}

#[test]
fn a_waker_kept_by_a_task_can_wake_it_from_another_thread() {
    let event_loop = EventLoop::new();
    let (to_thread, from_loop) = std::sync::mpsc::channel::<std::task::Waker>();
    let woken = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&woken);
    let helper = std::thread::spawn(move || {
        let waker = from_loop.recv().unwrap();
        flag.store(true, std::sync::atomic::Ordering::Release);
        waker.wake();
    });
    let mut sent = false;
    let task = event_loop
        .spawn(std::future::poll_fn(move |context| {
            if woken.load(std::sync::atomic::Ordering::Acquire) {
                return Poll::Ready("woken from another thread");
            }
            if !sent {
                to_thread.send(context.waker().clone()).unwrap();
                sent = true;
            }
            Poll::Pending
        }))
        .unwrap();
    assert_eq!(event_loop.block_on(task).unwrap(), Ok("woken from another thread"));
    helper.join().unwrap();
    assert_eq!(event_loop.stats().wakeups, 1);
}

#[test]
fn tasks_run_on_the_thread_that_runs_the_loop() {
    let here = std::thread::current().id();
    let there = on_home_loop(async {
        executor::sleep(ms(1)).await;
        std::thread::current().id()
    });
    assert_eq!(there, Ok(here));
}

#[test]
fn instrumented_tasks_print_in_their_rows_on_the_home_made_loop() {
    let recording = Recording::start(Clock::Real);
    let event_loop = EventLoop::new();
    let task = event_loop.spawn(async { shared::println!("inside") }.instrument(span(4, "printer"))).unwrap();
    event_loop.block_on(task).unwrap().unwrap();
    assert_eq!(recording.texts_of(4), ["inside"]);
}
