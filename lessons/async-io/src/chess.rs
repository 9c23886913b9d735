//! # `chess`: Judit Polgár's simultaneous exhibition
//!
//! Ports seed 004, "Multi Processing" (the chess exhibition, from Real
//! Python's asyncio walkthrough).
//!
//! Judit plays 24 amateurs. She needs 5 s per move, each of them 55 s, and a
//! game lasts 30 move pairs.
//!
//! - **Synchronously** she sits down at one board and stays until that game
//!   is over: 30 × (5 + 55) s = 30 min a game, 24 games = **12 h**.
//! - **Asynchronously** she makes one move at a board and walks on while that
//!   opponent thinks. One lap of the 24 boards takes her 24 × 5 s = 120 s,
//!   longer than anybody's 55 s of thinking, so she never waits: 30 laps take
//!   3,600 s. The seed stops counting there and says "1 hour"; but after her
//!   30th move at the last board, that opponent still replies, 55 s later.
//!   The exhibition ends at **3,655 s** (1:00:55), and that is what this
//!   program prints.
//!
//! Judit's attention is the one thing that cannot be shared: both versions
//! spend exactly 24 × 30 × 5 s = 1 h of her time. What async changes is that
//! the opponents' thinking, 24 × 30 × 55 s = 11 h of it, overlaps with her
//! moves instead of being waited for.
//!
//! 12 hours are not something to sit through in class, so this example runs on
//! the virtual clock by default and prints the totals at once. `--realtime
//! --speed N` plays it live, N times faster than real life.

use std::time::Duration;

use shared::Context;
use shared::Failure;
use shared::colors::{NOTE, paint, styled};
use shared::timing::{Clock, Stopwatch, hms};
use tokio::sync::mpsc;

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

    /// Play on the real clock instead of printing the totals at once.
    #[arg(long)]
    pub realtime: bool,

    /// With --realtime: how many times faster than real life.
    #[arg(long, value_name = "N", default_value_t = 60, requires = "realtime",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub speed: u32,
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
            speed: 60,
        }
    }
}

impl Args {
    /// The clock `chess` runs on: virtual, unless `--realtime` asks for the
    /// clock the common flags chose (and if that is `--instant`'s virtual
    /// one, [`run`] refuses the contradiction).
    pub fn clock(&self, requested: Clock) -> Clock {
        if self.realtime { requested } else { Clock::Virtual }
    }

    /// How long `simulated` takes on the run's clock: divided by `--speed`
    /// when playing live.
    fn scaled(&self, simulated: Duration) -> Duration {
        if self.realtime { simulated / self.speed } else { simulated }
    }

    fn judit_move(&self) -> Duration {
        self.scaled(Duration::from_secs(self.judit_secs))
    }

    fn opponent_move(&self) -> Duration {
        self.scaled(Duration::from_secs(self.opponent_secs))
    }
}

/// How long each exhibition lasted, in the exhibition's own time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The synchronous exhibition, if played.
    pub sync: Option<Duration>,
    /// The asynchronous exhibition, if played.
    pub asynchronous: Option<Duration>,
}

/// Plays the exhibitions `--mode` asks for and prints their lengths.
pub async fn run(args: &Args, context: &Context) -> Result<Report, Failure> {
    if args.realtime && context.clock.is_virtual() {
        return Err(Failure::new("--realtime and --instant contradict each other: choose one"));
    }
    let mut report = Report::default();
    if matches!(args.mode, Mode::Both | Mode::Sync) {
        report.sync = Some(play(args, context, "Synchronous", false).await);
    }
    if args.mode == Mode::Both {
        anstream::println!();
    }
    if matches!(args.mode, Mode::Both | Mode::Async) {
        report.asynchronous = Some(play(args, context, "Asynchronous", true).await);
    }
    if let (Some(sync), Some(asynchronous)) = (report.sync, report.asynchronous) {
        let ratio = sync.as_secs_f64() / asynchronous.as_secs_f64();
        anstream::println!("\nMoving from table to table made the exhibition {ratio:.1}× shorter.");
    }
    Ok(report)
}

