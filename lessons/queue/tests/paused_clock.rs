//! `asyncq` on tokio's paused clock: sleeps of seconds pass at once and
//! exactly, and the tests read what the example did (the lines it printed,
//! the bars it recorded) with the virtual time at which each line appeared.

use std::collections::HashMap;
use std::pin::pin;
use std::time::Duration;

use queue::asyncq;
use queue::plan::{Plan, QueueArgs, Totals};
use shared::Clock;
use shared::testing::Recording;
use shared::timeline::{Bar, Outcome};
use tokio::time::Instant;

/// A virtual day: a run that has not ended by then never will.
const NEVER: Duration = Duration::from_secs(86_400);

fn plan(args: QueueArgs) -> Plan {
    Plan::new(&args).unwrap()
}

/// What one run did: its totals, every line with the second it was printed
/// at, and its bars.
struct Run {
    totals: Totals,
    lines: Vec<(u64, String)>,
    bars: Vec<Bar>,
}

/// Runs `asyncq::main` and timestamps its lines. Every sleep is a whole
/// number of seconds, so everything is printed at a whole second; a
/// watcher looks at the lines half a second later, and the new ones were
/// printed at the second just past.
async fn run(plan: Plan) -> Run {
    let recording = Recording::start(Clock::Virtual);
    let start = Instant::now();
    let mut watcher = tokio::time::interval_at(start + Duration::from_millis(500), Duration::from_secs(1));
    let mut main = pin!(tokio::time::timeout(NEVER, asyncq::main(plan)));
    let mut lines = Vec::new();
    let stamp = |lines: &mut Vec<(u64, String)>| {
        let second = start.elapsed().as_secs();
        let texts = recording.texts();
        let new = texts[lines.len()..].iter().map(|text| (second, text.clone()));
        lines.extend(new.collect::<Vec<_>>());
    };
    let totals = loop {
        tokio::select! {
            biased;
            done = &mut main => break done.expect("the run did not end by itself").unwrap(),
            _ = watcher.tick() => stamp(&mut lines),
        }
    };
    stamp(&mut lines);
    Run { totals, lines, bars: recording.bars() }
}

/// Words of a line between `<` and `>`.
fn item_of(line: &str) -> &str {
    &line[line.find('<').unwrap() + 1..line.find('>').unwrap()]
}

/// Checks what every run must do: every item put is taken exactly once,
/// the totals say so, and each reported wait is the second the item was
/// taken minus the second its producer went to put it.
fn check_every_item_and_wait(run: &Run) {
    // When each producer's current sleep ends: that is when it goes to put.
    let mut goes_to_put: HashMap<String, u64> = HashMap::new();
    let mut put_at: HashMap<String, Vec<u64>> = HashMap::new();
    let (mut produced, mut consumed) = (Vec::new(), Vec::new());
    for (second, line) in &run.lines {
        let who: String = line.split(' ').take(2).collect::<Vec<_>>().join(" ");
        if let Some(rest) = line.split(" sleeping for ").nth(1) {
            let seconds: u64 = rest.split(' ').next().unwrap().parse().unwrap();
            goes_to_put.insert(who, second + seconds);
        } else if line.ends_with("to queue.") {
            let item = item_of(line).to_string();
            put_at.entry(item.clone()).or_default().push(goes_to_put[&who]);
            produced.push(item);
        } else if let Some(rest) = line.split(" got element ").nth(1) {
            let item = item_of(rest).to_string();
            let reported: f64 = rest
                .split(" in ")
                .nth(1)
                .unwrap()
                .trim_end_matches(" seconds of virtual time.")
                .parse()
                .unwrap();
            let put =
                put_at.get_mut(&item).and_then(Vec::pop).unwrap_or_else(|| panic!("{item} taken, never put"));
            assert_eq!(reported, (second - put) as f64, "{line} (put at {put} s, taken at {second} s)");
            consumed.push(item);
        }
    }
    produced.sort();
    consumed.sort();
    assert_eq!(produced, consumed, "every item put is taken, once");
    assert_eq!(run.totals, Totals { produced: produced.len() as u64, consumed: consumed.len() as u64 });
}

#[tokio::test(start_paused = true)]
async fn with_seed_444_every_item_is_taken_once_after_the_wait_it_reports() {
    let run = run(plan(QueueArgs::default())).await;
    assert!(run.totals.produced > 20, "{:?}", run.totals);
    check_every_item_and_wait(&run);
}

/// Whether some consumer reported a wait longer than zero.
fn some_item_waited(run: &Run) -> bool {
    run.lines.iter().any(|(_, line)| {
        line.contains(" got element ") && !line.ends_with(" 0.00000 seconds of virtual time.")
    })
}

