//! # `input-worker`: typing while a worker works
//!
//! Ports seed 000 (and its Russian twin 001), "Asynchronous Programming": the
//! `iostream`, `worker` and `manager` coroutines around an `asyncio.Queue`.
//!
//! Numbers typed at the prompt go into a queue. A worker task takes them one
//! by one: for `i` it sleeps `i` seconds, then writes `i.txt` containing
//! `Hello, i!`. All of it runs on one thread, and the prompt never waits for
//! the worker, because reading stdin is awaited too ([`Console`], the
//! `aioconsole.ainput` of Rust). A line that is not a number ends input; then
//! the program says `Finishing work`, lets the worker empty the queue, and
//! says `Work ended`.
//!
//! What the port fixes:
//!
//! - In the English original, `await queue.put(int(n))` sits *after* the
//!   input loop, so only the non-number that ended input would be queued (and
//!   `int()` of it raises). Here every number is queued as it is typed.
//! - The original prints `Work ended` at import time, before anything has
//!   run. Here it is the last line, after the worker has finished.
//! - The original stops its worker with `cancel()` once `queue.join()` says
//!   the queue is empty. Here the input side closes the channel instead: the
//!   worker drains what is left and returns by itself; nothing is cancelled
//!   half-way.
//! - Files are written atomically ([`shared::files`]): nobody ever sees a
//!   half-written `i.txt`.
//! - Bad lines (too long, not UTF-8, a number too large to sleep on) get a
//!   message and the prompt comes back. Ctrl-C stops input and lets the queue
//!   drain; a second Ctrl-C stops at once, reports what was not processed, and
//!   leaves no partial file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use shared::colors::paint;
use shared::console::{Console, Input, Seconds, parse_seconds, show_prompt};
use shared::interrupt::TwoStageStop;
use shared::{Context, Failure};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The longest sleep accepted: one day. Longer would not be a demo any more.
pub const MAX_SECONDS: u64 = 86_400;

/// The prompt, as in the original.
pub const PROMPT: &str = "Enter a number: ";

/// Flags of `input-worker`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The folder the `i.txt` files are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
}

/// One number typed at the prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    /// Its place in the input (0 for the first number): its color and timeline row.
    pub index: usize,
    /// The number typed: seconds to sleep, and the file's name.
    pub seconds: u64,
}

/// What the worker did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The files written, in order.
    pub written: Vec<PathBuf>,
    /// The numbers not processed because of a stop-now Ctrl-C.
    pub not_processed: Vec<u64>,
}

/// Runs the example on the real stdin, with Ctrl-C caught.
pub async fn run(args: &Args, context: &Context) -> Result<Report, Failure> {
    run_with(Console::stdin(), TwoStageStop::on_ctrl_c(), args, context).await
}

/// `main()`: starts the worker and the input task, and is the manager.
pub async fn run_with<R>(
    console: Console<R>,
    stop: TwoStageStop,
    args: &Args,
    context: &Context,
) -> Result<Report, Failure>
where
    R: AsyncRead + Unpin + Send + 'static,
{
    tokio::fs::create_dir_all(&args.out)
        .await
        .map_err(|error| Failure::new(format!("cannot create the folder {}: {error}", args.out.display())))?;

    // ANCHOR: manager
    // An unbounded queue, like `asyncio.Queue()`: typing never waits.
    let (queue, items) = mpsc::unbounded_channel();
    anstream::println!("Starting work");
    let worker = tokio::spawn(worker(items, args.out.clone(), stop.clone(), context.clone()));
    let input = tokio::spawn(read_numbers(console, queue, stop.input.clone()));

    // The manager: wait for input to end...
    input.await.expect("the input task panicked");
    anstream::println!("Finishing work");
    // ...then for the worker. No `queue.join()` and no `cancel()`: the input
    // task dropped its end of the channel, so the worker's `recv()` returns
    // `None` once the queue is empty, and the worker returns by itself.
    let report = worker.await.expect("the worker task panicked");
    anstream::println!("Work ended");
    // ANCHOR_END: manager

    if stop.now.is_cancelled() {
        let list: Vec<String> = report.not_processed.iter().map(u64::to_string).collect();
        let message = if list.is_empty() {
            "stopped by Ctrl-C; every number had been processed".to_string()
        } else {
            format!("stopped by Ctrl-C; not processed: {}", list.join(", "))
        };
        return Err(Failure::interrupted(message));
    }
    Ok(report)
}

