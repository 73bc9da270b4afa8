//! The parser on arbitrary text: it must return an AST or an arr error whose
//! span lies inside the source, and rendering that error must not panic.
#![no_main]

use arr::diagnostics::{render, Sources};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(code) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = Sources::default();
    let id = sources.add("<fuzz>", code);
    if let Err(e) = arr::syntax::parser::parse_program(code, id) {
        let span = e.span.expect("a parse error without a span");
        assert_eq!(span.src, id, "span in another source: {e}");
        assert!(
            span.start <= span.end && span.end as usize <= code.len(),
            "span {span:?} outside a source of {} bytes: {e}",
            code.len()
        );
        let _ = render(&e, &sources, false);
    }
});
