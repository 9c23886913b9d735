//! # The home-made event loop: an executor and a timer, std only
//!
//! What `event-loop` runs its tasks on: the course's own mini-tokio, in one
//! file, with no dependency and no `unsafe`. Python calls this the *event
//! loop*; Rust calls the part that polls tasks an *executor*, and an
//! executor together with its timers and IO a *runtime*. This one has a
//! timer and no IO, which is all `count()` needs.
//!
//! How it works, in the order things happen:
//!
//! 1. [`EventLoop::spawn`] (or [`spawn`] from inside a task) boxes a future
//!    as a **task**, gives it a number and a waker, and puts the number in
//!    the **ready queue**. Nothing of the future runs yet.
//! 2. [`EventLoop::block_on`] is the loop. Each turn it polls the future it
//!    was given if that was woken, polls every task in the ready queue once,
//!    then fires the timers that are due. A task that returns `Pending` is
//!    put back in the task table, and is polled again only when something
//!    *wakes* it.
//! 3. A **waker** ([`std::task::Wake`]) is the task's number and a handle on
//!    the ready queue: waking it puts the number back in the queue (once,
//!    however many times it is woken before it runs) and unparks the loop's
//!    thread, so it works from any thread.
//! 4. [`sleep`] is a future that, polled before its deadline, leaves its
//!    deadline and its task's waker in the loop's **timer heap**, soonest
//!    first. Timers fire in deadline order, whatever order the tasks were
//!    spawned in.
//! 5. When nothing is ready, the loop **parks** its thread until the next
//!    deadline (or until a waker from another thread unparks it). That is
//!    the loop being idle: the one place where time passes without work.
//!
//! A task that panics is caught ([`std::panic::catch_unwind`]), counted, and
//! reported to whoever awaits its [`JoinHandle`]; the loop goes on with the
//! others. A future that is never spawned is never polled, so none of its
//! body ever runs.
//!
//! Everything runs on the thread that calls `block_on`. Tasks need not be
//! `Send`, and the loop itself cannot leave its thread: the compiler refuses
//! to move it.
//!
//! ```compile_fail
//! let event_loop = coroutine::executor::EventLoop::new();
//! std::thread::spawn(move || event_loop.is_running()); // error: `Rc<..>` cannot be sent between threads safely
//! ```
//!
//! (What the loop says can go anywhere; the same line with its answer
//! compiles, so the test above fails for that one reason.)
//!
//! ```
//! let event_loop = coroutine::executor::EventLoop::new();
//! let running = event_loop.is_running();
//! std::thread::spawn(move || running).join().unwrap();
//! ```
//!
//! The models it learns from (read, not copied): the mini-tokio of tokio's
//! tutorial, which also keeps its timers apart from its tasks, and the
//! async book's executor, which documents every field. What tokio adds is
//! in the chapter (`docs/en/coroutine.md`, "Where tokio's speed comes
//! from").

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// A task's number, unique within its loop, in the order they were spawned
/// (the first is 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(u64);

impl TaskId {
    /// The number itself.
    pub fn number(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {}", self.0)
    }
}

/// What the loop counted since it was made: the numbers `event-loop`
/// prints, and what the tests check instead of timing anything.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Tasks spawned.
    pub spawned: u64,
    /// Tasks that ran to their end.
    pub finished: u64,
    /// Tasks that panicked (caught, reported, and dropped).
    pub panicked: u64,
    /// Tasks dropped unfinished by [`EventLoop::close`].
    pub cancelled: u64,
    /// Polls of spawned tasks: one per task to start it, then one each time
    /// it was woken and run again.
    pub polls: u64,
    /// Polls of the future given to [`EventLoop::block_on`], counted apart.
    pub main_polls: u64,
    /// Calls to `wake` on a spawned task's waker, from any thread. A task
    /// woken twice before it runs is queued once but counted twice here.
    pub wakeups: u64,
    /// Timers set: one per [`Sleep`] that was polled before its deadline.
    pub timers: u64,
    /// Timers that reached their deadline and woke their task (the rest
    /// were dropped before: a sleep given up early).
    pub timers_fired: u64,
    /// The most timers waiting at the same moment: above 1, sleeps overlapped.
    pub most_timers_at_once: u64,
    /// How much sleep the timers were set for, added up.
    pub sleep_asked: Duration,
    /// How long the loop's thread was parked, with nothing to run.
    pub idle: Duration,
    /// How many times it parked (a park that a wake-up cut short counts too).
    pub parks: u64,
}

