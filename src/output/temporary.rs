//! Names of temporaries (`.costsim-tmp-<name>-<pid>-<n>`, and
//! `.costsim-old-<name>-<pid>-<n>` for a report folder being swapped out)
//! and the sweep that removes those a killed run left beside a target.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a temporary holds for its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The new version, being written.
    New,
    /// The old version of a folder, moved away to be removed.
    Old,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::New => ".costsim-tmp-",
            Kind::Old => ".costsim-old-",
        }
    }
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A fresh temporary path of `kind` beside `target` (`folder/name`).
pub fn beside(folder: &Path, name: &OsStr, kind: Kind) -> PathBuf {
    let mut file = OsString::from(kind.prefix());
    file.push(name);
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    file.push(format!("-{}-{sequence}", std::process::id()));
    folder.join(file)
}

/// The process id in a temporary's file name, if `file` is a temporary of
/// `kind` for the target called `name`.
fn owner(file: &OsStr, name: &OsStr, kind: Kind) -> Option<u32> {
    let file = file.to_str()?;
    let rest = file.strip_prefix(kind.prefix())?.strip_prefix(name.to_str()?)?;
    let (pid, sequence) = rest.strip_prefix('-')?.split_once('-')?;
    let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    (all_digits(pid) && all_digits(sequence)).then(|| pid.parse().ok())?
}

/// Whether process `pid` still runs (it may be writing its temporary).
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The temporaries of `kind` for `folder/name` whose process is gone.
pub fn stale(folder: &Path, name: &OsStr, kind: Kind) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| owner(&entry.file_name(), name, kind).is_some_and(|pid| !is_running(pid)))
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

/// Removes what a killed run left for `folder/name`: best effort, since a
/// leftover that cannot be removed hinders nothing but disk space.
pub fn sweep(folder: &Path, name: &OsStr, kind: Kind) {
    for path in stale(folder, name, kind) {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_name_their_target_and_process() {
        let path = beside(Path::new("out"), OsStr::new("a.csv"), Kind::New);
        let file = path.file_name().expect("a file name");
        assert_eq!(
            owner(file, OsStr::new("a.csv"), Kind::New),
            Some(std::process::id())
        );
        // Another target's temporary, or the other kind, is not this one's.
        assert_eq!(owner(file, OsStr::new("a"), Kind::New), None);
        assert_eq!(owner(file, OsStr::new("a.csv"), Kind::Old), None);
        assert_eq!(
            owner(
                OsStr::new(".costsim-tmp-a.csv-12x-0"),
                OsStr::new("a.csv"),
                Kind::New
            ),
            None
        );
    }

    #[test]
    fn the_sweep_removes_leftovers_of_dead_processes_only() {
        let folder = tempfile::tempdir().expect("folder");
        // Process ids above the kernel's maximum (2^22) never run.
        let dead = folder.path().join(".costsim-tmp-r-99999999-0");
        std::fs::create_dir(&dead).expect("create");
        std::fs::write(dead.join("summary.csv"), "x").expect("write");
        let own = beside(folder.path(), OsStr::new("r"), Kind::New);
        std::fs::write(&own, "mine").expect("write");
        let other = folder.path().join(".costsim-tmp-q-99999999-0");
        std::fs::write(&other, "another target's").expect("write");
        sweep(folder.path(), OsStr::new("r"), Kind::New);
        assert!(!dead.exists());
        assert!(own.exists() && other.exists());
    }
}
