//! The module graph of `src/` has layers and no cycles (see `src/README.md`):
//! every `crate::module` a file names is in its own layer or one below, the
//! modules of one layer do not form a cycle, and the evaluator and the
//! builtins never name the GPU or the tape — only the dispatch layer
//! (`src/ops/`) does.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, from the bottom. A new module must be placed here.
const LAYERS: &[&[&str]] = &[
    &[
        "diagnostics",
        "interrupt",
        "state",
        "syntax",
        "alloc",
        "stdlib",
    ],
    &["array", "data"],
    &["gpu", "backend"],
    &["value", "prim", "plot", "output"],
    &["ops"],
    &["autodiff"],
    &["eval"],
    &["builtins"],
    &["repl", "kernel"],
];

/// Macros exported at the crate root, and the module defining them.
const MACROS: &[(&str, &str)] = &[("map_array", "array"), ("with_array", "array")];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file that the layering covers: its lines before a
/// `#[cfg(test)]` at the start of a line (unit tests may use the whole
/// crate), without comment lines.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line));
    }
    out
}

/// Every module named as `crate::name` (or inside `crate::{a, b}`).
fn named_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// (file's module, the module it names, file, line) for every reference.
fn references() -> Vec<(String, String, PathBuf, usize)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component");
        let module = Path::new(first.as_os_str())
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        if module == "lib" || module == "main" {
            continue; // the crate root and the binary sit above every layer
        }
        let text = std::fs::read_to_string(&f).expect("read");
        for (n, line) in code_lines(&text) {
            for m in named_modules(line) {
                let m = MACROS
                    .iter()
                    .find(|(mac, _)| *mac == m)
                    .map_or(m.clone(), |(_, owner)| owner.to_string());
                if m == "Interp" {
                    // `crate::Interp`, the root's re-export of `ops::Interp`.
                    out.push((module.clone(), "ops".into(), f.clone(), n));
                } else if m != module {
                    out.push((module.clone(), m, f.clone(), n));
                }
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    for e in std::fs::read_dir(&src).expect("read src") {
        let p = e.expect("entry").path();
        let name = p.file_stem().expect("stem").to_string_lossy().to_string();
        let is_module = p.is_dir() || p.extension().is_some_and(|x| x == "rs");
        if is_module && name != "lib" && name != "main" && layer_of(&name).is_none() {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "modules not placed in a layer in tests/layers.rs (and src/README.md): {missing:?}"
    );
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let mut bad = Vec::new();
    for (from, to, file, line) in references() {
        let (Some(lf), Some(lt)) = (layer_of(&from), layer_of(&to)) else {
            if layer_of(&from).is_some() && layer_of(&to).is_none() {
                bad.push(format!(
                    "{}:{line}: `crate::{to}` is not a known module",
                    file.display()
                ));
            }
            continue;
        };
        if lt > lf {
            bad.push(format!(
                "{}:{line}: `{from}` (layer {lf}) uses `{to}` (layer {lt}), which is above it",
                file.display()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "imports that run back up:\n{}",
        bad.join("\n")
    );
}

#[test]
fn modules_of_one_layer_form_no_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to, _, _) in references() {
        if layer_of(&from).is_some() && layer_of(&from) == layer_of(&to) {
            edges.entry(from).or_default().insert(to);
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut cycle = stack[i..].to_vec();
            cycle.push(n.to_string());
            return Some(cycle);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, &edges, &mut Vec::new(), &mut done) {
            panic!("modules in one layer import each other: {}", c.join(" -> "));
        }
    }
}

#[test]
fn the_evaluator_and_the_builtins_do_not_name_devices_or_tapes() {
    // What only `src/ops/` may touch: the GPU backend and its arrays, the
    // device stack's GPU entry, the tape and traced values.
    const FORBIDDEN: &[&str] = &[
        "crate::gpu",
        "backend::gpu",
        "Storage::Gpu",
        "Value::Gpu",
        "GpuArray",
        "Device::Gpu",
        "Device::Cpu",
        ".device.",
        "Tape",
        ".tapes",
        "Value::Traced",
        "Traced",
        "level_of",
        ".on_gpu(",
        ".try_gpu_",
        ".gpu_",
        "ops::gpu",
        "ops::tape",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    for dir in ["eval", "builtins"] {
        let mut files = Vec::new();
        rust_files(&src.join(dir), &mut files);
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            for (n, line) in code_lines(&text) {
                // Strings are what users read ("gpu" as a device name).
                let unescaped = line.replace("\\\"", "");
                let code: String = unescaped
                    .split('"')
                    .step_by(2)
                    .collect::<Vec<_>>()
                    .join("\"\"");
                for w in FORBIDDEN {
                    if code.contains(w) {
                        bad.push(format!("{}:{n}: names `{w}`: {}", f.display(), line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "src/eval and src/builtins must go through ops (`Interp::apply`, `op_*`):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checks_see_real_references() {
    // The scanner is not vacuous: it finds the evaluator using the
    // dispatch layer and the builtins using the evaluator.
    let refs = references();
    assert!(refs.iter().any(|(f, t, _, _)| f == "eval" && t == "ops"));
    assert!(refs
        .iter()
        .any(|(f, t, _, _)| f == "builtins" && t == "ops"));
    assert!(refs.iter().any(|(f, t, _, _)| f == "ops" && t == "gpu"));
    assert_eq!(
        named_modules("use crate::{map_array, with_array}; crate::eval::x"),
        ["map_array", "with_array", "eval"]
    );
    assert!(layer_of("eval") > layer_of("ops"));
}
