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

#[test]
fn every_stdlib_function_has_doc_and_examples_that_run() {
    let docs = arr::stdlib::docs();
    for name in [
        "sigmoid",
        "relu",
        "softmax",
        "log_softmax",
        "logsumexp",
        "one_hot",
        "mse",
        "cross_entropy",
        "sgd",
        "adam",
        "check_grad",
    ] {
        assert!(
            docs.iter().any(|d| d.name == name),
            "stdlib lacks a documented {name}"
        );
    }
    let mut failures = Vec::new();
    for d in docs {
        if d.examples.is_empty() {
            failures.push(format!("{}: no example", d.name));
        }
        for (code, want) in &d.examples {
            let r = common::run(code);
            match (r.error, r.value) {
                (Some(e), _) => failures.push(format!("{}: `{}` failed:\n{}", d.name, code, e)),
                (None, v) if v.as_deref().map(str::trim_end) != Some(want.trim_end()) => failures
                    .push(format!(
                        "{}: `{}`\n  want: {:?}\n  got:  {:?}",
                        d.name, code, want, v
                    )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
