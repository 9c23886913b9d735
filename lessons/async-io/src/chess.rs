//! # `chess`: Judit Polgár's simultaneous exhibition
//!
//! Ports seed 004's chess exhibition (from Real Python's asyncio
//! walkthrough), which the seed tells in prose; here it runs.
//!
//! Judit plays 24 amateurs. She needs 5 s per move, each of them 55 s, and a
//! game lasts 30 move pairs. In this program **Judit is the CPU**: her move
//! holds the thread, as computation does, while an opponent's move is a wait
//! that can be awaited.
//!
//! - **Synchronously** she sits at one board until its game is over, waiting
//!   through every reply: 30 × (5 + 55) s = 30 min a game, 24 games =
//!   **12 h**.
//! - **Asynchronously** each game is a future. After her move at a board,
//!   the game awaits the opponent's reply, and the thread (Judit) goes on to
//!   the next board. One lap of the 24 boards takes her 24 × 5 s = 120 s,
//!   longer than anybody's 55 s of thinking, so she never waits: 30 laps take
//!   3,600 s. The seed stops counting there and says "1 hour"; but after her
//!   30th move at the last board, that opponent still replies, 55 s later.
//!   The exhibition ends at **3,655 s** (1:00:55), and that is what this
//!   program prints.
//!
//! Judit's time is the one thing that cannot be shared: both versions spend
//! exactly 24 × 30 × 5 s = 1 h of it. What async changes is that the
//! opponents' thinking, 24 × 30 × 55 s = 11 h of it, overlaps with her moves
//! instead of being waited for.
//!
//! Twelve hours are not something to sit through in class, so this example
//! runs on the virtual clock by default and prints the totals at once.
//! `--realtime --speed N` plays it live, N times faster than life (by default
//! 720 times: both exhibitions in about a minute).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use shared::cli::TimelineArg;
use shared::colors::{NOTE, styled};
use shared::compare::{Comparison, capitalize};
use shared::timing::{Clock, hms};
use shared::{Failure, Instrument, Options, println, span};
use tokio::sync::Notify;
use tokio::time::Instant;

// ANCHOR: sync
/// One game after another: Judit sits at a board until its game is over.
pub fn exhibition_sync(hall: &Hall) {
    for board in 0..hall.boards {
        span(board, format!("board {}", board + 1)).in_scope(|| {
            for _ in 0..hall.moves {
                hall.judit_moves(board); // she thinks: the thread is hers
                hall.opponent_moves_while_judit_waits(board); // and she sits through the reply
            }
            hall.game_over(board);
        });
    }
}
// ANCHOR_END: sync

// ANCHOR: async
/// One game, played table to table: Judit's move holds the thread, the
/// opponent's reply is awaited, and meanwhile the thread plays other boards.
pub async fn game(hall: &Hall, board: usize) {
    for _ in 0..hall.moves {
        hall.judit_moves(board); // she thinks: the thread is hers
        hall.opponent_moves(board).await; // she walks on while the opponent thinks
    }
    hall.game_over(board);
}

/// Every game at once, in one task. `FuturesUnordered` polls a game when
/// its reply has come, in the order the replies come: Judit goes to the
/// board that has been waiting longest.
pub async fn exhibition_async(hall: &Hall) {
    let mut games: FuturesUnordered<_> = (0..hall.boards)
        .map(|board| game(hall, board).instrument(span(board, format!("board {}", board + 1))))
        .collect();
    while games.next().await.is_some() {}
}
// ANCHOR_END: async

/// Which exhibitions to play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Both, synchronous first, and compare.
    Both,
    /// One game at a time.
    Sync,
    /// One move at a time, table to table.
    Async,
}

