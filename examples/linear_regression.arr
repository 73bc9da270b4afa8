# Linear regression by gradient descent, with grad() computing the gradient.
x = linspace(0, 1, 50)
y = 3 * x + 2 + 0.05 * sin(37 * x)          # a line with a little wiggle

fn loss(p) = mean((p.w * x + p.b - y) ** 2)

p = {"w": 0.0, "b": 0.0}
for step in range(2000) {
    g = grad(loss)(p)
    p.w -= 0.5 * g.w
    p.b -= 0.5 * g.b
}
print("w =", p.w, "b =", p.b, "loss =", loss(p))
assert(abs(p.w - 3) < 0.05, "slope recovered")
assert(abs(p.b - 2) < 0.05, "intercept recovered")
