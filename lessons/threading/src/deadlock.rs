//! # `deadlock`: two locks, taken in opposite orders
//!
//! Ports the second of seed 004's "Challenges of Multithreading": "threads
//! waiting for each other to release resources can create deadlocks, where
//! no thread can proceed". The seed says it in a sentence; here it happens.
//!
//! Two accounts, each balance behind its own `Mutex`. A transfer holds both
//! locks while it moves the money. Thread 1 moves 30 from account 1 to
//! account 2 while thread 2 moves 20 from account 2 to account 1. The naive
//! [`transfer`] locks the account the money leaves first: thread 1 takes
//! account 1 and waits for account 2, thread 2 takes account 2 and waits for
//! account 1, and neither will ever let go.
//!
//! A plain `Mutex::lock` would wait forever, and std has no lock with a
//! time limit. So the threads lock through [`Watched::lock`]: `try_lock`
//! again and again, telling a watchdog (the main thread) what they hold and
//! what they wait for. When nothing has happened for [`PATIENCE`], the
//! watchdog looks for a cycle in "who waits for whom", reports it, and tells
//! one thread of the cycle to back off: that thread lets go of its lock, the
//! other finishes, and the backed-off transfer is done again afterwards.
//! Then [`transfer_in_order`], the fix, runs the same two transfers to
//! completion: every thread locks the lower account number first, so no
//! thread can hold one lock while waiting for a lock that is before it in
//! the order, and no cycle can form.

use std::cell::Cell;
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::thread;
use std::time::Duration;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::interrupt::Stage;
use shared::timing::{Stopwatch, seconds};
use shared::{Failure, Options, println, span};

use crate::{THREADS_ARE_REAL, cannot_start, thread_panicked};

// ANCHOR: transfer
/// Moves `amount` from one account to the other, holding both locks.
///
/// WRONG: it locks `from`, then `to`. Run `transfer(1 → 2)` and
/// `transfer(2 → 1)` at once, and each thread can take its first lock and
/// then wait forever for the one the other holds.
pub fn transfer(from: &Account, to: &Account, amount: i64, locks: &Watched) -> Result<(), BackedOff> {
    let mut source = locks.lock(from)?;
    locks.pause(); // between the two locks: where the other thread gets in
    let mut target = locks.lock(to)?; // WRONG: another thread may hold `to` and wait for `from`
    *source -= amount;
    *target += amount;
    Ok(())
}
// ANCHOR_END: transfer

// ANCHOR: fix
/// The fix: one lock order for every thread. Whichever way the money goes,
/// the lower account number is locked first.
pub fn transfer_in_order(
    from: &Account,
    to: &Account,
    amount: i64,
    locks: &Watched,
) -> Result<(), BackedOff> {
    let (mut source, mut target);
    if from.number < to.number {
        source = locks.lock(from)?;
        locks.pause();
        target = locks.lock(to)?;
    } else {
        target = locks.lock(to)?; // New: the lower number first, even though the money goes there
        locks.pause();
        source = locks.lock(from)?;
    }
    *source -= amount;
    *target += amount;
    Ok(())
}
// ANCHOR_END: fix

/// A bank account: its number, and its balance behind a lock.
#[derive(Debug)]
pub struct Account {
    /// The account number, which is also its place in the lock order.
    pub number: u32,
    balance: Mutex<i64>,
}

impl Account {
    /// An account holding `balance`.
    pub fn new(number: u32, balance: i64) -> Account {
        Account { number, balance: Mutex::new(balance) }
    }

