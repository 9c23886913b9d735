//! The data of the lesson, and the function every method runs on it.
//!
//! Seed 003 §4's problem: a table of rows of five integers from 0 to 9; for
//! each row, count how many of its numbers lie in `[minimum, maximum]`
//! (`[4, 8]` in every example).
//!
//! ## The table, and the contract other lessons rely on
//!
//! Row `r` of the table for seed `s` is drawn by the generator
//! [`shared::random::rng`]`(s, r / BLOCK_ROWS)` as its `(r % BLOCK_ROWS)`-th
//! row, each row being five draws of `random_range(0..10)` in order. So:
//!
//! - the table never depends on `--workers`, on scheduling, or on how many
//!   rows were asked for: the first 1,000 rows of a 20,000,000-row table are
//!   the 1,000-row table;
//! - any slice can be made on its own, on any machine, from the seed and its
//!   row numbers ([`rows`]): the `distributed` lesson sends workers a seed and
//!   a range of rows instead of the rows themselves;
//! - blocks can be generated in parallel ([`generate`] does), with the same
//!   result as one thread.
//!
//! Changing [`BLOCK_ROWS`], the draws or their order changes every table of
//! every lesson that uses this module; a test pins the first rows of seed 444.
//!
//! The Python original fills its table with `np.random.randint(0, 10, size=
//! [200000, 5])` after calling `np.random.RandomState(100)`, which makes a
//! seeded generator and throws it away: the global one that `randint` uses
//! stays unseeded, so every run counts different data.
//!
//! ## Why bytes
//!
//! A number from 0 to 9 fits a byte, and so does a count from 0 to 5. A row
//! is `[u8; 5]`, five bytes side by side; the table is one contiguous block
//! of memory, 1 MB for 200,000 rows. Python's list of lists holds each
//! number as a pointer to an integer object: some 100 bytes a row.

use std::ops::Range;

use rand::RngExt;
use rayon::prelude::*;

/// Numbers in a row.
pub const ROW_LEN: usize = 5;

/// One row of the table: five numbers from 0 to 9.
pub type Row = [u8; ROW_LEN];

/// Rows drawn from one generator; the unit of the contract above.
pub const BLOCK_ROWS: usize = 4096;

/// The range of the original: `[4, 8]`.
pub const MINIMUM: u8 = 4;
/// See [`MINIMUM`].
pub const MAXIMUM: u8 = 8;

// ANCHOR: howmany
/// `howmany_within_range(row, minimum, maximum)`: how many numbers of `row`
/// lie in `[minimum, maximum]`. (A row is five bytes: it is passed by value,
/// like any small `Copy` value.)
pub fn howmany_within_range(row: Row, minimum: u8, maximum: u8) -> u8 {
    let mut count = 0;
    for n in row {
        if minimum <= n && n <= maximum {
            count += 1;
        }
    }
    count
}
// ANCHOR_END: howmany

/// The rows numbered `range` of the table for `seed` (see the module docs):
/// the same rows whether made alone or as part of a larger table.
pub fn rows(seed: u64, range: Range<usize>) -> Vec<Row> {
    let mut rows = vec![[0; ROW_LEN]; range.len()];
    fill(seed, range.start, &mut rows);
    rows
}

/// The whole table of `count` rows for `seed`, its blocks drawn in parallel
/// on rayon's threads (same rows as drawn on one).
pub fn generate(seed: u64, count: usize) -> Vec<Row> {
    let mut rows = vec![[0; ROW_LEN]; count];
    rows.par_chunks_mut(BLOCK_ROWS)
        .enumerate()
        .for_each(|(block, rows)| fill(seed, block * BLOCK_ROWS, rows));
    rows
}

/// Fills `rows` with the table's rows numbered from `first` on.
fn fill(seed: u64, first: usize, rows: &mut [Row]) {
    let mut number = first;
    let mut rows = rows.iter_mut();
    while rows.len() > 0 {
        let block = number / BLOCK_ROWS;
        let mut rng = shared::random::rng(seed, block as u64);
        // Skip the rows of this block before `number`: five draws each.
        for _ in 0..(number % BLOCK_ROWS) * ROW_LEN {
            let _: u8 = rng.random_range(0..10);
        }
        let in_block = (BLOCK_ROWS - number % BLOCK_ROWS).min(rows.len());
        for row in rows.by_ref().take(in_block) {
            for n in row.iter_mut() {
                *n = rng.random_range(0..10);
            }
        }
        number += in_block;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_numbers_in_the_range_bounds_included() {
        assert_eq!(howmany_within_range([4, 8, 3, 9, 6], 4, 8), 3);
        assert_eq!(howmany_within_range([0, 1, 2, 3, 9], 4, 8), 0);
        assert_eq!(howmany_within_range([4, 4, 8, 8, 5], 4, 8), 5);
    }

    #[test]
    fn every_slice_is_the_same_rows_as_in_the_whole_table() {
        let whole = generate(7, 3 * BLOCK_ROWS + 5);
        for range in [0..0, 0..1, 5..17, BLOCK_ROWS - 2..BLOCK_ROWS + 3, 2 * BLOCK_ROWS..3 * BLOCK_ROWS + 5] {
            assert_eq!(rows(7, range.clone()), whole[range.clone()], "{range:?}");
        }
        assert_eq!(generate(7, 10), whole[..10]);
    }

    #[test]
    fn the_seed_changes_the_table_and_numbers_stay_in_range() {
        let table = generate(444, 1000);
        assert_ne!(table, generate(445, 1000));
        assert!(table.iter().flatten().all(|&n| n < 10));
        // All ten values appear: the draws are not stuck.
        assert!((0..10).all(|value| table.iter().flatten().any(|&n| n == value)));
    }

    /// The table is part of the course's output and of the `distributed`
    /// lesson's contract: if a dependency update changes these rows, this
    /// test says so before a learner does.
    #[test]
    fn the_first_rows_for_seed_444_are_pinned() {
        assert_eq!(rows(444, 0..3), PINNED);
    }

    const PINNED: [Row; 3] = [[5, 9, 1, 5, 0], [8, 3, 4, 7, 2], [1, 3, 0, 0, 9]];
}
