//! Value semantics: copy on write. `b = a` shares the buffer (no copy);
//! the first write copies; unshared arrays are updated in place.

use arr::array::Array;
use arr::output::Capture;
use arr::syntax::sym::intern;
use arr::value::Value;
use arr::Interp;

fn ptr(it: &Interp, name: &str) -> *const u8 {
    match it.global(intern(name)) {
        Some(Value::Array(Array::F64(a))) => a.as_ptr() as *const u8,
        Some(Value::Array(Array::I64(a))) => a.as_ptr() as *const u8,
        other => panic!("{name} is not an f64/i64 array: {other:?}"),
    }
}

fn run(it: &mut Interp, code: &str) {
    if let Err(e) = it.run_source("<test>", code) {
        panic!("{}", it.render(&e, false));
    }
}

#[test]
fn assignment_shares_and_a_write_copies() {
    let mut it = Interp::new(Box::new(Capture::default()));
    run(&mut it, "a = zeros(1000)\nb = a");
    assert_eq!(ptr(&it, "a"), ptr(&it, "b"), "b = a must not copy");
    run(&mut it, "b[0] = 1");
    assert_ne!(ptr(&it, "a"), ptr(&it, "b"), "the write must copy");
    run(&mut it, "assert(a[0] == 0)\nassert(b[0] == 1)");
    // Passing to a function shares too; writing inside copies.
    run(
        &mut it,
        "fn poke(x) { x[1] = 5\nreturn x }\nc = poke(a)\nassert(a[1] == 0)\nassert(c[1] == 5)",
    );
}

#[test]
fn unshared_arrays_are_updated_in_place() {
    let mut it = Interp::new(Box::new(Capture::default()));
    run(&mut it, "a = zeros(1000)");
    let p0 = ptr(&it, "a");
    run(
        &mut it,
        "a[3] = 7\na[a > 5] = 2\na += 1\na *= 2.0\na -= [1.0]",
    );
    assert_eq!(
        ptr(&it, "a"),
        p0,
        "writes to an unshared array must not reallocate"
    );
    run(&mut it, "assert(a[3] == 5)\nassert(a[0] == 1)");
    // x += y where y changes the dtype (int += float) gives a new array, as x = x + y.
    run(
        &mut it,
        "i = arange(3)\ni += 0.5\nassert(dtype(i) == float64)",
    );
}

#[test]
fn slices_share_until_written() {
    let mut it = Interp::new(Box::new(Capture::default()));
    run(
        &mut it,
        "a = arange(10)\nb = a[2:5]\nb[0] = 100\nassert(a[2] == 2)\nassert(b[0] == 100)",
    );
    run(&mut it, "m = reshape(arange(6), 2, 3)\nr = m[0]\nm[0, 0] = 9\nassert(r[0] == 0)\nassert(m[0, 0] == 9)");
}

#[test]
fn dicts_are_values_too() {
    let mut it = Interp::new(Box::new(Capture::default()));
    run(&mut it, "p = {\"W\": zeros(2), \"b\": 1}\nq = p\nq[\"b\"] = 2\nq.W[0] = 5\nassert(p.b == 1)\nassert(p[\"W\"][0] == 0)\nassert(q.W[0] == 5)\np[\"c\"] = 3\nassert(len(p) == 3)\nassert(keys(p) == (\"W\", \"b\", \"c\"))");
}
