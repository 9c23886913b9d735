//! Two accounts, two locks, transfers in both directions.
//! Chapter: docs/en/threading.md, section "4. `deadlock`: two locks, opposite orders".

use std::sync::Mutex;

/// Accounts, each behind its own lock.
pub struct Bank {
    accounts: Vec<Mutex<i64>>,
}

/// The order in which a transfer from `from` to `to` takes the two locks.
pub fn lock_order(from: usize, to: usize) -> (usize, usize) {
    // One global order: the lower account number first, in both directions.
    (from.min(to), from.max(to))
}

impl Bank {
    /// A bank with these balances.
    pub fn new(balances: &[i64]) -> Bank {
        Bank { accounts: balances.iter().map(|&b| Mutex::new(b)).collect() }
    }

    /// Moves `amount` from one account to the other, holding both locks.
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        let (first, second) = lock_order(from, to);
        let mut first_guard = self.accounts[first].lock().unwrap();
        let mut second_guard = self.accounts[second].lock().unwrap();
        let (source, target) = if first == from {
            (&mut *first_guard, &mut *second_guard)
        } else {
            (&mut *second_guard, &mut *first_guard)
        };
        *source -= amount;
        *target += amount;
    }

    /// The sum of all balances.
    pub fn total(&self) -> i64 {
        self.accounts.iter().map(|a| *a.lock().unwrap()).sum()
    }
}
