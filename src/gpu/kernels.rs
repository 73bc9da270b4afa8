//! Kernel launches: generated elementwise programs (single ops and fused
//! chains), reductions, matmul and the copy kernels. Shapes/strides travel
//! in a small metadata buffer, so one compiled pipeline serves every shape.

use super::array::{GpuArray, Kind};
use super::{groups_1d, Gpu, MAX_GROUPS};
use crate::array::elementwise::{BinaryOp, UnaryOp};
use crate::diagnostics::{Error, ErrorKind, Result};

/// Most dimensions a kernel's metadata describes.
pub const MAXD: usize = 8;

const ELEMENTWISE: &str = include_str!("../../shaders/elementwise.wgsl");
const REDUCE: &str = include_str!("../../shaders/reduce.wgsl");
const MATMUL: &str = include_str!("../../shaders/matmul.wgsl");

/// One step of a postfix elementwise program.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum G {
    /// Push input view `k`.
    Input(usize),
    /// Push constant `k` (float32, or bool when the flag is set).
    Const(usize, bool),
    Unary(UnaryOp),
    Binary(BinaryOp),
    /// Pop b, a, cond; push `cond ? a : b`.
    Where,
}

#[derive(Clone, Copy, PartialEq)]
enum T {
    F,
    B,
}

fn as_f(e: &str, t: T) -> String {
    match t {
        T::F => e.to_string(),
        T::B => format!("b2f({e})"),
    }
}

