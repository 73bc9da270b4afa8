//! Interpreter state (issue #13, point 4): the random generator and the
//! figure belong to each `Interp`, so two interpreters on one thread are
//! independent; the symbol interner is global.

use arr::output::Capture;
use arr::Interp;

fn interp() -> (Interp, Capture) {
    let cap = Capture::default();
    (Interp::new(Box::new(cap.clone())), cap)
}

fn value(it: &mut Interp, code: &str) -> String {
    match it.run_source("<t>", code) {
        Ok(v) => v.map(|v| arr::eval::repr(&v)).unwrap_or_default(),
        Err(e) => panic!("`{code}` failed: {}", it.render(&e, false)),
    }
}

#[test]
fn two_interpreters_on_one_thread_draw_independently() {
    let (mut a, _) = interp();
    let (mut b, _) = interp();
    // Same seed, same draws, even when the calls interleave.
    value(&mut a, "seed(7)");
    value(&mut b, "seed(7)");
    let a1 = value(&mut a, "rand(3)");
    let b1 = value(&mut b, "rand(3)");
    assert_eq!(a1, b1);
    // Seeding one does not move the other's stream.
    value(&mut a, "seed(7)");
    let a2 = value(&mut a, "rand(3)");
    let b2 = value(&mut b, "rand(3)");
    assert_eq!(a2, a1, "a was reseeded: it starts again");
    assert_ne!(b2, b1, "b was not reseeded: it goes on");
    // Different seeds, different draws.
    value(&mut a, "seed(1)");
    value(&mut b, "seed(2)");
    assert_ne!(value(&mut a, "randn(4)"), value(&mut b, "randn(4)"));
}

#[test]
fn a_plot_in_one_interpreter_does_not_appear_in_another() {
    let (mut a, _) = interp();
    let (mut b, _) = interp();
    value(&mut a, "plot([1, 2, 3], [4, 5, 6])\ntitle(\"only in a\")");
    assert_eq!(value(&mut a, "title()"), "\"only in a\"");
    assert_eq!(value(&mut b, "title()"), "none");
    let a_has = arr::plot::with(&mut a, |f| !f.is_empty());
    let b_has = arr::plot::with(&mut b, |f| !f.is_empty());
    assert!(
        a_has && !b_has,
        "a has a chart: {a_has}, b has one: {b_has}"
    );
}

#[test]
fn symbols_are_the_same_in_every_thread() {
    let here = arr::syntax::sym::intern("a_name_for_the_state_test");
    let there = std::thread::spawn(|| arr::syntax::sym::intern("a_name_for_the_state_test"))
        .join()
        .expect("thread");
    assert_eq!(here, there);
    assert_eq!(arr::syntax::sym::name(there), "a_name_for_the_state_test");
}

#[test]
fn keyword_arguments_bind_in_another_thread_than_the_table() {
    // The builtin table's parameter symbols were made on whichever thread
    // first used it; keywords from any thread must match them.
    let (mut a, _) = interp();
    assert_eq!(value(&mut a, "sum([[1, 2], [3, 4]], axis=0)"), "[4 6]");
    let r = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let (mut b, _) = interp();
            value(&mut b, "sum([[1, 2], [3, 4]], axis=1, keepdims=true)")
        })
        .expect("spawn")
        .join()
        .expect("thread");
    assert_eq!(r, "[[3]\n [7]]");
}

#[test]
fn every_attribute_is_in_completion_help_and_lookup() {
    // One list (value::ATTRIBUTES) feeds all three: nbytes used to be missing
    // from completion and help.
    let (mut it, _) = interp();
    value(&mut it, "a = zeros(2, 3)");
    let index = arr::builtins::help_index();
    let completed: Vec<&str> = arr::repl::helper::attributes().collect();
    for (name, _) in arr::value::ATTRIBUTES {
        assert!(index.contains(&format!("a.{name}")), "help() lacks .{name}");
        assert!(completed.contains(name), "completion lacks .{name}");
        let r = it.run_source("<t>", &format!("a.{name}"));
        assert!(r.is_ok(), "a.{name} is not an attribute");
    }
    assert_eq!(value(&mut it, "a.nbytes"), "48");
    let e = it
        .run_source("<t>", "a.nbites")
        .expect_err("no such attribute");
    assert!(
        it.render(&e, false).contains(".nbytes"),
        "{}",
        it.render(&e, false)
    );
}
