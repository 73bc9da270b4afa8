//! Every builtin's `help()` examples run and print what the doc says
//! (numbers compared by value: `common::same_output`).

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
            // Examples that write files (savefig) write into a scratch folder.
            let dir = common::Scratch::new("docs");
            let r = common::run_named("<-e>", code, Some(dir.to_path_buf()));
            if let Some(e) = r.error {
                failures.push(format!("{}: `{}` failed:\n{}", b.name, code, e));
                continue;
            }
            let mut got = r.out.clone();
            got.push_str(&r.value.unwrap_or_default());
            if !common::same_output(want.trim_end(), got.trim_end()) {
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
                (None, v)
                    if !common::same_output(
                        want.trim_end(),
                        v.as_deref().unwrap_or("<no value>").trim_end(),
                    ) =>
                {
                    failures.push(format!(
                        "{}: `{}`\n  want: {:?}\n  got:  {:?}",
                        d.name, code, want, v
                    ))
                }
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `same_output`, which every printed-output comparison uses.
#[test]
fn printed_numbers_are_compared_by_value_compares_numbers_by_value() {
    // Last-digit differences in floats pass, whatever the padding.
    assert!(common::same_output(
        "1.0986122886681096",
        "1.0986122886681098"
    ));
    assert!(common::same_output(
        "[0.1        0.12345679]",
        "[0.1      0.12345678]"
    ));
    assert!(common::same_output(
        "x = 2.5e-07 ok",
        "x = 2.5000000000001e-07 ok"
    ));
    // Real differences fail: a value, an integer, a dtype's look, the text.
    assert!(!common::same_output(
        "1.0986122886681096",
        "1.0986122886781096"
    ));
    assert!(!common::same_output("[1 2 3]", "[1 2 4]"));
    assert!(!common::same_output("3", "3."));
    assert!(!common::same_output("[1. 2.]", "[1.e+00 2.e+00]"));
    assert!(!common::same_output("[1 2]", "[12]"));
    assert!(!common::same_output("float64", "float32"));
    assert!(!common::same_output("(3, 4)", "(3, 5)"));
    assert!(!common::same_output("0.5 apples", "0.5 pears"));
    assert!(common::same_output("-0.5", "-0.5000000000000001"));
    assert!(!common::same_output("-0.5", "0.5"));
}
