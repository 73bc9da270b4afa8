//! The one output interface: everything arr shows a person (printed values,
//! warnings, charts) goes through `Output`, so the REPL, scripts and tests
//! share one code path and tests capture what a user would see.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use crate::diagnostics::Error;
use crate::plot::term::{self, Mode};
use crate::plot::text::Opts as TextOpts;
use crate::plot::Figure;
use crate::value::Value;

pub trait Output {
    /// Text for standard output (a line without its trailing newline).
    fn print(&mut self, s: &str);
    /// A warning or note for standard error.
    fn warn(&mut self, s: &str);
    /// Show a chart (`show()`, or the REPL after a statement changed the
    /// figure). By default: the braille text chart, 72 columns wide,
    /// through `print` (so `Capture` records it for tests).
    fn figure(&mut self, fig: &Figure) {
        self.print(&crate::plot::text::render(fig, &TextOpts::default()));
    }
    /// The REPL (or a notebook cell) after a statement changed the figure;
    /// `show()` calls `figure`. By default the same: draw it now. The
    /// Jupyter kernel keeps the last one and shows it when the cell ends.
    fn figure_changed(&mut self, fig: &Figure) {
        self.figure(fig);
    }
    /// The value of an entry's last expression (the REPL, `-e`, a notebook
    /// cell): by default its printed form through `print`.
    fn result(&mut self, v: &Value) {
        self.print(&crate::value::repr(v));
    }
    /// An error the session survives (REPL entry, notebook cell): `e` and
    /// its ariadne report `report`. By default the report through `warn`.
    fn error(&mut self, e: &Error, report: &str) {
        let _ = e;
        self.warn(report);
    }
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
    /// An image where the terminal shows images (see `plot::term`), else
    /// the braille chart sized to the terminal (coloured on a terminal).
    fn figure(&mut self, fig: &Figure) {
        use std::io::IsTerminal;
        let env = |k: &str| std::env::var(k).ok();
        let tty = std::io::stdout().is_terminal();
        if let Some(bad) = term::bad_override(&env) {
            self.warn(&format!(
                "note: ARR_PLOT={bad:?} is not one of braille, kitty, iterm, sixel, none; choosing automatically"
            ));
        }
        let mode = term::choose(&env, tty);
        let (w, h) = (fig.width, fig.height);
        let image = match mode {
            Mode::None => return,
            Mode::Braille => None,
            Mode::Kitty => crate::plot::render::png(fig, w, h)
                .map(|p| term::kitty(&p))
                .ok(),
            Mode::Iterm => crate::plot::render::png(fig, w, h)
                .map(|p| term::iterm(&p))
                .ok(),
            Mode::Sixel => crate::plot::render::pixels(fig, w, h)
                .map(|p| term::sixel(&p, w as usize, h as usize))
                .ok(),
        };
        match image {
            Some(esc) => {
                let mut o = std::io::stdout().lock();
                let _ = o.write_all(esc.as_bytes());
                let _ = o.flush();
            }
            None => {
                let cols = std::env::var("COLUMNS")
                    .ok()
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(80);
                let opts = TextOpts {
                    width: cols.clamp(30, 160) - 2,
                    height: 16,
                    color: tty && env("NO_COLOR").is_none(),
                };
                self.print(&crate::plot::text::render(fig, &opts));
            }
        }
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
