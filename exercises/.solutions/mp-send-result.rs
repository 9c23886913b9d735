//! A child process computes; the parent gets only what the child sends.
//! Chapter: docs/en/multiprocess.md, section "2. `square`: a result comes back only if the child sends it".
//!
//! The program runs itself as the child: `mp-send-result child 4`.

use std::env;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = env::args().collect();
    match args.get(1..) {
        Some([role, number]) if role == "child" => child(number),
        _ => parent(),
    }
}

/// Runs in the child process.
fn child(number: &str) -> ExitCode {
    let Ok(number) = number.parse::<u64>() else { return ExitCode::FAILURE };
    let square = number * number;
    // The child's stdout is a pipe to the parent: the one way back.
    println!("{square}");
    ExitCode::SUCCESS
}

/// Runs in the parent: one child per number, and reads what each sends.
fn parent() -> ExitCode {
    let Ok(me) = env::current_exe() else { return ExitCode::FAILURE };
    for number in [2u64, 4] {
        let output = match Command::new(&me).args(["child", &number.to_string()]).output() {
            Ok(output) => output,
            Err(error) => {
                eprintln!("cannot start a child: {error}");
                return ExitCode::FAILURE;
            }
        };
        match String::from_utf8_lossy(&output.stdout).trim().parse::<u64>() {
            Ok(square) => println!("{number} squared is {square}"),
            Err(_) => println!("{number}: the child sent nothing back"),
        }
    }
    ExitCode::SUCCESS
}
