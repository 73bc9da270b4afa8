// Reduction over any set of axes: one workgroup per output element; its 256
// threads stride over the reduced elements, then combine in workgroup memory.
// The input is a strided view (kept axes and reduced axes listed apart).
//
// md: 0 R (reduced count), 1 outputs, 2 kept ndim, 3 reduced ndim,
//     4 input offset, 5 op, 6 input is bool, 7 parts P (>= 1): P workgroups
//     share one output's reduced range and write P partial results,
//     8.. kept shape[8], kept strides[8], reduced shape[8], reduced strides[8].
// ops: 0 sum, 1 mean, 2 prod, 3 max, 4 min, 5 argmax, 6 argmin, 7 any, 8 all.

@group(0) @binding(0) var<storage, read> md: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<u32>;

var<workgroup> sv: array<f32, 256>;
var<workgroup> si: array<u32, 256>;

fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn inf() -> f32 { return bitcast<f32>(0x7f800000u); }

fn identity(op: u32) -> f32 {
    switch op {
        case 2u, 8u: { return 1.0; }
        case 3u, 5u: { return -inf(); }
        case 4u, 6u: { return inf(); }
        default: { return 0.0; }
    }
}

// Does (b, bi) replace (a, ai)? For max/min: NaN wins (first NaN), then the
// larger/smaller value, ties to the smaller index (NumPy's first occurrence).
fn better(op: u32, a: f32, ai: u32, b: f32, bi: u32) -> bool {
    let an = isnan_(a);
    let bn = isnan_(b);
    if (an || bn) {
        if (an && bn) { return bi < ai; }
        return bn;
    }
    if (op == 3u || op == 5u) {
        return b > a || (b == a && bi < ai);
    }
    return b < a || (b == a && bi < ai);
}

fn combine(op: u32, a: f32, b: f32) -> f32 {
    switch op {
        case 0u, 1u: { return a + b; }
        case 2u: { return a * b; }
        case 7u: { return select(0.0, 1.0, a != 0.0 || b != 0.0); }
        case 8u: { return select(0.0, 1.0, a != 0.0 && b != 0.0); }
        default: { return a; }
    }
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>) {
    let parts = max(md[7], 1u);
    let wg = wid.x + wid.y * nwg.x;
    let o = wg / parts;
    let part = wg % parts;
    let r_n = md[0];
    let chunk = (r_n + parts - 1u) / parts;
    let r0 = part * chunk;
    let r1 = min(r_n, r0 + chunk);
    let op = md[5];
    let is_bool = md[6] != 0u;
    let live = o < md[1];
    // Offset of this output element's first input.
    var base = i32(md[4]);
    var rem = o;
    for (var d = i32(md[2]) - 1; d >= 0; d = d - 1) {
        let s = md[8 + d];
        base = base + i32(rem % s) * bitcast<i32>(md[16 + d]);
        rem = rem / s;
    }
    var acc = identity(op);
    var ai = 0xffffffffu;
    let arg = op == 3u || op == 4u || op == 5u || op == 6u;
    if (live) {
        for (var r = r0 + lid.x; r < r1; r = r + 256u) {
            var off = base;
            var q = r;
            for (var d = i32(md[3]) - 1; d >= 0; d = d - 1) {
                let s = md[24 + d];
                off = off + i32(q % s) * bitcast<i32>(md[32 + d]);
                q = q / s;
            }
            let w = src[off];
            let v = select(bitcast<f32>(w), select(0.0, 1.0, w != 0u), is_bool);
            if (arg) {
                if (better(op, acc, ai, v, r)) { acc = v; ai = r; }
            } else {
                acc = combine(op, acc, v);
            }
        }
    }
    sv[lid.x] = acc;
    si[lid.x] = ai;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s >> 1u) {
        if (lid.x < s) {
            let b = sv[lid.x + s];
            let bi = si[lid.x + s];
            if (arg) {
                if (better(op, sv[lid.x], si[lid.x], b, bi)) {
                    sv[lid.x] = b;
                    si[lid.x] = bi;
                }
            } else {
                sv[lid.x] = combine(op, sv[lid.x], b);
            }
        }
        workgroupBarrier();
    }
    if (lid.x == 0u && live) {
        let v = sv[0];
        let at = o * parts + part;
        switch op {
            case 1u: { dst[at] = bitcast<u32>(v / f32(r_n)); }
            case 5u, 6u: { dst[at] = si[0]; }
            case 7u, 8u: { dst[at] = select(0u, 1u, v != 0.0); }
            default: { dst[at] = bitcast<u32>(v); }
        }
    }
}