/// Why the loop could not do what it was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopError {
    /// The loop was closed: it runs nothing more (Python raises
    /// `RuntimeError: Event loop is closed`).
    Closed,
    /// A loop is already running on this thread: one cannot run inside
    /// another, and a running loop cannot be closed.
    AlreadyRunning,
}

impl fmt::Display for LoopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoopError::Closed => "the event loop is closed",
            LoopError::AlreadyRunning => "an event loop is already running on this thread",
        })
    }
}

impl std::error::Error for LoopError {}

/// Why a [`JoinHandle`] has no value to give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The task panicked; the loop caught it and went on.
    Panicked {
        /// Which task.
        task: TaskId,
        /// Its panic message.
        message: String,
    },
    /// The loop was closed before the task finished, and dropped it.
    Cancelled(TaskId),
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Panicked { task, message } => write!(f, "{task} panicked: {message}"),
            JoinError::Cancelled(task) => write!(f, "{task} was dropped unfinished: its loop was closed"),
        }
    }
}

impl std::error::Error for JoinError {}

/// A single-threaded event loop: a task table, a ready queue, a timer heap.
///
/// A cheap handle: clones are the same loop (see [`EventLoop::current`]).
/// Python's `asyncio.run(main())` is [`EventLoop::new`], then
/// [`block_on`](EventLoop::block_on)`(main())`, then
/// [`close`](EventLoop::close).
#[derive(Clone)]
pub struct EventLoop {
    inner: Rc<Inner>,
}

/// The loop's state, shared by its handles and, while it runs, by the
/// thread-local [`CURRENT`] that [`spawn`] and [`sleep`] look it up in.
struct Inner {
    /// Every task spawned and not finished, by number. A task is taken out
    /// while it is polled, so that it can spawn others meanwhile.
    tasks: RefCell<HashMap<TaskId, Task>>,
    /// The number the next task gets.
    next_task: Cell<u64>,
    /// The numbers of the tasks to poll next, shared with their wakers.
    ready: Arc<ReadyQueue>,
    /// The ready queue's contents during a turn of the loop (kept to reuse
    /// its memory from turn to turn).
    batch: RefCell<VecDeque<TaskId>>,
    /// Sleeping tasks, by deadline.
    timers: RefCell<Timers>,
    /// What the loop counted, except wake-ups (the wakers count those).
    stats: RefCell<Stats>,
    /// Whether `block_on` is running (Python's `loop.is_running()`).
    running: Cell<bool>,
    /// Whether `close` was called (Python's `loop.is_closed()`).
    closed: Cell<bool>,
}

/// What the loop shares with wakers, which may be on any thread: hence a
/// `Mutex` and atomics here, where everything else is `Cell`s.
struct ReadyQueue {
    /// Tasks woken and not polled since, in the order they were woken.
    queue: Mutex<VecDeque<TaskId>>,
    /// The loop's thread, to unpark when a task is woken. From the loop's
    /// own thread that only makes its next park return at once, one turn
    /// early: cheaper than checking which thread is waking.
    thread: Thread,
    /// `wake` calls on tasks' wakers, from any thread ([`Stats::wakeups`]).
    wakeups: AtomicU64,
}

impl ReadyQueue {
    fn push(&self, task: TaskId) {
        // Nothing is left half-done under this lock if a thread panics with it.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner).push_back(task);
        self.thread.unpark();
    }

    fn is_empty(&self) -> bool {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner).is_empty()
    }
}

/// One spawned future and what the loop needs to run it.
struct Task {
    /// The future, boxed so that tasks of every type fit one table, and
    /// pinned because an `async` block may hold references into itself.
    /// Its output goes to the [`JoinHandle`] from inside (see [`Inner::spawn`]).
    future: Pin<Box<dyn Future<Output = ()>>>,
    /// Its waker's state: whether it is in the ready queue already.
    wake_state: Arc<TaskWaker>,
    /// The same, as the [`Waker`] that polls hand to the future; made once
    /// per task, not once per poll.
    waker: Waker,
    /// Where its [`JoinHandle`] waits, to be told of a panic or a close.
    join: Rc<dyn Abandon>,
}

