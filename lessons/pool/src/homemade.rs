//! What a pool *is*: a few threads that take jobs from one queue, built on
//! std threads and channels, with the methods of Python's
//! `multiprocessing.Pool`.
//!
//! | Python | here | what it does |
//! |---|---|---|
//! | `Pool(processes)` | [`Pool::new`] | start the workers |
//! | `pool.apply(f, args)` | [`Pool::apply`] | run `f(*args)` on a worker and wait for it |
//! | `pool.apply_async(f, args, callback)` | [`Pool::apply_async`] | the same, without waiting: `callback` gets the result |
//! | `pool.map(f, items)` | [`Pool::map`] | `f(item)` for every item, in chunks, results in order |
//! | `pool.map_async(f, items)` | [`Pool::map_async`] | the same, returning at once; [`AsyncResult::get`] waits |
//! | `pool.starmap(f, tuples)` | [`Pool::starmap`] | `f(*args)` for every tuple of arguments |
//! | `pool.starmap_async(f, tuples)` | [`Pool::starmap_async`] | the same, returning at once |
//! | `pool.close(); pool.join()` | [`Pool::join`], then drop | wait for every task submitted |
//!
//! Each method is a few lines on top of one: `Pool::submit` puts a job
//! (a boxed closure) in the queue, and the first idle worker takes it. A
//! result comes back through a channel of its own; `map` sends chunks, each
//! of which sends back its results with its chunk number, so that they can
//! be put in order. Python's pool is built the same way, with processes in
//! place of threads and pickled functions in place of closures.
//!
//! **A task that panics** is that task's error ([`TaskError`]): the worker
//! catches the panic (`std::panic::catch_unwind`), reports it to whoever
//! waits for the result, and takes the next job. The pool, its workers and
//! every other result survive. (The panic message is also printed on stderr
//! by Rust's panic hook, as for any panic.)
//!
//! **Why the jobs own their data.** A job may still be in the queue when the
//! call that submitted it returns (`apply_async`, `map_async`), so it cannot
//! borrow from the caller: it takes its arguments by value, and a table
//! shared by many jobs goes in an [`Arc`] (cloning an `Arc` copies a pointer,
//! not the table). Python copies (pickles) every argument to the worker
//! process instead. rayon's `scope`, which waits before returning, lets jobs
//! borrow.

use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;

/// A job in the queue: any closure a worker can run once.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A task that did not return a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskError {
    /// Which task: the chunk's number for the `map` family; 0 for `apply`
    /// and `apply_async`, whose caller knows which task it submitted.
    pub task: usize,
    /// The panic's message, or why the result never came.
    pub message: String,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task {} failed: {}", self.task, self.message)
    }
}

impl std::error::Error for TaskError {}

/// A function called with a tuple of arguments spread out: `f.call((a, b))`
/// is `f(a, b)`. Python's `f(*args)`, which `apply` and `starmap` need;
/// implemented for functions of one to four arguments.
pub trait Call<Args> {
    /// What the function returns.
    type Output;
    /// `self(args.0, args.1, …)`.
    fn call(&self, args: Args) -> Self::Output;
}

macro_rules! impl_call {
    ($($arg:ident $value:ident),*) => {
        impl<Func, Out, $($arg),*> Call<($($arg,)*)> for Func
        where
            Func: Fn($($arg),*) -> Out,
        {
            type Output = Out;
            fn call(&self, ($($value,)*): ($($arg,)*)) -> Out {
                self($($value),*)
            }
        }
    };
}
impl_call!();
impl_call!(A a);
impl_call!(A a, B b);
impl_call!(A a, B b, C c);
impl_call!(A a, B b, C c, D d);

/// Counts of tasks submitted and finished, and a way to wait for the two
/// to meet ([`Pool::join`]).
#[derive(Debug, Default)]
struct Tally {
    submitted: AtomicU64,
    finished: AtomicU64,
    /// Held only to wait on `all_done` without missing a wake-up.
    lock: Mutex<()>,
    all_done: Condvar,
}

/// A pool of worker threads with the methods of Python's `multiprocessing.Pool`.
#[derive(Debug)]
pub struct Pool {
    /// The queue's sending end; `None` once the pool is being dropped.
    jobs: Option<mpsc::Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
    tally: Arc<Tally>,
}

impl Pool {
    /// Starts `workers` threads (at least one), waiting for jobs; an error
    /// if the system refuses to start a thread.
    ///
    /// With `--timeline`, each job a worker runs is a bar on the chart, on
    /// row `1 + worker number`, labelled `worker`.
    pub fn new(workers: usize) -> std::io::Result<Pool> {
        let (sender, receiver) = mpsc::channel::<Job>();
        // std's `Receiver` has one owner; the workers share it behind a lock.
        let receiver = Arc::new(Mutex::new(receiver));
        let tally = Arc::new(Tally::default());
        // The chart of the thread that makes the pool, for its workers' bars.
        let recorder = shared::timeline::current();
        let workers = (0..workers.max(1))
            .map(|number| {
                let receiver = Arc::clone(&receiver);
                let tally = Arc::clone(&tally);
                let recorder = recorder.clone();
                std::thread::Builder::new().name(format!("pool-worker-{}", number + 1)).spawn(move || {
                    let _chart = shared::timeline::install(recorder);
                    worker(number + 1, &receiver, &tally);
                })
            })
            .collect::<std::io::Result<_>>()?;
        Ok(Pool { jobs: Some(sender), workers, tally })
    }

