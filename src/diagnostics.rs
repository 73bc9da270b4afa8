//! Errors: one `Error` type for parse and runtime failures, rendered with ariadne.
//!
//! Array-level code does not know source spans; it labels operands by
//! position (`At::Arg(i)`) and the evaluator resolves those to spans.

use std::fmt;

/// A byte range in one registered source (`src` indexes `Sources`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub src: u32,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(src: u32, start: usize, end: usize) -> Span {
        Span {
            src,
            start: start as u32,
            end: end as u32,
        }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            src: self.src,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    Syntax,
    Name,
    Type,
    Shape,
    Index,
    Value,
    ZeroDivision,
    Arity,
    Recursion,
    Memory,
    Io,
    Assertion,
    Interrupted,
    Limit,
}

impl ErrorKind {
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Syntax,
        ErrorKind::Name,
        ErrorKind::Type,
        ErrorKind::Shape,
        ErrorKind::Index,
        ErrorKind::Value,
        ErrorKind::ZeroDivision,
        ErrorKind::Arity,
        ErrorKind::Recursion,
        ErrorKind::Memory,
        ErrorKind::Io,
        ErrorKind::Assertion,
        ErrorKind::Interrupted,
        ErrorKind::Limit,
    ];
    pub fn title(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax error",
            ErrorKind::Name => "name error",
            ErrorKind::Type => "type error",
            ErrorKind::Shape => "shape error",
            ErrorKind::Index => "index error",
            ErrorKind::Value => "value error",
            ErrorKind::ZeroDivision => "division by zero",
            ErrorKind::Arity => "wrong number of arguments",
            ErrorKind::Recursion => "recursion too deep",
            ErrorKind::Memory => "out of memory",
            ErrorKind::Io => "file error",
            ErrorKind::Assertion => "assertion failed",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Limit => "limit exceeded",
        }
    }
}

/// Where a label points: a known span, or the i-th operand/argument of the
/// operation that failed (resolved by the evaluator).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum At {
    Span(Span),
    Arg(usize),
}

#[derive(Clone, Debug)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// The main span (underlined). `None` until the evaluator attaches one.
    pub span: Option<Span>,
    pub labels: Vec<(At, String)>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            span: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }
    pub fn type_(m: impl Into<String>) -> Error {
        Error::new(ErrorKind::Type, m)
    }
    pub fn value(m: impl Into<String>) -> Error {
        Error::new(ErrorKind::Value, m)
    }
    pub fn shape(m: impl Into<String>) -> Error {
        Error::new(ErrorKind::Shape, m)
    }
    pub fn index(m: impl Into<String>) -> Error {
        Error::new(ErrorKind::Index, m)
    }
    pub fn with_help(mut self, h: impl Into<String>) -> Error {
        self.help = Some(h.into());
        self
    }
    pub fn with_note(mut self, n: impl Into<String>) -> Error {
        self.notes.push(n.into());
        self
    }
    pub fn at(mut self, span: Span) -> Error {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
    pub fn label(mut self, at: At, msg: impl Into<String>) -> Error {
        self.labels.push((at, msg.into()));
        self
    }
    /// Label the i-th operand/argument.
    pub fn label_arg(self, i: usize, msg: impl Into<String>) -> Error {
        self.label(At::Arg(i), msg)
    }
    /// Resolve `At::Arg` labels with the operands' spans; attach `call` as main span.
    pub fn resolve(mut self, call: Span, args: &[Span]) -> Error {
        for (at, _) in self.labels.iter_mut() {
            if let At::Arg(i) = *at {
                *at = At::Span(args.get(i).copied().unwrap_or(call));
            }
        }
        self.at(call)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.title(), self.message)
    }
}

/// The registered source texts (files, `-e` code, REPL lines).
#[derive(Default, Clone)]
pub struct Sources {
    pub items: Vec<(String, std::rc::Rc<str>)>,
}

