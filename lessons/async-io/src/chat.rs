//! # `chat`: async IO on real sockets
//!
//! Beyond the seeds. The lesson's other examples wait on timers and files;
//! here the waits are what async IO is for: network connections. A chat
//! server accepts any number of clients on one thread, a task per client:
//!
//! - [`serve`] accepts connections and spawns a [`client`] task for each;
//! - a `broadcast` channel is the room: every client task sends its
//!   client's lines into it and receives everyone else's;
//! - each client task `select!`s between "a line from my client" and "a
//!   line from the others": both `FramedRead::next` and `broadcast`'s
//!   `recv` are cancellation-safe (see `select`), so the branch that loses
//!   loses nothing.
//!
//! Hardening, in the same task: a line longer than [`MAX_LINE`] bytes or
//! not UTF-8 is refused with a note to its sender, and the connection goes
//! on; a client that vanishes ends its task alone; a client too slow to read
//! is told how many lines it missed, and never holds up the room (the
//! channel drops its oldest lines for that client rather than wait).
//!
//! It listens on `127.0.0.1` (this machine only) unless `--bind` says
//! otherwise; `--connect ADDR` is the client, and `--demo` runs a server and
//! two scripted clients in one process.

use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use shared::cli::NoInstantArg;
use shared::console::{Console, ConsoleCodec, Input};
use shared::{Failure, Instrument, Options, println, span};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;
use tokio_util::codec::{FramedRead, FramedWrite, LinesCodec};

// ANCHOR: server
/// One line said in the room.
#[derive(Clone, Debug)]
pub struct Said {
    /// Who said it (`guest1`, …).
    pub from: String,
    /// What they said, or `* guest1 joined` / `* guest1 left`.
    pub text: String,
}

