//! The speed issue's design points, each checked to happen (not timed):
//! immediate scalars allocate nothing, fused elementwise expressions make
//! no temporaries and equal the unfused results bit for bit, `x += y` and
//! `a[i] = v` write in place, large buffers are reused, and the parallel
//! paths equal the serial ones. One test function: the allocation counters
//! are process-wide, so nothing else may run beside it.

use arr::array::Array;
use arr::output::Capture;
use arr::syntax::sym::intern;
use arr::value::Value;
use arr::Interp;
use std::sync::atomic::Ordering::Relaxed;

fn run(it: &mut Interp, code: &str) {
    if let Err(e) = it.run_source("<test>", code) {
        panic!("{}", it.render(&e, false));
    }
}

fn f64s(it: &Interp, name: &str) -> Vec<f64> {
    match it.global(intern(name)) {
        Some(Value::Array(Array::F64(a))) => a.iter().copied().collect(),
        other => panic!("{name} is not a float64 array: {other:?}"),
    }
}

fn f32s(it: &Interp, name: &str) -> Vec<f32> {
    match it.global(intern(name)) {
        Some(Value::Array(Array::F32(a))) => a.iter().copied().collect(),
        other => panic!("{name} is not a float32 array: {other:?}"),
    }
}

/// Allocations (any size) made while `code` runs.
fn allocs(it: &mut Interp, code: &str) -> usize {
    let before = arr::alloc::ALLOCS.load(Relaxed);
    arr::alloc::COUNTING.store(true, Relaxed);
    let r = it.run_source("<test>", code);
    arr::alloc::COUNTING.store(false, Relaxed);
    if let Err(e) = r {
        panic!("{}", it.render(&e, false));
    }
    arr::alloc::ALLOCS.load(Relaxed) - before
}

/// Large (≥ 1 MiB) buffers handed out while `code` runs.
fn large_allocs(it: &mut Interp, code: &str) -> usize {
    let before = arr::alloc::LARGE_ALLOCS.load(Relaxed);
    run(it, code);
    arr::alloc::LARGE_ALLOCS.load(Relaxed) - before
}

