//! The one output interface: everything arr shows a person (printed values,
//! warnings, and later charts) goes through `Output`, so the REPL, scripts
//! and tests share one code path and tests capture what a user would see.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

pub trait Output {
    /// Text for standard output (a line without its trailing newline).
    fn print(&mut self, s: &str);
    /// A warning or note for standard error.
    fn warn(&mut self, s: &str);
}

/// Writes to the process's stdout/stderr.
pub struct StdOutput;

impl Output for StdOutput {
    fn print(&mut self, s: &str) {
        let mut o = std::io::stdout().lock();
        // A closed pipe (e.g. `arr x.arr | head`) is not an error worth a panic.
        let _ = writeln!(o, "{s}");
        let _ = o.flush();
    }
    fn warn(&mut self, s: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{s}");
    }
}

/// Collects output in memory (tests, `help()` example checks).
#[derive(Clone, Default)]
pub struct Capture {
    pub out: Rc<RefCell<String>>,
    pub err: Rc<RefCell<String>>,
}

impl Output for Capture {
    fn print(&mut self, s: &str) {
        let mut o = self.out.borrow_mut();
        o.push_str(s);
        o.push('\n');
    }
    fn warn(&mut self, s: &str) {
        let mut o = self.err.borrow_mut();
        o.push_str(s);
        o.push('\n');
    }
}
