//! grad(): every differentiable primitive checked against central finite
//! differences, higher-order gradients, structures, and the error cases.

mod common;

/// (builtin or operator, f as arr code, x as arr code). Each f maps x to a scalar.
const CASES: &[(&str, &str, &str)] = &[
    ("+", "x -> sum(x + 2 * x)", "[0.3, -1.2, 2.0]"),
    ("-", "x -> sum(5.0 - x * x)", "[0.3, -1.2, 2.0]"),
    ("*", "x -> sum(x * x * [1.0, 2.0, 3.0])", "[0.3, -1.2, 2.0]"),
    ("/", "x -> sum(1.0 / (x + 3) + x / 4)", "[0.3, -1.2, 2.0]"),
    ("**", "x -> sum(x ** 3 + 2.0 ** x + abs(x) ** 0.5)", "[0.3, -1.2, 2.0]"),
    ("%", "x -> sum(x % 0.7)", "[0.3, -1.2, 2.0]"),
    ("@", "x -> sum((reshape(x, 2, 3) @ [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) ** 2)", "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]"),
    ("@batched", "x -> sum(reshape(x, 2, 1, 3) @ reshape(x, 2, 3, 1))", "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]"),
    ("@vec", "x -> x @ [[1.0, 2.0], [3.0, 4.0]] @ x", "[0.5, -0.7]"),
    ("index", "x -> sum(x[1:] * x[:-1]) + x[0] ** 2 + sum(x[[0, 0, 2]])", "[0.3, -1.2, 2.0]"),
    ("mask", "x -> sum(x[x > 0] ** 2)", "[0.3, -1.2, 2.0]"),
    ("setindex", "fn(x) { y = x * 1.0\ny[1] = x[0] * x[2]\nreturn sum(y ** 2) }", "[0.3, -1.2, 2.0]"),
    ("neg", "x -> sum(-x * x)", "[0.3, -1.2, 2.0]"),
    ("abs", "x -> sum(abs(x) * x)", "[0.3, -1.2, 2.0]"),
    ("sqrt", "x -> sum(sqrt(x))", "[0.3, 1.2, 2.0]"),
    ("exp", "x -> sum(exp(x))", "[0.3, -1.2, 2.0]"),
    ("log", "x -> sum(log(x))", "[0.3, 1.2, 2.0]"),
    ("log2", "x -> sum(log2(x))", "[0.3, 1.2, 2.0]"),
    ("log10", "x -> sum(log10(x))", "[0.3, 1.2, 2.0]"),
    ("log1p", "x -> sum(log1p(x))", "[0.3, 1.2, 2.0]"),
    ("expm1", "x -> sum(expm1(x))", "[0.3, -1.2, 2.0]"),
    ("sin", "x -> sum(sin(x))", "[0.3, -1.2, 2.0]"),
    ("cos", "x -> sum(cos(x))", "[0.3, -1.2, 2.0]"),
    ("tan", "x -> sum(tan(x))", "[0.3, -1.2, 1.0]"),
    ("arcsin", "x -> sum(arcsin(x))", "[0.3, -0.2, 0.5]"),
    ("arccos", "x -> sum(arccos(x))", "[0.3, -0.2, 0.5]"),
    ("arctan", "x -> sum(arctan(x))", "[0.3, -1.2, 2.0]"),
    ("sinh", "x -> sum(sinh(x))", "[0.3, -1.2, 2.0]"),
    ("cosh", "x -> sum(cosh(x))", "[0.3, -1.2, 2.0]"),
    ("tanh", "x -> sum(tanh(x))", "[0.3, -1.2, 2.0]"),
    ("arctan2", "x -> sum(arctan2(x, x[::-1] + 0.1))", "[0.3, -1.2, 2.0]"),
    ("maximum", "x -> sum(maximum(x, 0.5) + maximum(0.1, x * x))", "[0.3, -1.2, 2.0]"),
    ("minimum", "x -> sum(minimum(x, 0.5) * minimum(x, x * 2))", "[0.3, -1.2, 2.0]"),
    ("clip", "x -> sum(clip(x, -1.0, 1.5) * x)", "[0.3, -1.2, 2.0]"),
    ("where", "x -> sum(where(x > 0, x ** 2, -x))", "[0.3, -1.2, 2.0]"),
    ("sum", "x -> sum(sum(reshape(x, 2, 3), axis=0) ** 2) + sum(sum(reshape(x, 2, 3), axis=1, keepdims=true) ** 3)", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("mean", "x -> sum(mean(reshape(x, 2, 3), axis=(0, 1), keepdims=true) * x)", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("prod", "x -> prod(x) + sum(prod(reshape(x, 2, 3), axis=1))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("var", "x -> var(x) + sum(var(reshape(x, 2, 3), axis=0, ddof=1))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("std", "x -> std(x) + sum(std(reshape(x, 2, 3), axis=1))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("min", "x -> min(x) + sum(min(reshape(x, 2, 3), axis=1))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("max", "x -> max(x ** 2) + sum(max(reshape(x, 2, 3), axis=0, keepdims=true))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("cumsum", "x -> sum(cumsum(x) ** 2) + sum(cumsum(reshape(x, 2, 3), axis=1) * x[0])", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("reshape", "x -> sum(reshape(x, 3, 2) @ [1.0, -1.0])", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("transpose", "x -> sum(transpose(reshape(x, 2, 3)) * [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) + sum(transpose(reshape(x, 1, 2, 3), 2, 0, 1)[0] * 3)", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("flatten", "x -> sum(flatten(reshape(x, 2, 3)) * arange(6.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("squeeze", "x -> sum(squeeze(reshape(x, 1, 6)) * arange(6.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("expand_dims", "x -> sum(expand_dims(x, 0) * arange(6.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("broadcast_to", "x -> sum(broadcast_to(x, 4, 6) * arange(24.0).reshape(4, 6))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("concatenate", "x -> sum(concatenate((x, x ** 2)) * arange(12.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("stack", "x -> sum(stack((x, x * x), axis=1) * reshape(arange(12.0), 6, 2))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("vstack", "x -> sum(vstack((x, x ** 3)) * reshape(arange(12.0), 2, 6))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("hstack", "x -> sum(hstack((x, x ** 3)) * arange(12.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("flip", "x -> sum(flip(x) * arange(6.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("roll", "x -> sum(roll(x, 2) * arange(6.0))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("matmul", "x -> sum(matmul(reshape(x, 2, 3), reshape(x, 3, 2)))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("dot", "x -> dot(x, x * 2) + sum(dot(reshape(x, 2, 3), [1.0, 2.0, 3.0]))", "[0.1, 0.2, -0.3, 0.4, 0.5, 0.6]"),
    ("outer", "x -> sum(outer(x, x[::-1]) ** 2)", "[0.1, 0.2, -0.3]"),
    ("trace", "x -> trace(reshape(x, 2, 2) @ reshape(x, 2, 2))", "[0.1, 0.2, -0.3, 0.4]"),
    ("astype", "x -> sum(astype(x * 3, float64) ** 2) + (dtype(grad(z -> sum(astype(z, float32)))(x)) == float64)", "[0.1, 0.2, -0.3]"),
    ("copy", "x -> sum(copy(x) ** 2)", "[0.1, 0.2, -0.3]"),
    ("array", "x -> sum(array(x) ** 2)", "[0.1, 0.2, -0.3]"),
    ("float", "x -> float(sum(x)) ** 2", "[0.1, 0.2, -0.3]"),
    ("to", "x -> sum(to(x, \"cpu\") ** 2)", "[0.1, 0.2, -0.3]"),
    ("inv", "x -> sum(inv(reshape(x, 2, 2) + eye(2) * 3))", "[0.1, 0.2, -0.3, 0.4]"),
    ("solve", "x -> sum(solve(reshape(x, 2, 2) + eye(2) * 3, x[:2]))", "[0.1, 0.2, -0.3, 0.4]"),
    ("det", "x -> det(reshape(x, 2, 2) + eye(2))", "[0.1, 0.2, -0.3, 0.4]"),
    ("norm", "x -> norm(x) + norm(reshape(x, 2, 2))", "[0.1, 0.2, -0.3, 0.4]"),
    ("norm ords", "x -> norm(x, 1) + norm(x, inf) + norm(x, -inf) + norm(x, 3) + norm(x, 0.5) + norm(x, 0) + sum(norm(reshape(x, 2, 3), axis=1)) + sum(norm(reshape(x, 2, 3), 1, axis=0, keepdims=true))", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("matrix norm ords", "x -> norm(reshape(x, 2, 3), \"fro\") + norm(reshape(x, 2, 3), 1) + norm(reshape(x, 2, 3), -1) + norm(reshape(x, 3, 2), inf) + norm(reshape(x, 3, 2), -inf) + norm(reshape(x, 2, 3), \"nuc\") + norm(reshape(x, 2, 3), 2) + norm(reshape(x, 3, 2), -2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("full", "x -> sum(full(4, x[0]) * arange(4.0)) + sum(full((2, 3), x[1] * x[2]) * x ** 2)", "[0.1, 0.2, -0.3]"),
    ("full_like", "x -> sum(full_like(x, x[1] * 2) * arange(3.0)) + sum(full_like(x, 1.0) * x)", "[0.1, 0.2, -0.3]"),
    ("linspace", "x -> sum(linspace(x[0], x[1], 5) ** 2) + sum(linspace(x[2], x[0] * 3, 4, endpoint=false) * arange(4.0))", "[0.1, 0.2, -0.3]"),
    ("cumprod", "x -> sum(cumprod(x) * arange(6.0)) + sum(cumprod(reshape(x, 2, 3), axis=1) ** 2) + sum(cumprod(x * [1.0, 0.0, 1.0, 1.0, 0.0, 1.0]) * arange(6.0)) + sum(cumprod(reshape(x, 3, 2) * [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], axis=0) ** 2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("sort", "x -> sum(sort(x) * arange(6.0)) + sum(sort(reshape(x, 2, 3), axis=0) * [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) + sum(sort(reshape(x, 3, 2), axis=none) ** 3)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("median", "x -> median(x) * 3 + sum(median(reshape(x, 2, 3), axis=1) ** 2) + sum(median(reshape(x, 3, 2), axis=0, keepdims=true))", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("quantile", "x -> quantile(x, 0.3) * 2 + sum(quantile(reshape(x, 2, 3), 0.75, axis=1) ** 2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("diff", "x -> sum(diff(x) ** 2) + sum(diff(x, 2) * [1.0, 2.0, 3.0, 4.0]) + sum(diff(reshape(x, 2, 3), axis=0) ** 3)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("tile", "x -> sum(tile(x, 2) * arange(12.0)) + sum(tile(reshape(x, 2, 3), (2, 1, 2)) ** 2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("repeat", "x -> sum(repeat(x, 2) * arange(12.0)) + sum(repeat(reshape(x, 2, 3), [2, 0, 1], axis=1) ** 2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("inner", "x -> inner(x, x * 2) + sum(inner(reshape(x, 2, 3), reshape(x[::-1], 2, 3)) ** 2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("cholesky", "fn(x) { b = reshape(x, 2, 3)\nm = b @ transpose(b) + eye(2)\nreturn sum(cholesky(m) * [[1.0, 0.0], [2.0, 3.0]]) + sum(cholesky(m, upper=true) ** 2) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("pinv", "x -> sum(pinv(reshape(x, 3, 2)) * [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) + sum(pinv(reshape(x, 2, 3)) ** 2)", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("eigh", "fn(x) { b = reshape(x, 3, 3)\na = b + transpose(b)\nw, v = eigh(a)\nreturn sum(w * [1.0, 2.0, 3.0]) + sum(v[:, 0] ** 2 * [1.0, 2.0, 3.0]) + (v[:, 2] @ [0.3, -0.5, 0.8]) ** 2 }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3, 1.1, 0.4, -0.6]"),
    ("eigh-triangle", "fn(x) { w, v = eigh(reshape(x, 3, 3))\nw2, v2 = eigh(reshape(x, 3, 3), UPLO=\"U\")\nreturn sum(w * [1.0, 2.0, 3.0]) + sum(v[:, 1] ** 2 * [1.0, 2.0, 3.0]) + sum(w2 ** 2) + sum(v2 ** 2 * reshape(x, 3, 3)) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3, 1.1, 0.4, -0.6]"),
    ("svd", "fn(x) { u, s, vh = svd(reshape(x, 3, 2), full_matrices=false)\nu2, s2, vh2 = svd(reshape(x, 2, 3), full_matrices=false)\nreturn sum(s * [1.0, 2.0]) + sum(u ** 2 * [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) + sum(vh ** 2 * [[1.0, 2.0], [3.0, 4.0]]) + (u[:, 0] @ [1.0, 2.0, 3.0]) * (vh[0, :] @ [1.0, -1.0]) + sum(u2 ** 2 * [[1.0, 2.0], [3.0, 4.0]]) + sum(vh2 ** 2 * [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]) + sum(s2 ** 3) + (u2[:, 1] @ [1.0, 2.0]) * (vh2[1, :] @ [1.0, -1.0, 0.5]) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("svd-square", "fn(x) { u, s, vh = svd(reshape(x[:4], 2, 2))\nreturn sum(svd(reshape(x, 3, 2), compute_uv=false) ** 2 * [1.0, 3.0]) + sum(u * vh * [[1.0, 2.0], [3.0, 4.0]]) + sum(s) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("qr", "fn(x) { q, r = qr(reshape(x, 3, 2))\nq2, r2 = qr(reshape(x, 2, 3))\nreturn sum(q * [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]) + sum(r * [[1.0, 2.0], [0.0, 3.0]]) + sum(q2 * [[1.0, 2.0], [3.0, 4.0]]) + sum(r2 * [[1.0, 2.0, 3.0], [0.0, 4.0, 5.0]]) + sum(qr(reshape(x, 3, 2), mode=\"r\") ** 2) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("lstsq", "fn(x) { sol, res, rk, s = lstsq(reshape(x[:6], 3, 2), x[6:])\nsol2, res2, rk2, s2 = lstsq(reshape(x[:6], 3, 2), reshape([1.0, 2.0, 0.5, -1.0, 3.0, 0.2], 3, 2))\nreturn sum(sol * [1.0, 2.0]) + 3 * res[0] + sum(s * [1.0, 0.5]) + sum(sol2 ** 2) + sum(res2 * [1.0, 2.0]) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3, 1.1, 0.4, -0.6]"),
    ("split", "fn(x) { p = split(x, 2)\nq = split(reshape(x, 2, 3), [1, 2], axis=1)\nreturn sum(p[0] * [1.0, 2.0, 3.0]) + sum(p[1] ** 2) + sum(q[2] * q[0]) + sum(split(x, [1, 4])[1] ** 3) }", "[0.5, -0.2, 0.9, 0.1, -0.7, 0.3]"),
    ("stdlib", "x -> cross_entropy(reshape(x, 2, 2), [1, 0]) + sum(softmax(x)) + mse(sigmoid(x), relu(x)) + logsumexp(x)", "[0.1, 0.2, -0.3, 0.4]"),
];

fn check_case(name: &str, f: &str, x: &str) -> Option<String> {
    let f = if f.starts_with("fn(") {
        format!("fn _f{}", &f[2..])
    } else {
        format!("_f = {f}")
    };
    let code = format!("{f}\nerr = check_grad(_f, {x})\nerr");
    let r = common::run(&code);
    if let Some(e) = r.error {
        return Some(format!("{name}: {e}"));
    }
    let err: f64 = r
        .value
        .as_deref()
        .unwrap_or("nan")
        .parse()
        .unwrap_or(f64::NAN);
    if !(err < 1e-6) {
        return Some(format!(
            "{name}: grad differs from finite differences by {err}"
        ));
    }
    None
}

#[test]
fn every_primitive_matches_finite_differences() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|(n, f, x)| check_case(n, f, x))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} gradient checks failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// The builtin table and the gradient rules must not drift apart: every
/// builtin with a rule needs a finite-difference case above.
#[test]
fn every_differentiable_builtin_has_a_check() {
    let mut missing = Vec::new();
    for b in arr::builtins::table() {
        if arr::autodiff::backward::has_rule(b.name) && !CASES.iter().any(|(n, _, _)| *n == b.name)
        {
            missing.push(b.name);
        }
    }
    assert!(
        missing.is_empty(),
        "differentiable builtins without a finite-difference check: {missing:?}"
    );
}

fn value(code: &str) -> String {
    let r = common::run(code);
    if let Some(e) = r.error {
        panic!("{code}\n{e}");
    }
    r.value.unwrap_or_default()
}

#[test]
fn higher_order_and_structures() {
    assert_eq!(value("grad(grad(x -> x ** 3))(2.0)"), "12.0");
    assert_eq!(value("grad(grad(grad(x -> x ** 4)))(1.0)"), "24.0");
    assert_eq!(
        value("grad(x -> sum(grad(y -> sum(y ** 3))(x)))([1.0, 2.0])"),
        "[ 6. 12.]"
    );
    assert_eq!(
        value("hessian(x -> sum(x ** 2) * x[0])([1.0, 2.0])"),
        "[[6. 4.]\n [4. 2.]]"
    );
    assert_eq!(
        value("jacobian(x -> x[::-1] * 3)([1.0, 2.0])"),
        "[[0. 3.]\n [3. 0.]]"
    );
    // tuples and dicts of parameters give the same structure back
    assert_eq!(
        value("grad(p -> sum(p.W * p.b))({\"W\": [1.0, 2.0], \"b\": [3.0, 4.0]})"),
        "{\"W\": [3. 4.], \"b\": [1. 2.]}"
    );
    assert_eq!(value("grad(t -> t[0] * t[1])((2.0, 5.0))"), "(5.0, 2.0)");
    assert_eq!(
        value("grad((a, b) -> a * b ** 2, argnums=(0, 1))(3.0, 2.0)"),
        "(4.0, 12.0)"
    );
    assert_eq!(
        value("grad((a, b) -> a * b ** 2, argnums=1)(3.0, 2.0)"),
        "12.0"
    );
    // an unused parameter gets zeros, never none
    assert_eq!(
        value("grad(p -> sum(p.a ** 2))({\"a\": [1.0], \"b\": [7.0, 8.0]})"),
        "{\"a\": [2.], \"b\": [0. 0.]}"
    );
    assert_eq!(value("grad(x -> 3.0)(1.0)"), "0.0");
}

#[test]
fn grad_follows_control_flow_closures_and_recursion() {
    assert_eq!(
        value(
            "fn f(x) {\n if x > 0 { return x ** 2 }\n return -x\n}\n(grad(f)(3.0), grad(f)(-3.0))"
        ),
        "(6.0, -1.0)"
    );
    assert_eq!(value("fn p(x, n) {\n if n == 0 { return 1.0 }\n return x * p(x, n - 1)\n}\ngrad(x -> p(x, 5))(2.0)"), "80.0");
    assert_eq!(value("k = 3.0\nfn f(x) {\n s = 0.0\n for i in range(4) { s = s + k * x ** i }\n return s\n}\ngrad(f)(2.0)"), "51.0");
    assert_eq!(
        value("fn mk(c) = x -> c * x ** 2\ngrad(mk(5.0))(1.0)"),
        "10.0"
    );
    // nested grad with a closure over the outer variable (no perturbation confusion)
    assert_eq!(value("grad(x -> grad(y -> x * y)(1.0))(2.0)"), "1.0");
    assert_eq!(value("grad(x -> x * grad(y -> x * y)(3.0))(2.0)"), "4.0");
    // integer and boolean results carry no gradient
    assert_eq!(value("grad(x -> sum(x * (x > 0)))([1.0, -2.0])"), "[1. 0.]");
    assert_eq!(
        value("grad(x -> sum(x) * argmax(x))([1.0, 3.0])"),
        "[1. 1.]"
    );
}

#[test]
fn grad_errors_show_shape_dtype_and_definition() {
    let r = common::run("fn f(x) = x * 2\ngrad(f)([1.0, 2.0])");
    let e = r.error.expect("must fail");
    assert!(
        e.contains("must return a single float")
            && e.contains("float64 array of shape (2,)")
            && e.contains("defined here")
            && e.contains("jacobian"),
        "{e}"
    );
    let r = common::run("grad(x -> 1)(2.0)");
    let e = r.error.expect("must fail");
    assert!(
        e.contains("int64") && e.contains("carry no gradient"),
        "{e}"
    );
    let r = common::run("grad(x -> x * 2.0)(2)");
    let e = r.error.expect("must fail");
    assert!(
        e.contains("differentiates float values") && e.contains("int64"),
        "{e}"
    );
    let r = common::run("grad(x -> sum(eig(reshape(x, 2, 2))[0]))([2.0, 1.0, 1.0, 3.0])");
    assert!(r
        .error
        .expect("must fail")
        .contains("cannot be differentiated yet"));
}

/// Each way of building an array from traced values (issue #14's list):
/// the gradient matches finite differences, never zeros.
#[test]
fn arrays_built_from_traced_values_keep_their_gradient() {
    let cases: &[(&str, &str, &str)] = &[
        ("list literal", "x -> sum([x[0] * x[1], sin(x[0])] * [1.5, -2.0])", "[2.0, 3.0]"),
        ("nested list literal", "x -> sum([[x[0], 1.0], [x[1] ** 2, x[0] * x[1]]] @ [1.0, 2.0])", "[2.0, 3.0]"),
        ("list of rows", "x -> sum([x, x ** 2] * [[1.0, 2.0], [3.0, 4.0]])", "[2.0, 3.0]"),
        ("array(list)", "x -> sum(array([x[0] * x[1], x[1]]) ** 2)", "[2.0, 3.0]"),
        ("array(tuple)", "x -> sum(array((x[0], x[1] * x[1])) * [3.0, 1.0])", "[2.0, 3.0]"),
        ("stack(list)", "x -> sum(stack([x, x * 2], axis=1) * [[1.0, 2.0], [3.0, 4.0]])", "[2.0, 3.0]"),
        ("vstack(list)", "x -> sum(vstack([x, x ** 2]) * [[1.0, 2.0], [3.0, 4.0]])", "[2.0, 3.0]"),
        ("hstack(list)", "x -> sum(hstack([x, x ** 2]) * arange(4.0))", "[2.0, 3.0]"),
        ("concatenate(list)", "x -> sum(concatenate([x, x ** 3]) * arange(4.0))", "[2.0, 3.0]"),
        ("vstack(2-d)", "x -> sum(vstack(reshape(x, 2, 2) ** 2) * arange(4.0).reshape(2, 2))", "[2.0, 3.0, -1.0, 0.5]"),
        ("concatenate(2-d)", "x -> sum(concatenate(reshape(x, 2, 2) ** 2) * arange(4.0))", "[2.0, 3.0, -1.0, 0.5]"),
        ("stack(2-d)", "x -> sum(stack(reshape(x, 2, 2), axis=1) * arange(4.0).reshape(2, 2))", "[2.0, 3.0, -1.0, 0.5]"),
        ("float64(x)", "x -> sum(float64(x) ** 2 * [1.0, 3.0])", "[2.0, 3.0]"),
        ("linspace", "x -> sum(linspace(x[0], x[1], 7) ** 2)", "[2.0, 3.0]"),
        ("full", "x -> sum(full(3, x[0] * x[1]) * [1.0, 2.0, 3.0])", "[2.0, 3.0]"),
        ("full_like", "x -> sum(full_like(x, x[0]) * x)", "[2.0, 3.0]"),
        (
            "pendulum RK4 with array([...]) on the right-hand side",
            "fn(p) {\n g = 9.81\n L = 1.0\n fn rhs(s) = array([s[1], -g / L * sin(s[0])])\n s = p\n h = 0.05\n for i in range(10) {\n  k1 = rhs(s)\n  k2 = rhs(s + h / 2 * k1)\n  k3 = rhs(s + h / 2 * k2)\n  k4 = rhs(s + h * k3)\n  s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)\n }\n return s[0]\n}",
            "[0.5, 0.1]",
        ),
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(n, f, x)| check_case(n, f, x))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // And the values themselves, against hand-derived gradients.
    assert_eq!(
        value("jacobian(x -> [x[0] * x[1], sin(x[0])])([2.0, 3.0])"),
        value("[[3.0, 2.0], [cos(2.0), 0.0]]")
    );
    assert_eq!(
        value("grad(x -> sum(stack([x, x * 2])))([2.0, 3.0])"),
        "[3. 3.]"
    );
    // Through float32 and back (finite differences in float32 are too coarse).
    assert_eq!(
        value("grad(x -> sum(float64(float32(x)) * [1.0, 3.0]))([2.0, 3.0])"),
        "[1. 3.]"
    );
}

/// prod at zeros is the product of the others (as JAX), not nan; with
/// repeated indices in an assignment only the last write gets a gradient.
#[test]
fn prod_at_zeros_and_repeated_index_writes() {
    assert_eq!(value("grad(prod)([2.0, 0.0, 3.0])"), "[0. 6. 0.]");
    assert_eq!(value("grad(prod)([0.0, 0.0, 3.0])"), "[0. 0. 0.]");
    assert_eq!(value("grad(prod)([2.0, 4.0, 3.0])"), "[12.  6.  8.]");
    assert_eq!(
        value("grad(x -> sum(prod(reshape(x, 2, 3), axis=1) * [1.0, 2.0]))([2.0, 0.0, 3.0, 1.0, 2.0, 0.0])"),
        "[0. 6. 0. 0. 0. 4.]"
    );
    assert_eq!(
        value("fn f(x) {\n y = zeros(3)\n y[[0, 0, 2]] = x[:3]\n return sum(y * [1.0, 2.0, 3.0])\n}\ngrad(f)([1.0, 2.0, 3.0, 4.0])"),
        "[0. 1. 3. 0.]"
    );
    for (n, f, x) in [
        ("prod with a zero", "x -> prod(x) + sum(prod(reshape(x, 2, 2), axis=0) ** 2)", "[0.0, 2.0, 3.0, -1.5]"),
        ("repeated writes", "fn(x) { y = x * 1.0\ny[[1, 1, 0]] = x[1:] ** 2\nreturn sum(y * [1.0, 2.0, 3.0, 4.0]) }", "[0.5, 1.5, -2.0, 3.0]"),
    ] {
        if let Some(e) = check_case(n, f, x) {
            panic!("{e}");
        }
    }
}

/// stop_gradient: the value passes, its gradient does not.
#[test]
fn stop_gradient_blocks_only_the_gradient() {
    assert_eq!(value("grad(x -> x * stop_gradient(x))(3.0)"), "3.0");
    assert_eq!(
        value("grad(x -> sum(x ** 2 - stop_gradient(x ** 2)))([1.0, 2.0])"),
        "[2. 4.]"
    );
    assert_eq!(
        value("(x -> sum(x ** 2 - stop_gradient(x ** 2)))([1.0, 2.0])"),
        "0.0"
    );
    assert_eq!(
        value("grad(p -> p[\"w\"] * stop_gradient(p)[\"w\"])({\"w\": 2.0})"),
        "{\"w\": 2.0}"
    );
}

/// Where no rule can follow a value, grad refuses: an error, never zeros.
#[test]
fn grad_refuses_instead_of_returning_zeros() {
    for (code, want) in [
        (
            "grad(x -> sum(unique(x)))([1.0, 2.0, 2.0])",
            "unique() cannot be differentiated yet",
        ),
        (
            "grad(x -> sum(eig(reshape(x, 2, 2))[0]))([2.0, 1.0, 1.0, 3.0])",
            "eig() cannot be differentiated yet",
        ),
        (
            "grad(x -> sum(svd(reshape(x, 3, 2))[0]))([1.0, 2.0, 3.0, 4.0, 5.0, 7.0])",
            "full_matrices=false",
        ),
        (
            "grad(x -> sum(qr(reshape(x, 3, 2), mode=\"complete\")[0]))([1.0, 2.0, 3.0, 4.0, 5.0, 7.0])",
            "mode=\"complete\"",
        ),
        (
            "grad(x -> sum(eigh(reshape(x, 2, 2, 2))[0]))(arange(8.0) * [1.0, 0.5, 0.5, 2.0, 3.0, 1.0, 1.0, 1.0])",
            "not a stack",
        ),
        (
            "grad(x -> sum(array(((x[0], x[1]), (x[1], x[0])))))([1.0, 2.0])",
            "inside nested tuples",
        ),
    ] {
        let r = common::run(code);
        let e = r
            .error
            .unwrap_or_else(|| panic!("{code}: no error, got {:?}", r.value));
        assert!(e.contains(want), "{code}: {e}");
    }
}

/// Builtins with several results follow each of them: every float result
/// is traced (its own tape node), integer ones (lstsq's rank) are not, and
/// higher derivatives and jacobians go through them.
#[test]
fn multi_result_builtins_follow_each_result() {
    // Only the first block of split gets a gradient.
    assert_eq!(
        value("grad(x -> sum(split(x, 2)[0] * [2.0, 3.0]))([1.0, 2.0, 3.0, 4.0])"),
        "[2. 3. 0. 0.]"
    );
    // d/dA sum(svd(A)^2) = 2A and its Hessian is 2I (through the svd rule twice).
    assert_eq!(
        value("h = hessian(x -> sum(svd(reshape(x, 2, 2), compute_uv=false) ** 2))([1.0, 2.0, 3.0, 4.5])\nallclose(h, 2 * eye(4))"),
        "true"
    );
    // d/dA sum(eigh(A)[0]) = trace derivative: the identity on the triangle read.
    assert_eq!(
        value("g = grad(x -> sum(eigh(reshape(x, 2, 2))[0]))([2.0, 0.5, 0.5, 3.0])\nallclose(g, [1.0, 0.0, 0.0, 1.0])"),
        "true"
    );
    // lstsq's rank is a plain integer inside the traced tuple.
    assert_eq!(
        value("fn f(x) {\n sol, res, rk, s = lstsq(reshape(x, 3, 2), [1.0, 2.0, 4.0])\n assert(rk == 2)\n return sum(sol)\n}\nshape(grad(f)([1.0, 0.0, 1.0, 1.0, 1.0, 2.0]))"),
        "(6,)"
    );
    // jacobian of the eigenvalues of a symmetric 2x2 [[a, b], [b, c]].
    assert_eq!(
        value("j = jacobian(p -> eigh([[p[0], p[1]], [p[1], p[2]]])[0])([1.0, 0.0, 2.0])\nallclose(j, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])"),
        "true"
    );
}

/// Every builtin grad refuses is listed, with its reason, in
/// docs/autodiff.md ("What grad cannot differentiate").
#[test]
fn every_refused_builtin_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/autodiff.md"))
        .expect("docs/autodiff.md");
    let section = doc
        .split("## What grad cannot differentiate")
        .nth(1)
        .expect("the section");
    let mut missing = Vec::new();
    for b in arr::builtins::table() {
        let Some(p) = arr::prim::Prim::from_name(b.name) else {
            continue;
        };
        if let arr::ops::props::Derivative::Not(_) = arr::ops::props::derivative(p) {
            if !section.contains(&format!("`{}`", b.name)) {
                missing.push(b.name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "refused builtins not in docs/autodiff.md: {missing:?}"
    );
}
