//! The `numpy.linalg` functions (norm, inv, pinv, solve, det, lstsq, eig,
//! eigh, svd, qr, cholesky, matrix_rank) over faer's decompositions.
//!
//! Like NumPy, decompositions compute in float64 (float32 input is widened
//! and the results narrowed back), accept stacks of matrices `(..., M, N)`
//! and report singular or non-square input as errors rather than NaNs.

use super::super::dtype::DType;
use super::super::{broadcast_shapes, broadcast_to, check_size, fmt_shape, norm_axis, Arr, Array};
use super::clear_avx_state;
#[cfg(test)]
use super::matmul;
use crate::diagnostics::{Error, Result};
use faer::linalg::solvers::{DenseSolveCore, Llt, PartialPivLu, Qr, SelfAdjointEigen, Solve, Svd};
use faer::{Mat, MatRef, Side};
use ndarray::{ArrayD, ArrayView1, Axis, IxDyn};

/// The dtype linalg results take: float32 stays float32, the rest float64.
fn out_dtype(dt: DType) -> DType {
    if dt == DType::F32 {
        DType::F32
    } else {
        DType::F64
    }
}

/// The result dtype of a two-operand function (float32 only if both are).
fn out_dtype2(a: DType, b: DType) -> DType {
    if a == DType::F32 && b == DType::F32 {
        DType::F32
    } else {
        DType::F64
    }
}

/// Machine epsilon of a result dtype (NumPy's `finfo(dtype).eps`).
fn eps_of(dt: DType) -> f64 {
    if dt == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    }
}

/// An array of `shape` from row-major f64 data, narrowed to `dt`.
fn make(shape: &[usize], data: Vec<f64>, dt: DType) -> Result<Array> {
    let len = data.len();
    let a = ArrayD::from_shape_vec(IxDyn(shape), data).map_err(|_| {
        Error::value(format!(
            "internal error: {len} values do not fill an array of shape {}",
            fmt_shape(shape)
        ))
    })?;
    Ok(Array::F64(a.into_shared()).astype(dt))
}

fn cat(a: &[usize], b: &[usize]) -> Vec<usize> {
    a.iter().chain(b).copied().collect()
}

/// Run one faer computation, turning an unexpected panic inside the
/// library into an error: arr reports bad input, it does not crash on it.
fn guarded<R>(name: &str, f: impl FnOnce() -> R) -> Result<R> {
    let t = std::time::Instant::now();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    // faer splits a factorization across threads only when it is big; a
    // call that quick ran on this thread alone, and skipping the workers'
    // clear keeps stacks of small matrices (det of 10,000 3x3s) fast.
    clear_avx_state(t.elapsed() > std::time::Duration::from_micros(50));
    r.map_err(|_| {
        Error::value(format!(
            "{name}: the linear algebra library failed on this input"
        ))
    })
}

/// " (matrix [1, 0] of the stack)" for stacked input, "" for one matrix.
fn which(batch: &[usize], k: usize) -> String {
    if batch.is_empty() {
        return String::new();
    }
    let mut idx = vec![0; batch.len()];
    let mut r = k;
    for (i, &d) in batch.iter().enumerate().rev() {
        if d > 0 {
            idx[i] = r % d;
            r /= d;
        }
    }
    let idx: Vec<String> = idx.iter().map(|i| i.to_string()).collect();
    format!(" (the matrix at index [{}] of the stack)", idx.join(", "))
}

/// A stack of matrices `(..., M, N)` widened to f64, row-major.
struct Stack {
    name: &'static str,
    arg: usize,
    shape: Vec<usize>,
    batch: Vec<usize>,
    m: usize,
    n: usize,
    data: Vec<f64>,
    dt: DType,
}

impl Stack {
    fn new(a: &Array, name: &'static str, arg: usize) -> Result<Stack> {
        let shape = a.shape().to_vec();
        let nd = shape.len();
        if nd < 2 {
            return Err(Error::shape(format!(
                "{name}: expected a matrix (2 or more dimensions), got a {nd}-d array of shape {}",
                fmt_shape(&shape)
            ))
            .label_arg(arg, format!("shape {}", fmt_shape(&shape)))
            .with_help(
                "a matrix has shape (M, N) and a stack of matrices (..., M, N); \
                 reshape(x, 1, -1) makes a row, reshape(x, -1, 1) a column",
            ));
        }
        Ok(Stack {
            name,
            arg,
            batch: shape[..nd - 2].to_vec(),
            m: shape[nd - 2],
            n: shape[nd - 1],
            shape,
            data: a.to_f64_vec(),
            dt: out_dtype(a.dtype()),
        })
    }
    fn count(&self) -> usize {
        self.batch.iter().product()
    }
    fn square(&self, help: &str) -> Result<()> {
        if self.m != self.n {
            return Err(Error::shape(format!(
                "{}: expected a square matrix, got shape {}",
                self.name,
                fmt_shape(&self.shape)
            ))
            .label_arg(self.arg, format!("{} x {}, not square", self.m, self.n))
            .with_help(help.to_string()));
        }
        Ok(())
    }
    fn finite(&self) -> Result<()> {
        check_finite(self.name, self.arg, &self.data)
    }
    fn mat(&self, k: usize) -> Mat<f64> {
        mat_at(&self.data, k, self.m, self.n)
    }
    fn which(&self, k: usize) -> String {
        which(&self.batch, k)
    }
}

/// The `k`-th `m x n` matrix of row-major stacked data.
fn mat_at(data: &[f64], k: usize, m: usize, n: usize) -> Mat<f64> {
    let off = k * m * n;
    Mat::from_fn(m, n, |i, j| data[off + i * n + j])
}

fn check_finite(name: &str, arg: usize, data: &[f64]) -> Result<()> {
    if let Some(v) = data.iter().find(|x| !x.is_finite()) {
        return Err(Error::value(format!(
            "{name}: the input contains {}",
            if v.is_nan() { "nan" } else { "inf" }
        ))
        .label_arg(arg, "contains nan or inf")
        .with_help("linear algebra needs finite numbers; isfinite(a) shows which are not"));
    }
    Ok(())
}

fn push_mat(out: &mut Vec<f64>, m: MatRef<'_, f64>) {
    for i in 0..m.nrows() {
        for j in 0..m.ncols() {
            out.push(m[(i, j)]);
        }
    }
}

/// Row-major data of the `n x n` identity, `count` times.
fn eyes(count: usize, n: usize) -> Vec<f64> {
    let mut v = vec![0.0; count * n * n];
    for k in 0..count {
        for i in 0..n {
            v[k * n * n + i * n + i] = 1.0;
        }
    }
    v
}

fn singular(name: &str, arg: usize, which: &str, rcond: Option<f64>) -> Error {
    let msg = match rcond {
        None => format!("{name}: singular matrix{which}"),
        Some(r) => format!(
            "{name}: the matrix is singular to working precision{which} \
             (reciprocal condition number {r:.1e})"
        ),
    };
    Error::value(msg).label_arg(arg, "singular").with_help(
        "det(a) is 0 (or nearly), so a has no reliable inverse; \
         use pinv(a) for the pseudo-inverse or lstsq(a, b) for a least-squares solution",
    )
}

/// LU with partial pivoting, or None when a pivot is exactly zero (the
/// matrix is singular; faer would carry on with inf/nan).
fn lu_checked(a: &Mat<f64>) -> Option<PartialPivLu<f64>> {
    let lu = PartialPivLu::new(a.as_ref());
    let u = lu.U();
    for i in 0..u.nrows() {
        let p = u[(i, i)];
        if p == 0.0 || !p.is_finite() {
            return None;
        }
    }
    Some(lu)
}

/// The 1-norm (largest column sum of absolute values).
fn norm1(a: MatRef<'_, f64>) -> f64 {
    let mut best: f64 = 0.0;
    for j in 0..a.ncols() {
        let mut s = 0.0;
        for i in 0..a.nrows() {
            s += a[(i, j)].abs();
        }
        if s.is_nan() || s > best {
            best = s;
        }
    }
    best
}

/// Hager's estimate of `‖A⁻¹‖₁` from an LU factorization (the method of
/// LAPACK's condition estimators): a few solves instead of the inverse.
fn inv_norm1_estimate(lu: &PartialPivLu<f64>, n: usize) -> f64 {
    let l1 = |x: &Mat<f64>| (0..n).map(|i| x[(i, 0)].abs()).sum::<f64>();
    let mut x = Mat::<f64>::from_fn(n, 1, |_, _| 1.0 / n as f64);
    let mut est = 0.0;
    for _ in 0..5 {
        let mut y = x.clone();
        lu.solve_in_place(y.as_mut());
        est = f64::max(est, l1(&y));
        if !est.is_finite() {
            return f64::INFINITY;
        }
        let mut z = Mat::<f64>::from_fn(n, 1, |i, _| if y[(i, 0)] >= 0.0 { 1.0 } else { -1.0 });
        lu.solve_transpose_in_place(z.as_mut());
        let (mut j, mut zmax) = (0, -1.0);
        for i in 0..n {
            if z[(i, 0)].abs() > zmax {
                zmax = z[(i, 0)].abs();
                j = i;
            }
        }
        let ztx: f64 = (0..n).map(|i| z[(i, 0)] * x[(i, 0)]).sum();
        if zmax <= ztx {
            break;
        }
        x = Mat::<f64>::from_fn(n, 1, |i, _| if i == j { 1.0 } else { 0.0 });
    }
    // LAPACK's extra test vector guards against the estimate's blind spots.
    let mut b = Mat::<f64>::from_fn(n, 1, |i, _| {
        let s = if i % 2 == 0 { 1.0 } else { -1.0 };
        s * (1.0 + i as f64 / (n.max(2) - 1) as f64)
    });
    lu.solve_in_place(b.as_mut());
    let alt = 2.0 * l1(&b) / (3.0 * n as f64);
    if alt.is_nan() {
        return f64::INFINITY;
    }
    est.max(alt)
}

/// `inv(a)`: the inverse of each square matrix of `a`.
pub fn inv(a: &Array) -> Result<Array> {
    let st = Stack::new(a, "inv", 0)?;
    st.square(
        "only square matrices have an inverse; pinv(a) gives the pseudo-inverse of any matrix",
    )?;
    st.finite()?;
    let n = st.n;
    let mut out = Vec::with_capacity(st.data.len());
    if n > 0 {
        for k in 0..st.count() {
            let m = st.mat(k);
            let lu = guarded("inv", || lu_checked(&m))?
                .ok_or_else(|| singular("inv", 0, &st.which(k), None))?;
            let x = guarded("inv", || lu.inverse())?;
            let rcond = 1.0 / (norm1(m.as_ref()) * norm1(x.as_ref()));
            if rcond.is_nan() || rcond < f64::EPSILON {
                return Err(singular("inv", 0, &st.which(k), Some(rcond)));
            }
            push_mat(&mut out, x.as_ref());
        }
    }
    make(&st.shape, out, st.dt)
}

