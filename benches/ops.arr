# The speed issue's rows, timed inside the process (start-up excluded):
# each row prints the median over repetitions, in milliseconds.
# Paired with benches/ops.py (NumPy); run both with `python3 benches/run.py`.
seed(0)
R = 7

# ---- per-operation overhead: loops of n operations, per-op time
n = 100000
a = [1.0, 2.0, 3.0]
b = [4.0, 5.0, 6.0]
ts = zeros(R)
for r in range(R) {
    t = time()
    for i in range(n) { c = a + b }
    ts[r] = (time() - t) / n
}
print("ROW a + b, shape (3,), per op", median(ts) * 1000)

x10 = arange(10.0)
for r in range(R) {
    t = time()
    for i in range(n) { c = sum(x10) }
    ts[r] = (time() - t) / n
}
print("ROW sum(a), shape (10,)", median(ts) * 1000)

x8 = arange(8.0)
for r in range(R) {
    t = time()
    for i in range(n) { c = exp(x8) }
    ts[r] = (time() - t) / n
}
print("ROW exp(a), shape (8,)", median(ts) * 1000)

for r in range(R) {
    t = time()
    for i in range(n) { c = x10[1:3] }
    ts[r] = (time() - t) / n
}
print("ROW a[1:3]", median(ts) * 1000)

m4 = randn(4, 4)
for r in range(R) {
    t = time()
    for i in range(n) { c = m4 @ m4 }
    ts[r] = (time() - t) / n
}
print("ROW 4x4 @", median(ts) * 1000)

fn scalar_loop(k) {
    s = 0.0
    for i in range(k) { s += i * 0.5 }
    return s
}
for r in range(R) {
    t = time()
    s = scalar_loop(1000000)
    ts[r] = (time() - t) / 1000000
}
print("ROW scalar loop s += i * 0.5, per iteration", median(ts) * 1000)

# ---- large arrays
N = 10000000
a = randn(N)
b = randn(N)
c = randn(N)
d = randn(N)
e = randn(N) + 10.0
for r in range(R) {
    t = time()
    z = a + b
    ts[r] = time() - t
}
print("ROW a + b, 10M float64", median(ts) * 1000)
z = 0

for r in range(R) {
    t = time()
    z = exp(a)
    ts[r] = time() - t
}
print("ROW exp(a), 10M", median(ts) * 1000)
z = 0

for r in range(R) {
    t = time()
    z = a*b + c*d - a/e
    ts[r] = time() - t
}
print("ROW a*b + c*d - a/e, 10M", median(ts) * 1000)
print("ROW a*b + c*d - a/e, 10M (vs numexpr, 2 threads)", median(ts) * 1000)
z = 0
b = 0
c = 0
d = 0
e = 0

M = randn(4000, 4000)
for r in range(R) {
    t = time()
    s = sum(M)
    ts[r] = time() - t
}
print("ROW sum of 4000x4000", median(ts) * 1000)
M = 0

col = randn(4000, 1)
row = randn(1, 4000)
for r in range(R) {
    t = time()
    z = col + row
    ts[r] = time() - t
}
print("ROW (4000,1) + (1,4000)", median(ts) * 1000)
z = 0

for r in range(R) {
    t = time()
    z = a[a > 0]
    ts[r] = time() - t
}
print("ROW a[a > 0], 10M", median(ts) * 1000)
z = 0

idx = randint(0, N, 1000000)
for r in range(R) {
    t = time()
    z = a[idx]
    ts[r] = time() - t
}
print("ROW a[idx], 1M of 10M", median(ts) * 1000)
z = 0
a = 0

# ---- matmul
for dt in (float64, float32) {
    for k in [1024, 2048] {
        A = astype(randn(k, k), dt)
        B = astype(randn(k, k), dt)
        C = A @ B
        tm = zeros(5)
        for r in range(5) {
            t = time()
            C = A @ B
            tm[r] = time() - t
        }
        print("ROW matmul " + str(dt) + " " + str(k), median(tm) * 1000)
    }
}
