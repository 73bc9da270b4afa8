//! `GpuArray`: a strided view of a storage buffer. Transposes, slices,
//! broadcasts and reshapes of contiguous arrays are new views of the same
//! buffer; kernels read views through shape/stride metadata.

use super::{Gpu, WG};
use crate::array::{check_size, Array};
use crate::diagnostics::Result;
use std::sync::Arc;

/// The element type stored on the GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    F32,
    /// 0 or 1 in a u32 word.
    Bool,
}

/// A buffer that goes back to the pool when the last view of it is dropped.
pub struct GpuBuf {
    buf: Option<wgpu::Buffer>,
    bytes: u64,
}

impl GpuBuf {
    pub(super) fn new(b: wgpu::Buffer, bytes: u64) -> GpuBuf {
        GpuBuf {
            buf: Some(b),
            bytes,
        }
    }
    pub fn buffer(&self) -> &wgpu::Buffer {
        match &self.buf {
            Some(b) => b,
            None => unreachable!("a GpuBuf holds its buffer until dropped"),
        }
    }
    pub fn words(&self) -> usize {
        (self.bytes / 4) as usize
    }
}

impl Drop for GpuBuf {
    fn drop(&mut self) {
        if let (Some(b), Some(g)) = (self.buf.take(), super::get()) {
            g.recycle(b, self.bytes);
        }
    }
}

#[derive(Clone)]
pub struct GpuArray {
    pub buf: Arc<GpuBuf>,
    pub shape: Vec<usize>,
    /// In elements; 0 for broadcast axes, negative for flipped ones.
    pub strides: Vec<isize>,
    /// First element, in elements.
    pub offset: usize,
    pub kind: Kind,
}

impl std::fmt::Debug for GpuArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "GpuArray({:?}, shape {:?}, strides {:?})",
            self.kind, self.shape, self.strides
        )
    }
}

pub fn contiguous_strides(shape: &[usize]) -> Vec<isize> {
    let mut s = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for d in (0..shape.len()).rev() {
        s[d] = acc;
        acc *= shape[d].max(1) as isize;
    }
    s
}

impl GpuArray {
    pub fn new(buf: GpuBuf, shape: Vec<usize>, kind: Kind) -> GpuArray {
        GpuArray {
            buf: Arc::new(buf),
            strides: contiguous_strides(&shape),
            shape,
            offset: 0,
            kind,
        }
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }
    pub fn dtype(&self) -> crate::array::DType {
        match self.kind {
            Kind::F32 => crate::array::DType::F32,
            Kind::Bool => crate::array::DType::Bool,
        }
    }

    /// Row-major with no gaps (offset may be non-zero).
    pub fn is_contiguous(&self) -> bool {
        let mut acc = 1isize;
        for d in (0..self.shape.len()).rev() {
            if self.shape[d] != 1 && self.strides[d] != acc {
                return false;
            }
            acc *= self.shape[d] as isize;
        }
        true
    }

    /// Upload a CPU array: float64/float32 → float32, bool → bool.
    /// int64 is refused here (callers keep it on the CPU or convert it).
    pub fn upload(g: &Gpu, a: &Array) -> Result<GpuArray> {
        let shape = a.shape().to_vec();
        let (words, kind): (Vec<u32>, Kind) = match a {
            Array::F32(x) => (x.iter().map(|v| v.to_bits()).collect(), Kind::F32),
            Array::F64(x) => (x.iter().map(|v| (*v as f32).to_bits()).collect(), Kind::F32),
            Array::Bool(x) => (x.iter().map(|v| *v as u32).collect(), Kind::Bool),
            Array::I64(x) => (x.iter().map(|v| (*v as f32).to_bits()).collect(), Kind::F32),
        };
        Ok(GpuArray::new(g.upload(&words)?, shape, kind))
    }

    /// Download to a CPU array (float32 or bool).
    pub fn download(&self, g: &Gpu) -> Result<Array> {
        let n = check_size(&self.shape)?;
        let words = if self.is_contiguous() {
            g.read(&self.buf, self.offset, n)?
        } else {
            let c = super::kernels::contiguous(g, self)?;
            g.read(&c.buf, 0, n)?
        };
        Ok(match self.kind {
            Kind::F32 => Array::from_vec(
                &self.shape,
                words.into_iter().map(f32::from_bits).collect::<Vec<f32>>(),
            ),
            Kind::Bool => Array::from_vec(
                &self.shape,
                words.into_iter().map(|w| w != 0).collect::<Vec<bool>>(),
            ),
        })
    }

    /// A view with axes permuted (`perm[i]` = source axis of axis i).
    pub fn permuted(&self, perm: &[usize]) -> GpuArray {
        let mut v = self.clone();
        v.shape = perm.iter().map(|&p| self.shape[p]).collect();
        v.strides = perm.iter().map(|&p| self.strides[p]).collect();
        v
    }

    /// A view broadcast to `shape` (which must be broadcast-compatible).
    pub fn broadcast_view(&self, shape: &[usize]) -> GpuArray {
        let lead = shape.len() - self.ndim();
        let mut strides = vec![0isize; shape.len()];
        for d in 0..self.ndim() {
            strides[lead + d] = if self.shape[d] == 1 && shape[lead + d] != 1 {
                0
            } else {
                self.strides[d]
            };
        }
        GpuArray {
            buf: self.buf.clone(),
            shape: shape.to_vec(),
            strides,
            offset: self.offset,
            kind: self.kind,
        }
    }

    /// A view with a new shape, when the data is contiguous (`None` otherwise).
    pub fn reshaped_view(&self, shape: &[usize]) -> Option<GpuArray> {
        if !self.is_contiguous() {
            return None;
        }
        Some(GpuArray {
            buf: self.buf.clone(),
            shape: shape.to_vec(),
            strides: contiguous_strides(shape),
            offset: self.offset,
            kind: self.kind,
        })
    }
}

/// Threads needed to cover `n` elements (kept in one place for the kernels).
pub fn threads(n: usize) -> usize {
    n.div_ceil(WG as usize) * WG as usize
}
