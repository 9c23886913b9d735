//! A generator by hand: an iterator whose state is a field.
//! Chapter: docs/en/coroutine.md, section "2. `generator`: a function that pauses and keeps its locals".

/// Yields `from`, `from - 1`, …, 1, then ends.
pub struct Countdown {
    next: u32,
}

impl Countdown {
    /// A countdown that starts at `from`.
    pub fn from(from: u32) -> Countdown {
        Countdown { next: from }
    }
}

impl Iterator for Countdown {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        // TODO: a Python generator keeps its locals between `yield`s; here the
        // struct's field is the local. Return `None` at 0, and move the field
        // on, so the next call resumes where this one paused.
        Some(self.next)
    }
}
