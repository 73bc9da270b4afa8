//! The bad-input corpus: `tests/bad_input/KIND[_what].arr` must make the real
//! `arr` binary exit with status 1 and an error report of that kind whose
//! text contains every line of the sidecar `KIND[_what].expected`. Every
//! kind in `ErrorKind::ALL` must have at least one case.

use arr::diagnostics::ErrorKind;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_input")
}

/// `ZeroDivision` -> `zerodivision`: the file-name prefix of a kind.
fn file_key(k: ErrorKind) -> String {
    format!("{k:?}").to_lowercase()
}

fn kind_of(stem: &str) -> Option<ErrorKind> {
    let key = stem.split('_').next().unwrap_or(stem);
    ErrorKind::ALL.iter().copied().find(|k| file_key(*k) == key)
}

fn arr() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_arr"));
    c.env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .current_dir(corpus());
    c
}

/// Run one case. `interrupted*` cases print a line first; the test then
/// sends SIGINT, as Ctrl-C would.
fn run_case(file: &Path, interrupt: bool) -> Output {
    let name = file.file_name().unwrap();
    if !interrupt {
        return arr().arg(name).output().expect("run arr");
    }
    let mut child = arr()
        .arg(name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run arr");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "{}: the case must print `ready` first",
        name.to_string_lossy()
    );
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    child.wait_with_output().unwrap()
}

#[test]
fn every_case_fails_with_its_kind_and_message() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "arr"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for f in &cases {
        let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
        let kind = kind_of(&stem)
            .unwrap_or_else(|| panic!("{stem}.arr: the name must start with an error kind"));
        let expected = std::fs::read_to_string(f.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{stem}.arr has no {stem}.expected"));
        let o = run_case(f, kind == ErrorKind::Interrupted);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let mut why = Vec::new();
        if o.status.code() != Some(1) {
            why.push(format!("exit status {:?}, not 1", o.status.code()));
        }
        let title = format!("Error: {}: ", kind.title());
        if !err.starts_with(&title) {
            why.push(format!("the report does not start with {title:?}"));
        }
        for line in expected.lines().filter(|l| !l.trim().is_empty()) {
            if !err.contains(line) {
                why.push(format!("missing {line:?}"));
            }
        }
        if err.contains("internal error") || err.contains("panicked") {
            why.push("a panic".into());
        }
        if !why.is_empty() {
            failures.push(format!("{stem}.arr: {}\n{err}", why.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Exhaustive on purpose: a new `ErrorKind` variant stops this file from
/// compiling until it is added here, to `ErrorKind::ALL` and to the corpus.
fn in_all(k: ErrorKind) -> bool {
    use ErrorKind::*;
    match k {
        Syntax | Name | Type | Shape | Index | Value | ZeroDivision | Arity | Recursion
        | Memory | Io | Assertion | Interrupted | Limit => ErrorKind::ALL.contains(&k),
    }
}

#[test]
fn every_error_kind_has_a_case() {
    use ErrorKind::*;
    for k in [
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
    ] {
        assert!(in_all(k), "{k:?} is missing from ErrorKind::ALL");
    }
    let stems: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "arr"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<String> = ErrorKind::ALL
        .iter()
        .filter(|k| !stems.iter().any(|s| kind_of(s) == Some(**k)))
        .map(|k| format!("{}.arr ({})", file_key(*k), k.title()))
        .collect();
    assert!(
        missing.is_empty(),
        "error kinds without a case in tests/bad_input: {}",
        missing.join(", ")
    );
}
