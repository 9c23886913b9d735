//! The event loop's core is read in one sitting: one file, about 200 lines,
//! which both chapters show whole (one excerpt spanning the file), while
//! everything layered on it lives in `executor.rs`.

use std::path::{Path, PathBuf};

/// The longest the core may grow: "about 200 lines", with room for a
/// comment or two (it has 221), and far from the 921 lines the loop had in
/// one file.
const MOST_LINES: usize = 225;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

#[test]
fn the_core_is_one_short_file_anchored_from_its_first_line_to_its_last() {
    let core = read("lessons/coroutine/src/executor/core.rs");
    let lines: Vec<&str> = core.lines().collect();
    assert!(lines.len() <= MOST_LINES, "executor/core.rs has {} lines; at most {MOST_LINES}", lines.len());
    assert_eq!(lines.first(), Some(&"// ANCHOR: core"), "the anchor must open the file");
    assert_eq!(lines.last(), Some(&"// ANCHOR_END: core"), "the anchor must close the file");
    for piece in ["impl Wake for TaskWaker", "BinaryHeap", "pub fn spawn", "pub fn block_on"] {
        assert!(core.contains(piece), "the core holds {piece}");
    }
}

#[test]
fn both_chapters_show_the_core_whole() {
    for chapter in ["docs/en/coroutine.md", "docs/ru/coroutine.md"] {
        let text = read(chapter);
        assert!(
            text.contains("{{#include ../../lessons/coroutine/src/executor/core.rs:core}}"),
            "{chapter} does not include the core whole"
        );
    }
}

#[test]
fn the_core_alone_runs_tasks_and_lets_a_panic_end_its_loop() {
    use coroutine::executor::core::Core;
    use std::cell::Cell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::rc::Rc;

    let core = Core::new(|_| {});
    let ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&ran);
    core.spawn(async move { flag.set(true) });
    assert_eq!(core.block_on(async { 7 }), 7);
    assert!(ran.get(), "the task queued before the main future ran first");

    // What the chapter says of the core: it catches nothing (the layer in
    // executor.rs does); a task's panic unwinds out of `block_on`.
    core.spawn(async { panic!("nobody catches this") });
    let panic = catch_unwind(AssertUnwindSafe(|| core.block_on(std::future::pending::<()>()))).unwrap_err();
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"nobody catches this"));
}
