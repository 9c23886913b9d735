//! A home-made event loop, with a virtual clock.
//! Chapter: docs/en/coroutine.md, section "4. `event-loop`: an event loop from scratch".

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// Virtual time in milliseconds, and the timers waiting on it.
#[derive(Default)]
pub struct Clock {
    now: Cell<u64>,
    /// (deadline, the waker of the task that waits for it)
    timers: RefCell<Vec<(u64, Waker)>>,
}

impl Clock {
    /// The virtual time, in milliseconds since the loop started.
    pub fn now(&self) -> u64 {
        self.now.get()
    }

    /// A future that is ready `ms` milliseconds (virtual) from now.
    pub fn sleep(self: &Rc<Self>, ms: u64) -> Sleep {
        Sleep { clock: self.clone(), deadline: self.now() + ms }
    }
}

/// See [`Clock::sleep`].
pub struct Sleep {
    clock: Rc<Clock>,
    deadline: u64,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if self.clock.now() >= self.deadline {
            return Poll::Ready(());
        }
        // Not yet: leave our waker with the clock, which the loop consults.
        self.clock.timers.borrow_mut().push((self.deadline, context.waker().clone()));
        Poll::Pending
    }
}

type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Puts a task's number back in the ready queue when it is woken.
struct TaskWaker {
    id: usize,
    ready: Arc<Mutex<VecDeque<usize>>>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.ready.lock().unwrap().push_back(self.id);
    }
}

/// One thread, a ready queue, and a clock.
#[derive(Default)]
pub struct Executor {
    clock: Rc<Clock>,
    tasks: Vec<Option<Task>>,
    ready: Arc<Mutex<VecDeque<usize>>>,
}

impl Executor {
    /// An empty loop at virtual time 0.
    pub fn new() -> Executor {
        Executor::default()
    }

    /// The loop's clock, for tasks to sleep on.
    pub fn clock(&self) -> Rc<Clock> {
        self.clock.clone()
    }

    /// Adds a task, ready to be polled.
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) {
        self.tasks.push(Some(Box::pin(task)));
        self.ready.lock().unwrap().push_back(self.tasks.len() - 1);
    }

    /// Runs until every task has finished.
    pub fn run(&mut self) {
        loop {
            // Poll every task that is ready.
            loop {
                let next = self.ready.lock().unwrap().pop_front();
                let Some(id) = next else { break };
                let Some(task) = self.tasks[id].as_mut() else { continue };
                let waker = Waker::from(Arc::new(TaskWaker { id, ready: self.ready.clone() }));
                if task.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
                    self.tasks[id] = None;
                }
            }
            if self.tasks.iter().all(Option::is_none) {
                return;
            }
            // TODO: nothing is ready, and some tasks wait on timers. Move the
            // clock to the earliest deadline and wake the timers due by then.
            return;
        }
    }
}