/// Plays one exhibition and reports its length in simulated time.
async fn play(args: &Args, context: &Context, name: &str, asynchronous: bool) -> Duration {
    anstream::println!(
        "{name} exhibition: {} boards, {} move pairs, Judit {} s a move, opponents {} s.",
        args.boards,
        args.moves,
        args.judit_secs,
        args.opponent_secs
    );
    let stopwatch = Stopwatch::start(context.clock);
    if asynchronous {
        exhibition_async(args, context, &stopwatch).await;
    } else {
        exhibition_sync(args, context, &stopwatch);
    }
    let simulated = simulated(args, stopwatch.elapsed());
    let how = match context.clock {
        Clock::Virtual => "on the virtual clock".to_string(),
        Clock::Real => {
            format!("played live at {}× in {:.1} s", args.speed, stopwatch.wall_elapsed().as_secs_f64())
        }
    };
    anstream::println!(
        "{name}: the exhibition took {} ({} s) {}",
        hms(simulated),
        simulated.as_secs(),
        styled(NOTE, format_args!("({how})"))
    );
    simulated
}

/// A duration on the run's clock turned back into exhibition time.
fn simulated(args: &Args, elapsed: Duration) -> Duration {
    let simulated = if args.realtime { elapsed * args.speed } else { elapsed };
    // Live play overshoots each sleep by a little; round to whole seconds so
    // 3655.004 s reads as the 3655 s it stands for.
    Duration::from_secs(simulated.as_secs_f64().round() as u64)
}

// ANCHOR: sync
/// One game after another. Plain blocking code: Judit is busy (or waiting
/// for her opponent) every second of it.
fn exhibition_sync(args: &Args, context: &Context, stopwatch: &Stopwatch) {
    for board in 0..args.boards as usize {
        let _game = context.timeline.begin(board, format_args!("board {}", board + 1));
        for _ in 0..args.moves {
            context.clock.block_for(args.judit_move()); // Judit thinks
            context.clock.block_for(args.opponent_move()); // she waits for the reply
        }
        anstream::println!(
            "{}",
            paint(
                board,
                format_args!(
                    "  board {:>2}: game over at {}",
                    board + 1,
                    hms(simulated(args, stopwatch.elapsed()))
                )
            )
        );
    }
}
// ANCHOR_END: sync

// ANCHOR: async
/// A board's opponent: waits for Judit's move, thinks, replies.
async fn opponent(mut moves: mpsc::Receiver<u32>, replies: mpsc::Sender<u32>, think: Duration) {
    while let Some(move_number) = moves.recv().await {
        tokio::time::sleep(think).await; // thinking: Judit is elsewhere meanwhile
        if replies.send(move_number).await.is_err() {
            return; // Judit has left
        }
    }
}

/// Judit walks the boards: at each she waits for the reply to her last move
/// (it is long there by the time she is back), moves, and walks on.
async fn exhibition_async(args: &Args, context: &Context, stopwatch: &Stopwatch) {
    struct Board {
        to_opponent: mpsc::Sender<u32>,
        from_opponent: mpsc::Receiver<u32>,
        game: shared::timeline::SpanGuard,
    }
    let mut boards: Vec<Board> = (0..args.boards as usize)
        .map(|board| {
            let (to_opponent, moves) = mpsc::channel(1);
            let (replies, from_opponent) = mpsc::channel(1);
            tokio::spawn(opponent(moves, replies, args.opponent_move()));
            let game = context.timeline.begin(board, format_args!("board {}", board + 1));
            Board { to_opponent, from_opponent, game }
        })
        .collect();

    for move_number in 1..=args.moves {
        for board in &mut boards {
            if move_number > 1 {
                board.from_opponent.recv().await; // the reply to her last move
            }
            tokio::time::sleep(args.judit_move()).await; // Judit thinks: her time is not shared
            let _ = board.to_opponent.send(move_number).await;
        }
        anstream::println!(
            "{}",
            paint(
                move_number as usize,
                format_args!(
                    "  lap {move_number:>2}: Judit has moved on every board at {}",
                    hms(simulated(args, stopwatch.elapsed()))
                )
            )
        );
    }
    // The last replies: the game at each board ends when its opponent answers.
    for board in boards {
        let Board { mut from_opponent, game, .. } = board;
        from_opponent.recv().await;
        game.end();
    }
}
// ANCHOR_END: async
