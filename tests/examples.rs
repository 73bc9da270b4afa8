//! Every program in `examples/` runs to the end (each asserts its own result).

mod common;

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
    // charts.arr writes its files into the folder given as its argument.
    let out = common::Scratch::new("examples");
    for f in &files {
        let o = Command::new(env!("CARGO_BIN_EXE_arr"))
            .arg(f)
            .arg(&out)
            .env("NO_COLOR", "1")
            .env("ARR_PLOT", "braille")
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
    let charts = [
        "lines.png",
        "lines.svg",
        "scatter.png",
        "hist.png",
        "bar.png",
        "imshow.png",
        "panels.png",
    ];
    let missing: Vec<_> = charts
        .iter()
        .filter(|c| std::fs::metadata(out.join(c)).map_or(true, |m| m.len() < 1000))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(missing.is_empty(), "charts.arr did not write {missing:?}");
}
