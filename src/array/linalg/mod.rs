//! Matrix products: `@`/matmul with NumPy's shape rules (1-d promotion,
//! broadcast batch dimensions) and outer, over faer's kernels (ndarray's
//! for integers); and, in `decomp`, the `numpy.linalg` functions (norm,
//! inv, pinv, solve, det, lstsq, eig, eigh, svd, qr, cholesky,
//! matrix_rank) over faer's decompositions.

mod decomp;

pub use decomp::{
    cholesky, det, eig, eigh, inv, lstsq, matrix_rank, norm, pinv, qr, solve, svd, svdvals, Lstsq,
    NormOrd, QrMode,
};

use super::dtype::{promote, DType};
use super::{broadcast_shapes, check_size, fmt_shape, Arr, Array, Element};
use crate::diagnostics::{Error, Result};
use faer::MatRef;
use ndarray::{
    linalg::general_mat_mul, Array2, ArrayD, ArrayView2, Axis, Ix2, IxDyn, LinalgScalar,
};

fn shape_err(a: &[usize], b: &[usize], what: String) -> Error {
    Error::shape(format!(
        "matmul: shapes {} and {} are not aligned",
        fmt_shape(a),
        fmt_shape(b)
    ))
    .label_arg(0, format!("shape {}", fmt_shape(a)))
    .label_arg(1, format!("shape {}", fmt_shape(b)))
    .with_help(what)
}

/// `a @ b` (NumPy's `matmul`).
pub fn matmul(a: &Array, b: &Array) -> Result<Array> {
    if a.ndim() == 0 || b.ndim() == 0 {
        return Err(Error::value("matmul: an operand is a scalar (0-d)")
            .label_arg(if a.ndim() == 0 { 0 } else { 1 }, "0-d value")
            .with_help("use `*` to multiply by a scalar"));
    }
    let dt = promote(a.dtype(), b.dtype());
    let (sa, sb) = (a.shape().to_vec(), b.shape().to_vec());
    // Promote 1-d operands to matrices, remember to drop those axes.
    let a2 = if sa.len() == 1 {
        a.reshape(&[1, sa[0]])?
    } else {
        a.clone()
    };
    let b2 = if sb.len() == 1 {
        b.reshape(&[sb[0], 1])?
    } else {
        b.clone()
    };
    let (pa, pb) = (a2.shape().to_vec(), b2.shape().to_vec());
    let (n, k) = (pa[pa.len() - 2], pa[pa.len() - 1]);
    let (k2, m) = (pb[pb.len() - 2], pb[pb.len() - 1]);
    if k != k2 {
        let left = if sa.len() == 1 {
            format!("the length of the left vector ({k})")
        } else {
            format!("the last dimension of the left operand ({k})")
        };
        let right = if sb.len() == 1 {
            format!("the length of the right vector ({k2})")
        } else {
            format!("the second-to-last dimension of the right operand ({k2})")
        };
        return Err(shape_err(&sa, &sb, format!("{left} must equal {right}")));
    }
    let batch = broadcast_shapes(&pa[..pa.len() - 2], &pb[..pb.len() - 2]).map_err(|e| {
        shape_err(
            &sa,
            &sb,
            format!(
                "batch dimensions must broadcast: {}",
                e.help.unwrap_or_default()
            ),
        )
    })?;
    let mut out_shape = batch.clone();
    out_shape.push(n);
    out_shape.push(m);
    check_size(&out_shape)?;
    let r = match dt {
        DType::F64 => Array::F64(batched::<f64>(
            &a2.to_f64_nd(),
            &b2.to_f64_nd(),
            &batch,
            n,
            k,
            m,
        )?),
        DType::F32 => {
            let (x, y) = (a2.astype(DType::F32), b2.astype(DType::F32));
            match (x, y) {
                (Array::F32(x), Array::F32(y)) => {
                    Array::F32(batched::<f32>(&x, &y, &batch, n, k, m)?)
                }
                _ => unreachable!("astype(F32)"),
            }
        }
        DType::I64 => Array::I64(batched::<i64>(
            &a2.to_i64_nd(),
            &b2.to_i64_nd(),
            &batch,
            n,
            k,
            m,
        )?),
        DType::Bool => {
            let r = batched::<i64>(&a2.to_i64_nd(), &b2.to_i64_nd(), &batch, n, k, m)?;
            Array::Bool(r.map(|&v| v != 0).into_shared())
        }
    };
    // Drop the axes added for 1-d operands.
    let mut final_shape = batch;
    if sa.len() > 1 {
        final_shape.push(n);
    }
    if sb.len() > 1 {
        final_shape.push(m);
    }
    r.reshape(&final_shape)
}

