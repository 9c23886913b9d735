//! Reading lines and numbers from stdin: without blocking an async runtime
//! ([`Console`], the Rust version of Python's `aioconsole.ainput`), or from
//! plain synchronous code ([`LineReader`]).
//!
//! `input()` blocks the only thread an event loop has, so nothing else runs
//! while the user types. The async way is to let something else wait for the
//! keyboard and hand the runtime finished lines: here a plain thread does the
//! blocking reads of stdin and passes the bytes through a channel. (tokio's
//! own `tokio::io::stdin` also reads on another thread, but on its blocking
//! pool, where a read that never returns keeps the runtime from shutting down
//! and holds the paused clock of `--instant`.)
//!
//! Both readers cut bytes into lines with one decoder, [`ConsoleCodec`],
//! which refuses lines longer than a maximum, so a 100 kB line cannot make a
//! number prompt eat memory. Every way a line can go wrong comes back as an
//! [`Input`] value (end of input, invalid UTF-8, a line too long, a read
//! error), and reading goes on after the recoverable ones. Nothing here
//! panics.
//!
//! ## Prompts
//!
//! A prompt is shown only when the reader is about to wait: lines pasted or
//! typed ahead are read without a prompt in front of each, so prompts never
//! pile up on one line. Output from other tasks moves off the prompt's line
//! and draws the prompt again (see [`output`](crate::output)). When stdin is
//! not a terminal (a pipe, a file, a test) there is nobody to prompt; each
//! line read is echoed after the prompt instead, so the output reads like
//! the session it replaces.
//!
//! ## Numbers
//!
//! [`Console::number`] and [`LineReader::number`] are the seed's input loop
//! (`if not n.strip().isdigit(): break`) with every bad line answered: a line
//! that is not a number ends input, as in the original; a line too long, not
//! UTF-8, or a number too large gets a message and the prompt again. Once
//! input is over, lines still typed get a note that they were not taken,
//! rather than vanishing without a word.

use std::io::{self, Cursor, IsTerminal, Read};

use futures::StreamExt;
use tokio::io::AsyncRead;
use tokio::sync::mpsc;
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, FramedRead, LinesCodec, LinesCodecError};
use tokio_util::io::StreamReader;

use crate::interrupt::{Pending, Stage};

/// The longest line the stdin readers accept, in bytes. Far more than any
/// number anybody types; far less than what a runaway pipe could send.
pub const MAX_LINE: usize = 1024;

/// At most this many lines typed after input ended are answered one by one.
const MAX_LATE_NOTES: usize = 5;

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
/// input had ended. Turning the two recoverable errors into items keeps the
/// stream going with no such trap.
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

/// A line read as a whole number, no larger than some maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number<T> {
    /// Digits only (spaces around are fine), at most the maximum.
    Valid(T),
    /// Digits only, but more than the maximum (or more than the type holds).
    TooLarge,
    /// Anything else, an empty line included: the originals' signal that
    /// input is over (`not n.strip().isdigit()`).
    NotANumber,
}

/// Reads `line` as a number of type `T`: ASCII digits only, at most `max`.
///
/// ```
/// use shared::console::{Number, parse_number};
/// assert_eq!(parse_number::<u64>(" 12 ", 100), Number::Valid(12));
/// assert_eq!(parse_number::<u8>("300", u8::MAX), Number::TooLarge);
/// assert_eq!(parse_number::<u64>("-1", 100), Number::NotANumber);
/// ```
pub fn parse_number<T>(line: &str, max: T) -> Number<T>
where
    T: std::str::FromStr + PartialOrd + Copy,
{
    let digits = line.trim();
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Number::NotANumber;
    }
    // Only digits: parsing fails only by overflow.
    match digits.parse::<T>() {
        Ok(number) if number <= max => Number::Valid(number),
        _ => Number::TooLarge,
    }
}

/// What a number prompt does with one [`Input`].
enum Verdict<T> {
    /// A number: hand it over.
    Take(T),
    /// A bad line: say why (on stderr) and ask again.
    Retry(String),
    /// Input is over; say why, if there is something to say.
    End(Option<String>),
}

impl<T> Verdict<T> {
    /// Says what needs saying; `Some(answer)` ends the prompt's loop with
    /// `answer`, `None` asks again.
    fn settle(self) -> Option<Option<T>> {
        match self {
            Verdict::Take(number) => Some(Some(number)),
            Verdict::Retry(why) => {
                crate::eprintln!("{why}");
                None
            }
            Verdict::End(why) => {
                if let Some(why) = why {
                    crate::println!("{why}");
                }
                Some(None)
            }
        }
    }
}

