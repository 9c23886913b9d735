//! Lessons and examples (see the crate docs).

/// One lesson: one crate under `lessons/`.
#[derive(Debug)]
pub struct Lesson {
    /// The package name: `cargo run -p <name>`.
    pub name: &'static str,
    /// What the lesson is about, in a few words.
    pub title: &'static str,
    /// Whether the crate exists yet; lessons still to come are listed too.
    pub built: bool,
    /// Its examples, in teaching order.
    pub examples: &'static [Example],
}

/// One example: one subcommand of its lesson, one module of its crate.
#[derive(Debug)]
pub struct Example {
    /// The subcommand.
    pub name: &'static str,
    /// What it shows, in one line.
    pub summary: &'static str,
    /// The section of the seed tutorials it ports (`seeds/` beside COURSE.md).
    pub seed: &'static str,
}

impl Lesson {
    /// The command that runs `example` of this lesson.
    pub fn command(&self, example: &Example) -> String {
        format!("cargo run -p {} -- {}", self.name, example.name)
    }
}

/// The lesson named `name`.
pub fn lesson(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.name == name)
}

const fn example(name: &'static str, summary: &'static str, seed: &'static str) -> Example {
    Example { name, summary, seed }
}

/// Every lesson, in the order of the course.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        name: "multiprocess",
        title: "processes: separate memory, real parallelism",
        built: true,
        examples: &[
            example(
                "continents",
                "four child processes say their continent and pid; the parent waits for all",
                "003 §1 \"Multiple Processes\"",
            ),
            example(
                "square",
                "two child processes compute 2² and 4² and send the results back",
                "004 \"Multi Processing\"",
            ),
            example(
                "cpu-count",
                "how many processes can run in parallel here, and what limits it",
                "003 \"How many maximum parallel processes\"",
            ),
            example(
                "input-worker",
                "numbers typed on stdin go through a pipe to worker processes; none is lost",
                "000/001 \"Parallel Programming\"",
            ),
            example(
                "pipe",
                "a million numbers through a pipe to a worker, and their sum back",
                "000/001 \"Parallel Programming\" (the queue)",
            ),
        ],
    },
    Lesson {
        name: "threading",
        title: "threads: shared memory, and what it costs",
        built: true,
        examples: &[
            example(
                "square-cube",
                "two threads print a square and a cube; main joins them, then `Done!`",
                "003 §2 \"Multiple Threads\"",
            ),
            example(
                "thread-info",
                "thread ids and squares; names, liveness, detached threads, scopes",
                "004 \"Multi Threading\"",
            ),
            example(
                "race",
                "lost updates from load-then-store; fetch_add and Mutex count exactly",
                "004 \"Multi Threading\" (race conditions)",
            ),
            example(
                "deadlock",
                "two locks taken in opposite orders: detected, reported, then fixed",
                "004 \"Multi Threading\" (deadlocks)",
            ),
            example(
                "kitchen",
                "one cook against several: every dish once, and the overlap",
                "004 \"Multi Threading\" (the kitchen)",
            ),
            example(
                "cpu",
                "counting primes on 1 thread and on N: the speed-up, measured",
                "004 \"Multi Threading\" (several cores)",
            ),
            example(
                "send-sync",
                "why an Rc cannot cross to another thread and an Arc can: Send and Sync",
                "beyond the seeds (the races of 004 \"Multi Threading\")",
            ),
        ],
    },
    Lesson {
        name: "coroutine",
        title: "coroutines: functions that pause",
        built: true,
        examples: &[
            example(
                "print-name",
                "the prefix-filter coroutine as the state machine it is: prime, send, close",
                "003 §3 \"Coroutines using yield\"",
            ),
            example(
                "generator",
                "an Iterator: a function that pauses at each value and keeps its locals",
                "003 \"Async IO's Roots in Generators\"",
            ),
            example(
                "hand-polled",
                "a Future written and polled by hand, no runtime; .await passes Pending up",
                "003 \"Async IO's Roots in Generators\"",
            ),
            example(
                "event-loop",
                "an event loop from scratch, std only; the same count() on it and on tokio",
                "003 \"The Event Loop and asyncio.run()\"",
            ),
        ],
    },
    Lesson {
        name: "async-io",
        title: "async IO: many tasks, one thread",
        built: true,
        examples: &[
            example(
                "count",
                "`One` ×3 then `Two` ×3 in 1 s; --sync and --blocking take 3 s",
                "002 \"Async IO\"",
            ),
            example(
                "rand",
                "colored tasks retry random numbers until one beats their threshold",
                "002 \"Coroutine\"",
            ),
            example(
                "chain",
                "part1 then part2 per input; the longest chain sets the total",
                "002 \"Chaining Coroutines\"",
            ),
            example(
                "read-file",
                "an async function reads demo.txt between hello and world",
                "004 \"Asynchronous Programming\"",
            ),
            example(
                "stream",
                "async generators and comprehensions; buffer_unordered for concurrency",
                "003 \"async for and Async Generators + Comprehensions\"",
            ),
            example(
                "chess",
                "Judit Polgár's exhibition: 12 h one game at a time, 1:00:55 table to table",
                "004 \"Multi Processing\" (the chess exhibition)",
            ),
            example(
                "runtime",
                "the same tasks on one thread and on a thread per core; why spawn wants Send + 'static",
                "beyond the seeds",
            ),
            example(
                "select",
                "select!: a timeout cancels by dropping; what is lost; which mutex to hold across .await",
                "beyond the seeds",
            ),
            example(
                "chat",
                "a chat server on real sockets, a task per client, a broadcast channel; --connect",
                "beyond the seeds",
            ),
            example(
                "input-worker",
                "type numbers while a worker task sleeps and writes files",
                "000/001 \"Asynchronous Programming\"",
            ),
        ],
    },
    Lesson {
        name: "queue",
        title: "queues: producers and consumers",
        built: true,
        examples: &[
            example(
                "asyncq",
                "producer and consumer tasks around a queue; how long each item waited; --capacity pushes back",
                "002 \"Queue\"",
            ),
            example(
                "threads",
                "the same producers and consumers on OS threads, blocking on the same channel",
                "003 \"Using a queue\"",
            ),
        ],
    },
    Lesson {
        name: "pool",
        title: "pools: parallel map over a table",
        built: true,
        examples: &[
            example("sequential", "the plain loop: the baseline", "003 \"Parallel processing\" §4"),
            example(
                "apply",
                "one task per row: correct, and slower than the loop",
                "003 \"Parallel processing\" §5.1",
            ),
            example(
                "map",
                "chunked parallel map, results in order; home-made pool and rayon",
                "003 \"Parallel processing\" §5.2",
            ),
            example(
                "starmap",
                "a function of several arguments per item",
                "003 \"Parallel processing\" §5.3",
            ),
            example(
                "apply-async",
                "results out of order, placed by index by a callback",
                "003 \"Parallel processing\" §6.1",
            ),
            example("map-async", "submit now, collect later", "003 \"Parallel processing\" §6"),
            example(
                "starmap-async",
                "submit now, collect later, several arguments",
                "003 \"Parallel processing\" §6.2",
            ),
            example(
                "compare",
                "every method on the same data: times, speed-ups, equal results (the default)",
                "003 \"Parallel processing\" §4–§6",
            ),
            example(
                "dataframe",
                "a hypotenuse per row, per column and over the whole table, with rayon",
                "003 \"Parallel processing\" §7",
            ),
        ],
    },
    Lesson {
        name: "distributed",
        title: "a Redis job queue for workers on many machines; nothing lost",
        built: true,
        examples: &[
            example(
                "enqueue",
                "put jobs (count-range, sleep, fail) in a Redis queue; print their ids",
                "003 \"Using Redis and Redis Queue RQ\"",
            ),
            example(
                "worker",
                "take jobs, run them, store results; a dead worker's job comes back; --burst ends when empty",
                "003 \"Using Redis and Redis Queue RQ\"",
            ),
            example(
                "status",
                "counts by status, the latest failures, and a job's result",
                "003 \"Using Redis and Redis Queue RQ\"",
            ),
            example(
                "demo",
                "enqueue a batch, start worker processes, check the sum, print throughput",
                "003 \"Using Redis and Redis Queue RQ\"",
            ),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lookups_work() {
        let mut names: Vec<_> = LESSONS.iter().map(|lesson| lesson.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LESSONS.len());
        for lesson in LESSONS {
            let mut examples: Vec<_> = lesson.examples.iter().map(|example| example.name).collect();
            examples.sort_unstable();
            examples.dedup();
            assert_eq!(examples.len(), lesson.examples.len(), "{}", lesson.name);
        }
        assert_eq!(lesson("async-io").unwrap().examples.len(), 10);
        assert!(lesson("nope").is_none());
    }

    #[test]
    fn built_lessons_are_exactly_the_crates_under_lessons() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for lesson in LESSONS {
            let exists = root.join("lessons").join(lesson.name).join("Cargo.toml").exists();
            assert_eq!(exists, lesson.built, "{}: crate exists = {exists}", lesson.name);
        }
    }
}
