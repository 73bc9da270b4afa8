# The same step in NumPy with a hand-written backward pass.
import time
import numpy as np

rng = np.random.default_rng(0)
X = rng.standard_normal((256, 784))
y = rng.integers(0, 10, 256)
W1 = 0.01 * rng.standard_normal((784, 128)); b1 = np.zeros(128)
W2 = 0.01 * rng.standard_normal((128, 10)); b2 = np.zeros(10)


def step():
    h = np.tanh(X @ W1 + b1)
    z = h @ W2 + b2
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = -np.log(p[np.arange(n), y]).mean()
    dz = p.copy(); dz[np.arange(n), y] -= 1; dz /= n
    gW2 = h.T @ dz; gb2 = dz.sum(axis=0)
    dh = (dz @ W2.T) * (1 - h * h)
    gW1 = X.T @ dh; gb1 = dh.sum(axis=0)
    return loss, gW1, gb1, gW2, gb2


ts = []
for i in range(40):
    t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
print("ROW mlp 784-128-10 batch 256 loss+grads", np.median(ts[5:]) * 1000)

# The same step with JAX's jit-compiled value_and_grad, when JAX is present
# (the speed issue's "faster than JAX" row); float64 to match arr and NumPy.
try:
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    def jloss(p, X, y):
        h = jnp.tanh(X @ p["W1"] + p["b1"])
        z = h @ p["W2"] + p["b2"]
        return -jnp.mean(jax.nn.log_softmax(z)[jnp.arange(X.shape[0]), y])

    f = jax.jit(jax.value_and_grad(jloss))
    P = {"W1": jnp.asarray(W1), "b1": jnp.asarray(b1), "W2": jnp.asarray(W2), "b2": jnp.asarray(b2)}
    JX, Jy = jnp.asarray(X), jnp.asarray(y)
    jax.block_until_ready(f(P, JX, Jy))
    ts = []
    for i in range(40):
        t = time.perf_counter()
        jax.block_until_ready(f(P, JX, Jy))
        ts.append(time.perf_counter() - t)
    print("ROW mlp 784-128-10 batch 256 loss+grads (vs JAX jit)", np.median(ts[5:]) * 1000)
except ImportError:
    pass
