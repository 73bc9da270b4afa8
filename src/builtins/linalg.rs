//! Linear algebra builtins (`numpy.linalg`): norm inv pinv solve det lstsq eig eigh svd qr cholesky matrix_rank.
//!
//! Thin glue: arguments are parsed here, the numerics (faer decompositions,
//! stacking, error checks) live in `crate::array::linalg`. The products
//! dot, matmul, outer, inner and trace are in `misc.rs`.

use super::{arr, Args, Builtin};
use crate::array::linalg::{self as la, NormOrd, QrMode};
use crate::diagnostics::{At, Error, Result};
use crate::ops::Interp;
use crate::value::Value;

fn pair(x: la::Lstsq) -> Value {
    Value::tuple(vec![
        Value::from_array(x.x),
        Value::from_array(x.residuals),
        Value::int(x.rank),
        Value::from_array(x.s),
    ])
}

fn ord_arg(a: &Args, i: usize) -> Result<Option<NormOrd>> {
    match a.get(i) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Num(s, _)) => Ok(Some(NormOrd::P(s.as_f64()))),
        Some(Value::Array(x)) if x.ndim() == 0 => Ok(Some(NormOrd::P(x.to_f64_vec()[0]))),
        Some(Value::Str(s)) => match &**s {
            "fro" | "f" => Ok(Some(NormOrd::Fro)),
            "nuc" => Ok(Some(NormOrd::Nuc)),
            _ => Err(Error::value(format!("norm: unknown ord \"{s}\""))
                .label(At::Arg(i), "here")
                .with_help("ord is a number (2, 1, inf, -inf, ...), \"fro\" or \"nuc\"")),
        },
        Some(v) => Err(a.type_err(i, "a number, \"fro\" or \"nuc\"", v)),
    }
}

fn str_arg(a: &Args, i: usize, default: &str) -> Result<String> {
    match a.get(i) {
        None | Some(Value::None) => Ok(default.to_string()),
        _ => a.string(i),
    }
}

pub fn norm(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let ord = ord_arg(&a, 1)?;
    let axes = a.axes(2)?;
    let keepdims = a.bool_or(3, false)?;
    la::norm(&x, ord, axes.as_deref(), keepdims).and_then(arr)
}

pub fn inv(_: &mut Interp, a: Args) -> Result<Value> {
    la::inv(&a.array(0)?).and_then(arr)
}

pub fn pinv(_: &mut Interp, a: Args) -> Result<Value> {
    let rcond = a.opt_float(1)?.unwrap_or(1e-15);
    la::pinv(&a.array(0)?, rcond).and_then(arr)
}

pub fn solve(_: &mut Interp, a: Args) -> Result<Value> {
    la::solve(&a.array(0)?, &a.array(1)?).and_then(arr)
}

pub fn det(_: &mut Interp, a: Args) -> Result<Value> {
    la::det(&a.array(0)?).and_then(arr)
}

pub fn lstsq(_: &mut Interp, a: Args) -> Result<Value> {
    let rcond = a.opt_float(2)?;
    la::lstsq(&a.array(0)?, &a.array(1)?, rcond).map(pair)
}

pub fn eig(_: &mut Interp, a: Args) -> Result<Value> {
    let (w, v) = la::eig(&a.array(0)?)?;
    Ok(Value::tuple(vec![
        Value::from_array(w),
        Value::from_array(v),
    ]))
}

pub fn eigh(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let upper = match str_arg(&a, 1, "L")?.as_str() {
        "L" | "l" => false,
        "U" | "u" => true,
        s => {
            return Err(
                Error::value(format!("eigh: UPLO must be \"L\" or \"U\", got \"{s}\""))
                    .label(At::Arg(1), "here"),
            )
        }
    };
    let (w, v) = la::eigh(&x, upper)?;
    Ok(Value::tuple(vec![
        Value::from_array(w),
        Value::from_array(v),
    ]))
}

pub fn svd(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let full = a.bool_or(1, true)?;
    if !a.bool_or(2, true)? {
        return la::svdvals(&x).and_then(arr);
    }
    let (u, s, vh) = la::svd(&x, full)?;
    Ok(Value::tuple(vec![
        Value::from_array(u),
        Value::from_array(s),
        Value::from_array(vh),
    ]))
}

pub fn qr(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let mode = match str_arg(&a, 1, "reduced")?.as_str() {
        "reduced" => QrMode::Reduced,
        "complete" => QrMode::Complete,
        "r" => QrMode::R,
        s => {
            return Err(Error::value(format!("qr: unknown mode \"{s}\""))
                .label(At::Arg(1), "here")
                .with_help("modes are \"reduced\" (default), \"complete\" and \"r\""))
        }
    };
    match la::qr(&x, mode)? {
        (Some(q), r) => Ok(Value::tuple(vec![
            Value::from_array(q),
            Value::from_array(r),
        ])),
        (None, r) => arr(r),
    }
}

pub fn cholesky(_: &mut Interp, a: Args) -> Result<Value> {
    let upper = a.bool_or(1, false)?;
    la::cholesky(&a.array(0)?, upper).and_then(arr)
}

pub fn matrix_rank(_: &mut Interp, a: Args) -> Result<Value> {
    let x = a.array(0)?;
    let (tol, rtol) = (a.opt_float(1)?, a.opt_float(2)?);
    if tol.is_some() && rtol.is_some() {
        return Err(Error::value("matrix_rank: give tol or rtol, not both")
            .label(At::Arg(1), "tol")
            .label(At::Arg(2), "rtol"));
    }
    la::matrix_rank(&x, tol, rtol).and_then(arr)
}

