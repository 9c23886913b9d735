//! The examples' code on tokio's paused clock: simulated durations are exact,
//! hours of them run in milliseconds, and the tests read what the examples
//! did (the bars they recorded, the lines they printed) rather than extra
//! values returned for the tests' sake.

use std::path::PathBuf;
use std::time::Duration;

use async_io::{chain, chess, count, input_worker, rand, read_file, stream};
use shared::cli::SeedArg;
use shared::console::Console;
use shared::interrupt::{Pending, TwoStageStop};
use shared::testing::Recording;
use shared::timeline::{Bar, Outcome};
use shared::{Clock, Instrument, span};
use tokio::time::Instant;

fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Row by row, the (start, end) of every bar, in whole seconds.
fn spans_by_row(bars: &[Bar]) -> Vec<(usize, u64, u64)> {
    let mut spans: Vec<_> =
        bars.iter().map(|bar| (bar.row, bar.start.as_secs(), bar.end.as_secs())).collect();
    spans.sort_unstable();
    spans
}

#[tokio::test(start_paused = true)]
async fn three_counters_overlap_their_waits_into_one_second() {
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    count::main().await;
    assert_eq!(started.elapsed(), seconds(1));
    assert_eq!(recording.texts(), ["One", "One", "One", "Two", "Two", "Two"]);
    // Each counter printed its own One and Two, in its own row.
    for row in 0..3 {
        assert_eq!(recording.texts_of(row), ["One", "Two"], "row {row}");
    }
    // `biased;`: the `Two`s come in the counters' order too, as in Python
    // (tokio's default `join!` would start its second round at counter 2).
    let rows: Vec<_> = recording.lines().iter().map(|line| line.row).collect();
    assert_eq!(rows, [0, 1, 2, 0, 1, 2].map(Some));
    assert_eq!(spans_by_row(&recording.bars()), [(0, 0, 1), (1, 0, 1), (2, 0, 1)]);
}

#[tokio::test(start_paused = true)]
async fn spawned_counters_overlap_too_however_many() {
    for counters in [1, 3, 50] {
        let recording = Recording::start(Clock::Virtual);
        let started = Instant::now();
        count::main_many(counters).await.unwrap();
        assert_eq!(started.elapsed(), seconds(1), "{counters} counters");
        assert_eq!(recording.bars().len(), counters as usize);
        assert!(recording.bars().iter().all(|bar| bar.end - bar.start == seconds(1)));
    }
}

