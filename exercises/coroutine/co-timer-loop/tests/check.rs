use co_timer_loop::Executor;
use std::cell::RefCell;
use std::rc::Rc;

#[test]
fn sleeping_tasks_wake_in_deadline_order_on_the_virtual_clock() {
    let mut executor = Executor::new();
    let log = Rc::new(RefCell::new(Vec::new()));
    for (name, ms) in [("slow", 300), ("fast", 100)] {
        let clock = executor.clock();
        let log = log.clone();
        executor.spawn(async move {
            clock.sleep(ms).await;
            log.borrow_mut().push(format!("{name} at {} ms", clock.now()));
        });
    }
    executor.run();
    assert_eq!(
        *log.borrow(),
        ["fast at 100 ms", "slow at 300 ms"],
        "the loop stopped while tasks were still waiting on timers: when nothing is ready, \
         it must move the clock to the earliest deadline and wake that timer's task"
    );
}