/// [`judge`], counting a number taken into `counting` (before anything is
/// echoed, so that the count is never behind what the user can see).
fn judge_counted<T>(input: &Input, max: T, counting: Option<&Pending>) -> Verdict<T>
where
    T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display,
{
    let verdict = judge(input, max);
    if let (Verdict::Take(number), Some(pending)) = (&verdict, counting) {
        pending.add_item(number);
    }
    verdict
}

fn judge<T>(input: &Input, max: T) -> Verdict<T>
where
    T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display,
{
    match input {
        Input::Line(line) => match parse_number(line, max) {
            Number::Valid(number) => Verdict::Take(number),
            Number::TooLarge => Verdict::Retry(format!(
                "{} is too large: at most {max} here. Try again.",
                crate::shorten(line.trim(), 40)
            )),
            Number::NotANumber => {
                Verdict::End(Some(format!("{:?} is not a number: no more input.", crate::shorten(line, 40))))
            }
        },
        Input::TooLong { max } => Verdict::Retry(format!("That line is longer than {max} bytes: skipped.")),
        Input::InvalidUtf8 => Verdict::Retry("That line is not valid UTF-8 text: skipped.".into()),
        Input::Eof => Verdict::End(None),
        Input::Failed(error) => {
            Verdict::End(Some(format!("Cannot read the input ({error}): no more input.")))
        }
    }
}

/// How a reader shows its prompt (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prompting {
    /// stdin is a terminal: show the prompt while waiting.
    Interactive,
    /// stdin is a pipe or a file: echo each line after the prompt.
    Echo,
}

impl Prompting {
    fn for_stdin() -> Prompting {
        if io::stdin().is_terminal() { Prompting::Interactive } else { Prompting::Echo }
    }

    fn before_read(self, prompt: &str, line_ready: bool) {
        if self == Prompting::Interactive {
            crate::output::prompt_waiting(prompt, line_ready);
        }
    }

    fn after_read(self, prompt: &str, input: &Input) {
        let line_ended = matches!(input, Input::Line(_) | Input::TooLong { .. } | Input::InvalidUtf8);
        match self {
            Prompting::Interactive => crate::output::prompt_done(line_ended),
            Prompting::Echo => match input {
                Input::Line(line) => crate::println!("{prompt}{}", crate::shorten(line, 80)),
                Input::TooLong { max } => crate::println!("{prompt}(a line of more than {max} bytes)"),
                Input::InvalidUtf8 => crate::println!("{prompt}(a line that is not UTF-8 text)"),
                Input::Eof | Input::Failed(_) => {}
            },
        }
    }
}

/// Lines from an async reader: stdin in the lessons, a byte slice in tests.
#[derive(Debug)]
pub struct Console<R> {
    frames: FramedRead<R, ConsoleCodec>,
    ended: bool,
    prompting: Prompting,
    /// When triggered, input is over (the first Ctrl-C).
    closed_by: Option<Stage>,
    /// Counts each number handed out (see [`Console::counting`]).
    counting: Option<Pending>,
}

impl Console<StdinReader> {
    /// The process's stdin, read on a thread of its own (see the module
    /// docs), with lines of at most [`MAX_LINE`] bytes.
    ///
    /// Call it once: the thread owns stdin until input ends. It never holds
    /// the program open: when `main` returns, the process exits even if the
    /// thread is still waiting for a key.
    pub fn stdin() -> Console<StdinReader> {
        let mut console = Console::new(stdin_reader(), MAX_LINE);
        console.prompting = Prompting::for_stdin();
        console
    }
}

impl<R: AsyncRead + Unpin> Console<R> {
    /// Lines from `reader`, of at most `max_line` bytes. Prompts are echoed
    /// (see the module docs): `reader` is not a terminal.
    pub fn new(reader: R, max_line: usize) -> Console<R> {
        Console {
            frames: FramedRead::new(reader, ConsoleCodec::new(max_line)),
            ended: false,
            prompting: Prompting::Echo,
            closed_by: None,
            counting: None,
        }
    }

    /// Input also ends when `stage` is triggered (the first Ctrl-C): a
    /// waiting [`Console::number`] returns `None` at once.
    pub fn closed_by(mut self, stage: Stage) -> Console<R> {
        self.closed_by = Some(stage);
        self
    }

