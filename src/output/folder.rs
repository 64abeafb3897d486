//! A report folder replaced whole: every file is written into a temporary
//! sibling folder, which is then swapped with the old folder in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux) and the old one removed, so a
//! reader finds the old report or the new complete one, never a mix. Where
//! the file system cannot exchange, the old folder is renamed away and the
//! new one renamed in; a run killed between the two leaves the old folder
//! under `.costsim-old-…`, and the next run puts it back before replacing it.
//!
//! Replacing a folder removes what it held, so a folder is replaced only if
//! it is empty or holds a report: files whose extensions are among the new
//! report's (an older version's charts, say). Anything else (a subfolder, a
//! `notes.txt`, the user's home given as `--out`) is refused.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cleanup::{self, Registration};
use super::file::follow_links;
use super::temporary::{self, Kind};
use crate::error::{Error, Result};

/// Replaces the folder `folder` (a link to a folder replaces its target)
/// with one holding exactly `files` (name, contents).
pub fn replace_folder(folder: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let mut folder = follow_links(folder)?;
    if folder.file_name().is_none() {
        // `.`, `..` or a path ending in one: name the folder itself.
        folder = std::fs::canonicalize(&folder).map_err(|error| Error::io(&folder, error))?;
    }
    let name = folder
        .file_name()
        .ok_or_else(|| Error::io(&folder, std::io::Error::other("not a folder name")))?
        .to_owned();
    let parent = match folder.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|error| Error::io(&parent, error))?;
    recover(&parent, &name, &folder)?;
    if folder.exists() {
        check_replaceable(&folder, files)?;
    }
    let staged = temporary::beside(&parent, &name, Kind::New);
    let registrations = stage(&staged, files)?;
    let swapped = swap_in(&staged, &folder, &parent, &name);
    drop(registrations);
    if swapped.is_err() {
        let _ = std::fs::remove_dir_all(&staged);
    }
    swapped
}

/// Removes what a killed run left for `parent/name`; an old folder moved
/// away by a run killed before the new one was in is put back first.
fn recover(parent: &Path, name: &OsStr, folder: &Path) -> Result<()> {
    temporary::sweep(parent, name, Kind::New);
    for old in temporary::stale(parent, name, Kind::Old) {
        if folder.exists() {
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&old, folder).map_err(|error| Error::io(&old, error))?;
        }
    }
    Ok(())
}

/// Refuses to replace `folder` unless it holds only files that look like a
/// report: regular files with an extension among those of `files`.
fn check_replaceable(folder: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    // The choice of folder is the user's: bad usage, not bad data.
    let refuse = |what: String| {
        Error::usage(format!(
            "{}: {what}: only an empty folder or an earlier report is replaced; give --report a new or report folder",
            folder.display()
        ))
    };
    if !folder.is_dir() {
        return Err(refuse("exists and is not a folder".into()));
    }
    let extensions: Vec<&OsStr> = files
        .iter()
        .filter_map(|(name, _)| Path::new(name).extension())
        .collect();
    let entries = std::fs::read_dir(folder).map_err(|error| Error::io(folder, error))?;
    for entry in entries {
        let entry = entry.map_err(|error| Error::io(folder, error))?;
        let path = entry.path();
        let is_file = entry.file_type().is_ok_and(|kind| kind.is_file());
        let known = path
            .extension()
            .is_some_and(|extension| extensions.contains(&extension));
        if !is_file || !known {
            return Err(refuse(format!(
                "holds `{}`, which is not part of a report",
                entry.file_name().to_string_lossy()
            )));
        }
    }
    Ok(())
}

/// Writes `files` into the new folder `staged`, each flushed to disk; the
/// registrations remove them if the run is interrupted.
fn stage(staged: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<Registration>> {
    let mut registrations = vec![cleanup::register(staged)];
    std::fs::create_dir(staged).map_err(|error| Error::io(staged, error))?;
    for (name, bytes) in files {
        let path = staged.join(name);
        registrations.push(cleanup::register(&path));
        let mut file = std::fs::File::create(&path).map_err(|error| Error::io(&path, error))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|error| Error::io(&path, error))?;
    }
    Ok(registrations)
}

