//! Runs every `tests/lang/*.arr` script; each holds `assert(...)` lines whose
//! expected values come from NumPy. A script fails the test if it errors.

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
