//! Where values meet the GPU: which operations run there, uploads of CPU
//! operands, the one-note-per-operation CPU fallback, and placing results
//! created inside `@device(gpu)` blocks on the device.

use crate::gpu::array::{contiguous_strides, GpuArray, Kind};
use crate::gpu::kernels::{self, Red, G};
use crate::gpu::Gpu;
use crate::array::elementwise::{BinaryOp, UnaryOp};
use crate::array::index::IndexItem;
use crate::array::{broadcast_shapes, norm_axis, Array, DType, Scalar};
use super::props::{self, OnGpu};
use super::Args;
use crate::prim::{Prim, Prim as P};
use crate::value::{has_gpu, to_cpu};
use crate::diagnostics::{Error, ErrorKind, Result};
use super::{Device, Interp};
use crate::value::Value;
use std::rc::Rc;

/// int64 values up to this magnitude convert to float32 exactly.
const EXACT_F32_INT: i64 = 1 << 24;

/// An operand of a GPU program.
enum In {
    Arr(GpuArray),
    Const(f32, bool),
}



/// Upload a CPU array when the GPU can hold it exactly: floats (as
/// float32), bools, and int64 within ±2^24 (as float32). `None` otherwise.
fn upload(g: &Gpu, a: &Array) -> Result<Option<GpuArray>> {
    if let Array::I64(x) = a {
        if x.iter().any(|v| v.abs() > EXACT_F32_INT) {
            return Ok(None);
        }
    }
    GpuArray::upload(g, a).map(Some)
}

fn is_float_value(v: &Value) -> bool {
    match v {
        Value::Gpu(a) => a.kind == Kind::F32,
        Value::Array(a) => a.dtype().is_float(),
        Value::Num(s, _) => s.dtype().is_float(),
        _ => false,
    }
}

fn is_bool_value(v: &Value) -> bool {
    match v {
        Value::Gpu(a) => a.kind == Kind::Bool,
        Value::Array(a) => a.dtype() == DType::Bool,
        Value::Num(s, _) => s.dtype() == DType::Bool,
        _ => false,
    }
}

impl Interp {
    /// Inside a `@device(gpu)` block (or `arr --device gpu`)?
    pub fn on_gpu(&self) -> bool {
        self.device.last() == Some(&Device::Gpu)
    }

