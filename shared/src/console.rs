//! Reading lines from stdin without blocking the runtime: the Rust version of
//! Python's `aioconsole.ainput`.
//!
//! `input()` blocks the only thread an event loop has, so nothing else runs
//! while the user types. The async way is to let something else wait for the
//! keyboard and hand the runtime finished lines:
//!
//! - a plain thread does the blocking reads of stdin and passes the bytes
//!   through a channel (tokio's own `tokio::io::stdin` also reads on another
//!   thread, but on its blocking pool, where a read that never returns keeps
//!   the runtime from shutting down and holds the paused clock of `--instant`);
//! - tokio-util's [`FramedRead`] cuts those bytes into lines with a
//!   [`LinesCodec`] that refuses lines longer than a maximum, so a 100 kB line
//!   cannot make a number prompt eat memory.
//!
//! Every way a line can go wrong comes back as an [`Input`] value (end of
//! input, invalid UTF-8, a line too long, a read error) and reading goes on
//! after the recoverable ones. Nothing here panics.

use std::io::{self, Cursor, Read, Write as _};

use futures::StreamExt;
use tokio::io::AsyncRead;
use tokio::sync::mpsc;
use tokio_util::codec::{Decoder, FramedRead, LinesCodec, LinesCodecError};
use tokio_util::io::StreamReader;

use tokio_util::bytes::BytesMut;

/// The longest line [`Console::stdin`] accepts, in bytes. Far more than any
/// number anybody types; far less than what a runaway pipe could send.
pub const MAX_LINE: usize = 1024;

/// What one attempt to read a line gave.
#[derive(Debug)]
pub enum Input {
    /// A line, without its `\n` (or `\r\n`).
    Line(String),
    /// A line longer than the maximum; it was skipped up to its end.
    TooLong {
        /// The maximum, in bytes.
        max: usize,
    },
    /// A line that is not valid UTF-8 text; it was skipped.
    InvalidUtf8,
    /// Input has ended (Ctrl-D, Ctrl-Z on Windows, or the end of a pipe or
    /// file). Every later read says the same.
    Eof,
    /// Reading failed; input is treated as ended from here on.
    Failed(io::Error),
}

/// A [`LinesCodec`] whose line errors are values, not stream errors.
///
/// A `FramedRead` whose decoder fails yields the error, then `None` as if the
/// input had ended, and only reads on if polled again. Turning the two
/// recoverable errors into items keeps the stream going with no such trap.
#[derive(Debug)]
pub struct ConsoleCodec {
    lines: LinesCodec,
    max: usize,
}

impl ConsoleCodec {
    /// Lines of at most `max` bytes.
    pub fn new(max: usize) -> ConsoleCodec {
        ConsoleCodec { lines: LinesCodec::new_with_max_length(max), max }
    }

    fn convert(&self, result: Result<Option<String>, LinesCodecError>) -> io::Result<Option<Input>> {
        match result {
            Ok(line) => Ok(line.map(Input::Line)),
            Err(LinesCodecError::MaxLineLengthExceeded) => Ok(Some(Input::TooLong { max: self.max })),
            // LinesCodec reports bad UTF-8 as `InvalidData`, after it has taken
            // the whole line out of the buffer: the next line is intact.
            Err(LinesCodecError::Io(error)) if error.kind() == io::ErrorKind::InvalidData => {
                Ok(Some(Input::InvalidUtf8))
            }
            Err(LinesCodecError::Io(error)) => Err(error),
        }
    }
}

impl Decoder for ConsoleCodec {
    type Item = Input;
    type Error = io::Error;

    fn decode(&mut self, buffer: &mut BytesMut) -> io::Result<Option<Input>> {
        let result = self.lines.decode(buffer);
        self.convert(result)
    }

    fn decode_eof(&mut self, buffer: &mut BytesMut) -> io::Result<Option<Input>> {
        // The last line may have no `\n`: `decode_eof` still returns it.
        let result = self.lines.decode_eof(buffer);
        self.convert(result)
    }
}