/// Element types `@` multiplies: floats go to faer's BLAS-speed kernels
/// (multi-threaded above a size threshold), integers to ndarray's.
///
/// A big product is computed in blocks of output rows with a Ctrl-C check
/// between blocks, so `a @ b` on huge matrices stops within a block's time.
/// Each output element is still one dot product over the whole `k` axis
/// done by the same kernel, so the result is bit-identical to the unsplit
/// product.
pub trait MatMulElem: Element + LinalgScalar {
    /// Multiply-adds per row block (a fraction of a second of work).
    const BLOCK_FLOPS: usize;
    /// The fewest rows a block has (keeps the kernel at full speed).
    const MIN_ROWS: usize;
    /// `c = x @ y` for the rows of `x` and `c` given (same count).
    fn mm_into(x: &ArrayView2<Self>, y: &ArrayView2<Self>, c: &mut [Self]);
}

/// Multiply-adds below which a product is done in one piece.
const SPLIT_FLOPS: usize = 1 << 30;

impl MatMulElem for i64 {
    // ndarray's integer kernel is a plain loop: much slower than faer.
    const BLOCK_FLOPS: usize = 1 << 27;
    const MIN_ROWS: usize = 1;
    fn mm_into(x: &ArrayView2<i64>, y: &ArrayView2<i64>, c: &mut [i64]) {
        let shape = (x.nrows(), y.ncols());
        match ndarray::ArrayViewMut2::from_shape(shape, c) {
            Ok(mut c) => general_mat_mul(1, x, y, 0, &mut c),
            Err(_) => unreachable!("matmul block has rows*m elements"),
        }
    }
}

/// Multiply-adds above which faer may use every core.
// Measured here (2 cores): faer on one thread beats two below about 128^3
// (64^3: 15 us vs 28 us; 128^3: 123 us vs 90 us), and a parallel call also
// pays ~17 us to clear the workers' AVX state (`clear_avx_state`).
const PAR_FLOPS: usize = 1 << 21;

macro_rules! faer_mm {
    ($t:ty) => {
        impl MatMulElem for $t {
            // About 0.1-0.3 s on two cores; smaller blocks cost speed.
            const BLOCK_FLOPS: usize = 1 << 33;
            const MIN_ROWS: usize = 256;
            fn mm_into(x: &ArrayView2<$t>, y: &ArrayView2<$t>, c: &mut [$t]) {
                let (n, k, m) = (x.nrows(), x.ncols(), y.ncols());
                // Row-major and column-major (transposed) views are used in
                // place; any other layout is copied once.
                fn view<'a>(v: &'a ArrayView2<'a, $t>, tmp: &'a mut Vec<$t>) -> MatRef<'a, $t> {
                    let (r, c) = (v.nrows(), v.ncols());
                    if let Some(s) = v.as_slice() {
                        return MatRef::from_row_major_slice(s, r, c);
                    }
                    if let Some(s) = v.clone().reversed_axes().to_slice() {
                        return MatRef::from_column_major_slice(s, r, c);
                    }
                    *tmp = v.iter().copied().collect();
                    MatRef::from_row_major_slice(tmp.as_slice(), r, c)
                }
                let (mut tx, mut ty) = (Vec::new(), Vec::new());
                let (lhs, rhs) = (view(x, &mut tx), view(y, &mut ty));
                let par = if n * k * m >= PAR_FLOPS {
                    faer::Par::rayon(0)
                } else {
                    faer::Par::Seq
                };
                let parallel = matches!(par, faer::Par::Rayon(_));
                faer::linalg::matmul::matmul(
                    faer::MatMut::from_row_major_slice_mut(c, n, m),
                    faer::Accum::Replace,
                    lhs,
                    rhs,
                    1.0 as $t,
                    par,
                );
                clear_avx_state(parallel);
            }
        }
    };
}
faer_mm!(f64);
faer_mm!(f32);