    /// Each number [`Console::number`] hands out is added to `pending`
    /// ([`Pending::add_item`], named by the number) before it is echoed or
    /// returned, so a Ctrl-C message that reads the count never misses a
    /// number the program has already taken; whoever finishes it calls
    /// [`Pending::done_item`] with it.
    pub fn counting(mut self, pending: Pending) -> Console<R> {
        self.counting = Some(pending);
        self
    }

    /// Waits for the next line without blocking the runtime.
    ///
    /// When lines arrive faster than the program handles them (a large file
    /// piped in), they are already in the buffer and would never make the
    /// caller wait; so every line spends a unit of tokio's cooperative
    /// budget, and about every 128 lines the reading task yields to the
    /// others (the worker, the Ctrl-C listener).
    pub async fn read_line(&mut self) -> Input {
        if self.ended {
            return Input::Eof;
        }
        tokio::task::coop::consume_budget().await;
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

    /// Shows `prompt` and waits for a line: `await ainput(prompt)`.
    pub async fn prompt(&mut self, prompt: &str) -> Input {
        let input = self.prompt_unechoed(prompt).await;
        self.prompting.after_read(prompt, &input);
        input
    }

    /// [`Console::prompt`] without the echo or the end of the prompt line.
    async fn prompt_unechoed(&mut self, prompt: &str) -> Input {
        let line_ready = self.frames.read_buffer().contains(&b'\n');
        self.prompting.before_read(prompt, line_ready);
        self.read_line().await
    }

    /// The next number typed at `prompt`, at most `max`; `None` once input is
    /// over (see the module docs).
    pub async fn number<T>(&mut self, prompt: &str, max: T) -> Option<T>
    where
        T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display,
    {
        loop {
            let closed_by = self.closed_by.clone().unwrap_or_default();
            let input = tokio::select! {
                biased; // Ctrl-C wins over a line that is also ready
                () = closed_by.triggered() => {
                    crate::output::prompt_done(false);
                    return None;
                }
                input = self.prompt_unechoed(prompt) => input,
            };
            let verdict = judge_counted(&input, max, self.counting.as_ref());
            self.prompting.after_read(prompt, &input);
            if let Some(answer) = verdict.settle() {
                return answer;
            }
        }
    }
}

impl<R: AsyncRead + Unpin + Send + 'static> Console<R> {
    /// Input is over: from now on, lines that still arrive are answered on
    /// stderr (the first few one by one) instead of being swallowed. Needs a
    /// tokio runtime; the answering task ends with input.
    pub fn answer_late_lines(mut self, why: &'static str) {
        if self.ended {
            return;
        }
        tokio::spawn(async move {
            let mut answered = 0;
            loop {
                let input = self.read_line().await;
                if matches!(input, Input::Eof | Input::Failed(_)) {
                    return;
                }
                answered += 1;
                if !late_note(&input, answered, why) {
                    return;
                }
            }
        });
    }
}

/// Answers one line that came after input ended; false once enough were.
fn late_note(input: &Input, answered: usize, why: &str) -> bool {
    let what = match input {
        Input::Line(line) => format!("{:?}", crate::shorten(line, 40)),
        _ => "that line".to_string(),
    };
    if answered < MAX_LATE_NOTES {
        crate::eprintln!("Input is over ({why}): {what} was not taken.");
        true
    } else {
        crate::eprintln!("Input is over ({why}): {what} and any later lines are not taken.");
        false
    }
}

/// Lines from a blocking reader, for synchronous code: the same lines,
/// limits and answers as [`Console`], with no runtime.
#[derive(Debug)]
pub struct LineReader<R> {
    reader: R,
    codec: ConsoleCodec,
    buffer: BytesMut,
    ended: bool,
    prompting: Prompting,
    counting: Option<Pending>,
}

impl LineReader<io::Stdin> {
    /// The process's stdin, with lines of at most [`MAX_LINE`] bytes.
    pub fn stdin() -> LineReader<io::Stdin> {
        let mut reader = LineReader::new(io::stdin(), MAX_LINE);
        reader.prompting = Prompting::for_stdin();
        reader
    }
}

impl<R: Read> LineReader<R> {
    /// Lines from `reader`, of at most `max_line` bytes (prompts are echoed).
    pub fn new(reader: R, max_line: usize) -> LineReader<R> {
        LineReader {
            reader,
            codec: ConsoleCodec::new(max_line),
            buffer: BytesMut::new(),
            ended: false,
            prompting: Prompting::Echo,
            counting: None,
        }
    }

