"""NumPy side of benches/ops.arr: the same work, same sizes, same timing
(median over repetitions, inside the process, in milliseconds)."""
import time
import numpy as np

R = 7
rng = np.random.default_rng(0)


def row(label, ms):
    print(f"ROW {label} {ms}")


def per_op(fn, n=100000):
    ts = []
    for _ in range(R):
        ts.append(fn(n))
    return float(np.median(ts)) * 1000


def bench(fn, reps=R):
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1000


def main():
    a = np.array([1.0, 2.0, 3.0])
    b = np.array([4.0, 5.0, 6.0])

    def add_small(n):
        t = time.perf_counter()
        for i in range(n):
            c = a + b
        return (time.perf_counter() - t) / n
    row("a + b, shape (3,), per op", per_op(add_small))

    x10 = np.arange(10.0)
    def sum_small(n):
        t = time.perf_counter()
        for i in range(n):
            c = np.sum(x10)
        return (time.perf_counter() - t) / n
    row("sum(a), shape (10,)", per_op(sum_small))

    x8 = np.arange(8.0)
    def exp_small(n):
        t = time.perf_counter()
        for i in range(n):
            c = np.exp(x8)
        return (time.perf_counter() - t) / n
    row("exp(a), shape (8,)", per_op(exp_small))

    def slice_small(n):
        t = time.perf_counter()
        for i in range(n):
            c = x10[1:3]
        return (time.perf_counter() - t) / n
    row("a[1:3]", per_op(slice_small))

    m4 = rng.standard_normal((4, 4))
    def mm4(n):
        t = time.perf_counter()
        for i in range(n):
            c = m4 @ m4
        return (time.perf_counter() - t) / n
    row("4x4 @", per_op(mm4))

    def scalar_loop(k):
        s = 0.0
        for i in range(k):
            s += i * 0.5
        return s
    def sl(n):
        t = time.perf_counter()
        scalar_loop(n)
        return (time.perf_counter() - t) / n
    row("scalar loop s += i * 0.5, per iteration", per_op(sl, 1000000))

    N = 10_000_000
    a = rng.standard_normal(N)
    b = rng.standard_normal(N)
    c = rng.standard_normal(N)
    d = rng.standard_normal(N)
    e = rng.standard_normal(N) + 10.0
    row("a + b, 10M float64", bench(lambda: a + b))
    row("exp(a), 10M", bench(lambda: np.exp(a)))
    row("a*b + c*d - a/e, 10M", bench(lambda: a * b + c * d - a / e))
    try:
        import numexpr as ne
        ne.set_num_threads(2)
        row("a*b + c*d - a/e, 10M (vs numexpr, 2 threads)",
            bench(lambda: ne.evaluate("a*b + c*d - a/e",
                                      local_dict={"a": a, "b": b, "c": c, "d": d, "e": e})))
    except ImportError:
        pass
    del b, c, d, e

    M = rng.standard_normal((4000, 4000))
    row("sum of 4000x4000", bench(lambda: np.sum(M)))
    del M
    col = rng.standard_normal((4000, 1))
    rw = rng.standard_normal((1, 4000))
    row("(4000,1) + (1,4000)", bench(lambda: col + rw))
    row("a[a > 0], 10M", bench(lambda: a[a > 0]))
    idx = rng.integers(0, N, 1_000_000)
    row("a[idx], 1M of 10M", bench(lambda: a[idx]))
    del a

    for dt in (np.float64, np.float32):
        for k in (1024, 2048):
            A = rng.standard_normal((k, k)).astype(dt)
            B = rng.standard_normal((k, k)).astype(dt)
            A @ B
            row(f"matmul {np.dtype(dt).name} {k}", bench(lambda: A @ B, 5))


main()