    /// How many worker threads the pool has.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    // ANCHOR: submit
    /// Puts `job` in the queue; the first idle worker takes it.
    fn submit(&self, job: Job) {
        self.tally.submitted.fetch_add(1, Ordering::SeqCst);
        // The workers hold the receiver until the pool is dropped, and a
        // worker never dies (it catches panics): the send cannot fail.
        let jobs = self.jobs.as_ref().expect("the queue is open until the pool is dropped");
        jobs.send(job).expect("the workers live as long as the pool");
    }
    // ANCHOR_END: submit

    /// How many tasks (jobs) the pool has finished since it started: a
    /// progress bar reads it from another thread.
    pub fn finished_tasks(&self) -> impl Fn() -> u64 + Send + 'static {
        let tally = Arc::clone(&self.tally);
        move || tally.finished.load(Ordering::Relaxed)
    }

    // ANCHOR: apply
    /// `pool.apply_async(f, args, callback)`: runs `f(*args)` on a worker
    /// and returns at once; when the task ends, `callback` gets its result on
    /// the worker's thread, or the task's error if it panicked (Python calls
    /// `error_callback` then, and nothing at all if none was given).
    pub fn apply_async<F, A, R, C>(&self, f: F, args: A, callback: C)
    where
        F: Call<A, Output = R> + Send + 'static,
        A: Send + 'static,
        C: FnOnce(Result<R, TaskError>) + Send + 'static,
    {
        self.submit(Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(|| f.call(args)))
                .map_err(|panic| TaskError { task: 0, message: panic_message(&*panic) });
            callback(result);
        }));
    }

    /// `pool.apply(f, args)`: runs `f(*args)` on a worker and waits for the
    /// result. One task, one round trip: see the `apply` example for what
    /// that costs.
    pub fn apply<F, A, R>(&self, f: F, args: A) -> Result<R, TaskError>
    where
        F: Call<A, Output = R> + Send + 'static,
        A: Send + 'static,
        R: Send + 'static,
    {
        let (sender, receiver) = mpsc::sync_channel(1);
        self.apply_async(f, args, move |result| {
            let _ = sender.send(result);
        });
        receiver.recv().unwrap_or_else(|_| Err(lost(0)))
    }
    // ANCHOR_END: apply

    // ANCHOR: map_async
    /// `pool.map_async(f, items)`: submits `f(item)` for every item, in
    /// chunks, and returns at once; [`AsyncResult::get`] waits for the
    /// results, in the order of the items.
    ///
    /// Chunks are Python's default size: the items split into four chunks
    /// per worker, so that a worker that finishes early takes another chunk.
    pub fn map_async<T, R, F>(&self, f: F, items: &Arc<[T]>) -> AsyncResult<Vec<R>>
    where
        T: Send + Sync + 'static,
        R: Send + 'static,
        F: Fn(&T) -> R + Send + Sync + 'static,
    {
        let chunk_size = default_chunk_size(items.len(), self.workers());
        let chunks = items.len().div_ceil(chunk_size);
        let f = Arc::new(f);
        let (sender, receiver) = mpsc::channel();
        for chunk in 0..chunks {
            let (items, f, sender) = (Arc::clone(items), Arc::clone(&f), sender.clone());
            self.submit(Box::new(move || {
                let range = chunk * chunk_size..((chunk + 1) * chunk_size).min(items.len());
                let results = catch_unwind(AssertUnwindSafe(|| items[range].iter().map(&*f).collect()))
                    .map_err(|panic| TaskError { task: chunk, message: panic_message(&*panic) });
                let _ = sender.send((chunk, results));
            }));
        }
        let items = items.len();
        AsyncResult { wait: Box::new(move || collect_chunks(&receiver, chunks, items)) }
    }
    // ANCHOR_END: map_async

    /// `pool.map(f, items)`: [`Pool::map_async`], then wait (Python's `map`
    /// is written the same way).
    pub fn map<T, R, F>(&self, f: F, items: &Arc<[T]>) -> Result<Vec<R>, TaskError>
    where
        T: Send + Sync + 'static,
        R: Send + 'static,
        F: Fn(&T) -> R + Send + Sync + 'static,
    {
        self.map_async(f, items).get()
    }

    /// `pool.starmap_async(f, tuples)`: like `map_async`, but each item is a
    /// tuple of arguments, spread out into `f`'s parameters.
    pub fn starmap_async<A, R, F>(&self, f: F, tuples: &Arc<[A]>) -> AsyncResult<Vec<R>>
    where
        A: Clone + Send + Sync + 'static,
        R: Send + 'static,
        F: Call<A, Output = R> + Send + Sync + 'static,
    {
        self.map_async(move |args: &A| f.call(args.clone()), tuples)
    }

    /// `pool.starmap(f, tuples)`: [`Pool::starmap_async`], then wait.
    pub fn starmap<A, R, F>(&self, f: F, tuples: &Arc<[A]>) -> Result<Vec<R>, TaskError>
    where
        A: Clone + Send + Sync + 'static,
        R: Send + 'static,
        F: Call<A, Output = R> + Send + Sync + 'static,
    {
        self.starmap_async(f, tuples).get()
    }

    /// Waits until every task submitted so far has finished, its callback
    /// included.
    ///
    /// Python's `join` needs `close()` first and ends the pool; this one
    /// leaves the pool open for more work. Dropping the pool closes it: the
    /// workers finish the queue and exit, and the drop waits for them.
    pub fn join(&self) {
        let tally = &*self.tally;
        let mut guard = tally.lock.lock().unwrap_or_else(PoisonError::into_inner);
        while tally.finished.load(Ordering::SeqCst) < tally.submitted.load(Ordering::SeqCst) {
            guard = tally.all_done.wait(guard).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the queue ends each worker's loop once the queue is empty.
        drop(self.jobs.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

// ANCHOR: worker
/// One worker: take a job, run it, again, until the queue is closed.
fn worker(number: usize, receiver: &Mutex<mpsc::Receiver<Job>>, tally: &Tally) {
    loop {
        // The lock is held while waiting for a job, never while running one.
        let job = match receiver.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(mpsc::RecvError) => return, // the pool was dropped
        };
        // A job catches its task's panics; this catches a panicking callback,
        // so that nothing can take a worker down.
        let _ = shared::span(number, "worker").in_scope(|| catch_unwind(AssertUnwindSafe(job)));
        let finished = tally.finished.fetch_add(1, Ordering::SeqCst) + 1;
        if finished == tally.submitted.load(Ordering::SeqCst) {
            // Taking the lock orders this wake-up after `join`'s check.
            drop(tally.lock.lock().unwrap_or_else(PoisonError::into_inner));
            tally.all_done.notify_all();
        }
    }
}
// ANCHOR_END: worker

/// What `map_async` returns: the results, once they are all in.
pub struct AsyncResult<T> {
    wait: Box<dyn FnOnce() -> Result<T, TaskError> + Send>,
}

impl<T> AsyncResult<T> {
    /// `.get()`: waits for every task of the call; their results, or the
    /// first failed task's error.
    pub fn get(self) -> Result<T, TaskError> {
        (self.wait)()
    }
}

impl<T> fmt::Debug for AsyncResult<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AsyncResult { .. }")
    }
}