/// Lines from an async reader: stdin in the lessons, a byte slice in tests.
#[derive(Debug)]
pub struct Console<R> {
    frames: FramedRead<R, ConsoleCodec>,
    ended: bool,
}

impl Console<StdinReader> {
    /// The process's stdin, read on a thread of its own (see the module docs),
    /// with lines of at most [`MAX_LINE`] bytes.
    ///
    /// Call it once: the thread owns stdin until input ends. It never holds
    /// the program open: when `main` returns, the process exits even if the
    /// thread is still waiting for a key.
    pub fn stdin() -> Console<StdinReader> {
        Console::new(stdin_reader(), MAX_LINE)
    }
}

impl<R: AsyncRead + Unpin> Console<R> {
    /// Lines from `reader`, of at most `max_line` bytes.
    pub fn new(reader: R, max_line: usize) -> Console<R> {
        Console { frames: FramedRead::new(reader, ConsoleCodec::new(max_line)), ended: false }
    }

    /// Waits for the next line without blocking the runtime.
    pub async fn read_line(&mut self) -> Input {
        if self.ended {
            return Input::Eof;
        }
        let input = match self.frames.next().await {
            Some(Ok(input)) => input,
            Some(Err(error)) => Input::Failed(error),
            None => Input::Eof,
        };
        if matches!(input, Input::Eof | Input::Failed(_)) {
            self.ended = true;
        }
        input
    }

    /// Prints `prompt` (no newline) and waits for a line: `await ainput(prompt)`.
    pub async fn prompt(&mut self, prompt: &str) -> Input {
        show_prompt(prompt);
        self.read_line().await
    }
}

/// Prints `prompt` with no newline and flushes it, so it shows before the
/// user types. Also for showing the prompt again after other output has
/// pushed it off the current line.
pub fn show_prompt(prompt: &str) {
    let mut stdout = anstream::stdout().lock();
    // A closed stdout must not stop the program: ignore write errors here.
    let _ = write!(stdout, "{prompt}");
    let _ = stdout.flush();
}

/// A line read as a whole number of seconds (the input-worker examples).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seconds {
    /// Digits only (spaces around are fine), at most the maximum.
    Valid(u64),
    /// Digits only, but more than the maximum (or more than fits in a `u64`).
    TooLarge,
    /// Anything else, an empty line included: the originals' signal that
    /// input is over (`not n.strip().isdigit()`).
    NotANumber,
}

/// Reads `line` as seconds: ASCII digits, at most `max`.
pub fn parse_seconds(line: &str, max: u64) -> Seconds {
    let digits = line.trim();
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Seconds::NotANumber;
    }
    // Only digits: parsing fails only by overflow.
    match digits.parse::<u64>() {
        Ok(seconds) if seconds <= max => Seconds::Valid(seconds),
        _ => Seconds::TooLarge,
    }
}

/// What the stdin thread sends: a chunk of bytes, or the error that ended it.
type Chunk = io::Result<Cursor<Vec<u8>>>;

/// stdin as an [`AsyncRead`], fed by the thread of [`Console::stdin`].
pub type StdinReader = StreamReader<ChunkStream, Cursor<Vec<u8>>>;

/// The receiving end of the stdin thread's channel, as a stream of chunks.
#[derive(Debug)]
pub struct ChunkStream {
    receiver: mpsc::Receiver<Chunk>,
}

impl futures::Stream for ChunkStream {
    type Item = Chunk;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Chunk>> {
        self.receiver.poll_recv(context)
    }
}

