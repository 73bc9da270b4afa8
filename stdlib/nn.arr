# The learning library, written in arr itself: it gets gradients (and, later,
# GPU execution) for free. Loaded at start-up. `#:` lines document the
# function that follows; `#: ex:` lines are examples a test runs
# (`code => printed result`).

#: The logistic function 1 / (1 + exp(-x)), computed stably for large |x|.
#: ex: sigmoid(0.0) => 0.5
#: ex: sigmoid([-100.0, 100.0]) => [3.72007598e-44 1.00000000e+00]
fn sigmoid(x) {
    # exp(-|x|) never overflows. minimum(-x, x) rather than -abs(x) so the
    # gradient at 0 is right (ties take the first operand's slope).
    e = exp(minimum(-x, x))
    return where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
}

#: max(x, 0) elementwise.
#: ex: relu([-1.0, 2.0]) => [0. 2.]
fn relu(x) = maximum(x, 0.0)

#: log(sum(exp(x))) along `axis` without overflow (max subtracted first).
#: ex: logsumexp([1000.0, 1000.0]) => 1000.6931471805599
fn logsumexp(x, axis=-1, keepdims=false) {
    m = max(x, axis=axis, keepdims=true)
    m = where(isfinite(m), m, 0.0)
    s = log(sum(exp(x - m), axis=axis, keepdims=true)) + m
    if keepdims { return s }
    return squeeze(s, axis=axis)
}

#: exp(x) / sum(exp(x)) along `axis` (default: the last), computed stably.
#: ex: softmax([1.0, 1.0]) => [0.5 0.5]
fn softmax(x, axis=-1) {
    z = x - max(x, axis=axis, keepdims=true)
    e = exp(z)
    return e / sum(e, axis=axis, keepdims=true)
}

#: log(softmax(x)) along `axis`, computed stably.
#: ex: log_softmax([0.0, 0.0]) => [-0.69314718 -0.69314718]
fn log_softmax(x, axis=-1) = x - logsumexp(x, axis=axis, keepdims=true)

#: One-hot rows for integer `labels` with `k` classes (float64).
#: ex: one_hot([0, 2], 3) => [[1. 0. 0.]\n [0. 0. 1.]]
fn one_hot(labels, k) = astype(expand_dims(labels, -1) == arange(k), float64)

#: Mean squared error: mean((pred - target) ** 2).
#: ex: mse([1.0, 2.0], [1.0, 4.0]) => 2.0
fn mse(pred, target) = mean((pred - target) ** 2)

#: Cross-entropy of `logits` (rows of scores) against `targets`: one-hot rows
#: or integer class labels; the mean over rows, computed stably.
#: ex: cross_entropy([[0.0, 0.0]], [1]) => 0.6931471805599453
fn cross_entropy(logits, targets) {
    lp = log_softmax(logits, axis=-1)
    if dtype(targets) == int64 {
        n = shape(lp)[0]
        return -mean(lp[arange(n), targets])
    }
    return -mean(sum(targets * lp, axis=-1))
}

# Apply f to matching leaves of parameter trees (arrays, tuples, dicts).
fn _tree_map(f, a, b) {
    if type(a) == "dict" {
        out = {}
        for k in a { out[k] = _tree_map(f, a[k], b[k]) }
        return out
    }
    if type(a) == "tuple" {
        out = ()
        for i in range(len(a)) { out = out + (_tree_map(f, a[i], b[i]),) }
        return out
    }
    return f(a, b)
}

fn _tree_zeros(a) = _tree_map((x, y) -> zeros_like(x), a, a)

#: One step of gradient descent with optional momentum on a parameter tree
#: (an array, tuple or dict of arrays). Returns (new_params, state); pass the
#: state back on the next call (none at first).
#: ex: sgd([1.0, 2.0], [0.5, 0.5], none, lr=0.1)[0] => [0.95 1.95]
fn sgd(params, grads, state=none, lr=0.01, momentum=0.0) {
    if momentum == 0.0 {
        return _tree_map((p, g) -> p - lr * g, params, grads), state
    }
    if state == none { state = _tree_zeros(params) }
    vel = _tree_map((v, g) -> momentum * v + g, state, grads)
    return _tree_map((p, v) -> p - lr * v, params, vel), vel
}

#: One Adam step on a parameter tree. Returns (new_params, state); pass the
#: state back on the next call (none at first).
#: ex: adam([1.0], [2.0], none, lr=0.1)[0] => [0.9]
fn adam(params, grads, state=none, lr=0.001, b1=0.9, b2=0.999, eps=1e-8) {
    if state == none {
        state = {"t": 0, "m": _tree_zeros(params), "v": _tree_zeros(params)}
    }
    t = state.t + 1
    m = _tree_map((m, g) -> b1 * m + (1 - b1) * g, state.m, grads)
    v = _tree_map((v, g) -> b2 * v + (1 - b2) * g * g, state.v, grads)
    c1 = 1 - b1 ** t
    c2 = 1 - b2 ** t
    mv = _tree_map((a, b) -> (a, b), m, v)
    new = _tree_map((p, s) -> p - lr * (s[0] / c1) / (sqrt(s[1] / c2) + eps), params, mv)
    return new, {"t": t, "m": m, "v": v}
}

#: The largest difference between grad(f)(x) and central finite differences,
#: relative to the gradient's size (small, e.g. < 1e-6, when grad is right).
#: ex: check_grad(x -> sum(sin(x)), [0.5, 1.0]) < 1e-8 => true
fn check_grad(f, x, eps=1e-6) {
    g = grad(f)(x)
    xf = flatten(astype(x, float64))
    n = size(xf)
    fd = zeros(n)
    for i in range(n) {
        e = zeros(n)
        e[i] = eps
        fd[i] = (f(reshape(xf + e, shape(x))) - f(reshape(xf - e, shape(x)))) / (2 * eps)
    }
    scale = maximum(1.0, max(abs(fd)))
    return max(abs(flatten(g) - fd)) / scale
}
