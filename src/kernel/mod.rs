//! `arr kernel`: arr as a Jupyter kernel (messaging protocol 5.3).
//!
//! `arr kernel -f CONNECTION_FILE` is what Jupyter starts (see the
//! kernelspec `arr kernel install` writes, `install.rs`). Two threads:
//!
//! - the network thread (`net.rs`) owns the five ZeroMQ sockets; it answers
//!   the heartbeat and the control channel itself (`kernel_info`,
//!   `interrupt`, `shutdown`), so an interrupt reaches a busy kernel, and
//!   forwards shell requests;
//! - the interpreter thread (this file) runs every shell request in order,
//!   in one REPL session: a cell is a REPL entry (`repl::run_entry`), so
//!   `?name`, `:vars`, `:time` work in cells, and what the entry shows goes
//!   through [`KernelOutput`], this kernel's `Output`: `print` becomes a
//!   `stream`, the value an `execute_result` (text, and an HTML table for a
//!   2-d array), a chart a `display_data` PNG (SVG with `ARR_PLOT=svg`), an
//!   error an `error` message with the ariadne report.
//!
//! A message that does not decode, or of a type arr does not know, is
//! skipped with a line on stderr (Jupyter shows the kernel's log); the
//! session survives every error, panic included.

pub mod install;
mod net;
pub mod wire;

use crate::diagnostics::Error;
use crate::output::Output;
use crate::plot::Figure;
use crate::repl::{self, Names, Session as Repl};
use crate::value::Value;
use crate::Interp;
use serde_json::{json, Value as Json};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::Instant;

pub use net::{Out, Sock};
use wire::Message;

/// What the network thread hands the interpreter thread.
pub enum In {
    Shell(Message),
    Stdin(Message),
}

const USAGE: &str = "usage:
  arr kernel install [--user | --prefix P] [--name NAME]
                              register arr as a Jupyter kernel (a kernelspec)
  arr kernel -f CONNECTION_FILE
                              run the kernel (what Jupyter starts)
";

