//! A future does nothing until it is awaited.
//! Chapter: docs/en/async-io.md, section "4. `read-file`: a future does nothing until awaited".

use std::time::Duration;

async fn save(note: &str) {
    tokio::time::sleep(Duration::from_millis(1)).await;
    println!("saved: {note}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Calling `save` only builds a future; `.await` runs it.
    save("groceries").await;
    save("homework").await;
    println!("all saved");
}