/// WGSL for one program, or `None` when an op or dtype has no GPU form.
fn codegen(prog: &[G], kinds: &[Kind], n_bind: usize, bind_of: &[usize]) -> Option<(String, T)> {
    let mut stack: Vec<(String, T)> = Vec::new();
    let mut body = String::new();
    let mut tmp = 0usize;
    let mut push = |body: &mut String, stack: &mut Vec<(String, T)>, e: String, t: T| {
        let ty = if t == T::F { "f32" } else { "bool" };
        body.push_str(&format!("    let t{tmp}: {ty} = {e};\n"));
        stack.push((format!("t{tmp}"), t));
        tmp += 1;
    };
    for s in prog {
        match *s {
            G::Input(k) => {
                let b = bind_of.get(k)?;
                let (e, t) = match kinds.get(k)? {
                    Kind::F32 => (format!("bitcast<f32>(x{b}[p{k}])"), T::F),
                    Kind::Bool => (format!("(x{b}[p{k}] != 0u)"), T::B),
                };
                push(&mut body, &mut stack, e, t);
            }
            G::Const(j, is_bool) => {
                if is_bool {
                    push(&mut body, &mut stack, format!("(cst({j}u) != 0.0)"), T::B)
                } else {
                    push(&mut body, &mut stack, format!("cst({j}u)"), T::F)
                }
            }
            G::Unary(op) => {
                let (x, t) = stack.pop()?;
                use UnaryOp::*;
                let (e, rt) = match (op, t) {
                    (Invert, T::B) => (format!("!{x}"), T::B),
                    (IsNan, T::B) | (IsInf, T::B) => ("false".to_string(), T::B),
                    (IsFinite, T::B) => ("true".to_string(), T::B),
                    (_, T::B) => return None,
                    (Neg, _) => (format!("-{x}"), T::F),
                    (Pos, _) => (x, T::F),
                    (Invert, _) => return None,
                    (Abs, _) => (format!("abs({x})"), T::F),
                    (Sqrt, _) => (format!("ar_sqrt({x})"), T::F),
                    (Exp, _) => (format!("ar_exp({x})"), T::F),
                    (Log, _) => (format!("ar_log({x})"), T::F),
                    (Log2, _) => (format!("(ar_log({x}) * 1.4426950408889634)"), T::F),
                    (Log10, _) => (format!("(ar_log({x}) * 0.4342944819032518)"), T::F),
                    (Log1p, _) => (format!("ar_log1p({x})"), T::F),
                    (Expm1, _) => (format!("ar_expm1({x})"), T::F),
                    (Sin, _) => (format!("sin({x})"), T::F),
                    (Cos, _) => (format!("cos({x})"), T::F),
                    (Tan, _) => (format!("tan({x})"), T::F),
                    (Arcsin, _) => (
                        format!("atan2({x}, ar_sqrt((1.0 - {x}) * (1.0 + {x})))"),
                        T::F,
                    ),
                    (Arccos, _) => (
                        format!("atan2(ar_sqrt((1.0 - {x}) * (1.0 + {x})), {x})"),
                        T::F,
                    ),
                    (Arctan, _) => (format!("atan({x})"), T::F),
                    (Sinh, _) => (format!("ar_sinh({x})"), T::F),
                    (Cosh, _) => (format!("cosh({x})"), T::F),
                    (Tanh, _) => (format!("ar_tanh({x})"), T::F),
                    (Floor, _) => (format!("floor({x})"), T::F),
                    (Ceil, _) => (format!("ceil({x})"), T::F),
                    (Round, _) => (format!("round({x})"), T::F),
                    (Trunc, _) => (format!("trunc({x})"), T::F),
                    (Sign, _) => (format!("ar_sign({x})"), T::F),
                    (IsNan, _) => (format!("isnan_({x})"), T::B),
                    (IsInf, _) => (format!("isinf_({x})"), T::B),
                    (IsFinite, _) => (format!("!(isnan_({x}) || isinf_({x}))"), T::B),
                };
                push(&mut body, &mut stack, e, rt);
            }
            G::Binary(op) => {
                let (y, ty) = stack.pop()?;
                let (x, tx) = stack.pop()?;
                use BinaryOp::*;
                let (e, rt) = if tx == T::B && ty == T::B {
                    match op {
                        BitAnd => (format!("({x} && {y})"), T::B),
                        BitOr => (format!("({x} || {y})"), T::B),
                        Eq => (format!("({x} == {y})"), T::B),
                        Ne => (format!("({x} != {y})"), T::B),
                        _ => return None,
                    }
                } else {
                    let (a, b) = (as_f(&x, tx), as_f(&y, ty));
                    match op {
                        Add => (format!("({a} + {b})"), T::F),
                        Sub => (format!("({a} - {b})"), T::F),
                        Mul => (format!("({a} * {b})"), T::F),
                        Div => (format!("({a} / {b})"), T::F),
                        FloorDiv => (format!("ar_floordiv({a}, {b})"), T::F),
                        Mod => (format!("ar_mod({a}, {b})"), T::F),
                        Pow => (format!("ar_pow({a}, {b})"), T::F),
                        Maximum => (format!("ar_max({a}, {b})"), T::F),
                        Minimum => (format!("ar_min({a}, {b})"), T::F),
                        Arctan2 => (format!("atan2({a}, {b})"), T::F),
                        Eq => (format!("({a} == {b})"), T::B),
                        Ne => (format!("({a} != {b})"), T::B),
                        Lt => (format!("({a} < {b})"), T::B),
                        Le => (format!("({a} <= {b})"), T::B),
                        Gt => (format!("({a} > {b})"), T::B),
                        Ge => (format!("({a} >= {b})"), T::B),
                        BitAnd | BitOr => return None,
                    }
                };
                push(&mut body, &mut stack, e, rt);
            }
            G::Where => {
                let (b, tb) = stack.pop()?;
                let (a, ta) = stack.pop()?;
                let (c, tc) = stack.pop()?;
                let cond = match tc {
                    T::B => c,
                    T::F => format!("({c} != 0.0)"),
                };
                let (e, rt) = if ta == T::B && tb == T::B {
                    (format!("select({b}, {a}, {cond})"), T::B)
                } else {
                    (
                        format!("select({}, {}, {cond})", as_f(&b, tb), as_f(&a, ta)),
                        T::F,
                    )
                };
                push(&mut body, &mut stack, e, rt);
            }
        }
    }
    let (last, t) = stack.pop()?;
    if !stack.is_empty() {
        return None;
    }
    body.push_str(&match t {
        T::F => format!("    dst[o] = bitcast<u32>({last});\n"),
        T::B => format!("    dst[o] = select(0u, 1u, {last});\n"),
    });
    let mut bindings = String::new();
    for b in 0..n_bind {
        bindings.push_str(&format!(
            "@group(0) @binding({}) var<storage, read> x{b}: array<u32>;\n",
            b + 2
        ));
    }
    let n_in = kinds.len();
    let mut offsets = String::new();
    let mut strides = String::new();
    for k in 0..n_in {
        let base = 20 + 9 * k;
        offsets.push_str(&format!("    var p{k} = i32(md[{base}]);\n"));
        strides.push_str(&format!(
            "        p{k} = p{k} + c * bitcast<i32>(md[{} + d]);\n",
            base + 1
        ));
    }
    let cb = 20 + 9 * n_in;
    let src = ELEMENTWISE
        .replace("//{{BINDINGS}}", &bindings)
        .replace("//{{OFFSETS}}", &offsets)
        .replace("//{{STRIDES}}", &strides)
        .replace("//{{BODY}}", &body)
        .replace("md[CB + j]", &format!("md[{cb}u + j]"));
    Some((src, t))
}

