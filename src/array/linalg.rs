//! Matrix products: `@`/matmul with NumPy's shape rules (1-d promotion,
//! broadcast batch dimensions), dot, outer, inner, trace.

use super::dtype::{promote, DType};
use super::{broadcast_shapes, check_size, fmt_shape, Arr, Array, Element};
use crate::diagnostics::{Error, Result};
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
        )),
        DType::F32 => {
            let (x, y) = (a2.astype(DType::F32), b2.astype(DType::F32));
            match (x, y) {
                (Array::F32(x), Array::F32(y)) => {
                    Array::F32(batched::<f32>(&x, &y, &batch, n, k, m))
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
        )),
        DType::Bool => {
            let r = batched::<i64>(&a2.to_i64_nd(), &b2.to_i64_nd(), &batch, n, k, m);
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

fn mm<T: Element + LinalgScalar>(x: &ArrayView2<T>, y: &ArrayView2<T>) -> Array2<T> {
    let mut c = Array2::<T>::zeros((x.nrows(), y.ncols()));
    general_mat_mul(
        <T as num_traits::One>::one(),
        x,
        y,
        <T as num_traits::Zero>::zero(),
        &mut c,
    );
    c
}

fn batched<T: Element + LinalgScalar>(
    a: &Arr<T>,
    b: &Arr<T>,
    batch: &[usize],
    n: usize,
    k: usize,
    m: usize,
) -> Arr<T> {
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
        return mm(&x, &y).into_dyn().into_shared();
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
        let c = mm(&x, &y);
        out.index_axis_mut(Axis(0), i).assign(&c.into_dyn());
    }
    match out.into_shape_with_order(IxDyn(&out_shape)) {
        Ok(o) => o.into_shared(),
        Err(_) => unreachable!("matmul: output size matches"),
    }
}

/// NumPy's `outer`: flatten both and form the outer product.
pub fn outer(a: &Array, b: &Array) -> Result<Array> {
    let x = a.reshape(&[a.len(), 1])?;
    let y = b.reshape(&[1, b.len()])?;
    matmul(&x, &y)
}
