//! The REPL, driven through the real binary in a pseudo-terminal (rexpect):
//! continuation lines, completion, errors followed by more input, `:vars`,
//! Ctrl-C, history; plus piped input for every error class.

mod common;

use rexpect::reader::Options;
use rexpect::session::{spawn_with_options, PtySession};
use std::process::Command;
use std::time::{Duration, Instant};

/// The Ctrl-C timing tests hold this so the heavy one (a 6000x6000 matmul on
/// both cores) never starves the other: under starvation the REPL may still
/// have the terminal in raw mode when the test presses Ctrl-C, and the key
/// then arrives as a byte instead of a signal.
static CTRL_C_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

const PROMPT: &str = ">>> ";

fn tmp_dir(tag: &str) -> common::Scratch {
    common::Scratch::new(&format!("repl-{tag}"))
}

/// Start `arr` in a pty with its history in `hist`.
fn start(hist: &std::path::Path) -> PtySession {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arr"));
    c.env("ARR_HISTORY", hist)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    // Escape codes are kept: "\x1b[?2004l" (bracketed paste off) marks the
    // moment the line editor hands an entry over.
    let mut s =
        spawn_with_options(c, Options::new().timeout_ms(Some(30_000))).expect("spawn arr in a pty");
    s.exp_string("type help() or ?name").expect("banner");
    s.exp_string(PROMPT).expect("first prompt");
    s
}

const ACCEPTED: &str = "\x1b[?2004l";

