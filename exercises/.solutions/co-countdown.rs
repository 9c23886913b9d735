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
        if self.next == 0 {
            return None;
        }
        let current = self.next;
        // The saved state: where the next call resumes.
        self.next -= 1;
        Some(current)
    }
}