    /// The device when work should go to it: a GPU value is involved or we
    /// are in a GPU block. `None` also when no adapter exists.
    fn gpu_for(&self, vals: &[&Value]) -> Option<&'static Gpu> {
        let involved = vals.iter().any(|v| has_gpu(v));
        let arrays = vals.iter().any(|v| match v {
            Value::Array(_) => true,
            Value::Tuple(t) => t.iter().any(|x| matches!(x, Value::Array(_))),
            _ => false,
        });
        if involved || (self.on_gpu() && arrays) {
            crate::gpu::get()
        } else {
            None
        }
    }

    /// Say once per operation that it ran on the CPU.
    pub fn gpu_note(&mut self, what: &str) {
        self.warn_once(&format!(
            "note: {what} has no GPU kernel here; it runs on the CPU"
        ));
    }

    /// In a GPU block, put a float or bool array result on the device.
    pub fn place(&mut self, v: Value) -> Result<Value> {
        if !self.on_gpu() {
            return Ok(v);
        }
        self.place_always(v)
    }

    /// Put a float or bool array on the device (when there is one).
    pub fn place_always(&mut self, v: Value) -> Result<Value> {
        match &v {
            Value::Array(a) if a.dtype() != DType::I64 => match crate::gpu::get() {
                Some(g) => Ok(Value::Gpu(GpuArray::upload(g, a)?)),
                None => Ok(v),
            },
            _ => Ok(v),
        }
    }

    /// Run an elementwise program whose `G::Input(k)` steps name `vals[k]`.
    /// `Ok(None)`: not a GPU case (the caller takes the CPU path).
    fn gpu_program(&mut self, vals: &[&Value], prog: &[G], what: &str) -> Result<Option<Value>> {
        let Some(g) = self.gpu_for(vals) else {
            return Ok(None);
        };
        // Result dtype must be float or bool, as NumPy would give it.
        let any_float = vals.iter().any(|v| is_float_value(v));
        let all_bool = vals.iter().all(|v| is_bool_value(v));
        let has_gpu_val = vals.iter().any(|v| matches!(v, Value::Gpu(_)));
        if !any_float && !all_bool {
            if has_gpu_val {
                self.gpu_note(what);
            }
            return Ok(None);
        }
        let mut ins = Vec::with_capacity(vals.len());
        let mut shape: Vec<usize> = Vec::new();
        for v in vals {
            let i = match v {
                Value::Gpu(a) => In::Arr(a.clone()),
                Value::Array(a) => match upload(g, a)? {
                    Some(x) => In::Arr(x),
                    None => {
                        if has_gpu_val {
                            self.gpu_note(&format!("{what} with int64 values beyond ±2^24"));
                        }
                        return Ok(None);
                    }
                },
                Value::Num(s, _) => match s {
                    Scalar::Bool(b) => In::Const(*b as u8 as f32, true),
                    other => In::Const(other.as_f64() as f32, false),
                },
                _ => return Ok(None),
            };
            if let In::Arr(a) = &i {
                shape = match broadcast_shapes(&shape, &a.shape) {
                    Ok(s) => s,
                    Err(_) => return Ok(None), // the CPU path reports it
                };
            }
            ins.push(i);
        }
        if shape.len() > kernels::MAXD {
            self.gpu_note(&format!("{what} on arrays of more than 8 dimensions"));
            return Ok(None);
        }
        let mut arrays: Vec<GpuArray> = Vec::new();
        let mut consts: Vec<f32> = Vec::new();
        let mut map = Vec::with_capacity(ins.len());
        for i in &ins {
            match i {
                In::Arr(a) => {
                    map.push(G::Input(arrays.len()));
                    arrays.push(a.broadcast_view(&shape));
                }
                In::Const(c, b) => {
                    map.push(G::Const(consts.len(), *b));
                    consts.push(*c);
                }
            }
        }
        let prog: Vec<G> = prog
            .iter()
            .map(|s| match s {
                G::Input(k) => map[*k],
                other => *other,
            })
            .collect();
        let refs: Vec<&GpuArray> = arrays.iter().collect();
        match kernels::run_program(g, &prog, &refs, &consts, &shape, None)? {
            Some(r) => Ok(Some(Value::Gpu(r))),
            None => {
                if has_gpu_val {
                    self.gpu_note(what);
                }
                Ok(None)
            }
        }
    }

    pub(crate) fn gpu_binary(
        &mut self,
        op: BinaryOp,
        x: &Value,
        y: &Value,
    ) -> Result<Option<Value>> {
        self.gpu_program(
            &[x, y],
            &[G::Input(0), G::Input(1), G::Binary(op)],
            &format!("`{}`", op.name()),
        )
    }

    pub(crate) fn gpu_unary(&mut self, op: UnaryOp, x: &Value) -> Result<Option<Value>> {
        self.gpu_program(&[x], &[G::Input(0), G::Unary(op)], op.name())
    }

    /// A fused elementwise chain (postfix steps over `vals`).
    pub(crate) fn gpu_fused(&mut self, vals: &[&Value], prog: &[G]) -> Result<Option<Value>> {
        self.gpu_program(vals, prog, "this expression")
    }

    pub(crate) fn gpu_matmul(&mut self, x: &Value, y: &Value) -> Result<Option<Value>> {
        let Some(g) = self.gpu_for(&[x, y]) else {
            return Ok(None);
        };
        let get = |me: &mut Interp, v: &Value| -> Result<Option<GpuArray>> {
            Ok(match v {
                Value::Gpu(a) if a.kind == Kind::F32 => Some(a.clone()),
                Value::Array(a) if a.dtype().is_float() => upload(g, a)?,
                _ => {
                    if has_gpu(v) {
                        me.gpu_note("@ on bool or int arrays");
                    }
                    None
                }
            })
        };
        let (Some(mut a), Some(mut b)) = (get(self, x)?, get(self, y)?) else {
            return Ok(None);
        };
        if a.ndim() == 0 || b.ndim() == 0 {
            return Ok(None); // the CPU path explains
        }
        let (a1, b1) = (a.ndim() == 1, b.ndim() == 1);
        if a1 {
            a = a.broadcast_view(&[1, a.shape[0]]);
        }
        if b1 {
            let n = b.shape[0];
            b = GpuArray {
                shape: vec![n, 1],
                strides: vec![b.strides[0], 0],
                ..b
            };
        }
        if a.shape[a.ndim() - 1] != b.shape[b.ndim() - 2] {
            return Ok(None);
        }
        let ba = &a.shape[..a.ndim() - 2];
        let bb = &b.shape[..b.ndim() - 2];
        let Ok(batch) = broadcast_shapes(ba, bb) else {
            return Ok(None);
        };
        let r = kernels::matmul(g, &a, &b, &batch)?;
        let mut shape = batch.clone();
        if !a1 {
            shape.push(r.shape[r.ndim() - 2]);
        }
        if !b1 {
            shape.push(r.shape[r.ndim() - 1]);
        }
        Ok(Some(Value::Gpu(GpuArray {
            strides: contiguous_strides(&shape),
            shape,
            ..r
        })))
    }

    /// Basic indexing (ints, slices, `...`, newaxis) of a GPU array is a
    /// view; other indexes run on the CPU.
    pub(crate) fn gpu_index(&mut self, a: &GpuArray, items: &[IndexItem]) -> Result<Option<Value>> {
        if items.iter().any(|i| matches!(i, IndexItem::Array(_))) {
            self.gpu_note("indexing with arrays");
            return Ok(None);
        }
        let n_real = items
            .iter()
            .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
            .count();
        if n_real > a.ndim()
            || items
                .iter()
                .filter(|i| matches!(i, IndexItem::Ellipsis))
                .count()
                > 1
        {
            return Ok(None); // the CPU path reports the error
        }
        let mut shape = Vec::new();
        let mut strides = Vec::new();
        let mut offset = a.offset as isize;
        let mut d = 0usize;
        for it in items {
            match it {
                IndexItem::Ellipsis => {
                    let skip = a.ndim() - n_real;
                    for _ in 0..skip {
                        shape.push(a.shape[d]);
                        strides.push(a.strides[d]);
                        d += 1;
                    }
                }
                IndexItem::NewAxis => {
                    shape.push(1);
                    strides.push(0);
                }
                IndexItem::Int(i) => {
                    let n = a.shape[d] as i64;
                    let j = if *i < 0 { i + n } else { *i };
                    if j < 0 || j >= n {
                        return Ok(None);
                    }
                    offset += j as isize * a.strides[d];
                    d += 1;
                }
                IndexItem::Slice { start, stop, step } => {
                    let n = a.shape[d] as i64;
                    let step = step.unwrap_or(1);
                    if step == 0 {
                        return Ok(None);
                    }
                    // The CPU's clipping (in i128: no step overflows).
                    let (s, len) =
                        crate::array::index::slice_first_len(*start, *stop, step, n as usize);
                    if len > 0 {
                        offset += s as isize * a.strides[d];
                    }
                    shape.push(len as usize);
                    // One element taken: its stride is never used (and a
                    // huge step would overflow isize).
                    strides.push(if len > 1 { a.strides[d] * step as isize } else { 0 });
                    d += 1;
                }
                IndexItem::Array(_) => return Ok(None),
            }
        }
        while d < a.ndim() {
            shape.push(a.shape[d]);
            strides.push(a.strides[d]);
            d += 1;
        }
        if offset < 0 {
            return Ok(None);
        }
        Ok(Some(Value::Gpu(GpuArray {
            buf: a.buf.clone(),
            shape,
            strides,
            offset: offset as usize,
            kind: a.kind,
        })))
    }

    /// Builtins with a GPU implementation; `Ok(None)` to take the CPU path.
    pub(crate) fn gpu_builtin(&mut self, b: Prim, a: &Args) -> Result<Option<Value>> {
        let vals: Vec<&Value> = a.vals.iter().flatten().chain(a.rest.iter()).collect();
        let x = a.vals.first().and_then(|v| v.as_ref());
        let class = props::on_gpu(b);
        // Metadata and moves never need a kernel.
        match class {
            OnGpu::Meta => {
                if b == P::Device {
                    return Ok(x.map(|v| {
                        Value::str(if matches!(v, Value::Gpu(_)) {
                            "gpu"
                        } else {
                            "cpu"
                        })
                    }));
                }
                if let Some(Value::Gpu(g)) = x {
                    return Ok(Some(match b {
                        P::Shape => crate::value::shape_tuple(&g.shape),
                        P::Ndim => Value::int(g.ndim() as i64),
                        P::Size => Value::int(g.len() as i64),
                        P::Dtype => Value::DType(g.dtype()),
                        _len => match g.shape.first() {
                            Some(n) => Value::int(*n as i64),
                            None => return Ok(None),
                        },
                    }));
                }
                return Ok(None);
            }
            OnGpu::Move => return self.gpu_to(a).map(Some),
            OnGpu::Cpu | OnGpu::ReadsBack => return Ok(None),
            OnGpu::Unary(_) | OnGpu::Binary(_) | OnGpu::Kernel => {}
        }
        let Some(g) = self.gpu_for(&vals) else {
            return Ok(None);
        };
        let n_given = a.vals.iter().filter(|v| v.is_some()).count();
        if let OnGpu::Unary(op) = class {
            if n_given == 1 && a.rest.is_empty() {
                if let Some(x) = x {
                    return self.gpu_unary(op, x);
                }
            }
            return Ok(None);
        }
        if let OnGpu::Binary(op) = class {
            if let (Some(Some(x)), Some(Some(y))) = (a.vals.first(), a.vals.get(1)) {
                return self.gpu_binary(op, x, y);
            }
            return Ok(None);
        }
        // The kernels of their own (`OnGpu::Kernel`).
        match b {
            P::Where => {
                if let (Some(Some(c)), Some(Some(x)), Some(Some(y))) =
                    (a.vals.first(), a.vals.get(1), a.vals.get(2))
                {
                    return self.gpu_program(
                        &[c, x, y],
                        &[G::Input(0), G::Input(1), G::Input(2), G::Where],
                        "where",
                    );
                }
                Ok(None)
            }
            P::Clip => {
                let (Some(Some(x)), Some(lo), Some(hi)) =
                    (a.vals.first(), a.vals.get(1), a.vals.get(2))
                else {
                    return Ok(None);
                };
                let mut vals = vec![x];
                let mut prog = vec![G::Input(0)];
                for (v, op) in [(lo, BinaryOp::Maximum), (hi, BinaryOp::Minimum)] {
                    if let Some(v) = v.as_ref().filter(|v| !matches!(v, Value::None)) {
                        prog.push(G::Input(vals.len()));
                        prog.push(G::Binary(op));
                        vals.push(v);
                    }
                }
                self.gpu_program(&vals, &prog, "clip")
            }
            P::Sum | P::Mean | P::Prod | P::Max | P::Min | P::Any | P::All | P::Argmax | P::Argmin => {
                self.gpu_reduce(g, b, a)
            }
            P::Matmul => match (a.vals.first(), a.vals.get(1)) {
                (Some(Some(x)), Some(Some(y))) => self.gpu_matmul(x, y),
                // Every other primitive is classified as something else above.
            _other => Ok(None),
            },
            P::Transpose => {
                let Some(Value::Gpu(x)) = x else {
                    return Ok(None);
                };
                if !a.rest.is_empty() {
                    // transpose(a, (1, 0)) or transpose(a, 1, 0)
                    let mut axes = Vec::new();
                    let items: Vec<Value> = match a.rest.as_slice() {
                        [Value::Tuple(t)] => t.iter().cloned().collect(),
                        r => r.to_vec(),
                    };
                    for v in items {
                        match v {
                            Value::Num(Scalar::I64(i), _) => axes.push(i),
                            _ => return Ok(None),
                        }
                    }
                    if axes.len() != x.ndim() {
                        return Ok(None);
                    }
                    let mut perm = Vec::with_capacity(axes.len());
                    for ax in axes {
                        let d = norm_axis(ax, x.ndim())?;
                        if perm.contains(&d) {
                            return Ok(None);
                        }
                        perm.push(d);
                    }
                    return Ok(Some(Value::Gpu(x.permuted(&perm))));
                }
                let perm: Vec<usize> = (0..x.ndim()).rev().collect();
                Ok(Some(Value::Gpu(x.permuted(&perm))))
            }
            P::Reshape | P::Flatten => {
                let Some(Value::Gpu(x)) = x else {
                    return Ok(None);
                };
                let shape = if b == P::Reshape {
                    let Ok(s) = a.shape_from_rest() else {
                        return Ok(None);
                    };
                    s
                } else {
                    vec![x.len()]
                };
                if shape.iter().product::<usize>() != x.len() {
                    return Ok(None); // also -1: the CPU path resolves and reports
                }
                let x = if x.is_contiguous() {
                    x.clone()
                } else {
                    kernels::contiguous(g, x)?
                };
                Ok(x.reshaped_view(&shape).map(Value::Gpu))
            }
            P::BroadcastTo => {
                let Some(Value::Gpu(x)) = x else {
                    return Ok(None);
                };
                let Ok(shape) = a.shape_from_rest() else {
                    return Ok(None);
                };
                if shape.len() < x.ndim()
                    || broadcast_shapes(&x.shape, &shape).ok().as_deref() != Some(&shape[..])
                {
                    return Ok(None); // the CPU path reports it
                }
                Ok(Some(Value::Gpu(x.broadcast_view(&shape))))
            }
            P::ExpandDims => {
                let Some(Value::Gpu(x)) = x else {
                    return Ok(None);
                };
                let Ok(Some(ax)) = a.axis(1) else {
                    return Ok(None);
                };
                let d = norm_axis(ax, x.ndim() + 1)?;
                let mut v = x.clone();
                v.shape.insert(d, 1);
                v.strides.insert(d, 0);
                Ok(Some(Value::Gpu(v)))
            }
            P::Copy => match x {
                Some(Value::Gpu(x)) => Ok(Some(Value::Gpu(kernels::contiguous(g, x)?))),
                // Every other primitive is classified as something else above.
            _other => Ok(None),
            },
            P::Astype => match (x, a.vals.get(1)) {
                (Some(Value::Gpu(x)), Some(Some(Value::DType(DType::F32 | DType::F64)))) => {
                    if x.kind == Kind::F32 {
                        Ok(Some(Value::Gpu(x.clone())))
                    } else {
                        self.gpu_program(
                            &[&Value::Gpu(x.clone()), &Value::float(0.0)],
                            &[G::Input(0), G::Input(1), G::Binary(BinaryOp::Add)],
                            "astype",
                        )
                    }
                }
                // Every other primitive is classified as something else above.
            _other => Ok(None),
            },
            P::Concatenate => self.gpu_concatenate(g, a),
            // Every other primitive is classified as something else above.
            _other => Ok(None),
        }
    }

    fn gpu_reduce(&mut self, g: &Gpu, name: Prim, a: &Args) -> Result<Option<Value>> {
        let Some(Some(v)) = a.vals.first() else {
            return Ok(None);
        };
        let x = match v {
            Value::Gpu(x) => x.clone(),
            Value::Array(arr) if arr.dtype() != DType::I64 => GpuArray::upload(g, arr)?,
            _ => return Ok(None),
        };
        let (axes, keepdims) = if matches!(name, P::Argmax | P::Argmin) {
            (a.axis(1)?.map(|v| vec![v]), a.bool_or(2, false)?)
        } else {
            if a.vals.len() > 3 && a.vals[3..].iter().any(|v| v.is_some()) {
                return Ok(None); // extra options (ddof, where=...) on the CPU
            }
            (a.axes(1)?, a.bool_or(2, false)?)
        };
        let nd = x.ndim();
        let mut ax: Vec<usize> = match &axes {
            None => (0..nd).collect(),
            Some(v) => {
                let mut o = Vec::new();
                for &d in v {
                    let d = norm_axis(d, nd)?;
                    if o.contains(&d) {
                        return Ok(None);
                    }
                    o.push(d);
                }
                o
            }
        };
        ax.sort_unstable();
        let r: usize = ax.iter().map(|&d| x.shape[d]).product();
        let op = match name {
            P::Sum => Red::Sum,
            P::Mean => Red::Mean,
            P::Prod => Red::Prod,
            P::Max => Red::Max,
            P::Min => Red::Min,
            P::Any => Red::Any,
            P::All => Red::All,
            P::Argmax => Red::ArgMax,
            P::Argmin => Red::ArgMin,
            _ => return Ok(None),
        };        if r == 0 && !matches!(op, Red::Sum | Red::Prod | Red::Any | Red::All) {
            return Ok(None); // NumPy's empty-reduction error or warning, on the CPU
        }
        if matches!(op, Red::ArgMax | Red::ArgMin) && axes.is_none() && x.ndim() > 1 {
            // Flat index over all axes: a contiguous copy reduced as 1-d.
            let c = kernels::contiguous(g, &x)?;
            let flat = c.reshaped_view(&[c.len()]).unwrap_or(c);
            return self.finish_reduce(g, &flat, &[0], op, keepdims, &x.shape, &[0]);
        }
        let shape = x.shape.clone();
        self.finish_reduce(g, &x, &ax, op, keepdims, &shape, &ax)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_reduce(
        &mut self,
        g: &Gpu,
        x: &GpuArray,
        ax: &[usize],
        op: Red,
        keepdims: bool,
        orig_shape: &[usize],
        orig_axes: &[usize],
    ) -> Result<Option<Value>> {
        let r = kernels::reduce(g, x, ax, op)?;
        let out_shape: Vec<usize> = if keepdims {
            if orig_axes.len() == 1 && x.ndim() == 1 && orig_shape.len() > 1 {
                vec![1; orig_shape.len()]
            } else {
                (0..orig_shape.len())
                    .map(|d| {
                        if orig_axes.contains(&d) {
                            1
                        } else {
                            orig_shape[d]
                        }
                    })
                    .collect()
            }
        } else {
            r.shape.clone()
        };
        if matches!(op, Red::ArgMax | Red::ArgMin) {
            // Indices are int64: they come back to the CPU.
            let words = g.read(&r.buf, 0, r.len())?;
            let v: Vec<i64> = words.into_iter().map(|w| w as i64).collect();
            return Ok(Some(Value::from_array(Array::from_vec(&out_shape, v))));
        }
        Ok(r.reshaped_view(&out_shape).map(Value::Gpu))
    }

    fn gpu_concatenate(&mut self, g: &Gpu, a: &Args) -> Result<Option<Value>> {
        let Some(Some(Value::Tuple(items))) = a.vals.first() else {
            return Ok(None);
        };
        let axis = match a.get(1) {
            None => 0,
            Some(Value::None) => return Ok(None), // flattening: the CPU path
            Some(_) => match a.axis(1)? {
                Some(x) => x,
                None => return Ok(None),
            },
        };
        let mut parts = Vec::with_capacity(items.len());
        for v in items.iter() {
            parts.push(match v {
                Value::Gpu(x) => x.clone(),
                Value::Array(x) => match upload(g, x)? {
                    Some(u) if u.kind == Kind::F32 => u,
                    _ => return Ok(None),
                },
                _ => return Ok(None),
            });
        }
        let Some(first) = parts.first() else {
            return Ok(None);
        };
        let nd = first.ndim();
        if nd == 0 {
            return Ok(None);
        }
        let ax = norm_axis(axis, nd)?;
        let mut total = 0;
        for p in &parts {
            if p.ndim() != nd
                || p.kind != first.kind
                || (0..nd).any(|d| d != ax && p.shape[d] != first.shape[d])
            {
                return Ok(None); // CPU path reports the mismatch
            }
            total += p.shape[ax];
        }
        let mut shape = first.shape.clone();
        shape[ax] = total;
        let n: usize = shape.iter().product();
        let out = GpuArray::new(g.alloc(n as u64 * 4)?, shape, first.kind);
        let mut at = 0usize;
        for p in &parts {
            let mut dst = out.clone();
            dst.shape = p.shape.clone();
            dst.offset = at * out.strides[ax] as usize;
            kernels::copy_into(g, p, &dst)?;
            at += p.shape[ax];
        }
        Ok(Some(Value::Gpu(out)))
    }

    /// `to(x, "cpu" | "gpu")`.
    fn gpu_to(&mut self, a: &Args) -> Result<Value> {
        let v = a.value(0)?.clone();
        let d = a.string(1)?;
        match d.as_str() {
            "cpu" => to_cpu(&v),
            "gpu" => {
                if !self.gpu_available(None)? {
                    return Ok(v);
                }
                let Some(g) = crate::gpu::get() else { return Ok(v) };
                self.to_gpu(g, &v)
            }
            _ => Err(Error::value(format!("unknown device \"{d}\""))
                .label(crate::diagnostics::At::Arg(1), "here")
                .with_help("devices are \"cpu\" and \"gpu\"")),
        }
    }

    fn to_gpu(&mut self, g: &Gpu, v: &Value) -> Result<Value> {
        Ok(match v {
            Value::Array(x) if x.dtype() == DType::I64 => {
                self.warn_once("note: int64 arrays stay on the CPU (WGSL has no 64-bit integers); use astype(x, float32) to move the values");
                v.clone()
            }
            Value::Array(x) => Value::Gpu(GpuArray::upload(g, x)?),
            Value::Num(s, _) if s.dtype() != DType::I64 => {
                Value::Gpu(GpuArray::upload(g, &Array::scalar(*s))?)
            }
            Value::Tuple(t) => Value::tuple(
                t.iter()
                    .map(|x| self.to_gpu(g, x))
                    .collect::<Result<Vec<_>>>()?,
            ),
            Value::Dict(d) => Value::Dict(Rc::new(
                d.iter()
                    .map(|(k, x)| Ok((k.clone(), self.to_gpu(g, x)?)))
                    .collect::<Result<Vec<_>>>()?,
            )),
            other => other.clone(),
        })
    }

    /// Is a GPU there? Without one: the one warning (and CPU from then on),
    /// or an error under `ARR_DEVICE=require-gpu`.
    pub fn gpu_available(&mut self, span: Option<crate::diagnostics::Span>) -> Result<bool> {
        if crate::gpu::get().is_some() {
            return Ok(true);
        }
        if std::env::var("ARR_DEVICE")
            .map(|v| v == "require-gpu")
            .unwrap_or(false)
        {
            let mut e = Error::new(
                ErrorKind::Value,
                "no GPU adapter is available and ARR_DEVICE=require-gpu is set",
            )
            .with_help("unset ARR_DEVICE to fall back to the CPU, or install a Vulkan driver (e.g. Mesa's lavapipe: mesa-vulkan-drivers)");
            if let Some(s) = span {
                e = e.at(s);
            }
            return Err(e);
        }
        self.warn_once("warning: no GPU adapter found; @device(gpu) blocks run on the CPU");
        Ok(false)
    }
}

