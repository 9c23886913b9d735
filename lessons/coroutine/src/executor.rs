//! # The home-made event loop: an executor and a timer, std only
//!
//! What `event-loop` runs its tasks on: the course's own mini-tokio, with no
//! dependency and no `unsafe`. Python calls this the *event loop*; Rust
//! calls the part that polls tasks an *executor*, and an executor together
//! with its timers and IO a *runtime*. This one has a timer and no IO, which
//! is all `count()` needs.
//!
//! It comes in two layers, so that the idea can be read in one sitting:
//!
//! - **The core** ([`executor/core.rs`](core)): the task table, the ready
//!   queue, the wakers ([`std::task::Wake`]), the timer heap, `spawn` and
//!   `block_on`. That is the whole of what decides which task runs when.
//! - **This file** wraps it into what a program needs: [`EventLoop`] with
//!   Python's `asyncio.run` lifecycle (`block_on`, `close`, `is_running`,
//!   `is_closed`, [`EventLoop::current`]), [`spawn`] from inside a task with
//!   a [`JoinHandle`] to await, a task's panic caught and reported instead of
//!   ending the loop, [`sleep`] (the future that uses the timer heap), and
//!   the [`Stats`] that `event-loop` prints and the tests check.
//!
//! How it works, in the order things happen:
//!
//! 1. [`EventLoop::spawn`] (or [`spawn`] from inside a task) wraps a future
//!    so that its output (or its panic) reaches its [`JoinHandle`], and
//!    gives it to the core, which boxes it as a **task** with a number and a
//!    waker, and puts the number in the **ready queue**. Nothing of the
//!    future runs yet.
//! 2. [`EventLoop::block_on`] is the loop. Each turn it polls every task in
//!    the ready queue once (the future it was given is woken and queued like
//!    a task), then fires the timers that are due. A task that returns
//!    `Pending` is put back in the task table, and is polled again only when
//!    something *wakes* it.
//! 3. A **waker** is the task's number and a handle on the ready queue:
//!    waking it puts the number back in the queue (once, however many times
//!    it is woken before it runs) and unparks the loop's thread, so it works
//!    from any thread.
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
use std::fmt;
use std::future::{Future, poll_fn};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

pub mod core;

pub use self::core::TaskId;
use self::core::{Core, Event};

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

/// A single-threaded event loop: the [`core`] with a lifecycle,
/// join handles, caught panics and counters.
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
    /// What polls the tasks and fires the timers.
    core: Core,
    /// What the loop counted, except wake-ups. Shared with the core, which
    /// reports fired timers and idle time, and with every task, which
    /// counts its polls and its end.
    stats: Rc<RefCell<Stats>>,
    /// `wake` calls on tasks' wakers, from any thread ([`Stats::wakeups`]).
    wakeups: Arc<AtomicU64>,
    /// Whether `block_on` is running (Python's `loop.is_running()`).
    running: Cell<bool>,
    /// Whether `close` was called (Python's `loop.is_closed()`).
    closed: Cell<bool>,
}

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
        let stats = self.stats();
        f.debug_struct("EventLoop")
            .field("running", &self.is_running())
            .field("closed", &self.is_closed())
            .field("tasks", &(stats.spawned - stats.finished - stats.panicked - stats.cancelled))
            .finish()
    }
}

impl EventLoop {
    /// A new loop, on this thread, with nothing to run (Python's
    /// `asyncio.new_event_loop()`).
    pub fn new() -> EventLoop {
        let stats = Rc::new(RefCell::new(Stats::default()));
        let counted = Rc::clone(&stats);
        let core = Core::new(move |event| {
            let mut stats = counted.borrow_mut();
            match event {
                Event::TimersFired(timers) => stats.timers_fired += timers as u64,
                Event::Parked(idle) => {
                    stats.parks += 1;
                    stats.idle += idle;
                }
            }
        });
        let inner = Inner {
            core,
            stats,
            wakeups: Arc::new(AtomicU64::new(0)),
            running: Cell::new(false),
            closed: Cell::new(false),
        };
        EventLoop { inner: Rc::new(inner) }
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
        stats.wakeups = self.inner.wakeups.load(Ordering::Relaxed);
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
        let mut future = pin!(future);
        let counted = poll_fn(|context| {
            self.inner.stats.borrow_mut().main_polls += 1;
            future.as_mut().poll(context)
        });
        Ok(self.inner.core.block_on(counted))
    }

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
        let dropped = self.inner.core.drop_tasks(); // each tells its handle, see `Unfinished`
        self.inner.stats.borrow_mut().cancelled += dropped as u64;
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
        let _running = CURRENT.with(|current| current.borrow_mut().take()); // dropped after the borrow
        self.inner.running.set(false);
    }
}