fn stdin_reader() -> StdinReader {
    // One chunk in flight: the thread reads ahead at most one buffer.
    let (sender, receiver) = mpsc::channel::<Chunk>(1);
    let spawn_error = sender.clone();
    let spawned = std::thread::Builder::new().name("stdin".into()).spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buffer = vec![0; 8 * 1024];
        loop {
            let chunk = match stdin.read(&mut buffer) {
                Ok(0) => return, // end of input: dropping the sender says so
                Ok(read) => Ok(Cursor::new(buffer[..read].to_vec())),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => Err(error),
            };
            let failed = chunk.is_err();
            // `blocking_send` waits while the runtime is busy with the last
            // chunk. It fails only when nobody is listening any more.
            if sender.blocking_send(chunk).is_err() || failed {
                return;
            }
        }
    });
    if let Err(error) = spawned {
        let _ = spawn_error.try_send(Err(error));
    }
    StreamReader::new(ChunkStream { receiver })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(bytes: &[u8], max: usize) -> Vec<String> {
        let mut console = Console::new(bytes, max);
        let mut seen = Vec::new();
        loop {
            let input = console.read_line().await;
            let ended = matches!(input, Input::Eof | Input::Failed(_));
            seen.push(match input {
                Input::Line(line) => format!("line {line}"),
                Input::TooLong { max } => format!("too long (max {max})"),
                Input::InvalidUtf8 => "invalid utf-8".into(),
                Input::Eof => "eof".into(),
                Input::Failed(error) => format!("failed {error}"),
            });
            if ended {
                return seen;
            }
        }
    }

    #[test]
    fn seconds_are_digits_within_the_maximum() {
        assert_eq!(parse_seconds(" 12 ", 100), Seconds::Valid(12));
        assert_eq!(parse_seconds("0", 100), Seconds::Valid(0));
        assert_eq!(parse_seconds("101", 100), Seconds::TooLarge);
        assert_eq!(parse_seconds("99999999999999999999999", u64::MAX), Seconds::TooLarge);
        for not_a_number in ["", "  ", "abc", "-1", "+1", "1.5", "1 2", "١"] {
            assert_eq!(parse_seconds(not_a_number, 100), Seconds::NotANumber, "{not_a_number:?}");
        }
    }

    #[tokio::test]
    async fn lines_with_and_without_a_final_newline() {
        assert_eq!(read_all(b"1\r\n2\nabc", 64).await, ["line 1", "line 2", "line abc", "eof"]);
    }

    #[tokio::test]
    async fn empty_input_is_eof_and_stays_eof() {
        let mut console = Console::new(&b""[..], 64);
        assert!(matches!(console.read_line().await, Input::Eof));
        assert!(matches!(console.read_line().await, Input::Eof));
    }

    #[tokio::test]
    async fn invalid_utf8_is_skipped_and_reading_goes_on() {
        assert_eq!(read_all(b"1\n\xff\xfe\n2\n", 64).await, ["line 1", "invalid utf-8", "line 2", "eof"]);
    }

    #[tokio::test]
    async fn an_over_long_line_is_reported_once_and_skipped() {
        let mut input = b"1\n".to_vec();
        input.extend(std::iter::repeat_n(b'7', 100_000));
        input.extend(b"\n2\n");
        assert_eq!(read_all(&input, 1024).await, ["line 1", "too long (max 1024)", "line 2", "eof"]);
    }

    #[tokio::test]
    async fn an_over_long_last_line_without_newline_ends_cleanly() {
        let input = vec![b'9'; 5000];
        assert_eq!(read_all(&input, 1024).await, ["too long (max 1024)", "eof"]);
    }

    #[tokio::test]
    async fn read_errors_end_input() {
        struct Broken;
        impl AsyncRead for Broken {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
                _: &mut tokio::io::ReadBuf<'_>,
            ) -> std::task::Poll<io::Result<()>> {
                std::task::Poll::Ready(Err(io::Error::other("disk on fire")))
            }
        }
        let mut console = Console::new(Broken, 64);
        assert!(
            matches!(console.read_line().await, Input::Failed(error) if error.to_string() == "disk on fire")
        );
        assert!(matches!(console.read_line().await, Input::Eof));
    }
}