fn bits_equal(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn design_points_of_the_speed_issue() {
    let mut it = Interp::new(Box::new(Capture::default()));

    // 1. Immediate scalars: a scalar loop body allocates nothing per
    //    iteration (names resolve to slots, numbers are not heap arrays).
    run(
        &mut it,
        "fn loop(k) {\n s = 0.0\n for i in range(k) { s += i * 0.5 }\n return s\n}\nr0 = loop(10)",
    );
    let small = allocs(&mut it, "r1 = loop(10)");
    let big = allocs(&mut it, "r2 = loop(10000)");
    assert!(
        big <= small + 2,
        "a 10,000-iteration scalar loop allocated {big} times, a 10-iteration one {small}: scalars must not allocate"
    );
    run(&mut it, "assert(r2 == 24997500.0)");

    // 1b. Names resolve as integers: a loop that reads and writes locals,
    //     globals and attributes never looks a name up by its string.
    run(
        &mut it,
        "g = 2.0\nv = [1.0, 2.0]\nfn names(k) {\n t = 0.0\n for i in range(k) { t = t + g * v.size + i }\n return t\n}\nq = names(3)",
    );
    let before = arr::syntax::sym::intern_calls();
    run(&mut it, "q1 = names(10)");
    let short = arr::syntax::sym::intern_calls() - before;
    let before = arr::syntax::sym::intern_calls();
    run(&mut it, "q2 = names(10000)");
    let long = arr::syntax::sym::intern_calls() - before;
    assert_eq!(
        short, long,
        "a 10,000-iteration loop looked names up by string {long} times, a 10-iteration one {short}"
    );
    run(&mut it, "assert(q2 == 40000.0 + 49995000.0)");

    // 2. Fusion: a*b + c*d - a/e on 1M-element arrays makes exactly one
    //    large buffer (its result), runs the fused kernel, and gives the
    //    unfused (one op per statement) result bit for bit.
    run(
        &mut it,
        "seed(3)\nN = 1000000\na = randn(N)\nb = randn(N)\nc = randn(N)\nd = randn(N)\ne = randn(N) + 10.0",
    );
    let runs = arr::array::fused::RUNS.load(Relaxed);
    let n = large_allocs(&mut it, "z = a*b + c*d - a/e");
    assert_eq!(
        arr::array::fused::RUNS.load(Relaxed),
        runs + 1,
        "the expression must run fused"
    );
    assert_eq!(
        n, 1,
        "a fused expression allocates only its result, got {n} large buffers"
    );
    run(
        &mut it,
        "t1 = a*b\nt2 = c*d\nt3 = a/e\nt4 = t1 + t2\nw = t4 - t3",
    );
    assert!(
        bits_equal(&f64s(&it, "z"), &f64s(&it, "w")),
        "fused != unfused"
    );
    // With maths functions, literals, unary minus and powers too; float32 as well.
    run(&mut it, "z = -exp(a * 0.5) + sqrt(abs(b)) * 2 - c ** 2\nt1 = a * 0.5\nt2 = exp(t1)\nt3 = -t2\nt4 = abs(b)\nt5 = sqrt(t4)\nt6 = t5 * 2\nt7 = t3 + t6\nt8 = c ** 2\nw = t7 - t8");
    assert!(
        bits_equal(&f64s(&it, "z"), &f64s(&it, "w")),
        "fused maths != unfused"
    );
    run(&mut it, "af = astype(a, float32)\nbf = astype(b, float32)\nz = af * 1.5 + bf / 3 - af\nt1 = af * 1.5\nt2 = bf / 3\nt3 = t1 + t2\nw = t3 - af");
    let (z, w) = (f32s(&it, "z"), f32s(&it, "w"));
    assert!(
        z.iter().zip(&w).all(|(x, y)| x.to_bits() == y.to_bits()),
        "fused float32 != unfused"
    );
    // A strong float64 scalar with float32 arrays promotes: not fused, still right.
    run(
        &mut it,
        "k = float64(2.0)\nz = af * k + bf\nassert(z.dtype == float64)",
    );

    // 3. In place: `x += y` and `a[i] = v` on unshared arrays allocate no
    //    large buffer.
    run(&mut it, "x = zeros(N)\ny = ones(N)");
    assert_eq!(
        large_allocs(&mut it, "x += y"),
        0,
        "x += y must write in place"
    );
    assert_eq!(
        large_allocs(&mut it, "x[5] = 7.0"),
        0,
        "a[i] = v must write in place"
    );
    assert_eq!(
        large_allocs(&mut it, "x *= 2.0"),
        0,
        "x *= 2.0 must write in place"
    );
    run(&mut it, "assert(x[5] == 14.0)\nassert(x[6] == 2.0)");

    // 4. Buffer reuse: repeating an allocating statement reuses the freed
    //    buffer of the previous result (no fresh pages).
    run(&mut it, "z = a + b\nz = a + b");
    let reused = arr::alloc::REUSED.load(Relaxed);
    run(&mut it, "z = a + b\nz = a + b\nz = a + b");
    assert!(
        arr::alloc::REUSED.load(Relaxed) > reused,
        "freed large buffers must be reused"
    );

    // 5. Parallel paths (≥ 2^16 elements, split with rayon) equal the serial
    //    ones, and reductions are the same from run to run.
    run(
        &mut it,
        "p = a * b + 1.0\nq = zeros(N)\nfor k in range(0, N, 50000) { q[k:k+50000] = a[k:k+50000] * b[k:k+50000] + 1.0 }\ns1 = sum(a)\ns2 = sum(a)\nm1 = mean(p)\nm2 = mean(p)",
    );
    assert!(
        bits_equal(&f64s(&it, "p"), &f64s(&it, "q")),
        "parallel elementwise != serial chunks"
    );
    run(&mut it, "assert(s1 == s2)\nassert(m1 == m2)");

    // 6. After matmul (faer's AVX kernels, on every core) and a solve, no
    //    thread is left with dirty upper AVX state, which would slow every
    //    later SSE maths call on it several times (see clear_avx_state).
    //    Transcendental functions go parallel from 4,096 elements and still
    //    equal the serial result.
    run(
        &mut it,
        "m = randn(300, 300)\nmm = m @ m\nsv = solve(m, randn(300))\nth = tanh(randn(64, 128))",
    );
    if let Some(dirty) = arr::array::linalg::avx_upper_state_in_use() {
        assert!(
            dirty.iter().all(|d| !d),
            "threads left with dirty AVX state after faer: {dirty:?}"
        );
    }
    run(
        &mut it,
        "h = randn(64, 128)\nt1 = tanh(h)\nt2 = zeros(64, 128)\nfor r in range(64) { t2[r] = tanh(h[r]) }\nassert(all(t1 == t2))",
    );
}
