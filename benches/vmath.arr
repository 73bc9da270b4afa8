# Issue #16's rows: every vectorised maths function on 10M float64 and
# float32 (median of R runs, in ms), a fused chain with exp and pow, and the
# gather a[idx]. Paired with benches/vmath.py (NumPy); run both with
# `python3 benches/run.py --only vmath`. Inputs: normal values, |x| + 0.5
# for sqrt and the logs, tanh(normal) for arcsin/arccos.
seed(0)
R = 5
N = 10000000
ts = zeros(R)

fn best(f, x) {
    ts = zeros(R)
    z = f(x)
    for r in range(R) {
        t = time()
        z = f(x)
        ts[r] = time() - t
    }
    return median(ts) * 1000
}

for dt in (float64, float32) {
    a = dt(randn(N))
    p = abs(a) + dt(0.5)
    u = tanh(a)
    name = "float64"
    if str(dt(1.0).dtype) == "float32" { name = "float32" }
    print("ROW sqrt " + name + ", 10M", best(sqrt, p))
    print("ROW exp " + name + ", 10M", best(exp, a))
    print("ROW expm1 " + name + ", 10M", best(expm1, a))
    print("ROW log " + name + ", 10M", best(log, p))
    print("ROW log2 " + name + ", 10M", best(log2, p))
    print("ROW log10 " + name + ", 10M", best(log10, p))
    print("ROW log1p " + name + ", 10M", best(log1p, p))
    print("ROW sin " + name + ", 10M", best(sin, a))
    print("ROW cos " + name + ", 10M", best(cos, a))
    print("ROW tan " + name + ", 10M", best(tan, a))
    print("ROW arcsin " + name + ", 10M", best(arcsin, u))
    print("ROW arccos " + name + ", 10M", best(arccos, u))
    print("ROW arctan " + name + ", 10M", best(arctan, a))
    print("ROW sinh " + name + ", 10M", best(sinh, a))
    print("ROW cosh " + name + ", 10M", best(cosh, a))
    print("ROW tanh " + name + ", 10M", best(tanh, a))
    print("ROW sigmoid " + name + ", 10M", best(sigmoid, a))
    q = dt(1.7)
    print("ROW p ** 1.7 " + name + ", 10M", best(x -> x ** q, p))
    print("ROW exp(-a**2/2) " + name + ", 10M", best(x -> exp(-x**2 / 2), a))
}

a = randn(N)
idx = randint(0, N, 1000000)
for r in range(R) {
    t = time()
    z = a[idx]
    ts[r] = time() - t
}
print("ROW a[idx], 1M of 10M", median(ts) * 1000)
