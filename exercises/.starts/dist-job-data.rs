//! A job is data: the worker reads a name and an argument, never code.
//! Chapter: docs/en/distributed.md, section "Bad payloads, bad flags".

/// The jobs a worker knows.
#[derive(Debug, PartialEq, Eq)]
pub enum Job {
    /// Square a number.
    Square(u64),
    /// Sleep this many seconds.
    Sleep(u64),
}

/// Reads a job from a queue entry such as `square 7`.
pub fn parse(payload: &str) -> Result<Job, String> {
    // TODO: anything can be in a Redis list. Every `unwrap` here is a worker
    // that dies on a bad entry. Return an `Err` that says what was wrong.
    let (name, argument) = payload.split_once(' ').unwrap();
    let number: u64 = argument.parse().unwrap();
    match name {
        "square" => Ok(Job::Square(number)),
        "sleep" => Ok(Job::Sleep(number)),
        _ => panic!("unknown job {name}"),
    }
}
