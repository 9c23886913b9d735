//! # `send-sync`: what may cross to another thread, and who decides
//!
//! Beyond the seeds. In Python any object can be handed to any thread, and
//! the interpreter's lock (the GIL) keeps only the interpreter itself whole:
//! the races of `race` are yours to find. Rust decides at compile time, with
//! two marker traits the compiler implements by itself:
//!
//! - **`Send`**: a value of this type may be *moved* to another thread;
//! - **`Sync`**: a *reference* to it may be shared by several threads
//!   (`T` is `Sync` when `&T` is `Send`).
//!
//! `thread::spawn` requires its closure, and so everything it captures, to
//! be `Send`. An [`Rc`](std::rc::Rc) counts its owners with a plain
//! integer: two threads cloning it at once could both read 1 and both write
//! 2, and the value would be freed while one of them still uses it. So `Rc`
//! is neither `Send` nor `Sync`, and handing one to a thread does not
//! compile (error E0277, "`Rc<Vec<&str>>` cannot be sent between threads
//! safely"):
//!
//! ```compile_fail,E0277
#![doc = include_str!("../doc/rc_to_thread.rs")]
//! ```
//!
//! An [`Arc`] ("atomically reference counted") counts with an atomic, whose
//! updates never get lost, so the same program with `Arc` in place of `Rc`
//! compiles and runs; the two differ only in that:
//!
//! ```
#![doc = include_str!("../doc/arc_to_thread.rs")]
//! ```
//!
//! An `Arc` shares, it does not let anyone write: to change the shared
//! value, put a `Mutex` inside ([`main`] does both).

use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

use shared::cli::{NoInstantArg, TimelineArg};
use shared::{Failure, Options, println, span};

use crate::{THREADS_ARE_REAL, cannot_start, thread_panicked};

// ANCHOR: arc
/// Three threads read one guest list through an `Arc` and sign one
/// guest book behind an `Arc<Mutex<..>>`; returns the book, sorted.
pub fn main() -> Result<Vec<String>, Failure> {
    let guests = Arc::new(vec!["Ada", "Grace", "Linus"]);
    let book = Arc::new(Mutex::new(Vec::new()));

    // One clone per thread, made here: each thread owns its handle.
    let handles: Vec<_> = (1..=3).map(|_| (Arc::clone(&guests), Arc::clone(&book))).collect();
    println!("before the threads start: {} owners of the list", Arc::strong_count(&guests));

    let mut threads = Vec::new();
    for (number, (guests, book)) in (1..=3).zip(handles) {
        let row = span(number - 1, format!("thread {number}"));
        let reader = move || {
            println!("thread {number} reads {}", guests.join(", "));
            // The lock makes the push one step no other thread comes between.
            book.lock().unwrap_or_else(PoisonError::into_inner).push(format!("signed by thread {number}"));
        }; // `guests` and `book` are dropped with the closure: one owner fewer each
        threads.push(thread::Builder::new().spawn(move || row.in_scope(reader)).map_err(cannot_start)?);
    }
    for thread in threads {
        thread.join().map_err(thread_panicked)?;
    }

    println!("after every join: {} owner of the list", Arc::strong_count(&guests));
    let mut book = book.lock().unwrap_or_else(PoisonError::into_inner).clone();
    book.sort();
    Ok(book)
}
// ANCHOR_END: arc

// ANCHOR: probe
/// Whether `$type` is `Send`, answered by the compiler. An inherent
/// constant wins over a trait's when its bound holds (`T: Send`), and the
/// trait's `false` is found only when it does not: this works for a type
/// written out, not for a generic `T` (the `impls` crate's trick).
macro_rules! is {
    ($marker:ident, $type:ty) => {{
        // One of the two answers is never used, by design: allow it.
        #[allow(dead_code)]
        struct Probe<T: ?Sized>(PhantomData<T>);
        #[allow(dead_code)]
        trait Otherwise {
            const ANSWER: bool = false;
        }
        impl<T: ?Sized> Otherwise for Probe<T> {}
        #[allow(dead_code)]
        impl<T: ?Sized + $marker> Probe<T> {
            const ANSWER: bool = true;
        }
        Probe::<$type>::ANSWER
    }};
}

/// Common types, and whether the compiler lets each cross a thread
/// (`Send`) and be shared by threads (`Sync`).
pub fn markers() -> Vec<(&'static str, bool, bool, &'static str)> {
    vec![
        (
            "Vec<String>",
            is!(Send, Vec<String>),
            is!(Sync, Vec<String>),
            "owned data: moved, or shared read-only",
        ),
        (
            "Rc<Vec<String>>",
            is!(Send, Rc<Vec<String>>),
            is!(Sync, Rc<Vec<String>>),
            "its count is a plain integer",
        ),
        ("Arc<Vec<String>>", is!(Send, Arc<Vec<String>>), is!(Sync, Arc<Vec<String>>), "its count is atomic"),
        ("Cell<u64>", is!(Send, Cell<u64>), is!(Sync, Cell<u64>), "changes through &: one thread at a time"),
        ("RefCell<u64>", is!(Send, RefCell<u64>), is!(Sync, RefCell<u64>), "its borrow flag is not atomic"),
        ("Mutex<u64>", is!(Send, Mutex<u64>), is!(Sync, Mutex<u64>), "the lock makes &Mutex safe to share"),
        (
            "Arc<Mutex<u64>>",
            is!(Send, Arc<Mutex<u64>>),
            is!(Sync, Arc<Mutex<u64>>),
            "shared, and changed under the lock",
        ),
        (
            "Arc<RefCell<u64>>",
            is!(Send, Arc<RefCell<u64>>),
            is!(Sync, Arc<RefCell<u64>>),
            "Arc<T> is Send only if T is Sync",
        ),
    ]
}
// ANCHOR_END: probe

/// Flags of `send-sync`.
#[derive(clap::Args, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// `yes` or `no`.
fn yes_no(answer: bool) -> &'static str {
    if answer { "yes" } else { "no" }
}

/// Runs the example: the `Arc` version, then the compiler's table.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse(THREADS_ARE_REAL) {
        return code;
    }
    shared::run_blocking(Options::new().timeline(args.timeline), || {
        println!("An Rc cannot cross to another thread: `thread::spawn` refuses it (error E0277).");
        println!("An Arc can:");
        for line in main()? {
            println!("  the book: {line}");
        }
        println!();
        println!("What the compiler lets cross (Send) and be shared (Sync):");
        println!("  {:<18} {:<5} {:<5} why", "type", "Send", "Sync");
        for (name, send, sync, why) in markers() {
            println!("  {name:<18} {:<5} {:<5} {why}", yes_no(send), yes_no(sync));
        }
        Ok(())
    })
}