impl Inner {
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let slot = Rc::new(RefCell::new(JoinSlot::Waiting(None)));
        let unfinished = Unfinished(Rc::clone(&slot));
        let task =
            self.core.spawn(tracked(future, unfinished, Rc::clone(&self.stats), Arc::clone(&self.wakeups)));
        self.stats.borrow_mut().spawned += 1;
        JoinHandle { task, slot }
    }

    /// Counts a timer set by a [`Sleep`]: `waiting` timers now, `asked` from now.
    fn count_timer(&self, waiting: usize, asked: Duration) {
        let mut stats = self.stats.borrow_mut();
        stats.timers += 1;
        stats.most_timers_at_once = stats.most_timers_at_once.max(waiting as u64);
        stats.sleep_asked = stats.sleep_asked.saturating_add(asked);
    }
}

// ANCHOR: tracked
/// `future` as the loop runs it: each poll counted, with a waker that counts
/// its wake-ups; a panic caught and turned into an `Err` for its
/// [`JoinHandle`], where the core would let it end the whole loop; its
/// output left for the handle.
async fn tracked<F: Future>(
    future: F,
    slot: Unfinished<F::Output>,
    stats: Rc<RefCell<Stats>>,
    wakeups: Arc<AtomicU64>,
) {
    // Pinned here, in the task's own state, and in an `Option` so that it
    // can be dropped as soon as it is done, as `.await` drops what it awaited.
    let mut future = pin!(Some(future));
    let mut waker = None;
    let outcome = poll_fn(|context| {
        stats.borrow_mut().polls += 1;
        let waker = waker.get_or_insert_with(|| {
            let counting = CountingWaker { waker: context.waker().clone(), wakeups: Arc::clone(&wakeups) };
            Waker::from(Arc::new(counting))
        });
        // `AssertUnwindSafe`: after a panic the only state that could be
        // half-updated is the task's own future, and it is dropped at once,
        // unseen.
        let polled = catch_unwind(AssertUnwindSafe(|| {
            let running = future.as_mut().as_pin_mut().expect("a task is not polled after its end");
            let poll = running.poll(&mut Context::from_waker(waker));
            if poll.is_ready() {
                future.set(None);
            }
            poll
        }));
        match polled {
            Ok(poll) => poll.map(Ok),
            Err(panic) => {
                // Dropping what is left of it may panic too; that is caught
                // the same way.
                let _ = catch_unwind(AssertUnwindSafe(|| future.set(None)));
                Poll::Ready(Err(panic_message(&*panic)))
            }
        }
    })
    .await;
    match outcome {
        Ok(_) => stats.borrow_mut().finished += 1,
        Err(_) => stats.borrow_mut().panicked += 1,
    }
    JoinSlot::finish(&slot.0, outcome.map_err(Lost::Panicked));
}
// ANCHOR_END: tracked

/// A task's waker as the task sees it: the core's, counting its wake-ups.
struct CountingWaker {
    /// The core's waker of the task.
    waker: Waker,
    /// The loop's count ([`Stats::wakeups`]).
    wakeups: Arc<AtomicU64>,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakeups.fetch_add(1, Ordering::Relaxed);
        self.waker.wake_by_ref();
    }
}

/// The [`JoinSlot`] of a task that may yet be dropped unfinished, when its
/// loop is closed: then its handle hears so. Part of the task, it is
/// dropped with it, whether the task was polled or not.
struct Unfinished<T>(Rc<RefCell<JoinSlot<T>>>);