// ANCHOR: waker
/// A task's waker: its number, and the queue to put it in.
struct TaskWaker {
    /// The task it wakes.
    task: TaskId,
    /// Set while the task is in the ready queue, so that a task woken
    /// twice before it runs is polled once.
    queued: AtomicBool,
    /// Where the loop looks for tasks to poll.
    ready: Arc<ReadyQueue>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.wakeups.fetch_add(1, Ordering::Relaxed);
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.ready.push(self.task);
        }
    }
}
// ANCHOR_END: waker

/// The waker of the future given to `block_on`, which is not a task.
struct MainWaker {
    /// Set by a wake-up, cleared when `block_on` polls the future.
    woken: AtomicBool,
    /// The loop's thread, to unpark.
    thread: Thread,
}

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Sleeping tasks: a min-heap of deadlines, and the waker of each timer.
#[derive(Default)]
struct Timers {
    /// `(deadline, timer)`, soonest first; a timer set earlier goes first
    /// among equal deadlines. A timer dropped before its deadline stays here
    /// until it comes up, and is skipped then.
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
    /// The waker of every timer still waiting.
    wakers: HashMap<u64, Waker>,
    /// The wakers of the timers due this turn (kept to reuse its memory).
    due: Vec<Waker>,
}

/// Timer numbers, unique across every loop, so that a [`Sleep`] dropped on
/// the wrong loop can never cancel someone else's timer.
static NEXT_TIMER: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The loop running on this thread, if any: what [`spawn`], [`sleep`]
    /// and [`EventLoop::current`] use, as tokio's functions use its context.
    static CURRENT: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
}

impl Default for EventLoop {
    fn default() -> EventLoop {
        EventLoop::new()
    }
}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoop")
            .field("running", &self.is_running())
            .field("closed", &self.is_closed())
            .field("tasks", &self.inner.tasks.borrow().len())
            .finish()
    }
}

impl EventLoop {
    /// A new loop, on this thread, with nothing to run (Python's
    /// `asyncio.new_event_loop()`).
    pub fn new() -> EventLoop {
        let ready = ReadyQueue {
            queue: Mutex::new(VecDeque::new()),
            thread: thread::current(),
            wakeups: AtomicU64::new(0),
        };
        EventLoop {
            inner: Rc::new(Inner {
                tasks: RefCell::new(HashMap::new()),
                next_task: Cell::new(1),
                ready: Arc::new(ready),
                batch: RefCell::new(VecDeque::new()),
                timers: RefCell::new(Timers::default()),
                stats: RefCell::new(Stats::default()),
                running: Cell::new(false),
                closed: Cell::new(false),
            }),
        }
    }

    /// The loop running on this thread (Python's
    /// `asyncio.get_running_loop()`), or `None` outside one.
    pub fn current() -> Option<EventLoop> {
        CURRENT.with(|current| current.borrow().clone()).map(|inner| EventLoop { inner })
    }

    /// Whether [`block_on`](EventLoop::block_on) is running (Python's
    /// `loop.is_running()`).
    pub fn is_running(&self) -> bool {
        self.inner.running.get()
    }

