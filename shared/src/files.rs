//! Writing a file so that it is never seen half-written.
//!
//! Writing `3.txt` in place leaves, for a moment, a file that exists but is
//! empty or cut short; a crash or a Ctrl-C at that moment leaves it broken for
//! good. Instead the bytes go to a hidden temporary file beside it, which is
//! flushed to disk and then *renamed* over the real name. A rename within one
//! folder replaces the name in one step (on Linux, macOS and Windows), so a
//! reader sees the old file or the whole new one, never a part.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

/// `dir/.name.tmp` beside `dir/name`: same folder, so the rename cannot cross
/// file systems; hidden, so nobody mistakes it for a result.
fn temporary_path(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{} is not a file path", path.display()))
    })?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(".tmp");
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
    fn a_missing_folder_is_an_error_not_a_panic() {
        let missing = std::env::temp_dir().join("no-such-dir-for-shared-files").join("1.txt");
        assert_eq!(write_atomically(&missing, b"x").unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
