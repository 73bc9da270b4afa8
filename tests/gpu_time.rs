//! GPU kernels run asynchronously, so a timing must wait for them: `:time`
//! in the REPL and the `time()` builtin finish queued GPU work before they
//! read the clock. Its own test binary: the submitted/finished counters
//! are per device, and no other test shares the device here.

use arr::output::Capture;
use arr::Interp;

fn have_gpu() -> bool {
    if arr::gpu::get().is_some() {
        return true;
    }
    if std::env::var("ARR_REQUIRE_GPU_TESTS")
        .map(|v| v == "1")
        .unwrap_or(false)
    {
        panic!("no GPU adapter found and ARR_REQUIRE_GPU_TESTS=1");
    }
    println!("skipped: no GPU adapter");
    false
}

const WORK: &str = "@device(gpu) { c = a @ a; d = tanh(c) @ c; s = d * 2.0 + 1.0 }";

#[test]
fn time_waits_for_queued_gpu_work() {
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
