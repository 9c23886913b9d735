//! `print-name` as a real coroutine, on nightly Rust only: the `Coroutine`
//! trait and `yield` are unstable. The stable port is `src/print_name.rs`,
//! which writes out the state machine this compiles to.
//!
//!     rustup toolchain install nightly
//!     rustc +nightly --edition 2024 lessons/coroutine/nightly/print_name.rs -o /tmp/print_name
//!     /tmp/print_name
//!
//! `cargo test -p coroutine --test nightly -- --ignored` does the same and
//! checks the output.

#![feature(coroutines, coroutine_trait, stmt_expr_attributes)]

use std::ops::Coroutine;
use std::pin::pin;

// ANCHOR: nightly
/// What `resume` can bring to the `yield`: Python's three ways in.
enum Resume {
    Next,
    Send(String),
    Close,
}

fn main() {
    let prefix = String::from("Dear");
    let mut corou = pin!(
        #[coroutine]
        move |_: Resume| {
            // The first resume's value arrives here, not at a `yield`: it is
            // `next(corou)`, and like Python's it carries nothing to use.
            println!("Searching prefix:{prefix}");
            loop {
                let resumed: Resume = yield; // `name = (yield)`
                match resumed {
                    Resume::Send(name) if name.contains(prefix.as_str()) => println!("{name}"),
                    Resume::Send(_) | Resume::Next => {}
                    Resume::Close => {
                        println!("Closing coroutine!!"); // `except GeneratorExit`
                        return;
                    }
                }
            }
        }
    );
    corou.as_mut().resume(Resume::Next); // next(corou): runs to the first `yield`
    corou.as_mut().resume(Resume::Send("James".into()));
    corou.as_mut().resume(Resume::Send("Dear James".into()));
    corou.as_mut().resume(Resume::Close);
}
// ANCHOR_END: nightly
