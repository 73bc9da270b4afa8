//! The GPU backend: `GpuArray` views of device buffers and the WGSL
//! kernels in `gpu::kernels`. Float32 and bool only (WGSL has no 64-bit
//! types); what it cannot do returns `Ok(None)` and runs on the CPU.

use super::{BackendStorage, DeviceKind, Input, Step, Storage};
use crate::array::elementwise::BinaryOp;
use crate::array::index::IndexItem;
use crate::array::reduce::ReduceOp;
use crate::array::{broadcast_shapes, Array, DType, Scalar};
use crate::diagnostics::Result;
use crate::gpu::array::{contiguous_strides, Kind};
use crate::gpu::kernels::{self, Red, G};
use crate::gpu::{gpu_error, Gpu, GpuArray};

/// int64 values up to this magnitude convert to float32 exactly.
pub const EXACT_F32_INT: i64 = 1 << 24;

/// The device a GPU array lives on.
fn device() -> Result<&'static Gpu> {
    crate::gpu::get().ok_or_else(|| gpu_error("no GPU adapter is open"))
}

impl BackendStorage for GpuArray {
    const DEVICE: DeviceKind = DeviceKind::Gpu;

    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn dtype(&self) -> DType {
        GpuArray::dtype(self)
    }
    fn to_host(&self) -> Result<Array> {
        self.download(device()?)
    }

    /// Floats (as float32), bools, and int64 within ±2^24 (as float32).
    fn from_host(a: &Array) -> Result<Option<GpuArray>> {
        if let Array::I64(x) = a {
            if x.iter().any(|v| v.abs() > EXACT_F32_INT) {
                return Ok(None);
            }
        }
        GpuArray::upload(device()?, a).map(Some)
    }

    fn program(steps: &[Step], ins: &[Input<'_, GpuArray>]) -> Result<Option<GpuArray>> {
        let g = device()?;
        let mut shape: Vec<usize> = Vec::new();
        for i in ins {
            if let Input::Array(a) = i {
                shape = match broadcast_shapes(&shape, &a.shape) {
                    Ok(s) => s,
                    Err(_) => return Ok(None), // the CPU path reports it
                };
            }
        }
        if shape.len() > kernels::MAXD {
            return Ok(None);
        }
        let mut arrays: Vec<GpuArray> = Vec::new();
        let mut consts: Vec<f32> = Vec::new();
        let mut map = Vec::with_capacity(ins.len());
        for i in ins {
            match i {
                Input::Array(a) => {
                    map.push(G::Input(arrays.len()));
                    arrays.push(a.broadcast_view(&shape));
                }
                Input::Scalar(s, _) => {
                    let (c, is_bool) = match s {
                        Scalar::Bool(b) => (*b as u8 as f32, true),
                        other => (other.as_f64() as f32, false),
                    };
                    map.push(G::Const(consts.len(), is_bool));
                    consts.push(c);
                }
            }
        }
        let mut prog = Vec::with_capacity(steps.len());
        for s in steps {
            prog.push(match *s {
                Step::Input(k) => match map.get(k) {
                    Some(g) => *g,
                    None => return Ok(None),
                },
                Step::Unary(op) => G::Unary(op),
                Step::Binary(op) => G::Binary(op),
                Step::Where => G::Where,
            });
        }
        let refs: Vec<&GpuArray> = arrays.iter().collect();
        kernels::run_program(g, &prog, &refs, &consts, &shape, None)
    }

    fn matmul(&self, rhs: &GpuArray) -> Result<Option<GpuArray>> {
        if self.kind != Kind::F32 || rhs.kind != Kind::F32 || self.ndim() == 0 || rhs.ndim() == 0 {
            return Ok(None); // the CPU path explains
        }
        let (mut a, mut b) = (self.clone(), rhs.clone());
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
        let r = kernels::matmul(device()?, &a, &b, &batch)?;
        let mut shape = batch.clone();
        if !a1 {
            shape.push(r.shape[r.ndim() - 2]);
        }
        if !b1 {
            shape.push(r.shape[r.ndim() - 1]);
        }
        Ok(Some(GpuArray {
            strides: contiguous_strides(&shape),
            shape,
            ..r
        }))
    }

    fn reduce(
        &self,
        op: ReduceOp,
        axes: Option<&[usize]>,
        keepdims: bool,
    ) -> Result<Option<Storage>> {
        let g = device()?;
        let red = match op {
            ReduceOp::Sum => Red::Sum,
            ReduceOp::Mean => Red::Mean,
            ReduceOp::Prod => Red::Prod,
            ReduceOp::Max => Red::Max,
            ReduceOp::Min => Red::Min,
            ReduceOp::Any => Red::Any,
            ReduceOp::All => Red::All,
            ReduceOp::ArgMax => Red::ArgMax,
            ReduceOp::ArgMin => Red::ArgMin,
            ReduceOp::Var | ReduceOp::Std | ReduceOp::Median => return Ok(None),
        };
        let arg = matches!(red, Red::ArgMax | Red::ArgMin);
        let ax: Vec<usize> = match axes {
            Some(a) => a.to_vec(),
            None => (0..self.ndim()).collect(),
        };
        let r: usize = ax.iter().map(|&d| self.shape[d]).product();
        if r == 0 && !matches!(red, Red::Sum | Red::Prod | Red::Any | Red::All) {
            return Ok(None); // NumPy's empty-reduction error or warning, on the CPU
        }
        let (x, ax, orig_axes) = if arg && axes.is_none() && self.ndim() > 1 {
            // Flat index over all axes: a contiguous copy reduced as 1-d.
            let c = kernels::contiguous(g, self)?;
            let flat = c.reshaped_view(&[c.len()]).unwrap_or(c);
            (flat, vec![0], vec![0])
        } else {
            (self.clone(), ax.clone(), ax)
        };
        let res = kernels::reduce(g, &x, &ax, red)?;
        let orig_shape = &self.shape;
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
            res.shape.clone()
        };
        if arg {
            // Indices are int64: they come back to the CPU.
            let words = g.read(&res.buf, 0, res.len())?;
            let v: Vec<i64> = words.into_iter().map(|w| w as i64).collect();
            return Ok(Some(Storage::Cpu(Array::from_vec(&out_shape, v))));
        }
        Ok(res.reshaped_view(&out_shape).map(Storage::Gpu))
    }

