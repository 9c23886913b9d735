//! `cargo run` at the root: the lesson index.

use anstyle::Style;
use course::catalog::LESSONS;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn main() {
    anstream::println!("{BOLD}Asynchronous and parallel programming in Rust{BOLD:#}: the lesson index\n");
    anstream::println!(
        "Run an example with the command under it. `--help` after a lesson's name lists its flags."
    );
    anstream::println!("Seed sections refer to the Python tutorials the examples port.\n");
    for (number, lesson) in LESSONS.iter().enumerate() {
        let status = if lesson.built { String::new() } else { format!(" {DIM}(coming){DIM:#}") };
        anstream::println!("{BOLD}{}. {}{BOLD:#}: {}{status}", number + 1, lesson.name, lesson.title);
        for example in lesson.examples {
            anstream::println!("   {BOLD}{:<14}{BOLD:#}{}", example.name, example.summary);
            anstream::println!(
                "   {:<14}{DIM}seed {} · {}{DIM:#}",
                "",
                example.seed,
                lesson.command(example)
            );
        }
        anstream::println!();
    }
}