/// Rows per block for an `n×k @ k×m` product: all `n` (one piece) unless
/// the product is big, else blocks of about `T::BLOCK_FLOPS` multiply-adds
/// (at least `T::MIN_ROWS` rows), balanced so no block is a small rest.
fn block_rows<T: MatMulElem>(n: usize, k: usize, m: usize) -> usize {
    let per_row = k.saturating_mul(m).max(1);
    let split_at = SPLIT_FLOPS.min(T::BLOCK_FLOPS);
    if n.saturating_mul(per_row) < split_at || n < 2 * T::MIN_ROWS {
        return n.max(1);
    }
    let rows = (T::BLOCK_FLOPS / per_row).max(T::MIN_ROWS);
    let blocks = (n / rows).max(1);
    n.div_ceil(blocks)
}

/// `x @ y`, in row blocks of `rows` with a Ctrl-C check after each.
fn mm_blocks<T: MatMulElem>(
    x: &ArrayView2<T>,
    y: &ArrayView2<T>,
    rows: usize,
) -> Result<Array2<T>> {
    let (n, m) = (x.nrows(), y.ncols());
    let mut out = vec![<T as Element>::zero(); n * m];
    if m > 0 {
        for (b, c) in out.chunks_mut(rows.max(1) * m).enumerate() {
            let r0 = b * rows;
            let xb = x.slice(ndarray::s![r0..r0 + c.len() / m, ..]);
            T::mm_into(&xb, y, c);
            crate::interrupt::check_interrupted()?;
        }
    } else {
        // An empty result still goes through the kernel (no work).
        T::mm_into(x, y, &mut out);
    }
    match Array2::from_shape_vec((n, m), out) {
        Ok(c) => Ok(c),
        Err(_) => unreachable!("matmul output has n*m elements"),
    }
}

fn mm<T: MatMulElem>(x: &ArrayView2<T>, y: &ArrayView2<T>) -> Result<Array2<T>> {
    mm_blocks(x, y, block_rows::<T>(x.nrows(), x.ncols(), y.ncols()))
}

fn batched<T: MatMulElem>(
    a: &Arr<T>,
    b: &Arr<T>,
    batch: &[usize],
    n: usize,
    k: usize,
    m: usize,
) -> Result<Arr<T>> {
    let mut full_a = batch.to_vec();
    full_a.extend([n, k]);
    let mut full_b = batch.to_vec();
    full_b.extend([k, m]);
    let (Some(av), Some(bv)) = (a.broadcast(IxDyn(&full_a)), b.broadcast(IxDyn(&full_b))) else {
        unreachable!("matmul: batch shapes were broadcast-checked")
    };
    let nb: usize = batch.iter().product();
    let mut out_shape = batch.to_vec();
    out_shape.extend([n, m]);
    if batch.is_empty() {
        let (Ok(x), Ok(y)) = (
            av.into_dimensionality::<Ix2>(),
            bv.into_dimensionality::<Ix2>(),
        ) else {
            unreachable!("matmul: 2-d operands")
        };
        return Ok(mm(&x, &y)?.into_dyn().into_shared());
    }
    let to3 = |v: ndarray::ArrayViewD<T>, d: [usize; 3]| -> ArrayD<T> {
        match v
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(IxDyn(&d))
        {
            Ok(x) => x,
            Err(_) => unreachable!("matmul: standard layout reshapes"),
        }
    };
    let a3 = to3(av, [nb, n, k]);
    let b3 = to3(bv, [nb, k, m]);
    let mut out = ArrayD::<T>::zeros(IxDyn(&[nb, n, m]));
    for i in 0..nb {
        let (Ok(x), Ok(y)) = (
            a3.index_axis(Axis(0), i).into_dimensionality::<Ix2>(),
            b3.index_axis(Axis(0), i).into_dimensionality::<Ix2>(),
        ) else {
            unreachable!("matmul: 2-d slices")
        };
        // `mm` checks Ctrl-C inside a big product; check between small ones.
        let c = mm(&x, &y)?;
        out.index_axis_mut(Axis(0), i).assign(&c.into_dyn());
        crate::interrupt::check_interrupted()?;
    }
    match out.into_shape_with_order(IxDyn(&out_shape)) {
        Ok(o) => Ok(o.into_shared()),
        Err(_) => unreachable!("matmul: output size matches"),
    }
}

