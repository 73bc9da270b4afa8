//! The GPU runtime: the same test bodies run on the CPU and inside
//! `@device(gpu)`, compared to float32 precision, for every kernel: odd
//! sizes, broadcasting, strided views, empty arrays and arrays larger than
//! 65,535 workgroups. Without an adapter these print "skipped: no GPU
//! adapter"; with ARR_REQUIRE_GPU_TESTS=1 they fail instead.

mod common;
use common::have_gpu;

use arr::output::Capture;
use arr::value::Value;
use arr::Interp;

const SETUP: &str = "seed(7)
a = randn(37, 65)
b = randn(65)
c = randn(1, 65)
m = randn(37, 1)
w = randn(65, 5)
e = zeros(0, 5)
";

struct Out {
    shape: Vec<usize>,
    vals: Vec<f64>,
    dtype: String,
    device: String,
    err: String,
}

/// Run `setup`, then `r = body` on the CPU or in a GPU block; return r.
fn eval(setup: &str, body: &str, gpu: bool) -> Out {
    let code = if gpu {
        format!("{setup}\n@device(gpu) {{\n  r = {body}\n}}\nr")
    } else {
        format!("{setup}\nr = {body}\nr")
    };
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    let v = match it.run_source("<test>", &code) {
        Ok(Some(v)) => v,
        Ok(None) => panic!("{body}: no value"),
        Err(e) => panic!("{body} (gpu={gpu}): {}", it.render(&e, false)),
    };
    let device = match &v {
        Value::Gpu(_) => "gpu",
        _ => "cpu",
    }
    .to_string();
    let v = arr::value::to_cpu(&v)
        .unwrap_or_else(|e| panic!("{body} (gpu={gpu}): reading back: {}", it.render(&e, false)));
    let a = arr::eval::value_to_array(&v).unwrap_or_else(|| panic!("{body}: not an array"));
    let err = cap.err.borrow().clone();
    Out {
        shape: a.shape().to_vec(),
        vals: a.to_f64_vec(),
        dtype: a.dtype().to_string(),
        device,
        err,
    }
}

fn close(x: f64, y: f64, rtol: f64) -> bool {
    if x.is_nan() || y.is_nan() {
        return x.is_nan() && y.is_nan();
    }
    if x.is_infinite() || y.is_infinite() {
        return x == y;
    }
    (x - y).abs() <= rtol * (1.0 + x.abs().max(y.abs()))
}

/// CPU and GPU agree on `body`; the GPU result lives on the GPU unless
/// `on_gpu` is false (int64 results such as argmax come back to the CPU).
fn check(setup: &str, body: &str, rtol: f64, on_gpu: bool) -> Out {
    let cpu = eval(setup, body, false);
    let gpu = eval(setup, body, true);
    assert_eq!(cpu.shape, gpu.shape, "{body}: shapes differ");
    let bad: Vec<(usize, f64, f64)> = cpu
        .vals
        .iter()
        .zip(gpu.vals.iter())
        .enumerate()
        .filter(|(_, (x, y))| !close(**x, **y, rtol))
        .map(|(i, (x, y))| (i, *x, *y))
        .take(5)
        .collect();
    assert!(
        bad.is_empty(),
        "{body}: CPU and GPU differ at (index, cpu, gpu) {bad:?}"
    );
    if on_gpu {
        assert_eq!(gpu.device, "gpu", "{body}: result not on the GPU");
        assert!(
            !gpu.err.contains("no GPU kernel"),
            "{body}: ran on the CPU: {}",
            gpu.err
        );
    }
    gpu
}

#[test]
fn elementwise_binary_broadcast_and_odd_sizes() {
    if !have_gpu() {
        return;
    }
    for body in [
        "a + b",
        "a * c - m",
        "a / (m + 3.0)",
        "2.0 - a",
        "a ** 2",
        "abs(a) ** 0.5",
        "a ** 3.0",
        "(a * 3) ** -1.0",
        "a // 0.3",
        "a % 0.7",
        "-a % 0.7",
        "maximum(a, b)",
        "minimum(a, 0.1)",
        "arctan2(a, m)",
        "a * true",
    ] {
        let g = check(SETUP, body, 1e-5, true);
        assert_eq!(g.dtype, "float32", "{body}");
    }
}

