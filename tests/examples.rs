//! Every program in `examples/` runs to the end (each asserts its own result).

use std::process::Command;

#[test]
fn examples_run() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().map(|x| x == "arr").unwrap_or(false))
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    let mut failed = Vec::new();
    for f in &files {
        let o = Command::new(env!("CARGO_BIN_EXE_arr"))
            .arg(f)
            .env("NO_COLOR", "1")
            .output()
            .expect("run arr");
        if !o.status.success() {
            failed.push(format!(
                "{}:\n{}{}",
                f.display(),
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
