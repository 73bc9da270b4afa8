# CPU against GPU on the same work: matmul (float32, n x n) and a large
# elementwise chain, fused into one kernel on the GPU and, for comparison,
# written one operation per statement (a kernel and a temporary per op).
#
#   cargo build --release
#   target/release/arr benches/gpu.arr          # matmul n = 256 .. 1024
#   target/release/arr benches/gpu.arr 4096     # up to n = 4096
#
# Prints the adapter first: on Mesa's lavapipe (a CPU "GPU") the GPU rows
# measure the runtime, not a graphics card. Times are medians in ms, taken
# after a warm-up run (pipelines compile once, on first use); GPU times
# include waiting for the result (one element is read back).
adapter = gpu_adapter()
print("adapter:", adapter)
if adapter == none {
    print("no GPU adapter: nothing to compare")
} else {
    seed(0)
    R = 5
    top = 1024
    if len(argv) > 0 { top = int(argv[0]) }

    fn med(f) {
        f(0)
        ts = zeros(R)
        for r in range(R) {
            t = time()
            f(0)
            ts[r] = time() - t
        }
        return median(ts) * 1000
    }

    n = 256
    while n <= top {
        a = astype(randn(n, n), float32)
        b = astype(randn(n, n), float32)
        ag = to(a, "gpu")
        bg = to(b, "gpu")
        cpu = med(_ -> a @ b)
        gpu = med(_ -> to((ag @ bg)[0, 0], "cpu"))
        print("ROW matmul", n, "cpu", cpu)
        print("ROW matmul", n, "gpu", gpu)
        n = n * 2
    }

    N = 4194304
    x = astype(uniform(-1, 1, N), float32)
    y = astype(uniform(-1, 1, N), float32)
    xg = to(x, "gpu")
    yg = to(y, "gpu")
    cpu = med(_ -> exp(x) * 2.0 + sin(y) / (x * x + 3.0))
    fn chain_ops(x, y) {
        t1 = exp(x)
        t2 = t1 * 2.0
        t3 = sin(y)
        t4 = x * x
        t5 = t4 + 3.0
        t6 = t3 / t5
        return t2 + t6
    }
    fused = med(_ -> to((exp(xg) * 2.0 + sin(yg) / (xg * xg + 3.0))[0], "cpu"))
    unfused = med(_ -> to(chain_ops(xg, yg)[0], "cpu"))
    print("ROW chain 4M cpu", cpu)
    print("ROW chain 4M gpu fused (1 kernel)", fused)
    print("ROW chain 4M gpu one op at a time (7 kernels)", unfused)
}
