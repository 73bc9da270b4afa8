//! The interpreter on arbitrary programs, with a budget: at most
//! `STEPS` loop iterations and calls, arrays of at most `MAX_BYTES` bytes,
//! files only inside an empty scratch folder (`--sandbox`). Every run must
//! end in a value or an arr error with a span inside a registered source.
#![no_main]

use arr::output::Output;
use arr::Interp;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

const STEPS: u64 = 2_000;
const MAX_BYTES: &str = "4000000";
const MAX_INPUT: usize = 4096;

/// Output that is dropped (a fuzz input may print a lot).
struct Discard;
impl Output for Discard {
    fn print(&mut self, _: &str) {}
    fn warn(&mut self, _: &str) {}
}

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Before any array is made: the allocation guard reads it once.
        std::env::set_var("ARR_MAX_BYTES", MAX_BYTES);
        let d = std::env::temp_dir().join(format!("arr-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch folder");
        std::fs::canonicalize(&d).expect("scratch folder")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(code) = std::str::from_utf8(data) else {
        return;
    };
    if code.len() > MAX_INPUT {
        return;
    }
    let dir = scratch().clone();
    let code = code.to_string();
    // The binary runs the interpreter on a 512 MiB stack; so do we.
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let mut it = Interp::new(Box::new(Discard));
            it.step_limit = Some(STEPS);
            it.base_dir = Some(dir.clone());
            it.sandbox = Some(dir);
            if let Err(e) = it.run_source("<fuzz>", &code) {
                let span = e
                    .span
                    .unwrap_or_else(|| panic!("an error without a span: {e}"));
                let text = it.sources.text(span.src);
                assert!(
                    (span.src as usize) < it.sources.items.len()
                        && span.start <= span.end
                        && span.end as usize <= text.len(),
                    "span {span:?} outside its source: {e}"
                );
                let _ = it.render(&e, false);
            }
        })
        .expect("spawn")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p));
});