    /// Whether [`close`](EventLoop::close) was called (Python's
    /// `loop.is_closed()`).
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }

    /// What the loop counted so far.
    pub fn stats(&self) -> Stats {
        let mut stats = *self.inner.stats.borrow();
        stats.wakeups = self.inner.ready.wakeups.load(Ordering::Relaxed);
        stats
    }

    /// Makes `future` a task of this loop (Python's `loop.create_task`). It
    /// runs once the loop runs; nothing of it runs now.
    pub fn spawn<F>(&self, future: F) -> Result<JoinHandle<F::Output>, LoopError>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        if self.is_closed() {
            return Err(LoopError::Closed);
        }
        Ok(self.inner.spawn(future))
    }

    // ANCHOR: block_on
    /// Runs the loop until `future` is done, and returns its output (Python's
    /// `loop.run_until_complete`). Tasks still unfinished then stay in the
    /// loop, for a later `block_on` or for [`EventLoop::close`].
    ///
    /// A panic in `future` itself is not caught: it is the caller's code,
    /// and it unwinds out of here as it would from a plain call.
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, LoopError> {
        if self.is_closed() {
            return Err(LoopError::Closed);
        }
        let _entered = Entered::enter(&self.inner)?;
        let main = Arc::new(MainWaker { woken: AtomicBool::new(true), thread: thread::current() });
        let main_waker = Waker::from(Arc::clone(&main));
        let mut future = pin!(future);
        loop {
            if main.woken.swap(false, Ordering::AcqRel) {
                self.inner.stats.borrow_mut().main_polls += 1;
                if let Poll::Ready(output) = future.as_mut().poll(&mut Context::from_waker(&main_waker)) {
                    return Ok(output);
                }
            }
            self.inner.run_ready_tasks();
            self.inner.fire_due_timers();
            if !main.woken.load(Ordering::Acquire) && self.inner.ready.is_empty() {
                self.inner.park();
            }
        }
    }
    // ANCHOR_END: block_on

    /// Closes the loop (Python's `loop.close()`): every unfinished task is
    /// dropped, and its [`JoinHandle`] gives [`JoinError::Cancelled`]. A
    /// closed loop runs nothing more; closing it again does nothing.
    pub fn close(&self) -> Result<(), LoopError> {
        if self.is_running() {
            return Err(LoopError::AlreadyRunning);
        }
        if self.inner.closed.replace(true) {
            return Ok(());
        }
        // Out of the table first: dropping a future runs its code (its
        // locals' destructors), which must find the table free.
        let tasks = std::mem::take(&mut *self.inner.tasks.borrow_mut());
        let timers = std::mem::take(&mut *self.inner.timers.borrow_mut());
        self.inner.stats.borrow_mut().cancelled += tasks.len() as u64;
        let mut tasks: Vec<(TaskId, Task)> = tasks.into_iter().collect();
        tasks.sort_by_key(|(id, _)| *id);
        for (id, task) in tasks {
            drop(task.future);
            task.join.abandon(JoinError::Cancelled(id));
        }
        drop(timers);
        Ok(())
    }
}

/// Makes `future` a task of the loop running on this thread, like
/// `tokio::spawn` (or Python's `asyncio.create_task`).
///
/// # Panics
///
/// Outside a running [`EventLoop`], as `tokio::spawn` does outside a tokio
/// runtime: there is no loop to give the task to.
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let inner = CURRENT.with(|current| current.borrow().clone());
    let inner = inner.expect("executor::spawn called outside a running EventLoop: no loop to run the task");
    inner.spawn(future)
}

/// Marks a loop as the running one on this thread, until dropped (also
/// when a panic unwinds out of `block_on`).
struct Entered {
    /// The running loop, to mark as not running again.
    inner: Rc<Inner>,
}

impl Entered {
    fn enter(inner: &Rc<Inner>) -> Result<Entered, LoopError> {
        CURRENT.with(|current| {
            let mut current = current.borrow_mut();
            if current.is_some() {
                return Err(LoopError::AlreadyRunning);
            }
            *current = Some(Rc::clone(inner));
            inner.running.set(true);
            Ok(Entered { inner: Rc::clone(inner) })
        })
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        CURRENT.with(|current| current.borrow_mut().take());
        self.inner.running.set(false);
    }
}

