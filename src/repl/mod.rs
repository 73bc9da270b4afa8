//! The REPL: reads entries (continuing while brackets are open), runs them
//! in one session, prints values unless the entry ends with `;`, and offers
//! the `:` commands (`:vars`, `:time`, `:load`, `:reset`, `:explain`, ...).
//!
//! On a terminal it uses rustyline with [`helper::ArrHelper`] (completion,
//! highlighting, hints, continuation lines); with piped stdin it reads
//! statements and prints results with no prompts and no escape codes.

mod explain;
pub mod helper;
mod history;

use crate::syntax::parser::is_incomplete;
use crate::syntax::sym::Sym;
use crate::value::repr;
use crate::value::{Func, Value};
use crate::Interp;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

pub use explain::explain;
pub use helper::{complete_at, completions, signature_hint, Names, KEYWORDS};
pub use history::{history_path, read_history, write_history};

pub const BANNER: &str = concat!(
    "arr ",
    env!("CARGO_PKG_VERSION"),
    " — type help() or ?name, :help for commands, Ctrl-D to quit"
);

/// The `:` commands, for `:help` and completion.
pub const COMMANDS: &[(&str, &str)] = &[
    (
        ":vars",
        "list your variables: name, shape, dtype, device, bytes",
    ),
    (
        ":time STMT",
        "run STMT and print how long it took (wall time, its GPU work included)",
    ),
    (
        ":load FILE",
        "run FILE.arr in this session (its names stay defined)",
    ),
    (":reset", "forget every variable and function you defined"),
    (
        ":explain EXPR",
        "show step by step how the operands' shapes broadcast",
    ),
    (":help", "this list"),
    (":quit", "leave (Ctrl-D does too)"),
];

/// What the REPL keeps besides the interpreter: the names that existed
/// before the user typed anything (so `:vars` shows only the user's own).
pub struct Session {
    baseline: Vec<(Sym, usize)>,
    /// Entries run so far; entry N's source is named `<repl>:N`.
    pub n: usize,
    pub color: bool,
    /// The source name prefix: `<repl>` (or `<stdin>` for piped input).
    pub label: &'static str,
}

/// A cheap identity for a value, to tell a user's rebinding of a builtin
/// name from the builtin itself.
fn fingerprint(v: &Value) -> usize {
    match v {
        Value::Func(Func::Builtin(b)) => *b as usize,
        Value::Func(Func::User(c)) => std::rc::Rc::as_ptr(c) as usize,
        other => {
            // Constants: hash their printed form.
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            repr(other).hash(&mut h);
            h.finish() as usize
        }
    }
}

impl Session {
    pub fn new(it: &Interp, color: bool, label: &'static str) -> Session {
        Session {
            baseline: it
                .global_names()
                .into_iter()
                .map(|(s, v)| (s, fingerprint(v)))
                .collect(),
            n: 0,
            color,
            label,
        }
    }

    /// The user's own globals (defined or rebound in this session), sorted.
    pub fn user_vars<'a>(&self, it: &'a Interp) -> Vec<(Sym, &'a Value)> {
        let mut v: Vec<(Sym, &Value)> = it
            .global_names()
            .into_iter()
            .filter(|(s, v)| {
                !self
                    .baseline
                    .iter()
                    .any(|(b, f)| b == s && *f == fingerprint(v))
            })
            .collect();
        v.sort_by_key(|(s, _)| s.to_string());
        v
    }
}

/// Run one REPL entry (a statement, `?name` or a `:` command) and print
/// what it shows; errors are printed and the session goes on. Returns
/// `Ok(false)` after an error, `Err(())` when the entry asks to quit.
pub fn run_entry(it: &mut Interp, sess: &mut Session, code: &str) -> Result<bool, ()> {
    let trimmed = code.trim();
    if trimmed.is_empty() {
        return Ok(true);
    }
    sess.n += 1;
    let name = format!("{}:{}", sess.label, sess.n);
    // A Ctrl-C that arrived while nothing was running must not stop this entry.
    crate::interrupt::INTERRUPTED.store(false, Ordering::SeqCst);
    if let Some(n) = trimmed.strip_prefix('?') {
        return Ok(help_for(it, sess, &name, n.trim()));
    }
    if let Some(cmd) = trimmed.strip_prefix(':') {
        return command(it, sess, &name, cmd);
    }
    Ok(run_code(it, sess, &name, code, true))
}

