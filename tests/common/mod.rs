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