impl Sources {
    pub fn add(&mut self, name: &str, text: &str) -> u32 {
        self.items.push((name.to_string(), text.into()));
        (self.items.len() - 1) as u32
    }
    pub fn name(&self, id: u32) -> &str {
        self.items
            .get(id as usize)
            .map(|s| s.0.as_str())
            .unwrap_or("<unknown>")
    }
    pub fn text(&self, id: u32) -> &str {
        self.items.get(id as usize).map(|s| &*s.1).unwrap_or("")
    }
}

/// Longest source line a report quotes (bytes).
const MAX_SHOWN_LINE: usize = 10_000;

/// Render an error as an ariadne report (no colour when `color` is false).
pub fn render(err: &Error, sources: &Sources, color: bool) -> String {
    use ariadne::{Config, Label, Report, ReportKind, Source};
    let Some(span) = err.span else {
        let mut s = format!("error: {}: {}\n", err.kind.title(), err.message);
        if let Some(h) = &err.help {
            s.push_str(&format!("help: {h}\n"));
        }
        return s;
    };
    let text = sources.text(span.src);
    // A report shows the whole line it points into: a line of megabytes (a
    // minified or generated file) would flood the terminal, so say where
    // instead of showing it.
    let mut at = (span.start as usize).min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    if line_end - line_start > MAX_SHOWN_LINE {
        let line = text[..line_start].matches('\n').count() + 1;
        let col = text[line_start..at].chars().count() + 1;
        let mut s = format!(
            "Error: {}: {}\n --> {}:{line}:{col} (a line of {} bytes, not shown)\n",
            err.kind.title(),
            err.message,
            sources.name(span.src),
            line_end - line_start
        );
        if let Some(h) = &err.help {
            s.push_str(&format!("Help: {h}\n"));
        }
        return s;
    }
    // ariadne works in characters; convert byte offsets.
    let to_char = |b: u32| -> usize {
        let b = (b as usize).min(text.len());
        let mut b2 = b;
        while b2 > 0 && !text.is_char_boundary(b2) {
            b2 -= 1;
        }
        text[..b2].chars().count()
    };
    let name = sources.name(span.src).to_string();
    let range = |s: Span| {
        let a = to_char(s.start);
        let b = to_char(s.end).max(a);
        (name.clone(), a..b)
    };
    let mut rep = Report::build(ReportKind::Error, range(span))
        .with_config(Config::default().with_color(color))
        .with_message(format!("{}: {}", err.kind.title(), err.message));
    let mut has_main_label = false;
    for (at, msg) in &err.labels {
        if let At::Span(s) = at {
            if s.src == span.src {
                if *s == span {
                    has_main_label = true;
                }
                rep = rep.with_label(Label::new(range(*s)).with_message(msg));
            }
        }
    }
    if !has_main_label {
        rep = rep.with_label(Label::new(range(span)).with_message(short_label(err)));
    }
    if let Some(h) = &err.help {
        rep = rep.with_help(h);
    }
    for n in &err.notes {
        rep = rep.with_note(n);
    }
    let mut out = Vec::new();
    let cache = (name.clone(), Source::from(text.to_string()));
    if rep.finish().write(cache, &mut out).is_err() {
        return format!("error: {}\n", err);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn short_label(err: &Error) -> String {
    match err.kind {
        ErrorKind::Syntax => "here".into(),
        _ => err.kind.title().into(),
    }
}

/// The closest name by edit distance (for "did you mean" hints).
pub fn closest<'a>(name: &str, cands: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in cands {
        if c == name || c.starts_with('_') {
            continue;
        }
        let d = edit_distance(name, c);
        let limit = (name.len().max(2) / 3).max(1);
        if d <= limit && best.map(|(bd, _)| d < bd).unwrap_or(true) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = if a[i - 1].eq_ignore_ascii_case(&b[j - 1]) {
                0
            } else {
                1
            };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