/// Puts `staged` in place of `folder` and removes the old folder.
fn swap_in(staged: &Path, folder: &Path, parent: &Path, name: &OsStr) -> Result<()> {
    if !folder.exists() {
        return std::fs::rename(staged, folder).map_err(|error| Error::io(folder, error));
    }
    if exchange(staged, folder) {
        // `staged` now holds the old report.
        let _ = std::fs::remove_dir_all(staged);
        return Ok(());
    }
    let old = temporary::beside(parent, name, Kind::Old);
    std::fs::rename(folder, &old).map_err(|error| Error::io(folder, error))?;
    if let Err(error) = std::fs::rename(staged, folder) {
        let _ = std::fs::rename(&old, folder);
        return Err(Error::io(folder, error));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Exchanges two folders atomically; false where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(first: &Path, second: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(first), Ok(second)) = (
        std::ffi::CString::new(first.as_os_str().as_bytes()),
        std::ffi::CString::new(second.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both arguments are NUL-terminated paths that outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            first.as_ptr(),
            libc::AT_FDCWD,
            second.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    result == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_first: &Path, _second: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .expect("listable")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn files(text: &str) -> Vec<(String, Vec<u8>)> {
        vec![
            ("a.csv".into(), text.as_bytes().to_vec()),
            ("b.html".into(), text.as_bytes().to_vec()),
        ]
    }

    #[test]
    fn a_folder_is_replaced_whole_and_no_temporary_is_left() {
        let root = tempfile::tempdir().expect("folder");
        let report = root.path().join("reports/api");
        replace_folder(&report, &files("old")).expect("first");
        std::fs::write(report.join("stale.csv"), "from an older version").expect("write");
        replace_folder(&report, &files("new")).expect("second");
        assert_eq!(listing(&report), ["a.csv", "b.html"]);
        assert_eq!(
            std::fs::read_to_string(report.join("b.html")).expect("read"),
            "new"
        );
        assert_eq!(listing(&root.path().join("reports")), ["api"]);
    }

    #[test]
    fn a_folder_holding_anything_but_a_report_is_left_alone() {
        let root = tempfile::tempdir().expect("folder");
        let mine = root.path().join("mine");
        std::fs::create_dir(&mine).expect("create");
        std::fs::write(mine.join("notes.txt"), "keep me").expect("write");
        let error = replace_folder(&mine, &files("new")).expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("holds `notes.txt`, which is not part of a report"),
            "{error}"
        );
        assert_eq!(listing(&mine), ["notes.txt"]);
        assert_eq!(listing(root.path()), ["mine"]);
    }

    #[test]
    fn leftovers_of_a_killed_run_are_removed_or_put_back() {
        let root = tempfile::tempdir().expect("folder");
        let report = root.path().join("api");
        // A run killed after moving the old report away (process ids above
        // 2^22 never run): the old report comes back, then is replaced.
        let old = root.path().join(".costsim-old-api-99999999-0");
        std::fs::create_dir(&old).expect("create");
        std::fs::write(old.join("a.csv"), "old").expect("write");
        let half = root.path().join(".costsim-tmp-api-99999999-1");
        std::fs::create_dir(&half).expect("create");
        recover(root.path(), OsStr::new("api"), &report).expect("recovered");
        assert_eq!(
            std::fs::read_to_string(report.join("a.csv")).expect("read"),
            "old"
        );
        replace_folder(&report, &files("new")).expect("replaced");
        assert_eq!(listing(root.path()), ["api"]);
    }

    #[test]
    fn a_link_to_a_folder_replaces_its_target() {
        let root = tempfile::tempdir().expect("folder");
        std::fs::create_dir(root.path().join("real")).expect("create");
        std::os::unix::fs::symlink("real", root.path().join("link")).expect("symlink");
        replace_folder(&root.path().join("link"), &files("x")).expect("written");
        assert_eq!(listing(&root.path().join("real")), ["a.csv", "b.html"]);
        assert!(
            std::fs::symlink_metadata(root.path().join("link"))
                .expect("exists")
                .file_type()
                .is_symlink()
        );
    }
}
