//! The chat server over real sockets: loopback only, a port the system
//! picks (port 0), every read bounded by a timeout so that a bug fails the
//! test instead of hanging it.

use std::time::Duration;

use async_io::chat::{MAX_LINE, serve};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// Long enough for a loaded machine, short enough to fail fast.
const PATIENCE: Duration = Duration::from_secs(10);

struct Client {
    lines: tokio::io::Lines<BufReader<OwnedReadHalf>>,
    writer: OwnedWriteHalf,
}

impl Client {
    async fn connect(address: std::net::SocketAddr) -> Client {
        let socket = tokio::time::timeout(PATIENCE, TcpStream::connect(address)).await.unwrap().unwrap();
        let (reader, writer) = socket.into_split();
        Client { lines: BufReader::new(reader).lines(), writer }
    }

    async fn says(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
    }

    async fn hears(&mut self) -> String {
        let line = tokio::time::timeout(PATIENCE, self.lines.next_line()).await;
        line.expect("no line within the patience").unwrap().expect("the server closed the connection")
    }
}

/// A server on 127.0.0.1, a free port; returns its address, and what the
/// server prints (a line per line it relays: 20,000 of them, a kilobyte
/// each, in the slow-reader test) kept out of the test's output while the
/// capture lives.
async fn server() -> (std::net::SocketAddr, shared::output::Capture) {
    let log = shared::output::Capture::start();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    assert!(address.ip().is_loopback());
    tokio::spawn(serve(listener));
    (address, log)
}

/// Connects a client and reads its welcome; then every earlier client
/// hears that it joined.
async fn join(address: std::net::SocketAddr, name: &str, earlier: &mut [&mut Client]) -> Client {
    let mut client = Client::connect(address).await;
    assert_eq!(client.hears().await, format!("* welcome, you are {name}"));
    for other in earlier {
        assert_eq!(other.hears().await, format!("* {name} joined"));
    }
    client
}

#[tokio::test]
async fn a_line_goes_to_every_other_client_and_a_disconnect_is_announced() {
    let (address, _log) = server().await;
    let mut one = join(address, "guest1", &mut []).await;
    let mut two = join(address, "guest2", &mut [&mut one]).await;
    let mut three = join(address, "guest3", &mut [&mut one, &mut two]).await;

    one.says(b"hello\r\n").await;
    assert_eq!(two.hears().await, "guest1: hello");
    assert_eq!(three.hears().await, "guest1: hello");
    // The sender does not hear its own line: its next line is the next event.
    three.says(b"hi\n").await;
    assert_eq!(one.hears().await, "guest3: hi");
    assert_eq!(two.hears().await, "guest3: hi");

    drop(two);
    assert_eq!(one.hears().await, "* guest2 left");
    assert_eq!(three.hears().await, "* guest2 left");
}

#[tokio::test]
async fn garbage_huge_lines_and_vanishing_clients_do_not_stop_the_server() {
    let (address, _log) = server().await;
    let mut one = join(address, "guest1", &mut []).await;
    let mut two = join(address, "guest2", &mut [&mut one]).await;

    // A megabyte without a newline, then its end: refused, and only to its sender.
    two.says(&vec![b'x'; 1 << 20]).await;
    two.says(b"\n").await;
    assert_eq!(two.hears().await, format!("* not sent: a line may have at most {MAX_LINE} bytes"));
    two.says(b"\xff\xfe\x00garbage\n").await;
    assert_eq!(two.hears().await, "* not sent: that line was not UTF-8 text");
    two.says(b"after the garbage\n").await;
    assert_eq!(one.hears().await, "guest2: after the garbage");

    // A client that vanishes in the middle of a line: its last words are
    // delivered as a line (the end of input ends the line), then its leaving.
    let mut three = join(address, "guest3", &mut [&mut one, &mut two]).await;
    three.says(b"half a li").await;
    drop(three);
    assert_eq!(one.hears().await, "guest3: half a li");
    assert_eq!(two.hears().await, "guest3: half a li");
    assert_eq!(one.hears().await, "* guest3 left");
    assert_eq!(two.hears().await, "* guest3 left");

    // The server still accepts and relays.
    let mut four = join(address, "guest4", &mut [&mut one, &mut two]).await;
    one.says(b"still here\n").await;
    assert_eq!(two.hears().await, "guest1: still here");
    assert_eq!(four.hears().await, "guest1: still here");
}

#[tokio::test]
async fn a_client_that_does_not_read_misses_lines_and_holds_nobody_up() {
    use async_io::chat::ROOM_BACKLOG;

    let (address, _log) = server().await;
    let mut one = join(address, "guest1", &mut []).await;
    let mut two = join(address, "guest2", &mut [&mut one]).await;
    let mut three = join(address, "guest3", &mut [&mut one, &mut two]).await;

    // Far more than the socket buffers and the room's backlog hold for
    // guest3, who reads nothing until the end.
    const LINES: usize = 20_000;
    // guest1 says them in batches smaller than the backlog, and guest2 reads
    // each batch before the next: guest2 keeps up, guest3 does not.
    const BATCH: usize = 100;
    let line = format!("{}\n", "x".repeat(1000));
    for _ in 0..LINES / BATCH {
        one.says(line.repeat(BATCH).as_bytes()).await;
        for _ in 0..BATCH {
            assert!(two.hears().await.starts_with("guest1: xxx"));
        }
    }
    // guest2 got every line while guest3 was stuck: the room was not held up.
    one.says(b"last\n").await;
    assert_eq!(two.hears().await, "guest1: last");

    // guest3 is told what it missed, then gets the rest.
    let mut heard = 0;
    let mut missed = None;
    loop {
        let line = three.hears().await;
        if line == "guest1: last" {
            break;
        }
        match line.strip_prefix("* you missed ") {
            Some(rest) => missed = Some(rest.split_whitespace().next().unwrap().parse::<usize>().unwrap()),
            None => heard += 1,
        }
    }
    let missed = missed.expect("guest3 was told it missed lines");
    assert_eq!(heard + missed, LINES, "every line either heard or counted as missed");
    assert!(missed > ROOM_BACKLOG, "missed {missed}");
}
