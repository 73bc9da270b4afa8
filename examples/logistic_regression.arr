# Logistic regression on two well-separated clusters, trained with grad and sgd.
n = 100
t = linspace(0, 2 * pi, n)
# Two blobs around (-1, -1) and (1, 1), spread deterministically.
X0 = stack((-1 + 0.4 * cos(3 * t), -1 + 0.4 * sin(5 * t)), axis=1)
X1 = stack((1 + 0.4 * cos(7 * t), 1 + 0.4 * sin(2 * t)), axis=1)
X = concatenate((X0, X1))
y = concatenate((zeros(n), ones(n)))

fn loss(p) {
    z = X @ p.w + p.b
    q = sigmoid(z)
    return -mean(y * log(q + 1e-12) + (1 - y) * log(1 - q + 1e-12))
}

p = {"w": zeros(2), "b": 0.0}
state = none
for epoch in range(300) {
    p, state = sgd(p, grad(loss)(p), state, lr=0.5)
}
pred = sigmoid(X @ p.w + p.b) > 0.5
acc = mean(pred == (y > 0.5))
print("loss:", loss(p), "accuracy:", acc)
assert(acc > 0.95, "logistic regression separates the clusters")