    /// The balance now (waits if a transfer holds the lock).
    pub fn balance(&self) -> i64 {
        *self.balance.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How long nothing may happen before the watchdog looks for a deadlock.
pub const PATIENCE: Duration = Duration::from_millis(500);

/// How often a waiting thread tries its lock again.
const RETRY_EVERY: Duration = Duration::from_millis(1);

/// The longest a thread waits at the [`Meeting`]: every thread gets there
/// within microseconds, so this only matters if one could not be started.
const LONGEST_MEETING: Duration = Duration::from_secs(2);

/// Flags of `deadlock`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

// ANCHOR: watched
/// A transfer that gave up its locks because the watchdog told it to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackedOff;

/// What a thread tells the watchdog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The thread could not take the account's lock, and waits for it.
    Waits {
        /// The thread.
        thread: usize,
        /// The account.
        account: u32,
    },
    /// The thread holds the account's lock.
    Holds {
        /// The thread.
        thread: usize,
        /// The account.
        account: u32,
    },
    /// The thread's transfer returned, done or backed off: it holds nothing.
    Ended {
        /// The thread.
        thread: usize,
    },
}

/// One thread's way to its locks, watched: it never blocks for good, and
/// it tells the watchdog what it holds and what it waits for.
#[derive(Debug)]
pub struct Watched<'a> {
    thread: usize,
    events: mpsc::Sender<Event>,
    back_off: Stage,
    meeting: &'a Meeting,
    met: Cell<bool>,
}

impl Watched<'_> {
    /// Locks `account`: tries again every millisecond until the lock is
    /// free, or until the watchdog says to back off.
    pub fn lock<'a>(&self, account: &'a Account) -> Result<MutexGuard<'a, i64>, BackedOff> {
        let mut waiting = false;
        loop {
            let guard = match account.balance.try_lock() {
                Ok(guard) => guard,
                // A thread panicked while holding it; the balance is a whole number still.
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    if !waiting {
                        waiting = true;
                        println!("thread {}: waits for account {}", self.thread, account.number);
                        self.tell(Event::Waits { thread: self.thread, account: account.number });
                        self.arrive(); // waiting for a lock counts as being at the meeting
                    }
                    if self.back_off.wait_timeout(RETRY_EVERY) {
                        println!("thread {}: backs off and lets go of its lock", self.thread);
                        shared::timeline::abandon_current();
                        return Err(BackedOff);
                    }
                    continue;
                }
            };
            println!("thread {}: holds account {}", self.thread, account.number);
            self.tell(Event::Holds { thread: self.thread, account: account.number });
            return Ok(guard);
        }
    }

    /// The moment between two locks. In a real program it is the work done
    /// there, and whether another thread gets in meanwhile is luck; here the
    /// thread waits until every thread has either reached this point or is
    /// waiting for a lock, so the unlucky timing happens on every run.
    pub fn pause(&self) {
        self.arrive();
        self.meeting.wait_for_everyone();
    }

    fn arrive(&self) {
        if !self.met.replace(true) {
            self.meeting.arrive();
        }
    }

    fn tell(&self, event: Event) {
        // The watchdog outlives every transfer; if it is gone, nobody is listening.
        let _ = self.events.send(event);
    }
}

impl Drop for Watched<'_> {
    fn drop(&mut self) {
        self.tell(Event::Ended { thread: self.thread });
    }
}
// ANCHOR_END: watched

/// Where the threads wait for each other between their two locks (see
/// [`Watched::pause`]).
#[derive(Debug)]
pub struct Meeting {
    threads: usize,
    arrived: Mutex<usize>,
    changed: Condvar,
}

impl Meeting {
    /// A meeting of `threads` threads.
    pub fn new(threads: usize) -> Meeting {
        Meeting { threads, arrived: Mutex::new(0), changed: Condvar::new() }
    }

    fn arrive(&self) {
        *self.arrived.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.changed.notify_all();
    }

    /// Opens the meeting for everyone (used when a thread could not start).
    fn open(&self) {
        *self.arrived.lock().unwrap_or_else(PoisonError::into_inner) = self.threads;
        self.changed.notify_all();
    }