/// Accepts clients for ever, a task per client; all share one room.
pub async fn serve(listener: TcpListener) -> io::Result<()> {
    let (room, _) = broadcast::channel::<Said>(ROOM_BACKLOG);
    for number in 1_u64.. {
        let (socket, address) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of file descriptors, a connection reset before it was
            // taken: that client is lost, the server goes on.
            Err(error) => {
                println!("could not accept a connection: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let name = format!("guest{number}");
        println!("{name} connected from {}", address.ip());
        tokio::spawn(
            client(socket, name.clone(), room.clone()).instrument(span((number % 8) as usize, name)),
        );
    }
    Ok(())
}

/// One client's task: its lines go to the room, the others' lines to it.
pub async fn client(socket: TcpStream, name: String, room: broadcast::Sender<Said>) {
    let (reader, writer) = socket.into_split();
    let mut mine = FramedRead::new(reader, ConsoleCodec::new(MAX_LINE));
    let mut to_client = FramedWrite::new(writer, LinesCodec::new());
    let mut others = room.subscribe();
    let _ = room.send(Said { from: name.clone(), text: format!("* {name} joined") });
    let mut sent = to_client.send(format!("* welcome, you are {name}")).await;
    while sent.is_ok() {
        tokio::select! {
            line = mine.next() => match line {
                Some(Ok(Input::Line(text))) => {
                    println!("{name}: {text}");
                    let _ = room.send(Said { from: name.clone(), text });
                }
                Some(Ok(Input::TooLong { max })) => {
                    sent = to_client.send(format!("* not sent: a line may have at most {max} bytes")).await;
                }
                Some(Ok(Input::InvalidUtf8)) => {
                    sent = to_client.send("* not sent: that line was not UTF-8 text".to_string()).await;
                }
                // The client closed the connection, or it broke.
                _ => break,
            },
            said = others.recv() => match said {
                Ok(said) if said.from == name => {}
                Ok(said) if said.text.starts_with('*') => sent = to_client.send(said.text).await,
                Ok(said) => sent = to_client.send(format!("{}: {}", said.from, said.text)).await,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    sent = to_client.send(format!("* you missed {missed} lines: reading too slowly")).await;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
    println!("{name} left");
    let _ = room.send(Said { text: format!("* {name} left"), from: name });
}
// ANCHOR_END: server

// ANCHOR: connect
/// The client: lines typed go to the server, lines from it are printed.
pub async fn connect(address: &str) -> Result<(), Failure> {
    let socket = TcpStream::connect(address)
        .await
        .map_err(|error| Failure::new(format!("cannot connect to {address}: {error}")))?;
    let (reader, mut writer) = socket.into_split();
    let mut from_server = FramedRead::new(reader, ConsoleCodec::new(MAX_LINE));
    let mut keyboard = Console::stdin();
    loop {
        tokio::select! {
            typed = keyboard.read_line() => match typed {
                Input::Line(line) => {
                    let line = format!("{line}\n");
                    if writer.write_all(line.as_bytes()).await.is_err() {
                        return Err(Failure::new("the server closed the connection"));
                    }
                }
                Input::TooLong { max } => println!("* not sent: a line may have at most {max} bytes"),
                Input::InvalidUtf8 => println!("* not sent: that line was not UTF-8 text"),
                Input::Eof | Input::Failed(_) => return Ok(()),
            },
            line = from_server.next() => match line {
                Some(Ok(Input::Line(line))) => println!("{line}"),
                Some(Ok(_)) => println!("* the server sent a line that was too long or not text"),
                _ => return Err(Failure::new("the server closed the connection")),
            },
        }
    }
}
// ANCHOR_END: connect

/// The longest line a client may send, in bytes.
pub const MAX_LINE: usize = 1024;

/// How many lines the room keeps for a client that reads slowly, before
/// that client starts missing lines.
pub const ROOM_BACKLOG: usize = 256;

/// Where the server listens unless `--bind` says otherwise.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:7878";

/// How long the demo waits for a line before it calls the run failed.
pub const DEMO_PATIENCE: Duration = Duration::from_secs(10);

/// Flags of `chat`.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
#[command(after_help = "\
Two terminals: `cargo run -p async-io -- chat` in one, \
`cargo run -p async-io -- chat --connect 127.0.0.1:7878` in the other (and more).

By default the server listens on 127.0.0.1: only this machine can connect. \
For a class network, `--bind 0.0.0.0:7878` listens on every interface; the \
others connect to this machine's address on that network (`--connect \
192.168.1.20:7878`). Anyone who reaches that port can write to the room: \
do it on a network you trust, and stop the server (Ctrl-C) after the class. \
A firewall may have to allow the port.")]
pub struct Args {
    /// Listen on ADDR (default 127.0.0.1:7878: this machine only; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", conflicts_with_all = ["connect", "demo"])]
    pub bind: Option<String>,

    /// Be a client of the server at ADDR: send the lines typed, print the lines that come.
    #[arg(long, value_name = "ADDR", conflicts_with = "demo")]
    pub connect: Option<String>,

    /// A server and two scripted clients in this process, on a free loopback port.
    #[arg(long)]
    pub demo: bool,

    /// `--instant`, refused.
    #[command(flatten)]
    pub no_instant: NoInstantArg,
}

/// A scripted client of the demo: it says lines and prints what it gets.
struct Scripted {
    name: &'static str,
    lines: FramedRead<tokio::net::tcp::OwnedReadHalf, ConsoleCodec>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

impl Scripted {
    async fn join(address: SocketAddr, name: &'static str) -> Result<Scripted, Failure> {
        let socket = TcpStream::connect(address).await.map_err(|error| Failure::new(error.to_string()))?;
        let (reader, writer) = socket.into_split();
        let mut client =
            Scripted { name, lines: FramedRead::new(reader, ConsoleCodec::new(MAX_LINE)), writer };
        client.hears().await?;
        Ok(client)
    }

    /// Sends `bytes` as they are (a line ends with `\n`).
    async fn says(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.writer.write_all(bytes).await.map_err(|error| Failure::new(error.to_string()))
    }

    /// Waits for the next line from the server and prints it.
    async fn hears(&mut self) -> Result<(), Failure> {
        match tokio::time::timeout(DEMO_PATIENCE, self.lines.next()).await {
            Ok(Some(Ok(Input::Line(line)))) => {
                println!("  {} hears: {line}", self.name);
                Ok(())
            }
            _ => Err(Failure::new(format!("{} heard nothing from the server", self.name))),
        }
    }
}

/// The demo: a server on a free port and two scripted clients.
async fn demo() -> Result<(), Failure> {
    let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|error| Failure::new(error.to_string()))?;
    let address = listener.local_addr().map_err(|error| Failure::new(error.to_string()))?;
    println!("server: listening on 127.0.0.1 (a free port)");
    let server = tokio::spawn(serve(listener));
    let mut ada = Scripted::join(address, "ada").await?;
    let mut bob = Scripted::join(address, "bob").await?;
    ada.hears().await?; // bob joined
    ada.says(b"hello, bob\n").await?;
    bob.hears().await?;
    bob.says(b"hi ada\n").await?;
    ada.hears().await?;
    println!("bob sends a line of 5000 bytes, then bytes that are not UTF-8:");
    bob.says(format!("{}\n", "x".repeat(5000)).as_bytes()).await?;
    bob.hears().await?;
    bob.says(b"\xff\xfe\n").await?;
    bob.hears().await?;
    println!("bob vanishes:");
    drop(bob);
    ada.hears().await?;
    server.abort();
    Ok(())
}

/// Runs the server, the client or the demo.
pub fn run(args: &Args) -> ExitCode {
    if let Err(code) = args.no_instant.refuse("real sockets wait on the network, which no clock can skip") {
        return code;
    }
    shared::run_async(Options::new(), || async {
        if args.demo {
            return demo().await;
        }
        if let Some(address) = &args.connect {
            return connect(address).await;
        }
        let address = args.bind.as_deref().unwrap_or(DEFAULT_ADDRESS);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|error| Failure::new(format!("cannot listen on {address}: {error}")))?;
        let bound = listener.local_addr().map_err(|error| Failure::new(error.to_string()))?;
        println!("listening on {bound}; connect with: cargo run -p async-io -- chat --connect {bound}");
        if bound.ip().is_loopback() {
            println!("(this machine only; --help says how to open it to a class network)");
        }
        serve(listener).await.map_err(|error| Failure::new(format!("the server stopped: {error}")))
    })
}