impl Inner {
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TaskId(self.next_task.replace(self.next_task.get() + 1));
        let join = Rc::new(RefCell::new(JoinSlot::Waiting(None)));
        let output = Rc::clone(&join);
        // The task's future is `future` followed by handing its output over:
        // one boxed `async` block, whatever `F` is.
        let future = Box::pin(async move {
            let value = future.await;
            JoinSlot::finish(&output, Ok(value));
        });
        let wake_state =
            Arc::new(TaskWaker { task: id, queued: AtomicBool::new(true), ready: Arc::clone(&self.ready) });
        let waker = Waker::from(Arc::clone(&wake_state));
        let task = Task { future, wake_state, waker, join: Rc::clone(&join) as Rc<dyn Abandon> };
        self.tasks.borrow_mut().insert(id, task);
        self.stats.borrow_mut().spawned += 1;
        self.ready.push(id); // its first poll: queued as if woken
        JoinHandle { task: id, slot: join }
    }

    /// One turn: polls each task that was in the ready queue when the turn
    /// began. Tasks woken meanwhile wait for the next turn, so that timers
    /// are checked between turns even when tasks keep waking each other.
    fn run_ready_tasks(&self) {
        let mut batch = self.batch.take();
        std::mem::swap(&mut *self.ready.queue.lock().unwrap_or_else(PoisonError::into_inner), &mut batch);
        for id in batch.drain(..) {
            self.poll_task(id);
        }
        *self.batch.borrow_mut() = batch;
    }

    // ANCHOR: poll_task
    fn poll_task(&self, id: TaskId) {
        // A task that has finished can still be woken (by a timer it left
        // behind, say): then it is no longer in the table, and that is all.
        let Some(mut task) = self.tasks.borrow_mut().remove(&id) else { return };
        // Cleared before the poll: a wake-up during the poll queues it again.
        task.wake_state.queued.store(false, Ordering::Release);
        self.stats.borrow_mut().polls += 1;
        let mut context = Context::from_waker(&task.waker);
        // `AssertUnwindSafe`: after a panic the only state that could be
        // half-updated is the task's own future, and it is dropped at once,
        // unseen; the loop holds no borrow of its own state across the poll.
        match catch_unwind(AssertUnwindSafe(|| task.future.as_mut().poll(&mut context))) {
            Ok(Poll::Pending) => {
                self.tasks.borrow_mut().insert(id, task);
            }
            Ok(Poll::Ready(())) => self.stats.borrow_mut().finished += 1,
            Err(panic) => {
                self.stats.borrow_mut().panicked += 1;
                let Task { future, join, .. } = task;
                // Dropping what is left of it may panic too; that is caught
                // the same way.
                let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
                join.abandon(JoinError::Panicked { task: id, message: panic_message(&*panic) });
            }
        }
    }
    // ANCHOR_END: poll_task

    /// Wakes the tasks whose timers are due, soonest deadline first.
    fn fire_due_timers(&self) {
        let now = Instant::now();
        let mut due = {
            let mut timers = self.timers.borrow_mut();
            let Timers { heap, wakers, due } = &mut *timers;
            while let Some(&Reverse((deadline, timer))) = heap.peek() {
                if deadline > now {
                    break;
                }
                heap.pop();
                if let Some(waker) = wakers.remove(&timer) {
                    due.push(waker);
                }
            }
            std::mem::take(due)
        };
        self.stats.borrow_mut().timers_fired += due.len() as u64;
        // Woken outside the borrow: a waker may run any code, even code
        // that sets a timer.
        for waker in due.drain(..) {
            waker.wake();
        }
        self.timers.borrow_mut().due = due;
    }

    /// Parks the thread until the next deadline, or until a waker unparks
    /// it. With no timer at all, only a waker on another thread can end the
    /// wait; if none ever does, the loop waits forever, as tokio's would.
    fn park(&self) {
        let next_deadline = self.timers.borrow_mut().next_deadline();
        let parked = Instant::now();
        match next_deadline {
            Some(deadline) if deadline <= parked => return, // due already: no wait
            Some(deadline) => thread::park_timeout(deadline - parked),
            None => thread::park(),
        }
        let mut stats = self.stats.borrow_mut();
        stats.parks += 1;
        stats.idle += parked.elapsed();
    }

    /// Sets (or, for a timer already set, updates the waker of) the timer
    /// of a [`Sleep`]; returns the timer's number.
    /// `asked` is how long it waits from now, for [`Stats::sleep_asked`].
    fn set_timer(&self, timer: Option<u64>, deadline: Instant, asked: Duration, waker: &Waker) -> u64 {
        let mut timers = self.timers.borrow_mut();
        if let Some(timer) = timer
            && let Some(known) = timers.wakers.get_mut(&timer)
        {
            // Polled again before its deadline, maybe from another task:
            // keep the newest waker (cloning it only if it differs).
            known.clone_from(waker);
            return timer;
        }
        let timer = NEXT_TIMER.fetch_add(1, Ordering::Relaxed);
        timers.heap.push(Reverse((deadline, timer)));
        timers.wakers.insert(timer, waker.clone());
        let waiting = timers.wakers.len() as u64;
        drop(timers);
        let mut stats = self.stats.borrow_mut();
        stats.timers += 1;
        stats.most_timers_at_once = stats.most_timers_at_once.max(waiting);
        stats.sleep_asked = stats.sleep_asked.saturating_add(asked);
        timer
    }

    fn cancel_timer(&self, timer: u64) {
        self.timers.borrow_mut().wakers.remove(&timer);
    }
}

impl Timers {
    /// The soonest deadline of a timer still waiting; dropped timers met on
    /// the way are thrown out of the heap.
    fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(&Reverse((deadline, timer))) = self.heap.peek() {
            if self.wakers.contains_key(&timer) {
                return Some(deadline);
            }
            self.heap.pop();
        }
        None
    }
}

