//! placeholder
use std::process::ExitCode;
/// Flags of `chat`.
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {}
/// Runs the example.
pub fn run(_args: &Args) -> ExitCode { ExitCode::SUCCESS }