impl Interp {
    /// A binary op through the GPU when a GPU value is involved or we are in
    /// a GPU block; `None`: take the ordinary CPU path.
    pub(crate) fn try_gpu_binary(
        &mut self,
        op: BinaryOp,
        x: &Value,
        y: &Value,
    ) -> Result<Option<Value>> {
        let gx = matches!(x, Value::Gpu(_));
        let gy = matches!(y, Value::Gpu(_));
        if !(gx || gy || self.on_gpu()) {
            return Ok(None);
        }
        if let Some(r) = self.gpu_binary(op, x, y)? {
            return Ok(Some(r));
        }
        if gx || gy {
            let (a, b) = (to_cpu(x)?, to_cpu(y)?);
            let (Some(a), Some(b)) = (a.as_operand(), b.as_operand()) else {
                return Ok(None);
            };
            let r = crate::array::elementwise::binary(op, &a, &b).map(Value::from_operand)?;
            return self.place(r).map(Some);
        }
        Ok(None)
    }

    pub(crate) fn try_gpu_unary(&mut self, op: UnaryOp, x: &Value) -> Result<Option<Value>> {
        let gx = matches!(x, Value::Gpu(_));
        if !(gx || self.on_gpu()) {
            return Ok(None);
        }
        if let Some(r) = self.gpu_unary(op, x)? {
            return Ok(Some(r));
        }
        if gx {
            let Some(a) = to_cpu(x)?.as_operand() else {
                return Ok(None);
            };
            let r = crate::array::elementwise::unary(op, &a).map(Value::from_operand)?;
            return self.place(r).map(Some);
        }
        Ok(None)
    }