    /// Each number handed out is added to `pending` first (see
    /// [`Console::counting`]).
    pub fn counting(mut self, pending: Pending) -> LineReader<R> {
        self.counting = Some(pending);
        self
    }

    /// Blocks until the next line (or the end of input).
    pub fn read_line(&mut self) -> Input {
        if self.ended {
            return Input::Eof;
        }
        let input = loop {
            match self.codec.decode(&mut self.buffer) {
                Ok(Some(input)) => break input,
                Ok(None) => {}
                Err(error) => break Input::Failed(error),
            }
            let mut chunk = [0; 8 * 1024];
            match self.reader.read(&mut chunk) {
                Ok(0) => {
                    break match self.codec.decode_eof(&mut self.buffer) {
                        Ok(Some(input)) => input,
                        Ok(None) => Input::Eof,
                        Err(error) => Input::Failed(error),
                    };
                }
                Ok(read) => self.buffer.extend_from_slice(&chunk[..read]),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => break Input::Failed(error),
            }
        };
        if matches!(input, Input::Eof | Input::Failed(_)) {
            self.ended = true;
        }
        input
    }

    /// Shows `prompt` and blocks until a line: Python's `input(prompt)`.
    pub fn prompt(&mut self, prompt: &str) -> Input {
        let input = self.prompt_unechoed(prompt);
        self.prompting.after_read(prompt, &input);
        input
    }

    fn prompt_unechoed(&mut self, prompt: &str) -> Input {
        self.prompting.before_read(prompt, self.buffer.contains(&b'\n'));
        self.read_line()
    }

    /// The next number typed at `prompt`, at most `max`; `None` once input is
    /// over (see the module docs).
    pub fn number<T>(&mut self, prompt: &str, max: T) -> Option<T>
    where
        T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display,
    {
        loop {
            let input = self.prompt_unechoed(prompt);
            let verdict = judge_counted(&input, max, self.counting.as_ref());
            self.prompting.after_read(prompt, &input);
            if let Some(answer) = verdict.settle() {
                return answer;
            }
        }
    }
}

