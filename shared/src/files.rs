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
//!
//! A write cut short leaves no temporary file behind either. A program that
//! ends early through [`crate::process::exit`] removes its own; a worker
//! process killed half-way (`kill -9`) cannot, so its parent removes what it
//! left ([`remove_left_by`], which [`Worker::wait`](crate::process::Worker::wait)
//! calls): the process id in the name says whose it is.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// Writes `contents` to `path` atomically (see the module docs).
///
/// On failure the temporary file is removed and `path` is untouched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let temporary = temporary_path(path)?;
    let _in_progress = InProgress::start(&temporary)?;
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

/// The temporary files being written now in this process, and whether it is
/// ending (then no new one is started).
static IN_PROGRESS: Mutex<(Vec<PathBuf>, bool)> = Mutex::new((Vec::new(), false));

/// A temporary file listed in [`IN_PROGRESS`] while it exists.
struct InProgress(PathBuf);

impl InProgress {
    fn start(temporary: &Path) -> io::Result<InProgress> {
        let mut in_progress = IN_PROGRESS.lock().unwrap_or_else(PoisonError::into_inner);
        if in_progress.1 {
            return Err(io::Error::other("the program is ending"));
        }
        in_progress.0.push(temporary.to_path_buf());
        Ok(InProgress(temporary.to_path_buf()))
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        let mut in_progress = IN_PROGRESS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = in_progress.0.iter().position(|path| *path == self.0) {
            in_progress.0.swap_remove(index);
        }
    }
}

/// Removes the temporary files of the writes still in progress, and lets
/// no new one start: for [`crate::process::exit`], which ends the process
/// without waiting for the threads that write them.
pub(crate) fn remove_unfinished_writes() {
    let mut in_progress = IN_PROGRESS.lock().unwrap_or_else(PoisonError::into_inner);
    in_progress.1 = true;
    for temporary in in_progress.0.drain(..) {
        let _ = fs::remove_file(temporary);
    }
}

/// Removes from `dir` the temporary files that process `pid` left there,
/// written by [`write_atomically`] and never renamed: the process was killed
/// half-way. Call it once that process has exited (see
/// [`Worker::writing_into`](crate::process::Worker::writing_into)). Says how
/// many it removed.
pub fn remove_left_by(dir: &Path, pid: u32) -> io::Result<usize> {
    let mut removed = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if written_by(name) == Some(pid) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// The process id in a temporary file's name (`.3.txt.<pid>-<n>.tmp`), or
/// `None` if `name` is not one.
fn written_by(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, writer) = rest.rsplit_once('.')?;
    let (pid, counter) = writer.split_once('-')?;
    counter.parse::<u64>().ok()?;
    pid.parse().ok()
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
    fn a_dead_writers_temporary_files_are_removed_and_no_one_elses() {
        let dir = scratch("left-by");
        let path = dir.join("3.txt");
        let mine = temporary_path(&path).unwrap();
        assert_eq!(written_by(&mine.file_name().unwrap().to_string_lossy()), Some(std::process::id()));
        // What a killed worker 4242 left, and what others own.
        let names =
            [".3.txt.4242-0.tmp", ".weird.name.txt.4242-17.tmp", ".3.txt.4243-0.tmp", "3.txt", ".4242-0.tmp"];
        for name in names {
            fs::write(dir.join(name), "x").unwrap();
        }
        assert_eq!(remove_left_by(&dir, 4242).unwrap(), 2);
        let mut left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".3.txt.4243-0.tmp", ".4242-0.tmp", "3.txt"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let missing = std::env::temp_dir().join("no-such-dir-for-shared-files").join("1.txt");
        assert_eq!(write_atomically(&missing, b"x").unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