pub static ROWS: &[Builtin] = &[
    b!("norm", "norm(x, ord=none, axis=none, keepdims=false)", "linalg", false, norm,
        "Vector or matrix norm. With no ord and no axis, the 2-norm of all elements. One axis (or a 1-d x) gives vector norms: ord 2 (default), 1, inf, -inf, 0 (count of non-zeros) or any p. Two axes (or a 2-d x with ord) give matrix norms: \"fro\" (default), \"nuc\" (sum of singular values), 1 / -1 (largest / smallest column sum of |x|), inf / -inf (row sums), 2 / -2 (largest / smallest singular value).",
        ("norm([3, 4])", "5.0"),
        ("norm([[1, -2], [3, 4]], ord=1)", "6.0"),
        ("norm([[3, 4], [6, 8]], axis=1)", "[ 5. 10.]")),
    b!("inv", "inv(a)", "linalg", false, inv,
        "The inverse of a square matrix, or of each matrix of a stack (..., M, M). A singular matrix (also one singular to working precision) is an error; pinv(a) gives a pseudo-inverse instead.",
        ("inv([[1, 2], [3, 4]])", "[[-2.   1. ]\n [ 1.5 -0.5]]")),
    b!("pinv", "pinv(a, rcond=1e-15)", "linalg", false, pinv,
        "The Moore-Penrose pseudo-inverse (N, M) of an (M, N) matrix or stack, from the SVD; singular values at or below rcond times the largest count as zero. Defined for singular and non-square matrices.",
        ("pinv([[1, 2], [2, 4]])", "[[0.04 0.08]\n [0.08 0.16]]")),
    b!("solve", "solve(a, b)", "linalg", false, solve,
        "The x with a @ x == b for a square, non-singular a. b is a vector (M,) or a matrix (M, K) of right-hand sides; stacks (..., M, M) and (..., M, K) broadcast. For singular or non-square systems use lstsq.",
        ("solve([[3, 1], [1, 2]], [9, 8])", "[2. 3.]")),
    b!("det", "det(a)", "linalg", false, det,
        "The determinant of a square matrix (a scalar) or of each matrix of a stack. Computed from the LU factorization as NumPy does, so it is exactly 0 only for an exactly singular factorization.",
        ("det([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])", "4.0"),
        ("det([[1, 2], [2, 4]])", "0.0")),
    b!("lstsq", "lstsq(a, b, rcond=none)", "linalg", false, lstsq,
        "Least-squares solution of a @ x ≈ b for a 2-d a (M, N) and b (M,) or (M, K), via the SVD: the tuple (x, residuals, rank, s) as NumPy 2 returns it. residuals holds the squared residual norm per column of b when rank == N < M, else it is empty; singular values below rcond * max(s) (default eps * max(M, N)) count as zero.",
        ("x, res, rank, s = lstsq([[1, 0], [1, 1], [1, 2]], [1, 2, 4]); x", "[0.83333333 1.5       ]")),
    b!("eig", "eig(a)", "linalg", false, eig,
        "Eigenvalues w and eigenvectors v (unit columns, a @ v[:, i] == w[i] * v[:, i]) of a square matrix or stack, as a tuple (w, v). arr has no complex numbers: a matrix with complex eigenvalues is an error (use eigh for symmetric matrices; a symmetric matrix whose eigenvalues rounding would make complex is handed to eigh's solver). The order of the eigenvalues and the signs of the vectors may differ from NumPy's.",
        ("eig([[2, 0], [0, 3]])", "([2. 3.], [[1. 0.]\n [0. 1.]])")),
    b!("eigh", "eigh(a, UPLO=\"L\")", "linalg", false, eigh,
        "Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix or stack, as a tuple (w, v). Only the lower (UPLO=\"L\") or upper (\"U\") triangle is read. The signs of the eigenvectors may differ from NumPy's.",
        ("w, v = eigh([[2, 1], [1, 2]]); w", "[1. 3.]")),
    b!("svd", "svd(a, full_matrices=true, compute_uv=true)", "linalg", false, svd,
        "Singular value decomposition: the tuple (U, S, Vh) with a == U @ (S[:, newaxis] * Vh) (reduced shapes when full_matrices=false), singular values descending; just S when compute_uv=false. Works on stacks (..., M, N). The signs of singular vectors may differ from NumPy's.",
        ("svd([[3, 0], [0, -4]], compute_uv=false)", "[4. 3.]")),
    b!("qr", "qr(a, mode=\"reduced\")", "linalg", false, qr,
        "QR decomposition a == Q @ R with orthonormal columns in Q and upper-triangular R, as a tuple (Q, R). mode \"reduced\" gives Q (M, K) and R (K, N) with K = min(M, N), \"complete\" Q (M, M) and R (M, N), \"r\" only R. Works on stacks. Signs of rows of R (and columns of Q) may differ from NumPy's.",
        ("q, r = qr([[1, 2], [3, 4], [5, 6]]); shape(q)", "(3, 2)")),
    b!("cholesky", "cholesky(a, upper=false)", "linalg", false, cholesky,
        "The Cholesky factor: lower-triangular L with a == L @ L.T (or the upper factor L.T with upper=true) for a symmetric positive-definite matrix or stack; only the lower triangle is read. Not positive definite is an error.",
        ("cholesky([[4, 2], [2, 5]])", "[[2. 0.]\n [1. 2.]]")),
    b!("matrix_rank", "matrix_rank(a, tol=none, rtol=none)", "linalg", false, matrix_rank,
        "The rank of a matrix (or of each matrix of a stack): the number of singular values above tol, by default max(s) * max(M, N) * eps (or max(s) * rtol). For a 1-d array, 1 unless all elements are 0.",
        ("matrix_rank([[1, 2], [2, 4]])", "1"),
        ("matrix_rank(eye(3))", "3")),
];
