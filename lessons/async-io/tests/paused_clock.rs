//! The examples' timing on tokio's paused clock: simulated durations are
//! exact, and hours of them run in milliseconds.

use std::path::PathBuf;
use std::time::Duration;

use async_io::{chain, chess, count, input_worker, rand, read_file, stream};
use shared::Context;
use shared::console::Console;
use shared::interrupt::TwoStageStop;
use shared::timing::Clock;

fn virtual_context() -> Context {
    Context::new(Clock::Virtual, 444)
}

fn count_args(tasks: u32, sync: bool, blocking: bool) -> count::Args {
    count::Args { tasks, sync, blocking, quiet: true }
}

#[tokio::test(start_paused = true)]
async fn async_count_overlaps_its_waits_into_one_second() {
    for tasks in [1, 3, 50] {
        let report = count::run(&count_args(tasks, false, false), &virtual_context()).await;
        assert_eq!(report.elapsed, Duration::from_secs(1), "{tasks} tasks");
    }
}

#[tokio::test(start_paused = true)]
async fn sync_count_takes_a_second_per_counter() {
    let report = count::run(&count_args(3, true, false), &virtual_context()).await;
    assert_eq!(report.elapsed, Duration::from_secs(3));
    let report = count::run(&count_args(5, true, false), &virtual_context()).await;
    assert_eq!(report.elapsed, Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn a_blocking_sleep_makes_async_count_as_slow_as_sync() {
    let report = count::run(&count_args(3, false, true), &virtual_context()).await;
    assert_eq!(report.elapsed, Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn chess_takes_twelve_hours_one_game_at_a_time() {
    let args = chess::Args { mode: chess::Mode::Sync, ..chess::Args::default() };
    let report = chess::run(&args, &virtual_context()).await.unwrap();
    assert_eq!(report.sync, Some(Duration::from_secs(43_200)));
    assert_eq!(report.asynchronous, None);
}

#[tokio::test(start_paused = true)]
async fn chess_takes_an_hour_and_the_last_reply_table_to_table() {
    let args = chess::Args { mode: chess::Mode::Async, ..chess::Args::default() };
    let report = chess::run(&args, &virtual_context()).await.unwrap();
    // 30 laps × 24 boards × 5 s of Judit's moves, then 55 s for the last reply.
    assert_eq!(report.asynchronous, Some(Duration::from_secs(30 * 24 * 5 + 55)));
}

#[tokio::test(start_paused = true)]
async fn chess_async_waits_for_slow_opponents_when_the_lap_is_short() {
    // 2 boards: a lap takes Judit 10 s, less than an opponent's 55 s, so she
    // waits at each board. Board 1 is ready again at 5 + 55 = 60 s; each later
    // lap starts 60 s after the one before; the last reply comes 55 s after
    // her last move (at board 2, 5 s after the last lap starts).
    let args = chess::Args { mode: chess::Mode::Both, boards: 2, moves: 3, ..chess::Args::default() };
    let report = chess::run(&args, &virtual_context()).await.unwrap();
    assert_eq!(report.sync, Some(Duration::from_secs(2 * 3 * 60)));
    // Laps start at 0, 60, 120; last move at board 2 ends at 120 + 10; reply 55 s later.
    assert_eq!(report.asynchronous, Some(Duration::from_secs(120 + 10 + 55)));
}

#[tokio::test(start_paused = true)]
async fn chess_refuses_realtime_on_the_virtual_clock() {
    let args = chess::Args { realtime: true, ..chess::Args::default() };
    let failure = chess::run(&args, &virtual_context()).await.unwrap_err();
    assert!(failure.message.contains("--realtime"), "{failure}");
}

#[tokio::test(start_paused = true)]
async fn the_chains_together_take_as_long_as_the_longest() {
    let args = chain::Args { inputs: vec![9, 6, 3, 1, 12] };
    let report = chain::run(&args, &virtual_context()).await;
    assert_eq!(report.chains.len(), 5);
    for (chain, input) in report.chains.iter().zip(&args.inputs) {
        assert_eq!(chain.input, *input);
        // Inside a chain the parts run one after the other.
        assert_eq!(chain.took, chain.sleeps[0] + chain.sleeps[1]);
        assert!(chain.sleeps.iter().all(|sleep| *sleep <= Duration::from_secs(10)));
        assert_eq!(chain.result, format!("result{input}-2 derived from result{input}-1"));
    }
    let longest = report.chains.iter().map(|chain| chain.took).max().unwrap();
    assert_eq!(report.elapsed, longest);
}

#[tokio::test(start_paused = true)]
async fn rand_gives_the_same_numbers_for_the_same_seed() {
    let first = rand::run(&rand::Args {}, &virtual_context()).await;
    let second = rand::run(&rand::Args {}, &virtual_context()).await;
    assert_eq!(first, second);
    for (idx, number) in first.results.iter().enumerate() {
        assert!(*number > rand::threshold(idx) && *number <= 10, "task {idx}: {number}");
    }
    // Task idx sleeps idx + 1 s after each failed draw; the run lasts as long
    // as the task that slept longest.
    let slowest = first
        .draws
        .iter()
        .enumerate()
        .map(|(idx, draws)| Duration::from_secs(u64::from(draws - 1) * (idx as u64 + 1)))
        .max()
        .unwrap();
    assert_eq!(first.elapsed, slowest);
}

#[tokio::test(start_paused = true)]
async fn rand_changes_with_the_seed() {
    let mut seen = std::collections::HashSet::new();
    for seed in 0..10 {
        seen.insert(rand::run(&rand::Args {}, &Context::new(Clock::Virtual, seed)).await.draws);
    }
    assert!(seen.len() > 1, "ten seeds, one outcome: the seed is ignored");
}

#[tokio::test(start_paused = true)]
async fn async_iteration_is_one_at_a_time_and_buffer_unordered_is_concurrent() {
    let args = stream::Args { items: 8, concurrency: 4 };
    let report = stream::run(&args, &virtual_context()).await;
    assert_eq!(report.looped, [1, 2, 4, 8, 16, 32, 64, 128]);
    assert_eq!(report.filtered, [1, 4, 16, 64]);
    assert_eq!(report.loop_took, stream::PAUSE * 7);
    // Job i of 8 takes (9 - i) pauses: 8 + 7 + … + 1 = 36 one after another.
    assert_eq!(report.one_by_one, [1, 4, 9, 16, 25, 36, 49, 64]);
    assert_eq!(report.one_by_one_took, stream::PAUSE * 36);
    // Four at a time: jobs 1–4 (8, 7, 6, 5 pauses) start at once; job 5 takes
    // the place of job 4 at 5 pauses and ends at 5 + 4 = 9. Nothing ends later.
    assert_eq!(report.buffered_took, stream::PAUSE * 9);
    let mut sorted = report.buffered.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, report.one_by_one);
    assert_ne!(report.buffered, report.one_by_one, "results should arrive out of order");
}

#[tokio::test(start_paused = true)]
async fn buffer_unordered_with_room_for_all_takes_the_longest_job() {
    let args = stream::Args { items: 6, concurrency: 100 };
    let report = stream::run(&args, &virtual_context()).await;
    assert_eq!(report.buffered_took, stream::PAUSE * 6);
    assert_eq!(report.buffered, [36, 25, 16, 9, 4, 1], "the shortest job is the last one asked");
}

/// A fresh folder under cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("paused-clock").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn read_file_reports_missing_present_and_unreadable_files() {
    let dir = scratch("read-file");
    let path = dir.join("demo.txt");
    let missing = read_file::read_demo(&path).await;
    assert_eq!(missing, read_file::Outcome::NotFound);
    std::fs::write(&path, "the contents\n").unwrap();
    assert_eq!(read_file::read_demo(&path).await, read_file::Outcome::Contents("the contents\n".into()));
    std::fs::write(&path, b"\xff\xfe").unwrap();
    assert!(
        matches!(read_file::read_demo(&path).await, read_file::Outcome::Unreadable(why) if why.contains("UTF-8"))
    );
    assert!(
        matches!(read_file::read_demo(&dir).await, read_file::Outcome::Unreadable(why) if why.contains("folder"))
    );
}

#[tokio::test(start_paused = true)]
async fn input_worker_processes_every_number_in_simulated_time() {
    let out = scratch("input-worker");
    let console = Console::new(&b"3\n1\n2\nstop\n"[..], 64);
    let args = input_worker::Args { out: out.clone() };
    let started = tokio::time::Instant::now();
    let report =
        input_worker::run_with(console, TwoStageStop::new(), &args, &virtual_context()).await.unwrap();
    // One worker, one item at a time: 3 + 1 + 2 seconds.
    assert_eq!(started.elapsed(), Duration::from_secs(6));
    assert_eq!(report.written, [out.join("3.txt"), out.join("1.txt"), out.join("2.txt")]);
    assert!(report.not_processed.is_empty());
    for seconds in [1, 2, 3] {
        let text = std::fs::read_to_string(out.join(format!("{seconds}.txt"))).unwrap();
        assert_eq!(text, format!("Hello, {seconds}!"));
    }
}

#[tokio::test(start_paused = true)]
async fn stopping_at_once_abandons_the_sleeping_item_and_lists_the_queue() {
    let out = scratch("input-worker-stop");
    let console = Console::new(&b"1\n100\n7\n"[..], 64);
    let stop = TwoStageStop::new();
    let press_twice = stop.clone();
    // "Ctrl-C twice" at 50 s: item 1 is done, item 100 is half-way through its sleep.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(50)).await;
        press_twice.input.cancel();
        press_twice.now.cancel();
    });
    let args = input_worker::Args { out: out.clone() };
    let failure = input_worker::run_with(console, stop, &args, &virtual_context()).await.unwrap_err();
    assert_eq!(failure.exit_code, 130);
    assert!(failure.message.contains("not processed: 100, 7"), "{failure}");
    let mut names: Vec<_> =
        std::fs::read_dir(&out).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["1.txt"], "only the finished item, and no temporary file");
}