    pub(crate) fn try_gpu_matmul(&mut self, x: &Value, y: &Value) -> Result<Option<Value>> {
        let g = matches!(x, Value::Gpu(_)) || matches!(y, Value::Gpu(_));
        if !(g || self.on_gpu()) {
            return Ok(None);
        }
        if let Some(r) = self.gpu_matmul(x, y)? {
            return Ok(Some(r));
        }
        if g {
            let (a, b) = (to_cpu(x)?, to_cpu(y)?);
            let (Some(a), Some(b)) = (
                crate::value::value_to_array(&a),
                crate::value::value_to_array(&b),
            ) else {
                return Ok(None);
            };
            let r = crate::array::linalg::matmul(&a, &b).map(Value::from_array)?;
            return self.place(r).map(Some);
        }
        Ok(None)
    }

    /// `a[items]` when `a` is on the GPU: a view, or the CPU after a note.
    pub(crate) fn try_gpu_index(
        &mut self,
        a: &Value,
        items: &[IndexItem],
    ) -> Result<Option<Value>> {
        let Value::Gpu(g) = a else { return Ok(None) };
        if let Some(v) = self.gpu_index(g, items)? {
            return Ok(Some(v));
        }
        let c = to_cpu(a)?;
        let arr = crate::value::value_to_array(&c)
            .ok_or_else(|| crate::gpu::gpu_error("reading an array back failed"))?;
        let r = crate::array::index::get(&arr, items).map(Value::from_array)?;
        self.place(r).map(Some)
    }