/// Flags of `chess`.
#[derive(clap::Args, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Args {
    /// Which exhibitions to play.
    #[arg(long, value_enum, default_value_t = Mode::Both)]
    pub mode: Mode,

    /// Number of opponents.
    #[arg(long, value_name = "N", default_value_t = 24,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub boards: u32,

    /// Move pairs per game.
    #[arg(long, value_name = "N", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub moves: u32,

    /// Seconds Judit needs per move.
    #[arg(long, value_name = "SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub judit_secs: u64,

    /// Seconds each opponent needs per move.
    #[arg(long, value_name = "SECONDS", default_value_t = 55,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub opponent_secs: u64,

    /// Play on the real clock, instead of printing the totals at once from
    /// the virtual clock (which the other examples call --instant).
    #[arg(long)]
    pub realtime: bool,

    /// With --realtime: how many times faster than real life.
    #[arg(long, value_name = "N", default_value_t = 720, requires = "realtime",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub speed: u32,

    /// The default already: the exhibitions run on the virtual clock.
    #[arg(long, hide = true, conflicts_with = "realtime")]
    pub instant: bool,

    /// `--timeline`.
    #[command(flatten)]
    pub timeline: TimelineArg,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            mode: Mode::Both,
            boards: 24,
            moves: 30,
            judit_secs: 5,
            opponent_secs: 55,
            realtime: false,
            speed: 720,
            instant: false,
            timeline: TimelineArg::default(),
        }
    }
}

/// Plays the exhibitions `--mode` asks for and prints their lengths.
pub fn run(args: &Args) -> ExitCode {
    let clock = if args.realtime { Clock::Real } else { Clock::Virtual };
    let options = Options::new().timeline(args.timeline).clock(clock);
    shared::run_async(options, || async move {
        let mut lengths = Vec::new();
        if matches!(args.mode, Mode::Both | Mode::Sync) {
            lengths.push(play(args, Mode::Sync).await);
        }
        if matches!(args.mode, Mode::Both | Mode::Async) {
            if !lengths.is_empty() {
                println!();
            }
            lengths.push(play(args, Mode::Async).await);
        }
        if let [sync, asynchronous] = lengths[..] {
            // Exhibition time is exact (a sum of the schedule's moves) on
            // either clock: no floor but the clock's resolution.
            let comparison = Comparison::new(sync, asynchronous).on(Clock::Virtual);
            println!(
                "\n{}.",
                capitalize(&comparison.sentence("moving from table to table was", "one game at a time"))
            );
        }
        Ok::<(), Failure>(())
    })
}

/// Plays one exhibition (`Sync` or `Async`) in a chart of its own and
/// reports its length in exhibition time.
async fn play(args: &Args, mode: Mode) -> Duration {
    let name = if mode == Mode::Sync { "Synchronous" } else { "Asynchronous" };
    println!(
        "{name} exhibition: {} boards, {} move pairs, Judit {} s a move, opponents {} s.",
        args.boards, args.moves, args.judit_secs, args.opponent_secs
    );
    let chart = shared::timeline::current().new_chart(format!("{name} exhibition"));
    let _chart = shared::timeline::install(chart);
    let hall = Hall::new(args);
    let started = std::time::Instant::now();
    match mode {
        Mode::Sync => exhibition_sync(&hall),
        _ => exhibition_async(&hall).await,
    }
    let length = hall.length();
    let how = if args.realtime {
        format!("played live at {}× in {:.1} s", args.speed, started.elapsed().as_secs_f64())
    } else {
        "on the virtual clock".to_string()
    };
    println!(
        "{name}: the exhibition took {} ({} s) {}",
        hms(length),
        length.as_secs(),
        styled(NOTE, format!("({how})"))
    );
    length
}

// ANCHOR: hall
/// The exhibition hall: the boards, and the schedule every move follows.
///
/// Times are kept in *exhibition time*: when each board is ready for Judit
/// and when Judit is free again. A move ends at a deadline computed from the
/// schedule, never at "now plus 5 s": on the real clock every sleep overruns
/// a little, and at `--speed 720` a millisecond late is 0.7 s of exhibition
/// time, which would add up over 1,440 moves. Sleeping until deadlines, the
/// live run prints the same times as the virtual one.
#[derive(Debug)]
pub struct Hall {
    /// Number of boards.
    pub boards: usize,
    /// Move pairs per game.
    pub moves: u32,
    judit_move: Duration,
    opponent_move: Duration,
    /// How many times faster than life (1 on the virtual clock).
    speed: u32,
    /// The run's clock, which Judit's blocking moves hold.
    clock: Clock,
    /// When the exhibition started, on that clock.
    start: Instant,
    /// When Judit is free again, in exhibition time.
    judit_free: Cell<Duration>,
    /// When each board is ready for Judit's next move, in exhibition time.
    board_ready: Vec<Cell<Duration>>,
    /// Live only: the boards whose reply is due and that Judit has not come
    /// back to yet, by the time the reply is due (then by board).
    replies_due: RefCell<BTreeSet<(Duration, usize)>>,
    /// Live only: told each time a board takes its turn.
    turn_taken: Notify,
}