#[test]
fn elementwise_unary() {
    if !have_gpu() {
        return;
    }
    for body in [
        "-a",
        "exp(a)",
        "log(abs(a) + 0.1)",
        "log2(abs(a) + 0.1)",
        "log10(abs(a) + 0.1)",
        "log1p(abs(a) * 1e-6)",
        "expm1(a * 1e-6)",
        "sqrt(abs(a))",
        "sin(a)",
        "cos(a)",
        "tan(a * 0.3)",
        "arcsin(a * 0.1)",
        "arccos(a * 0.1)",
        "arctan(a)",
        "sinh(a)",
        "cosh(a)",
        "tanh(a * 10)",
        "floor(a * 3)",
        "ceil(a * 3)",
        "trunc(a * 3)",
        "sign(a)",
        "sqrt(a)",
        "log(a)",
    ] {
        check(SETUP, body, 1e-5, true);
    }
}

#[test]
fn comparisons_where_and_bools() {
    if !have_gpu() {
        return;
    }
    for body in [
        "a > b",
        "a <= m",
        "a == a",
        "a != c",
        "(a > 0) & (b < 0)",
        "(a > 0) | (m > 0)",
        "~(a > 0)",
        "isnan(log(a))",
        "isfinite(1.0 / (a > 0))",
    ] {
        let g = check(SETUP, body, 0.0, true);
        assert_eq!(g.dtype, "bool", "{body}");
    }
    for body in [
        "where(a > 0, a, b * 2)",
        "where(a > m, 1.0, 0.0)",
        "clip(a, -0.5, 0.5)",
        "(a > 0) * a",
    ] {
        check(SETUP, body, 1e-6, true);
    }
}

#[test]
fn strided_views_and_copies() {
    if !have_gpu() {
        return;
    }
    for body in [
        "a.T + 1",
        "a[::2, 1:] * 2",
        "a[::-1, ::3] - 1",
        "a.T[:, ::2][:, :18] * a.T[:, 1::2]",
        "a[3] + a[:, 5][:, none]",
        "transpose(a) * 1",
        "reshape(a.T, 65 * 37)",
        "reshape(a[:, ::2], 37, 33)",
        "flatten(a[:, ::2])",
        "concatenate((a, a * 2), 0)",
        "concatenate((a, m), 1)",
        "concatenate((a[:, :3], a[:, 60:]), axis=1)",
        "a[1:4, ...]",
        "copy(a.T)",
    ] {
        check(SETUP, body, 1e-6, true);
    }
}

#[test]
fn slices_with_extreme_bounds_and_steps_clip_as_on_the_cpu() {
    // The GPU view uses the CPU's clipping (in i128): steps and bounds near
    // the int64 limits neither overflow nor differ from the CPU.
    if !have_gpu() {
        return;
    }
    for body in [
        "a[::9223372036854775807, 1:] + 0",
        "a[::-9223372036854775807] + 0",
        "a[-9223372036854775807:9223372036854775807:4611686018427387904] + 0",
        "a[9223372036854775807::-2, :3] + 0",
        "a[:, -9223372036854775807::-1] + 0",
    ] {
        check(SETUP, body, 1e-6, true);
    }
}

#[test]
fn reductions_over_any_axes() {
    if !have_gpu() {
        return;
    }
    for body in [
        "sum(a)",
        "sum(a, 0)",
        "sum(a, axis=1)",
        "mean(a, 1, keepdims=true)",
        "mean(a)",
        "max(a, 0)",
        "min(a)",
        "min(a.T, 1)",
        "prod(a[:3, :5] + 1, 1)",
        "sum(a.T, 0)",
        "sum(reshape(a[:36], 4, 9, 65), (0, 2))",
        "sum(reshape(a[:36], 4, 9, 65), (0, 2), keepdims=true)",
        "any(a > 2, 0)",
        "all(a > -3)",
        "sum(a > 0, 1)",
    ] {
        check(SETUP, body, 1e-5, true);
    }
    for body in ["argmax(a, 1)", "argmin(a, 0)", "argmax(a)", "argmin(a.T)"] {
        let g = check(SETUP, body, 0.0, false);
        assert_eq!(g.dtype, "int64", "{body}");
    }
}

