//! Resource limits: what would exhaust memory, the stack or time is an arr
//! error (kind `Memory`, `Recursion` or `Limit`) that names the size or the
//! limit, never an abort. (Parser nesting and literal limits: tests/errors.rs.)

mod common;
use arr::diagnostics::ErrorKind as K;

fn fails(code: &str, kind: K, snippets: &[&str]) {
    let r = common::run(code);
    let Some(report) = r.error else {
        panic!("`{code}` did not fail; printed {:?}", r.value)
    };
    assert_eq!(r.kind, Some(kind), "`{code}`:\n{report}");
    for s in snippets {
        assert!(
            report.contains(s),
            "report for `{code}` lacks {s:?}:\n{report}"
        );
    }
}

#[test]
fn huge_arrays_are_memory_errors_naming_the_bytes() {
    // (code, bytes the result would take as float64)
    let cases = [
        ("zeros(10**12)", "8000000000000 bytes"),
        ("ones(100000, 100000)", "80000000000 bytes"),
        ("full((100000, 100000), 1.5)", "80000000000 bytes"),
        ("arange(1e15)", "8000000000000000 bytes"),
        ("linspace(0, 1, 10**12)", "8000000000000 bytes"),
        ("eye(10**6)", "8000000000000 bytes"),
        ("rand(10**6, 10**6)", "8000000000000 bytes"),
        ("randn(10**12)", "8000000000000 bytes"),
        ("repeat(ones(10), 10**12)", "80000000000000 bytes"),
        ("tile(ones(10), (10**6, 10**6))", "80000000000000 bytes"),
        ("outer(ones(10**6), ones(10**6))", "8000000000000 bytes"),
        (
            "broadcast_to(ones(1), (10**6, 10**6))",
            "8000000000000 bytes",
        ),
        (
            "reshape(ones(10**6), (10**6, 1)) + ones(10**6)",
            "8000000000000 bytes",
        ),
        (
            "reshape(ones(10**6), (10**6, 1)) * ones(1, 10**6)",
            "8000000000000 bytes",
        ),
        (
            "reshape(ones(10**6), (10**6, 1)) @ ones(1, 10**6)",
            "8000000000000 bytes",
        ),
        ("zeros_like(ones(1)) + zeros(10**12)", "8000000000000 bytes"),
    ];
    for (code, bytes) in cases {
        fails(code, K::Memory, &["out of memory", bytes, "available"]);
    }
    // Sizes whose element count overflows are errors too.
    fails("zeros(2**40, 2**40)", K::Memory, &["out of memory"]);
    fails("tile(ones(3), (2**62, 4))", K::Memory, &["out of memory"]);
}

#[test]
fn the_guard_follows_available_memory() {
    let avail = arr::array::memory_limit();
    assert!(avail > 0);
    // Just over what is available as float64 fails; the error says so.
    let n = avail / 8 + 1;
    fails(
        &format!("zeros({n})"),
        K::Memory,
        &[&format!("{} bytes", n as u128 * 8)],
    );
}

#[test]
fn huge_strings_and_tuples_are_memory_errors() {
    fails(
        "s = \"abcdefgh\" * 1000\ns * 1000000",
        K::Memory,
        &["8000000000 bytes", "the limit is"],
    );
    // Doubling in a loop stops at the limit instead of exhausting memory.
    fails(
        "s = \"ab\"\nfor i in range(64) { s = s + s }",
        K::Memory,
        &["bytes; the limit is"],
    );
    fails(
        "t = (1, 2)\nfor i in range(64) { t = t + t }",
        K::Memory,
        &["bytes; the limit is"],
    );
    // Small ones still work; a negative count gives an empty string.
    let r = common::run("len(\"ab\" * 3), len(\"ab\" * -2)");
    assert_eq!(r.value.as_deref(), Some("(6, 0)"), "{:?}", r.error);
}

#[test]
fn recursion_in_any_form_is_an_error() {
    fails(
        "fn even(n) = odd(n + 1)\nfn odd(n) = even(n + 1)\neven(0)",
        K::Recursion,
        &["more than 1000 nested calls"],
    );
    fails(
        "f = x -> f(x + 1)\nf(0)",
        K::Recursion,
        &["more than 1000 nested calls"],
    );
    // Deep but bounded recursion works.
    let r = common::run(
        "fn count(n) {\n if n == 0 { return 0 }\n return 1 + count(n - 1)\n}\ncount(900)",
    );
    assert!(r.error.is_none(), "{:?}", r.error);
}

#[test]
fn source_size_is_limited() {
    let big = format!("x = \"{}\"", "a".repeat(arr::syntax::parser::MAX_SOURCE));
    fails(&big, K::Limit, &["bytes; the limit is"]);
    // The report gives the place but does not quote a 64 MB line.
    let r = common::run(&big);
    let report = r.error.unwrap();
    assert!(report.len() < 1000, "{} bytes of report", report.len());
    assert!(report.contains("<-e>:1:1 (a line of"), "{report}");
    // A 1 MB string literal is fine.
    let ok = format!("len(\"{}\")", "a".repeat(1 << 20));
    assert_eq!(common::run(&ok).value.as_deref(), Some("1048576"));
}

#[test]
fn step_limit_stops_endless_loops() {
    let run = |code: &str| {
        let mut it = arr::Interp::new(Box::new(arr::output::Capture::default()));
        it.step_limit = Some(1000);
        it.run_source("<t>", code)
    };
    let e = run("while true { x = 1 }").unwrap_err();
    assert_eq!(e.kind, K::Limit);
    assert!(e
        .message
        .contains("more than 1000 loop iterations and calls"));
    let e = run("fn f(n) {\n if n <= 0 { return 1 }\n return f(n - 1) + f(n - 1)\n}\nf(30)")
        .unwrap_err();
    assert_eq!(e.kind, K::Limit);
    // Under the limit a program runs normally.
    assert!(run("s = 0\nfor i in range(500) { s += i }").is_ok());
}