    /// Basic indexing (ints, slices, `...`, newaxis) is a view; index
    /// arrays and anything out of range go to the CPU.
    fn index(&self, items: &[IndexItem]) -> Result<Option<GpuArray>> {
        let a = self;
        if items.iter().any(|i| matches!(i, IndexItem::Array(_))) {
            return Ok(None);
        }
        let n_real = items
            .iter()
            .filter(|i| matches!(i, IndexItem::Int(_) | IndexItem::Slice { .. }))
            .count();
        let n_ellipsis = items
            .iter()
            .filter(|i| matches!(i, IndexItem::Ellipsis))
            .count();
        if n_real > a.ndim() || n_ellipsis > 1 {
            return Ok(None); // the CPU path reports the error
        }
        let mut shape = Vec::new();
        let mut strides = Vec::new();
        let mut offset = a.offset as isize;
        let mut d = 0usize;
        for it in items {
            match it {
                IndexItem::Ellipsis => {
                    for _ in 0..a.ndim() - n_real {
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
                    let step = step.unwrap_or(1);
                    if step == 0 {
                        return Ok(None);
                    }
                    // The CPU's clipping (in i128: no step overflows).
                    let (s, len) =
                        crate::array::index::slice_first_len(*start, *stop, step, a.shape[d]);
                    if len > 0 {
                        offset += s as isize * a.strides[d];
                    }
                    shape.push(len as usize);
                    // One element taken: its stride is never used (and a
                    // huge step would overflow isize).
                    strides.push(if len > 1 {
                        a.strides[d] * step as isize
                    } else {
                        0
                    });
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
        Ok(Some(GpuArray {
            buf: a.buf.clone(),
            shape,
            strides,
            offset: offset as usize,
            kind: a.kind,
        }))
    }

    fn permute(&self, perm: &[usize]) -> GpuArray {
        self.permuted(perm)
    }

    fn reshape(&self, shape: &[usize]) -> Result<Option<GpuArray>> {
        if shape.iter().product::<usize>() != self.len() {
            return Ok(None); // the CPU path reports it
        }
        let x = if self.is_contiguous() {
            self.clone()
        } else {
            kernels::contiguous(device()?, self)?
        };
        Ok(x.reshaped_view(shape))
    }

    fn broadcast_to(&self, shape: &[usize]) -> Result<Option<GpuArray>> {
        Ok(Some(self.broadcast_view(shape)))
    }

    fn insert_axis(&self, d: usize) -> Result<GpuArray> {
        let mut v = self.clone();
        v.shape.insert(d, 1);
        v.strides.insert(d, 0);
        Ok(v)
    }

    fn copy(&self) -> Result<GpuArray> {
        kernels::contiguous(device()?, self)
    }

    fn concatenate(parts: &[GpuArray], axis: usize) -> Result<Option<GpuArray>> {
        let g = device()?;
        let Some(first) = parts.first() else {
            return Ok(None);
        };
        let nd = first.ndim();
        if nd == 0 || axis >= nd {
            return Ok(None);
        }
        let mut total = 0;
        for p in parts {
            if p.ndim() != nd
                || p.kind != first.kind
                || (0..nd).any(|d| d != axis && p.shape[d] != first.shape[d])
            {
                return Ok(None); // the CPU path reports the mismatch
            }
            total += p.shape[axis];
        }
        let mut shape = first.shape.clone();
        shape[axis] = total;
        let n: usize = shape.iter().product();
        let out = GpuArray::new(g.alloc(n as u64 * 4)?, shape, first.kind);
        let mut at = 0usize;
        for p in parts {
            let mut dst = out.clone();
            dst.shape = p.shape.clone();
            dst.offset = at * out.strides[axis] as usize;
            kernels::copy_into(g, p, &dst)?;
            at += p.shape[axis];
        }
        Ok(Some(out))
    }

    fn astype(&self, dt: DType) -> Result<Option<GpuArray>> {
        match (self.kind, dt) {
            (Kind::F32, DType::F32 | DType::F64) => Ok(Some(self.clone())),
            (Kind::Bool, DType::F32 | DType::F64) => GpuArray::program(
                &[Step::Input(0), Step::Input(1), Step::Binary(BinaryOp::Add)],
                &[Input::Array(self), Input::Scalar(Scalar::F64(0.0), true)],
            ),
            _ => Ok(None),
        }
    }
}