    /// A builtin call that may involve the GPU (see `gpu_builtin`); when no
    /// kernel applies, GPU arguments are read back (with a note for compute
    /// builtins) and a float result made in a GPU block goes back up.
    pub(crate) fn call_builtin_gpu(&mut self, b: Prim, args: Args) -> Result<Value> {
        if let Some(v) = self.gpu_builtin(b, &args)? {
            return Ok(v);
        }
        let mut args = args;
        let any_gpu = args
            .vals
            .iter()
            .flatten()
            .chain(args.rest.iter())
            .any(has_gpu)
            || args.kwrest.iter().any(|(_, v, _)| has_gpu(v));
        if any_gpu {
            if props::on_gpu(b) != OnGpu::ReadsBack {
                self.gpu_note(&format!("{}()", b.name()));
            }
            for v in args.vals.iter_mut().flatten() {
                *v = to_cpu(v)?;
            }
            for v in args.rest.iter_mut() {
                *v = to_cpu(v)?;
            }
            for (_, v, _) in args.kwrest.iter_mut() {
                *v = to_cpu(v)?;
            }
        }
        let r = (self.hooks.imp)(b)(self, args)?;
        let class = props::on_gpu(b);
        if matches!(b, P::To | P::Device) || class == OnGpu::ReadsBack && any_gpu {
            return Ok(r);
        }
        self.place(r)
    }
}

