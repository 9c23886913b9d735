//! One color per task, so interleaved output can be read at a glance.
//!
//! The `rand` example of the originals gives each coroutine its own ANSI color.
//! Here the palette is indexed by task number and styles are written with
//! [`anstyle`]. Whether the escape codes reach the screen is decided once, by
//! [`anstream`]: every lesson prints through `anstream::println!`, which drops
//! the codes when stdout is not a terminal, when `NO_COLOR` is set, or under
//! `--color never`, and keeps them under `--color always`.

use std::fmt;

use anstyle::{AnsiColor, Style};

/// The colors tasks cycle through. The first three are the original's
/// (cyan, red, magenta); the rest keep neighbours apart.
const PALETTE: [AnsiColor; 12] = [
    AnsiColor::Cyan,
    AnsiColor::BrightRed,
    AnsiColor::Magenta,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Blue,
    AnsiColor::BrightCyan,
    AnsiColor::BrightMagenta,
    AnsiColor::BrightGreen,
    AnsiColor::BrightYellow,
    AnsiColor::BrightBlue,
    AnsiColor::Red,
];

/// When to color output: the value of `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// Color a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always color, even into a pipe or a file.
    Always,
    /// Never color.
    Never,
}

impl ColorWhen {
    /// Makes this choice the one every `anstream` print obeys.
    pub fn apply(self) {
        let choice = match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

/// The style of task number `task` (palette colors repeat after twelve).
pub fn style(task: usize) -> Style {
    Style::new().fg_color(Some(PALETTE[task % PALETTE.len()].into()))
}

/// Bold, for headings.
pub const HEADING: Style = Style::new().bold();

/// Dimmed, for notes that explain rather than report.
pub const NOTE: Style = Style::new().dimmed();

/// `value` displayed in the color of task number `task`.
pub fn paint<T: fmt::Display>(task: usize, value: T) -> Painted<T> {
    Painted { style: style(task), value }
}

/// `value` displayed in `style`.
pub fn styled<T: fmt::Display>(style: Style, value: T) -> Painted<T> {
    Painted { style, value }
}

/// A value wrapped in a style: displays as escape code, value, reset.
#[derive(Clone, Copy, Debug)]
pub struct Painted<T> {
    style: Style,
    value: T,
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.style.render(), self.value, self.style.render_reset())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn neighbouring_tasks_get_different_colors() {
        for task in 0..PALETTE.len() {
            assert_ne!(style(task), style(task + 1));
        }
        assert_eq!(style(0), style(PALETTE.len()), "the palette cycles");
    }

    #[test]
    fn painted_text_carries_escape_codes_that_anstream_can_strip() {
        let painted = paint(0, "One").to_string();
        assert!(painted.starts_with("\u{1b}["), "{painted:?}");
        assert!(painted.contains("One"));

        let mut always = anstream::AutoStream::new(Vec::new(), anstream::ColorChoice::Always);
        write!(always, "{painted}").unwrap();
        assert_eq!(always.into_inner(), painted.as_bytes());

        let mut never = anstream::AutoStream::new(Vec::new(), anstream::ColorChoice::Never);
        write!(never, "{painted}").unwrap();
        assert_eq!(never.into_inner(), b"One");
    }
}