/// The sign of a permutation given as an index array.
fn perm_sign(p: &[usize]) -> f64 {
    let mut seen = vec![false; p.len()];
    let mut sign = 1.0;
    for i in 0..p.len() {
        let mut len = 0;
        let mut j = i;
        while j < p.len() && !seen[j] {
            seen[j] = true;
            j = p[j];
            len += 1;
        }
        if len > 0 && len % 2 == 0 {
            sign = -sign;
        }
    }
    sign
}

/// The determinant as NumPy computes it: LU, then sign · exp(Σ log|u_ii|);
/// exactly 0 when a pivot is zero.
fn lu_det(m: &Mat<f64>) -> f64 {
    let lu = PartialPivLu::new(m.as_ref());
    let u = lu.U();
    let mut sign = perm_sign(lu.P().arrays().0);
    let mut logdet = 0.0;
    for i in 0..u.nrows() {
        let p = u[(i, i)];
        if p == 0.0 {
            return 0.0;
        }
        if p < 0.0 {
            sign = -sign;
        }
        logdet += p.abs().ln();
    }
    sign * logdet.exp()
}

/// `det(a)`: the determinant of each square matrix of `a`.
pub fn det(a: &Array) -> Result<Array> {
    let st = Stack::new(a, "det", 0)?;
    st.square("the determinant is defined for square matrices only")?;
    st.finite()?;
    let mut out = Vec::with_capacity(st.count());
    for k in 0..st.count() {
        if st.n == 0 {
            out.push(1.0);
            continue;
        }
        let m = st.mat(k);
        out.push(guarded("det", || lu_det(&m))?);
    }
    make(&st.batch, out, st.dt)
}

/// `solve(a, b)`: x with `a @ x == b`. `b` is a vector `(M,)` (for every
/// matrix of a stacked `a`) or a stack of matrices `(..., M, K)`.
pub fn solve(a: &Array, b: &Array) -> Result<Array> {
    let st = Stack::new(a, "solve", 0)?;
    st.square(
        "solve(a, b) needs a square coefficient matrix; \
         lstsq(a, b) solves non-square systems in the least-squares sense",
    )?;
    st.finite()?;
    let m = st.m;
    let bs = b.shape().to_vec();
    let shapes = |e: Error| {
        e.label_arg(0, format!("shape {}", fmt_shape(&st.shape)))
            .label_arg(1, format!("shape {}", fmt_shape(&bs)))
    };
    if bs.is_empty() {
        return Err(Error::shape(
            "solve: b must be a vector (M,) or a matrix (..., M, K), got a scalar",
        )
        .label_arg(1, "scalar"));
    }
    let vec_b = bs.len() == 1;
    let (b_batch, rows, kc) = if vec_b {
        (Vec::new(), bs[0], 1)
    } else {
        let nd = bs.len();
        (bs[..nd - 2].to_vec(), bs[nd - 2], bs[nd - 1])
    };
    if rows != m {
        let what = if vec_b {
            format!("length {rows}")
        } else {
            format!("{rows} rows")
        };
        return Err(shapes(Error::shape(format!(
            "solve: a is {m} x {m} but b has {what}"
        )))
        .with_help(format!(
            "b must be a vector of length {m} or a matrix with {m} rows (one column per right-hand side)"
        )));
    }
    let batch = broadcast_shapes(&st.batch, &b_batch).map_err(|e| {
        shapes(Error::shape(format!(
            "solve: the stack dimensions of a {} and b {} do not broadcast",
            fmt_shape(&st.batch),
            fmt_shape(&b_batch)
        )))
        .with_help(e.help.unwrap_or_default())
    })?;
    let dt = out_dtype2(a.dtype(), b.dtype());
    let b2 = if vec_b {
        b.reshape(&[m, 1])?
    } else {
        b.clone()
    };
    let bdata = broadcast_to(&b2, &cat(&batch, &[m, kc]))?.to_f64_vec();
    check_finite("solve", 1, &bdata)?;
    let adata = if st.batch == batch {
        st.data.clone()
    } else {
        broadcast_to(a, &cat(&batch, &[m, m]))?.to_f64_vec()
    };
    let count: usize = batch.iter().product();
    let mut out = Vec::with_capacity(bdata.len());
    if m > 0 && kc > 0 {
        for k in 0..count {
            let am = mat_at(&adata, k, m, m);
            let lu = guarded("solve", || lu_checked(&am))?
                .ok_or_else(|| singular("solve", 0, &which(&batch, k), None))?;
            let inv_norm = guarded("solve", || inv_norm1_estimate(&lu, m))?;
            let rcond = 1.0 / (norm1(am.as_ref()) * inv_norm);
            if rcond.is_nan() || rcond < f64::EPSILON {
                return Err(singular("solve", 0, &which(&batch, k), Some(rcond)));
            }
            let mut x = mat_at(&bdata, k, m, kc);
            guarded("solve", || lu.solve_in_place(x.as_mut()))?;
            push_mat(&mut out, x.as_ref());
        }
    } else {
        out = vec![0.0; bdata.len()];
    }
    let shape = if vec_b {
        cat(&batch, &[m])
    } else {
        cat(&batch, &[m, kc])
    };
    make(&shape, out, dt)
}

/// faer's SVD (full or thin), with non-convergence as an error.
fn svd_of(name: &str, m: &Mat<f64>, full: bool) -> Result<Svd<f64>> {
    let r = guarded(name, || {
        if full {
            Svd::new(m.as_ref())
        } else {
            Svd::new_thin(m.as_ref())
        }
    })?;
    r.map_err(|_| Error::value(format!("{name}: the SVD did not converge")))
}

/// Singular values, largest first (empty for an empty matrix).
fn singular_values(name: &str, m: &Mat<f64>) -> Result<Vec<f64>> {
    if m.nrows() == 0 || m.ncols() == 0 {
        return Ok(Vec::new());
    }
    guarded(name, || m.singular_values())?
        .map_err(|_| Error::value(format!("{name}: the SVD did not converge")))
}

/// `pinv(a, rcond)`: the Moore-Penrose pseudo-inverse via the SVD;
/// singular values at or below `rcond * max(s)` count as zero.
pub fn pinv(a: &Array, rcond: f64) -> Result<Array> {
    let st = Stack::new(a, "pinv", 0)?;
    st.finite()?;
    let (m, n) = (st.m, st.n);
    let shape = cat(&st.batch, &[n, m]);
    let mut out = Vec::with_capacity(st.data.len());
    if m > 0 && n > 0 {
        for k in 0..st.count() {
            let svd = svd_of("pinv", &st.mat(k), false)?;
            let (u, s, v) = (svd.U(), svd.S(), svd.V());
            let kk = m.min(n);
            let cutoff = rcond * s[0];
            let vs = Mat::<f64>::from_fn(
                n,
                kk,
                |i, r| {
                    if s[r] > cutoff {
                        v[(i, r)] / s[r]
                    } else {
                        0.0
                    }
                },
            );
            let p = guarded("pinv", || vs.as_ref() * u.transpose())?;
            push_mat(&mut out, p.as_ref());
        }
    }
    make(&shape, out, st.dt)
}

/// The result of `lstsq`: solution, residual sums of squares, rank and
/// singular values, as NumPy returns them.
#[derive(Debug)]
pub struct Lstsq {
    pub x: Array,
    pub residuals: Array,
    pub rank: i64,
    pub s: Array,
}

/// `lstsq(a, b, rcond)`: the minimum-norm least-squares solution of
/// `a @ x ≈ b` for a 2-d `a` and a 1-d or 2-d `b`.
pub fn lstsq(a: &Array, b: &Array, rcond: Option<f64>) -> Result<Lstsq> {
    if a.ndim() != 2 {
        return Err(Error::shape(format!(
            "lstsq: a must be a 2-d matrix (M, N), got shape {}",
            fmt_shape(a.shape())
        ))
        .label_arg(0, format!("shape {}", fmt_shape(a.shape())))
        .with_help("lstsq does not take stacks of matrices; loop over them"));
    }
    if b.ndim() != 1 && b.ndim() != 2 {
        return Err(Error::shape(format!(
            "lstsq: b must be a vector (M,) or a matrix (M, K), got shape {}",
            fmt_shape(b.shape())
        ))
        .label_arg(1, format!("shape {}", fmt_shape(b.shape()))));
    }
    let (m, n) = (a.shape()[0], a.shape()[1]);
    if b.shape()[0] != m {
        return Err(
            Error::shape(format!("lstsq: a has {m} rows but b has {}", b.shape()[0]))
                .label_arg(0, format!("shape {}", fmt_shape(a.shape())))
                .label_arg(1, format!("shape {}", fmt_shape(b.shape())))
                .with_help("a and b need the same number of rows (one per equation)"),
        );
    }
    let st = Stack::new(a, "lstsq", 0)?;
    st.finite()?;
    let bdata = b.to_f64_vec();
    check_finite("lstsq", 1, &bdata)?;
    let dt = out_dtype2(a.dtype(), b.dtype());
    let vec_b = b.ndim() == 1;
    let kc = if vec_b { 1 } else { b.shape()[1] };
    // NumPy computes in float64 and takes float64's eps for the default.
    let rcond = rcond.unwrap_or(f64::EPSILON * m.max(n) as f64);
    let am = st.mat(0);
    let bm = mat_at(&bdata, 0, m, kc);
    let kk = m.min(n);
    let mut svals = Vec::new();
    let mut rank = 0usize;
    let mut x = Mat::<f64>::zeros(n, kc);
    if kk > 0 {
        let svd = svd_of("lstsq", &am, false)?;
        let (u, s, v) = (svd.U(), svd.S(), svd.V());
        let cutoff = rcond * s[0];
        svals = (0..kk).map(|i| s[i]).collect();
        rank = svals.iter().filter(|&&x| x > cutoff).count();
        if rank > 0 && kc > 0 {
            let ur = u.get(.., ..rank);
            let vr = v.get(.., ..rank);
            let mut c = guarded("lstsq", || ur.transpose() * bm.as_ref())?;
            for i in 0..rank {
                for j in 0..kc {
                    c[(i, j)] /= s[i];
                }
            }
            x = guarded("lstsq", || vr * c.as_ref())?;
        }
    }
    let residuals = if rank == n && m > n {
        let ax = guarded("lstsq", || am.as_ref() * x.as_ref())?;
        (0..kc)
            .map(|j| (0..m).map(|i| (bm[(i, j)] - ax[(i, j)]).powi(2)).sum())
            .collect()
    } else {
        Vec::new()
    };
    let mut xdata = Vec::with_capacity(n * kc);
    push_mat(&mut xdata, x.as_ref());
    let xshape = if vec_b { vec![n] } else { vec![n, kc] };
    let nres = residuals.len();
    Ok(Lstsq {
        x: make(&xshape, xdata, dt)?,
        residuals: make(&[nres], residuals, dt)?,
        rank: rank as i64,
        s: make(&[kk], svals, dt)?,
    })
}

