//! Writing a file so that it is never seen half-written.
//!
//! Writing `3.txt` in place leaves, for a moment, a file that exists but is
//! empty or cut short; a crash or a Ctrl-C at that moment leaves it broken for
//! good. Instead the bytes go to a hidden temporary file beside it, which is
//! flushed to disk and then *renamed* over the real name. A rename within one
//! folder replaces the name in one step (on Linux, macOS and Windows), so a
//! reader sees the old file or the whole new one, never a part.
//!
//! The temporary name is unique to the writer (its process id and a counter),
//! so two writers of the same file, such as a job redone by a second worker
//! while the first is still writing, never write into each other's
//! temporary file: the last rename wins, and both wrote whole files.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `contents` to `path` atomically (see the module docs).
///
/// On failure the temporary file is removed and `path` is untouched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temporary = temporary_path(path)?;
    let written = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents)?;
        // Make the bytes durable before the name points at them.
        file.sync_all()
    })();
    let renamed = written.and_then(|()| fs::rename(&temporary, path));
    if renamed.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    renamed
}

/// [`write_atomically`] on tokio's blocking threads, for async code: the
/// runtime's thread goes on running tasks while the disk works.
pub async fn write_atomically_async(path: PathBuf, contents: Vec<u8>) -> io::Result<()> {
    tokio::task::spawn_blocking(move || write_atomically(&path, &contents))
        .await
        .map_err(|join_error| io::Error::other(join_error.to_string()))?
}

/// `dir/.name.<pid>-<n>.tmp` beside `dir/name`: same folder, so the rename
/// cannot cross file systems; hidden, so nobody mistakes it for a result;
/// unique to this writer (see the module docs).
fn temporary_path(path: &Path) -> io::Result<PathBuf> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{} is not a file path", path.display()))
    })?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".{}-{}.tmp", std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed)));
    Ok(path.with_file_name(temporary_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("shared-files-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_replaces_and_leaves_no_temporary_file() {
        let dir = scratch("replace");
        let path = dir.join("1.txt");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"Hello, 1!").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "Hello, 1!");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(names, ["1.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = scratch("fail");
        // The target is a folder: the rename fails, and the temporary goes.
        let target = dir.join("taken");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), "x").unwrap();
        assert!(write_atomically(&target, b"data").is_err());
        let mut names: Vec<_> = fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["taken"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn writers_of_the_same_file_use_different_temporary_names() {
        let path = Path::new("out").join("3.txt");
        let first = temporary_path(&path).unwrap();
        let second = temporary_path(&path).unwrap();
        assert_ne!(first, second);
        assert_eq!(first.parent(), path.parent());
        assert!(first.file_name().unwrap().to_string_lossy().starts_with(".3.txt."));
    }

    #[test]
    fn concurrent_writers_of_one_file_both_succeed_and_leave_a_whole_file() {
        let dir = scratch("race");
        let path = dir.join("7.txt");
        std::thread::scope(|scope| {
            for writer in 0..8 {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..50 {
                        write_atomically(path, format!("Hello from writer {writer}!").as_bytes()).unwrap();
                    }
                });
            }
        });
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("Hello from writer ") && text.ends_with('!'), "{text}");
        let names: Vec<_> = fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(names, ["7.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let missing = std::env::temp_dir().join("no-such-dir-for-shared-files").join("1.txt");
        assert_eq!(write_atomically(&missing, b"x").unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
