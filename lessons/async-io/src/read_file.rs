//! # `read-file`: an async function, awaited and not
//!
//! Ports seed 004, "Asynchronous Programming" (`func1` reading `demo.txt`,
//! and `main` printing `hello` and `world` around it).
//!
//! `main` prints `hello`, sleeps a second, awaits [`read_demo`], and prints
//! `world`. When the file is missing, the async function says `File not
//! found`; when it is there, its contents are printed.
//!
//! It also shows the notebook's first surprise: calling an async function
//! without `.await` runs *none* of its body. The call only builds a future,
//! a value that does nothing until something polls it. Dropping that value
//! unpolled is silent, so the compiler warns about it; the doc test below
//! turns that warning into an error to prove it:
//!
//! ```compile_fail
//! #![deny(unused_must_use)]
//! async fn read_demo() -> String { String::from("contents") }
//! fn main() {
//!     read_demo(); // error: unused implementer of `Future` that must be used
//!                  // note: futures do nothing unless you `.await` or poll them
//! }
//! ```

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use shared::Context;
use shared::colors::{NOTE, styled};
use tokio::io::AsyncReadExt;

/// Files larger than this are not printed: the example is about awaiting,
/// not about dumping a log file onto the screen.
pub const MAX_PRINTED: u64 = 64 * 1024;

/// Flags of `read-file`.
#[derive(clap::Args, Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The file to read.
    #[arg(long, value_name = "FILE", default_value = "demo.txt")]
    pub path: PathBuf,
}

/// What reading the file gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The file's text.
    Contents(String),
    /// There is no such file (the case the original handles).
    NotFound,
    /// Something else went wrong; the message says what.
    Unreadable(String),
}

// ANCHOR: read_demo
/// `async def func1()`: reads the file without blocking the runtime.
///
/// `tokio::fs` hands the blocking system calls to a helper thread and awaits
/// the answer, so other tasks keep running while the disk works.
pub async fn read_demo(path: &Path) -> Outcome {
    anstream::println!("{}", styled(NOTE, format_args!("(read_demo: reading {})", path.display())));
    let cannot_read = |error: io::Error| match error.kind() {
        io::ErrorKind::NotFound => Outcome::NotFound,
        _ => Outcome::Unreadable(format!("cannot read {}: {error}", path.display())),
    };
    if tokio::fs::metadata(path).await.is_ok_and(|metadata| metadata.is_dir()) {
        return Outcome::Unreadable(format!("{} is a folder, not a file", path.display()));
    }
    let file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(error) => return cannot_read(error),
    };
    // Read one byte past the limit, never more: a device such as /dev/zero
    // says it is empty and never ends, so its size cannot be trusted.
    let mut bytes = Vec::new();
    if let Err(error) = file.take(MAX_PRINTED + 1).read_to_end(&mut bytes).await {
        return cannot_read(error);
    }
    if bytes.len() as u64 > MAX_PRINTED {
        return Outcome::Unreadable(format!(
            "{} is larger than {MAX_PRINTED} bytes; this example prints smaller files",
            path.display()
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Outcome::Contents(text),
        Err(_) => Outcome::Unreadable(format!("{} is not UTF-8 text", path.display())),
    }
}
// ANCHOR_END: read_demo

/// `async def main()`: `hello`, a second's sleep, the file, `world`.
pub async fn run(args: &Args, context: &Context) -> Outcome {
    let _span = context.timeline.begin(0, "main");
    // ANCHOR: not_awaited
    // Calling the async fn builds its future. Nothing runs: no "(read_demo:
    // reading ...)" line appears, because nobody polls this future.
    let never_polled = read_demo(&args.path);
    drop(never_polled);
    anstream::println!(
        "{}",
        styled(NOTE, "(called read_demo() without .await: got a future, dropped it, nothing was read)")
    );
    // ANCHOR_END: not_awaited

    // ANCHOR: main
    anstream::println!("hello");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let outcome = read_demo(&args.path).await;
    match &outcome {
        Outcome::Contents(text) => anstream::println!("{}", text.trim_end()),
        Outcome::NotFound => anstream::println!("File not found"),
        Outcome::Unreadable(why) => anstream::println!("{why}"),
    }
    anstream::println!("world");
    // ANCHOR_END: main
    outcome
}
