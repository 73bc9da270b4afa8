//! The rustyline helper: continuation lines (a validator on the real
//! parser), tab completion, syntax highlighting and hints.

use crate::value::{Func, Value};
use crate::Interp;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter, HistoryHinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::Context;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

pub const KEYWORDS: &[&str] = &[
    "fn", "if", "else", "while", "for", "in", "return", "break", "continue", "and", "or", "not",
    "true", "false", "none", "import",
];

/// Attributes every array has (`a.T`, `a.shape`, ...).
/// Attribute names for completion: the one list in `value::ATTRIBUTES`.
pub fn attributes() -> impl Iterator<Item = &'static str> {
    crate::value::ATTRIBUTES.iter().map(|(n, _)| *n)
}

/// What completion and hints know about the session, refreshed after
/// every entry (the helper cannot borrow the interpreter while it runs).
#[derive(Default)]
pub struct Names {
    /// Every global name: the user's variables, builtins, stdlib functions,
    /// constants.
    pub globals: Vec<String>,
    /// Keys of dict variables (for `p.<Tab>`).
    pub dict_keys: HashMap<String, Vec<String>>,
    /// `name(params)` of every function in scope.
    pub sigs: HashMap<String, String>,
    /// Builtins usable as methods (`a.sum()`).
    pub methods: Vec<String>,
}

impl Names {
    pub fn refresh(&mut self, it: &Interp) {
        self.globals.clear();
        self.dict_keys.clear();
        self.sigs.clear();
        for (s, v) in it.global_names() {
            let name = s.to_string();
            match v {
                Value::Dict(d) => {
                    self.dict_keys
                        .insert(name.clone(), d.iter().map(|(k, _)| k.to_string()).collect());
                }
                Value::Func(Func::Builtin(b)) => {
                    self.sigs.insert(name.clone(), b.sig().to_string());
                }
                Value::Func(Func::User(c)) => {
                    let sig = match crate::stdlib::doc(&name) {
                        Some(d) if c.def.name.map(|n| n.to_string()) == Some(name.clone()) => {
                            d.sig.clone()
                        }
                        _ => format!("{name}({})", c.param_names().join(", ")),
                    };
                    self.sigs.insert(name.clone(), sig);
                }
                _ => {}
            }
            self.globals.push(name);
        }
        self.globals.sort();
        self.methods = crate::builtins::table()
            .iter()
            .filter(|b| b.method)
            .map(|b| b.name.to_string())
            .collect();
        self.methods.sort();
        self.methods.dedup();
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Is byte offset `pos` of `line` inside a string literal (its quote) or a
/// comment (`#`)?
fn in_string_or_comment(line: &str, pos: usize) -> Option<char> {
    let mut state: Option<char> = None;
    let mut chars = line[..pos].chars();
    while let Some(c) = chars.next() {
        match state {
            Some('#') => {
                if c == '\n' {
                    state = None;
                }
            }
            Some(q) => {
                if c == '\\' {
                    chars.next();
                } else if c == q || c == '\n' {
                    state = None;
                }
            }
            None => {
                if matches!(c, '"' | '\'' | '#') {
                    state = Some(c);
                }
            }
        }
    }
    state
}

/// The completions at byte offset `pos` of `line`: (start of the word being
/// completed, candidates). Public so tests can check it without a terminal.
pub fn complete_at(names: &Names, line: &str, pos: usize) -> (usize, Vec<String>) {
    let before = &line[..pos];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident_char(*c))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(pos);
    let word = &line[start..pos];
    let head = &line[..start];
    // `:com<Tab>`: the REPL's commands.
    if head.trim().is_empty() && head.ends_with(':') || head == ":" {
        let mut c: Vec<String> = super::COMMANDS
            .iter()
            .map(|(c, _)| c.split(' ').next().unwrap_or(c).trim_start_matches(':'))
            .filter(|c| c.starts_with(word))
            .map(String::from)
            .collect();
        c.sort();
        return (start, c);
    }
    let mut out: Vec<String> = Vec::new();
    if let Some(obj_end) = head.strip_suffix('.') {
        // After a `.`: a dict's keys, else attributes and methods.
        let obj: String = obj_end
            .chars()
            .rev()
            .take_while(|c| is_ident_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if obj.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return (start, out); // `1.5`: a number, not an attribute
        }
        if let Some(keys) = names.dict_keys.get(&obj) {
            out.extend(
                keys.iter()
                    .filter(|k| k.starts_with(word) && k.chars().all(is_ident_char))
                    .cloned(),
            );
        } else {
            let attrs: Vec<&str> = attributes().collect();
            out.extend(starting_with(&attrs, &names.methods, word));
        }
        out.sort();
        out.dedup();
        return (start, out);
    }
    if word.is_empty() || word.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return (start, out);
    }
    out.extend(starting_with(KEYWORDS, &names.globals, word));
    out.sort();
    out.dedup();
    (start, out)
}

