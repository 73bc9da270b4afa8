# One training step (loss + gradients) of a 784-128-10 MLP on a 256-row batch.
seed(0)
X = randn(256, 784)
y = randint(0, 10, 256)
p = {"W1": 0.01 * randn(784, 128), "b1": zeros(128), "W2": 0.01 * randn(128, 10), "b2": zeros(10)}
fn loss(p) {
    h = tanh(X @ p.W1 + p.b1)
    return cross_entropy(h @ p.W2 + p.b2, y)
}
n = 40
times = zeros(n)
for i in range(n) {
    t = time()
    l, g = value_and_grad(loss)(p)
    times[i] = time() - t
}
print("ROW mlp 784-128-10 batch 256 loss+grads", median(times[5:]) * 1000)
print("ROW mlp 784-128-10 batch 256 loss+grads (vs JAX jit)", median(times[5:]) * 1000)
