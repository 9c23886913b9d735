//! The parent waits for its children, and reads how each one ended.
//! Chapter: docs/en/multiprocess.md, section "1. `continents`: four child processes".
//!
//! The program runs itself as the children: `mp-exit-status child Asia`.

use std::env;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().collect();
    match args.get(1..) {
        Some([role, name]) if role == "child" => child(name),
        _ => parent(),
    }
}

/// Runs in a child process: fails on a continent that does not exist.
fn child(name: &str) -> ExitCode {
    if name == "Atlantis" { ExitCode::from(3) } else { ExitCode::SUCCESS }
}

/// Starts one child per continent, then waits for them all.
fn parent() -> ExitCode {
    let Ok(me) = env::current_exe() else { return ExitCode::FAILURE };
    let mut children = Vec::new();
    for name in ["Asia", "Atlantis", "Europe", "Africa"] {
        match Command::new(&me).args(["child", name]).spawn() {
            Ok(child) => children.push((name, child)),
            Err(error) => {
                eprintln!("cannot start a child: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    // TODO: `wait` returns how the child ended, and this ignores it. For a
    // child that failed, print "child NAME failed with exit code N"; if any
    // failed, print "some children failed" and return `ExitCode::FAILURE`.
    for (_name, mut child) in children {
        let _ = child.wait();
    }
    println!("all children finished");
    ExitCode::SUCCESS
}
