//! # `input-worker`: typing while a worker works
//!
//! Ports seed 000 (and its Russian twin 001), "Asynchronous Programming": the
//! `process`, `worker`, `iostream` and `manager` coroutines around an
//! `asyncio.Queue`.
//!
//! Numbers typed at the prompt go into a queue. A worker task takes them one
//! by one: for `i` it sleeps `i` seconds, then writes `i.txt` containing
//! `Hello, i!`. All of it runs on one thread, and the prompt never waits for
//! the worker, because reading stdin is awaited too ([`Console`], the
//! `aioconsole.ainput` of Rust). A line that is not a number ends input; then
//! the program says `Finishing work`, lets the worker empty the queue, and
//! says `Work ended`.
//!
//! This module is the plain port (`input-worker --plain`). The example runs
//! [`hardened`] by default: the same functions with Ctrl-C in two steps,
//! SIGTERM, a closed stdout and a file that cannot be written each answered,
//! and nothing typed ever dropped in silence.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use shared::cli::{InstantArg, TimelineArg};
use shared::colors::paint;
use shared::console::Console;
use shared::{Failure, Instrument, Options, println, span};
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

// ANCHOR: port
/// `async def process(i)`: `await asyncio.sleep(i)`, then write `i.txt`.
pub async fn process(i: u64, out: &Path) -> io::Result<PathBuf> {
    tokio::time::sleep(Duration::from_secs(i)).await;
    write(i, out).await
}

/// `with open(f"{i}.txt", "w") as file: file.write(f"Hello, {i}!")`, written
/// atomically, on tokio's helper threads (see [`shared::files`]).
pub async fn write(i: u64, out: &Path) -> io::Result<PathBuf> {
    let path = out.join(format!("{i}.txt"));
    let text = format!("Hello, {i}!").into_bytes();
    match shared::files::write_atomically_async(path.clone(), text).await {
        Ok(()) => Ok(path),
        Err(error) => Err(io::Error::new(error.kind(), format!("cannot write {}: {error}", path.display()))),
    }
}

/// `async def worker(queue)`: `await process(await queue.get())`, until the
/// queue is closed and empty. Each number is a row of the chart.
pub async fn worker(mut queue: mpsc::Receiver<u64>, out: PathBuf) -> io::Result<()> {
    for row in 0.. {
        let Some(i) = queue.recv().await else { break };
        let path = process(i, &out).instrument(span(row, format!("{i}.txt"))).await?;
        println!("{}", paint(row, format_args!("Worker: wrote {}", path.display())));
    }
    Ok(())
}

/// `async def iostream(queue)`: `await ainput(PROMPT)` and `queue.put` until
/// a line is not a number.
pub async fn iostream<R: AsyncRead + Unpin>(queue: mpsc::Sender<u64>, console: &mut Console<R>) {
    while let Some(i) = console.number(PROMPT, MAX_SECONDS).await {
        if queue.send(i).await.is_err() {
            break; // the worker has stopped: it could not write a file
        }
    }
}

/// `async def main()`, and the manager: start the worker, read input until
/// it ends, then wait for the worker to empty the queue.
pub async fn main<R: AsyncRead + Unpin>(mut console: Console<R>, out: &Path) -> Result<(), Failure> {
    let (queue, items) = mpsc::channel(QUEUE_LIMIT);
    println!("Starting work");
    let worker = tokio::spawn(worker(items, out.to_path_buf()));
    iostream(queue, &mut console).await; // drops `queue`: no more numbers will come
    println!("Finishing work");
    worker.await?.map_err(|error| Failure::new(error.to_string()))?; // once the queue is empty
    println!("Work ended");
    Ok(())
}
// ANCHOR_END: port

/// The same program, hardened: what `input-worker` runs by default.
pub mod hardened;

/// The longest sleep accepted: one day. Longer would not be a demo any more.
pub const MAX_SECONDS: u64 = 86_400;

/// The most numbers waiting in the queue. A person never gets near it; a
/// file piped in waits for the worker here instead of filling memory.
pub const QUEUE_LIMIT: usize = 10_000;

/// The prompt, as in the original.
pub const PROMPT: &str = "Enter a number: ";

/// Flags of `input-worker`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The folder the `i.txt` files are written to (created if missing).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,

    /// Run the plain port, the code the chapter shows first: no Ctrl-C
    /// stages, no report; it stops at the first file it cannot write.
    #[arg(long)]
    pub plain: bool,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

/// Runs the hardened version on the real stdin (the plain port with
/// `--plain`), after making the output folder.
pub fn run(args: &Args) -> ExitCode {
    let options = Options::new().timeline(args.timeline).clock(args.instant.clock());
    shared::run_async(options, || async move {
        tokio::fs::create_dir_all(&args.out).await.map_err(|error| {
            Failure::new(format!("cannot create the folder {}: {error}", args.out.display()))
        })?;
        if args.plain { main(Console::stdin(), &args.out).await } else { hardened::run(&args.out).await }
    })
}