fn too_many_dims(nd: usize) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!("GPU kernels take arrays of at most {MAXD} dimensions, not {nd}"),
    )
    .with_help("run this on the CPU: to(x, \"cpu\")")
}

/// Run an elementwise program over `inputs` (views already broadcast to
/// `shape`), writing into `out` when given (a view of `shape`), else into a
/// new contiguous array. `Ok(None)`: the program has no GPU form.
pub fn run_program(
    g: &Gpu,
    prog: &[G],
    inputs: &[&GpuArray],
    consts: &[f32],
    shape: &[usize],
    out: Option<&GpuArray>,
) -> Result<Option<GpuArray>> {
    if shape.len() > MAXD {
        return Err(too_many_dims(shape.len()));
    }
    // One binding per distinct buffer.
    let mut bufs: Vec<&GpuArray> = Vec::new();
    let mut bind_of = Vec::with_capacity(inputs.len());
    for a in inputs {
        match bufs
            .iter()
            .position(|b| std::sync::Arc::ptr_eq(&b.buf, &a.buf))
        {
            Some(p) => bind_of.push(p),
            None => {
                bind_of.push(bufs.len());
                bufs.push(a);
            }
        }
    }
    let max_bufs = g.device.limits().max_storage_buffers_per_shader_stage as usize;
    if bufs.len() + 2 > max_bufs {
        return Ok(None);
    }
    let kinds: Vec<Kind> = inputs.iter().map(|a| a.kind).collect();
    let Some((src, t)) = codegen(prog, &kinds, bufs.len(), &bind_of) else {
        return Ok(None);
    };
    let kind = if t == T::F { Kind::F32 } else { Kind::Bool };
    let n: usize = shape.iter().product();
    let out = match out {
        Some(o) => o.clone(),
        None => GpuArray::new(g.alloc(n as u64 * 4)?, shape.to_vec(), kind),
    };
    if n == 0 {
        return Ok(Some(out));
    }
    if n > u32::MAX as usize {
        return Err(Error::new(
            ErrorKind::Limit,
            "too many elements for one GPU kernel",
        ));
    }
    let nd = shape.len();
    let mut md = vec![0u32; 20 + 9 * inputs.len() + consts.len()];
    md[0] = n as u32;
    md[1] = nd as u32;
    md[2] = out.offset as u32;
    for d in 0..nd {
        md[4 + d] = shape[d] as u32;
        md[12 + d] = out.strides[d] as i32 as u32;
    }
    for (k, a) in inputs.iter().enumerate() {
        let base = 20 + 9 * k;
        md[base] = a.offset as u32;
        let lead = nd - a.ndim();
        for d in 0..a.ndim() {
            md[base + 1 + lead + d] = if a.shape[d] == 1 {
                0
            } else {
                a.strides[d] as i32 as u32
            };
        }
    }
    let cb = 20 + 9 * inputs.len();
    for (j, c) in consts.iter().enumerate() {
        md[cb + j] = c.to_bits();
    }
    let p = g.pipeline(&src)?;
    let mdb = g.upload(&md)?;
    let mut bind: Vec<&wgpu::Buffer> = vec![mdb.buffer(), out.buf.buffer()];
    for b in &bufs {
        bind.push(b.buf.buffer());
    }
    g.dispatch(&p, &bind, groups_1d(n)?)?;
    Ok(Some(out))
}

