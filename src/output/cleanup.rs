//! Removal of this run's temporaries when it is interrupted.
//!
//! Temporaries are registered while they exist. The first registration
//! installs a handler for SIGINT, SIGTERM and SIGHUP (unless the signal is
//! ignored, as under `nohup`) that unlinks the registered files, removes the
//! registered (then empty) folders, and re-raises the signal with its
//! default action, so the run still ends as interrupted. The handler only
//! reads atomics and calls `unlink`, `rmdir`, `signal` and `raise`, which
//! are async-signal-safe. A SIGKILL cannot be caught: the next run's sweep
//! removes what it leaves.

use std::ffi::{CString, c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::null_mut;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// Temporaries registered at once; a compare report has a dozen files.
const SLOTS: usize = 64;

static PATHS: [AtomicPtr<c_char>; SLOTS] = [const { AtomicPtr::new(null_mut()) }; SLOTS];
/// Set once the handler runs: registrations dropped after that leak their
/// path rather than free memory the handler may be reading.
static HANDLING: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();

/// A registered temporary; dropping it unregisters it.
#[derive(Debug)]
pub struct Registration {
    slot: Option<usize>,
}

/// Registers `path` (a file, or a folder whose files are registered too)
/// for removal if the run is interrupted. Beyond [`SLOTS`] temporaries, or
/// for a path with a NUL byte, nothing is registered: the next run's sweep
/// still removes a leftover.
pub fn register(path: &Path) -> Registration {
    INSTALL.call_once(install);
    let Ok(text) = CString::new(path.as_os_str().as_bytes()) else {
        return Registration { slot: None };
    };
    let pointer = text.into_raw();
    for (slot, entry) in PATHS.iter().enumerate() {
        if entry
            .compare_exchange(null_mut(), pointer, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return Registration { slot: Some(slot) };
        }
    }
    // SAFETY: `pointer` came from `into_raw` above and was never shared.
    drop(unsafe { CString::from_raw(pointer) });
    Registration { slot: None }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let Some(slot) = self.slot else { return };
        let pointer = PATHS[slot].swap(null_mut(), Ordering::SeqCst);
        if !pointer.is_null() && !HANDLING.load(Ordering::SeqCst) {
            // SAFETY: the pointer came from `into_raw` in `register`, and no
            // handler read it: it was unregistered before any handler ran.
            drop(unsafe { CString::from_raw(pointer) });
        }
    }
}

fn install() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: a zeroed sigaction is a valid "query" argument; the
        // handler installed is async-signal-safe (see the module docs).
        unsafe {
            let mut current: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut current) != 0
                || current.sa_sigaction != libc::SIG_DFL
            {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

extern "C" fn on_signal(signal: c_int) {
    HANDLING.store(true, Ordering::SeqCst);
    // Unlink everything first (which fails harmlessly on folders), so that
    // the folders holding the files are empty when removed.
    for folders in [false, true] {
        for entry in &PATHS {
            let pointer = entry.load(Ordering::SeqCst);
            if pointer.is_null() {
                continue;
            }
            // SAFETY: registered pointers are NUL-terminated paths that are
            // never freed once a handler has started.
            unsafe {
                if folders {
                    libc::rmdir(pointer);
                } else {
                    libc::unlink(pointer);
                }
            }
        }
    }
    // SAFETY: restoring the default action and re-raising ends the process
    // the way the signal would have without this handler.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}