/// `eig(a)`: eigenvalues `w` and unit eigenvectors (the columns of `v`)
/// of each square matrix, when all eigenvalues are real.
pub fn eig(a: &Array) -> Result<(Array, Array)> {
    let st = Stack::new(a, "eig", 0)?;
    st.square(
        "eigenvalues are defined for square matrices only; svd(a) gives the singular values of any matrix",
    )?;
    st.finite()?;
    let n = st.n;
    let mut w = Vec::with_capacity(st.count() * n);
    let mut vs = Vec::with_capacity(st.data.len());
    if n > 0 {
        for k in 0..st.count() {
            let m = st.mat(k);
            let e = guarded("eig", || m.eigen())?.map_err(|_| {
                Error::value(format!(
                    "eig: the eigenvalue iteration did not converge{}",
                    st.which(k)
                ))
            })?;
            let (s, u) = (e.S(), e.U());
            if let Some(z) = (0..n).map(|i| s[i]).find(|z| z.im != 0.0) {
                if is_symmetric(&m) {
                    // Rounding gave a symmetric matrix with clustered
                    // eigenvalues a tiny imaginary part (NumPy would return
                    // complex values); the symmetric solver's are real.
                    let e = guarded("eig", || SelfAdjointEigen::new(m.as_ref(), Side::Lower))?
                        .map_err(|_| {
                            Error::value(format!(
                                "eig: the eigenvalue iteration did not converge{}",
                                st.which(k)
                            ))
                        })?;
                    let s = e.S();
                    w.extend((0..n).map(|i| s[i]));
                    push_mat(&mut vs, e.U());
                    continue;
                }
                let scale = (0..n).map(|i| s[i].re.abs()).fold(0.0, f64::max);
                let mut err = Error::value(format!(
                    "eig: the matrix has complex eigenvalues{} (for example {:?}{:+?}j)",
                    st.which(k),
                    z.re,
                    z.im
                ))
                .label_arg(0, "has complex eigenvalues")
                .with_help(
                    "arr has no complex dtype, so eig() handles only matrices whose eigenvalues are real; \
                     for a symmetric matrix use eigh(a), whose eigenvalues are always real",
                );
                if z.im.abs() <= 1e-8 * scale {
                    err = err.with_note(
                        "the imaginary part is tiny: the matrix probably has (nearly) repeated \
                         eigenvalues and rounding split them into a complex pair",
                    );
                }
                return Err(err);
            }
            w.extend((0..n).map(|i| s[i].re));
            let norms: Vec<f64> = (0..n)
                .map(|j| (0..n).map(|i| u[(i, j)].re.powi(2)).sum::<f64>().sqrt())
                .collect();
            for i in 0..n {
                for (j, &nj) in norms.iter().enumerate() {
                    let x = u[(i, j)].re;
                    vs.push(if nj > 0.0 { x / nj } else { x });
                }
            }
        }
    }
    Ok((
        make(&cat(&st.batch, &[n]), w, st.dt)?,
        make(&st.shape, vs, st.dt)?,
    ))
}

fn is_symmetric(m: &Mat<f64>) -> bool {
    let n = m.nrows();
    (0..n).all(|i| (0..i).all(|j| m[(i, j)] == m[(j, i)]))
}

/// `eigh(a, UPLO)`: eigenvalues (ascending) and orthonormal eigenvectors
/// of each symmetric matrix, reading only its lower (or upper) triangle.
pub fn eigh(a: &Array, upper: bool) -> Result<(Array, Array)> {
    let st = Stack::new(a, "eigh", 0)?;
    st.square("eigh needs symmetric, hence square, matrices")?;
    st.finite()?;
    let n = st.n;
    let side = if upper { Side::Upper } else { Side::Lower };
    let mut w = Vec::with_capacity(st.count() * n);
    let mut vs = Vec::with_capacity(st.data.len());
    if n > 0 {
        for k in 0..st.count() {
            let m = st.mat(k);
            let e = guarded("eigh", || SelfAdjointEigen::new(m.as_ref(), side))?.map_err(|_| {
                Error::value(format!(
                    "eigh: the eigenvalue iteration did not converge{}",
                    st.which(k)
                ))
            })?;
            let s = e.S();
            w.extend((0..n).map(|i| s[i]));
            push_mat(&mut vs, e.U());
        }
    }
    Ok((
        make(&cat(&st.batch, &[n]), w, st.dt)?,
        make(&st.shape, vs, st.dt)?,
    ))
}

/// `svd(a, full_matrices)`: `(U, S, Vh)` with `a == U @ diag(S) @ Vh`,
/// singular values in descending order.
pub fn svd(a: &Array, full: bool) -> Result<(Array, Array, Array)> {
    let st = Stack::new(a, "svd", 0)?;
    st.finite()?;
    let (m, n) = (st.m, st.n);
    let kk = m.min(n);
    let (ur, vr) = if full { (m, n) } else { (kk, kk) };
    let c = st.count();
    check_size(&cat(&st.batch, &[m, ur]))?;
    check_size(&cat(&st.batch, &[vr, n]))?;
    let (mut us, mut ss, mut vhs) = (Vec::new(), Vec::new(), Vec::new());
    if kk == 0 {
        if full {
            us = eyes(c, m);
            vhs = eyes(c, n);
        }
    } else {
        for k in 0..c {
            let svd = svd_of("svd", &st.mat(k), full)?;
            push_mat(&mut us, svd.U());
            ss.extend((0..kk).map(|i| svd.S()[i]));
            push_mat(&mut vhs, svd.V().transpose());
        }
    }
    Ok((
        make(&cat(&st.batch, &[m, ur]), us, st.dt)?,
        make(&cat(&st.batch, &[kk]), ss, st.dt)?,
        make(&cat(&st.batch, &[vr, n]), vhs, st.dt)?,
    ))
}

/// `svd(a, compute_uv=false)`: the singular values alone, descending.
pub fn svdvals(a: &Array) -> Result<Array> {
    let st = Stack::new(a, "svd", 0)?;
    st.finite()?;
    let kk = st.m.min(st.n);
    let mut ss = Vec::with_capacity(st.count() * kk);
    for k in 0..st.count() {
        ss.extend(singular_values("svd", &st.mat(k))?);
    }
    make(&cat(&st.batch, &[kk]), ss, st.dt)
}

/// The `mode` of `qr`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QrMode {
    /// Q `(M, K)`, R `(K, N)` with K = min(M, N).
    Reduced,
    /// Q `(M, M)`, R `(M, N)`.
    Complete,
    /// R `(K, N)` alone.
    R,
}

/// `qr(a, mode)`: `a == Q @ R` with orthonormal columns in Q and R upper
/// triangular. Returns `(Some(Q), R)`, or `(None, R)` for mode "r".
pub fn qr(a: &Array, mode: QrMode) -> Result<(Option<Array>, Array)> {
    let st = Stack::new(a, "qr", 0)?;
    st.finite()?;
    let (m, n) = (st.m, st.n);
    let kk = m.min(n);
    let (qc, rr) = match mode {
        QrMode::Complete => (m, m),
        _ => (kk, kk),
    };
    let c = st.count();
    check_size(&cat(&st.batch, &[m, qc]))?;
    check_size(&cat(&st.batch, &[rr, n]))?;
    let (mut qs, mut rs) = (Vec::new(), Vec::new());
    if kk == 0 {
        if mode == QrMode::Complete {
            qs = eyes(c, m);
        }
        rs = vec![0.0; c * rr * n];
    } else {
        for k in 0..c {
            let mat = st.mat(k);
            let f = guarded("qr", || Qr::new(mat.as_ref()))?;
            let r = f.thin_R();
            for i in 0..rr {
                for j in 0..n {
                    rs.push(if i < kk && j >= i { r[(i, j)] } else { 0.0 });
                }
            }
            match mode {
                QrMode::Reduced => {
                    push_mat(&mut qs, guarded("qr", || f.compute_thin_Q())?.as_ref())
                }
                QrMode::Complete => push_mat(&mut qs, guarded("qr", || f.compute_Q())?.as_ref()),
                QrMode::R => {}
            }
        }
    }
    let r = make(&cat(&st.batch, &[rr, n]), rs, st.dt)?;
    let q = match mode {
        QrMode::R => None,
        _ => Some(make(&cat(&st.batch, &[m, qc]), qs, st.dt)?),
    };
    Ok((q, r))
}

/// `cholesky(a, upper)`: lower-triangular L with `a == L @ L.T` (or the
/// upper factor `L.T`) for each symmetric positive-definite matrix; only
/// the lower triangle of `a` is read.
pub fn cholesky(a: &Array, upper: bool) -> Result<Array> {
    let st = Stack::new(a, "cholesky", 0)?;
    st.square("cholesky needs symmetric positive-definite, hence square, matrices")?;
    st.finite()?;
    let n = st.n;
    let mut out = Vec::with_capacity(st.data.len());
    if n > 0 {
        for k in 0..st.count() {
            let m = st.mat(k);
            let f = guarded("cholesky", || Llt::new(m.as_ref(), Side::Lower))?.map_err(|_| {
                Error::value(format!(
                    "cholesky: the matrix is not positive definite{}",
                    st.which(k)
                ))
                .label_arg(0, "not positive definite")
                .with_help(
                    "cholesky needs a symmetric positive-definite matrix (it reads the lower triangle); \
                     eigh(a) shows whether all eigenvalues are positive",
                )
            })?;
            let l = f.L();
            if upper {
                push_mat(&mut out, l.transpose());
            } else {
                push_mat(&mut out, l);
            }
        }
    }
    make(&st.shape, out, st.dt)
}

