//! Tasks that need their data: `tokio::spawn` and `'static`.
//! Chapter: docs/en/async-io.md, section "N counters as tasks".
//!
//! This does not compile: read the error about the borrowed `name`.

/// Greets every name in its own task; returns the greetings in order.
pub async fn greet_all(names: &[String]) -> Vec<String> {
    let mut handles = Vec::new();
    for name in names {
        // The task owns its copy: it lives as long as the task does.
        let name = name.clone();
        handles.push(tokio::spawn(async move { format!("hello, {name}") }));
    }
    let mut greetings = Vec::new();
    for handle in handles {
        greetings.push(handle.await.unwrap());
    }
    greetings
}
