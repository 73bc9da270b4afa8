//! Where values meet the GPU: which operations run there, uploads of CPU
//! operands, the one-note-per-operation CPU fallback, and placing results
//! created inside `@device(gpu)` blocks on the device.

use super::props::{self, OnGpu};
use super::Args;
use super::{Device, Interp};
use crate::array::elementwise::{BinaryOp, UnaryOp};
use crate::array::index::IndexItem;
use crate::array::reduce::ReduceOp;
use crate::array::{broadcast_shapes, norm_axis, Array, DType, Scalar};
use crate::backend::{BackendStorage, Input, Step};
use crate::diagnostics::{Error, ErrorKind, Result};
use crate::gpu::{kernels, Gpu, GpuArray, Kind};
use crate::prim::{Prim, Prim as P};
use crate::value::Value;
use crate::value::{has_gpu, to_cpu};
use std::rc::Rc;

/// A GPU copy of a CPU array when the GPU holds it exactly (see
/// `GpuArray::from_host`); `None` otherwise.
fn upload(a: &Array) -> Result<Option<GpuArray>> {
    GpuArray::from_host(a)
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
                Some(_) => Ok(upload(a)?.map(Value::Gpu).unwrap_or(v.clone())),
                None => Ok(v),
            },
            _ => Ok(v),
        }
    }

    /// Run an elementwise program whose `Step::Input(k)` steps name
    /// `vals[k]` on the GPU backend. `Ok(None)`: not a GPU case (the caller
    /// takes the CPU path).
    fn gpu_program(&mut self, vals: &[&Value], prog: &[Step], what: &str) -> Result<Option<Value>> {
        if self.gpu_for(vals).is_none() {
            return Ok(None);
        }
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
        // Operands on the device (uploads of CPU arrays) or scalars.
        let mut arrays: Vec<Option<GpuArray>> = Vec::with_capacity(vals.len());
        let mut shape: Vec<usize> = Vec::new();
        for v in vals {
            let a = match v {
                Value::Gpu(a) => Some(a.clone()),
                Value::Array(a) => match upload(a)? {
                    Some(x) => Some(x),
                    None => {
                        if has_gpu_val {
                            self.gpu_note(&format!("{what} with int64 values beyond ±2^24"));
                        }
                        return Ok(None);
                    }
                },
                Value::Num(..) => None,
                _ => return Ok(None),
            };
            if let Some(a) = &a {
                shape = match broadcast_shapes(&shape, &a.shape) {
                    Ok(s) => s,
                    Err(_) => return Ok(None), // the CPU path reports it
                };
            }
            arrays.push(a);
        }
        if shape.len() > kernels::MAXD {
            self.gpu_note(&format!("{what} on arrays of more than 8 dimensions"));
            return Ok(None);
        }
        let ins: Vec<Input<'_, GpuArray>> = vals
            .iter()
            .zip(&arrays)
            .map(|(v, a)| match (a, v) {
                (Some(a), _) => Input::Array(a),
                (None, Value::Num(s, weak)) => Input::Scalar(*s, *weak),
                (None, _) => Input::Scalar(Scalar::F64(0.0), true), // not reached: filtered above
            })
            .collect();
        match GpuArray::program(prog, &ins)? {
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
            &[Step::Input(0), Step::Input(1), Step::Binary(op)],
            &format!("`{}`", op.name()),
        )
    }

    pub(crate) fn gpu_unary(&mut self, op: UnaryOp, x: &Value) -> Result<Option<Value>> {
        self.gpu_program(&[x], &[Step::Input(0), Step::Unary(op)], op.name())
    }

    /// A fused elementwise chain (postfix steps over `vals`).
    pub(crate) fn gpu_fused(&mut self, vals: &[&Value], prog: &[Step]) -> Result<Option<Value>> {
        self.gpu_program(vals, prog, "this expression")
    }

    pub(crate) fn gpu_matmul(&mut self, x: &Value, y: &Value) -> Result<Option<Value>> {
        if self.gpu_for(&[x, y]).is_none() {
            return Ok(None);
        }
        let get = |me: &mut Interp, v: &Value| -> Result<Option<GpuArray>> {
            Ok(match v {
                Value::Gpu(a) if a.kind == Kind::F32 => Some(a.clone()),
                Value::Array(a) if a.dtype().is_float() => upload(a)?,
                _ => {
                    if has_gpu(v) {
                        me.gpu_note("@ on bool or int arrays");
                    }
                    None
                }
            })
        };
        let (Some(a), Some(b)) = (get(self, x)?, get(self, y)?) else {
            return Ok(None);
        };
        Ok(a.matmul(&b)?.map(Value::Gpu))
    }

    /// Basic indexing (ints, slices, `...`, newaxis) of a GPU array is a
    /// view; other indexes run on the CPU.
    pub(crate) fn gpu_index(&mut self, a: &GpuArray, items: &[IndexItem]) -> Result<Option<Value>> {
        if items.iter().any(|i| matches!(i, IndexItem::Array(_))) {
            self.gpu_note("indexing with arrays");
            return Ok(None);
        }
        Ok(a.index(items)?.map(Value::Gpu))
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
        if self.gpu_for(&vals).is_none() {
            return Ok(None);
        }
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
                        &[Step::Input(0), Step::Input(1), Step::Input(2), Step::Where],
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
                let mut prog = vec![Step::Input(0)];
                for (v, op) in [(lo, BinaryOp::Maximum), (hi, BinaryOp::Minimum)] {
                    if let Some(v) = v.as_ref().filter(|v| !matches!(v, Value::None)) {
                        prog.push(Step::Input(vals.len()));
                        prog.push(Step::Binary(op));
                        vals.push(v);
                    }
                }
                self.gpu_program(&vals, &prog, "clip")
            }
            P::Sum
            | P::Mean
            | P::Prod
            | P::Max
            | P::Min
            | P::Any
            | P::All
            | P::Argmax
            | P::Argmin => self.gpu_reduce(b, a),
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
                    return Ok(Some(Value::Gpu(x.permute(&perm))));
                }
                let perm: Vec<usize> = (0..x.ndim()).rev().collect();
                Ok(Some(Value::Gpu(x.permute(&perm))))
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
                // A size mismatch (also -1): the CPU path resolves and reports.
                Ok(x.reshape(&shape)?.map(Value::Gpu))
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
                Ok(x.broadcast_to(&shape)?.map(Value::Gpu))
            }
            P::ExpandDims => {
                let Some(Value::Gpu(x)) = x else {
                    return Ok(None);
                };
                let Ok(Some(ax)) = a.axis(1) else {
                    return Ok(None);
                };
                let d = norm_axis(ax, x.ndim() + 1)?;
                Ok(Some(Value::Gpu(x.insert_axis(d)?)))
            }
            // The value itself, on whichever device it is.
            P::StopGradient => Ok(x.cloned()),
            P::Copy => match x {
                Some(Value::Gpu(x)) => Ok(Some(Value::Gpu(x.copy()?))),
                // Every other primitive is classified as something else above.
                _other => Ok(None),
            },
            P::Astype => match (x, a.vals.get(1)) {
                (Some(Value::Gpu(x)), Some(Some(Value::DType(dt)))) => {
                    Ok(x.astype(*dt)?.map(Value::Gpu))
                }
                // Every other primitive is classified as something else above.
                _other => Ok(None),
            },
            P::Concatenate => self.gpu_concatenate(a),
            // Every other primitive is classified as something else above.
            _other => Ok(None),
        }
    }

    fn gpu_reduce(&mut self, name: Prim, a: &Args) -> Result<Option<Value>> {
        let Some(Some(v)) = a.vals.first() else {
            return Ok(None);
        };
        let x = match v {
            Value::Gpu(x) => x.clone(),
            Value::Array(arr) if arr.dtype() != DType::I64 => match upload(arr)? {
                Some(x) => x,
                None => return Ok(None),
            },
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
        let ax: Option<Vec<usize>> = match &axes {
            None => None,
            Some(v) => {
                let mut o = Vec::new();
                for &d in v {
                    let d = norm_axis(d, nd)?;
                    if o.contains(&d) {
                        return Ok(None);
                    }
                    o.push(d);
                }
                o.sort_unstable();
                Some(o)
            }
        };
        let op = match name {
            P::Sum => ReduceOp::Sum,
            P::Mean => ReduceOp::Mean,
            P::Prod => ReduceOp::Prod,
            P::Max => ReduceOp::Max,
            P::Min => ReduceOp::Min,
            P::Any => ReduceOp::Any,
            P::All => ReduceOp::All,
            P::Argmax => ReduceOp::ArgMax,
            P::Argmin => ReduceOp::ArgMin,
            // Every other primitive is classified as something else.
            _other => return Ok(None),
        };
        Ok(x.reduce(op, ax.as_deref(), keepdims)?
            .map(Value::from_storage))
    }

    fn gpu_concatenate(&mut self, a: &Args) -> Result<Option<Value>> {
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
                Value::Array(x) => match upload(x)? {
                    Some(u) if u.kind == Kind::F32 => u,
                    _ => return Ok(None),
                },
                _ => return Ok(None),
            });
        }
        let Some(first) = parts.first() else {
            return Ok(None);
        };
        if first.ndim() == 0 {
            return Ok(None);
        }
        let ax = norm_axis(axis, first.ndim())?;
        Ok(GpuArray::concatenate(&parts, ax)?.map(Value::Gpu))
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
                let Some(g) = crate::gpu::get() else {
                    return Ok(v);
                };
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
            Value::Array(x) => upload(x)?.map(Value::Gpu).unwrap_or(v.clone()),
            Value::Num(s, _) if s.dtype() != DType::I64 => upload(&Array::scalar(*s))?
                .map(Value::Gpu)
                .unwrap_or(v.clone()),
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
            // The CPU backend, which has every operation.
            let Some(r) = a.matmul(&b)?.map(Value::from_array) else {
                return Ok(None);
            };
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
        use crate::array::fused::Step as FStep;
        let prog: Vec<Step> = steps
            .iter()
            .map(|s| match *s {
                FStep::Input(k) => Some(Step::Input(k)),
                FStep::Unary(op) => Some(Step::Unary(op)),
                FStep::Binary(op) => Some(Step::Binary(op)),
                FStep::Const(_) => None,
            })
            .collect::<Option<Vec<Step>>>()?;
        let refs: Vec<&Value> = leaves.iter().collect();
        self.gpu_fused(&refs, &prog).ok().flatten()
    }
}