/// Run `code` as source `name`; print its value (unless `print_value` is
/// false or it ends with `;`) or its error.
fn run_code(it: &mut Interp, sess: &Session, name: &str, code: &str, print_value: bool) -> bool {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| it.run_source(name, code)));
    let r = match r {
        Ok(r) => r,
        // The hook printed the panic; the session and its variables survive.
        Err(_) => return false,
    };
    match r {
        Ok(Some(v)) => {
            if print_value && !code.trim_end().ends_with(';') && !matches!(v, Value::None) {
                it.out.result(&v);
            }
            true
        }
        Ok(None) => true,
        Err(e) => {
            report(it, sess, &e);
            false
        }
    }
}

/// Show an error the session survives, through `Output::error`.
fn report(it: &mut Interp, sess: &Session, e: &crate::diagnostics::Error) {
    let r = it.render(e, sess.color);
    it.out.error(e, r.trim_end());
}

/// `?name`: the help of whatever `name` is bound to (a builtin, a stdlib or
/// user function), or the help index for a bare `?`.
fn help_for(it: &mut Interp, sess: &Session, name: &str, n: &str) -> bool {
    let is_ident = !n.is_empty()
        && n.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !n.starts_with(|c: char| c.is_ascii_digit());
    let code = if n.is_empty() {
        "help()".to_string()
    } else if is_ident && it.global(crate::syntax::sym::intern(n)).is_some() {
        format!("help({n})")
    } else {
        format!("help(\"{}\")", n.replace('\\', "\\\\").replace('"', "\\\""))
    };
    run_code(it, sess, name, &code, false)
}

fn command(it: &mut Interp, sess: &mut Session, name: &str, cmd: &str) -> Result<bool, ()> {
    let (word, arg) = match cmd.find(char::is_whitespace) {
        Some(i) => (&cmd[..i], cmd[i..].trim()),
        None => (cmd, ""),
    };
    match word {
        "q" | "quit" | "exit" => Err(()),
        "help" | "h" | "?" => {
            let mut s = String::from("commands:\n");
            for (c, d) in COMMANDS {
                s.push_str(&format!("  {c:<15} {d}\n"));
            }
            s.push_str("  ?name           the help of a builtin or function (also help(name))\n");
            s.push_str("  help()          every builtin by topic\n");
            s.push_str(
                "keys: Tab completes, Up/Down walk the history, Ctrl-C stops a computation\n      or clears the line, Ctrl-D quits",
            );
            it.out.print(&s);
            Ok(true)
        }
        "vars" => {
            vars(it, sess);
            Ok(true)
        }
        "time" => {
            if arg.is_empty() {
                it.out
                    .warn("usage: :time STMT, e.g. :time sort(rand(10**6));");
                return Ok(false);
            }
            let t = std::time::Instant::now();
            let mut ok = run_code(it, sess, name, arg, true);
            // GPU kernels run asynchronously: wait for them inside the timing.
            if let Err(e) = crate::gpu::sync_if_open() {
                report(it, sess, &e);
                ok = false;
            }
            let dt = t.elapsed().as_secs_f64();
            it.out.print(&format!("time: {}", fmt_seconds(dt)));
            Ok(ok)
        }
        "load" => {
            let file = arg.trim_matches(|c| c == '"' || c == '\'');
            if file.is_empty() {
                it.out.warn("usage: :load FILE.arr");
                return Ok(false);
            }
            let path = match it.resolve_path(file) {
                Ok(p) => p,
                Err(e) => {
                    report(it, sess, &e);
                    return Ok(false);
                }
            };
            let saved = it.base_dir.clone();
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| it.run_file(&path)));
            it.base_dir = saved;
            match r {
                Ok(Ok(())) => {
                    it.out.print(&format!("loaded {}", path.display()));
                    Ok(true)
                }
                Ok(Err(e)) => {
                    report(it, sess, &e);
                    Ok(false)
                }
                Err(_) => Ok(false),
            }
        }
        "reset" => {
            let out = std::mem::replace(&mut it.out, Box::new(crate::output::Capture::default()));
            let mut fresh = Interp::new(out);
            fresh.interactive = it.interactive;
            fresh.device = it.device.clone();
            fresh.argv = it.argv.clone();
            fresh.base_dir = it.base_dir.clone();
            fresh.sandbox = it.sandbox.clone();
            *it = fresh;
            *sess = Session {
                n: sess.n,
                ..Session::new(it, sess.color, sess.label)
            };
            it.out.print("session reset: every variable is gone");
            Ok(true)
        }
        "explain" => {
            if arg.is_empty() {
                it.out
                    .warn("usage: :explain EXPR, e.g. :explain zeros((3, 1)) + arange(4)");
                return Ok(false);
            }
            match explain(it, name, arg) {
                Ok(text) => {
                    it.out.print(text.trim_end());
                    Ok(true)
                }
                Err((text, e)) => {
                    if !text.is_empty() {
                        it.out.print(text.trim_end());
                    }
                    report(it, sess, &e);
                    Ok(false)
                }
            }
        }
        other => {
            let names: Vec<&str> = COMMANDS
                .iter()
                .map(|(c, _)| c.split(' ').next().unwrap_or(c).trim_start_matches(':'))
                .collect();
            let mut msg = format!("unknown command `:{other}`");
            if let Some(c) = crate::diagnostics::closest(other, names.iter().copied()) {
                msg.push_str(&format!(" (did you mean `:{c}`?)"));
            }
            msg.push_str("; :help lists the commands");
            it.out.warn(&msg);
            Ok(false)
        }
    }
}

