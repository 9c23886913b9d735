//! `cargo run` at the root: the lesson index, and the exercise runner.

use std::process::ExitCode;

use anstyle::Style;
use clap::{Args, Parser, Subcommand};
use course::catalog::LESSONS;
use course::runner::{self, Lang};
use shared::cli::ColorArg;
use shared::println;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// The lesson index of the course: every lesson, its examples, the tutorial
/// section each ports, and the command that runs it. With a command: the
/// exercises.
#[derive(Parser)]
#[command(name = "course", version)]
struct Cli {
    #[command(flatten)]
    color: ColorArg,
    #[command(flatten)]
    lang: LangArg,
    #[command(subcommand)]
    command: Option<Command>,
}

/// The language of hints.
#[derive(Args)]
struct LangArg {
    /// Hints in this language [default: Russian when LANG starts with `ru`, else English]
    #[arg(long, global = true, value_enum)]
    lang: Option<Lang>,
}

#[derive(Subcommand)]
enum Command {
    /// List the exercises by lesson, with your progress.
    Exercises,
    /// Build and check one exercise; on failure, say why and give a hint.
    Check {
        /// The exercise's name, as `exercises` lists it.
        name: String,
    },
    /// Print an exercise's hint.
    Hint {
        /// The exercise's name.
        name: String,
    },
    /// Put an exercise's file back as it was given.
    Reset {
        /// The exercise's name.
        name: String,
    },
    /// Print a solution: once the exercise passes, or earlier with --force.
    Solution {
        /// The exercise's name.
        name: String,
        /// Show it although the exercise has not passed yet.
        #[arg(long)]
        force: bool,
    },
    /// For CI: every exercise fails as given, and passes with its solution.
    VerifyExercises {
        /// Only these exercises (all when none is named).
        names: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli: Cli = shared::cli::parse();
    cli.color.apply();
    let lang = Lang::resolve(cli.lang.lang);
    match cli.command {
        None => {
            index();
            ExitCode::SUCCESS
        }
        Some(Command::Exercises) => runner::list(lang),
        Some(Command::Check { name }) => runner::check(&name, lang),
        Some(Command::Hint { name }) => runner::hint(&name, lang),
        Some(Command::Reset { name }) => runner::reset(&name, lang),
        Some(Command::Solution { name, force }) => runner::solution(&name, force, lang),
        Some(Command::VerifyExercises { names }) => runner::verify(&names),
    }
}

fn index() {
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
    println!("{BOLD}Exercises{BOLD:#}: cargo run -- exercises");
}