#[test]
fn matmul_tiled_and_batched() {
    if !have_gpu() {
        return;
    }
    for body in [
        "a @ a.T",
        "a.T @ a",
        "a @ b",
        "b @ a.T",
        "a @ w",
        "matmul(a, w)",
        "reshape(a[:36], 4, 9, 65) @ w",
        "reshape(a[:36], 4, 9, 65) @ transpose(reshape(a[:36], 4, 9, 65), (0, 2, 1))",
        "a[::2] @ w[:, 1:]",
    ] {
        check(SETUP, body, 1e-4, true);
    }
}

#[test]
fn empty_arrays() {
    if !have_gpu() {
        return;
    }
    for body in [
        "e + 1",
        "sum(e, 0)",
        "e @ zeros(5, 3)",
        "sum(e)",
        "exp(e) * e",
        "e > 0",
    ] {
        check(SETUP, body, 1e-6, true);
    }
}

#[test]
fn large_arrays_beyond_one_dispatch_dimension() {
    if !have_gpu() {
        return;
    }
    // 256 * 65,535 = 16,776,960 elements fill one dispatch row; go past it.
    let setup = "seed(3)\nbig = astype(uniform(-1, 1, 16777216 + 1001), float32)\n";
    check(setup, "big * 2 + 1", 1e-6, true);
    check(setup, "exp(big * 0.5) - big", 1e-5, true);
    check(setup, "max(big)", 0.0, true);
    check(setup, "sum(big > 0.5)", 1e-6, true);
    check(setup, "mean(big)", 1e-3, true);
}