/// `arr kernel ...`.
pub fn main(args: &[String]) -> ExitCode {
    match args.first().map(|s| s.as_str()) {
        Some("install") => install::main(&args[1..]),
        Some("-f") | Some("--connection-file") => match args.get(1) {
            Some(f) => run(std::path::Path::new(f)),
            None => {
                eprintln!("arr kernel: -f needs the connection file Jupyter wrote\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some(a) if a.starts_with("--connection-file=") => {
            run(std::path::Path::new(&a["--connection-file=".len()..]))
        }
        Some("-h") | Some("--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            if let Some(o) = other {
                eprintln!("arr kernel: unknown argument {o:?}\n");
            }
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The parts of a connection file arr uses.
pub struct Connection {
    pub ip: String,
    pub key: Vec<u8>,
    pub shell_port: u16,
    pub iopub_port: u16,
    pub stdin_port: u16,
    pub control_port: u16,
    pub hb_port: u16,
}

impl Connection {
    pub fn parse(text: &str) -> Result<Connection, String> {
        let j: Json = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let transport = j.get("transport").and_then(|t| t.as_str()).unwrap_or("tcp");
        if transport != "tcp" {
            return Err(format!(
                "transport {transport:?} is not supported: arr's kernel speaks tcp"
            ));
        }
        let key = j.get("key").and_then(|k| k.as_str()).unwrap_or("");
        let scheme = j
            .get("signature_scheme")
            .and_then(|k| k.as_str())
            .unwrap_or("hmac-sha256");
        if !key.is_empty() && scheme != "hmac-sha256" {
            return Err(format!(
                "signature scheme {scheme:?} is not supported: arr signs with hmac-sha256"
            ));
        }
        let port = |name: &str| -> Result<u16, String> {
            j.get(name)
                .and_then(|p| p.as_u64())
                .and_then(|p| u16::try_from(p).ok())
                .ok_or_else(|| format!("no valid {name}"))
        };
        Ok(Connection {
            ip: j
                .get("ip")
                .and_then(|i| i.as_str())
                .unwrap_or("127.0.0.1")
                .to_string(),
            key: key.as_bytes().to_vec(),
            shell_port: port("shell_port")?,
            iopub_port: port("iopub_port")?,
            stdin_port: port("stdin_port")?,
            control_port: port("control_port")?,
            hb_port: port("hb_port")?,
        })
    }
}

/// Log a line to the kernel's stderr (Jupyter shows it in its own log).
pub fn log(msg: &str) {
    eprintln!("arr kernel: {msg}");
}

/// The `kernel_info_reply` content.
pub fn kernel_info() -> Json {
    let v = env!("CARGO_PKG_VERSION");
    json!({
        "status": "ok",
        "protocol_version": wire::PROTOCOL_VERSION,
        "implementation": "arr",
        "implementation_version": v,
        "language_info": {
            "name": "arr",
            "version": v,
            "mimetype": "text/x-arr",
            "file_extension": ".arr",
            "pygments_lexer": "text",
        },
        "banner": format!("arr {v} — a NumPy-flavoured array language; help() lists the builtins, ?name shows one"),
        "help_links": [],
        "debugger": false,
    })
}

/// Sends messages through the network thread.
#[derive(Clone)]
pub struct Ports {
    pub session: std::sync::Arc<wire::Session>,
    pub out: tokio::sync::mpsc::UnboundedSender<Out>,
}

impl Ports {
    pub fn iopub(&self, msg_type: &str, parent: &Json, content: Json) {
        let topic = format!("kernel.{}.{}", self.session.id, msg_type);
        let frames = self
            .session
            .encode(vec![topic.into()], msg_type, parent, content);
        let _ = self.out.send(Out::Send(Sock::IoPub, frames));
    }
    pub fn status(&self, parent: &Json, state: &str) {
        self.iopub("status", parent, json!({ "execution_state": state }));
    }
    pub fn reply(&self, sock: Sock, req: &Message, msg_type: &str, content: Json) {
        let frames = self
            .session
            .encode(req.ids.clone(), msg_type, &req.header, content);
        let _ = self.out.send(Out::Send(sock, frames));
    }
}

/// What a cell showed that the request loop still needs.
#[derive(Default)]
struct Cell {
    /// The request's header: the parent of every message the cell causes.
    parent: Json,
    stdout: String,
    stderr: String,
    /// When the oldest unsent stream text was written.
    since: Option<Instant>,
    /// The figure as the last statement that changed it left it.
    figure: Option<Figure>,
    /// (ename, evalue, traceback) of the cell's error.
    error: Option<(String, String, Vec<String>)>,
    execution_count: usize,
    silent: bool,
}

/// Stream text is sent at the latest this long after it was printed (or
/// when the cell ends, or before a display).
const STREAM_FLUSH_MS: u128 = 50;

/// This kernel's `Output`.
pub struct KernelOutput {
    cell: Rc<RefCell<Cell>>,
    ports: Ports,
}

/// How figures are sent: `ARR_PLOT=svg` gives SVG, `none` none, else PNG.
fn figure_format() -> &'static str {
    match std::env::var("ARR_PLOT").as_deref() {
        Ok("svg") => "svg",
        Ok("none") => "none",
        _ => "png",
    }
}

impl KernelOutput {
    fn flush(&self) {
        let mut c = self.cell.borrow_mut();
        for (name, which) in [("stdout", 0), ("stderr", 1)] {
            let text = std::mem::take(if which == 0 {
                &mut c.stdout
            } else {
                &mut c.stderr
            });
            if !text.is_empty() {
                self.ports
                    .iopub("stream", &c.parent, json!({ "name": name, "text": text }));
            }
        }
        c.since = None;
    }

    fn stream(&self, err: bool, s: &str) {
        {
            let mut c = self.cell.borrow_mut();
            // Keep the order of stdout and stderr text.
            let other_pending = if err {
                !c.stdout.is_empty()
            } else {
                !c.stderr.is_empty()
            };
            if other_pending {
                drop(c);
                self.flush();
                c = self.cell.borrow_mut();
            }
            let buf = if err { &mut c.stderr } else { &mut c.stdout };
            buf.push_str(s);
            buf.push('\n');
            let big = buf.len() > 1 << 16;
            let since = *c.since.get_or_insert_with(Instant::now);
            if !big && since.elapsed().as_millis() < STREAM_FLUSH_MS {
                return;
            }
        }
        self.flush();
    }

    /// Send `fig` as `display_data`.
    fn display(&self, fig: &Figure) {
        self.flush();
        let (w, h) = (fig.width, fig.height);
        let data = match figure_format() {
            "none" => return,
            "svg" => crate::plot::render::svg(fig, w, h).map(|s| json!({ "image/svg+xml": s })),
            _ => crate::plot::render::png(fig, w, h).map(|p| {
                use base64::Engine;
                json!({ "image/png": base64::engine::general_purpose::STANDARD.encode(p) })
            }),
        };
        match data {
            Ok(mut data) => {
                data["text/plain"] = json!(format!("<figure {w}x{h}>"));
                let parent = self.cell.borrow().parent.clone();
                self.ports.iopub(
                    "display_data",
                    &parent,
                    json!({
                        "data": data,
                        "metadata": { "image/png": { "width": w, "height": h } },
                        "transient": {},
                    }),
                );
            }
            Err(m) => self.stream(true, &format!("note: the figure could not be drawn: {m}")),
        }
    }
}

/// A 2-d array as an HTML table (the cells `format_array` prints), with
/// its dtype and shape as the caption.
pub fn html_table(v: &Value) -> Option<String> {
    let Value::Array(a) = v else { return None };
    let rows = crate::array::format::grid_2d(a)?;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut h = String::from("<table class=\"arr-array\" style=\"font-family: monospace\">");
    h.push_str(&format!(
        "<caption style=\"caption-side: bottom; text-align: left\">{} array, shape {}</caption>",
        a.dtype().name(),
        esc(&crate::array::fmt_shape(a.shape()))
    ));
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            match c {
                Some(s) => h.push_str(&format!("<td style=\"text-align: right\">{}</td>", esc(&s))),
                None => h.push_str("<td style=\"text-align: center\">…</td>"),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    Some(h)
}

impl Output for KernelOutput {
    fn print(&mut self, s: &str) {
        self.stream(false, s);
    }
    fn warn(&mut self, s: &str) {
        self.stream(true, s);
    }
    fn figure(&mut self, fig: &Figure) {
        // show(): now; a later change draws again at the end of the cell.
        self.cell.borrow_mut().figure = None;
        self.display(fig);
    }
    fn figure_changed(&mut self, fig: &Figure) {
        self.cell.borrow_mut().figure = Some(fig.clone());
    }
    fn result(&mut self, v: &Value) {
        self.flush();
        let c = self.cell.borrow();
        if c.silent {
            return;
        }
        let mut data = json!({ "text/plain": crate::value::repr(v) });
        if let Some(t) = html_table(v) {
            data["text/html"] = json!(t);
        }
        self.ports.iopub(
            "execute_result",
            &c.parent,
            json!({ "execution_count": c.execution_count, "data": data, "metadata": {} }),
        );
    }
    fn error(&mut self, e: &Error, report: &str) {
        self.flush();
        let traceback: Vec<String> = report.lines().map(String::from).collect();
        let ename = e.kind.title().to_string();
        let parent = self.cell.borrow().parent.clone();
        self.ports.iopub(
            "error",
            &parent,
            json!({ "ename": ename, "evalue": e.message, "traceback": traceback }),
        );
        self.cell.borrow_mut().error = Some((ename, e.message.clone(), traceback));
    }
}

/// Byte offset of code point `cp` in `s` (Jupyter counts code points).
fn byte_of(s: &str, cp: usize) -> usize {
    s.char_indices().nth(cp).map(|(i, _)| i).unwrap_or(s.len())
}

fn code_points(s: &str, byte: usize) -> usize {
    s.get(..byte).map(|p| p.chars().count()).unwrap_or(0)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The names Shift-Tab at byte `pos` may mean, best first: the word at the
/// cursor, then the function whose call the cursor is inside.
pub fn inspect_names(code: &str, pos: usize) -> Vec<String> {
    let pos = pos.min(code.len());
    let mut out = Vec::new();
    let start = code[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(pos);
    let end = code[pos..]
        .char_indices()
        .find(|(_, c)| !is_ident(*c))
        .map(|(i, _)| pos + i)
        .unwrap_or(code.len());
    if start < end {
        out.push(code[start..end].to_string());
    }
    // The innermost unclosed `(` before the cursor, and the name before it.
    let mut depth = 0i32;
    for (i, c) in code[..pos].char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth > 0 => depth -= 1,
            '(' => {
                let name: String = code[..i]
                    .trim_end()
                    .chars()
                    .rev()
                    .take_while(|c| is_ident(*c))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if !name.is_empty() && !out.contains(&name) {
                    out.push(name);
                }
                break;
            }
            _ => {}
        }
    }
    out
}

/// Shift-Tab's text for `name`: the help of a function (as `help(name)`
/// prints it), or what a variable holds.
fn inspect_text(it: &mut Interp, name: &str) -> Option<String> {
    if name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let v = it.global(crate::syntax::sym::intern(name)).cloned();
    match v {
        Some(v @ Value::Func(_)) => crate::builtins::help_of(Some(&v)).ok(),
        Some(v) => {
            let (shape, dtype, device, bytes) = repl::describe_var(it, &v);
            let mut head = format!("{name}: {}", v.type_name());
            if !dtype.is_empty() && dtype != v.type_name() {
                head.push_str(&format!(", dtype {dtype}"));
            }
            if shape != "-" {
                head.push_str(&format!(", shape {shape}"));
            }
            if device != "-" && device != "cpu" {
                head.push_str(&format!(", on {device}"));
            }
            if let Some(b) = bytes {
                head.push_str(&format!(", {b} bytes"));
            }
            Some(format!("{head}\n{}", crate::value::repr(&v)))
        }
        // A builtin used as a method (`a.sum`) or a stdlib name.
        None => crate::builtins::help_of(Some(&Value::str(name))).ok(),
    }
}

/// `is_complete_request`: "complete", "incomplete" (with an indent) or
/// "invalid", by the REPL's continuation rule.
pub fn is_complete(code: &str) -> (&'static str, String) {
    if repl::needs_more(code) {
        let mut depth = 0usize;
        for c in code.chars() {
            match c {
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        return ("incomplete", "    ".repeat(depth.clamp(1, 8)));
    }
    let t = code.trim_start();
    if t.starts_with(':') || t.starts_with('?') || t.trim().is_empty() {
        return ("complete", String::new());
    }
    match crate::syntax::parser::parse_program(code, 0) {
        Ok(_) => ("complete", String::new()),
        Err(_) => ("invalid", String::new()),
    }
}

struct Kernel {
    it: Interp,
    repl: Repl,
    cell: Rc<RefCell<Cell>>,
    ports: Ports,
    names: Names,
    files: rustyline::completion::FilenameCompleter,
    rx: std::sync::mpsc::Receiver<In>,
    /// Requests taken off the channel while aborting, to run next.
    queue: VecDeque<In>,
}

/// Run the kernel for `conn_file` until a shutdown request.
pub fn run(conn_file: &std::path::Path) -> ExitCode {
    let conn = match std::fs::read_to_string(conn_file)
        .map_err(|e| e.to_string())
        .and_then(|t| Connection::parse(&t))
    {
        Ok(c) => c,
        Err(e) => {
            log(&format!(
                "cannot use the connection file {}: {e}",
                conn_file.display()
            ));
            return ExitCode::FAILURE;
        }
    };
    // A second SIGINT must not end the kernel (the REPL quits on one).
    crate::interrupt::SIGINT_QUITS.store(false, Ordering::SeqCst);
    let session = std::sync::Arc::new(wire::Session::new(wire::Key::new(&conn.key)));
    let (tx, rx) = std::sync::mpsc::channel();
    let out = match net::start(conn, session.clone(), tx) {
        Ok(o) => o,
        Err(e) => {
            log(&e);
            return ExitCode::FAILURE;
        }
    };
    let ports = Ports { session, out };
    let cell = Rc::new(RefCell::new(Cell::default()));
    let mut it = Interp::new(Box::new(KernelOutput {
        cell: cell.clone(),
        ports: ports.clone(),
    }));
    it.interactive = true;
    let repl = Repl::new(&it, true, "<cell>");
    let mut k = Kernel {
        it,
        repl,
        cell,
        ports,
        names: Names::default(),
        files: rustyline::completion::FilenameCompleter::new(),
        rx,
        queue: VecDeque::new(),
    };
    k.ports.status(&json!({}), "starting");
    k.names.refresh(&k.it);
    loop {
        let next = match k.queue.pop_front() {
            Some(m) => m,
            None => match k.rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            },
        };
        match next {
            In::Shell(m) => {
                // A panic is a bug in arr: log it and keep the session.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| k.shell(&m)));
                if r.is_err() {
                    log(&format!("internal error while handling {}", m.msg_type()));
                    k.ports.status(&m.header, "idle");
                }
            }
            In::Stdin(m) => log(&format!(
                "skipped a {} on stdin: no input was requested",
                m.msg_type()
            )),
        }
    }
    ExitCode::SUCCESS
}

impl Kernel {
    fn shell(&mut self, m: &Message) {
        self.ports.status(&m.header, "busy");
        let c = &m.content;
        let s = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let cursor = |code: &str| {
            c.get("cursor_pos")
                .and_then(|v| v.as_u64())
                .map(|p| byte_of(code, p as usize))
                .unwrap_or(code.len())
        };
        match m.msg_type() {
            "execute_request" => self.execute(m),
            "kernel_info_request" => {
                self.ports
                    .reply(Sock::Shell, m, "kernel_info_reply", kernel_info())
            }
            "complete_request" => {
                let code = s("code");
                let pos = cursor(code);
                self.names.refresh(&self.it);
                let (start, matches) = repl::completions(&self.names, &self.files, code, pos);
                self.ports.reply(
                    Sock::Shell,
                    m,
                    "complete_reply",
                    json!({
                        "status": "ok",
                        "matches": matches,
                        "cursor_start": code_points(code, start),
                        "cursor_end": code_points(code, pos),
                        "metadata": {},
                    }),
                );
            }
            "inspect_request" => {
                let code = s("code");
                let pos = cursor(code);
                let text = inspect_names(code, pos)
                    .into_iter()
                    .find_map(|n| inspect_text(&mut self.it, &n));
                let data = match &text {
                    Some(t) => json!({ "text/plain": t }),
                    None => json!({}),
                };
                self.ports.reply(
                    Sock::Shell,
                    m,
                    "inspect_reply",
                    json!({ "status": "ok", "found": text.is_some(), "data": data, "metadata": {} }),
                );
            }
            "is_complete_request" => {
                let (status, indent) = is_complete(s("code"));
                let mut content = json!({ "status": status });
                if status == "incomplete" {
                    content["indent"] = json!(indent);
                }
                self.ports
                    .reply(Sock::Shell, m, "is_complete_reply", content);
            }
            "history_request" => self.ports.reply(
                Sock::Shell,
                m,
                "history_reply",
                json!({ "status": "ok", "history": [] }),
            ),
            "comm_info_request" => self.ports.reply(
                Sock::Shell,
                m,
                "comm_info_reply",
                json!({ "status": "ok", "comms": {} }),
            ),
            "shutdown_request" => {
                let restart = c.get("restart").and_then(|r| r.as_bool()).unwrap_or(false);
                self.ports.reply(
                    Sock::Shell,
                    m,
                    "shutdown_reply",
                    json!({ "status": "ok", "restart": restart }),
                );
                let _ = self.ports.out.send(Out::Exit);
            }
            // Widgets are not supported: a comm the frontend opens is closed.
            "comm_open" => {
                let id = c.get("comm_id").cloned().unwrap_or(Json::Null);
                self.ports.iopub(
                    "comm_close",
                    &m.header,
                    json!({ "comm_id": id, "data": {} }),
                );
            }
            "comm_msg" | "comm_close" => {}
            other => log(&format!("skipped a message of unknown type {other:?}")),
        }
        self.ports.status(&m.header, "idle");
    }

    fn execute(&mut self, m: &Message) {
        let c = &m.content;
        let code = c.get("code").and_then(|v| v.as_str()).unwrap_or("");
        let flag = |k: &str, d: bool| c.get(k).and_then(|v| v.as_bool()).unwrap_or(d);
        let silent = flag("silent", false);
        let store_history = flag("store_history", !silent);
        let stop_on_error = flag("stop_on_error", true);
        let before = self.repl.n;
        let count = before + usize::from(!code.trim().is_empty());
        {
            let mut cell = self.cell.borrow_mut();
            *cell = Cell {
                parent: m.header.clone(),
                execution_count: count,
                silent,
                ..Cell::default()
            };
        }
        if !silent {
            self.ports.iopub(
                "execute_input",
                &m.header,
                json!({ "code": code, "execution_count": count }),
            );
        }
        let out = KernelOutput {
            cell: self.cell.clone(),
            ports: self.ports.clone(),
        };
        if repl::run_entry(&mut self.it, &mut self.repl, code).is_err() {
            out.stream(
                true,
                "note: a notebook's kernel keeps running; use the notebook's Shut Down (or Restart) to stop it",
            );
        }
        // Like matplotlib's inline backend: the figure the cell left is
        // shown once, at its end, and the next chart starts a new one.
        let fig = self.cell.borrow_mut().figure.take();
        if let Some(fig) = fig {
            out.display(&fig);
            crate::plot::close(&mut self.it);
        }
        let mut user_expressions = serde_json::Map::new();
        if let Some(exprs) = c.get("user_expressions").and_then(|u| u.as_object()) {
            for (k, e) in exprs {
                let e = e.as_str().unwrap_or("");
                let r = match self.it.run_source("<user_expression>", e) {
                    Ok(v) => json!({
                        "status": "ok",
                        "data": { "text/plain": v.map(|v| crate::value::repr(&v)).unwrap_or_default() },
                        "metadata": {},
                    }),
                    Err(err) => json!({
                        "status": "error",
                        "ename": err.kind.title(),
                        "evalue": err.message,
                        "traceback": self.it.render(&err, true).lines().collect::<Vec<_>>(),
                    }),
                };
                user_expressions.insert(k.clone(), r);
            }
            self.cell.borrow_mut().figure = None;
        }
        out.flush();
        if silent || !store_history {
            self.repl.n = before;
        }
        let error = self.cell.borrow_mut().error.take();
        let content = match &error {
            None => json!({
                "status": "ok",
                "execution_count": count,
                "user_expressions": user_expressions,
                "payload": [],
            }),
            Some((ename, evalue, tb)) => json!({
                "status": "error",
                "execution_count": count,
                "ename": ename,
                "evalue": evalue,
                "traceback": tb,
                "user_expressions": user_expressions,
                "payload": [],
            }),
        };
        self.ports.reply(Sock::Shell, m, "execute_reply", content);
        self.names.refresh(&self.it);
        if error.is_some() && stop_on_error {
            self.abort_queued();
        }
    }

    /// After an error: the cells already queued behind it (Run All) are
    /// not run; each gets an `aborted` reply, as in IPython.
    fn abort_queued(&mut self) {
        while let Ok(next) = self.rx.try_recv() {
            match next {
                In::Shell(q) if q.msg_type() == "execute_request" => {
                    self.ports.status(&q.header, "busy");
                    self.ports.reply(
                        Sock::Shell,
                        &q,
                        "execute_reply",
                        json!({ "status": "aborted" }),
                    );
                    self.ports.status(&q.header, "idle");
                }
                other => self.queue.push_back(other),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_finds_the_word_or_the_call() {
        assert_eq!(inspect_names("linspace", 3), vec!["linspace"]);
        assert_eq!(inspect_names("x = sum(a, ", 11), vec!["sum"]);
        assert_eq!(inspect_names("f(g(1), ", 8), vec!["f"]);
        assert_eq!(inspect_names("mean(x)", 6), vec!["x", "mean"]);
        assert!(inspect_names("1 + ", 4).is_empty());
    }

    #[test]
    fn completeness_follows_the_repl() {
        assert_eq!(is_complete("x = 1").0, "complete");
        assert_eq!(
            is_complete("for i in range(3) {"),
            ("incomplete", "    ".into())
        );
        assert_eq!(is_complete("f(1,").0, "incomplete");
        assert_eq!(is_complete("x = = 2").0, "invalid");
        assert_eq!(is_complete(":vars").0, "complete");
    }

    #[test]
    fn code_points_and_bytes() {
        let s = "é = 1";
        assert_eq!(byte_of(s, 1), 2);
        assert_eq!(code_points(s, 2), 1);
        assert_eq!(byte_of(s, 99), s.len());
    }

    #[test]
    fn two_d_arrays_get_a_table() {
        let mut it = Interp::new(Box::new(crate::output::Capture::default()));
        let v = it.run_source("t", "[[1.5, 2], [3, 4]]").ok().flatten();
        let h = v.as_ref().and_then(html_table).unwrap_or_default();
        assert!(
            h.contains("<td style=\"text-align: right\">1.5</td>"),
            "{h}"
        );
        assert!(h.contains("float64 array, shape (2, 2)"), "{h}");
        let big = it.run_source("t", "zeros(100, 100)").ok().flatten();
        let h = big.as_ref().and_then(html_table).unwrap_or_default();
        assert_eq!(h.matches("<tr>").count(), 7, "3 + … + 3 rows");
        assert!(h.contains('…'));
        let v = it.run_source("t", "arange(3)").ok().flatten();
        assert!(v.as_ref().and_then(html_table).is_none());
    }

    #[test]
    fn connection_files() {
        let c = Connection::parse(
            r#"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4,
                "hb_port": 5, "ip": "127.0.0.1", "key": "k", "transport": "tcp",
                "signature_scheme": "hmac-sha256"}"#,
        )
        .expect("a connection file parses");
        assert_eq!(
            (c.shell_port, c.hb_port, c.key.as_slice()),
            (1, 5, b"k".as_slice())
        );
        assert!(Connection::parse("{}").is_err());
        assert!(Connection::parse(r#"{"transport": "ipc"}"#).is_err());
        assert!(Connection::parse("nope").is_err());
    }

    #[test]
    fn kernel_info_names_the_language() {
        let k = kernel_info();
        assert_eq!(k["language_info"]["name"], "arr");
        assert_eq!(k["protocol_version"], "5.3");
    }
}