/// NumPy's `outer`: flatten both and form the outer product.
pub fn outer(a: &Array, b: &Array) -> Result<Array> {
    let x = a.reshape(&[a.len(), 1])?;
    let y = b.reshape(&[1, b.len()])?;
    matmul(&x, &y)
}

/// faer's x86 kernels return with the upper halves of the AVX registers
/// dirty (no `vzeroupper`) on the threads that ran them. Until something
/// clears them, SSE-encoded code on those threads — libm's exp, tanh, sin —
/// runs several times slower: measured here, a parallel tanh over 32K
/// elements took 0.27 ms before one parallel matmul and 2.4 ms after it,
/// for the rest of the process, and 0.27 ms again after clearing. So clear
/// them on this thread after every faer call, and on the rayon workers
/// after calls that may have run there.
pub(crate) fn clear_avx_state(workers: bool) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx")]
        unsafe fn zero_upper() {
            // Only called when the CPU has AVX (checked below).
            std::arch::x86_64::_mm256_zeroupper()
        }
        static AVX: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if *AVX.get_or_init(|| std::arch::is_x86_feature_detected!("avx")) {
            // SAFETY: the CPU supports AVX.
            unsafe { zero_upper() };
            if workers {
                // SAFETY: as above; every pool thread runs on the same CPU.
                rayon::broadcast(|_| unsafe { zero_upper() });
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = workers;
}

/// Whether this thread and each rayon worker have the AVX upper state in use
/// (XINUSE bit 2, read with `xgetbv(1)`); `None` where the CPU cannot say.
/// Tests use it to check that `clear_avx_state` ran after faer.
pub fn avx_upper_state_in_use() -> Option<Vec<bool>> {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "xsave")]
        unsafe fn xinuse() -> u64 {
            std::arch::x86_64::_xgetbv(1)
        }
        // CPUID leaf 0xD, sub-leaf 1, EAX bit 2: xgetbv with ECX = 1 works.
        let leaf = std::arch::x86_64::__cpuid_count(0xD, 1);
        if leaf.eax & 4 == 0 || !std::arch::is_x86_feature_detected!("xsave") {
            return None;
        }
        // SAFETY: xsave and xgetbv(1) support were checked above.
        let mut v = vec![unsafe { xinuse() } & 4 != 0];
        v.extend(rayon::broadcast(|_| unsafe { xinuse() } & 4 != 0));
        Some(v)
    }
    #[cfg(not(target_arch = "x86_64"))]
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f64a(shape: &[usize], v: &[f64]) -> Array {
        Array::from_vec(shape, v.to_vec())
    }
    fn i64a(shape: &[usize], v: &[i64]) -> Array {
        Array::from_vec(shape, v.to_vec())
    }
    fn mm(a: &Array, b: &Array) -> Array {
        matmul(a, b).unwrap()
    }

    /// Deterministic pseudo-random values in [-1, 1).
    fn noise(len: usize, seed: u64) -> Vec<f64> {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..len)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 11) as f64 / (1u64 << 52) as f64 - 1.0
            })
            .collect()
    }

    #[test]
    fn big_products_split_into_row_blocks() {
        // Small products are one piece; big ones split into balanced blocks.
        assert_eq!(block_rows::<f64>(1024, 1024, 1024), 1024);
        assert_eq!(block_rows::<f64>(300, 4096, 4096), 300);
        assert_eq!(block_rows::<f64>(2048, 2048, 2048), 2048);
        assert_eq!(block_rows::<f64>(1100, 2048, 2048), 1100);
        assert_eq!(block_rows::<f64>(1100, 2048, 8192), 550);
        assert_eq!(block_rows::<f64>(6000, 6000, 6000), 261);
        assert_eq!(block_rows::<f32>(4096, 4096, 4096), 512);
        assert_eq!(block_rows::<i64>(800, 800, 800), 267);
        assert_eq!(block_rows::<f64>(0, 0, 0), 1);
    }

    #[test]
    fn row_blocks_give_bit_identical_products() {
        // faer computes every output element the same way whatever rows
        // surround it: splitting never changes a bit (f64, f32, strided
        // and transposed operands, blocks of uneven size).
        let (n, k, m) = (700, 333, 257);
        let x = ndarray::Array2::from_shape_vec((n, k), noise(n * k, 1)).unwrap();
        let y = ndarray::Array2::from_shape_vec((k, m), noise(k * m, 2)).unwrap();
        let whole = mm_blocks(&x.view(), &y.view(), n).unwrap();
        for rows in [256, 300, 1, 699] {
            let split = mm_blocks(&x.view(), &y.view(), rows).unwrap();
            assert!(whole
                .iter()
                .zip(&split)
                .all(|(a, b)| a.to_bits() == b.to_bits()));
        }
        let yt = y.t().to_owned();
        let (xs, ys) = (x.slice(ndarray::s![.., ..;2]), yt.t());
        let ys = ys.slice(ndarray::s![..;2, ..]);
        let whole = mm_blocks(&xs, &ys, n).unwrap();
        let split = mm_blocks(&xs, &ys, 256).unwrap();
        assert!(whole
            .iter()
            .zip(&split)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        let (x32, y32) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
        let whole = mm_blocks(&x32.view(), &y32.view(), n).unwrap();
        let split = mm_blocks(&x32.view(), &y32.view(), 256).unwrap();
        assert!(whole
            .iter()
            .zip(&split)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }

    #[test]
    fn split_matmul_through_at_matches_the_unsplit_product() {
        // (1100, 2048) @ (2048, 8192) runs as two blocks of 550 rows.
        let (n, k, m) = (1100, 2048, 8192);
        let (xv, yv) = (noise(n * k, 3), noise(k * m, 4));
        let got = mm(&f64a(&[n, k], &xv), &f64a(&[k, m], &yv)).to_f64_vec();
        let x = ndarray::Array2::from_shape_vec((n, k), xv).unwrap();
        let y = ndarray::Array2::from_shape_vec((k, m), yv).unwrap();
        let whole = mm_blocks(&x.view(), &y.view(), n).unwrap();
        assert!(whole
            .iter()
            .zip(&got)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        // Integers: three blocks of 267 rows against the schoolbook product.
        let n = 800;
        let xi: Vec<i64> = (0..n * n).map(|i| (i as i64 * 7919) % 201 - 100).collect();
        let yi: Vec<i64> = (0..n * n).map(|i| (i as i64 * 104729) % 199 - 99).collect();
        let got = mm(&i64a(&[n, n], &xi), &i64a(&[n, n], &yi));
        let Array::I64(got) = got else {
            panic!("int64 product")
        };
        for (r, c) in [
            (0, 0),
            (266, 17),
            (267, 5),
            (533, 8),
            (534, 700),
            (799, 799),
        ] {
            let want: i64 = (0..n).map(|j| xi[r * n + j] * yi[j * n + c]).sum();
            assert_eq!(got[[r, c]], want, "[{r}, {c}]");
        }
    }
}