#[test]
fn fused_chain_is_one_kernel() {
    if !have_gpu() {
        return;
    }
    check(
        SETUP,
        "exp(a) * 2.0 + sin(b) / (m + 3.0) - a * a",
        1e-5,
        true,
    );
    // Count kernel launches for the same chain, fused vs one op at a time.
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    let prep = "x = to(randn(1000), \"gpu\")\ny = to(randn(1000), \"gpu\")\n";
    it.run_source("<t>", prep)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let d0 = arr::gpu::dispatches();
    it.run_source("<t>", "z = exp(x) * 2.0 + sin(y) / (x * x + 3.0)")
        .unwrap_or_else(|e| panic!("{e:?}"));
    let fused = arr::gpu::dispatches() - d0;
    let d1 = arr::gpu::dispatches();
    it.run_source(
        "<t>",
        "t1 = exp(x)\nt2 = t1 * 2.0\nt3 = sin(y)\nt4 = x * x\nt5 = t4 + 3.0\nt6 = t3 / t5\nz2 = t2 + t6",
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let unfused = arr::gpu::dispatches() - d1;
    assert_eq!(fused, 1, "the chain should be one kernel");
    assert_eq!(unfused, 7);
    let v = it
        .run_source("<t>", "max(abs(z - z2))")
        .unwrap_or_else(|e| panic!("{e:?}"));
    let d = arr::eval::value_to_array(&v.unwrap()).unwrap().to_f64_vec()[0];
    assert!(d < 1e-5, "fused and unfused differ by {d}");
}

#[test]
fn values_stay_on_the_device_and_report_it() {
    if !have_gpu() {
        return;
    }
    let code = "x = [1.0, 2.0, 3.0]
@device(gpu) {
  y = x * 2
  z = y + 1
}
print(y.device, z.device, x.device, device(z), z.dtype)
print(z)
w = z * 10
print(w.device)
c = to(w, \"cpu\")
print(c.device, c)
g = to(astype([1, 2], float64), \"gpu\")
print(g.dtype, g.device, g.shape)
k = to([1, 2], \"gpu\")
print(k.device, k.dtype)
if sum(z) > 5 { print(\"big\") }
";
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    it.run_source("<t>", code)
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    let out = cap.out.borrow().clone();
    assert_eq!(
        out,
        "gpu gpu cpu gpu float32\n[3. 5. 7.]\ngpu\ncpu [30. 50. 70.]\nfloat32 gpu (2,)\ncpu int64\nbig\n"
    );
}

#[test]
fn cpu_fallback_says_so_once_per_operation() {
    if !have_gpu() {
        return;
    }
    let code = "x = to([3.0, 1.0, 2.0], \"gpu\")
s = sort(x)
s2 = sort(x * 2)
print(s, s2, s.device)
";
    let cap = Capture::default();
    let mut it = Interp::new(Box::new(cap.clone()));
    it.run_source("<t>", code)
        .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
    assert_eq!(cap.out.borrow().as_str(), "[1. 2. 3.] [2. 4. 6.] cpu\n");
    let err = cap.err.borrow().clone();
    assert_eq!(err.matches("sort() has no GPU kernel").count(), 1, "{err}");
}

/// grad inside a GPU block: the backward pass runs there (gradients come
/// out on the GPU) and matches the CPU to float32 precision.
#[test]
fn grad_inside_gpu_blocks() {
    if !have_gpu() {
        return;
    }
    let setup = "seed(1)\nx = randn(4, 3)\nW = randn(3, 5)\nv = randn(5)\n";
    for f in [
        "x -> sum(exp(x) * 2 + sin(x) / (x * x + 3.0))",
        "x -> sum(tanh(x @ W) @ v)",
        "x -> mean((maximum(x @ W, 0.0) - 1.0) ** 2)",
        "x -> sum(where(x > 0, x, 0.1 * x) * x.T.T)",
        "x -> sum(max(x, 0) * 3) + sum(x[1:, ::2] ** 2)",
        "x -> sum(log(abs(x) + 1) * reshape(x, 12)[:4][none, :3])",
    ] {
        check(setup, &format!("grad({f})(x)"), 1e-4, true);
    }
}

/// Charts of GPU arrays read the values back: the terminal chart, the
/// histogram counts and the PNG match the same chart of the CPU arrays.
#[test]
fn plots_of_gpu_arrays_read_back() {
    if !have_gpu() {
        return;
    }
    let dir = common::Scratch::new("gpu-plot");
    let run = |gpu: bool| -> (String, Vec<u8>) {
        let png = dir.join(if gpu { "gpu.png" } else { "cpu.png" });
        let make = "x = linspace(0, 1, 20)\n  y = x * x";
        let setup = if gpu {
            format!("@device(gpu) {{\n  {make}\n}}\nassert(y.device == \"gpu\")\n")
        } else {
            format!("{make}\n")
        };
        let code = format!(
            "{setup}plot(x, y, label=\"y\")\ntitle(\"squares\")\nsavefig(\"{}\")\nshow()\nc, e = hist(y, bins=4)\nprint(c)\nshow()\n",
            png.display()
        );
        let cap = Capture::default();
        let mut it = Interp::new(Box::new(cap.clone()));
        it.run_source("<t>", &code)
            .unwrap_or_else(|e| panic!("{}", it.render(&e, false)));
        let out = cap.out.borrow().clone();
        (out, std::fs::read(&png).unwrap())
    };
    let (cpu_out, cpu_png) = run(false);
    let (gpu_out, gpu_png) = run(true);
    // The same counts (numpy.histogram of x**2 at 20 points: 10 4 3 3), the
    // same chart layout (float32 values may move a dot, not a line), and a
    // real PNG.
    for out in [&cpu_out, &gpu_out] {
        assert!(out.contains("[10  4  3  3]"), "{out}");
        assert!(out.contains("squares"), "{out}");
        assert!(
            out.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
            "{out}"
        );
    }
    assert_eq!(cpu_out.lines().count(), gpu_out.lines().count());
    for png in [&cpu_png, &gpu_png] {
        assert!(png.starts_with(b"\x89PNG") && png.len() > 1000);
    }
}