    fn wait_for_everyone(&self) {
        let arrived = self.arrived.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self
            .changed
            .wait_timeout_while(arrived, LONGEST_MEETING, |arrived| *arrived < self.threads)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

// ANCHOR: watchdog
/// One thread in a cycle of waiting: it holds one account and waits for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The thread.
    pub thread: usize,
    /// The account whose lock it holds.
    pub holds: u32,
    /// The account whose lock it waits for.
    pub waits_for: u32,
}

/// Who holds which lock and who waits for which, as the threads tell it.
#[derive(Debug, Default)]
pub struct WaitFor {
    holder: HashMap<u32, usize>,
    waiting: HashMap<usize, u32>,
}

impl WaitFor {
    /// Takes in one event.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Waits { thread, account } => _ = self.waiting.insert(thread, account),
            Event::Holds { thread, account } => {
                self.waiting.remove(&thread);
                self.holder.insert(account, thread);
            }
            Event::Ended { thread } => {
                self.waiting.remove(&thread);
                self.holder.retain(|_, holder| *holder != thread);
            }
        }
    }

    /// A cycle of threads each waiting for a lock the next one holds, if
    /// there is one: that is a deadlock. Starts from the lowest thread
    /// number, so the same deadlock is always reported the same way.
    pub fn cycle(&self) -> Option<Vec<Link>> {
        let mut starts: Vec<usize> = self.waiting.keys().copied().collect();
        starts.sort_unstable();
        starts.into_iter().find_map(|start| {
            let mut path: Vec<(usize, u32)> = Vec::new();
            let mut thread = start;
            while path.len() <= self.waiting.len() {
                let waits_for = *self.waiting.get(&thread)?;
                path.push((thread, waits_for));
                thread = *self.holder.get(&waits_for)?;
                if thread == start {
                    // Each thread holds what the one before it waits for.
                    let links = (0..path.len())
                        .map(|i| {
                            let before = path[(i + path.len() - 1) % path.len()];
                            Link { thread: path[i].0, holds: before.1, waits_for: path[i].1 }
                        })
                        .collect();
                    return Some(links);
                }
            }
            None
        })
    }
}

/// The main thread's job while the transfers run: listen to the threads,
/// and when none has done anything for [`PATIENCE`], look for a cycle. If
/// there is one, report it and tell the last thread in it to back off.
/// Returns every deadlock it broke; ends when every thread has ended.
pub fn watchdog(events: mpsc::Receiver<Event>, back_off: &[Stage]) -> Vec<Vec<Link>> {
    let mut table = WaitFor::default();
    let mut broken = Vec::new();
    loop {
        match events.recv_timeout(PATIENCE) {
            Ok(event) => table.apply(event),
            Err(RecvTimeoutError::Disconnected) => return broken, // every thread has ended
            Err(RecvTimeoutError::Timeout) => {
                let Some(cycle) = table.cycle() else { continue }; // slow, not stuck
                println!(
                    "Deadlock: for {} s nothing has moved, and the threads wait in a circle:",
                    seconds(PATIENCE)
                );
                for link in &cycle {
                    println!(
                        "  thread {} holds account {} and waits for account {}",
                        link.thread, link.holds, link.waits_for
                    );
                }
                let victim = cycle.iter().map(|link| link.thread).max().unwrap_or(1);
                println!("Recovery: thread {victim} is told to back off.");
                back_off[victim - 1].trigger();
                broken.push(cycle);
            }
        }
    }
}
// ANCHOR_END: watchdog

/// A transfer function: [`transfer`] or [`transfer_in_order`].
pub type Transfer = fn(&Account, &Account, i64, &Watched) -> Result<(), BackedOff>;

/// What a run of the two transfers did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The deadlocks the watchdog found and broke.
    pub deadlocks: Vec<Vec<Link>>,
    /// The threads (1 and 2) that backed off, and whose transfer was done again after.
    pub retried: Vec<usize>,
}