/// A contiguous copy of a view (the copy kernel behind reshape of
/// transposed/sliced arrays and downloads of views).
pub fn contiguous(g: &Gpu, a: &GpuArray) -> Result<GpuArray> {
    match run_program(g, &[G::Input(0)], &[a], &[], &a.shape, None)? {
        Some(c) => Ok(c),
        None => Err(Error::new(
            ErrorKind::Value,
            "the GPU copy kernel is unavailable",
        )),
    }
}

/// Copy `a` (already of `dst`'s shape) into the view `dst`.
pub fn copy_into(g: &Gpu, a: &GpuArray, dst: &GpuArray) -> Result<()> {
    run_program(g, &[G::Input(0)], &[a], &[], &dst.shape, Some(dst))?;
    Ok(())
}

/// Reduction kinds the reduce kernel implements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Red {
    Sum,
    Mean,
    Prod,
    Max,
    Min,
    ArgMax,
    ArgMin,
    Any,
    All,
}

impl Red {
    fn code(self) -> u32 {
        self as u32
    }
}

/// Reduce `a` over `axes` (sorted, distinct); the result has the kept axes.
/// ArgMax/ArgMin give u32 indices (flat over the reduced axes).
pub fn reduce(g: &Gpu, a: &GpuArray, axes: &[usize], op: Red) -> Result<GpuArray> {
    let nd = a.ndim();
    let keep_n: usize = (0..nd)
        .filter(|d| !axes.contains(d))
        .map(|d| a.shape[d])
        .product();
    let r: usize = axes.iter().map(|&d| a.shape[d]).product();
    // Few outputs over many elements: split each output's range across
    // workgroups, then reduce the partial results in a second pass.
    if keep_n <= 256 && r >= 1 << 16 && !matches!(op, Red::ArgMax | Red::ArgMin) {
        let parts = (r / 8192).clamp(2, 1024);
        let first = if op == Red::Mean { Red::Sum } else { op };
        let partial = reduce_pass(g, a, axes, first, parts)?;
        let second = match op {
            Red::Mean => Red::Sum,
            Red::Any => Red::Any,
            Red::All => Red::All,
            other => other,
        };
        let keep = partial.ndim() - 1;
        let out = reduce_pass(g, &partial, &[keep], second, 1)?;
        if op == Red::Mean {
            let prog = [G::Input(0), G::Const(0, false), G::Binary(BinaryOp::Div)];
            let shape = out.shape.clone();
            return run_program(g, &prog, &[&out], &[r as f32], &shape, None)?
                .ok_or_else(|| Error::new(ErrorKind::Value, "the GPU mean kernel is unavailable"));
        }
        return Ok(out);
    }
    reduce_pass(g, a, axes, op, 1)
}

