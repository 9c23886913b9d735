//! `cargo run` at the root: the lesson index.

use anstyle::Style;
use clap::Parser;
use course::catalog::LESSONS;
use shared::cli::ColorArg;
use shared::println;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// The lesson index of the course: every lesson, its examples, the tutorial
/// section each ports, and the command that runs it.
#[derive(Parser)]
#[command(name = "course", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,
}

fn main() {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    println!("{BOLD}Asynchronous and parallel programming in Rust{BOLD:#}: the lesson index\n");
    println!("Run an example with the command under it. `--help` after a lesson's name lists its flags.");
    println!("Seed sections refer to the Python tutorials the examples port.\n");
    for (number, lesson) in LESSONS.iter().enumerate() {
        let status = if lesson.built { String::new() } else { format!(" {DIM}(coming){DIM:#}") };
        println!("{BOLD}{}. {}{BOLD:#}: {}{status}", number + 1, lesson.name, lesson.title);
        for example in lesson.examples {
            println!("   {BOLD}{:<14}{BOLD:#}{}", example.name, example.summary);
            println!("   {:<14}{DIM}seed {} · {}{DIM:#}", "", example.seed, lesson.command(example));
        }
        println!();
    }
}