/// `matrix_rank(a, tol, rtol)`: the number of singular values above
/// `tol` (default `max(s) * max(M, N) * eps`, or `max(s) * rtol`).
/// For 0-d and 1-d input: 1 unless all elements are zero.
pub fn matrix_rank(a: &Array, tol: Option<f64>, rtol: Option<f64>) -> Result<Array> {
    if a.ndim() < 2 {
        let nz = a.to_f64_vec().iter().any(|&x| x != 0.0);
        return Ok(Array::from_nd(ArrayD::from_elem(IxDyn(&[]), nz as i64)));
    }
    let st = Stack::new(a, "matrix_rank", 0)?;
    st.finite()?;
    let mut out: Vec<i64> = Vec::with_capacity(st.count());
    for k in 0..st.count() {
        let mut s = singular_values("matrix_rank", &st.mat(k))?;
        if st.dt == DType::F32 {
            // NumPy compares the float32 singular values it returns.
            s.iter_mut().for_each(|x| *x = *x as f32 as f64);
        }
        let smax = s.first().copied().unwrap_or(0.0);
        let t = match tol {
            Some(t) => t,
            None => smax * rtol.unwrap_or(st.m.max(st.n) as f64 * eps_of(st.dt)),
        };
        out.push(s.iter().filter(|&&x| x > t).count() as i64);
    }
    let r = ArrayD::from_shape_vec(IxDyn(&st.batch), out)
        .map_err(|_| Error::value("internal error: matrix_rank result shape"))?;
    Ok(Array::from_nd(r))
}

/// The `ord` of `norm`: a number (including ±inf), "fro" or "nuc".
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NormOrd {
    P(f64),
    Fro,
    Nuc,
}

impl NormOrd {
    fn show(self) -> String {
        match self {
            NormOrd::P(p) if p == f64::INFINITY => "inf".into(),
            NormOrd::P(p) if p == f64::NEG_INFINITY => "-inf".into(),
            NormOrd::P(p) => format!("{p}"),
            NormOrd::Fro => "\"fro\"".into(),
            NormOrd::Nuc => "\"nuc\"".into(),
        }
    }
}

/// `norm(x, ord, axis, keepdims)` with NumPy's rules: no `ord` and no
/// `axis` is the 2-norm of all elements; one axis gives vector norms, two
/// axes (or a 2-d `x` with `ord`) matrix norms.
pub fn norm(
    x: &Array,
    ord: Option<NormOrd>,
    axis: Option<&[i64]>,
    keepdims: bool,
) -> Result<Array> {
    let dt = out_dtype(x.dtype());
    let a = x.to_f64_nd();
    let nd = a.ndim();
    let axes: Vec<usize> = match axis {
        None => {
            if ord.is_none() {
                let s = a.iter().map(|v| v * v).sum::<f64>().sqrt();
                let shape = if keepdims { vec![1; nd] } else { Vec::new() };
                return make(&shape, vec![s], dt);
            }
            (0..nd).collect()
        }
        Some(ax) => ax
            .iter()
            .map(|&i| norm_axis(i, nd).map_err(|e| e.label_arg(2, "axis")))
            .collect::<Result<Vec<_>>>()?,
    };
    let r = match axes.len() {
        1 => vector_norm(&a, axes[0], ord)?,
        2 if axes[0] == axes[1] => {
            return Err(
                Error::value("norm: duplicate axes given").label_arg(2, "the same axis twice")
            )
        }
        2 => matrix_norm(&a, axes[0], axes[1], ord)?,
        k => {
            let msg = if axis.is_none() {
                format!("norm: ord needs a 1-d or 2-d array (or axis=), got {nd} dimensions")
            } else {
                format!("norm: axis must be one axis or a pair of axes, got {k}")
            };
            return Err(Error::value(msg)
                .label_arg(
                    if axis.is_none() { 0 } else { 2 },
                    format!("shape {}", fmt_shape(a.shape())),
                )
                .with_help("vector norms take one axis, matrix norms a pair, e.g. axis=(-2, -1)"));
        }
    };
    let mut shape = r.shape().to_vec();
    if keepdims {
        shape = a.shape().to_vec();
        for &ax in &axes {
            shape[ax] = 1;
        }
    }
    make(&shape, r.iter().copied().collect(), dt)
}

fn zero_size(what: &str) -> Error {
    Error::value(format!("norm: {what} of an empty array is undefined")).label_arg(0, "empty")
}

fn vector_norm(a: &Arr<f64>, axis: usize, ord: Option<NormOrd>) -> Result<ArrayD<f64>> {
    let p = match ord {
        None => 2.0,
        Some(NormOrd::P(p)) => p,
        Some(o) => {
            return Err(Error::value(format!(
                "norm: ord={} is a matrix norm, not a vector norm",
                o.show()
            ))
            .label_arg(1, "matrix-only order")
            .with_help("vector norms take a number: 2 (default), 1, inf, -inf, 0 or any p"));
        }
    };
    if p.is_nan() {
        return Err(Error::value("norm: ord is nan").label_arg(1, "nan"));
    }
    if p.is_infinite() && a.len_of(Axis(axis)) == 0 {
        return Err(zero_size(if p > 0.0 {
            "the maximum"
        } else {
            "the minimum"
        }));
    }
    Ok(a.map_axis(Axis(axis), |lane| vec_norm(lane, p)))
}

/// Largest (or smallest) of `it`, nan if any is nan (NumPy's max/min).
fn extreme(it: impl Iterator<Item = f64>, largest: bool) -> f64 {
    let mut best = if largest {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    };
    for v in it {
        if v.is_nan() {
            return f64::NAN;
        }
        if (largest && v > best) || (!largest && v < best) {
            best = v;
        }
    }
    best
}

fn vec_norm(lane: ArrayView1<f64>, p: f64) -> f64 {
    if p == 2.0 {
        lane.iter().map(|v| v * v).sum::<f64>().sqrt()
    } else if p == f64::INFINITY {
        extreme(lane.iter().map(|v| v.abs()), true)
    } else if p == f64::NEG_INFINITY {
        extreme(lane.iter().map(|v| v.abs()), false)
    } else if p == 0.0 {
        lane.iter().filter(|&&v| v != 0.0).count() as f64
    } else if p == 1.0 {
        lane.iter().map(|v| v.abs()).sum()
    } else {
        lane.iter()
            .map(|v| v.abs().powf(p))
            .sum::<f64>()
            .powf(1.0 / p)
    }
}