// ANCHOR: iostream
/// `iostream()`: reads numbers until a line is not one, input ends, or
/// Ctrl-C; queues each number as it comes.
async fn read_numbers<R: AsyncRead + Unpin>(
    mut console: Console<R>,
    queue: mpsc::UnboundedSender<Item>,
    input_over: CancellationToken,
) {
    let mut index = 0;
    loop {
        let input = tokio::select! {
            input = console.prompt(PROMPT) => input,
            () = input_over.cancelled() => break, // the first Ctrl-C
        };
        let line = match input {
            Input::Line(line) => line,
            Input::TooLong { max } => {
                anstream::eprintln!("That line is longer than {max} bytes: skipped.");
                continue;
            }
            Input::InvalidUtf8 => {
                anstream::eprintln!("That line is not valid UTF-8 text: skipped.");
                continue;
            }
            Input::Eof => {
                anstream::println!(); // end the prompt's line
                break;
            }
            Input::Failed(error) => {
                anstream::eprintln!("Cannot read the input ({error}): no more input.");
                break;
            }
        };
        match parse_seconds(&line, MAX_SECONDS) {
            Seconds::Valid(seconds) => {
                // Fails only if the worker is gone, which happens only after a
                // stop-now Ctrl-C: then there is no point reading on.
                if queue.send(Item { index, seconds }).is_err() {
                    break;
                }
                index += 1;
            }
            Seconds::TooLarge => anstream::eprintln!(
                "{} is too large: the worker sleeps at most {MAX_SECONDS} seconds (one day). Try again.",
                shared::shorten(line.trim(), 40)
            ),
            Seconds::NotANumber => {
                anstream::println!("{:?} is not a number: no more input.", shared::shorten(&line, 40));
                break;
            }
        }
    }
    // Input is over, whatever ended it. Saying so tells the Ctrl-C listener
    // that the next Ctrl-C has no input left to stop, only the worker.
    input_over.cancel();
    // `queue` is dropped here: the channel closes once the worker empties it.
}
// ANCHOR_END: iostream

// ANCHOR: worker
/// `worker()`: processes items one at a time until the queue is closed and
/// empty, or a stop-now Ctrl-C.
async fn worker(
    mut items: mpsc::UnboundedReceiver<Item>,
    out: PathBuf,
    stop: TwoStageStop,
    context: Context,
) -> Report {
    let TwoStageStop { input: input_over, now: stop_now } = stop;
    let mut report = Report::default();
    loop {
        let item = tokio::select! {
            biased; // a stop-now wins over an item that is also ready
            () = stop_now.cancelled() => break,
            item = items.recv() => match item {
                Some(item) => item,
                None => break, // closed and empty: all done
            },
        };
        match process(item, &out, &stop_now, &context).await {
            Processed::Written(path) => report.written.push(path),
            Processed::Failed(message) => anstream::eprintln!("\n{}", paint(item.index, message)),
            Processed::Stopped => {
                report.not_processed.push(item.seconds);
                break;
            }
        }
        // Our line pushed the prompt away; show it again while the user may
        // still be typing.
        if !input_over.is_cancelled() {
            show_prompt(PROMPT);
        }
    }
    // After a stop-now, list what was still queued rather than lose it silently.
    items.close();
    while let Ok(item) = items.try_recv() {
        report.not_processed.push(item.seconds);
    }
    report
}

/// How one item ended.
enum Processed {
    Written(PathBuf),
    Failed(String),
    Stopped,
}

/// `process(i)`: sleeps `i` seconds, then writes `i.txt`.
async fn process(item: Item, out: &Path, stop_now: &CancellationToken, context: &Context) -> Processed {
    let _span = context.timeline.begin(item.index, format_args!("{}.txt", item.seconds));
    tokio::select! {
        () = tokio::time::sleep(Duration::from_secs(item.seconds)) => {}
        // Stopping during the sleep is safe: nothing has been written yet.
        () = stop_now.cancelled() => return Processed::Stopped,
    }
    // From here on the item is finished, not raced against Ctrl-C: the file
    // is written whole, or not at all if writing fails.
    let path = out.join(format!("{}.txt", item.seconds));
    let contents = format!("Hello, {}!", item.seconds);
    let target = path.clone();
    // File writes block; `spawn_blocking` runs them on tokio's helper threads
    // so the prompt stays responsive.
    let written =
        tokio::task::spawn_blocking(move || shared::files::write_atomically(&target, contents.as_bytes()))
            .await
            .map_err(|join_error| std::io::Error::other(join_error.to_string()))
            .and_then(|result| result);
    match written {
        Ok(()) => {
            anstream::println!(
                "{}",
                paint(
                    item.index,
                    format_args!("\nWorker: slept {} s, wrote {}", item.seconds, path.display())
                )
            );
            Processed::Written(path)
        }
        Err(error) => Processed::Failed(format!("Worker: cannot write {}: {error}", path.display())),
    }
}
// ANCHOR_END: worker