/// Text without ANSI escape sequences.
fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            if it.peek() == Some(&'[') {
                it.next();
                for d in it.by_ref() {
                    if d.is_ascii_alphabetic() || d == '~' {
                        break;
                    }
                }
            } else {
                it.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Type keys as a person would: a pause after every Enter and Tab (the
/// line editor treats an Enter with more input pending as pasted text).
fn keys(s: &mut PtySession, text: &str) {
    let mut chunk = String::new();
    for c in text.chars() {
        chunk.push(c);
        if c == '\r' || c == '\t' {
            s.send(&chunk).unwrap();
            s.flush().unwrap();
            chunk.clear();
            std::thread::sleep(Duration::from_millis(150));
        }
    }
    if !chunk.is_empty() {
        s.send(&chunk).unwrap();
        s.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Type `line` + Enter (a `\r` inside starts a continuation line), and
/// return what the entry printed (escape codes removed).
fn enter(s: &mut PtySession, line: &str) -> String {
    keys(s, line);
    keys(s, "\r");
    s.exp_string(ACCEPTED)
        .unwrap_or_else(|e| panic!("{line:?} was not accepted: {e}"));
    done(s)
}

/// Wait until the running entry is over; return what it showed. The end is
/// marked by a second entry that prints a number seen nowhere else (its
/// leading space keeps it out of the history).
fn done(s: &mut PtySession) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(770_000);
    let n = N.fetch_add(1, Ordering::Relaxed);
    keys(s, &format!(" print({} + 1)\r", n - 1));
    let o = s
        .exp_string(&format!("\n{n}"))
        .unwrap_or_else(|e| panic!("the entry did not finish: {e}"));
    strip(&o)
}

/// Does the output have `want` as a whole line?
fn has_line(o: &str, want: &str) -> bool {
    o.split(['\r', '\n']).any(|l| l.trim_end() == want)
}

fn quit(mut s: PtySession) {
    s.send_control('d').unwrap();
    s.exp_eof().expect("Ctrl-D quits");
}

#[test]
fn values_print_and_semicolon_suppresses() {
    let d = tmp_dir("values");
    let mut s = start(&d.join("h"));
    let o = enter(&mut s, "A = [[1, 2], [3, 4]]");
    assert!(!o.contains("[[1 2]"), "{o:?}");
    let o = enter(&mut s, "A @ A");
    assert!(o.contains("[[ 7 10]\r\n [15 22]]"), "{o:?}");
    let o = enter(&mut s, "A * 2;");
    assert!(!o.contains("[["), "{o:?}");
    quit(s);
}

#[test]
fn continuation_lines_while_brackets_are_open() {
    let d = tmp_dir("cont");
    let mut s = start(&d.join("h"));
    // The validator keeps the entry open until the braces close.
    let o = enter(&mut s, "for i in range(3) {\r  print(i * 10)\r}");
    assert!(o.contains("0\r\n10\r\n20"), "{o:?}");
    let o = enter(&mut s, "x = [1,\r 2,\r 3]");
    assert!(!o.contains("error"), "{o:?}");
    let o = enter(&mut s, "x");
    assert!(o.contains("[1 2 3]"), "{o:?}");
    quit(s);
}

#[test]
fn tab_completion_of_builtins_and_attributes() {
    let d = tmp_dir("tab");
    let mut s = start(&d.join("h"));
    // `linsp<Tab>` → linspace (a builtin).
    let o = enter(&mut s, "linsp\t(0, 1, 3)");
    assert!(o.contains("[0.  0.5 1. ]"), "{o:?}");
    enter(&mut s, "my_long_name = arange(4)");
    // A variable of the session.
    let o = enter(&mut s, "my_lo\t * 2");
    assert!(o.contains("[0 2 4 6]"), "{o:?}");
    // An attribute after `.`.
    let o = enter(&mut s, "my_long_name.sha\t");
    assert!(o.contains("(4,)"), "{o:?}");
    // A stdlib function (written in arr).
    let o = enter(&mut s, "softm\t([0.0, 0.0])");
    assert!(o.contains("[0.5 0.5]"), "{o:?}");
    quit(s);
}

#[test]
fn errors_keep_the_session_and_render_against_the_repl_line() {
    let d = tmp_dir("err");
    let mut s = start(&d.join("h"));
    enter(&mut s, "a = 5");
    let o = enter(&mut s, "zeros(3) + zeros(4)");
    assert!(o.contains("shape error"), "{o:?}");
    assert!(o.contains("[ <repl>:"), "{o:?}");
    let o = enter(&mut s, "a * 2");
    assert!(has_line(&o, "10"), "{o:?}");
    let o = enter(&mut s, "undefined_thing");
    assert!(o.contains("`undefined_thing` is not defined"), "{o:?}");
    let o = enter(&mut s, "a + 1");
    assert!(has_line(&o, "6"), "{o:?}");
    quit(s);
}

#[test]
fn vars_lists_name_shape_dtype_device_bytes() {
    let d = tmp_dir("vars");
    let mut s = start(&d.join("h"));
    enter(&mut s, "w = zeros((2, 3))");
    enter(&mut s, "k = arange(5)");
    enter(&mut s, "p = {\"W\": ones((2, 2)), \"b\": zeros(2)}");
    let o = enter(&mut s, ":vars");
    assert!(o.contains("name  shape"), "{o:?}");
    let row = |name: &str| -> Vec<String> {
        o.split(['\r', '\n'])
            .find(|l| l.split_whitespace().next() == Some(name))
            .map(|l| l.split_whitespace().map(String::from).collect())
            .unwrap_or_default()
    };
    assert_eq!(row("k"), ["k", "(5,)", "int64", "cpu", "40", "B"], "{o:?}");
    assert_eq!(
        row("w"),
        ["w", "(2,", "3)", "float64", "cpu", "48", "B"],
        "{o:?}"
    );
    assert_eq!(
        row("p"),
        ["p", "2", "keys", "dict", "-", "48", "B"],
        "{o:?}"
    );
    // Builtins and constants are not listed, a rebound one is.
    assert!(!o.contains("linspace") && !o.contains("pi "), "{o:?}");
    enter(&mut s, "e = 3");
    let o = enter(&mut s, ":vars");
    assert!(
        o.split(['\r', '\n'])
            .any(|l| l.starts_with("e ") && l.contains("()")),
        "{o:?}"
    );
    // :reset forgets them.
    enter(&mut s, ":reset");
    let o = enter(&mut s, "w");
    assert!(o.contains("`w` is not defined"), "{o:?}");
    let o = enter(&mut s, "e");
    assert!(o.contains("2.718281828"), "{o:?}");
    quit(s);
}

#[test]
fn ctrl_c_stops_a_loop_within_a_second_and_keeps_the_session() {
    let _one = CTRL_C_TESTS.lock().unwrap_or_else(|p| p.into_inner());
    let d = tmp_dir("ctrlc");
    let mut s = start(&d.join("h"));
    enter(&mut s, "kept = 41");
    keys(&mut s, "while true {}\r");
    s.exp_string(ACCEPTED).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    s.send_control('c').unwrap();
    s.exp_string("stopped by Ctrl-C")
        .expect("Ctrl-C stops the loop");
    let took = t.elapsed();
    done(&mut s);
    assert!(took < Duration::from_secs(1), "took {took:?}");
    let o = enter(&mut s, "kept + 1");
    assert!(has_line(&o, "42"), "{o:?}");
    // A loop that calls functions and does elementwise work, too.
    enter(&mut s, "fn f(x) = sum(x * 2)");
    keys(&mut s, "z = ones(1000); while true { z = z + f(z) * 0 }\r");
    s.exp_string(ACCEPTED).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    s.send_control('c').unwrap();
    s.exp_string("stopped by Ctrl-C").unwrap();
    assert!(t.elapsed() < Duration::from_secs(1));
    done(&mut s);
    let o = enter(&mut s, "z.shape");
    assert!(o.contains("(1000,)"), "{o:?}");
    quit(s);
}

/// Enter `line`, press Ctrl-C after half a second and return how long the
/// report "stopped by Ctrl-C" took to appear.
fn interrupt(s: &mut PtySession, line: &str) -> Duration {
    keys(s, &format!("{line}\r"));
    s.exp_string(ACCEPTED).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    s.send_control('c').unwrap();
    s.exp_string("stopped by Ctrl-C")
        .unwrap_or_else(|e| panic!("Ctrl-C stops `{line}`: {e}"));
    let took = t.elapsed();
    done(s);
    took
}

#[test]
fn ctrl_c_stops_one_long_builtin_and_keeps_the_session() {
    let _one = CTRL_C_TESTS.lock().unwrap_or_else(|p| p.into_inner());
    // One `@` of two 6000x6000 matrices is ~2*10^11 multiply-adds (seconds
    // even on fast cores; 288 MB per matrix): it runs in row blocks and
    // looks for Ctrl-C between them. Without the checks it runs to the end.
    let d = tmp_dir("ctrlc-builtin");
    let mut s = start(&d.join("h"));
    enter(&mut s, "a = rand(6000, 6000)");
    let took = interrupt(&mut s, "b = a @ a");
    assert!(took < Duration::from_secs(3), "matmul took {took:?}");
    let o = enter(&mut s, "a.shape");
    assert!(o.contains("(6000, 6000)"), "{o:?}");
    let o = enter(&mut s, "b");
    assert!(o.contains("`b` is not defined"), "{o:?}");
    // A sort of 4*10^7 values sorts chunks and merges them with checks;
    // argsort the same way.
    enter(&mut s, "a = 0; x = rand(4 * 10**7)");
    let took = interrupt(&mut s, "y = sort(x)");
    assert!(took < Duration::from_secs(3), "sort took {took:?}");
    let took = interrupt(&mut s, "y = argsort(x)");
    assert!(took < Duration::from_secs(3), "argsort took {took:?}");
    let o = enter(&mut s, "x.shape");
    assert!(o.contains("(40000000,)"), "{o:?}");
    let o = enter(&mut s, "y");
    assert!(o.contains("`y` is not defined"), "{o:?}");
    quit(s);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line() {
    let d = tmp_dir("clear");
    let mut s = start(&d.join("h"));
    keys(&mut s, "this is not run");
    s.send_control('c').unwrap();
    s.exp_string(ACCEPTED).unwrap();
    let o = enter(&mut s, "1 + 1");
    assert!(has_line(&o, "2") && !o.contains("error"), "{o:?}");
    // Ctrl-C in a continuation entry drops the whole entry.
    keys(&mut s, "x = [1,\r");
    s.send_control('c').unwrap();
    s.exp_string(ACCEPTED).unwrap();
    let o = enter(&mut s, "3 * 3");
    assert!(has_line(&o, "9") && !o.contains("error"), "{o:?}");
    quit(s);
}

#[test]
fn history_is_kept_across_sessions() {
    let d = tmp_dir("hist");
    let h = d.join("sub").join("history");
    let mut s = start(&h);
    enter(&mut s, "for i in range(2) {\r print(i + 100)\r}");
    enter(&mut s, "40 + 2");
    quit(s);
    let text = std::fs::read_to_string(&h).expect("history file written");
    assert!(text.starts_with("#V2\n"), "{text}");
    assert!(text.contains("40 + 2\n"), "{text}");
    // No temp file is left beside it.
    let names: Vec<String> = std::fs::read_dir(h.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["history"]);
    // A new session recalls them with the Up arrow (multi-line entry too).
    let mut s = start(&h);
    let o = enter(&mut s, "\x1b[A");
    assert!(has_line(&o, "42"), "{o:?}");
    let o = enter(&mut s, "\x1b[A\x1b[A");
    assert!(o.contains("100\r\n101"), "{o:?}");
    quit(s);
}

#[test]
fn help_commands_time_load_and_explain() {
    let d = tmp_dir("cmds");
    let mut s = start(&d.join("h"));
    let o = enter(&mut s, "?linspace");
    assert!(
        o.contains("linspace(start, stop") && o.contains("example:"),
        "{o:?}"
    );
    let o = enter(&mut s, "help(softmax)");
    assert!(o.contains("softmax("), "{o:?}");
    let o = enter(&mut s, "help()");
    assert!(o.contains("arr builtins by topic"), "{o:?}");
    let o = enter(&mut s, "?lnspace");
    assert!(o.contains("did you mean `linspace`?"), "{o:?}");
    let o = enter(&mut s, ":help");
    assert!(o.contains(":explain EXPR") && o.contains(":vars"), "{o:?}");
    let o = enter(&mut s, ":time sum(arange(1000))");
    assert!(o.contains("499500") && o.contains("time: "), "{o:?}");
    let f = d.join("lib.arr");
    std::fs::write(&f, "fn twice(x) = 2 * x\nloaded_value = 7\n").unwrap();
    let o = enter(&mut s, &format!(":load {}", f.display()));
    assert!(o.contains("loaded "), "{o:?}");
    let o = enter(&mut s, "twice(loaded_value)");
    assert!(has_line(&o, "14"), "{o:?}");
    let o = enter(&mut s, ":explain zeros((3, 1)) + arange(4)");
    assert!(o.contains("pad with 1s") && o.contains("= (3, 4)"), "{o:?}");
    let o = enter(&mut s, ":explain arange(3) + ones((3, 4))");
    assert!(o.contains("clash") && o.contains("[:, newaxis]"), "{o:?}");
    let o = enter(&mut s, ":nosuch");
    assert!(o.contains("unknown command"), "{o:?}");
    keys(&mut s, ":quit\r");
    s.exp_eof().expect(":quit quits");
}

/// Every error class in one session, each followed by a check that the
/// session is intact (issue 9: the REPL survives every error class).
const ERROR_CLASSES: &[(&str, &str)] = &[
    ("x = (1 +* 2)", "syntax error"),
    ("nosuch_name", "name error"),
    ("\"a\" @ 1", "type error"),
    ("zeros(3) + zeros(4)", "shape error"),
    ("arange(3)[5]", "index error"),
    ("reshape(arange(6), 4, 2)", "error"),
    ("1 // 0", "division"),
    ("linspace()", "error"),
    ("fn down(n) = down(n + 1); down(0)", "recursion"),
    ("zeros(10**12)", "memory"),
    ("load(\"/no/such/file.npy\")", "cannot"),
    ("assert(false, \"boom\")", "boom"),
    ("((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", "nested more than"),
];

#[test]
fn the_repl_survives_every_error_class() {
    let d = tmp_dir("classes");
    let mut s = start(&d.join("h"));
    enter(&mut s, "keep = 123");
    for (code, want) in ERROR_CLASSES {
        let o = enter(&mut s, code);
        assert!(
            o.to_lowercase().contains(want),
            "{code}: want {want:?} in {o:?}"
        );
        assert!(!o.contains("internal error"), "{code}: {o:?}");
        let o = enter(&mut s, "keep");
        assert!(has_line(&o, "123"), "after {code}: {o:?}");
    }
    quit(s);
}

#[test]
fn piped_input_survives_every_error_class() {
    use std::io::Write;
    let mut input = String::from("keep = 123\n");
    for (code, _) in ERROR_CLASSES {
        input.push_str(code);
        input.push_str("\nkeep\n");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_arr"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let so = String::from_utf8_lossy(&o.stdout);
    let se = String::from_utf8_lossy(&o.stderr);
    assert_eq!(so, "123\n".repeat(ERROR_CLASSES.len()), "stderr: {se}");
    assert_eq!(o.status.code(), Some(1));
    assert!(!se.contains("internal error"), "{se}");
    assert!(!so.contains('\x1b') && !se.contains('\x1b'));
}
