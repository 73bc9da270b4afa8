# A small neural network (2-16-2, tanh) trained with Adam on the two-moons
# data set, generated here. Reaches > 95% training accuracy.
seed(0)
n = 200
t = pi * rand(n)
upper = stack((cos(t), sin(t)), axis=1)
lower = stack((1 - cos(t), 0.5 - sin(t)), axis=1)
X = concatenate((upper, lower)) + 0.1 * randn(2 * n, 2)
y = concatenate((zeros(n, dtype=int64), ones(n, dtype=int64)))

fn forward(p, X) {
    h = tanh(X @ p.W1 + p.b1)
    return h @ p.W2 + p.b2
}
fn loss(p) = cross_entropy(forward(p, X), y)

p = {"W1": 0.5 * randn(2, 16), "b1": zeros(16), "W2": 0.5 * randn(16, 2), "b2": zeros(2)}
state = none
for step in range(500) {
    l, g = value_and_grad(loss)(p)
    p, state = adam(p, g, state, lr=0.02)
    if step % 100 == 0 { print("step", step, "loss", l) }
}
acc = mean(argmax(forward(p, X), axis=1) == y)
print("training accuracy:", acc)
assert(acc > 0.95, "the MLP learns the moons")
