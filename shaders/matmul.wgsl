// Batched matmul C[b] = A[b] @ B[b], tiled through workgroup memory:
// each 16x16 workgroup loads 16x16 tiles of A and B, then every thread
// accumulates one output element. A and B are strided views (transposes
// need no copy); batch axes broadcast through zero strides.
//
// md: 0 M, 1 N, 2 K, 3 batch ndim, 4 A offset, 5 B offset,
//     6 A row stride, 7 A col stride, 8 B row stride, 9 B col stride,
//     12.. batch shape[6], A batch strides[6], B batch strides[6].

@group(0) @binding(0) var<storage, read> md: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

const T: u32 = 16u;
var<workgroup> ta: array<array<f32, 16>, 16>;
var<workgroup> tb: array<array<f32, 16>, 16>;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let m = md[0];
    let n = md[1];
    let k = md[2];
    let row = wid.y * T + lid.y;
    let col = wid.x * T + lid.x;
    // Batch offsets.
    var oa = i32(md[4]);
    var ob = i32(md[5]);
    var rem = wid.z;
    for (var d = i32(md[3]) - 1; d >= 0; d = d - 1) {
        let s = md[12 + d];
        let c = i32(rem % s);
        rem = rem / s;
        oa = oa + c * bitcast<i32>(md[18 + d]);
        ob = ob + c * bitcast<i32>(md[24 + d]);
    }
    let ars = bitcast<i32>(md[6]);
    let acs = bitcast<i32>(md[7]);
    let brs = bitcast<i32>(md[8]);
    let bcs = bitcast<i32>(md[9]);
    var acc = 0.0;
    let tiles = (k + T - 1u) / T;
    for (var t = 0u; t < tiles; t = t + 1u) {
        let ka = t * T + lid.x;
        if (row < m && ka < k) {
            ta[lid.y][lid.x] = a[oa + i32(row) * ars + i32(ka) * acs];
        } else {
            ta[lid.y][lid.x] = 0.0;
        }
        let kb = t * T + lid.y;
        if (col < n && kb < k) {
            tb[lid.y][lid.x] = b[ob + i32(kb) * brs + i32(col) * bcs];
        } else {
            tb[lid.y][lid.x] = 0.0;
        }
        workgroupBarrier();
        for (var i = 0u; i < T; i = i + 1u) {
            acc = acc + ta[lid.y][i] * tb[i][lid.x];
        }
        workgroupBarrier();
    }
    if (row < m && col < n) {
        dst[wid.z * m * n + row * n + col] = acc;
    }
}
