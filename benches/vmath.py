"""NumPy side of benches/vmath.arr (same rows, inputs and sizes)."""
import time
import numpy as np

R = 5
N = 10_000_000


def best(f, x):
    f(x)
    ts = []
    for _ in range(R):
        t = time.perf_counter()
        f(x)
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1000


def sigmoid(x):
    # stdlib/nn.arr's definition
    e = np.exp(np.minimum(-x, x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def main():
    rng = np.random.default_rng(0)
    for dt in (np.float64, np.float32):
        name = np.dtype(dt).name
        a = rng.standard_normal(N).astype(dt)
        p = np.abs(a) + dt(0.5)
        u = np.tanh(a)
        for f, x in [("sqrt", p), ("exp", a), ("expm1", a), ("log", p), ("log2", p),
                     ("log10", p), ("log1p", p), ("sin", a), ("cos", a), ("tan", a),
                     ("arcsin", u), ("arccos", u), ("arctan", a), ("sinh", a),
                     ("cosh", a), ("tanh", a)]:
            print(f"ROW {f} {name}, 10M", best(getattr(np, f), x))
        print(f"ROW sigmoid {name}, 10M", best(sigmoid, a))
        q = dt(1.7)
        print(f"ROW p ** 1.7 {name}, 10M", best(lambda x: x ** q, p))
        print(f"ROW exp(-a**2/2) {name}, 10M", best(lambda x: np.exp(-x**2 / 2), a))
    a = rng.standard_normal(N)
    idx = rng.integers(0, N, 1_000_000)
    ts = []
    for _ in range(R):
        t = time.perf_counter()
        a[idx]
        ts.append(time.perf_counter() - t)
    print("ROW a[idx], 1M of 10M", float(np.median(ts)) * 1000)


main()