/// A panic's message, from the payload `panic!` gives to `catch_unwind`.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic whose payload is not text)".to_string()
    }
}

/// Waits for a task's output: what [`spawn`] returns, as tokio's does.
///
/// Dropping it does not stop the task; the task runs on, and its output is
/// thrown away.
#[must_use = "a JoinHandle does nothing unless awaited; drop it to let the task run on its own"]
pub struct JoinHandle<T> {
    /// The task it waits for.
    task: TaskId,
    /// Where that task leaves its outcome.
    slot: Rc<RefCell<JoinSlot<T>>>,
}

impl<T> JoinHandle<T> {
    /// The task's number.
    pub fn id(&self) -> TaskId {
        self.task
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("task", &self.task).finish()
    }
}

/// Where a task leaves its outcome for its [`JoinHandle`].
enum JoinSlot<T> {
    /// Not finished; the waker of whoever awaits the handle, once it has.
    Waiting(Option<Waker>),
    /// Finished, panicked or dropped; not yet taken.
    Done(Result<T, JoinError>),
    /// Taken by the handle.
    Taken,
}

impl<T> JoinSlot<T> {
    /// Leaves `outcome` and wakes whoever waits for it.
    fn finish(slot: &RefCell<JoinSlot<T>>, outcome: Result<T, JoinError>) {
        let previous = std::mem::replace(&mut *slot.borrow_mut(), JoinSlot::Done(outcome));
        if let JoinSlot::Waiting(Some(waiter)) = previous {
            waiter.wake();
        }
    }
}

/// A [`JoinSlot`] of any output type, as the loop sees it: it can only say
/// "this task will not finish".
trait Abandon {
    fn abandon(&self, error: JoinError);
}

impl<T> Abandon for RefCell<JoinSlot<T>> {
    fn abandon(&self, error: JoinError) {
        if matches!(*self.borrow(), JoinSlot::Waiting(_)) {
            JoinSlot::finish(self, Err(error));
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        match std::mem::replace(&mut *slot, JoinSlot::Taken) {
            JoinSlot::Done(outcome) => Poll::Ready(outcome),
            JoinSlot::Waiting(waiter) => {
                // Keep the newest waker: the handle may have moved to another task.
                let waiter = match waiter {
                    Some(mut waiter) => {
                        waiter.clone_from(context.waker());
                        waiter
                    }
                    None => context.waker().clone(),
                };
                *slot = JoinSlot::Waiting(Some(waiter));
                Poll::Pending
            }
            JoinSlot::Taken => panic!("a JoinHandle was polled after it returned its output"),
        }
    }
}

/// Waits `duration` on the loop's timer: the home-made
/// `tokio::time::sleep`, or Python's `asyncio.sleep`.
///
/// The time starts at the first poll, as in Python, where `asyncio.sleep(1)`
/// starts waiting when it is awaited (tokio's starts when it is made). A
/// `duration` of zero is ready at once, without waiting for a turn.
///
/// # Panics
///
/// When polled outside a running [`EventLoop`] (on tokio, say), as tokio's
/// sleep panics outside a tokio runtime: a timer belongs to the loop that
/// fires it, and there is none here.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep { wait: Wait::For(duration), timer: None }
}

/// Waits until `deadline` on the loop's timer (`tokio::time::sleep_until`):
/// for a schedule, where sleeps must not add up their delays.
///
/// # Panics
///
/// As [`sleep`]: when polled outside a running [`EventLoop`].
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { wait: Wait::Until(deadline), timer: None }
}

/// The future of [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    /// How long, or until when.
    wait: Wait,
    /// Its timer's number once set: polled again before the deadline, it
    /// updates the waker of that timer instead of setting another.
    timer: Option<u64>,
}

/// How long a [`Sleep`] waits.
#[derive(Clone, Copy, Debug)]
enum Wait {
    /// This long from the first poll.
    For(Duration),
    /// Until then.
    Until(Instant),
}

/// Far enough to be "never", near enough for `Instant` arithmetic: what a
/// sleep of `Duration::MAX` waits for.
const FAR_FUTURE: Duration = Duration::from_secs(100 * 365 * 86_400);