impl<T> Drop for Unfinished<T> {
    fn drop(&mut self) {
        if matches!(*self.0.borrow(), JoinSlot::Waiting(_)) {
            JoinSlot::finish(&self.0, Err(Lost::Cancelled));
        }
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
    Done(Result<T, Lost>),
    /// Taken by the handle.
    Taken,
}

/// Why a task left no output (its handle adds the task's number: a
/// [`JoinError`]).
enum Lost {
    /// It panicked, with this message.
    Panicked(String),
    /// Its loop was closed first.
    Cancelled,
}

impl<T> JoinSlot<T> {
    /// Leaves `outcome` and wakes whoever waits for it.
    fn finish(slot: &RefCell<JoinSlot<T>>, outcome: Result<T, Lost>) {
        let previous = std::mem::replace(&mut *slot.borrow_mut(), JoinSlot::Done(outcome));
        if let JoinSlot::Waiting(Some(waiter)) = previous {
            waiter.wake();
        }
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Self::Output> {
        let task = self.task;
        let mut slot = self.slot.borrow_mut();
        match std::mem::replace(&mut *slot, JoinSlot::Taken) {
            JoinSlot::Done(outcome) => Poll::Ready(outcome.map_err(|lost| match lost {
                Lost::Panicked(message) => JoinError::Panicked { task, message },
                Lost::Cancelled => JoinError::Cancelled(task),
            })),
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
/// When polled outside a running [`EventLoop`] (on tokio, say): a timer
/// belongs to the loop that fires it, and there is none here. (tokio's
/// sleep panics earlier, when called outside a tokio runtime.)
pub fn sleep(duration: Duration) -> Sleep {
    Sleep { duration, deadline: None, timer: None }
}

/// Waits until `deadline` on the loop's timer (`tokio::time::sleep_until`):
/// for a schedule, where sleeps must not add up their delays.
///
/// # Panics
///
/// As [`sleep`]: when polled outside a running [`EventLoop`].
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { duration: Duration::ZERO, deadline: Some(deadline), timer: None }
}

/// The future of [`sleep`] and [`sleep_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    /// How long, from the first poll, when made by [`sleep`].
    duration: Duration,
    /// Until when: fixed by the first poll, or by [`sleep_until`].
    deadline: Option<Instant>,
    /// Its timer's number once set: polled again before the deadline, it
    /// gives that timer its new waker instead of setting another.
    timer: Option<u64>,
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
        let duration = this.duration;
        // The first poll fixes the deadline.
        let deadline =
            *this.deadline.get_or_insert_with(|| now.checked_add(duration).unwrap_or(now + FAR_FUTURE));
        if now >= deadline {
            this.cancel();
            return Poll::Ready(());
        }
        let inner = CURRENT.with(|current| current.borrow().clone()).expect(
            "executor::sleep polled outside a running EventLoop: a timer belongs to the loop that fires it \
             (on tokio, await tokio::time::sleep)",
        );
        if let Some(timer) = this.timer
            && inner.core.reset_timer(timer, context.waker())
        {
            return Poll::Pending; // its timer is set already
        }
        let (timer, waiting) = inner.core.set_timer(deadline, context.waker());
        this.timer = Some(timer);
        inner.count_timer(waiting, deadline - now);
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
                    inner.core.cancel_timer(timer);
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
    fn a_waker_kept_from_an_earlier_block_on_does_not_poll_the_next_main_future() {
        let event_loop = EventLoop::new();
        let mut kept = None;
        event_loop
            .block_on(poll_fn(|context| {
                kept = Some(context.waker().clone());
                Poll::Ready(())
            }))
            .unwrap();
        kept.unwrap().wake(); // its future is done: this wakes nothing
        event_loop.block_on(sleep(Duration::from_millis(1))).unwrap();
        // One poll for the first future; two for the sleep: before and after its timer.
        assert_eq!(event_loop.stats().main_polls, 3);
    }

    #[test]
    fn a_zero_sleep_is_ready_at_once_and_sets_no_timer() {
        let event_loop = EventLoop::new();
        event_loop.block_on(sleep(Duration::ZERO)).unwrap();
        assert_eq!(event_loop.stats().timers, 0);
    }
}