/// One reduction launch; with `parts > 1` the result has an extra last
/// axis of `parts` partial results.
fn reduce_pass(g: &Gpu, a: &GpuArray, axes: &[usize], op: Red, parts: usize) -> Result<GpuArray> {
    let nd = a.ndim();
    if nd > MAXD {
        return Err(too_many_dims(nd));
    }
    let keep: Vec<usize> = (0..nd).filter(|d| !axes.contains(d)).collect();
    let nout: usize = keep.iter().map(|&d| a.shape[d]).product();
    let r: usize = axes.iter().map(|&d| a.shape[d]).product();
    let mut out_shape: Vec<usize> = keep.iter().map(|&d| a.shape[d]).collect();
    if parts > 1 {
        out_shape.push(parts);
    }
    let kind = match op {
        Red::Any | Red::All => Kind::Bool,
        _ => Kind::F32,
    };
    let out = GpuArray::new(g.alloc((nout * parts) as u64 * 4)?, out_shape, kind);
    if nout == 0 {
        return Ok(out);
    }
    let mut md = vec![0u32; 8 + 4 * MAXD];
    md[0] = r as u32;
    md[1] = nout as u32;
    md[2] = keep.len() as u32;
    md[3] = axes.len() as u32;
    md[4] = a.offset as u32;
    md[5] = op.code();
    md[6] = (a.kind == Kind::Bool) as u32;
    md[7] = parts as u32;
    for (i, &d) in keep.iter().enumerate() {
        md[8 + i] = a.shape[d] as u32;
        md[8 + MAXD + i] = a.strides[d] as i32 as u32;
    }
    for (i, &d) in axes.iter().enumerate() {
        md[8 + 2 * MAXD + i] = a.shape[d] as u32;
        md[8 + 3 * MAXD + i] = a.strides[d] as i32 as u32;
    }
    let p = g.pipeline(REDUCE)?;
    let mdb = g.upload(&md)?;
    let wgs = nout * parts;
    let groups = if wgs <= MAX_GROUPS as usize {
        (wgs as u32, 1, 1)
    } else if wgs.div_ceil(MAX_GROUPS as usize) <= MAX_GROUPS as usize {
        (MAX_GROUPS, wgs.div_ceil(MAX_GROUPS as usize) as u32, 1)
    } else {
        return Err(Error::new(
            ErrorKind::Limit,
            "too many outputs for one GPU reduction",
        ));
    };
    g.dispatch(
        &p,
        &[mdb.buffer(), out.buf.buffer(), a.buf.buffer()],
        groups,
    )?;
    Ok(out)
}

/// Batched matmul of views `a` (…, m, k) and `b` (…, k, n) whose batch axes
/// are already broadcast to `batch`; the result is (batch…, m, n).
pub fn matmul(g: &Gpu, a: &GpuArray, b: &GpuArray, batch: &[usize]) -> Result<GpuArray> {
    const BD: usize = 6;
    if batch.len() > BD {
        return Err(too_many_dims(batch.len() + 2));
    }
    let (m, k) = (a.shape[a.ndim() - 2], a.shape[a.ndim() - 1]);
    let n = b.shape[b.ndim() - 1];
    let nb: usize = batch.iter().product();
    let mut shape = batch.to_vec();
    shape.extend([m, n]);
    let out = GpuArray::new(g.alloc((nb * m * n) as u64 * 4)?, shape, Kind::F32);
    if nb * m * n == 0 {
        return Ok(out);
    }
    if nb > MAX_GROUPS as usize
        || m.div_ceil(16) > MAX_GROUPS as usize
        || n.div_ceil(16) > MAX_GROUPS as usize
    {
        return Err(Error::new(
            ErrorKind::Limit,
            "this matmul is too large for one GPU dispatch",
        ));
    }
    let mut md = vec![0u32; 12 + 3 * BD];
    md[0] = m as u32;
    md[1] = n as u32;
    md[2] = k as u32;
    md[3] = batch.len() as u32;
    md[4] = a.offset as u32;
    md[5] = b.offset as u32;
    let (ad, bd) = (a.ndim(), b.ndim());
    md[6] = a.strides[ad - 2] as i32 as u32;
    md[7] = a.strides[ad - 1] as i32 as u32;
    md[8] = b.strides[bd - 2] as i32 as u32;
    md[9] = b.strides[bd - 1] as i32 as u32;
    for (i, &s) in batch.iter().enumerate() {
        md[12 + i] = s as u32;
        let sa = |x: &GpuArray| -> u32 {
            let lead = batch.len() + 2 - x.ndim();
            if i < lead || x.shape[i - lead] == 1 {
                0
            } else {
                x.strides[i - lead] as i32 as u32
            }
        };
        md[12 + BD + i] = sa(a);
        md[12 + 2 * BD + i] = sa(b);
    }
    let p = g.pipeline(MATMUL)?;
    let mdb = g.upload(&md)?;
    g.dispatch(
        &p,
        &[
            mdb.buffer(),
            out.buf.buffer(),
            a.buf.buffer(),
            b.buf.buffer(),
        ],
        (n.div_ceil(16) as u32, m.div_ceil(16) as u32, nb as u32),
    )?;
    Ok(out)
}
