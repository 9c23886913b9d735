//! A future does nothing until it is awaited.
//! Chapter: docs/en/async-io.md, section "4. `read-file`: a future does nothing until awaited".

use std::time::Duration;

async fn save(note: &str) {
    tokio::time::sleep(Duration::from_millis(1)).await;
    println!("saved: {note}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // TODO: the output lacks both "saved" lines, and the compiler warns
    // about these two lines: read the warning. What must happen to a future
    // for it to run?
    save("groceries");
    save("homework");
    println!("all saved");
}
