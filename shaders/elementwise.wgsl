// Elementwise kernel template. src/gpu/kernels.rs fills in the marked lines
// with the input bindings and the expression (one op, or a fused chain), so
// a whole chain of elementwise operations is one kernel with no temporaries.
//
// md (metadata, u32 words):
//   0 n, 1 ndim, 2 output offset, 3 unused,
//   4..12 shape, 12..20 output strides (i32 bits),
//   then per input k at 20 + 9k: offset, strides[8] (0 = broadcast),
//   then the constants (f32 bits) at CB.
// One thread per output element; 2-D dispatch past 65,535 workgroups.

@group(0) @binding(0) var<storage, read> md: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
//{{BINDINGS}}

fn nan() -> f32 { return bitcast<f32>(0x7fc00000u); }
fn inf() -> f32 { return bitcast<f32>(0x7f800000u); }
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn cst(j: u32) -> f32 { return bitcast<f32>(md[CB + j]); }
fn b2f(b: bool) -> f32 { return select(0.0, 1.0, b); }

fn ar_sqrt(x: f32) -> f32 { return select(sqrt(x), nan(), x < 0.0); }
fn ar_log(x: f32) -> f32 {
    if (x < 0.0 || isnan_(x)) { return nan(); }
    if (x == 0.0) { return -inf(); }
    if (isinf_(x)) { return x; }
    return log(x);
}
fn ar_log1p(x: f32) -> f32 {
    let u = 1.0 + x;
    if (u == 1.0) { return x; }
    if (u <= 0.0 || isinf_(u)) { return ar_log(u); }
    return log(u) * x / (u - 1.0);
}
fn ar_expm1(x: f32) -> f32 {
    if (x > 88.7) { return inf(); }
    let u = exp(x);
    if (u == 1.0) { return x; }
    let um1 = u - 1.0;
    if (um1 == -1.0) { return -1.0; }
    return um1 * x / log(u);
}
fn ar_exp(x: f32) -> f32 {
    if (x > 88.72284) { return inf(); }
    if (isnan_(x)) { return x; }
    return exp(x);
}
fn ar_tanh(x: f32) -> f32 { return tanh(clamp(x, -20.0, 20.0)); }
fn ar_sinh(x: f32) -> f32 {
    if (abs(x) < 1e-4) { return x; }
    return sinh(x);
}
fn ar_sign(x: f32) -> f32 { return select(sign(x), x, isnan_(x)); }
fn ar_mod(a: f32, b: f32) -> f32 {
    if (b == 0.0) { return nan(); }
    var r = a - b * floor(a / b);
    // Python/NumPy: the result takes the divisor's sign and |r| < |b|.
    if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { r = r + b; }
    if (abs(r) >= abs(b)) { r = 0.0; }
    return r;
}
fn ar_floordiv(a: f32, b: f32) -> f32 {
    if (b == 0.0) { return a / b; }
    return floor(a / b);
}
fn ar_pow(x: f32, y: f32) -> f32 {
    if (y == 0.0) { return 1.0; }
    if (isnan_(x) || isnan_(y)) { return nan(); }
    if (x == 0.0) { return select(select(0.0, inf(), y < 0.0), 0.0, y > 0.0); }
    if (x < 0.0) {
        if (floor(y) != y) { return nan(); }
        let r = pow(-x, y);
        let odd = abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
        return select(r, -r, odd);
    }
    if (y == 1.0) { return x; }
    if (y == 2.0) { return x * x; }
    return pow(x, y);
}
fn ar_max(a: f32, b: f32) -> f32 {
    if (isnan_(a) || isnan_(b)) { return nan(); }
    return max(a, b);
}
fn ar_min(a: f32, b: f32) -> f32 {
    if (isnan_(a) || isnan_(b)) { return nan(); }
    return min(a, b);
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
    let i = gid.x + gid.y * nwg.x * 256u;
    if (i >= md[0]) { return; }
    let nd = i32(md[1]);
    var rem = i;
    var o = i32(md[2]);
//{{OFFSETS}}
    for (var d = nd - 1; d >= 0; d = d - 1) {
        let s = md[4 + d];
        let c = i32(rem % s);
        rem = rem / s;
        o = o + c * bitcast<i32>(md[12 + d]);
//{{STRIDES}}
    }
//{{BODY}}
}
