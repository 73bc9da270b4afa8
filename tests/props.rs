//! A bounded property test: programs generated from the grammar (and junk
//! bytes, and programs with junk spliced in) run through the parser and the
//! interpreter. For every one: no panic, and a failure is an arr `Error`
//! whose span lies inside a registered source. A step limit and a small
//! allocation guard keep each run short; files stay in a scratch folder
//! (`--sandbox`).

mod common;

use arr::diagnostics::ErrorKind;
use arr::output::Capture;
use arr::Interp;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

const BINOPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", "<=", ">", ">=", "and", "or", "&",
    "|", "^",
];
const NAMES: &[&str] = &["a", "b", "m", "s", "t", "d", "f", "g", "nope"];
const ATTRS: &[&str] = &[
    "T", "shape", "ndim", "size", "dtype", "device", "sum", "k", "zz",
];
const KWARGS: &[&str] = &[
    "axis",
    "dtype",
    "keepdims",
    "n",
    "fmt",
    "delimiter",
    "k",
    "q",
];

fn builtin_names() -> Vec<&'static str> {
    arr::builtins::table().iter().map(|b| b.name).collect()
}

fn leaf() -> BoxedStrategy<String> {
    prop_oneof![
        (-3i64..13).prop_map(|n| n.to_string()),
        select(&[
            "0.5", "-1.5", "1e3", "1e308", "2**62", "10**12", "-0.0", "3.0", "0", "-1",
            "9223372036854775807"
        ][..])
        .prop_map(String::from),
        select(&["\"a\"", "\"\"", "\"x.npy\"", "\"t.txt\"", "\"%d\"", "\"k\"", "\"../up.npy\""][..])
            .prop_map(String::from),
        "[a-z%.\\\\ ]{0,6}".prop_map(|s| format!("{s:?}")),
        select(&["true", "false", "none", "float32", "int64", "bool", "float64", "pi", "inf", "nan"][..])
            .prop_map(String::from),
        select(NAMES).prop_map(String::from),
    ]
    .boxed()
}

fn index_item(e: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![
        3 => e.clone(),
        1 => (proptest::option::of(e.clone()), proptest::option::of(e.clone()), proptest::option::of(e))
            .prop_map(|(a, b, c)| match c {
                Some(c) => format!("{}:{}:{c}", a.unwrap_or_default(), b.unwrap_or_default()),
                None => format!("{}:{}", a.unwrap_or_default(), b.unwrap_or_default()),
            }),
        1 => Just("...".to_string()),
    ]
    .boxed()
}

fn expr() -> BoxedStrategy<String> {
    let builtins = builtin_names();
    leaf()
        .prop_recursive(4, 40, 4, move |inner| {
            let list = proptest::collection::vec(inner.clone(), 0..4);
            prop_oneof![
                (inner.clone(), select(BINOPS), inner.clone())
                    .prop_map(|(a, o, b)| format!("({a} {o} {b})")),
                (select(&["-", "not ", "~", "+"][..]), inner.clone())
                    .prop_map(|(o, a)| format!("{o}{a}")),
                list.clone().prop_map(|v| format!("[{}]", v.join(", "))),
                list.clone().prop_map(|v| match v.len() {
                    0 => "()".to_string(),
                    _ => format!("({},)", v.join(", ")),
                }),
                (
                    select(builtins.clone()),
                    list.clone(),
                    proptest::option::of((select(KWARGS), inner.clone()))
                )
                    .prop_map(|(f, args, kw)| {
                        let mut args = args;
                        if let Some((k, v)) = kw {
                            args.push(format!("{k}={v}"));
                        }
                        format!("{f}({})", args.join(", "))
                    }),
                (
                    inner.clone(),
                    proptest::collection::vec(index_item(inner.clone()), 1..3)
                )
                    .prop_map(|(a, ix)| format!("{a}[{}]", ix.join(", "))),
                // `(3).T`: `3.T` would read as the float `3.` and a name.
                (inner.clone(), select(ATTRS)).prop_map(|(a, m)| format!("({a}).{m}")),
                (select(NAMES), list.clone()).prop_map(|(f, v)| format!("{f}({})", v.join(", "))),
                // Parenthesised: a bare lambda or dict is not an operand.
                inner.clone().prop_map(|b| format!("(x -> {b})")),
                (inner.clone(), inner.clone())
                    .prop_map(|(k, v)| format!("({{k: {k}, \"v\": {v}}})")),
            ]
        })
        .boxed()
}

