use co_pending_three::ThreeTimes;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A waker that counts how often it was woken.
struct Counting(AtomicUsize);

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn pending_three_times_then_ready_and_wakes_each_time() {
    let counter = Arc::new(Counting(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(ThreeTimes::new());
    for poll in 1..=3 {
        assert_eq!(
            future.as_mut().poll(&mut context),
            Poll::Pending,
            "poll number {poll} should return Pending (three times before Ready)"
        );
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            poll,
            "a future that returns Pending must arrange a wake-up, or no executor polls it again"
        );
    }
    assert_eq!(future.as_mut().poll(&mut context), Poll::Ready(42), "the fourth poll should be Ready(42)");
}
