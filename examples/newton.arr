# Newton's method with grad: the root of x^3 - 2x - 5, then the minimum of a
# smooth 2-d function using the hessian.
fn f(x) = x ** 3 - 2 * x - 5
df = grad(f)
x = 2.0
for i in range(20) {
    step = f(x) / df(x)
    x = x - step
    if abs(step) < 1e-14 { break }
}
print("root:", x, "f(root):", f(x))
assert(abs(f(x)) < 1e-12, "Newton converged")

# Minimise a convex function of two variables with Newton steps.
fn g(v) = (v[0] - 1) ** 2 + 10 * (v[1] + 2) ** 2 + v[0] * v[1]
# Solve a 2x2 system H s = b by Cramer's rule.
fn solve2(H, b) {
    det = H[0, 0] * H[1, 1] - H[0, 1] * H[1, 0]
    return [H[1, 1] * b[0] - H[0, 1] * b[1], H[0, 0] * b[1] - H[1, 0] * b[0]] / det
}
v = [0.0, 0.0]
for i in range(5) {
    v = v - solve2(hessian(g)(v), grad(g)(v))
}
print("minimum at", v, "gradient there", grad(g)(v))
assert(all(abs(grad(g)(v)) < 1e-9), "stationary point")
