//! Shared test helpers: run arr code in-process and capture what it prints.
#![allow(dead_code)]

use arr::output::Capture;
use arr::Interp;

pub struct Run {
    pub out: String,
    pub err: String,
    /// The rendered error report (no colour), if the code failed.
    pub error: Option<String>,
    pub kind: Option<arr::diagnostics::ErrorKind>,
    /// What `arr -e` would print for the last statement.
    pub value: Option<String>,
}

/// Run `code` like `arr -e` does, on a big stack (as the binary does).
pub fn run(code: &str) -> Run {
    run_named("<-e>", code, None)
}

pub fn run_named(name: &str, code: &str, dir: Option<std::path::PathBuf>) -> Run {
    let code = code.to_string();
    let name = name.to_string();
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let cap = Capture::default();
            let mut it = Interp::new(Box::new(cap.clone()));
            it.base_dir = dir;
            let r = it.run_source(&name, &code);
            let (error, kind, value) = match r {
                Ok(v) => (None, None, v.map(|v| arr::eval::repr(&v))),
                Err(e) => (Some(it.render(&e, false)), Some(e.kind), None),
            };
            let out = cap.out.borrow().clone();
            let err = cap.err.borrow().clone();
            Run {
                out,
                err,
                error,
                kind,
                value,
            }
        })
        .expect("spawn test thread")
        .join()
        .expect("interpreter thread panicked")
}

/// Is there a GPU adapter? Without one GPU tests print that they skipped,
/// unless `ARR_REQUIRE_GPU_TESTS=1` (set by `.ci/run`) makes that a failure.
pub fn have_gpu() -> bool {
    if arr::gpu::get().is_some() {
        return true;
    }
    if std::env::var("ARR_REQUIRE_GPU_TESTS")
        .map(|v| v == "1")
        .unwrap_or(false)
    {
        panic!("no GPU adapter found and ARR_REQUIRE_GPU_TESTS=1");
    }
    println!("skipped: no GPU adapter");
    false
}

/// A scratch folder under the system temp folder (a `tempfile::TempDir`,
/// unique per call), removed with everything in it when dropped, also when
/// the test panics, so a run of the suite leaves nothing behind. Derefs to
/// its path, which is canonical (tests that compare paths see real ones).
pub struct Scratch {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix(&format!("arr-{tag}-"))
            .tempdir()
            .expect("create a scratch folder");
        let path = std::fs::canonicalize(dir.path()).expect("canonical scratch path");
        Scratch { _dir: dir, path }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn to_path_buf(&self) -> std::path::PathBuf {
        self.path.clone()
    }
}

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.path
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        &self.path
    }
}

/// One piece of printed output: a number as printed, or the text between
/// numbers with each run of spaces collapsed to one (column padding depends
/// on how many digits the numbers took).
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Num(&'a str),
    Text(String),
}

fn pieces(s: &str) -> Vec<Piece<'_>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let digit = |j: usize| j < b.len() && b[j].is_ascii_digit();
    while i < b.len() {
        let prev_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        let sign = (b[i] == b'-' || b[i] == b'+') as usize;
        let starts = !prev_word
            && (digit(i + sign) || (b.get(i + sign) == Some(&b'.') && digit(i + sign + 1)));
        if !starts {
            let c = s[i..].chars().next().unwrap_or(' ');
            if !(c == ' ' && text.ends_with(' ')) {
                text.push(c);
            }
            i += c.len_utf8();
            continue;
        }
        let start = i;
        i += sign;
        while digit(i) {
            i += 1;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while digit(i) {
                i += 1;
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let k = i + 1 + (b.get(i + 1).is_some_and(|c| *c == b'-' || *c == b'+') as usize);
            if digit(k) {
                i = k;
                while digit(i) {
                    i += 1;
                }
            }
        }
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Num(&s[start..i]));
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// One unit in the last printed digit of a number as printed ("0.25" ->
/// 0.01, "1.5e-07" -> 1e-8, "3." -> 1).
fn last_digit_unit(n: &str) -> f64 {
    let (mant, exp) = match n.find(['e', 'E']) {
        Some(k) => (&n[..k], n[k + 1..].parse::<i32>().unwrap_or(0)),
        None => (n, 0),
    };
    let decimals = mant.find('.').map_or(0, |k| mant.len() - k - 1) as i32;
    10f64.powi(exp - decimals)
}

/// Do two printed numbers agree? Integers (no `.` or exponent) exactly;
/// floats must be printed the same way (both with or without a `.` and an
/// exponent, so a changed dtype still shows) and agree within two units of
/// the last printed digit or 1e-12 relative (1e-14 absolute near zero): the
/// last digits of libm, SIMD and BLAS results differ between CPUs.
fn same_number(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let float = |s: &str| (s.contains('.'), s.contains(['e', 'E']));
    if float(a) != float(b) || float(a) == (false, false) {
        return false;
    }
    let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) else {
        return false;
    };
    let tol = (2.0 * last_digit_unit(a).max(last_digit_unit(b)))
        .max(1e-12 * x.abs().max(y.abs()))
        .max(1e-14);
    (x - y).abs() <= tol
}

/// Does printed output `got` show what `want` shows? The text between
/// numbers must match (runs of spaces may differ in length); numbers are
/// compared by value as `same_number` says, never as text, so the suite
/// holds on CPUs whose maths kernels round the last digit differently.
pub fn same_output(want: &str, got: &str) -> bool {
    let (w, g) = (pieces(want), pieces(got));
    w.len() == g.len()
        && w.iter().zip(&g).all(|(a, b)| match (a, b) {
            (Piece::Num(x), Piece::Num(y)) => same_number(x, y),
            (Piece::Text(x), Piece::Text(y)) => x == y,
            _ => false,
        })
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.path.as_os_str()
    }
}