impl Hall {
    /// A hall for the exhibition `args` describe, opening now on this
    /// thread's clock ([`Clock::current`]).
    pub fn new(args: &Args) -> Hall {
        Hall {
            boards: args.boards as usize,
            moves: args.moves,
            judit_move: Duration::from_secs(args.judit_secs),
            opponent_move: Duration::from_secs(args.opponent_secs),
            speed: if args.realtime { args.speed } else { 1 },
            clock: Clock::current(),
            start: Instant::now(),
            judit_free: Cell::new(Duration::ZERO),
            board_ready: vec![Cell::new(Duration::ZERO); args.boards as usize],
            replies_due: RefCell::new(BTreeSet::new()),
            turn_taken: Notify::new(),
        }
    }

    /// Whether the exhibition is played on the real clock.
    fn live(&self) -> bool {
        self.speed > 1 || !self.clock.is_virtual()
    }

    /// Judit moves at `board`: she starts when both she and the board are
    /// ready, and holds the thread until her move is done.
    pub fn judit_moves(&self, board: usize) {
        let done = self.judit_free.get().max(self.board_ready[board].get()) + self.judit_move;
        self.judit_free.set(done);
        self.board_ready[board].set(done);
        let now = Instant::now();
        let deadline = self.deadline(done);
        if deadline > now {
            // A blocking wait, like CPU work: no other board is played meanwhile.
            self.clock.block_for(deadline - now);
        }
    }

    /// The opponent at `board` thinks; the game awaits the reply.
    ///
    /// Live, replies due a few milliseconds apart can wake their games in
    /// either order, as the machine happens to run; so after its reply a game
    /// also waits its turn by the schedule: Judit goes to the board whose
    /// reply was due first. (On the virtual clock nothing is late, and the
    /// order is the runtime's, which exercise 3 of the chapter looks at.)
    pub async fn opponent_moves(&self, board: usize) {
        let reply = self.board_ready[board].get() + self.opponent_move;
        self.board_ready[board].set(reply);
        if !self.live() {
            return tokio::time::sleep_until(self.deadline(reply)).await;
        }
        self.replies_due.borrow_mut().insert((reply, board));
        tokio::time::sleep_until(self.deadline(reply)).await;
        loop {
            let turn_taken = self.turn_taken.notified();
            let mut turn_taken = std::pin::pin!(turn_taken);
            turn_taken.as_mut().enable(); // before looking, so that no turn is missed
            let our_turn = {
                let mut due = self.replies_due.borrow_mut();
                let ours = due.first() == Some(&(reply, board));
                if ours {
                    due.pop_first();
                }
                ours
            };
            if our_turn {
                self.turn_taken.notify_waiters(); // the next board may look now
                return;
            }
            turn_taken.await;
        }
    }

    /// The opponent at `board` thinks, and Judit sits there until the reply.
    pub fn opponent_moves_while_judit_waits(&self, board: usize) {
        let reply = self.board_ready[board].get() + self.opponent_move;
        self.board_ready[board].set(reply);
        self.judit_free.set(reply);
        let now = Instant::now();
        let deadline = self.deadline(reply);
        if deadline > now {
            self.clock.block_for(deadline - now);
        }
    }

    /// Prints when the game at `board` ended.
    pub fn game_over(&self, board: usize) {
        println!("board {:>2}: game over at {}", board + 1, hms(self.board_ready[board].get()));
    }

    /// How long the exhibition lasted: until the last game ended.
    pub fn length(&self) -> Duration {
        self.board_ready.iter().map(Cell::get).max().unwrap_or_default()
    }

    /// When `exhibition_time` falls on the run's clock.
    fn deadline(&self, exhibition_time: Duration) -> Instant {
        self.start + exhibition_time / self.speed
    }
}
// ANCHOR_END: hall