#[tokio::test(start_paused = true)]
async fn runs_end_by_themselves_whatever_the_counts() {
    for args in [
        QueueArgs { nprod: 0, ..QueueArgs::default() },
        QueueArgs { ncon: 1, ..QueueArgs::default() },
        QueueArgs { nprod: 1, ncon: 20, ..QueueArgs::default() },
        QueueArgs { capacity: Some(1), ..QueueArgs::default() },
        QueueArgs { nprod: 3, ncon: 2, max_sleep: 0, items_per_producer: Some(1000), ..QueueArgs::default() },
    ] {
        let run = run(plan(args)).await;
        check_every_item_and_wait(&run);
        // With one consumer items do wait: the check above compared waits
        // longer than zero too.
        assert!(args.ncon != 1 || some_item_waited(&run), "{args:?}");
        if args.nprod == 0 {
            assert_eq!(run.totals, Totals::default());
            assert!(run.lines.is_empty(), "no producer: nothing to sleep for, {:?}", run.lines);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_last_item_ends_the_run_within_one_more_sleep() {
    let args = QueueArgs::default();
    let run = run(plan(args)).await;
    let last_taken = run.lines.iter().rfind(|(_, line)| line.contains(" got element ")).unwrap().0;
    let end = run.bars.iter().map(|bar| bar.end.as_secs()).max().unwrap();
    // A consumer asleep when the last item is taken finishes its nap first.
    assert!(end >= last_taken && end <= last_taken + args.max_sleep, "{last_taken} s, then {end} s");
}

/// The rows of producers (0..nprod) that have a `Waited` bar.
fn producers_that_waited(bars: &[Bar], nprod: usize) -> Vec<usize> {
    let mut rows: Vec<usize> = bars
        .iter()
        .filter(|bar| bar.outcome == Outcome::Waited && bar.row < nprod)
        .map(|bar| bar.row)
        .collect();
    rows.dedup();
    rows
}

#[tokio::test(start_paused = true)]
async fn a_full_queue_makes_producers_wait_and_the_chart_shows_where() {
    // Four producers, one consumer that sleeps up to 5 s per item: the
    // queue of one fills at once.
    let args = QueueArgs { nprod: 4, ncon: 1, capacity: Some(1), ..QueueArgs::default() };
    let full = run(plan(args)).await;
    check_every_item_and_wait(&full);
    let waits: Vec<&Bar> =
        full.bars.iter().filter(|bar| bar.outcome == Outcome::Waited && bar.row < 4).collect();
    assert!(!waits.is_empty(), "no producer waited");
    for wait in &waits {
        assert_eq!(wait.label, "waiting for room");
        assert!(wait.end > wait.start, "{wait:?}");
        // Each wait lies inside its producer's bar.
        let life =
            full.bars.iter().find(|bar| bar.row == wait.row && bar.outcome == Outcome::Finished).unwrap();
        assert!(life.start <= wait.start && wait.end <= life.end, "{wait:?} outside {life:?}");
        // And the producer said so, with the same length.
        let said = format!(
            "Producer {} waited {}.00000 seconds of virtual time for room in the queue.",
            wait.row,
            (wait.end - wait.start).as_secs()
        );
        assert!(
            full.lines.iter().any(|(second, line)| *line == said && *second == wait.end.as_secs()),
            "{said}"
        );
    }

    // Without a limit, nobody waits for room.
    let unbounded = run(plan(QueueArgs { capacity: None, ..args })).await;
    assert_eq!(producers_that_waited(&unbounded.bars, 4), Vec::<usize>::new());
    assert!(!unbounded.lines.iter().any(|(_, line)| line.contains("for room")));
}

#[tokio::test(start_paused = true)]
async fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    let lines = |seed| async move {
        let args = QueueArgs { seed: shared::cli::SeedArg { seed }, ..QueueArgs::default() };
        run(plan(args)).await.lines
    };
    let first = lines(444).await;
    assert_eq!(first, lines(444).await);
    assert_ne!(first, lines(445).await);
}

#[tokio::test(start_paused = true)]
async fn a_main_that_keeps_its_sender_never_ends() {
    let _recording = Recording::start(Clock::Virtual);
    let plan = plan(QueueArgs { nprod: 2, ncon: 2, ..QueueArgs::default() });
    let never = tokio::time::timeout(NEVER, asyncq::main_that_never_ends(plan)).await;
    assert!(never.is_err(), "it ended: {never:?}");
    let fine = tokio::time::timeout(NEVER, asyncq::main(plan)).await;
    assert!(fine.is_ok());
}

#[tokio::test(start_paused = true)]
async fn the_tuned_version_moves_the_same_number_of_items() {
    let _recording = Recording::start(Clock::Virtual);
    for args in [
        QueueArgs { max_sleep: 0, items_per_producer: Some(10_000), ..QueueArgs::default() },
        QueueArgs { nprod: 0, ..QueueArgs::default() },
        QueueArgs { capacity: Some(1), nprod: 3, ncon: 1, ..QueueArgs::default() },
    ] {
        let plan = plan(args);
        let (tuned, _) = tokio::time::timeout(NEVER, queue::asyncq_tuned::main(plan)).await.unwrap().unwrap();
        let plain = tokio::time::timeout(NEVER, asyncq::main(plan)).await.unwrap().unwrap();
        assert_eq!(tuned, plain, "{args:?}");
    }
}

/// The wait line names the producer as the port does (its `caller`), not by
/// the chart row it happens to run in; the wait is still drawn in that row.
#[tokio::test(start_paused = true)]
async fn a_wait_for_room_is_said_in_the_callers_name_and_drawn_in_its_row() {
    use queue::plan::VisiblePut;
    use shared::{Instrument, span};

    let recording = Recording::start(Clock::Virtual);
    let (sender, receiver) = async_channel::bounded(1);
    sender.try_send(0).unwrap(); // full: the next put must wait
    let taker = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        (receiver.recv().await.unwrap(), receiver) // kept open for the put
    });
    let put = async { sender.put(1, "Producer 2").await.unwrap() };
    put.instrument(span(7, "producer 2")).await;
    assert_eq!(taker.await.unwrap().0, 0);
    assert_eq!(
        recording.texts_of(7),
        ["Producer 2 waited 2.00000 seconds of virtual time for room in the queue."]
    );
    let waits: Vec<Bar> =
        recording.bars_of(7).into_iter().filter(|bar| bar.outcome == Outcome::Waited).collect();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert_eq!(waits[0].label, "waiting for room");
}
