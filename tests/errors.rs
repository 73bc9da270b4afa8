//! Error reports (LANGUAGE.md §12): each case runs code that must fail with
//! the given kind, and the rendered ariadne report must contain each snippet
//! (messages, labels with shapes, `help:` lines).

mod common;
use arr::diagnostics::ErrorKind as K;

fn check(code: &str, kind: K, snippets: &[&str]) {
    let r = common::run(code);
    let Some(report) = r.error else {
        panic!("`{code}` did not fail; printed {:?}", r.value)
    };
    assert_eq!(
        r.kind,
        Some(kind),
        "`{code}` failed with the wrong kind:\n{report}"
    );
    for s in snippets {
        assert!(
            report.contains(s),
            "report for `{code}` lacks {s:?}:\n{report}"
        );
    }
}

#[test]
fn broadcast_error_labels_each_operand_and_the_clash() {
    check(
        "a = zeros(3, 4)\nb = ones(5)\na + b",
        K::Shape,
        &[
            "could not be broadcast",
            "shape (3, 4)",
            "shape (5,)",
            "Help: dimensions are compared from the right",
            "4 vs 5",
        ],
    );
}

#[test]
fn matmul_error_names_the_inner_dimensions() {
    check(
        "zeros(2, 3) @ zeros(4, 5)",
        K::Shape,
        &[
            "not aligned",
            "shape (2, 3)",
            "shape (4, 5)",
            "last dimension of the left operand (3)",
            "second-to-last dimension of the right operand (4)",
        ],
    );
    check(
        "[1, 2, 3] @ [1, 2]",
        K::Shape,
        &[
            "length of the left vector (3)",
            "length of the right vector (2)",
        ],
    );
}

#[test]
fn undefined_name_suggests_a_close_one() {
    check(
        "weight = 1\nwieght + 1",
        K::Name,
        &["`wieght` is not defined", "did you mean `weight`"],
    );
    check("x = Tru", K::Name, &["`Tru` is not defined"]);
    check("np.zeros(3)", K::Name, &["not `np.zeros(3)`"]);
}

#[test]
fn bad_index_shows_index_axis_and_length() {
    check(
        "a = zeros(3)\na[5]",
        K::Index,
        &["index 5 is out of bounds for axis 0 with size 3"],
    );
    check(
        "a = zeros(2, 3)\na[0, -4]",
        K::Index,
        &["index -4 is out of bounds for axis 1 with size 3"],
    );
    check(
        "a = zeros(3)\na[[0, 7]]",
        K::Index,
        &["index 7 is out of bounds for axis 0 with size 3"],
    );
    check("a = zeros(3)\na[0, 0]", K::Index, &["too many indices"]);
    check("a = zeros(3)\na[1.5]", K::Index, &["float64"]);
}

#[test]
fn wrong_arity_and_types() {
    check(
        "fn f(x, y) = x + y\nf(1)",
        K::Arity,
        &["`f` is missing the argument `y`", "defined here"],
    );
    check(
        "fn f(x) = x\nf(1, 2)",
        K::Arity,
        &["`f` takes 1 argument but 2 were given"],
    );
    check(
        "fn f(x) = x\nf(y=2)",
        K::Arity,
        &["`f` has no parameter `y`"],
    );
    check(
        "sum([1], axs=0)",
        K::Arity,
        &["sum() has no parameter `axs`", "did you mean `axis`"],
    );
}

#[test]
fn type_errors() {
    check(
        "\"a\" + 1",
        K::Type,
        &["`+` is not defined for string and array"],
    );
    check(
        "[1, 2](0)",
        K::Type,
        &["is not a function", "square brackets"],
    );
    check(
        "sum(\"abc\")",
        K::Type,
        &["`a` must be an array, got a string"],
    );
    check(
        "[1.5] & [2.5]",
        K::Type,
        &["needs bool or integer operands"],
    );
    check("-[true]", K::Type, &["not defined for booleans"]);
}