/// Everything Tab offers at byte offset `pos` of `line` (the REPL and the
/// Jupyter kernel): file names inside a string literal and after `:load`,
/// nothing inside a comment, else [`complete_at`].
pub fn completions(
    names: &Names,
    files: &FilenameCompleter,
    line: &str,
    pos: usize,
) -> (usize, Vec<String>) {
    let state = in_string_or_comment(line, pos);
    if matches!(state, Some('"' | '\'')) || line.trim_start().starts_with(":load ") {
        return match files.complete_path(line, pos) {
            Ok((start, pairs)) => (start, pairs.into_iter().map(|p| p.replacement).collect()),
            Err(_) => (pos, Vec::new()),
        };
    }
    if state == Some('#') {
        return (pos, Vec::new());
    }
    complete_at(names, line, pos)
}

/// The words of `fixed` and `more` that start with `word`.
fn starting_with<'a>(
    fixed: &'a [&str],
    more: &'a [String],
    word: &'a str,
) -> impl Iterator<Item = String> + 'a {
    fixed
        .iter()
        .map(|s| s.to_string())
        .chain(more.iter().cloned())
        .filter(move |k| k.starts_with(word))
}

pub struct ArrHelper {
    names: Rc<RefCell<Names>>,
    color: bool,
    files: FilenameCompleter,
    history: HistoryHinter,
}

impl ArrHelper {
    pub fn new(names: Rc<RefCell<Names>>, color: bool) -> ArrHelper {
        ArrHelper {
            names,
            color,
            files: FilenameCompleter::new(),
            history: HistoryHinter::new(),
        }
    }
}

impl rustyline::Helper for ArrHelper {}

impl Completer for ArrHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let _ = ctx;
        let (start, c) = completions(&self.names.borrow(), &self.files, line, pos);
        Ok((
            start,
            c.into_iter()
                .map(|s| Pair {
                    display: s.clone(),
                    replacement: s,
                })
                .collect(),
        ))
    }
}

/// A hint: the rest of a function's signature after `name(` (shown, not
/// inserted), or the rest of a matching history entry (Right arrow takes it).
pub struct ArrHint {
    display: String,
    completion: Option<String>,
}

impl Hint for ArrHint {
    fn display(&self) -> &str {
        &self.display
    }
    fn completion(&self) -> Option<&str> {
        self.completion.as_deref()
    }
}