fn stmt() -> BoxedStrategy<String> {
    let e = expr();
    let simple = prop_oneof![
        (select(NAMES), e.clone()).prop_map(|(n, v)| format!("{n} = {v}")),
        (select(NAMES), e.clone(), e.clone()).prop_map(|(n, i, v)| format!("{n}[{i}] = {v}")),
        (
            select(NAMES),
            select(&["+=", "-=", "*=", "/=", "//=", "**=", "@=", "%="][..]),
            e.clone()
        )
            .prop_map(|(n, o, v)| format!("{n} {o} {v}")),
        e.clone().prop_map(|v| format!("print({v})")),
        e.clone(),
    ]
    .boxed();
    simple
        .prop_recursive(2, 12, 3, move |inner| {
            let body = proptest::collection::vec(inner, 0..3).prop_map(|v| v.join("\n"));
            // `break`/`continue` where they belong (outside a loop they are
            // syntax errors, which the junk cases cover).
            let jump = select(&["", "", "break", "continue", "if b > 1 { break }"][..]);
            prop_oneof![
                (e.clone(), body.clone(), body.clone())
                    .prop_map(|(c, a, b)| format!("if {c} {{\n{a}\n}} else {{\n{b}\n}}")),
                (e.clone(), body.clone(), jump.clone())
                    .prop_map(|(c, a, j)| format!("while {c} {{\n{a}\n{j}\n}}")),
                (e.clone(), body.clone(), jump.clone())
                    .prop_map(|(c, a, j)| format!("for i in {c} {{\n{a}\n{j}\n}}")),
                (select(NAMES), e.clone(), body.clone()).prop_map(|(n, d, a)| format!(
                    "fn {n}(x, y={d}) {{\n{a}\nreturn x\n}}\n{n}(b)"
                )),
                (select(&["cpu", "gpu"][..]), body)
                    .prop_map(|(d, a)| format!("@device({d}) {{\n{a}\n}}")),
            ]
        })
        .boxed()
}

const PRELUDE: &str = "a = arange(6)\nb = 2.5\nm = reshape(arange(12.0), (3, 4))\n\
s = \"str\"\nt = (1, 2)\nd = {k: 1}\nfn f(x) = x + 1\ng = x -> x * 2\n";

fn program() -> BoxedStrategy<String> {
    let prog =
        proptest::collection::vec(stmt(), 1..6).prop_map(|v| format!("{PRELUDE}{}", v.join("\n")));
    let junk_chars = "[(){}\\[\\]:;,.=+\\-*/@\"'#\\n\\\\a-z0-9 ]{1,4}";
    prop_oneof![
        7 => prog.clone(),
        // A program with junk spliced in somewhere.
        2 => (prog, any::<prop::sample::Index>(), junk_chars).prop_map(|(p, at, j)| {
            let mut i = at.index(p.len() + 1);
            while !p.is_char_boundary(i) {
                i -= 1;
            }
            format!("{}{j}{}", &p[..i], &p[i..])
        }),
        // Arbitrary bytes.
        1 => proptest::collection::vec(any::<u8>(), 0..120)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
    .boxed()
}

fn scratch() -> common::Scratch {
    common::Scratch::new("props")
}

/// Run one program: `Ok(None)` if it ran, `Ok(Some(kind))` if it failed
/// properly; `Err` describes a broken property.
fn check(code: &str, dir: &PathBuf) -> Result<Option<ErrorKind>, String> {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut it = Interp::new(Box::new(Capture::default()));
        it.step_limit = Some(500);
        it.base_dir = Some(dir.to_path_buf());
        it.sandbox = Some(dir.to_path_buf());
        let r = it.run_source("<prop>", code);
        (r.err(), it)
    }));
    let (err, it) = match run {
        Ok(x) => x,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Err(format!("panic: {msg}"));
        }
    };
    let Some(e) = err else { return Ok(None) };
    let Some(span) = e.span else {
        return Err(format!("an error without a span: {e}"));
    };
    let Some((_, text)) = it.sources.items.get(span.src as usize) else {
        return Err(format!("an error in an unknown source {}: {e}", span.src));
    };
    if span.start > span.end || span.end as usize > text.len() {
        return Err(format!(
            "span {span:?} outside a source of {} bytes: {e}",
            text.len()
        ));
    }
    // Rendering must not panic either.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| it.render(&e, false)))
        .map_err(|_| format!("rendering panicked for: {e}"))?;
    Ok(Some(e.kind))
}

#[test]
fn generated_programs_never_panic_and_errors_have_spans() {
    // Small arrays only: before the first array is made (the guard reads it once).
    std::env::set_var("ARR_MAX_BYTES", "4000000");
    let cases: u32 = std::env::var("ARR_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    // The binary's interpreter stack (deep recursion is an error, not an overflow).
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let dir = scratch();
            // A fixed seed: the same programs on every run and machine.
            let config = Config {
                cases,
                failure_persistence: None,
                ..Config::default()
            };
            let mut runner =
                TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
            let tally: RefCell<BTreeMap<String, u32>> = RefCell::default();
            let r = runner.run(&program(), |code| {
                let outcome = check(&code, &dir.to_path_buf())
                    .map_err(|m| TestCaseError::fail(format!("{m}\n--- program:\n{code}")))?;
                let key = outcome
                    .map(|k| format!("{k:?}"))
                    .unwrap_or_else(|| "ran".into());
                *tally.borrow_mut().entry(key).or_default() += 1;
                Ok(())
            });
            if let Err(e) = r {
                panic!("{e}");
            }
            // The generator must reach the interpreter, not only the parser:
            // a good share of programs parse and fail at run time, or run.
            let tally = tally.into_inner();
            eprintln!("outcomes of {cases} generated programs: {tally:?}");
            let total: u32 = tally.values().sum();
            let syntax = tally.get("Syntax").copied().unwrap_or(0);
            let ran = tally.get("ran").copied().unwrap_or(0);
            assert!(syntax * 2 < total, "mostly syntax errors: {tally:?}");
            assert!(ran * 50 > total, "almost nothing ran to the end: {tally:?}");
            assert!(tally.len() >= 6, "too few kinds of outcome: {tally:?}");
        })
        .unwrap()
        .join()
        .unwrap();
}