/// Thread 1 moves 30 from account 1 to account 2 while thread 2 moves 20
/// from account 2 to account 1, both with `transfer`, under the watchdog;
/// then any transfer that backed off is done again, alone.
pub fn two_transfers(accounts: &[Account; 2], transfer: Transfer) -> Result<Outcome, Failure> {
    let [one, two] = accounts;
    let jobs = [(one, two, 30), (two, one, 20)];
    let meeting = Meeting::new(jobs.len());
    let back_off: Vec<Stage> = jobs.iter().map(|_| Stage::new()).collect();
    let (events, heard) = mpsc::channel();
    let mut outcome = Outcome::default();
    let results = thread::scope(|scope| {
        let mut handles = Vec::new();
        for (index, &(from, to, amount)) in jobs.iter().enumerate() {
            let thread = index + 1;
            let row = span(index, format!("{} → {}", from.number, to.number));
            let locks = Watched {
                thread,
                events: events.clone(),
                back_off: back_off[index].clone(),
                meeting: &meeting,
                met: Cell::new(false),
            };
            let started =
                thread::Builder::new().name(format!("thread {thread}")).spawn_scoped(scope, move || {
                    row.in_scope(|| {
                        println!(
                            "thread {thread}: moving {amount} from account {} to account {}",
                            from.number, to.number
                        );
                        let result = transfer(from, to, amount, &locks);
                        if result.is_ok() {
                            println!("thread {thread}: done");
                        }
                        result
                    })
                });
            match started {
                Ok(handle) => handles.push(handle),
                Err(error) => {
                    meeting.open();
                    back_off.iter().for_each(Stage::trigger);
                    return Err(cannot_start(error));
                }
            }
        }
        drop(events); // the threads hold the only senders: when they end, the watchdog does
        outcome.deadlocks = watchdog(heard, &back_off);
        handles
            .into_iter()
            .map(|handle| handle.join().map_err(thread_panicked))
            .collect::<Result<Vec<_>, _>>()
    })?;
    for (index, result) in results.into_iter().enumerate() {
        if result.is_err() {
            let (from, to, amount) = jobs[index];
            let thread = index + 1;
            outcome.retried.push(thread);
            span(index, "retry").in_scope(|| -> Result<(), Failure> {
                let alone = Meeting::new(1);
                let (events, _nobody_listens) = mpsc::channel();
                let locks = Watched {
                    thread,
                    events,
                    back_off: Stage::new(),
                    meeting: &alone,
                    met: Cell::new(false),
                };
                transfer(from, to, amount, &locks)
                    .map_err(|BackedOff| Failure::new("a transfer done alone backed off"))?;
                println!("thread {thread}: done on the second try, alone");
                Ok(())
            })?;
        }
    }
    Ok(outcome)
}

/// Runs `transfer` on fresh accounts in a chart of its own, and prints the
/// balances after.
fn run_one(title: &str, heading: &str, transfer: Transfer) -> Result<Outcome, Failure> {
    let chart = shared::timeline::current().new_chart(title);
    let _chart = shared::timeline::install(chart);
    println!("{heading}:");
    let accounts = [Account::new(1, 100), Account::new(2, 100)];
    let stopwatch = Stopwatch::start();
    let outcome = two_transfers(&accounts, transfer)?;
    let took = seconds(stopwatch.elapsed());
    let [one, two] = accounts.map(|account| account.balance());
    if one + two != 200 {
        return Err(Failure::new(format!("money appeared or vanished: {one} + {two} != 200")));
    }
    println!("Balances: account 1 has {one}, account 2 has {two}; 200 in all, as before. ({took} s)");
    Ok(outcome)
}

/// Runs the example: the deadlock, found and broken; then the fix.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        let wrong = run_one(
            "Opposite lock orders",
            "Each thread locks the account it takes money from first",
            transfer,
        )?;
        if wrong.deadlocks.is_empty() {
            println!("No deadlock this time.");
        }
        println!();
        let fixed = run_one(
            "One lock order",
            "The fix: both threads lock the lower account number, 1, first",
            transfer_in_order,
        )?;
        if fixed.deadlocks.is_empty() {
            println!("No deadlock: with one lock order, both transfers went through.");
        } else {
            return Err(Failure::new("the fixed version deadlocked; that should be impossible"));
        }
        Ok(())
    })
}
