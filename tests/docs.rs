//! Every builtin's `help()` examples run and print what the doc says.

mod common;

#[test]
fn every_builtin_has_doc_and_examples_that_run() {
    let mut failures = Vec::new();
    for b in arr::builtins::table() {
        if b.doc.trim().is_empty() {
            failures.push(format!("{}: no doc", b.name));
        }
        if b.examples.is_empty() {
            failures.push(format!("{}: no example", b.name));
        }
        for (code, want) in b.examples {
            let r = common::run(code);
            if let Some(e) = r.error {
                failures.push(format!("{}: `{}` failed:\n{}", b.name, code, e));
                continue;
            }
            let mut got = r.out.clone();
            got.push_str(&r.value.unwrap_or_default());
            if got.trim_end() != want.trim_end() {
                failures.push(format!(
                    "{}: `{}`\n  want: {:?}\n  got:  {:?}",
                    b.name,
                    code,
                    want,
                    got.trim_end()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} doc example problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn help_lists_every_builtin() {
    let idx = arr::builtins::help_index();
    for b in arr::builtins::table() {
        assert!(idx.contains(b.name), "help() does not list {}", b.name);
    }
}
