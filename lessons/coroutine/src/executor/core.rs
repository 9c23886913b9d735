// ANCHOR: core
//! # The loop itself: tasks, a ready queue, wakers, a timer heap
//!
//! Everything that decides which task runs when; the rest (`sleep`, join
//! handles, caught panics, counters, closing) is built on it in `executor.rs`.

use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// A task's number, unique within its loop, in spawn order (the first is 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub(super) u64);

/// The number of the future given to `block_on`: woken like a task, polled apart.
const MAIN: TaskId = TaskId(0);

/// What the loop tells whoever made it, to be counted there.
pub enum Event {
    /// This many timers reached their deadline and woke their tasks.
    TimersFired(usize),
    /// The thread was parked this long, with nothing to run.
    Parked(Duration),
}

/// A single-threaded event loop: a task table, a ready queue, a timer heap.
pub struct Core {
    /// Every task spawned and not finished. A task is taken out while it
    /// is polled, so that it can spawn others meanwhile.
    tasks: RefCell<HashMap<TaskId, Task>>,
    next_task: Cell<u64>,
    ready: Arc<ReadyQueue>,
    /// Sleeping tasks, by deadline.
    timers: RefCell<Timers>,
    /// Hears what the loop does.
    watch: Box<dyn Fn(Event)>,
}

/// A spawned future, boxed so that tasks of every type fit one table and
/// pinned because an `async` block may point into itself; and its waker.
struct Task {
    future: Pin<Box<dyn Future<Output = ()>>>,
    waker: Arc<TaskWaker>,
}

/// `(deadline, timer)` soonest first (the first set among equals), and the
/// waker of each timer still waiting; a timer given up is skipped later.
#[derive(Default)]
struct Timers {
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
    wakers: HashMap<u64, Waker>,
}

/// The numbers of the tasks to poll next. Wakers on any thread share it with
/// the loop: hence a `Mutex`, where the rest is `RefCell`s.
type ReadyQueue = Mutex<VecDeque<TaskId>>;

fn lock(ready: &ReadyQueue) -> MutexGuard<'_, VecDeque<TaskId>> {
    // Nothing is left half-done under this lock if a thread panics with it.
    ready.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A task's waker: its number, and the queue to put it in.
struct TaskWaker {
    task: TaskId,
    /// Set while the task is queued: woken twice before it runs, it runs once.
    queued: AtomicBool,
    ready: Arc<ReadyQueue>,
    thread: Thread,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            lock(&self.ready).push_back(self.task);
            self.thread.unpark(); // from the loop's own thread: its next park returns at once
        }
    }
}

/// Timer numbers, unique across every loop: a sleep polled on one loop can
/// never cancel a timer of another.
static NEXT_TIMER: AtomicU64 = AtomicU64::new(1);

impl Core {
    /// A loop for this thread, with nothing to run; `watch` hears what it does.
    pub fn new(watch: impl Fn(Event) + 'static) -> Core {
        let (tasks, ready, timers) = (RefCell::default(), Arc::default(), RefCell::default());
        Core { tasks, next_task: Cell::new(1), ready, timers, watch: Box::new(watch) }
    }

    /// Makes `future` a task and queues its first poll; none of it runs yet.
    pub fn spawn(&self, future: impl Future<Output = ()> + 'static) -> TaskId {
        let task = TaskId(self.next_task.replace(self.next_task.get() + 1));
        let waker = self.waker(task);
        self.tasks.borrow_mut().insert(task, Task { future: Box::pin(future), waker: Arc::clone(&waker) });
        waker.wake(); // queued as if woken
        task
    }

    fn waker(&self, task: TaskId) -> Arc<TaskWaker> {
        let (queued, ready) = (AtomicBool::new(false), Arc::clone(&self.ready));
        Arc::new(TaskWaker { task, queued, ready, thread: thread::current() }) // the loop's: it cannot move
    }