/// Python's default `chunksize` for `map`: `ceil(items / (4 × workers))`.
pub fn default_chunk_size(items: usize, workers: usize) -> usize {
    items.div_ceil(4 * workers.max(1)).max(1)
}

/// Receives `chunks` chunks of results, `items` in all, in any order, and
/// puts them in order. Each chunk is copied into place as soon as every chunk
/// before it is in, while the workers still count the later ones: only the
/// last chunks' copying is left for after the workers are done.
fn collect_chunks<R>(
    receiver: &mpsc::Receiver<(usize, Result<Vec<R>, TaskError>)>,
    chunks: usize,
    items: usize,
) -> Result<Vec<R>, TaskError> {
    let mut results = Vec::with_capacity(items);
    let mut early: Vec<Option<Vec<R>>> = (0..chunks).map(|_| None).collect();
    let mut next = 0; // the first chunk not yet in `results`
    let mut first_error: Option<TaskError> = None;
    for _ in 0..chunks {
        match receiver.recv() {
            Ok((chunk, Ok(part))) => {
                early[chunk] = Some(part);
                while let Some(part) = early.get_mut(next).and_then(Option::take) {
                    results.extend(part);
                    next += 1;
                }
            }
            Ok((_, Err(error))) => {
                if first_error.as_ref().is_none_or(|first| error.task < first.task) {
                    first_error = Some(error);
                }
            }
            Err(mpsc::RecvError) => break, // a chunk's sender was dropped unsent
        }
    }
    match first_error {
        Some(error) => Err(error),
        None if next < chunks => Err(lost(next)),
        None => Ok(results),
    }
}

fn lost(task: usize) -> TaskError {
    TaskError { task, message: "its result never came back".into() }
}

/// The message a panic was raised with (`panic!("…")` gives a `&str` or a
/// `String`; anything else is described as such).
fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(message) = panic.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = panic.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic without a message".into()
    }
}
