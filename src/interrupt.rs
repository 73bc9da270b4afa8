//! The Ctrl-C flag: set by the signal handler (or the notebook kernel's
//! interrupt), checked by loops, calls and long kernels. The bottom layer,
//! so array kernels can stop early without knowing the evaluator.

use crate::diagnostics::{Error, ErrorKind, Result};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the Ctrl-C handler; checked in loops and calls.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Whether a second Ctrl-C before the first was noticed quits (the REPL and
/// scripts); the Jupyter kernel turns it off, so no SIGINT ends a kernel.
pub static SIGINT_QUITS: AtomicBool = AtomicBool::new(true);

/// Whether Ctrl-C was pressed, without clearing it: for worker threads of a
/// long builtin, which stop early; the builtin then calls
/// `check_interrupted` on its own thread to report it.
pub fn interrupt_pending() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// An error if Ctrl-C was pressed since the last check.
pub fn check_interrupted() -> Result<()> {
    if INTERRUPTED.load(Ordering::Relaxed) && INTERRUPTED.swap(false, Ordering::Relaxed) {
        return Err(Error::new(ErrorKind::Interrupted, "stopped by Ctrl-C"));
    }
    Ok(())
}
