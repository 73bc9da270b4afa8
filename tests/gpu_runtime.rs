//! The GPU runtime's own promises, in a test binary of their own (the
//! counters are per process, so no other test file may share them; the
//! tests here take a lock so they run one at a time):
//! - `:time` and `time()` wait for queued (asynchronous) GPU work;
//! - pipelines are compiled once and buffers are reused across statements;
//! - GPU failures (out of memory, a shader that fails) are arr errors.

mod common;
use common::have_gpu;

use arr::output::Capture;
use arr::Interp;

static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

const WORK: &str = "@device(gpu) { c = a @ a; d = tanh(c) @ c; s = d * 2.0 + 1.0 }";

#[test]
fn time_waits_for_queued_gpu_work() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !have_gpu() {
        return;
    }
    let g = arr::gpu::get().unwrap();
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    it.run_source("<t>", "a = rand(192, 192)")
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));

    // Without a timing the kernels are only queued: their completion is
    // reported on the next poll, which nothing has done yet.
    it.run_source("<t>", WORK)
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    assert!(g.pending() > 0, "the GPU work should still be queued");
    g.sync().unwrap();
    assert_eq!(g.pending(), 0);

    // `:time` waits for it before reading the clock.
    let mut sess = arr::repl::Session::new(&it, false, "<repl>");
    let ok = arr::repl::run_entry(&mut it, &mut sess, &format!(":time {WORK}"));
    assert_eq!(ok, Ok(true));
    assert_eq!(g.pending(), 0, ":time returned before the GPU finished");
    assert!(cap.out.borrow().contains("time: "), "{}", cap.out.borrow());

    // So does time().
    it.run_source("<t>", &format!("{WORK}\nt = time()"))
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    assert_eq!(g.pending(), 0, "time() returned before the GPU finished");
}

#[test]
fn pipelines_are_cached_and_buffers_reused() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !have_gpu() {
        return;
    }
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    // A loop of GPU statements: elementwise, a fused chain, a reduction,
    // a matmul, a transpose copy. After the first pass every kernel is
    // compiled and every buffer size has been seen once.
    let step = "@device(gpu) {
  y = x * 2.0 + 1.0
  z = exp(y) * sin(x) - y / 3.0
  s = sum(z, axis=0)
  p = x @ x.T
  q = reshape(x.T, (64 * 48,))
}";
    it.run_source("<t>", "x = randn(48, 64)")
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    // Two warm-up passes: in the second, the first pass's results are still
    // held by the variables while the new ones are made.
    for _ in 0..2 {
        it.run_source("<t>", step)
            .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    }
    let (p0, b0) = (arr::gpu::pipelines_compiled(), arr::gpu::buffers_created());
    assert!(p0 >= 4, "expected several kernels, compiled {p0}");
    for _ in 0..20 {
        it.run_source("<t>", step)
            .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    }
    assert_eq!(
        arr::gpu::pipelines_compiled(),
        p0,
        "a kernel was compiled again"
    );
    let b1 = arr::gpu::buffers_created();
    assert_eq!(
        b1 - b0,
        0,
        "20 more passes created new buffers: the pool does not reuse them"
    );
    // The results are still right.
    let v = it
        .run_source(
            "<t>",
            "max(abs(to(p, \"cpu\") - to(x, \"cpu\") @ to(x, \"cpu\").T))",
        )
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    let d = arr::eval::value_to_array(&v.unwrap()).unwrap().to_f64_vec()[0];
    assert!(d < 1e-3, "matmul off by {d}");
}

#[test]
fn gpu_failures_are_arr_errors() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    if !have_gpu() {
        return;
    }
    let g = arr::gpu::get().unwrap();
    // Out of memory: a buffer past every adapter's binding limit.
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    let e = it
        .run_source(
            "<t>",
            "x = to([1.0], \"gpu\")\ny = broadcast_to(x, (60000, 60000)) * 2.0",
        )
        .expect_err("a 14 GB GPU buffer must fail");
    let r = it.render(&e, false);
    assert!(r.contains("GPU buffer of 13732 MiB"), "{r}");
    assert!(
        r.contains("<t>:2:5"),
        "the error points at the statement: {r}"
    );
    assert!(r.to_lowercase().contains("help"), "{r}");
    // The session goes on, and the GPU still works.
    let v = it
        .run_source("<t>", "sum(x * 3.0)")
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    let s = arr::eval::value_to_array(&v.unwrap()).unwrap().to_f64_vec()[0];
    assert_eq!(s, 3.0);

    // A shader that fails validation is an error, not a crash, and is not
    // cached.
    for src in [
        "this is not WGSL",
        "@compute @workgroup_size(1) fn main() { let x: f32 = 1u; }",
    ] {
        let e = match g.pipeline(src) {
            Ok(_) => panic!("an invalid shader compiled: {src}"),
            Err(e) => e,
        };
        assert!(
            e.message.contains("a shader failed to compile"),
            "{}",
            e.message
        );
        assert!(g.pipeline(src).is_err());
    }
    assert!(
        g.check().is_ok(),
        "no error left behind for the next operation"
    );
    let v = it
        .run_source("<t>", "@device(gpu) { w = x + 1.0 }\nw")
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    let w = arr::eval::value_to_array(&v.unwrap()).unwrap().to_f64_vec();
    assert_eq!(w, vec![2.0]);
}