// ANCHOR: sleep
impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let now = Instant::now();
        let deadline = match this.wait {
            Wait::Until(deadline) => deadline,
            Wait::For(duration) => {
                let deadline = now.checked_add(duration).unwrap_or_else(|| now + FAR_FUTURE);
                this.wait = Wait::Until(deadline); // the first poll fixes it
                deadline
            }
        };
        if now >= deadline {
            this.cancel();
            return Poll::Ready(());
        }
        let inner = CURRENT.with(|current| current.borrow().clone()).expect(
            "executor::sleep polled outside a running EventLoop: a timer belongs to the loop that fires it \
             (on tokio, await tokio::time::sleep)",
        );
        this.timer = Some(inner.set_timer(this.timer, deadline, deadline - now, context.waker()));
        Poll::Pending
    }
}
// ANCHOR_END: sleep

impl Sleep {
    /// Removes its timer, if it has one, from the loop running here.
    fn cancel(&mut self) {
        if let Some(timer) = self.timer.take() {
            // `try_with`: a sleep may be dropped while the thread shuts down.
            let _ = CURRENT.try_with(|current| {
                if let Some(inner) = &*current.borrow() {
                    inner.cancel_timer(timer);
                }
            });
        }
    }
}

impl Drop for Sleep {
    /// A sleep given up before its deadline (its task dropped, a race lost)
    /// takes its timer with it, so the loop does not wait for it.
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn introspection_follows_the_loop_through_its_life() {
        let event_loop = EventLoop::new();
        assert!(!event_loop.is_running() && !event_loop.is_closed());
        assert!(EventLoop::current().is_none());
        let inside = event_loop.block_on(async { EventLoop::current().map(|running| running.is_running()) });
        assert_eq!(inside, Ok(Some(true)));
        assert!(!event_loop.is_running());
        event_loop.close().unwrap();
        assert!(event_loop.is_closed());
        assert_eq!(event_loop.close(), Ok(()), "closing twice does nothing");
    }

    #[test]
    fn a_closed_loop_refuses_work_with_an_error_value() {
        let event_loop = EventLoop::new();
        event_loop.close().unwrap();
        assert_eq!(event_loop.block_on(async { 1 }), Err(LoopError::Closed));
        assert_eq!(event_loop.spawn(async {}).err(), Some(LoopError::Closed));
    }

    #[test]
    fn a_loop_cannot_run_inside_a_loop_nor_close_while_running() {
        let outer = EventLoop::new();
        let (nested, closed) = outer
            .block_on(async {
                let nested = EventLoop::new().block_on(async { 1 });
                let closed = EventLoop::current().unwrap().close();
                (nested, closed)
            })
            .unwrap();
        assert_eq!(nested, Err(LoopError::AlreadyRunning));
        assert_eq!(closed, Err(LoopError::AlreadyRunning));
    }

    #[test]
    fn closing_drops_unfinished_tasks_and_says_so_to_their_handles() {
        let event_loop = EventLoop::new();
        let sleeper = event_loop.spawn(sleep(Duration::from_secs(3600))).unwrap();
        let quick = event_loop.spawn(async { 7 }).unwrap();
        assert_eq!(event_loop.block_on(quick).unwrap(), Ok(7));
        let sleeper_id = sleeper.id();
        event_loop.close().unwrap();
        // The handle can be polled by hand: a finished outcome needs no loop.
        let mut sleeper = pin!(sleeper);
        let outcome = sleeper.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        assert_eq!(outcome, Poll::Ready(Err(JoinError::Cancelled(sleeper_id))));
        assert_eq!(event_loop.stats().cancelled, 1);
    }

    #[test]
    fn a_dropped_sleep_takes_its_timer_with_it() {
        let event_loop = EventLoop::new();
        let finished = event_loop.block_on(async {
            let mut long = pin!(sleep(Duration::from_secs(3600)));
            // One poll sets its timer...
            std::future::poll_fn(|context| {
                let _ = long.as_mut().poll(context);
                Poll::Ready(())
            })
            .await;
            // ...and dropping it removes it: the loop does not wait an hour.
        });
        assert_eq!(finished, Ok(()));
        let stats = event_loop.stats();
        assert_eq!((stats.timers, stats.timers_fired), (1, 0));
    }

    #[test]
    fn a_zero_sleep_is_ready_at_once_and_sets_no_timer() {
        let event_loop = EventLoop::new();
        event_loop.block_on(sleep(Duration::ZERO)).unwrap();
        assert_eq!(event_loop.stats().timers, 0);
    }
}
