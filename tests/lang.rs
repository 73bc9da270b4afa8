//! Runs every `tests/lang/*.arr` script; each holds `assert(...)` lines whose
//! expected values come from NumPy. A script fails the test if it errors.
//! And runs every case of `tests/lang/np_*.errors` (written by
//! tests/numpy/gen.py from the `err:` cases of tests/numpy/*.txt): code on
//! which NumPy raises, whose last line must fail with the arr error kind the
//! case names.

mod common;

#[test]
fn lang_scripts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/lang")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().map(|x| x == "arr").unwrap_or(false))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scripts in tests/lang");
    let mut failed = Vec::new();
    let mut count = 0;
    for f in &files {
        let code = std::fs::read_to_string(f).expect("read script");
        count += code.lines().filter(|l| l.contains("assert")).count();
        let r = common::run_named(&f.display().to_string(), &code, Some(dir.clone()));
        if let Some(e) = r.error {
            failed.push(format!("{}:\n{}", f.display(), e));
        }
    }
    eprintln!("{} scripts, {} assertions", files.len(), count);
    assert!(
        failed.is_empty(),
        "{} of {} scripts failed:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
}

/// One case of a `.errors` file: `# NAME`, `# error: KIND (NumPy: EXCEPTION)`,
/// then the code; cases are separated by blank lines after a header.
struct ErrorCase {
    name: String,
    kind: String,
    code: Vec<String>,
}

fn read_error_cases(path: &std::path::Path) -> Result<Vec<ErrorCase>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut paras: Vec<Vec<&str>> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            open = false;
        } else if open {
            paras.last_mut().expect("open paragraph").push(line);
        } else {
            paras.push(vec![line]);
            open = true;
        }
    }
    if !paras
        .first()
        .is_some_and(|p| p[0].starts_with("# GENERATED"))
    {
        return Err("the GENERATED header is missing".into());
    }
    let mut cases = Vec::new();
    for p in &paras[1..] {
        let name = p[0]
            .strip_prefix("# ")
            .ok_or_else(|| format!("a case starts with {:?}, not `# NAME`", p[0]))?;
        let kind = p
            .get(1)
            .and_then(|l| l.strip_prefix("# error: "))
            .and_then(|l| l.split(' ').next())
            .ok_or_else(|| format!("case {name}: no `# error: KIND (NumPy: ...)` line"))?;
        let code: Vec<String> = p[2..].iter().map(|l| l.to_string()).collect();
        if code.is_empty() || code.iter().any(|l| l.starts_with('#')) {
            return Err(format!("case {name}: no code, or a comment in it"));
        }
        cases.push(ErrorCase {
            name: name.to_string(),
            kind: kind.to_string(),
            code,
        });
    }
    Ok(cases)
}

/// Run one case in a fresh interpreter: every line but the last must run,
/// the last must fail with the case's kind. `Err` says what happened instead.
fn run_error_case(file: &str, c: &ErrorCase) -> Result<(), String> {
    let Some(kind) = arr::diagnostics::ErrorKind::ALL
        .iter()
        .copied()
        .find(|k| format!("{k:?}") == c.kind)
    else {
        return Err(format!("{} is not an arr error kind", c.kind));
    };
    let mut it = arr::Interp::new(Box::new(arr::output::Capture::default()));
    let (setup, last) = c.code.split_at(c.code.len() - 1);
    if let Err(e) = it.run_source(file, &setup.join("\n")) {
        return Err(format!(
            "the lines before the last failed:\n{}",
            it.render(&e, false)
        ));
    }
    match it.run_source(file, &last[0]) {
        Ok(_) => Err(format!("`{}` did not fail", last[0])),
        Err(e) if e.kind == kind => Ok(()),
        Err(e) => Err(format!(
            "failed with kind {:?}, not {}:\n{}",
            e.kind,
            c.kind,
            it.render(&e, false)
        )),
    }
}

#[test]
fn numpy_error_cases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/lang")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "errors"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no np_*.errors files in tests/lang");
    let mut failed = Vec::new();
    let mut count = 0;
    for f in files {
        let file = f.display().to_string();
        let cases = match read_error_cases(&f) {
            Ok(c) => c,
            Err(e) => {
                failed.push(format!("{file}: {e}"));
                continue;
            }
        };
        count += cases.len();
        // A big stack, as the binary has.
        let problems = std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(move || {
                cases
                    .iter()
                    .filter_map(|c| {
                        run_error_case(&file, c)
                            .err()
                            .map(|e| format!("{file}: case {}: {e}", c.name))
                    })
                    .collect::<Vec<_>>()
            })
            .expect("spawn test thread")
            .join()
            .expect("interpreter thread panicked");
        failed.extend(problems);
    }
    eprintln!("{count} error cases");
    assert!(
        failed.is_empty(),
        "{} error cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