impl<R: Read + Send + 'static> LineReader<R> {
    /// Input is over: lines that still arrive are answered on stderr, from a
    /// thread of their own (see [`Console::answer_late_lines`]).
    pub fn answer_late_lines(mut self, why: &'static str) {
        if self.ended {
            return;
        }
        let _ = std::thread::Builder::new().name("late input".into()).spawn(move || {
            let mut answered = 0;
            loop {
                let input = self.read_line();
                if matches!(input, Input::Eof | Input::Failed(_)) {
                    return;
                }
                answered += 1;
                if !late_note(&input, answered, why) {
                    return;
                }
            }
        });
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
    use crate::output::Capture;

    fn describe(input: &Input) -> String {
        match input {
            Input::Line(line) => format!("line {line}"),
            Input::TooLong { max } => format!("too long (max {max})"),
            Input::InvalidUtf8 => "invalid utf-8".into(),
            Input::Eof => "eof".into(),
            Input::Failed(error) => format!("failed {error}"),
        }
    }

    async fn read_all(bytes: &[u8], max: usize) -> Vec<String> {
        let mut console = Console::new(bytes, max);
        let mut seen = Vec::new();
        loop {
            let input = console.read_line().await;
            seen.push(describe(&input));
            if matches!(input, Input::Eof | Input::Failed(_)) {
                return seen;
            }
        }
    }

    /// The blocking reader must agree with the async one on every input.
    fn read_all_blocking(bytes: &[u8], max: usize) -> Vec<String> {
        let mut reader = LineReader::new(bytes, max);
        let mut seen = Vec::new();
        loop {
            let input = reader.read_line();
            seen.push(describe(&input));
            if matches!(input, Input::Eof | Input::Failed(_)) {
                return seen;
            }
        }
    }

    async fn both(bytes: &[u8], max: usize) -> Vec<String> {
        let lines = read_all(bytes, max).await;
        assert_eq!(lines, read_all_blocking(bytes, max), "the two readers disagree on {bytes:?}");
        lines
    }

    #[test]
    fn numbers_are_digits_within_the_maximum() {
        assert_eq!(parse_number(" 12 ", 100u64), Number::Valid(12));
        assert_eq!(parse_number("0", 100u64), Number::Valid(0));
        assert_eq!(parse_number("101", 100u64), Number::TooLarge);
        assert_eq!(parse_number("99999999999999999999999", u64::MAX), Number::TooLarge);
        assert_eq!(parse_number("256", u8::MAX), Number::TooLarge);
        for not_a_number in ["", "  ", "abc", "-1", "+1", "1.5", "1 2", "١"] {
            assert_eq!(parse_number(not_a_number, 100u64), Number::NotANumber, "{not_a_number:?}");
        }
    }

    #[tokio::test]
    async fn lines_with_and_without_a_final_newline() {
        assert_eq!(both(b"1\r\n2\nabc", 64).await, ["line 1", "line 2", "line abc", "eof"]);
    }

    #[tokio::test]
    async fn empty_input_is_eof_and_stays_eof() {
        assert_eq!(both(b"", 64).await, ["eof"]);
        let mut console = Console::new(&b""[..], 64);
        assert!(matches!(console.read_line().await, Input::Eof));
        assert!(matches!(console.read_line().await, Input::Eof));
    }

    #[tokio::test]
    async fn invalid_utf8_is_skipped_and_reading_goes_on() {
        assert_eq!(both(b"1\n\xff\xfe\n2\n", 64).await, ["line 1", "invalid utf-8", "line 2", "eof"]);
    }

    #[tokio::test]
    async fn an_over_long_line_is_reported_once_and_skipped() {
        let mut input = b"1\n".to_vec();
        input.extend(std::iter::repeat_n(b'7', 100_000));
        input.extend(b"\n2\n");
        assert_eq!(both(&input, 1024).await, ["line 1", "too long (max 1024)", "line 2", "eof"]);
        assert_eq!(both(&[b'9'; 5000], 1024).await, ["too long (max 1024)", "eof"]);
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

    #[tokio::test]
    async fn a_number_prompt_answers_bad_lines_and_stops_at_a_non_number() {
        let capture = Capture::start();
        let input = b"1\n\xff\n99999\n2\nabc\n3\n";
        let mut console = Console::new(&input[..], 64);
        let mut numbers = Vec::new();
        while let Some(number) = console.number("n? ", 1000u64).await {
            numbers.push(number);
        }
        assert_eq!(numbers, [1, 2]);
        assert_eq!(
            capture.texts(),
            [
                "n? 1",
                "n? (a line that is not UTF-8 text)",
                "That line is not valid UTF-8 text: skipped.",
                "n? 99999",
                "99999 is too large: at most 1000 here. Try again.",
                "n? 2",
                "n? abc",
                "\"abc\" is not a number: no more input.",
            ]
        );
        // The same session through the blocking reader.
        let blocking = Capture::start();
        let mut reader = LineReader::new(&input[..], 64);
        let mut again = Vec::new();
        while let Some(number) = reader.number("n? ", 1000u64) {
            again.push(number);
        }
        assert_eq!(again, numbers);
        assert_eq!(blocking.texts(), capture.texts());
    }

    #[tokio::test]
    async fn lines_typed_after_input_ended_are_answered_not_swallowed() {
        let capture = Capture::start();
        let mut console = Console::new(&b"abc\n7\n8\n"[..], 64);
        assert_eq!(console.number("n? ", 10u64).await, None);
        console.answer_late_lines("the queue is draining");
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        let notes: Vec<String> =
            capture.texts().into_iter().filter(|text| text.starts_with("Input is over")).collect();
        assert_eq!(
            notes,
            [
                "Input is over (the queue is draining): \"7\" was not taken.",
                "Input is over (the queue is draining): \"8\" was not taken.",
            ]
        );
    }

    #[tokio::test]
    async fn a_closed_console_stops_waiting_at_once() {
        let (_writer, reader) = tokio::io::duplex(64); // nothing is ever typed
        let closed = Stage::new();
        let mut console = Console::new(reader, 64).closed_by(closed.clone());
        closed.trigger();
        assert_eq!(console.number("n? ", 10u64).await, None);
    }

    #[tokio::test]
    async fn a_flood_of_buffered_lines_lets_other_tasks_run() {
        let lines = "1\n".repeat(10_000);
        let mut console = Console::new(lines.as_bytes(), 64);
        let other = tokio::spawn(async {});
        let mut read = 0;
        while !other.is_finished() {
            assert!(matches!(console.read_line().await, Input::Line(_)), "the other task never ran");
            read += 1;
        }
        assert!(read < 10_000, "read {read} lines before yielding");
    }
}
