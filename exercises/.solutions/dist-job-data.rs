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
    let Some((name, argument)) = payload.split_once(' ') else {
        return Err(format!("{payload:?}: expected a job name, a space and a number"));
    };
    let number: u64 = argument.parse().map_err(|error| {
        format!("{payload:?}: {argument:?} is not a number from 0 to {}: {error}", u64::MAX)
    })?;
    match name {
        "square" => Ok(Job::Square(number)),
        "sleep" => Ok(Job::Sleep(number)),
        _ => Err(format!("{payload:?}: no job is named {name:?}")),
    }
}
