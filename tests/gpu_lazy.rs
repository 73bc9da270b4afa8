//! GPU initialisation is lazy: a script with no `@device(gpu)` never looks
//! for an adapter (so never loads a Vulkan/Metal/DX12 driver). This file is
//! its own test binary, so no other test has touched the GPU before it.

use arr::output::Capture;
use arr::Interp;

#[test]
fn cpu_only_script_never_initialises_the_gpu() {
    assert_eq!(arr::gpu::init_attempts(), 0);
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    let code = "x = randn(100, 10)\ny = exp(x) @ x.T\nprint(x.device, sum(y) == sum(y))\nz = to(x, \"cpu\")\nprint(device(z))";
    it.run_source("<t>", code)
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    assert_eq!(cap.out.borrow().as_str(), "cpu true\ncpu\n");
    assert_eq!(
        arr::gpu::init_attempts(),
        0,
        "a CPU-only script must not initialise the GPU"
    );
    // The first GPU block is what opens it.
    let _ = it.run_source("<t>", "@device(gpu) { w = [1.0] }");
    assert_eq!(arr::gpu::init_attempts(), 1);
}