    /// Runs the loop until `future` is done, and returns its output.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let mut future = pin!(future);
        let main = self.waker(MAIN);
        lock(&self.ready).retain(|&task| task != MAIN); // left by an earlier `block_on`'s waker
        main.wake_by_ref(); // its first poll
        loop {
            // One turn: the tasks ready now. Those woken meanwhile wait for the
            // next turn, so that timers fire even while tasks keep waking each other.
            let ready_now = lock(&self.ready).len();
            for _ in 0..ready_now {
                let Some(task) = lock(&self.ready).pop_front() else { break };
                if task != MAIN {
                    self.poll_task(task);
                    continue;
                }
                main.queued.store(false, Ordering::Release);
                let waker = Waker::from(Arc::clone(&main));
                if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(&waker)) {
                    return output;
                }
            }
            let next_deadline = self.fire_due_timers();
            if lock(&self.ready).is_empty() {
                self.park(next_deadline);
            }
        }
    }

    fn poll_task(&self, id: TaskId) {
        // A finished task can still be woken (by a timer it left behind): it is gone.
        let Some(mut task) = self.tasks.borrow_mut().remove(&id) else { return };
        task.waker.queued.store(false, Ordering::Release); // woken during the poll, it is queued again
        let waker = Waker::from(Arc::clone(&task.waker));
        if task.future.as_mut().poll(&mut Context::from_waker(&waker)).is_pending() {
            self.tasks.borrow_mut().insert(id, task);
        }
    }

    /// Leaves `waker` to be woken at `deadline`; returns the timer's number
    /// and how many timers are waiting now.
    pub fn set_timer(&self, deadline: Instant, waker: &Waker) -> (u64, usize) {
        let timer = NEXT_TIMER.fetch_add(1, Ordering::Relaxed);
        let Timers { heap, wakers } = &mut *self.timers.borrow_mut();
        heap.push(Reverse((deadline, timer)));
        wakers.insert(timer, waker.clone());
        (timer, wakers.len())
    }

    /// Gives a waiting timer a new waker (its sleep was polled again, maybe
    /// by another task); false if it is not waiting here.
    pub fn reset_timer(&self, timer: u64, waker: &Waker) -> bool {
        let mut timers = self.timers.borrow_mut();
        timers.wakers.get_mut(&timer).map(|known| known.clone_from(waker)).is_some()
    }

    /// Forgets a timer: its sleep was given up before the deadline.
    pub fn cancel_timer(&self, timer: u64) {
        self.timers.borrow_mut().wakers.remove(&timer);
    }

    /// Wakes the tasks whose timers are due, soonest deadline first, and
    /// throws out timers given up; returns the next deadline.
    fn fire_due_timers(&self) -> Option<Instant> {
        let now = Instant::now();
        let mut due = Vec::new();
        let next_deadline = loop {
            let Timers { heap, wakers } = &mut *self.timers.borrow_mut();
            match heap.peek() {
                Some(&Reverse((deadline, timer))) if deadline <= now || !wakers.contains_key(&timer) => {
                    heap.pop();
                    due.extend(wakers.remove(&timer));
                }
                next => break next.map(|&Reverse((deadline, _))| deadline),
            }
        }; // woken outside the borrow: a waker may run any code, even set a timer
        (self.watch)(Event::TimersFired(due.len()));
        due.into_iter().for_each(Waker::wake);
        next_deadline
    }

    /// Parks the thread until the next deadline, or until a waker unparks
    /// it. With no timer, only a waker on another thread can end the wait.
    fn park(&self, next_deadline: Option<Instant>) {
        let parked = Instant::now();
        match next_deadline {
            Some(deadline) if deadline <= parked => return, // due already
            Some(deadline) => thread::park_timeout(deadline - parked),
            None => thread::park(),
        }
        (self.watch)(Event::Parked(parked.elapsed()));
    }

    /// Drops every unfinished task, in spawn order; returns how many.
    pub fn drop_tasks(&self) -> usize {
        // Out of the table first: a future's destructors must find the table free.
        let mut tasks: Vec<_> = self.tasks.take().into_iter().collect();
        tasks.sort_by_key(|(id, _)| *id);
        drop(self.timers.take());
        let dropped = tasks.len();
        drop(tasks); // first to last
        dropped
    }
}
// ANCHOR_END: core