/// Does a builtin call need the GPU-aware path?
pub fn builtin_needs_gpu(it: &Interp, b: Prim, args: &Args) -> bool {
    it.on_gpu()
        || matches!(props::on_gpu(b), OnGpu::Move)
        || b == P::Device
        || args
            .vals
            .iter()
            .flatten()
            .chain(args.rest.iter())
            .any(has_gpu)
        || args.kwrest.iter().any(|(_, v, _)| has_gpu(v))
}

impl Interp {
    /// A fused elementwise program as one generated GPU kernel; `None`
    /// (ordinary path) when a GPU error or an unsupported case comes up.
    pub(crate) fn gpu_fused_plan(
        &mut self,
        steps: &[crate::array::fused::Step],
        leaves: &[Value],
    ) -> Option<Value> {
        use crate::array::fused::Step;
        let prog: Vec<G> = steps
            .iter()
            .map(|s| match *s {
                Step::Input(k) => Some(G::Input(k)),
                Step::Unary(op) => Some(G::Unary(op)),
                Step::Binary(op) => Some(G::Binary(op)),
                Step::Const(_) => None,
            })
            .collect::<Option<Vec<G>>>()?;
        let refs: Vec<&Value> = leaves.iter().collect();
        self.gpu_fused(&refs, &prog).ok().flatten()
    }
}