fn matrix_norm(a: &Arr<f64>, r: usize, c: usize, ord: Option<NormOrd>) -> Result<ArrayD<f64>> {
    let ord = ord.unwrap_or(NormOrd::Fro);
    let valid = match ord {
        NormOrd::P(p) => p.abs() == 1.0 || p.abs() == 2.0 || p.is_infinite(),
        _ => true,
    };
    if !valid {
        return Err(
            Error::value(format!("norm: ord={} is not a matrix norm", ord.show()))
                .label_arg(1, "invalid for matrices")
                .with_help(
                    "matrix norms take ord = \"fro\" (default), \"nuc\", 1, -1, 2, -2, inf or -inf",
                ),
        );
    }
    let nd = a.ndim();
    let others: Vec<usize> = (0..nd).filter(|&i| i != r && i != c).collect();
    let perm = cat(&others, &[r, c]);
    let p = a.view().permuted_axes(IxDyn(&perm));
    let data: Vec<f64> = p.iter().copied().collect();
    let batch: Vec<usize> = others.iter().map(|&i| a.shape()[i]).collect();
    let (m, n) = (a.shape()[r], a.shape()[c]);
    let count: usize = batch.iter().product();
    let mut out = Vec::with_capacity(count);
    for k in 0..count {
        let x = &data[k * m * n..(k + 1) * m * n];
        let at = |i: usize, j: usize| x[i * n + j];
        let v = match ord {
            NormOrd::Fro => x.iter().map(|v| v * v).sum::<f64>().sqrt(),
            NormOrd::P(p) if p.abs() == 1.0 => {
                if n == 0 {
                    return Err(zero_size("a column-sum norm"));
                }
                let sums = (0..n).map(|j| (0..m).map(|i| at(i, j).abs()).sum::<f64>());
                extreme(sums, p > 0.0)
            }
            NormOrd::P(p) if p.is_infinite() => {
                if m == 0 {
                    return Err(zero_size("a row-sum norm"));
                }
                let sums = (0..m).map(|i| (0..n).map(|j| at(i, j).abs()).sum::<f64>());
                extreme(sums, p > 0.0)
            }
            _ => {
                check_finite("norm", 0, x)?;
                let s = singular_values("norm", &mat_at(x, 0, m, n))?;
                match ord {
                    NormOrd::Nuc => s.iter().sum(),
                    _ if s.is_empty() => return Err(zero_size("the 2-norm")),
                    NormOrd::P(p) if p > 0.0 => s[0],
                    _ => s[s.len() - 1],
                }
            }
        };
        out.push(v);
    }
    ArrayD::from_shape_vec(IxDyn(&batch), out)
        .map_err(|_| Error::value("internal error: norm result shape"))
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // NumPy's printed values, pasted as they are
mod tests {
    //! Expected values come from NumPy 2.4 (`numpy.linalg`); quantities that
    //! depend on the sign of singular/eigen vectors are compared through
    //! sign-invariant forms (reconstruction, orthonormality, |v|).
    use super::*;
    use crate::diagnostics::{At, ErrorKind};

    fn f64a(shape: &[usize], v: &[f64]) -> Array {
        Array::from_vec(shape, v.to_vec())
    }
    fn f32a(shape: &[usize], v: &[f64]) -> Array {
        f64a(shape, v).astype(DType::F32)
    }
    fn i64a(shape: &[usize], v: &[i64]) -> Array {
        Array::from_vec(shape, v.to_vec())
    }

    #[track_caller]
    fn close(a: &Array, shape: &[usize], want: &[f64], tol: f64) {
        assert_eq!(a.shape(), shape, "shape of {a:?}");
        let got = a.to_f64_vec();
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= tol * (1.0 + w.abs()),
                "element {i}: got {g}, want {w}\n got: {got:?}\nwant: {want:?}"
            );
        }
    }

    /// Exactly equal, including the sign of zeros (what printing shows).
    #[track_caller]
    fn exact(a: &Array, shape: &[usize], want: &[f64]) {
        assert_eq!(a.shape(), shape);
        let got = a.to_f64_vec();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(want), "got {got:?}, want {want:?}");
    }

    #[track_caller]
    fn err<T: std::fmt::Debug>(r: Result<T>) -> Error {
        match r {
            Err(e) => e,
            Ok(v) => panic!("expected an error, got {v:?}"),
        }
    }

    fn labels(e: &Error) -> Vec<usize> {
        e.labels
            .iter()
            .filter_map(|(at, _)| match at {
                At::Arg(i) => Some(*i),
                _ => None,
            })
            .collect()
    }

    fn mm(a: &Array, b: &Array) -> Array {
        matmul(a, b).unwrap()
    }
    /// Swap the last two axes (a stack of transposes).
    fn tr(a: &Array) -> Array {
        let n = a.ndim();
        let mut ax: Vec<usize> = (0..n).collect();
        ax.swap(n - 2, n - 1);
        a.permuted(&ax).to_contiguous()
    }
    /// `u * s[..., newaxis, :]`: scale the columns of each matrix of `u`.
    fn scale_cols(u: &Array, s: &Array) -> Array {
        let (sh, mut v, sv) = (u.shape().to_vec(), u.to_f64_vec(), s.to_f64_vec());
        let (m, n) = (sh[sh.len() - 2], sh[sh.len() - 1]);
        for (idx, x) in v.iter_mut().enumerate() {
            let k = idx / (m * n);
            let j = idx % n;
            *x *= sv[k * n + j];
        }
        f64a(&sh, &v)
    }
    fn eye_vals(count: usize, n: usize) -> Vec<f64> {
        eyes(count, n)
    }

    const A3: [f64; 9] = [4., 3., 2., 1., 5., 7., 2., 8., 3.];
    const B3: [f64; 9] = [2., -1., 0., -1., 2., -1., 0., -1., 2.];
    const S: [f64; 8] = [1., 2., 3., 4., 2., 1., 1., 3.];
    const R32: [f64; 6] = [1., 2., 3., 4., 5., 6.];
    const W23: [f64; 6] = [1., 2., 3., 4., 5., 6.];

    // ------------------------------------------------------------ norm

    #[test]
    fn norm_vectors() {
        let v = f64a(&[4], &[3., -4., 0., 1.]);
        close(
            &norm(&v, None, None, false).unwrap(),
            &[],
            &[5.0990195135927845],
            1e-15,
        );
        let cases = [
            (1.0, 8.0),
            (f64::INFINITY, 4.0),
            (f64::NEG_INFINITY, 0.0),
            (0.0, 3.0),
            (3.0, 4.514357435474001),
            (-1.0, 0.0),
            (0.5, 22.392304845413257),
        ];
        for (p, want) in cases {
            let r = norm(&v, Some(NormOrd::P(p)), None, false).unwrap();
            close(&r, &[], &[want], 1e-14);
        }
        // int input gives float64, float32 stays float32
        let r = norm(&i64a(&[2], &[3, 4]), None, None, false).unwrap();
        assert_eq!(r.dtype(), DType::F64);
        exact(&r, &[], &[5.0]);
        let r = norm(&f32a(&[3], &[1., 2., 3.]), None, None, false).unwrap();
        assert_eq!(r.dtype(), DType::F32);
        close(&r, &[], &[3.7416574954986572], 1e-7);
    }

    #[test]
    fn norm_matrices() {
        let a = f64a(&[3, 3], &A3);
        let cases = [
            (Some(NormOrd::Fro), 13.45362404707371),
            (None, 13.45362404707371),
            (Some(NormOrd::Nuc), 19.21879686162032),
            (Some(NormOrd::P(1.0)), 16.0),
            (Some(NormOrd::P(-1.0)), 7.0),
            (Some(NormOrd::P(f64::INFINITY)), 13.0),
            (Some(NormOrd::P(f64::NEG_INFINITY)), 9.0),
            (Some(NormOrd::P(2.0)), 12.589746347674978),
            (Some(NormOrd::P(-2.0)), 2.801625879421409),
        ];
        for (ord, want) in cases {
            let axes: Option<&[i64]> = if ord.is_none() { Some(&[0, 1]) } else { None };
            let r = norm(&a, ord, axes, false).unwrap();
            close(&r, &[], &[want], 1e-13);
        }
    }

    #[test]
    fn norm_axes_and_keepdims() {
        let x: Vec<f64> = (0..24).map(|i| i as f64 - 10.0).collect();
        let x = f64a(&[2, 3, 4], &x);
        close(
            &norm(&x, None, Some(&[1]), false).unwrap(),
            &[2, 4],
            &[
                11.832159566199232,
                10.344080432788601,
                8.94427190999916,
                7.681145747868608,
                11.832159566199232,
                13.379088160259652,
                14.966629547095765,
                16.583123951777,
            ],
            1e-14,
        );
        close(
            &norm(&x, Some(NormOrd::P(1.0)), Some(&[2, 0]), false).unwrap(),
            &[3],
            &[34.0, 30.0, 46.0],
            1e-14,
        );
        close(
            &norm(&x, Some(NormOrd::P(2.0)), Some(&[1, 2]), false).unwrap(),
            &[2],
            &[19.518199254781823, 28.55951746315306],
            1e-13,
        );
        close(
            &norm(&x, Some(NormOrd::Nuc), Some(&[-1, -2]), true).unwrap(),
            &[2, 1, 1],
            &[21.763170936258955, 30.09378024112002],
            1e-13,
        );
        close(
            &norm(&x, None, None, false).unwrap(),
            &[],
            &[34.698703145794944],
            1e-14,
        );
        close(
            &norm(&x, None, None, true).unwrap(),
            &[1, 1, 1],
            &[34.698703145794944],
            1e-14,
        );
    }

    #[test]
    fn norm_errors() {
        let v = f64a(&[3], &[1., 2., 3.]);
        let e = err(norm(&v, Some(NormOrd::Fro), None, false));
        assert_eq!(e.kind, ErrorKind::Value);
        assert_eq!(labels(&e), vec![1]);
        let a = f64a(&[3, 3], &A3);
        let e = err(norm(&a, Some(NormOrd::P(3.0)), None, false));
        assert!(e.message.contains("not a matrix norm"), "{}", e.message);
        let x = f64a(&[2, 2, 2], &S);
        let e = err(norm(&x, Some(NormOrd::P(2.0)), None, false));
        assert!(e.message.contains("1-d or 2-d"), "{}", e.message);
        let e = err(norm(&x, None, Some(&[1, 1]), false));
        assert!(e.message.contains("duplicate"), "{}", e.message);
        let e = err(norm(&x, None, Some(&[3]), false));
        assert_eq!(e.kind, ErrorKind::Index);
        let e = err(norm(
            &f64a(&[0], &[]),
            Some(NormOrd::P(f64::INFINITY)),
            None,
            false,
        ));
        assert_eq!(e.kind, ErrorKind::Value);
        // SVD-based norms need finite input; the others propagate nan like NumPy
        let n = f64a(&[2, 2], &[1., f64::NAN, 0., 1.]);
        assert!(norm(&n, Some(NormOrd::P(2.0)), None, false).is_err());
        let r = norm(&n, Some(NormOrd::P(1.0)), None, false).unwrap();
        assert!(r.to_f64_vec()[0].is_nan());
    }

    // ------------------------------------------------------------- inv

    #[test]
    fn inv_values_stacked_and_dtypes() {
        let want = [
            0.3037037037037037,
            -0.05185185185185185,
            -0.08148148148148149,
            -0.08148148148148149,
            -0.05925925925925926,
            0.19259259259259262,
            0.014814814814814815,
            0.1925925925925926,
            -0.12592592592592594,
        ];
        close(&inv(&f64a(&[3, 3], &A3)).unwrap(), &[3, 3], &want, 1e-14);
        let ai: Vec<i64> = A3.iter().map(|&x| x as i64).collect();
        let r = inv(&i64a(&[3, 3], &ai)).unwrap();
        assert_eq!(r.dtype(), DType::F64);
        close(&r, &[3, 3], &want, 1e-14);
        let r = inv(&f32a(&[3, 3], &A3)).unwrap();
        assert_eq!(r.dtype(), DType::F32);
        close(&r, &[3, 3], &want, 1e-7);
        close(
            &inv(&f64a(&[2, 2, 2], &S)).unwrap(),
            &[2, 2, 2],
            &[-2.0, 1.0, 1.5, -0.5, 0.6, -0.2, -0.2, 0.4],
            1e-14,
        );
        assert_eq!(inv(&f64a(&[0, 0], &[])).unwrap().shape(), &[0, 0]);
        assert_eq!(inv(&f64a(&[0, 3, 3], &[])).unwrap().shape(), &[0, 3, 3]);
    }

    #[test]
    fn inv_errors() {
        // exactly singular: a zero pivot (NumPy: "Singular matrix")
        for m in [[1., 2., 2., 4.], [0., 1., 0., 1.], [0., 0., 0., 0.]] {
            let e = err(inv(&f64a(&[2, 2], &m)));
            assert_eq!(e.kind, ErrorKind::Value);
            assert!(e.message.contains("singular matrix"), "{}", e.message);
            assert!(e.help.as_deref().unwrap_or("").contains("pinv"));
            assert_eq!(labels(&e), vec![0]);
        }
        // singular to working precision (a pivot of ~1e-16, not exactly 0)
        let e = err(inv(&f64a(&[3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.])));
        assert!(e.message.contains("singular"), "{}", e.message);
        let e = err(inv(&f64a(&[2, 2], &[1., 1., 1., 1. + 1e-17])));
        assert!(e.message.contains("singular"), "{}", e.message);
        // which matrix of a stack
        let e = err(inv(&f64a(&[2, 2, 2], &[1., 0., 0., 1., 1., 2., 2., 4.])));
        assert!(e.message.contains("[1]"), "{}", e.message);
        // not square, not a matrix, not finite
        let e = err(inv(&f64a(&[2, 3], &W23)));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(e.message.contains("(2, 3)"), "{}", e.message);
        assert_eq!(labels(&e), vec![0]);
        let e = err(inv(&f64a(&[3], &[1., 2., 3.])));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(e.message.contains("1-d"), "{}", e.message);
        let e = err(inv(&f64a(&[2, 2], &[1., f64::INFINITY, 0., 1.])));
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("inf"), "{}", e.message);
    }

    // ------------------------------------------------------------- det

    #[test]
    fn det_matches_numpy_bitwise() {
        // NumPy computes det as sign * exp(sum(log|u_ii|)); so does arr.
        exact(
            &det(&f64a(&[3, 3], &A3)).unwrap(),
            &[],
            &[-134.99999999999991],
        );
        exact(
            &det(&f64a(&[2, 2], &[1., 2., 3., 4.])).unwrap(),
            &[],
            &[-2.0000000000000004],
        );
        exact(&det(&f64a(&[3, 3], &B3)).unwrap(), &[], &[4.0]);
        let d = f64a(&[3, 3], &[2., 0., 0., 0., 3., 0., 0., 0., 4.]);
        exact(&det(&d).unwrap(), &[], &[23.999999999999993]);
        exact(
            &det(&f64a(&[2, 2, 2], &S)).unwrap(),
            &[2],
            &[-2.0000000000000004, 5.000000000000001],
        );
        // singular: exactly 0.0 (never nan, never -0.0)
        exact(
            &det(&f64a(&[2, 2], &[1., 2., 2., 4.])).unwrap(),
            &[],
            &[0.0],
        );
        exact(
            &det(&f64a(&[2, 2], &[0., 1., 0., 1.])).unwrap(),
            &[],
            &[0.0],
        );
        exact(&det(&f64a(&[3, 3], &[0.; 9])).unwrap(), &[], &[0.0]);
        exact(&det(&f64a(&[0, 0], &[])).unwrap(), &[], &[1.0]);
        let r = det(&f32a(&[2, 2, 2], &S)).unwrap();
        assert_eq!(r.dtype(), DType::F32);
        close(&r, &[2], &[-2.0, 5.0], 1e-6);
        let e = err(det(&f64a(&[3, 2], &R32)));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert_eq!(labels(&e), vec![0]);
    }

    // ----------------------------------------------------------- solve

    #[test]
    fn solve_vectors_matrices_stacks() {
        let a = f64a(&[3, 3], &A3);
        close(
            &solve(&a, &f64a(&[3], &[1., 2., 3.])).unwrap(),
            &[3],
            &[
                -0.04444444444444451,
                0.3777777777777778,
                0.022222222222222227,
            ],
            1e-13,
        );
        close(
            &solve(&a, &f64a(&[3, 2], &R32)).unwrap(),
            &[3, 2],
            &[
                -0.25925925925925936,
                -0.08888888888888902,
                0.7037037037037038,
                0.7555555555555556,
                -0.03703703703703708,
                0.04444444444444446,
            ],
            1e-13,
        );
        // stacked a with one vector b: b is used for every matrix (NumPy 2)
        let s = f64a(&[2, 2, 2], &S);
        close(
            &solve(&s, &f64a(&[2], &[1., 1.])).unwrap(),
            &[2, 2],
            &[-1.0, 1.0, 0.4, 0.2],
            1e-14,
        );
        close(
            &solve(&s, &f64a(&[2, 2], &[1., 0., 2., 1.])).unwrap(),
            &[2, 2, 2],
            &[0.0, 1.0, 0.5, -0.5, 0.2, -0.2, 0.6, 0.4],
            1e-14,
        );
        // batch dimensions broadcast: (2, 1, 2, 2) with (3, 2, 1) -> (2, 3, 2, 1)
        let a4 = f64a(&[2, 1, 2, 2], &S);
        let b3 = f64a(&[3, 2, 1], &[1., 1., 1., 0., 0., 1.]);
        let x = solve(&a4, &b3).unwrap();
        assert_eq!(x.shape(), &[2, 3, 2, 1]);
        let back = mm(&a4, &x);
        let want = broadcast_to(&b3, &[2, 3, 2, 1]).unwrap().to_f64_vec();
        close(&back, &[2, 3, 2, 1], &want, 1e-13);
        // dtypes: float32 only when both are float32
        let r = solve(&f32a(&[3, 3], &A3), &f32a(&[3], &[1., 2., 3.])).unwrap();
        assert_eq!(r.dtype(), DType::F32);
        let r = solve(&f32a(&[3, 3], &A3), &i64a(&[3], &[1, 2, 3])).unwrap();
        assert_eq!(r.dtype(), DType::F64);
    }

    #[test]
    fn solve_errors() {
        let a = f64a(&[3, 3], &A3);
        let e = err(solve(&a, &f64a(&[2], &[1., 2.])));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert_eq!(labels(&e), vec![0, 1]);
        let e = err(solve(&a, &f64a(&[2, 3], &W23)));
        assert_eq!(labels(&e), vec![0, 1]);
        let e = err(solve(&f64a(&[2, 2, 2], &S), &f64a(&[3, 2, 1], &[0.; 6])));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert_eq!(labels(&e), vec![0, 1]);
        let e = err(solve(&f64a(&[2, 3], &W23), &f64a(&[2], &[1., 2.])));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert!(e.help.as_deref().unwrap_or("").contains("lstsq"));
        let e = err(solve(
            &f64a(&[2, 2], &[1., 2., 2., 4.]),
            &f64a(&[2], &[1., 2.]),
        ));
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("singular"), "{}", e.message);
        let sing = f64a(&[3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.]);
        let e = err(solve(&sing, &f64a(&[3], &[1., 2., 3.])));
        assert!(e.message.contains("singular"), "{}", e.message);
        let e = err(solve(&a, &f64a(&[3], &[1., f64::NAN, 3.])));
        assert_eq!(labels(&e), vec![1]);
        let e = err(solve(&a, &f64a(&[], &[1.])));
        assert_eq!(labels(&e), vec![1]);
    }

    #[test]
    fn condition_estimate_is_close_to_exact() {
        // Hager's estimate never exceeds the true ‖A⁻¹‖₁ and is usually exact.
        let m = mat_at(&A3, 0, 3, 3);
        let lu = lu_checked(&m).unwrap();
        let est = inv_norm1_estimate(&lu, 3);
        let exact = norm1(lu.inverse().as_ref());
        assert!(
            est <= exact * (1.0 + 1e-12) && est >= exact / 3.0,
            "{est} vs {exact}"
        );
    }

    // ------------------------------------------------------------ pinv

    #[test]
    fn pinv_values() {
        close(
            &pinv(&f64a(&[3, 2], &R32), 1e-15).unwrap(),
            &[2, 3],
            &[
                -1.3333333333333337,
                -0.33333333333333287,
                0.6666666666666665,
                1.0833333333333335,
                0.3333333333333329,
                -0.4166666666666665,
            ],
            1e-12,
        );
        close(
            &pinv(&f64a(&[2, 2], &[1., 2., 2., 4.]), 1e-15).unwrap(),
            &[2, 2],
            &[0.04, 0.08, 0.08, 0.16],
            1e-13,
        );
        close(
            &pinv(&f64a(&[2, 3], &W23), 1e-15).unwrap(),
            &[3, 2],
            &[
                -0.9444444444444444,
                0.4444444444444443,
                -0.11111111111111108,
                0.11111111111111109,
                0.7222222222222221,
                -0.22222222222222207,
            ],
            1e-12,
        );
        // stacked: each matrix's pseudo-inverse is its inverse here
        let p = pinv(&f64a(&[2, 2, 2], &S), 1e-15).unwrap();
        close(
            &p,
            &[2, 2, 2],
            &[-2.0, 1.0, 1.5, -0.5, 0.6, -0.2, -0.2, 0.4],
            1e-13,
        );
        // a large rcond drops the small singular value: rank-1 result
        let p = pinv(&f64a(&[2, 2], &[1., 0., 0., 1e-3]), 1e-2).unwrap();
        close(&p, &[2, 2], &[1., 0., 0., 0.], 1e-15);
        let p = pinv(&f32a(&[3, 2], &R32), 1e-15).unwrap();
        assert_eq!(p.dtype(), DType::F32);
        assert_eq!(pinv(&f64a(&[0, 3], &[]), 1e-15).unwrap().shape(), &[3, 0]);
    }

    // ----------------------------------------------------------- lstsq

    #[test]
    fn lstsq_overdetermined() {
        let a = f64a(&[3, 2], &R32);
        let r = lstsq(&a, &f64a(&[3], &[1., 2., 4.]), None).unwrap();
        close(
            &r.x,
            &[2],
            &[0.6666666666666664, 0.08333333333333352],
            1e-12,
        );
        close(&r.residuals, &[1], &[0.1666666666666668], 1e-12);
        assert_eq!(r.rank, 2);
        close(&r.s, &[2], &[9.525518091565107, 0.5143005806586444], 1e-13);
        let b = f64a(&[3, 2], &[1., 0., 2., 1., 4., 1.]);
        let r = lstsq(&a, &b, None).unwrap();
        close(
            &r.x,
            &[2, 2],
            &[
                0.6666666666666664,
                0.33333333333333376,
                0.08333333333333352,
                -0.08333333333333358,
            ],
            1e-12,
        );
        close(
            &r.residuals,
            &[2],
            &[0.1666666666666668, 0.16666666666666657],
            1e-12,
        );
    }

    #[test]
    fn lstsq_underdetermined_and_rank_deficient() {
        // minimum-norm solution, no residuals when M <= N
        let r = lstsq(&f64a(&[2, 3], &W23), &f64a(&[2], &[1., 2.]), None).unwrap();
        close(
            &r.x,
            &[3],
            &[-0.05555555555555583, 0.11111111111111112, 0.277777777777778],
            1e-12,
        );
        assert_eq!(r.residuals.shape(), &[0]);
        assert_eq!(r.rank, 2);
        close(&r.s, &[2], &[9.508032000695724, 0.7728696356734843], 1e-13);
        // rank 1 < N: no residuals, minimum-norm x
        let d = f64a(&[3, 2], &[1., 2., 2., 4., 3., 6.]);
        let r = lstsq(&d, &f64a(&[3], &[1., 2., 4.]), None).unwrap();
        close(
            &r.x,
            &[2],
            &[0.24285714285714274, 0.48571428571428565],
            1e-12,
        );
        assert_eq!(r.residuals.shape(), &[0]);
        assert_eq!(r.rank, 1);
        assert!(r.s.to_f64_vec()[1] < 1e-14);
        // rcond: treat the small singular value as zero
        let a = f64a(&[3, 2], &R32);
        let r = lstsq(&a, &f64a(&[3], &[1., 2., 4.]), Some(0.1)).unwrap();
        assert_eq!(r.rank, 1);
        let r = lstsq(&f32a(&[3, 2], &R32), &f32a(&[3], &[1., 2., 4.]), None).unwrap();
        assert_eq!(r.x.dtype(), DType::F32);
        assert_eq!(r.s.dtype(), DType::F32);
    }

    #[test]
    fn lstsq_errors() {
        let e = err(lstsq(&f64a(&[2, 2, 2], &S), &f64a(&[2], &[1., 2.]), None));
        assert_eq!(labels(&e), vec![0]);
        let e = err(lstsq(&f64a(&[3, 2], &R32), &f64a(&[2], &[1., 2.]), None));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert_eq!(labels(&e), vec![0, 1]);
        let e = err(lstsq(
            &f64a(&[3, 2], &R32),
            &f64a(&[3, 1, 1], &[1., 2., 3.]),
            None,
        ));
        assert_eq!(labels(&e), vec![1]);
    }

    // ------------------------------------------------------- eig, eigh

    /// `a @ v == v * w` and unit columns, for each matrix of a stack.
    #[track_caller]
    fn check_eigen(a: &Array, w: &Array, v: &Array, tol: f64) {
        let av = mm(a, v);
        let vw = scale_cols(v, w);
        close(&av, av.shape(), &vw.to_f64_vec(), tol);
        let sh = v.shape();
        let (n, count) = (sh[sh.len() - 1], v.len() / (sh[sh.len() - 1].pow(2)).max(1));
        let vv = v.to_f64_vec();
        for k in 0..count {
            for j in 0..n {
                let s: f64 = (0..n).map(|i| vv[k * n * n + i * n + j].powi(2)).sum();
                assert!(
                    (s - 1.0).abs() < tol,
                    "column {j} of matrix {k} has norm² {s}"
                );
            }
        }
    }

    fn sorted(a: &Array) -> Vec<f64> {
        let mut v = a.to_f64_vec();
        v.sort_by(|x, y| x.total_cmp(y));
        v
    }

    #[test]
    fn eig_real_eigenvalues() {
        let ns = f64a(&[3, 3], &[2., 1., 0., 1., 3., 1., 0., 0., 5.]);
        let (w, v) = eig(&ns).unwrap();
        assert_eq!(w.shape(), &[3]);
        let want = [1.381966011250105, 3.618033988749895, 5.0];
        for (g, x) in sorted(&w).iter().zip(want) {
            assert!((g - x).abs() < 1e-13, "{g} vs {x}");
        }
        check_eigen(&ns, &w, &v, 1e-12);
        // |v| matches NumPy's eigenvector for the eigenvalue 5
        let (wv, vv) = (w.to_f64_vec(), v.to_f64_vec());
        let j = wv.iter().position(|&x| (x - 5.0).abs() < 1e-9).unwrap();
        let col: Vec<f64> = (0..3).map(|i| vv[i * 3 + j].abs()).collect();
        let np = [0.1690308509457033, 0.5070925528371099, 0.8451542547285166];
        for (g, x) in col.iter().zip(np) {
            assert!((g - x).abs() < 1e-12);
        }
        let n = f64a(&[2, 2], &[1., 2., 3., 4.]);
        let (w, v) = eig(&n).unwrap();
        let s = sorted(&w);
        assert!(
            (s[0] + 0.3722813232690143).abs() < 1e-13 && (s[1] - 5.372281323269014).abs() < 1e-13
        );
        check_eigen(&n, &w, &v, 1e-12);
        // stacked and float32
        let st = f64a(&[2, 2, 2], &S);
        let (w, v) = eig(&st).unwrap();
        assert_eq!(
            (w.shape(), v.shape()),
            (&[2usize, 2][..], &[2usize, 2, 2][..])
        );
        check_eigen(&st, &w, &v, 1e-12);
        let (w, v) = eig(&f32a(&[2, 2, 2], &S)).unwrap();
        assert_eq!((w.dtype(), v.dtype()), (DType::F32, DType::F32));
        // the doc example: a diagonal matrix, exactly
        let (w, v) = eig(&f64a(&[2, 2], &[2., 0., 0., 3.])).unwrap();
        exact(&w, &[2], &[2., 3.]);
        exact(&v, &[2, 2], &[1., 0., 0., 1.]);
    }

    #[test]
    fn eig_symmetric_with_clustered_eigenvalues_stays_real() {
        // NumPy's eig returns complex values with ~1e-13 imaginary parts
        // here (eigenvalue 200 is repeated); arr falls back to the
        // symmetric solver and returns real ones.
        let mut fell_back = false;
        for n in [60usize, 500] {
            let mut v = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    v[i * n + j] = ((i * n + j) % 7 + (j * n + i) % 7) as f64;
                }
                v[i * n + i] += 200.0;
            }
            let a = f64a(&[n, n], &v);
            let e = mat_at(&v, 0, n, n).eigen().unwrap();
            fell_back |= (0..n).any(|i| e.S()[i].im != 0.0);
            let (w, vecs) = eig(&a).unwrap();
            check_eigen(&a, &w, &vecs, 1e-10);
            let (wh, _) = eigh(&a, false).unwrap();
            close(&f64a(&[n], &sorted(&w)), &[n], &wh.to_f64_vec(), 1e-12);
        }
        assert!(fell_back, "the general solver found only real eigenvalues");
    }

    #[test]
    fn eig_errors() {
        let rot = f64a(&[2, 2], &[0., -1., 1., 0.]);
        let e = err(eig(&rot));
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("complex eigenvalues"), "{}", e.message);
        assert!(e.help.as_deref().unwrap_or("").contains("eigh"));
        let e = err(eig(&f64a(&[2, 3], &W23)));
        assert_eq!(e.kind, ErrorKind::Shape);
        assert_eq!(labels(&e), vec![0]);
        let e = err(eig(&f64a(&[2, 2], &[1., f64::NAN, 0., 1.])));
        assert_eq!(e.kind, ErrorKind::Value);
    }

    #[test]
    fn eigh_values_vectors_uplo() {
        let b = f64a(&[3, 3], &B3);
        let (w, v) = eigh(&b, false).unwrap();
        close(
            &w,
            &[3],
            &[0.5857864376269051, 2.0, 3.414213562373095],
            1e-14,
        );
        check_eigen(&b, &w, &v, 1e-13);
        close(&mm(&tr(&v), &v), &[3, 3], &eye_vals(1, 3), 1e-14);
        let abs_np = [
            0.5,
            0.7071067811865476,
            0.5,
            0.7071067811865474,
            0.0,
            0.7071067811865474,
            0.5,
            0.7071067811865472,
            0.5,
        ];
        let got: Vec<f64> = v.to_f64_vec().iter().map(|x| x.abs()).collect();
        close(&f64a(&[3, 3], &got), &[3, 3], &abs_np, 1e-13);
        // only one triangle is read
        let u = f64a(&[2, 2], &[2., 100., 1., 3.]);
        close(
            &eigh(&u, false).unwrap().0,
            &[2],
            &[1.381966011250105, 3.618033988749895],
            1e-13,
        );
        close(
            &eigh(&u, true).unwrap().0,
            &[2],
            &[-97.50124999218761, 102.5012499921876],
            1e-13,
        );
        // stacked, float32
        let sym = f64a(&[2, 2, 2], &[2., 1., 1., 2., 4., 0., 0., 1.]);
        let (w, v) = eigh(&sym, false).unwrap();
        close(&w, &[2, 2], &[1., 3., 1., 4.], 1e-14);
        check_eigen(&sym, &w, &v, 1e-13);
        let (w, _) = eigh(&f32a(&[3, 3], &B3), false).unwrap();
        assert_eq!(w.dtype(), DType::F32);
        close(
            &w,
            &[3],
            &[0.5857864376269051, 2.0, 3.414213562373095],
            1e-6,
        );
        assert_eq!(
            err(eigh(&f64a(&[3, 2], &R32), false)).kind,
            ErrorKind::Shape
        );
    }

    // ------------------------------------------------------------- svd

    #[track_caller]
    fn check_svd(a: &Array, u: &Array, s: &Array, vh: &Array, tol: f64) {
        let k = s.shape()[s.ndim() - 1];
        let sh = a.shape();
        let (m, n) = (sh[sh.len() - 2], sh[sh.len() - 1]);
        // reconstruct from the first k columns/rows
        let count = a.len() / (m * n).max(1);
        let (uu, vv) = (u.to_f64_vec(), vh.to_f64_vec());
        let (uc, vr) = (u.shape()[u.ndim() - 1], vh.shape()[vh.ndim() - 2]);
        let mut rec = Vec::new();
        let sv = s.to_f64_vec();
        for b in 0..count {
            for i in 0..m {
                for j in 0..n {
                    let x: f64 = (0..k)
                        .map(|r| {
                            uu[b * m * uc + i * uc + r] * sv[b * k + r] * vv[b * vr * n + r * n + j]
                        })
                        .sum();
                    rec.push(x);
                }
            }
        }
        close(&f64a(sh, &rec), sh, &a.to_f64_vec(), tol);
        let c = u.len() / (m * uc).max(1);
        close(
            &mm(&tr(u), u),
            &cat(&u.shape()[..u.ndim() - 2], &[uc, uc]),
            &eye_vals(c, uc),
            tol,
        );
        close(
            &mm(vh, &tr(vh)),
            &cat(&vh.shape()[..vh.ndim() - 2], &[vr, vr]),
            &eye_vals(c, vr),
            tol,
        );
    }

    #[test]
    fn svd_shapes_values_reconstruction() {
        let a = f64a(&[3, 2], &R32);
        let (u, s, vh) = svd(&a, true).unwrap();
        assert_eq!(
            (u.shape(), vh.shape()),
            (&[3usize, 3][..], &[2usize, 2][..])
        );
        close(&s, &[2], &[9.525518091565107, 0.5143005806586443], 1e-13);
        check_svd(&a, &u, &s, &vh, 1e-13);
        let (u, s, vh) = svd(&a, false).unwrap();
        assert_eq!(
            (u.shape(), vh.shape()),
            (&[3usize, 2][..], &[2usize, 2][..])
        );
        check_svd(&a, &u, &s, &vh, 1e-13);
        let w = f64a(&[2, 3], &W23);
        let (u, s, vh) = svd(&w, true).unwrap();
        assert_eq!(
            (u.shape(), vh.shape()),
            (&[2usize, 2][..], &[3usize, 3][..])
        );
        close(&s, &[2], &[9.508032000695724, 0.7728696356734843], 1e-13);
        check_svd(&w, &u, &s, &vh, 1e-13);
        close(
            &svdvals(&w).unwrap(),
            &[2],
            &[9.508032000695724, 0.7728696356734843],
            1e-13,
        );
        // stacked
        let st = f64a(&[2, 2, 2], &S);
        let want = [
            5.464985704219043,
            0.36596619062625746,
            3.6180339887498953,
            1.381966011250105,
        ];
        close(&svdvals(&st).unwrap(), &[2, 2], &want, 1e-13);
        let (u, s, vh) = svd(&st, true).unwrap();
        close(&s, &[2, 2], &want, 1e-13);
        check_svd(&st, &u, &s, &vh, 1e-13);
        // float32
        let (u, s, vh) = svd(&f32a(&[3, 2], &R32), false).unwrap();
        assert!([u.dtype(), s.dtype(), vh.dtype()]
            .iter()
            .all(|&d| d == DType::F32));
        close(&s, &[2], &[9.525518091565107, 0.5143005806586443], 1e-6);
        // empty
        let (u, s, vh) = svd(&f64a(&[0, 2], &[]), true).unwrap();
        assert_eq!(
            (u.shape(), s.shape(), vh.shape()),
            (&[0usize, 0][..], &[0usize][..], &[2usize, 2][..])
        );
        exact(&vh, &[2, 2], &[1., 0., 0., 1.]);
        exact(
            &svdvals(&f64a(&[2, 2], &[3., 0., 0., -4.])).unwrap(),
            &[2],
            &[4., 3.],
        );
        assert_eq!(
            err(svd(&f64a(&[3], &[1., 2., 3.]), true)).kind,
            ErrorKind::Shape
        );
        assert_eq!(
            err(svdvals(&f64a(&[1, 2], &[f64::NAN, 1.]))).kind,
            ErrorKind::Value
        );
    }

    // -------------------------------------------------------------- qr

    #[test]
    fn qr_modes() {
        let a = f64a(&[3, 2], &R32);
        let abs = |x: &Array| {
            f64a(
                x.shape(),
                &x.to_f64_vec().iter().map(|v| v.abs()).collect::<Vec<_>>(),
            )
        };
        let (q, r) = qr(&a, QrMode::Reduced).unwrap();
        let q = q.unwrap();
        assert_eq!((q.shape(), r.shape()), (&[3usize, 2][..], &[2usize, 2][..]));
        close(
            &abs(&r),
            &[2, 2],
            &[5.916079783099616, 7.437357441610946, 0.0, 0.828078671210825],
            1e-13,
        );
        assert_eq!(r.to_f64_vec()[2], 0.0);
        close(&mm(&q, &r), &[3, 2], &R32, 1e-13);
        close(&mm(&tr(&q), &q), &[2, 2], &eye_vals(1, 2), 1e-14);
        let (q, r) = qr(&a, QrMode::Complete).unwrap();
        let q = q.unwrap();
        assert_eq!((q.shape(), r.shape()), (&[3usize, 3][..], &[3usize, 2][..]));
        close(
            &abs(&r),
            &[3, 2],
            &[
                5.916079783099616,
                7.437357441610946,
                0.0,
                0.828078671210825,
                0.,
                0.,
            ],
            1e-13,
        );
        close(&mm(&q, &r), &[3, 2], &R32, 1e-13);
        close(&mm(&tr(&q), &q), &[3, 3], &eye_vals(1, 3), 1e-14);
        let (q, r) = qr(&f64a(&[2, 3], &W23), QrMode::R).unwrap();
        assert!(q.is_none());
        close(
            &abs(&r),
            &[2, 3],
            &[
                4.123105625617661,
                5.335783750799326,
                6.5484618759809905,
                0.0,
                0.7276068751089992,
                1.4552137502179985,
            ],
            1e-13,
        );
        // stacked, float32, empty
        let st = f64a(&[2, 2, 2], &S);
        let (q, r) = qr(&st, QrMode::Reduced).unwrap();
        close(&mm(&q.unwrap(), &r), &[2, 2, 2], &S, 1e-13);
        let (q, r) = qr(&f32a(&[3, 2], &R32), QrMode::Reduced).unwrap();
        assert_eq!((q.unwrap().dtype(), r.dtype()), (DType::F32, DType::F32));
        let (q, r) = qr(&f64a(&[2, 0], &[]), QrMode::Complete).unwrap();
        exact(&q.unwrap(), &[2, 2], &[1., 0., 0., 1.]);
        assert_eq!(r.shape(), &[2, 0]);
        assert_eq!(
            err(qr(&f64a(&[2], &[1., 2.]), QrMode::Reduced)).kind,
            ErrorKind::Shape
        );
    }

    // -------------------------------------------------------- cholesky

    #[test]
    fn cholesky_values_and_errors() {
        let l = [
            1.4142135623730951,
            0.0,
            0.0,
            -0.7071067811865475,
            1.224744871391589,
            0.0,
            0.0,
            -0.8164965809277261,
            1.1547005383792515,
        ];
        let b = f64a(&[3, 3], &B3);
        close(&cholesky(&b, false).unwrap(), &[3, 3], &l, 1e-15);
        let u = cholesky(&b, true).unwrap();
        close(&u, &[3, 3], &tr(&f64a(&[3, 3], &l)).to_f64_vec(), 1e-15);
        let r = cholesky(&f32a(&[3, 3], &B3), false).unwrap();
        assert_eq!(r.dtype(), DType::F32);
        close(&r, &[3, 3], &l, 1e-7);
        // the doc example, exactly (zeros included)
        exact(
            &cholesky(&f64a(&[2, 2], &[4., 2., 2., 5.]), false).unwrap(),
            &[2, 2],
            &[2., 0., 1., 2.],
        );
        // stacked: L @ L.T reconstructs
        let sym = f64a(&[2, 2, 2], &[2., 1., 1., 2., 4., 0., 0., 1.]);
        let l2 = cholesky(&sym, false).unwrap();
        close(&mm(&l2, &tr(&l2)), &[2, 2, 2], &sym.to_f64_vec(), 1e-14);
        // errors
        let e = err(cholesky(&f64a(&[2, 2], &[1., 2., 2., 1.]), false));
        assert_eq!(e.kind, ErrorKind::Value);
        assert!(e.message.contains("not positive definite"), "{}", e.message);
        let e = err(cholesky(
            &f64a(&[2, 2, 2], &[1., 0., 0., 1., -1., 0., 0., 1.]),
            false,
        ));
        assert!(e.message.contains("[1]"), "{}", e.message);
        assert_eq!(
            err(cholesky(&f64a(&[3, 2], &R32), false)).kind,
            ErrorKind::Shape
        );
    }

    // ----------------------------------------------------- matrix_rank

    #[test]
    fn matrix_rank_values() {
        let r = |a: &Array| matrix_rank(a, None, None).unwrap().to_i64_vec();
        assert_eq!(
            r(&f64a(&[3, 3], &[1., 2., 3., 4., 5., 6., 7., 8., 9.])),
            vec![2]
        );
        let st = matrix_rank(&f64a(&[2, 2, 2], &S), None, None).unwrap();
        assert_eq!((st.shape(), st.dtype()), (&[2usize][..], DType::I64));
        assert_eq!(st.to_i64_vec(), vec![2, 2]);
        assert_eq!(r(&f64a(&[3], &[0., 0., 0.])), vec![0]);
        assert_eq!(r(&f64a(&[2], &[1., 0.])), vec![1]);
        let d = f64a(&[3, 3], &[1., 0., 0., 0., 1e-3, 0., 0., 0., 1e-9]);
        assert_eq!(r(&d), vec![3]);
        assert_eq!(
            matrix_rank(&d, Some(1e-4), None).unwrap().to_i64_vec(),
            vec![2]
        );
        assert_eq!(
            matrix_rank(&d, None, Some(1e-4)).unwrap().to_i64_vec(),
            vec![2]
        );
        // float32 uses float32's eps: 1e-9 is below max(s) * 3 * eps32
        assert_eq!(r(&d.astype(DType::F32)), vec![2]);
        assert_eq!(r(&f64a(&[0, 3], &[])), vec![0]);
    }

    // ------------------------------------------------- doc examples

    #[test]
    fn doc_example_values() {
        // The outputs in builtins/linalg.rs were printed by NumPy; these
        // are the same computations at full precision.
        exact(
            &norm(&i64a(&[2], &[3, 4]), None, None, false).unwrap(),
            &[],
            &[5.0],
        );
        let m = i64a(&[2, 2], &[1, -2, 3, 4]);
        exact(
            &norm(&m, Some(NormOrd::P(1.0)), None, false).unwrap(),
            &[],
            &[6.0],
        );
        close(
            &norm(&i64a(&[2, 2], &[3, 4, 6, 8]), None, Some(&[1]), false).unwrap(),
            &[2],
            &[5., 10.],
            1e-15,
        );
        close(
            &inv(&i64a(&[2, 2], &[1, 2, 3, 4])).unwrap(),
            &[2, 2],
            &[-2., 1., 1.5, -0.5],
            1e-14,
        );
        close(
            &pinv(&i64a(&[2, 2], &[1, 2, 2, 4]), 1e-15).unwrap(),
            &[2, 2],
            &[0.04, 0.08, 0.08, 0.16],
            1e-14,
        );
        close(
            &solve(&i64a(&[2, 2], &[3, 1, 1, 2]), &i64a(&[2], &[9, 8])).unwrap(),
            &[2],
            &[2., 3.],
            1e-15,
        );
        exact(
            &det(&i64a(&[3, 3], &[2, -1, 0, -1, 2, -1, 0, -1, 2])).unwrap(),
            &[],
            &[4.0],
        );
        exact(&det(&i64a(&[2, 2], &[1, 2, 2, 4])).unwrap(), &[], &[0.0]);
        let r = lstsq(
            &i64a(&[3, 2], &[1, 0, 1, 1, 1, 2]),
            &i64a(&[3], &[1, 2, 4]),
            None,
        )
        .unwrap();
        close(&r.x, &[2], &[0.8333333333333333, 1.5], 1e-14);
        let (w, _) = eigh(&i64a(&[2, 2], &[2, 1, 1, 2]), false).unwrap();
        close(&w, &[2], &[1., 3.], 1e-14);
        let (q, _) = qr(&i64a(&[3, 2], &[1, 2, 3, 4, 5, 6]), QrMode::Reduced).unwrap();
        assert_eq!(q.unwrap().shape(), &[3, 2]);
        assert_eq!(
            matrix_rank(&i64a(&[2, 2], &[1, 2, 2, 4]), None, None)
                .unwrap()
                .to_i64_vec(),
            vec![1]
        );
    }
}
