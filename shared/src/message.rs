//! Typed messages between processes: one JSON object per line.
//!
//! A worker process shares no memory with its parent: whatever they tell
//! each other goes through a pipe ([`crate::process`]) as bytes. Python's
//! `multiprocessing` pickles objects into those bytes, and unpickling can run
//! code. Here a message is a plain Rust type that derives serde's
//! `Serialize` and `Deserialize`, written as one line of JSON; a line that
//! is not a message of the expected type is a [`BadMessage`] that says why,
//! never a guess, and never code.
//!
//! ```
//! #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
//! enum Order { Stop }
//!
//! let line = shared::message::encode(&Order::Stop);
//! assert_eq!(line, r#""Stop""#);
//! assert_eq!(shared::message::decode::<Order>(&line), Ok(Order::Stop));
//! assert!(shared::message::decode::<Order>("rm -rf /").is_err());
//! ```

use std::fmt;
use std::io;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::process::{Worker, send_to_parent};

/// A message as the line that carries it.
pub fn encode<T: Serialize>(message: &T) -> String {
    // A derived `Serialize` of plain data (numbers, strings, enums of them)
    // cannot fail, and JSON escapes every line break inside strings.
    serde_json::to_string(message).expect("plain data serializes")
}

/// Reads one line as a message of type `T`.
pub fn decode<T: DeserializeOwned>(line: &str) -> Result<T, BadMessage> {
    serde_json::from_str(line)
        .map_err(|error| BadMessage { line: crate::shorten(line, 60), error: error.to_string() })
}

/// Parent → worker: sends `message` down the worker's stdin.
pub fn send<T: Serialize>(worker: &mut Worker, message: &T) -> io::Result<()> {
    worker.send(&encode(message))
}

/// Worker → parent: sends `message` up this process's stdout.
pub fn reply<T: Serialize>(message: &T) -> io::Result<()> {
    send_to_parent(&encode(message))
}

/// A line that is not the message it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadMessage {
    /// The line, cut short if long.
    pub line: String,
    /// What serde found wrong with it.
    pub error: String,
}

impl fmt::Display for BadMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a message ({})", self.line, self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Sample {
        Text { text: String },
        Stop,
    }

    #[test]
    fn a_message_is_one_json_line_and_comes_back_equal() {
        let message = Sample::Text { text: "two\nlines, \"quoted\"".into() };
        let line = encode(&message);
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(line, r#"{"kind":"text","text":"two\nlines, \"quoted\""}"#);
        assert_eq!(decode::<Sample>(&line), Ok(message));
        assert_eq!(decode::<Sample>(r#"{"kind":"stop"}"#), Ok(Sample::Stop));
    }

    #[test]
    fn a_line_that_is_not_the_message_is_an_error_that_says_why() {
        for bad in ["hello", r#"{"kind":"fly"}"#, r#"{"kind":"text"}"#, ""] {
            let error = decode::<Sample>(bad).unwrap_err();
            assert_eq!(error.line, bad);
            assert!(error.to_string().contains("is not a message"), "{error}");
        }
    }
}