/// The signature hint for a line ending in `name(`: what is left of the
/// signature, e.g. `start, stop, num=50)` for `linspace(`.
pub fn signature_hint(names: &Names, line: &str) -> Option<String> {
    let head = line.strip_suffix('(')?;
    let name: String = head
        .chars()
        .rev()
        .take_while(|c| is_ident_char(*c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if name.is_empty() {
        return None;
    }
    let sig = names.sigs.get(&name)?;
    let rest = &sig[sig.find('(')? + 1..];
    if rest.is_empty() {
        None
    } else {
        Some(rest.to_string())
    }
}

impl Hinter for ArrHelper {
    type Hint = ArrHint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<ArrHint> {
        if pos < line.len() {
            return None;
        }
        if let Some(s) = signature_hint(&self.names.borrow(), line) {
            return Some(ArrHint {
                display: s,
                completion: None,
            });
        }
        self.history.hint(line, pos, ctx).map(|h| ArrHint {
            display: h.clone(),
            completion: Some(h),
        })
    }
}

impl Validator for ArrHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if super::needs_more(ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

const KEYWORD: &str = "\x1b[35m";
const NUMBER: &str = "\x1b[36m";
const STRING: &str = "\x1b[32m";
const COMMENT: &str = "\x1b[90m";
const COMMAND: &str = "\x1b[33m";
const FUNCTION: &str = "\x1b[34m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours: keywords, numbers, strings, comments, known
/// functions and `:` commands. Only escape codes are added, so the display
/// width is unchanged.
pub fn highlight_line(names: &Names, line: &str) -> String {
    let mut s = String::with_capacity(line.len() * 2);
    let b = line.as_bytes();
    let mut i = 0;
    let paint = |s: &mut String, color: &str, text: &str| {
        s.push_str(color);
        s.push_str(text);
        s.push_str(RESET);
    };
    if let Some(rest) = line.strip_prefix(':') {
        let end = 1 + rest.find(char::is_whitespace).unwrap_or(rest.len());
        paint(&mut s, COMMAND, &line[..end]);
        i = end;
    } else if line.starts_with('?') {
        paint(&mut s, COMMAND, "?");
        i = 1;
    }
    while i < b.len() {
        let c = b[i];
        if c == b'#' {
            let end = line[i..].find('\n').map(|e| i + e).unwrap_or(b.len());
            paint(&mut s, COMMENT, &line[i..end]);
            i = end;
        } else if c == b'"' || c == b'\'' {
            let mut j = i + 1;
            while j < b.len() && b[j] != c && b[j] != b'\n' {
                if b[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(b.len());
            paint(&mut s, STRING, &line[i..end]);
            i = end;
        } else if c.is_ascii_digit()
            || (c == b'.'
                && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())
                && (i == 0 || !is_ident_char(b[i - 1] as char)))
        {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric()
                    || b[j] == b'_'
                    || b[j] == b'.'
                    || ((b[j] == b'+' || b[j] == b'-')
                        && j > i
                        && (b[j - 1] == b'e' || b[j - 1] == b'E')))
            {
                j += 1;
            }
            paint(&mut s, NUMBER, &line[i..j]);
            i = j;
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
                j += 1;
            }
            let w = &line[i..j];
            let after_dot = i > 0 && b[i - 1] == b'.';
            if !after_dot && KEYWORDS.contains(&w) {
                let col = if matches!(w, "true" | "false" | "none") {
                    NUMBER
                } else {
                    KEYWORD
                };
                paint(&mut s, col, w);
            } else if !after_dot && b.get(j) == Some(&b'(') && names.sigs.contains_key(w) {
                paint(&mut s, FUNCTION, w);
            } else {
                s.push_str(w);
            }
            i = j;
        } else {
            // One whole UTF-8 character.
            let ch = line[i..].chars().next().map(|c| c.len_utf8()).unwrap_or(1);
            s.push_str(&line[i..i + ch]);
            i += ch;
        }
    }
    s
}

impl Highlighter for ArrHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        Cow::Owned(highlight_line(&self.names.borrow(), line))
    }
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if !self.color {
            return Cow::Borrowed(hint);
        }
        Cow::Owned(format!("{COMMENT}{hint}{RESET}"))
    }
    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let it = Interp::new(Box::new(crate::output::Capture::default()));
        let mut n = Names::default();
        n.refresh(&it);
        n
    }

    #[test]
    fn completes_builtins_keywords_and_attributes() {
        let n = names();
        assert_eq!(
            complete_at(&n, "linsp", 5),
            (0, vec!["linspace".to_string()])
        );
        let (s, c) = complete_at(&n, "x = whi", 7);
        assert_eq!((s, c), (4, vec!["while".to_string()]));
        let (s, c) = complete_at(&n, "a.sh", 4);
        assert_eq!((s, c), (2, vec!["shape".to_string()]));
        let (_, c) = complete_at(&n, "a.", 2);
        assert!(
            c.contains(&"T".to_string()) && c.contains(&"sum".to_string()),
            "{c:?}"
        );
        // stdlib functions (written in arr) complete too.
        let (_, c) = complete_at(&n, "softm", 5);
        assert_eq!(c, vec!["softmax".to_string()]);
        // Commands after `:`.
        let (s, c) = complete_at(&n, ":va", 3);
        assert_eq!((s, c), (1, vec!["vars".to_string()]));
        // A number is not an attribute access.
        assert!(complete_at(&n, "1.5", 3).1.is_empty());
    }

    #[test]
    fn hints_show_the_rest_of_the_signature() {
        let n = names();
        let h = signature_hint(&n, "x = linspace(").unwrap();
        assert!(h.starts_with("start, stop"), "{h}");
        assert_eq!(signature_hint(&n, "nosuch("), None);
    }

    #[test]
    fn highlighting_only_adds_escape_codes() {
        let n = names();
        for line in [
            "for i in range(10) { x = sum(a) + 1.5e-3 }  # done",
            "s = \"a \\\" b\"; y = .5",
            ":time x @ x",
            "é = 1 # unicode ü",
            "\"unterminated",
        ] {
            let h = highlight_line(&n, line);
            let stripped = strip_ansi(&h);
            assert_eq!(stripped, line);
        }
        assert!(highlight_line(&n, "while true {}").contains(KEYWORD));
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                for d in it.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}
