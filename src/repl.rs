//! The REPL: reads entries (continuing while brackets are open), runs them
//! in one session, prints values unless the entry ends with `;`.

use crate::eval::repr;
use crate::syntax::parser::is_incomplete;
use crate::value::Value;
use crate::Interp;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

pub const BANNER: &str = concat!(
    "arr ",
    env!("CARGO_PKG_VERSION"),
    " — type help() or ?name, :help for commands, Ctrl-D to quit"
);

/// Run one REPL entry and print its value; errors are printed and the
/// session goes on.
pub fn run_entry(it: &mut Interp, name: &str, code: &str, color: bool) -> bool {
    let trimmed = code.trim();
    if let Some(n) = trimmed.strip_prefix('?') {
        let n = n.trim();
        match crate::builtins::lookup(n) {
            Some(b) => it.out.print(&crate::builtins::help_text(b)),
            None => it.out.warn(&format!("no builtin named `{n}`")),
        }
        return true;
    }
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| it.run_source(name, code)));
    let r = match r {
        Ok(r) => r,
        Err(_) => {
            // The hook printed the panic; the session and its variables survive.
            return false;
        }
    };
    match r {
        Ok(Some(v)) => {
            if !trimmed.ends_with(';') && !matches!(v, Value::None) {
                it.out.print(&repr(&v));
            }
            true
        }
        Ok(None) => true,
        Err(e) => {
            let r = it.render(&e, color);
            it.out.warn(r.trim_end());
            false
        }
    }
}

pub fn run(it: &mut Interp) -> ExitCode {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        // Piped input: statements without prompts or escape codes.
        let mut buf = String::new();
        let mut n = 0;
        let mut ok = true;
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            buf.push_str(&line);
            buf.push('\n');
            if is_incomplete(&buf) {
                continue;
            }
            n += 1;
            ok &= run_entry(it, &format!("<stdin>:{n}"), &buf, false);
            buf.clear();
        }
        if !buf.trim().is_empty() {
            ok &= run_entry(it, "<stdin>", &buf, false);
        }
        return if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    println!("{BANNER}");
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("arr: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut n = 0;
    let mut buf = String::new();
    loop {
        let prompt = if buf.is_empty() { ">>> " } else { "... " };
        match rl.readline(prompt) {
            Ok(line) => {
                buf.push_str(&line);
                buf.push('\n');
                if is_incomplete(&buf) {
                    continue;
                }
                let _ = rl.add_history_entry(buf.trim_end());
                n += 1;
                let code = std::mem::take(&mut buf);
                if code.trim() == ":quit" || code.trim() == ":q" {
                    break;
                }
                run_entry(it, &format!("<repl>:{n}"), &code, true);
            }
            Err(rustyline::error::ReadlineError::Interrupted) => buf.clear(),
            Err(_) => break,
        }
    }
    ExitCode::SUCCESS
}
