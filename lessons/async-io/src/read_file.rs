//! # `read-file`: an async function, awaited and not
//!
//! Ports seed 004, "Asynchronous Programming" (`func1` reading `demo.txt`,
//! and `main` printing `hello` and `world` around it).
//!
//! `main` prints `hello`, sleeps a second, awaits [`func1`], and prints
//! `world`. When the file is missing, `func1` says `File not found`; when it
//! is there, its contents are printed. (The original's `main` throws away what
//! `func1` read; printing it shows that the read really happened.)
//!
//! It also shows the notebook's first surprise: calling an async function
//! without `.await` runs *none* of its body. The call only builds a future, a
//! value that does nothing until something polls it. Dropping that value
//! unpolled is silent, so the compiler warns about it; the doc test below
//! turns that warning into an error to prove it:
//!
//! ```compile_fail
//! #![deny(unused_must_use)]
//! async fn func1() -> String { String::from("contents") }
//! fn main() {
//!     func1(); // error: unused implementer of `Future` that must be used
//!              // note: futures do nothing unless you `.await` or poll them
//! }
//! ```
//!
//! The same program with the future awaited compiles, so the test above
//! fails for that one reason:
//!
//! ```
//! #![deny(unused_must_use)]
//! async fn func1() -> String { String::from("contents") }
//! async fn caller() {
//!     func1().await;
//! }
//! fn main() {
//!     let _future = caller();
//! }
//! ```
//!
//! One thing the original gets wrong: its `func1` is `async def`, but it
//! calls the blocking `open()` and `read()`, which hold the event loop while
//! the disk works: the `count --blocking` mistake again. Here the file is read
//! with `tokio::fs`, which does the blocking calls on a helper thread.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use shared::cli::{InstantArg, TimelineArg};
use shared::{Instrument, Options, println, span};
use tokio::io::AsyncReadExt;

// ANCHOR: func1
/// `async def func1()`: the file's text, or `None` after saying why not.
pub async fn func1(path: &Path) -> Option<String> {
    match read_text(path).await {
        Ok(text) => Some(text),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            println!("File not found");
            None
        }
        Err(error) => {
            println!("Cannot read {}: {error}", path.display());
            None
        }
    }
}

/// `async def main()`.
pub async fn main(path: &Path) {
    println!("hello");
    tokio::time::sleep(Duration::from_secs(1)).await;
    if let Some(text) = func1(path).await {
        println!("{}", text.trim_end());
    }
    println!("world");
}
// ANCHOR_END: func1

// ANCHOR: not_awaited
/// `func1()` without `await`: the call builds a future, and dropping it
/// unpolled runs none of `func1`'s body. Nothing is read, nothing printed.
pub fn call_without_await(path: &Path) {
    let future = func1(path);
    drop(future);
}
// ANCHOR_END: not_awaited

/// Files larger than this are not printed: the example is about awaiting,
/// not about dumping a log file onto the screen.
pub const MAX_PRINTED: u64 = 64 * 1024;

/// Flags of `read-file`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The file to read.
    #[arg(long, value_name = "FILE", default_value = "demo.txt")]
    pub path: PathBuf,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,

    /// `--instant`.
    #[command(flatten)]
    pub instant: InstantArg,
}

/// Runs the example: first the call that is never awaited, then `main`.
pub fn run(args: &Args) -> ExitCode {
    let options = Options::new().timeline(args.timeline).clock(args.instant.clock());
    shared::run_async(options, || async move {
        call_without_await(&args.path);
        println!("(called func1() without .await: got a future, dropped it; nothing was read)");
        main(&args.path).instrument(span(0, "main()")).await;
        Ok(())
    })
}

// ANCHOR: hardening
/// Reads a small UTF-8 text file without blocking the runtime, and without
/// being fooled by what is not a small text file.
///
/// `tokio::fs::read_to_string` alone would wait forever on a FIFO (opening
/// one blocks until a writer comes), read a device such as `/dev/zero` until
/// memory runs out, and read a 10 GB log into memory. So: a regular file
/// only, decided from its metadata before opening it; and never more than
/// [`MAX_PRINTED`] + 1 bytes, whatever size the file claims.
pub async fn read_text(path: &Path) -> io::Result<String> {
    let metadata = tokio::fs::metadata(path).await?;
    if !metadata.is_file() {
        let what =
            if metadata.is_dir() { "a folder" } else { "not a regular file (a device, a FIFO, a socket?)" };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("it is {what}")));
    }
    let mut bytes = Vec::new();
    tokio::fs::File::open(path).await?.take(MAX_PRINTED + 1).read_to_end(&mut bytes).await?;
    if bytes.len() as u64 > MAX_PRINTED {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than {MAX_PRINTED} bytes, more than this example prints"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}
// ANCHOR_END: hardening