/// Task `idx` of `rand`, spawned alone or with others in the given order;
/// returns what task 2 printed.
async fn rand_tasks_in_order(order: &[usize], seed: &SeedArg) -> Vec<String> {
    let recording = Recording::start(Clock::Virtual);
    let tasks: Vec<_> = order
        .iter()
        .map(|&i| {
            tokio::spawn(
                rand::makerandom(i, 10 - i as u32 - 1, seed.rng(i)).instrument(span(i, "makerandom")),
            )
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    recording.texts_of(2)
}

#[tokio::test(start_paused = true)]
async fn a_rand_task_draws_the_same_numbers_alone_first_or_last() {
    let seed = SeedArg::default();
    let alone = rand_tasks_in_order(&[2], &seed).await;
    assert!(alone.len() > 2, "task 2 should retry at least once: {alone:?}");
    // With one generator shared by the tasks, these would differ.
    assert_eq!(rand_tasks_in_order(&[2, 0, 1], &seed).await, alone, "task 2 first");
    assert_eq!(rand_tasks_in_order(&[0, 1, 2], &seed).await, alone, "task 2 last");
}

#[tokio::test(start_paused = true)]
async fn rand_results_beat_their_thresholds_and_the_run_lasts_as_long_as_the_slowest_task() {
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    let results = rand::main(&SeedArg::default()).await.unwrap();
    for (idx, result) in results.iter().enumerate() {
        assert!(*result > 10 - idx as u32 - 1 && *result <= 10, "task {idx}: {result}");
        let finished = format!("---> Finished: makerandom({idx}) == {result}");
        assert_eq!(recording.texts_of(idx).last(), Some(&finished));
    }
    // Task idx sleeps idx + 1 s after each number that was too low.
    let slowest = (0..3)
        .map(|idx| {
            let retries = recording.texts_of(idx).iter().filter(|text| text.ends_with("retrying.")).count();
            seconds(retries as u64 * (idx as u64 + 1))
        })
        .max()
        .unwrap();
    assert_eq!(started.elapsed(), slowest);
}

#[tokio::test(start_paused = true)]
async fn rand_depends_on_the_seed() {
    let mut outcomes = std::collections::HashSet::new();
    for seed in 0..10 {
        let _recording = Recording::start(Clock::Virtual);
        outcomes.insert(rand::main(&SeedArg { seed }).await.unwrap());
    }
    assert!(outcomes.len() > 1, "ten seeds, one outcome: the seed is ignored");
}

/// The seconds a chain's parts said they would sleep.
fn chain_sleeps(lines: &[String]) -> Vec<u64> {
    lines
        .iter()
        .filter_map(|line| line.split(" sleeping for ").nth(1))
        .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn chains_run_their_parts_in_order_and_together_take_the_longest() {
    let inputs = [9, 6, 3, 1, 12];
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    chain::main(&inputs, &SeedArg::default()).await;
    let total = started.elapsed();
    let mut longest = Duration::ZERO;
    for (row, n) in inputs.iter().enumerate() {
        let lines = recording.texts_of(row);
        let sleeps = chain_sleeps(&lines);
        assert_eq!(sleeps.len(), 2, "{lines:?}");
        assert!(sleeps.iter().all(|sleep| *sleep <= 10));
        // Inside a chain the parts run one after the other...
        let took = seconds(sleeps.iter().sum());
        let bar = &recording.bars_of(row)[0];
        assert_eq!((bar.start, bar.end), (Duration::ZERO, took), "chain({n})");
        let chained = format!(
            "-->Chained result{n} => result{n}-2 derived from result{n}-1 (took {}.00 seconds of virtual time).",
            took.as_secs()
        );
        assert_eq!(lines.last(), Some(&chained));
        longest = longest.max(took);
    }
    // ...and the chains side by side, so the program takes the longest one.
    assert_eq!(total, longest);
}

/// A fresh folder under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("paused-clock").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn func1_reads_a_file_or_says_why_not() {
    let dir = scratch("read-file");
    let path = dir.join("demo.txt");
    let recording = Recording::start(Clock::Real);
    assert_eq!(read_file::func1(&path).await, None);
    std::fs::write(&path, "the contents\n").unwrap();
    assert_eq!(read_file::func1(&path).await.as_deref(), Some("the contents\n"));
    std::fs::write(&path, b"\xff\xfe").unwrap();
    assert_eq!(read_file::func1(&path).await, None);
    std::fs::write(&path, vec![b'x'; read_file::MAX_PRINTED as usize + 1]).unwrap();
    assert_eq!(read_file::func1(&path).await, None);
    assert_eq!(read_file::func1(&dir).await, None);
    let said = recording.texts();
    assert_eq!(said[0], "File not found");
    assert!(said[1].ends_with("it is not UTF-8 text"), "{said:?}");
    assert!(said[2].contains("larger than 65536 bytes"), "{said:?}");
    assert!(said[3].ends_with("it is a folder"), "{said:?}");
}

#[test]
fn an_async_fn_called_without_await_runs_nothing() {
    let recording = Recording::start(Clock::Real);
    read_file::call_without_await(std::path::Path::new("no-such-file.txt"));
    assert!(recording.texts().is_empty(), "{:?}", recording.texts());
}

#[tokio::test(start_paused = true)]
async fn read_file_main_prints_hello_the_answer_and_world_a_second_apart() {
    let dir = scratch("read-file-main");
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    read_file::main(&dir.join("demo.txt")).await;
    assert_eq!(started.elapsed(), seconds(1));
    assert_eq!(recording.texts(), ["hello", "File not found", "world"]);
}

#[tokio::test(start_paused = true)]
async fn async_comprehensions_walk_the_generator_one_item_at_a_time() {
    let started = Instant::now();
    let (g, f) = stream::main(10).await;
    assert_eq!(g, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    assert_eq!(f, [1, 2, 16, 32, 256, 512]); // Real Python's output
    // Each walk sleeps after every item: 10 pauses, twice.
    assert_eq!(started.elapsed(), stream::PAUSE * 20);

    let recording = Recording::start(Clock::Virtual);
    stream::async_for(4).await;
    assert_eq!(
        recording.texts(),
        [
            "got    1 at 0.00 s of virtual time",
            "got    2 at 0.10 s of virtual time",
            "got    4 at 0.20 s of virtual time",
            "got    8 at 0.30 s of virtual time"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn buffer_unordered_overlaps_the_jobs_that_then_runs_one_by_one() {
    let started = Instant::now();
    let one_by_one = stream::one_by_one(8).await;
    // Job i of 8 takes 9 - i pauses: 8 + 7 + … + 1 = 36, one after another.
    assert_eq!(started.elapsed(), stream::PAUSE * 36);
    assert_eq!(one_by_one, [1, 4, 9, 16, 25, 36, 49, 64]);

    let started = Instant::now();
    let buffered = stream::buffered(8, 4).await;
    // Jobs 1–4 (8, 7, 6, 5 pauses) start at once; job 5 takes job 4's place
    // at 5 pauses and ends at 5 + 4 = 9. Nothing ends later.
    assert_eq!(started.elapsed(), stream::PAUSE * 9);
    let mut sorted = buffered.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, one_by_one);
    assert_ne!(buffered, one_by_one, "results should arrive in the order they finish");

    let started = Instant::now();
    assert_eq!(stream::buffered(6, 100).await, [36, 25, 16, 9, 4, 1]);
    assert_eq!(started.elapsed(), stream::PAUSE * 6, "room for all: the longest job sets the time");
}

#[test]
fn the_stream_conclusion_claims_concurrency_only_when_jobs_overlapped() {
    let (alone, together) = (seconds(36), seconds(9));
    assert!(stream::conclusion(8, 4, alone, together).contains("That is concurrency"));
    for (jobs, at_once) in [(1, 4), (8, 1), (1, 1)] {
        let said = stream::conclusion(jobs, at_once, alone, alone);
        assert!(!said.contains("That is concurrency"), "{jobs} jobs, {at_once} at once: {said}");
    }
}

fn hall(boards: u32, moves: u32) -> chess::Hall {
    chess::Hall::new(&chess::Args { boards, moves, ..chess::Args::default() })
}

#[tokio::test(start_paused = true)]
async fn one_game_at_a_time_the_exhibition_takes_twelve_hours() {
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    let hall = hall(24, 30);
    chess::exhibition_sync(&hall);
    assert_eq!(hall.length(), seconds(43_200));
    assert_eq!(started.elapsed(), seconds(43_200));
    // A staircase: board k plays from k × 30 min to (k + 1) × 30 min.
    let expected: Vec<(usize, u64, u64)> =
        (0..24).map(|board| (board, board as u64 * 1800, (board as u64 + 1) * 1800)).collect();
    assert_eq!(spans_by_row(&recording.bars()), expected);
}

#[tokio::test(start_paused = true)]
async fn table_to_table_it_takes_an_hour_and_the_last_reply() {
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    let hall = hall(24, 30);
    chess::exhibition_async(&hall).await;
    // 30 laps × 24 boards × 5 s of Judit's moves, then 55 s for the last reply.
    assert_eq!(hall.length(), seconds(30 * 24 * 5 + 55));
    assert_eq!(started.elapsed(), seconds(3655));
    // Judit walks her circle: board k's last reply comes 5 s after board k - 1's.
    let ends: Vec<String> = (0..24).map(|board| recording.texts_of(board).pop().unwrap()).collect();
    assert_eq!(ends[0], "board  1: game over at 0:59:00");
    assert_eq!(ends[23], "board 24: game over at 1:00:55");
    // Every game was under way the whole time: the bars overlap.
    assert!(recording.bars().iter().all(|bar| bar.start <= seconds(24 * 5)));
}

#[tokio::test(start_paused = true)]
async fn with_few_boards_judit_waits_for_slow_opponents() {
    // 2 boards: a lap takes Judit 10 s, less than an opponent's 55 s, so she
    // waits at each board. Laps start at 0, 60, 120; her last move, at board
    // 2, ends at 130; its reply comes 55 s later.
    let _recording = Recording::start(Clock::Virtual);
    let sync = hall(2, 3);
    chess::exhibition_sync(&sync);
    assert_eq!(sync.length(), seconds(2 * 3 * 60));
    let asynchronous = hall(2, 3);
    chess::exhibition_async(&asynchronous).await;
    assert_eq!(asynchronous.length(), seconds(120 + 10 + 55));
}

#[tokio::test(start_paused = true)]
async fn judits_move_holds_the_thread() {
    // While Judit thinks (a blocking move), no other task gets to run: the
    // opponent's clock keeps going, but nobody else is served.
    let _recording = Recording::start(Clock::Virtual);
    let hall = hall(1, 1);
    let other_ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = other_ran.clone();
    let other = tokio::spawn(async move { flag.store(true, std::sync::atomic::Ordering::SeqCst) });
    hall.judit_moves(0);
    assert!(!other_ran.load(std::sync::atomic::Ordering::SeqCst), "a task ran during Judit's move");
    other.await.unwrap();
    assert_eq!(hall.length(), seconds(5));
}

fn input(bytes: &'static [u8]) -> Console<&'static [u8]> {
    Console::new(bytes, 64)
}

/// The plain port, as the chapter shows it first: the same queue, worker
/// and timings as the hardened version, and the original's three lines.
#[tokio::test(start_paused = true)]
async fn the_plain_port_processes_every_number_in_simulated_time() {
    let out = scratch("input-worker-plain");
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    input_worker::main(input(b"3\n1\n0\n2\nstop\n"), &out).await.unwrap();
    assert_eq!(started.elapsed(), seconds(6));
    for seconds in [0, 1, 2, 3] {
        let text = std::fs::read_to_string(out.join(format!("{seconds}.txt"))).unwrap();
        assert_eq!(text, format!("Hello, {seconds}!"));
    }
    let status: Vec<String> = recording
        .texts()
        .into_iter()
        .filter(|text| {
            text.starts_with("Starting") || text.ends_with(" ended") || text.starts_with("Finishing")
        })
        .collect();
    assert_eq!(status, ["Starting work", "Finishing work", "Work ended"]);
    let wrote: Vec<String> =
        recording.texts().into_iter().filter(|text| text.contains("Worker: wrote")).collect();
    assert_eq!(wrote.len(), 4, "{:?}", recording.texts());
    assert_eq!(spans_by_row(&recording.bars()), [(0, 0, 3), (1, 3, 4), (2, 4, 4), (3, 4, 6)]);
}

/// The plain port stops at the first file it cannot write, as the
/// original's exception would, and says which: no `Work ended`.
#[tokio::test(start_paused = true)]
async fn the_plain_port_stops_at_a_file_it_cannot_write_and_says_which() {
    let out = scratch("input-worker-plain-fail");
    std::fs::create_dir_all(out.join("2.txt").join("taken")).unwrap();
    let recording = Recording::start(Clock::Virtual);
    let failure = input_worker::main(input(b"2\n"), &out).await.unwrap_err();
    assert_eq!(failure.exit_code, 1);
    assert!(failure.message.starts_with("cannot write ") && failure.message.contains("2.txt"), "{failure}");
    assert!(!recording.texts().contains(&"Work ended".to_string()), "no `Work ended` after a failure");
}

#[tokio::test(start_paused = true)]
async fn the_worker_processes_every_number_in_simulated_time() {
    let out = scratch("input-worker");
    let recording = Recording::start(Clock::Virtual);
    let started = Instant::now();
    let report =
        input_worker::hardened::main(input(b"3\n1\n0\n2\nstop\n"), &out, TwoStageStop::new(), Pending::new())
            .await
            .unwrap();
    // One worker, one number at a time: 3 + 1 + 0 + 2 seconds.
    assert_eq!(started.elapsed(), seconds(6));
    let names = ["3.txt", "1.txt", "0.txt", "2.txt"];
    assert_eq!(report.written, names.map(|name| out.join(name)));
    assert!(report.not_processed.is_empty() && report.failed.is_empty());
    for seconds in [0, 1, 2, 3] {
        let text = std::fs::read_to_string(out.join(format!("{seconds}.txt"))).unwrap();
        assert_eq!(text, format!("Hello, {seconds}!"));
    }
    let status: Vec<String> = recording.texts().into_iter().filter(|text| text.ends_with(" work")).collect();
    assert_eq!(status, ["Starting work", "Finishing work"]);
    // A bar per number: the 0-second one took no time; none were abandoned.
    let bars = recording.bars();
    assert_eq!(spans_by_row(&bars), [(0, 0, 3), (1, 3, 4), (2, 4, 4), (3, 4, 6)]);
    assert!(bars.iter().all(|bar| bar.outcome == Outcome::Finished));
}

#[tokio::test(start_paused = true)]
async fn stopping_at_once_abandons_the_sleeping_number_and_lists_the_queue() {
    let out = scratch("input-worker-stop");
    let recording = Recording::start(Clock::Virtual);
    let stop = TwoStageStop::new();
    let press_twice = stop.clone();
    // "Ctrl-C twice" at 50 s: 1 is done, 100 is half-way through its sleep.
    tokio::spawn(async move {
        tokio::time::sleep(seconds(50)).await;
        press_twice.input.trigger();
        press_twice.now.trigger();
    });
    let report = input_worker::hardened::main(input(b"1\n100\n7\n"), &out, stop.clone(), Pending::new())
        .await
        .unwrap();
    assert_eq!(report.not_processed, [100, 7]);
    let failure = report.finish(&stop).unwrap_err();
    assert_eq!(failure.exit_code, 130);
    assert!(failure.message.ends_with("not processed: 100, 7"), "{failure}");
    assert!(!recording.texts().contains(&"Work ended".to_string()), "no `Work ended` after a stop");
    let mut names: Vec<_> =
        std::fs::read_dir(&out).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["1.txt"], "only the finished number, and no temporary file");
    // The chart says 100 was stopped before its end.
    let hundred = &recording.bars_of(1)[0];
    assert_eq!((hundred.outcome, hundred.end), (Outcome::Abandoned, seconds(50)));
}

#[tokio::test(start_paused = true)]
async fn a_file_that_cannot_be_written_is_reported_and_the_rest_go_on() {
    let out = scratch("input-worker-fail");
    // A folder where 2.txt should go: the rename onto it fails.
    std::fs::create_dir_all(out.join("2.txt").join("taken")).unwrap();
    let _recording = Recording::start(Clock::Virtual);
    let stop = TwoStageStop::new();
    let report =
        input_worker::hardened::main(input(b"2\n1\n"), &out, stop.clone(), Pending::new()).await.unwrap();
    assert_eq!(report.failed, [2]);
    assert_eq!(report.written, [out.join("1.txt")]);
    let failure = report.finish(&stop).unwrap_err();
    assert_eq!(failure.exit_code, 1);
    assert!(failure.message.contains("files for 2"), "{failure}");
}

/// `select`: the timer wins at exactly the limit, and the slow task is
/// dropped at its `.await`; the loop that restarts `read_line` loses the
/// characters read before each tick, and the safe loop loses none.
mod select {
    use std::time::Duration;

    use async_io::select::{TEXT, TICK, TYPING, lines_safe, lines_wrong, typist, with_timeout};

    #[tokio::test(start_paused = true)]
    async fn a_timeout_drops_the_slow_task_at_the_limit() {
        let start = tokio::time::Instant::now();
        assert_eq!(with_timeout(Duration::from_secs(3), Duration::from_secs(1)).await, None);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        assert_eq!(with_timeout(Duration::from_secs(1), Duration::from_secs(3)).await, Some("done"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_select_loop_loses_half_lines_unless_the_line_lives_outside() {
        assert_eq!(lines_wrong(typist(TEXT, TYPING), TICK).await, ["lo", "ld"]);
        assert_eq!(lines_safe(typist(TEXT, TYPING), TICK).await, ["hello", "world"]);
    }
}
