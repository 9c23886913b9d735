//! Class 1 of issue 15: no example names a winner its measurements do not
//! support. Each example that compares two times runs at its smallest
//! values, where the work is nothing or too short to time, and must say so
//! instead of claiming a speed-up. The wording comes from
//! `shared::compare`, tested there.

mod support;

use support::stdout_of;

/// Words that claim a winner, a ratio or a rate.
const CLAIMS: [&str; 9] = [
    "× as fast",
    "× faster",
    "× shorter",
    "× its speed",
    "Fastest:",
    "Slowest:",
    "the loop's speed",
    "M numbers/s",
    "M items/s",
];

fn assert_no_claim(stdout: &str) {
    for claim in CLAIMS {
        assert!(!stdout.contains(claim), "claims {claim:?}:\n{stdout}");
    }
}

#[test]
fn threading_cpu_below_0_has_nothing_to_compare() {
    let stdout = stdout_of("threading", &["cpu", "--below", "0", "--threads", "2"]);
    assert_no_claim(&stdout);
    assert!(stdout.contains("Nothing to compare"), "{stdout}");
}

#[test]
fn threading_cpu_on_a_tiny_range_is_too_short_to_compare() {
    let stdout = stdout_of("threading", &["cpu", "--below", "100", "--threads", "2"]);
    assert_no_claim(&stdout);
    assert!(stdout.contains("Too short to compare"), "{stdout}");
}

#[test]
fn threading_kitchen_with_one_instant_dish_is_too_short_to_compare() {
    let stdout = stdout_of("threading", &["kitchen", "--dishes", "1", "--dish-ms", "0"]);
    assert_no_claim(&stdout);
    assert!(stdout.contains("Too short to compare"), "{stdout}");
    let none = stdout_of("threading", &["kitchen", "--dishes", "0"]);
    assert_no_claim(&none);
    assert!(none.contains("Nothing to compare"), "{none}");
}

#[test]
fn pool_compare_with_no_rows_names_no_fastest_method() {
    for rows in ["0", "1"] {
        let stdout = stdout_of("pool", &["compare", "--rows", rows, "--workers", "2"]);
        assert_no_claim(&stdout);
        assert!(!stdout.contains("the loop's speed"), "{stdout}");
    }
}

#[test]
fn pool_methods_with_no_rows_claim_no_speed() {
    for example in ["apply", "map", "starmap", "apply-async", "map-async", "starmap-async", "dataframe"] {
        let stdout = stdout_of("pool", &[example, "--rows", "0", "--workers", "2"]);
        assert_no_claim(&stdout);
        assert!(!stdout.contains("the loop's speed"), "{example}:\n{stdout}");
    }
}

#[test]
fn async_io_chess_with_one_board_is_no_shorter() {
    let stdout = stdout_of("async-io", &["chess", "--boards", "1", "--moves", "1"]);
    assert_no_claim(&stdout);
    assert!(stdout.contains("exactly as fast as"), "{stdout}");
}

#[test]
fn async_io_stream_says_how_many_jobs_really_waited_at_once() {
    let stdout = stdout_of("async-io", &["stream", "--items", "3", "--concurrency", "1000", "--instant"]);
    assert!(!stdout.contains("1000 jobs"), "{stdout}");
    assert!(stdout.contains("up to 3 jobs waited at the same time"), "{stdout}");
    let one = stdout_of("async-io", &["stream", "--items", "1", "--instant"]);
    assert_no_claim(&one);
}

#[test]
fn multiprocess_pipe_of_one_number_states_no_rate() {
    let stdout = stdout_of("multiprocess", &["pipe", "--count", "1"]);
    assert_no_claim(&stdout);
    // However long one number took on a busy machine (10 ms once), one
    // number makes no rate.
    assert!(stdout.contains("too few items for a rate"), "{stdout}");
}

#[test]
fn queue_rates_of_no_item_or_one_are_not_stated() {
    for example in ["asyncq", "threads"] {
        let nothing = stdout_of("queue", &[example, "-p", "0", "-c", "1", "--max-sleep", "0", "--quiet"]);
        assert_no_claim(&nothing);
        assert!(nothing.contains("no rate: no items"), "{example}:\n{nothing}");
        let args =
            [example, "-p", "1", "-c", "1", "--items-per-producer", "1", "--max-sleep", "0", "--quiet"];
        let stdout = stdout_of("queue", &args);
        assert_no_claim(&stdout);
        assert!(stdout.contains("too few items for a rate"), "{example}:\n{stdout}");
    }
}