#[test]
fn ambiguous_truth_value_hints_any_all() {
    check(
        "if [1, 2] > 0 { x = 1 }",
        K::Value,
        &[
            "truth value of an array with 2 elements is ambiguous",
            "any(x)",
            "all(x)",
        ],
    );
    check("x = [1, 2]\nwhile x { }", K::Value, &["ambiguous"]);
}

#[test]
fn integer_division_by_zero_is_an_error() {
    check(
        "[1, 2] // 0",
        K::ZeroDivision,
        &["integer division by zero"],
    );
    check("5 % 0", K::ZeroDivision, &["integer modulo by zero"]);
    check("[1, 2] // [1, 0]", K::ZeroDivision, &["contains 0"]);
}

#[test]
fn chained_comparison_is_an_error_with_a_hint() {
    check(
        "1 < 2 < 3",
        K::Syntax,
        &[
            "comparisons cannot be chained",
            "second comparison here",
            "(a < b) & (b < c)",
        ],
    );
    // Parenthesised comparisons are fine.
    assert!(common::run("(1 < 2) == true").error.is_none());
}

#[test]
fn ragged_literal_points_at_the_row() {
    check(
        "[[1, 2], [3]]",
        K::Value,
        &["ragged", "shape (2,)", "shape (1,)", "same length"],
    );
    check("[[1, 2], 3]", K::Value, &["ragged"]);
}

#[test]
fn syntax_errors_have_spans_and_hints() {
    check(
        "x = (1 + 2",
        K::Syntax,
        &["<-e>:1:", "bracket is still open"],
    );
    check("def f(x): return x", K::Syntax, &["fn name(x)"]);
    check("if x: y", K::Syntax, &[]);
    check("x = 1 +", K::Syntax, &["expected an expression"]);
    check("x = \"abc", K::Syntax, &[]);
    check("return 1", K::Syntax, &["`return` outside of a function"]);
    check("break", K::Syntax, &["outside of a loop"]);
    check("fn f(a, a) = 1", K::Syntax, &["appears twice"]);
    check(
        "f(x=1, 2)",
        K::Syntax,
        &["positional argument after a keyword argument"],
    );
    check(
        "x = 99999999999999999999",
        K::Value,
        &["does not fit in int64"],
    );
}

#[test]
fn recursion_depth_limit_is_an_error() {
    check(
        "fn r(n) = r(n + 1)\nr(0)",
        K::Recursion,
        &["more than 1000 nested calls", "keeps calling itself"],
    );
}

#[test]
fn deep_nesting_in_source_is_an_error_not_a_crash() {
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    check(&deep, K::Limit, &["nested more than"]);
    let deep = format!("{}1{}", "[".repeat(100000), "]".repeat(100000));
    check(&deep, K::Limit, &["nested more than"]);
    let neg = format!("{}1", "-".repeat(100000));
    check(&neg, K::Limit, &["in a row"]);
    // A long flat chain is fine up to the depth limit, then an error.
    let chain = vec!["1"; 3000].join(" + ");
    assert_eq!(common::run(&chain).value.as_deref(), Some("3000"));
    let chain = vec!["1"; 20000].join(" + ");
    check(&chain, K::Limit, &["nested more than"]);
}

#[test]
fn absurd_sizes_are_errors() {
    check("zeros(10**12)", K::Memory, &["would need", "available"]);
    check("ones(100000, 100000, 100000)", K::Memory, &[]);
    check("arange(1e18)", K::Memory, &[]);
}

#[test]
fn missing_import_is_a_file_error() {
    check(
        "import \"no_such_file.arr\"",
        K::Io,
        &["cannot import", "no_such_file.arr"],
    );
}

#[test]
fn assertion_failure_shows_the_message() {
    check(
        "assert(1 == 2, \"maths is broken\")",
        K::Assertion,
        &["maths is broken"],
    );
}