/// `1.23 s`, `45.6 ms`, `789 µs`.
pub fn fmt_seconds(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// `1.5 KiB` etc. (exact bytes below 1 KiB).
fn fmt_bytes(b: usize) -> String {
    const U: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if b < 1024 {
        return format!("{b} B");
    }
    let mut x = b as f64 / 1024.0;
    let mut i = 0;
    while x >= 1024.0 && i + 1 < U.len() {
        x /= 1024.0;
        i += 1;
    }
    format!("{x:.1} {}", U[i])
}

/// Call builtin `f` on `v` (used for `shape`, `dtype`, `device`, so that
/// whatever those builtins understand, GPU arrays included, works here).
fn call_builtin(it: &mut Interp, b: crate::prim::Prim, v: &Value) -> Option<Value> {
    let span = crate::diagnostics::Span::new(0, 0, 0);
    it.call_function(&Value::Func(Func::Builtin(b)), vec![v.clone()], span)
        .ok()
}

/// The shape of an array-like value (`None` for strings, dicts, tuples,
/// functions, ...).
pub fn value_shape(_: &mut Interp, v: &Value) -> Option<Vec<usize>> {
    v.shape()
}

/// One `:vars` row: (shape, dtype, device, bytes) of a value.
pub fn describe_var(it: &mut Interp, v: &Value) -> (String, String, String, Option<usize>) {
    if let Some(shape) = value_shape(it, v) {
        let dtype = match call_builtin(it, crate::prim::Prim::Dtype, v) {
            Some(Value::DType(d)) => Some(d),
            _ => None,
        };
        let device = match call_builtin(it, crate::prim::Prim::Device, v) {
            Some(Value::Str(s)) => s.to_string(),
            _ => "cpu".into(),
        };
        let n: usize = shape.iter().product();
        let bytes = dtype.map(|d| n * d.size());
        return (
            crate::array::fmt_shape(&shape),
            dtype.map(|d| d.name().to_string()).unwrap_or_default(),
            device,
            bytes,
        );
    }
    match v {
        Value::Tuple(items) => {
            let mut total = 0;
            for x in items.iter() {
                total += describe_var(it, x).3.unwrap_or(0);
            }
            (
                format!("{} items", items.len()),
                "tuple".into(),
                "-".into(),
                Some(total),
            )
        }
        Value::Dict(items) => {
            let mut total = 0;
            for (_, x) in items.iter() {
                total += describe_var(it, x).3.unwrap_or(0);
            }
            (
                format!("{} keys", items.len()),
                "dict".into(),
                "-".into(),
                Some(total),
            )
        }
        Value::Str(s) => (
            format!("{} chars", s.chars().count()),
            "string".into(),
            "-".into(),
            Some(s.len()),
        ),
        other => ("-".into(), other.type_name().into(), "-".into(), None),
    }
}

/// `:vars`: a table of the user's variables.
fn vars(it: &mut Interp, sess: &Session) {
    let list: Vec<(String, Value)> = sess
        .user_vars(it)
        .into_iter()
        .map(|(s, v)| (s.to_string(), v.clone()))
        .collect();
    if list.is_empty() {
        it.out.print("no variables yet (try `x = arange(5)`)");
        return;
    }
    let mut rows = vec![[
        "name".to_string(),
        "shape".into(),
        "dtype".into(),
        "device".into(),
        "bytes".into(),
    ]];
    for (name, v) in &list {
        let (shape, dtype, device, bytes) = describe_var(it, v);
        rows.push([
            name.clone(),
            shape,
            dtype,
            device,
            bytes.map(fmt_bytes).unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut w = [0usize; 5];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let mut s = String::new();
    for r in &rows {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:>w4$}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
        s.push_str(line.trim_end());
        s.push('\n');
    }
    it.out.print(s.trim_end());
}

/// Does this REPL entry need more lines? (Open brackets, braces or a
/// trailing operator in the code part; `?name` and most commands never do.)
pub fn needs_more(input: &str) -> bool {
    let t = input.trim_start();
    if t.trim().is_empty() || t.starts_with('?') {
        return false;
    }
    if let Some(cmd) = t.strip_prefix(':') {
        let (word, arg) = match cmd.find(char::is_whitespace) {
            Some(i) => (&cmd[..i], &cmd[i..]),
            None => (cmd, ""),
        };
        return matches!(word, "time" | "explain") && !arg.trim().is_empty() && is_incomplete(arg);
    }
    is_incomplete(input)
}

pub fn run(it: &mut Interp) -> ExitCode {
    it.interactive = true;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return run_piped(it, stdin.lock());
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    run_terminal(it, color)
}

/// Piped input: statements without prompts or escape codes; exit status 1
/// if any entry failed.
fn run_piped(it: &mut Interp, input: impl BufRead) -> ExitCode {
    let mut sess = Session::new(it, false, "<stdin>");
    let mut buf = String::new();
    let mut ok = true;
    for line in input.lines() {
        let Ok(line) = line else { break };
        buf.push_str(&line);
        buf.push('\n');
        if needs_more(&buf) {
            continue;
        }
        let code = std::mem::take(&mut buf);
        match run_entry(it, &mut sess, &code) {
            Ok(b) => ok &= b,
            Err(()) => return exit(ok),
        }
    }
    if !buf.trim().is_empty() {
        ok &= run_entry(it, &mut sess, &buf).unwrap_or(true);
    }
    exit(ok)
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_terminal(it: &mut Interp, color: bool) -> ExitCode {
    use rustyline::error::ReadlineError;
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)
        .and_then(|c| c.max_history_size(history::MAX_ENTRIES))
        .map(|c| {
            c.history_ignore_space(true)
                .completion_type(rustyline::CompletionType::List)
                .color_mode(if color {
                    rustyline::ColorMode::Enabled
                } else {
                    rustyline::ColorMode::Disabled
                })
                .build()
        });
    let editor = config.and_then(|c| {
        rustyline::Editor::<helper::ArrHelper, rustyline::history::DefaultHistory>::with_config(c)
    });
    let mut rl = match editor {
        Ok(r) => r,
        Err(e) => {
            eprintln!("arr: cannot start the line editor: {e}");
            return ExitCode::FAILURE;
        }
    };
    let names = std::rc::Rc::new(std::cell::RefCell::new(Names::default()));
    rl.set_helper(Some(helper::ArrHelper::new(names.clone(), color)));
    let hist = history_path();
    if let Some(p) = &hist {
        for e in read_history(p) {
            let _ = rl.add_history_entry(e);
        }
    }
    println!("{BANNER}");
    let mut sess = Session::new(it, color, "<repl>");
    names.borrow_mut().refresh(it);
    loop {
        match rl.readline(">>> ") {
            Ok(line) => {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = rl.add_history_entry(line.trim_end());
                if let Some(p) = &hist {
                    let entries: Vec<&String> = rl.history().iter().collect();
                    if let Err(e) = write_history(p, &entries) {
                        it.warn_once(&format!(
                            "warning: cannot save the REPL history: {}",
                            e.message
                        ));
                    }
                }
                let mut code = line;
                // The validator keeps open entries going; a line that still
                // needs more (pasted text, say) gets a plain continuation.
                while needs_more(&code) {
                    match rl.readline("... ") {
                        Ok(more) => {
                            code.push('\n');
                            code.push_str(&more);
                        }
                        Err(_) => {
                            code.clear();
                            break;
                        }
                    }
                }
                if run_entry(it, &mut sess, &code).is_err() {
                    break;
                }
                names.borrow_mut().refresh(it);
            }
            // Ctrl-C at the prompt clears the line.
            Err(ReadlineError::Interrupted) => continue,
            // Ctrl-D (or a closed terminal) quits.
            Err(_) => break,
        }
    }
    ExitCode::SUCCESS
}
