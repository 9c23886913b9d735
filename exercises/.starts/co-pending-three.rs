//! A future written by hand: no `async`, just `poll`.
//! Chapter: docs/en/coroutine.md, section "3. `hand-polled`: a future, polled by hand".

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is not ready the first three times it is polled, and
/// then is ready with 42.
pub struct ThreeTimes {
    polls: u32,
}

impl ThreeTimes {
    /// A fresh future, never polled.
    pub fn new() -> ThreeTimes {
        ThreeTimes { polls: 0 }
    }
}

impl Default for ThreeTimes {
    fn default() -> ThreeTimes {
        ThreeTimes::new()
    }
}

impl Future for ThreeTimes {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<u32> {
        // TODO: count the polls; return `Poll::Pending` the first three times,
        // and before each, ask to be polled again (`context.waker()`).
        self.polls += 1;
        let _ = context;
        Poll::Ready(42)
    }
}
