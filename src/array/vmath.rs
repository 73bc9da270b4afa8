//! Vectorised maths kernels: exp, log, sin, tanh, ... over slices of
//! float32 and float64, chosen at run time by CPU feature.
//!
//! Every function here is one branch-free element function on `f64`
//! (`exp_f64`, `sin_f64`, ...) built only from IEEE operations that round
//! the same way everywhere: `+ - * /`, `sqrt`, fused multiply-add
//! (`f64::mul_add`), bit casts, integer shifts and selects. The slice loops
//! that apply them are compiled three times, with AVX-512, with AVX2+FMA and
//! with the target's baseline features (SSE2 on x86-64, NEON on aarch64), and
//! LLVM vectorises each at that width. Because the operations are the same
//! IEEE operations on every path, the results are bit-identical on every
//! path (tested: `tests::every_path_gives_the_same_bits`); the baseline on a
//! CPU without FMA pays for a software `fma` call, not for a different result.
//!
//! float32 functions evaluate the float64 function and round once: the
//! float64 kernels are accurate to about 1 ULP of float64, so the float32
//! result is within 0.5 ULP + 2^-28 of the true value (correctly rounded
//! in all but rare halfway cases).
//!
//! Why not pulp's `Simd` trait (it is in the tree through faer): its 0.22
//! API has no 64-bit integer shifts or float/integer bit conversions, which
//! exponent handling needs, and its AVX-512 type sits behind the `x86-v4`
//! feature, which would also switch faer's own kernels. std's
//! `is_x86_feature_detected!` gives the same runtime dispatch.
//!
//! The polynomials are fdlibm's (Sun, via musl: sin, cos, tan, log, log2,
//! log10, atan, asin, acos), with the branches turned into selects; exp and
//! expm1 are a table-free Cody-Waite reduction with a degree-13 Taylor
//! polynomial. sin/cos/tan of |x| >= 2^20 (and inf/nan) go to the `libm`
//! crate's Payne-Hanek reduction (pure Rust, the same on every machine).
//!
//! One entry point per function: plain calls (`elementwise::unary`), fused
//! chains (`fused.rs`), reductions and the autodiff rules all come here.

use super::elementwise::UnaryOp;
use super::vmath32 as k32;
use std::mem::MaybeUninit;
use std::sync::OnceLock;

/// A code path: the instruction set the kernels were compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// x86-64 AVX-512 (F, DQ, VL, BW) with FMA.
    Avx512,
    /// x86-64 AVX2 with FMA.
    Avx2,
    /// The target's baseline (SSE2 on x86-64, NEON on aarch64).
    Baseline,
}

impl Path {
    pub fn name(self) -> &'static str {
        match self {
            Path::Avx512 => "avx512",
            Path::Avx2 => "avx2",
            Path::Baseline => "baseline",
        }
    }
    fn runs_here(self) -> bool {
        match self {
            Path::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Path::Avx2 => {
                is_x86_feature_detected!("avx2")
                    && is_x86_feature_detected!("fma")
                    && is_x86_feature_detected!("bmi1")
                    && is_x86_feature_detected!("bmi2")
                    && is_x86_feature_detected!("lzcnt")
            }
            #[cfg(target_arch = "x86_64")]
            Path::Avx512 => {
                Path::Avx2.runs_here()
                    && is_x86_feature_detected!("avx512f")
                    && is_x86_feature_detected!("avx512dq")
                    && is_x86_feature_detected!("avx512vl")
                    && is_x86_feature_detected!("avx512bw")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }
}

/// The paths this CPU can run, fastest first.
pub fn available() -> Vec<Path> {
    [Path::Avx512, Path::Avx2, Path::Baseline]
        .into_iter()
        .filter(|p| p.runs_here())
        .collect()
}

/// The path in use: the fastest available, or `ARR_SIMD=avx512|avx2|baseline`
/// when that one is available (for benchmarks and bug reports).
pub fn chosen() -> Path {
    static CHOSEN: OnceLock<Path> = OnceLock::new();
    *CHOSEN.get_or_init(|| {
        let av = available();
        let want = std::env::var("ARR_SIMD").ok();
        want.and_then(|w| av.iter().copied().find(|p| p.name() == w))
            .unwrap_or(av[0])
    })
}

/// The functions with a kernel here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fun {
    Sqrt,
    Exp,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
}

impl Fun {
    pub const ALL: [Fun; 16] = [
        Fun::Sqrt,
        Fun::Exp,
        Fun::Expm1,
        Fun::Log,
        Fun::Log2,
        Fun::Log10,
        Fun::Log1p,
        Fun::Sin,
        Fun::Cos,
        Fun::Tan,
        Fun::Arcsin,
        Fun::Arccos,
        Fun::Arctan,
        Fun::Sinh,
        Fun::Cosh,
        Fun::Tanh,
    ];
    pub fn of(op: UnaryOp) -> Option<Fun> {
        use UnaryOp as U;
        Some(match op {
            U::Sqrt => Fun::Sqrt,
            U::Exp => Fun::Exp,
            U::Expm1 => Fun::Expm1,
            U::Log => Fun::Log,
            U::Log2 => Fun::Log2,
            U::Log10 => Fun::Log10,
            U::Log1p => Fun::Log1p,
            U::Sin => Fun::Sin,
            U::Cos => Fun::Cos,
            U::Tan => Fun::Tan,
            U::Arcsin => Fun::Arcsin,
            U::Arccos => Fun::Arccos,
            U::Arctan => Fun::Arctan,
            U::Sinh => Fun::Sinh,
            U::Cosh => Fun::Cosh,
            U::Tanh => Fun::Tanh,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Fun::Sqrt => "sqrt",
            Fun::Exp => "exp",
            Fun::Expm1 => "expm1",
            Fun::Log => "log",
            Fun::Log2 => "log2",
            Fun::Log10 => "log10",
            Fun::Log1p => "log1p",
            Fun::Sin => "sin",
            Fun::Cos => "cos",
            Fun::Tan => "tan",
            Fun::Arcsin => "arcsin",
            Fun::Arccos => "arccos",
            Fun::Arctan => "arctan",
            Fun::Sinh => "sinh",
            Fun::Cosh => "cosh",
            Fun::Tanh => "tanh",
        }
    }
}

/// float32 and float64: the element types the kernels run on.
pub trait Lane: Copy + Send + Sync + 'static {
    /// float32: the float32 kernels (`vmath32.rs`) apply.
    const IS32: bool;
    fn to64(self) -> f64;
    fn from64(v: f64) -> Self;
    fn sqrt_(self) -> Self;
    /// `(src, dst)` kernel on each path (one monomorphic entry per path).
    fn run_path(path: Path, f: Fun, src: &[Self], dst: &mut [MaybeUninit<Self>]);
    /// `x ** y` kernel on each path.
    fn run_pow_path(path: Path, x: Arg<Self>, y: Arg<Self>, dst: &mut [MaybeUninit<Self>]);
    /// The slices as float32 (`Some` only for f32): native float32 kernels.
    fn as_f32<'a>(
        src: &'a [Self],
        dst: &'a mut [MaybeUninit<Self>],
    ) -> Option<(&'a [f32], &'a mut [MaybeUninit<f32>])>;
}

impl Lane for f64 {
    const IS32: bool = false;
    #[inline(always)]
    fn to64(self) -> f64 {
        self
    }
    #[inline(always)]
    fn from64(v: f64) -> f64 {
        v
    }
    #[inline(always)]
    fn sqrt_(self) -> f64 {
        self.sqrt()
    }
    fn run_path(path: Path, f: Fun, src: &[f64], dst: &mut [MaybeUninit<f64>]) {
        dispatch(path, f, src, dst)
    }
    fn run_pow_path(path: Path, x: Arg<f64>, y: Arg<f64>, dst: &mut [MaybeUninit<f64>]) {
        dispatch_pow(path, x, y, dst)
    }
    #[inline(always)]
    fn as_f32<'a>(
        _: &'a [f64],
        _: &'a mut [MaybeUninit<f64>],
    ) -> Option<(&'a [f32], &'a mut [MaybeUninit<f32>])> {
        None
    }
}

impl Lane for f32 {
    const IS32: bool = true;
    #[inline(always)]
    fn to64(self) -> f64 {
        self as f64
    }
    #[inline(always)]
    fn from64(v: f64) -> f32 {
        v as f32
    }
    #[inline(always)]
    fn sqrt_(self) -> f32 {
        self.sqrt()
    }
    fn run_path(path: Path, f: Fun, src: &[f32], dst: &mut [MaybeUninit<f32>]) {
        dispatch(path, f, src, dst)
    }
    fn run_pow_path(path: Path, x: Arg<f32>, y: Arg<f32>, dst: &mut [MaybeUninit<f32>]) {
        dispatch_pow(path, x, y, dst)
    }
    #[inline(always)]
    fn as_f32<'a>(
        src: &'a [f32],
        dst: &'a mut [MaybeUninit<f32>],
    ) -> Option<(&'a [f32], &'a mut [MaybeUninit<f32>])> {
        Some((src, dst))
    }
}

// ------------------------------------------------------------- entry points

/// `dst[i] = f(src[i])` on the chosen path (`dst.len() == src.len()`).
pub fn apply<T: Lane>(f: Fun, src: &[T], dst: &mut [MaybeUninit<T>]) {
    T::run_path(chosen(), f, src, dst)
}

/// `apply` on a given path (tests compare the paths).
pub fn apply_on<T: Lane>(path: Path, f: Fun, src: &[T], dst: &mut [MaybeUninit<T>]) {
    T::run_path(path, f, src, dst)
}

/// `dst[i] = f(src[i])` into initialised memory.
pub fn apply_into<T: Lane>(f: Fun, src: &[T], dst: &mut [T]) {
    // SAFETY: MaybeUninit<T> has T's layout; apply writes only initialised values.
    let dst = unsafe { &mut *(dst as *mut [T] as *mut [MaybeUninit<T>]) };
    apply(f, src, dst)
}

/// `buf[i] = f(buf[i])`.
pub fn apply_inplace<T: Lane + Default>(f: Fun, buf: &mut [T]) {
    const CH: usize = 256;
    let mut tmp = [T::default(); CH];
    for chunk in buf.chunks_mut(CH) {
        let n = chunk.len();
        tmp[..n].copy_from_slice(chunk);
        // SAFETY: MaybeUninit<T> has T's layout; we only write initialised values.
        let dst = unsafe { &mut *(chunk as *mut [T] as *mut [MaybeUninit<T>]) };
        apply(f, &tmp[..n], dst);
    }
}

/// `f(x)` for one value: the same kernel as the slices.
pub fn scalar<T: Lane>(f: Fun, x: T) -> T {
    let mut o = [MaybeUninit::<T>::uninit()];
    apply(f, &[x], &mut o);
    // SAFETY: apply wrote the one element.
    unsafe { o[0].assume_init() }
}

/// A new vector `f(src)`, split across cores (rayon) from `par_from` elements.
pub fn map_vec<T: Lane>(f: Fun, src: &[T], par_from: usize) -> Vec<T> {
    use rayon::prelude::*;
    let n = src.len();
    let mut out: Vec<T> = Vec::with_capacity(n);
    {
        let spare = &mut out.spare_capacity_mut()[..n];
        if n >= par_from {
            const CH: usize = 1 << 13;
            spare
                .par_chunks_mut(CH)
                .zip(src.par_chunks(CH))
                .for_each(|(d, s)| apply(f, s, d));
        } else {
            apply(f, src, spare);
        }
    }
    // SAFETY: apply wrote all n elements.
    unsafe { out.set_len(n) };
    out
}

/// One operand of `x ** y`: a slice (as long as the result) or one value.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a, T> {
    Slice(&'a [T]),
    Scalar(T),
}

impl<'a, T: Copy> Arg<'a, T> {
    fn sub(self, start: usize, len: usize) -> Arg<'a, T> {
        match self {
            Arg::Slice(s) => Arg::Slice(&s[start.min(s.len())..(start + len).min(s.len())]),
            a => a,
        }
    }
    fn len(self) -> Option<usize> {
        match self {
            Arg::Slice(s) => Some(s.len()),
            Arg::Scalar(_) => None,
        }
    }
}

/// `dst[i] = x[i] ** y[i]` on the chosen path; a slice operand shorter than
/// `dst` shortens the work to its length.
pub fn pow<T: Lane>(x: Arg<T>, y: Arg<T>, dst: &mut [MaybeUninit<T>]) {
    T::run_pow_path(chosen(), x, y, dst)
}

/// `pow` on a given path (tests compare the paths).
pub fn pow_on<T: Lane>(path: Path, x: Arg<T>, y: Arg<T>, dst: &mut [MaybeUninit<T>]) {
    T::run_pow_path(path, x, y, dst)
}

/// `x ** y` for one pair: the same kernel as the slices.
pub fn pow_scalar<T: Lane>(x: T, y: T) -> T {
    let mut o = [MaybeUninit::<T>::uninit()];
    pow(Arg::Scalar(x), Arg::Scalar(y), &mut o);
    // SAFETY: pow wrote the one element.
    unsafe { o[0].assume_init() }
}

/// `x ** y` into initialised memory.
pub fn pow_into<T: Lane>(x: Arg<T>, y: Arg<T>, dst: &mut [T]) {
    // SAFETY: MaybeUninit<T> has T's layout; pow writes only initialised values.
    let dst = unsafe { &mut *(dst as *mut [T] as *mut [MaybeUninit<T>]) };
    pow(x, y, dst)
}

/// A new vector of `n` elements `x ** y`, split across cores from `par_from`.
pub fn pow_vec<T: Lane>(x: Arg<T>, y: Arg<T>, n: usize, par_from: usize) -> Vec<T> {
    use rayon::prelude::*;
    let n = [Some(n), x.len(), y.len()]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(n);
    let mut out: Vec<T> = Vec::with_capacity(n);
    {
        let spare = &mut out.spare_capacity_mut()[..n];
        if n >= par_from {
            const CH: usize = 1 << 13;
            spare
                .par_chunks_mut(CH)
                .enumerate()
                .for_each(|(k, d)| pow(x.sub(k * CH, d.len()), y.sub(k * CH, d.len()), d));
        } else {
            pow(x, y, spare);
        }
    }
    // SAFETY: pow wrote all n elements (n is at most each slice's length).
    unsafe { out.set_len(n) };
    out
}

// ------------------------------------------------------------- dispatch

fn dispatch<T: Lane>(path: Path, f: Fun, src: &[T], dst: &mut [MaybeUninit<T>]) {
    let n = src.len().min(dst.len());
    let (src, dst) = (&src[..n], &mut dst[..n]);
    match path {
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 if Path::Avx512.runs_here() => {
            // SAFETY: the CPU has these features (checked above; cached by std).
            unsafe { kernels_avx512(f, src, dst) }
        }
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 if Path::Avx2.runs_here() => {
            // SAFETY: as above.
            unsafe { kernels_avx2(f, src, dst) }
        }
        _ => kernels(f, src, dst),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn kernels_avx512<T: Lane>(f: Fun, src: &[T], dst: &mut [MaybeUninit<T>]) {
    kernels(f, src, dst)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn kernels_avx2<T: Lane>(f: Fun, src: &[T], dst: &mut [MaybeUninit<T>]) {
    kernels(f, src, dst)
}

/// `dst[i] = f(src[i])` through the float64 element function `f`, called
/// by name: a macro, not a function taking `impl Fn`, because LLVM does not
/// inline the `Fn::call` shim of a large `fn` item ("too costly"), and a loop
/// with a call in it is not vectorised (sinh, tanh, tan, ... ran scalar,
/// 20-60 ns an element).
macro_rules! run {
    ($src:expr, $dst:expr, $f:ident) => {
        for (o, &x) in $dst.iter_mut().zip($src) {
            let v = x.to64();
            let r = $f(v);
            // NaN in, the same NaN out: which NaN an operation on NaN gives
            // (sign, payload) differs between scalar and vector code.
            o.write(T::from64(sel(v != v, v, r)));
        }
    };
}

/// Where the fast argument reduction of sin/cos/tan does not hold
/// (|x| >= 2^20, inf, nan), recompute with `libm`'s full reduction.
#[inline(always)]
fn fix_trig<T: Lane>(src: &[T], dst: &mut [MaybeUninit<T>], g: fn(f64) -> f64) {
    let any = src
        .iter()
        .fold(false, |a, &x| a | !(x.to64().abs() < TRIG_MAX));
    if any {
        for (o, &x) in dst.iter_mut().zip(src) {
            let v = x.to64();
            if !(v.abs() < TRIG_MAX) {
                o.write(T::from64(g(v)));
            }
        }
    }
}

fn dispatch_pow<T: Lane>(path: Path, x: Arg<T>, y: Arg<T>, dst: &mut [MaybeUninit<T>]) {
    let n = [Some(dst.len()), x.len(), y.len()]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(0);
    let (x, y, dst) = (x.sub(0, n), y.sub(0, n), &mut dst[..n]);
    match path {
        #[cfg(target_arch = "x86_64")]
        Path::Avx512 if Path::Avx512.runs_here() => {
            // SAFETY: the CPU has these features (checked above; cached by std).
            unsafe { pow_avx512(x, y, dst) }
        }
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 if Path::Avx2.runs_here() => {
            // SAFETY: as above.
            unsafe { pow_avx2(x, y, dst) }
        }
        _ => pow_kernels(x, y, dst),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn pow_avx512<T: Lane>(x: Arg<T>, y: Arg<T>, dst: &mut [MaybeUninit<T>]) {
    pow_kernels(x, y, dst)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,bmi1,bmi2,lzcnt,popcnt")]
unsafe fn pow_avx2<T: Lane>(x: Arg<T>, y: Arg<T>, dst: &mut [MaybeUninit<T>]) {
    pow_kernels(x, y, dst)
}

/// A NaN operand comes back as that NaN (x's first), as in `run!`, except
/// where the answer is 1 (`nan ** 0`, `1 ** nan`).
#[inline(always)]
fn pow_nan<T: Lane>(x: f64, y: f64) -> f64 {
    let r = if T::IS32 {
        pow_f32(x, y)
    } else {
        pow_f64(x, y)
    };
    sel(x != x && y != 0.0, x, sel(y != y && x != 1.0, y, r))
}

/// `pow_nan(x, q)` for one exponent `q` over a slice: `x ** 2` is `x * x`
/// and `x ** 0.5` is `sqrt(x)` (both correctly rounded, so what an exact
/// pow gives; `pow_f64` selects the same values), `x ** 1` is `x`.
#[inline(always)]
fn pow_const<T: Lane>(src: &[T], q: f64, dst: &mut [MaybeUninit<T>]) {
    if q == 2.0 {
        for (o, &p) in dst.iter_mut().zip(src) {
            let v = p.to64();
            o.write(T::from64(sel(v != v, v, v * v)));
        }
    } else if q == 0.5 {
        for (o, &p) in dst.iter_mut().zip(src) {
            o.write(T::from64(pow_half(p.to64())));
        }
    } else if q == 1.0 {
        for (o, &p) in dst.iter_mut().zip(src) {
            o.write(T::from64(p.to64()));
        }
    } else {
        for (o, &p) in dst.iter_mut().zip(src) {
            o.write(T::from64(pow_nan::<T>(p.to64(), q)));
        }
    }
}

/// x ** 0.5: sqrt, but +0 at -0 and +inf at -inf (C99 pow).
#[inline(always)]
fn pow_half(x: f64) -> f64 {
    let r = x.sqrt() + 0.0;
    sel(x == f64::NEG_INFINITY, f64::INFINITY, r)
}

#[inline(always)]
fn pow_kernels<T: Lane>(x: Arg<T>, y: Arg<T>, dst: &mut [MaybeUninit<T>]) {
    match (x, y) {
        (Arg::Slice(a), Arg::Slice(b)) => {
            for ((o, &p), &q) in dst.iter_mut().zip(a).zip(b) {
                o.write(T::from64(pow_nan::<T>(p.to64(), q.to64())));
            }
        }
        (Arg::Slice(a), Arg::Scalar(q)) => pow_const(a, q.to64(), dst),
        (Arg::Scalar(p), Arg::Slice(b)) => {
            let p = p.to64();
            for (o, &q) in dst.iter_mut().zip(b) {
                o.write(T::from64(pow_nan::<T>(p, q.to64())));
            }
        }
        (Arg::Scalar(p), Arg::Scalar(q)) => {
            let r = T::from64(pow_nan::<T>(p.to64(), q.to64()));
            for o in dst.iter_mut() {
                o.write(r);
            }
        }
    }
}

#[inline(always)]
fn kernels<T: Lane>(f: Fun, src: &[T], dst: &mut [MaybeUninit<T>]) {
    if let Some((s, d)) = T::as_f32(src, dst) {
        kernels32(f, s, d);
        return;
    }
    match f {
        Fun::Sqrt => {
            for (o, &x) in dst.iter_mut().zip(src) {
                o.write(x.sqrt_());
            }
        }
        Fun::Exp => run!(src, dst, exp_f64),
        Fun::Expm1 => run!(src, dst, expm1_f64),
        Fun::Log => run!(src, dst, log_f64),
        Fun::Log2 => run!(src, dst, log2_f64),
        Fun::Log10 => run!(src, dst, log10_f64),
        Fun::Log1p => run!(src, dst, log1p_f64),
        Fun::Sin => {
            run!(src, dst, sin_f64);
            fix_trig(src, dst, libm::sin);
        }
        Fun::Cos => {
            run!(src, dst, cos_f64);
            fix_trig(src, dst, libm::cos);
        }
        Fun::Tan => {
            run!(src, dst, tan_f64);
            fix_trig(src, dst, libm::tan);
        }
        Fun::Arcsin => run!(src, dst, asin_f64),
        Fun::Arccos => run!(src, dst, acos_f64),
        Fun::Arctan => run!(src, dst, atan_f64),
        Fun::Sinh => run!(src, dst, sinh_f64),
        Fun::Cosh => run!(src, dst, cosh_f64),
        Fun::Tanh => run!(src, dst, tanh_f64),
    }
}

/// `run!` for the float32 element functions (float32 in and out).
macro_rules! run32 {
    ($src:expr, $dst:expr, $f:path) => {
        for (o, &x) in $dst.iter_mut().zip($src) {
            let r = $f(x);
            o.write(if x != x { x } else { r });
        }
    };
}

/// The float32 kernels: float32 arithmetic at 16 lanes on AVX-512 (float64
/// inside for sin, cos, tan; see `vmath32.rs`).
#[inline(always)]
fn kernels32(f: Fun, src: &[f32], dst: &mut [MaybeUninit<f32>]) {
    match f {
        Fun::Sqrt => {
            for (o, &x) in dst.iter_mut().zip(src) {
                o.write(x.sqrt());
            }
        }
        Fun::Exp => run32!(src, dst, exp_f32),
        Fun::Expm1 => run32!(src, dst, k32::expm1_f32),
        Fun::Log => run32!(src, dst, k32::log_f32),
        Fun::Log2 => run32!(src, dst, k32::log2_f32),
        Fun::Log10 => run32!(src, dst, k32::log10_f32),
        Fun::Log1p => run32!(src, dst, k32::log1p_f32),
        Fun::Sin => {
            run32!(src, dst, k32::sin_f32);
            fix_trig(src, dst, libm::sin);
        }
        Fun::Cos => {
            run32!(src, dst, k32::cos_f32);
            fix_trig(src, dst, libm::cos);
        }
        Fun::Tan => {
            run32!(src, dst, k32::tan_f32);
            fix_trig(src, dst, libm::tan);
        }
        Fun::Arcsin => run32!(src, dst, k32::asin_f32),
        Fun::Arccos => run32!(src, dst, k32::acos_f32),
        Fun::Arctan => run32!(src, dst, k32::atan_f32),
        Fun::Sinh => run32!(src, dst, k32::sinh_f32),
        Fun::Cosh => run32!(src, dst, k32::cosh_f32),
        Fun::Tanh => run32!(src, dst, k32::tanh_f32),
    }
}

// ------------------------------------------------------------- helpers

#[inline(always)]
pub(super) fn fma(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

#[inline(always)]
pub(super) fn sel(c: bool, a: f64, b: f64) -> f64 {
    if c {
        a
    } else {
        b
    }
}

#[inline(always)]
fn abs(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & !(1u64 << 63))
}

/// |x| with the sign of `s`.
#[inline(always)]
fn with_sign_of(ax: f64, s: f64) -> f64 {
    f64::from_bits(ax.to_bits() | (s.to_bits() & (1u64 << 63)))
}

/// `x` with its low 32 bits cleared (fdlibm's SET_LOW_WORD(x, 0)).
#[inline(always)]
fn trunc32(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & 0xffff_ffff_0000_0000)
}

/// Rounds to the nearest integer when added and subtracted (|v| < 2^51).
const SHIFT: f64 = 6755399441055744.0; // 1.5 * 2^52

/// 2^n for an integer `n` held as `kd = SHIFT + n`, split into two factors
/// so that every n from -1100 to 1100 has normal factors: `(p * s1) * s2`
/// rounds only once, also into the subnormal range.
#[inline(always)]
fn scale_parts(kd: f64) -> (f64, f64, i64) {
    let n = (kd.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let n1 = n >> 1;
    let n2 = n - n1;
    let s1 = f64::from_bits((n1.wrapping_add(1023) as u64) << 52);
    let s2 = f64::from_bits((n2.wrapping_add(1023) as u64) << 52);
    (s1, s2, n)
}

// ------------------------------------------------------------- exp family

const INVLN2: f64 = 1.4426950408889634;
/// ln 2 split: the high part has 32 significant bits, so n * LN2HI is exact.
const LN2HI: f64 = 6.93147180369123816490e-01;
const LN2LO: f64 = 1.90821492927058770002e-10;

/// exp(r) - 1 - r over r^2 (degree 11 in r: Taylor to 1/13!), |r| <= ln2/2.
#[inline(always)]
fn expm1_tail(r: f64) -> f64 {
    const C: [f64; 12] = [
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
        1.0 / 362880.0,
        1.0 / 3628800.0,
        1.0 / 39916800.0,
        1.0 / 479001600.0,
        1.0 / 6227020800.0,
    ];
    let mut q = C[11];
    for k in (0..11).rev() {
        q = fma(q, r, C[k]);
    }
    q
}

/// The reduction x = n ln2 + r: returns (kd = SHIFT + n, r as hi + lo).
#[inline(always)]
fn exp_reduce(x: f64) -> (f64, f64, f64) {
    let kd = fma(x, INVLN2, SHIFT);
    let n = kd - SHIFT;
    let rhi = fma(-n, LN2HI, x); // exact
    let rlo = -n * LN2LO;
    (kd, rhi, rlo)
}

/// exp(x) * 2^k for an integer k in -2..=0 (sinh/cosh use k = -1).
#[inline(always)]
fn exp_scaled(x: f64, k: f64) -> f64 {
    let xc = sel(x > 711.0, 711.0, sel(x < -745.2, -745.2, x));
    let (kd, rhi, rlo) = exp_reduce(xc);
    let r = rhi + rlo;
    let t = fma(r * r, expm1_tail(r), rlo);
    // 1 + rhi + t, with the rounding error of 1 + rhi kept (Fast2Sum).
    let u = 1.0 + rhi;
    let e = (1.0 - u) + rhi;
    let p = u + (e + t);
    let (s1, s2, _) = scale_parts(kd + k);
    (p * s1) * s2
}

#[inline(always)]
pub fn exp_f64(x: f64) -> f64 {
    exp_scaled(x, 0.0)
}

/// exp in float32 arithmetic (16 lanes on AVX-512): the same reduction as
/// `exp_scaled` with ln 2 in two parts (n * LN2HI exact), 1 + r kept exact
/// (Fast2Sum), Taylor to r^8/8!; 2^n as two normal factors.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const SHIFT: f32 = 12582912.0; // 1.5 * 2^23
    const INVLN2: f32 = std::f32::consts::LOG2_E;
    const LN2HI: f32 = 0.693145751953125; // 0x3f317200: 15 significant bits
    const LN2LO: f32 = 1.428606765330187e-6;
    const C: [f32; 7] = [
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
    ];
    let xc = if x > 89.0 {
        89.0
    } else if x < -104.0 {
        -104.0
    } else {
        x
    };
    let kd = xc.mul_add(INVLN2, SHIFT);
    let n = kd - SHIFT;
    let rhi = (-n).mul_add(LN2HI, xc); // exact
    let rlo = -n * LN2LO;
    let r = rhi + rlo;
    let mut q = C[6];
    for k in (0..6).rev() {
        q = q.mul_add(r, C[k]);
    }
    let t = (r * r).mul_add(q, rlo);
    let u = 1.0 + rhi;
    let e = (1.0 - u) + rhi;
    let p = u + (e + t);
    let ni = (kd.to_bits() as i32).wrapping_sub(SHIFT.to_bits() as i32);
    let n1 = ni >> 1;
    let n2 = ni - n1;
    let s1 = f32::from_bits((n1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((n2.wrapping_add(127) as u32) << 23);
    (p * s1) * s2
}

/// expm1(x) as an unevaluated sum hi + lo (about 2^-100 relative apart
/// from the last rounding of hi + lo), for x >= -60 (clamped below).
#[inline(always)]
fn expm1_dd(x: f64) -> (f64, f64) {
    let xc = sel(x > 711.0, 711.0, sel(x < -60.0, -60.0, x));
    let (kd, rhi, rlo) = exp_reduce(xc);
    let r = rhi + rlo;
    // expm1(r) = rhi + (rlo + r^2 q(r)) = eh + el
    let tail = fma(r * r, expm1_tail(r), rlo);
    let eh = rhi + tail;
    let el = (rhi - eh) + tail;
    let (s1, s2, n) = scale_parts(kd);
    // 2^n (1 + eh + el) - 1 = (s - 1) + s eh + s el, s - 1 and s eh exact
    let s = s1 * s2;
    let a = s - 1.0;
    let b = s * eh;
    let sum = a + b;
    let bb = sum - a;
    let e = (a - (sum - bb)) + (b - bb);
    let lo = e + s * el;
    let big = ((1.0 + eh) * s1) * s2;
    let over = n > 1000;
    (sel(over, big, sum), sel(over, 0.0, lo))
}

/// exp(x) / 2 for x >= 0 with `expm1_dd`'s clamp and reduction, so that
/// beside `expm1_dd(x)` the compiler computes the reduction and polynomial
/// once (sinh); 2^(n-1) applied as two factors (no early overflow).
#[inline(always)]
fn exp_half(x: f64) -> f64 {
    let xc = sel(x > 711.0, 711.0, sel(x < -60.0, -60.0, x));
    let (kd, rhi, rlo) = exp_reduce(xc);
    let r = rhi + rlo;
    let tail = fma(r * r, expm1_tail(r), rlo);
    let u = 1.0 + rhi;
    let e = (1.0 - u) + rhi;
    let p = u + (e + tail);
    let (s1, s2, _) = scale_parts(kd - 1.0);
    (p * s1) * s2
}

#[inline(always)]
pub fn expm1_f64(x: f64) -> f64 {
    let (h, l) = expm1_dd(x);
    sel(x == 0.0, x, h + l)
}

#[inline(always)]
pub fn sinh_f64(x: f64) -> f64 {
    let a = abs(x);
    // |x| < 1: (2t - t^2/(t+1)) / 2, |x| < 22: (t + t/(t+1)) / 2, with
    // t = expm1(|x|) (fdlibm).
    let t = expm1_f64(a);
    let near = sel(
        a < 1.0,
        0.5 * (2.0 * t - t * t / (t + 1.0)),
        0.5 * (t + t / (t + 1.0)),
    );
    // Else exp(|x|)/2 (1/exp(|x|) is below half an ULP), from the same
    // reduction as t.
    let far = exp_half(a);
    with_sign_of(sel(a < 22.0, near, far), x)
}

#[inline(always)]
pub fn cosh_f64(x: f64) -> f64 {
    // exp(|x|)/2 + 1/(2 exp(|x|)): one exponential, two positive terms (no
    // cancellation); past |x| = 22 the second is below half an ULP, and
    // exp(|x|)/2 is formed without overflowing early.
    let e = exp_scaled(abs(x), -1.0);
    e + 0.25 / e
}

#[inline(always)]
pub fn tanh_f64(x: f64) -> f64 {
    let a = abs(x);
    // |x| < 1: -t / (t + 2), t = expm1(-2|x|); else 1 - 2 / (expm1(2|x|) + 2).
    let small = a < 1.0;
    let (th, tl) = expm1_dd(sel(small, -2.0 * a, 2.0 * sel(a < 40.0, a, 40.0)));
    // -t / (t + 2) in double-double: d = t + 2, one corrected division.
    let dh = th + 2.0;
    let dl = ((2.0 - dh) + th) + tl;
    let q0 = -th / dh;
    let res = fma(-q0, dh, -th);
    let near = q0 + ((res - tl) - q0 * dl) / dh;
    let far = 1.0 - 2.0 / ((th + tl) + 2.0);
    let r = sel(small, near, far);
    let r = with_sign_of(r, x);
    sel(x == 0.0 || x != x, x, r)
}

// ------------------------------------------------------------- log family

const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

/// x > 0 finite as 2^k (1 + f), 1 + f in [sqrt(2)/2, sqrt(2)):
/// returns (f, hfsq = f^2/2, s (hfsq + R) (log(1+f) = f - hfsq + that), k).
#[inline(always)]
fn log_parts(x: f64) -> (f64, f64, f64, f64) {
    let sub = x < f64::MIN_POSITIVE;
    let xs = sel(sub, x * 18014398509481984.0, x); // 2^54
    let bits = xs
        .to_bits()
        .wrapping_add((0x3ff00000u64 - 0x3fe6a09eu64) << 32);
    let e = bits >> 52;
    let dk = f64::from_bits(0x4330_0000_0000_0000 | e) - (4503599627370496.0 + 1023.0)
        + sel(sub, -54.0, 0.0);
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff).wrapping_add(0x3fe6a09eu64 << 32));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let sr = s * (hfsq + (t2 + t1));
    (f, hfsq, sr, dk)
}

/// NaN below 0, -inf at 0, x itself at +inf and NaN.
#[inline(always)]
fn log_special(x: f64, r: f64) -> f64 {
    let r = sel(x == 0.0, f64::NEG_INFINITY, r);
    let r = sel(x < 0.0, f64::NAN, r);
    sel(x < f64::INFINITY, r, sel(x < 0.0, f64::NAN, x))
}

#[inline(always)]
pub fn log_f64(x: f64) -> f64 {
    let (f, hfsq, sr, dk) = log_parts(x);
    let r = sr + dk * LN2LO - hfsq + f + dk * LN2HI;
    log_special(x, r)
}

#[inline(always)]
pub fn log2_f64(x: f64) -> f64 {
    const IVLN2HI: f64 = 1.44269504072144627571e+00;
    const IVLN2LO: f64 = 1.67517131648865118353e-10;
    let (f, hfsq, sr, dk) = log_parts(x);
    let hi = trunc32(f - hfsq);
    let lo = f - hi - hfsq + sr;
    let val_hi = hi * IVLN2HI;
    let mut val_lo = (lo + hi) * IVLN2LO + lo * IVLN2HI;
    let w = dk + val_hi;
    val_lo += (dk - w) + val_hi;
    log_special(x, val_lo + w)
}

#[inline(always)]
pub fn log10_f64(x: f64) -> f64 {
    const IVLN10HI: f64 = 4.34294481878168880939e-01;
    const IVLN10LO: f64 = 2.50829467116452752298e-11;
    const LOG10_2HI: f64 = 3.01029995663611771306e-01;
    const LOG10_2LO: f64 = 3.69423907715893078616e-13;
    let (f, hfsq, sr, dk) = log_parts(x);
    let hi = trunc32(f - hfsq);
    let lo = f - hi - hfsq + sr;
    let val_hi = hi * IVLN10HI;
    let y = dk * LOG10_2HI;
    let mut val_lo = dk * LOG10_2LO + (lo + hi) * IVLN10LO + lo * IVLN10HI;
    let w = y + val_hi;
    val_lo += (y - w) + val_hi;
    log_special(x, val_lo + w)
}

#[inline(always)]
pub fn log1p_f64(x: f64) -> f64 {
    let u = 1.0 + x;
    // The rounding error of 1 + x, relative to u: log1p(x) = log(u) + c/u.
    let c = sel(x < 1.0, x - (u - 1.0), 1.0 - (u - x)) / u;
    let (f, hfsq, sr, dk) = log_parts(sel(u > 0.0, u, 1.0));
    let r = dk * LN2HI - ((hfsq - (sr + (dk * LN2LO + c))) - f);
    let r = sel(u == 0.0, f64::NEG_INFINITY, r);
    let r = sel(u < 0.0 || x != x, f64::NAN, r);
    let r = sel(x == f64::INFINITY, x, r);
    sel(x == 0.0, x, r)
}

// ------------------------------------------------------------- trig

/// Beyond this |x| (and for inf/nan) sin/cos/tan use libm's reduction.
const TRIG_MAX: f64 = 1048576.0; // 2^20
const TWO_OVER_PI: f64 = 0.6366197723675814;
const PIO2_1: f64 = 1.5707963267948966; // 0x3ff921fb54442d18
const PIO2_2: f64 = 6.123233995736766e-17; // 0x3c91a62633145c07
const PIO2_3: f64 = -1.4973849048591698e-33; // 0xb91f1976b7ed8fbc

/// x = n pi/2 + (r + rlo) for |x| < 2^20; returns (n mod 4, r, rlo).
#[inline(always)]
fn trig_reduce(x: f64) -> (u64, f64, f64) {
    let kd = fma(x, TWO_OVER_PI, SHIFT);
    let n = kd - SHIFT;
    // n * PIO2_1 is a multiple of 2^-52 and x - n pi/2 is below 1: exact.
    let y1 = fma(-n, PIO2_1, x);
    let p2 = n * PIO2_2;
    let p2e = fma(n, PIO2_2, -p2);
    // TwoSum y1 - p2.
    let y2 = y1 - p2;
    let bb = y2 - y1;
    let e2 = (y1 - (y2 - bb)) + (-p2 - bb);
    let lo = (e2 - p2e) - n * PIO2_3;
    let r = y2 + lo;
    let rlo = (y2 - r) + lo;
    (kd.to_bits() & 3, r, rlo)
}

/// sin(x + y) for |x| <= pi/4 (musl's __sin).
#[inline(always)]
fn k_sin(x: f64, y: f64) -> f64 {
    const S1: f64 = -1.66666666666666324348e-01;
    const S2: f64 = 8.33333333332248946124e-03;
    const S3: f64 = -1.98412698298579493134e-04;
    const S4: f64 = 2.75573137070700676789e-06;
    const S5: f64 = -2.50507602534068634195e-08;
    const S6: f64 = 1.58969099521155010221e-10;
    let z = x * x;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * x;
    x - ((z * (0.5 * y - v * r) - y) - v * S1)
}

/// cos(x + y) for |x| <= pi/4 (musl's __cos).
#[inline(always)]
fn k_cos(x: f64, y: f64) -> f64 {
    const C1: f64 = 4.16666666666666019037e-02;
    const C2: f64 = -1.38888888888741095749e-03;
    const C3: f64 = 2.48015872894767294178e-05;
    const C4: f64 = -2.75573143513906633035e-07;
    const C5: f64 = 2.08757232129817482790e-09;
    const C6: f64 = -1.13596475577881948265e-11;
    let z = x * x;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// sin (q = 0) or cos (q = 1) of x; |x| < 2^20.
#[inline(always)]
fn sincos(x: f64, shift: u64) -> f64 {
    let (q, r, rlo) = trig_reduce(x);
    let q = q + shift;
    let s = k_sin(r, rlo);
    let c = k_cos(r, rlo);
    let v = sel(q & 1 == 1, c, s);
    f64::from_bits(v.to_bits() ^ ((q & 2) << 62))
}

#[inline(always)]
pub fn sin_f64(x: f64) -> f64 {
    sel(x == 0.0, x, sincos(x, 0))
}

#[inline(always)]
pub fn cos_f64(x: f64) -> f64 {
    sincos(x, 1)
}

/// tan(x + y) (odd = 0) or -1/tan(x + y) (odd = 1) for |x| <= pi/4 (musl's __tan).
#[inline(always)]
fn k_tan(x: f64, y: f64, odd: bool) -> f64 {
    const T: [f64; 13] = [
        3.33333333333334091986e-01,
        1.33333333333201242699e-01,
        5.39682539762260521377e-02,
        2.18694882948595424599e-02,
        8.86323982359930005737e-03,
        3.59207910759131235356e-03,
        1.45620945432529025516e-03,
        5.88041240820264096874e-04,
        2.46463134818469906812e-04,
        7.81794442939557092300e-05,
        7.14072491382608190305e-05,
        -1.85586374855275456654e-05,
        2.59073051863633712884e-05,
    ];
    const PIO4: f64 = 7.85398163397448278999e-01;
    const PIO4LO: f64 = 3.06161699786838301793e-17;
    let big = abs(x) >= 0.6744;
    let neg = x < 0.0;
    let (xa, ya) = (sel(big && neg, -x, x), sel(big && neg, -y, y));
    let x = sel(big, (PIO4 - xa) + (PIO4LO - ya), xa);
    let y = sel(big, 0.0, ya);
    let z = x * x;
    let w = z * z;
    let r = T[1] + w * (T[3] + w * (T[5] + w * (T[7] + w * (T[9] + w * T[11]))));
    let v = z * (T[2] + w * (T[4] + w * (T[6] + w * (T[8] + w * (T[10] + w * T[12])))));
    let s = z * x;
    let r = y + z * (s * (r + v) + y) + s * T[0];
    let w = x + r;
    // big: s - 2 (x + (r - w^2 / (w + s))), s = 1 - 2 odd
    let sg = sel(odd, -1.0, 1.0);
    // One division serves both branches (each lane needs only one of
    // them): big takes w^2 / (w + s), small and odd takes -1 / w. Division
    // is the slowest vector instruction here; the bits are as before.
    let t = sel(big, w * w, -1.0) / sel(big, w + sg, w);
    let vb = sg - 2.0 * (x + (r - t));
    let big_res = sel(neg, -vb, vb);
    // small and odd: -1/(x + r) computed accurately.
    let w0 = trunc32(w);
    let v2 = r - (w0 - x);
    let a = t;
    let a0 = trunc32(a);
    let odd_res = a0 + a * (1.0 + a0 * w0 + a0 * v2);
    sel(big, big_res, sel(odd, odd_res, w))
}

#[inline(always)]
pub fn tan_f64(x: f64) -> f64 {
    let (q, r, rlo) = trig_reduce(x);
    sel(x == 0.0, x, k_tan(r, rlo, q & 1 == 1))
}

#[inline(always)]
pub fn atan_f64(x: f64) -> f64 {
    const AT: [f64; 11] = [
        3.33333333333329318027e-01,
        -1.99999999998764832476e-01,
        1.42857142725034663711e-01,
        -1.11111104054623557880e-01,
        9.09088713343650656196e-02,
        -7.69187620504482999495e-02,
        6.66107313738753120669e-02,
        -5.83357013379057348645e-02,
        4.97687799461593236017e-02,
        -3.65315727442169155270e-02,
        1.62858201153657823623e-02,
    ];
    const HI: [f64; 4] = [
        4.63647609000806093515e-01,
        7.85398163397448278999e-01,
        9.82793723247329054082e-01,
        1.57079632679489655800e+00,
    ];
    const LO: [f64; 4] = [
        2.26987774529616870924e-17,
        3.06161699786838301793e-17,
        1.39033110312309984516e-17,
        6.12323399573676603587e-17,
    ];
    let a = abs(x);
    let i0 = a < 0.4375;
    let i1 = a < 0.6875;
    let i2 = a < 1.1875;
    let i3 = a < 2.4375;
    // t = num / den for each interval (id -1: t = |x|).
    let num = sel(
        i0,
        a,
        sel(i1, 2.0 * a - 1.0, sel(i2, a - 1.0, sel(i3, a - 1.5, -1.0))),
    );
    let den = sel(
        i0,
        1.0,
        sel(i1, 2.0 + a, sel(i2, a + 1.0, sel(i3, 1.0 + 1.5 * a, a))),
    );
    let t = num / den;
    let hi = sel(i1, HI[0], sel(i2, HI[1], sel(i3, HI[2], HI[3])));
    let lo = sel(i1, LO[0], sel(i2, LO[1], sel(i3, LO[2], LO[3])));
    let z = t * t;
    let w = z * z;
    let s1 = z * (AT[0] + w * (AT[2] + w * (AT[4] + w * (AT[6] + w * (AT[8] + w * AT[10])))));
    let s2 = w * (AT[1] + w * (AT[3] + w * (AT[5] + w * (AT[7] + w * AT[9]))));
    let near = t - t * (s1 + s2);
    let far = hi - ((t * (s1 + s2) - lo) - t);
    let r = with_sign_of(sel(i0, near, far), x);
    sel(x == 0.0 || x != x, x, r)
}

/// fdlibm's rational approximation for asin/acos: R(z) with asin(x) = x + x R(x^2).
#[inline(always)]
fn asin_r(z: f64) -> f64 {
    const PS0: f64 = 1.66666666666666657415e-01;
    const PS1: f64 = -3.25565818622400915405e-01;
    const PS2: f64 = 2.01212532134862925881e-01;
    const PS3: f64 = -4.00555345006794114027e-02;
    const PS4: f64 = 7.91534994289814532176e-04;
    const PS5: f64 = 3.47933107596021167570e-05;
    const QS1: f64 = -2.40339491173441421878e+00;
    const QS2: f64 = 2.02094576023350569471e+00;
    const QS3: f64 = -6.88283971605453293030e-01;
    const QS4: f64 = 7.70381505559019352791e-02;
    let p = z * (PS0 + z * (PS1 + z * (PS2 + z * (PS3 + z * (PS4 + z * PS5)))));
    let q = 1.0 + z * (QS1 + z * (QS2 + z * (QS3 + z * QS4)));
    p / q
}

const PIO2_HI: f64 = 1.57079632679489655800e+00;
const PIO2_LO: f64 = 6.12323399573676603587e-17;

#[inline(always)]
pub fn asin_f64(x: f64) -> f64 {
    let a = abs(x);
    let small = a < 0.5;
    // |x| < 0.5
    let near = x + x * asin_r(x * x);
    // 0.5 <= |x| <= 1: z = (1 - |x|)/2, s = sqrt(z)
    let z = (1.0 - sel(small, 0.5, a)) * 0.5;
    let s = z.sqrt();
    let r = asin_r(z);
    let top = PIO2_HI - (2.0 * (s + s * r) - PIO2_LO);
    let f = trunc32(s);
    let c = (z - f * f) / (s + f);
    let mid = 0.5 * PIO2_HI - (2.0 * s * r - (PIO2_LO - 2.0 * c) - (0.5 * PIO2_HI - 2.0 * f));
    let far = with_sign_of(sel(a > 0.975, top, mid), x);
    let res = sel(small, near, far);
    let res = sel(a > 1.0, f64::NAN, res);
    sel(x == 0.0 || x != x, x, res)
}

#[inline(always)]
pub fn acos_f64(x: f64) -> f64 {
    let a = abs(x);
    let small = a < 0.5;
    let near = PIO2_HI - (x - (PIO2_LO - x * asin_r(x * x)));
    // |x| >= 0.5: z = (1 - |x|)/2
    let z = (1.0 - sel(small, 0.5, a)) * 0.5;
    let s = z.sqrt();
    let r = asin_r(z);
    // x <= -0.5
    let w = r * s - PIO2_LO;
    let neg = 2.0 * (PIO2_HI - (s + w));
    // x >= 0.5
    let df = trunc32(s);
    let c = sel(s > 0.0, (z - df * df) / (s + df), 0.0);
    let w2 = r * s + c;
    let pos = 2.0 * (df + w2);
    let res = sel(small, near, sel(x < 0.0, neg, pos));
    let res = sel(a > 1.0, f64::NAN, res);
    sel(x != x, x, res)
}

// ------------------------------------------------------------- pow

/// a + b = s + e exactly.
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// a + b = s + e exactly, for |a| >= |b| (or a = 0).
#[inline(always)]
fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (s, b - (s - a))
}

/// log(x) for finite x > 0 as hi + lo, about 2^-68 relative apart from
/// tiny x: 2 atanh(s) with s = f / (2 + f), the terms 2s and (2/3) s^3
/// carried in double-double, the rest (Taylor to s^27) in double.
#[inline(always)]
fn log_dd(x: f64) -> (f64, f64) {
    const TWO_THIRDS_HI: f64 = 0.6666666666666666; // 0x3fe5555555555555
    const TWO_THIRDS_LO: f64 = 3.700743415417188e-17; // 2/3 - TWO_THIRDS_HI
    let sub = x < f64::MIN_POSITIVE;
    let xs = sel(sub, x * 18014398509481984.0, x); // 2^54
    let bits = xs
        .to_bits()
        .wrapping_add((0x3ff00000u64 - 0x3fe6a09eu64) << 32);
    let e = bits >> 52;
    let dk = f64::from_bits(0x4330_0000_0000_0000 | e) - (4503599627370496.0 + 1023.0)
        + sel(sub, -54.0, 0.0);
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff).wrapping_add(0x3fe6a09eu64 << 32));
    let f = m - 1.0; // exact
                     // s = f / (2 + f) as sh + sl.
    let d = 2.0 + f;
    let de = (2.0 - d) + f; // 2 + f = d + de exactly
                            // One division: sh = f / d to about an ULP, the residual corrects it.
    let rd = 1.0 / d;
    let sh = f * rd;
    let sl = (fma(-sh, d, f) - sh * de) * rd;
    // z = s^2 as zh + zl.
    let zh = sh * sh;
    let zl = fma(sh, sh, -zh) + 2.0 * sh * sl;
    // Q = 2/3 + z R(z), R = 2/5 + 2/7 z + ... (z <= 0.0295).
    let mut r = 2.0 / 27.0;
    for k in (2..13).rev() {
        r = fma(r, zh, 2.0 / (2 * k + 1) as f64);
    }
    let p = zh * r;
    let (qh, qe) = two_sum(TWO_THIRDS_HI, p);
    let ql = qe + (TWO_THIRDS_LO + fma(zh, r, -p) + zl * r);
    // c = s^3 = s z.
    let ch = sh * zh;
    let cl = fma(sh, zh, -ch) + (sh * zl + sl * zh);
    // u = s^3 Q.
    let uh = ch * qh;
    let ul = fma(ch, qh, -uh) + (ch * ql + cl * qh);
    // log(m) = 2s + u.
    let (ah, ae) = fast_two_sum(2.0 * sh, uh);
    let al = ae + (2.0 * sl + ul);
    // + k ln 2 (k LN2HI exact).
    let (h, he) = two_sum(dk * LN2HI, ah);
    let l = he + (al + dk * LN2LO);
    fast_two_sum(h, l)
}

/// exp(xh + xl) for |xl| <= 2^-40 |xh| or so (xh clamped as in exp).
#[inline(always)]
fn exp_dd(xh: f64, xl: f64) -> f64 {
    let inside = xh < 711.0 && xh > -745.2;
    let xc = sel(xh > 711.0, 711.0, sel(xh < -745.2, -745.2, xh));
    let xl = sel(inside, xl, 0.0);
    let (kd, rhi, rlo) = exp_reduce(xc);
    let rlo = rlo + xl;
    let r = rhi + rlo;
    let t = fma(r * r, expm1_tail(r), rlo);
    let u = 1.0 + rhi;
    let e = (1.0 - u) + rhi;
    let p = u + (e + t);
    let (s1, s2, _) = scale_parts(kd);
    (p * s1) * s2
}

/// Round to the nearest integer (ties to even) for a >= 0, any size.
#[inline(always)]
fn rint_pos(a: f64) -> f64 {
    const TWO52: f64 = 4503599627370496.0;
    sel(a < TWO52, (a + TWO52) - TWO52, a)
}

/// x ** y with C99/IEEE `pow`'s special cases (NumPy's too).
#[inline(always)]
pub fn pow_f64(x: f64, y: f64) -> f64 {
    let ax = abs(x);
    // |x| ** y for finite |x| > 0.
    let (h, l) = log_dd(sel(ax > 0.0 && ax < f64::INFINITY, ax, 1.0));
    let th = y * h;
    let tl = fma(y, h, -th) + y * l;
    pow_special(x, y, exp_dd(th, tl))
}

/// x ** y for float32 operands (as float64; the result rounds once to
/// float32): the magnitude from `vmath32`'s short float64 log2 and exp2,
/// the special cases as in `pow_f64`.
#[inline(always)]
pub fn pow_f32(x: f64, y: f64) -> f64 {
    let ax = abs(x);
    let mag = k32::pow_mag32(sel(ax > 0.0 && ax < f64::INFINITY, ax, 1.0), y);
    pow_special(x, y, mag)
}

/// `pow`'s special cases around `mag` = |x| ** y for finite |x| > 0.
#[inline(always)]
fn pow_special(x: f64, y: f64, mag: f64) -> f64 {
    let ax = abs(x);
    let ay = abs(y);
    let y_int = rint_pos(ay) == ay; // true for inf, false for nan
    let y_odd = y_int && ay < 9007199254740992.0 && rint_pos(ay * 0.5) != ay * 0.5;
    // |x| = 0 or inf: 0 or inf by the sign of y (and which one).
    let big = (ax == 0.0) == (y < 0.0);
    let edge = sel(big, f64::INFINITY, 0.0);
    let mag = sel(ax == 0.0 || ax == f64::INFINITY, edge, mag);
    // y = +-inf: 1 at |x| = 1, else 0 or inf.
    let yinf = sel((ax < 1.0) == (y < 0.0), f64::INFINITY, 0.0);
    let mag = sel(ay == f64::INFINITY, sel(ax == 1.0, 1.0, yinf), mag);
    // The sign: negative x to an odd integer power is negative (-0 too).
    let neg = x.to_bits() >> 63 == 1;
    let res = sel(neg && y_odd, -mag, mag);
    // Negative x (not -0 and not -inf) to a non-integer power is NaN.
    let res = sel(x < 0.0 && !y_int && ax < f64::INFINITY, f64::NAN, res);
    // NaN operands give NaN, except 1 ** y and x ** 0.
    let res = sel(x != x || y != y, f64::NAN, res);
    let res = sel(x == 1.0 || y == 0.0, 1.0, res);
    // The exponents `pow_const` computes directly: the same values here.
    let res = sel(y == 2.0, x * x, res);
    let res = sel(y == 0.5, pow_half(x), res);
    sel(y == 1.0, x, res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_path<T: Lane + Default>(p: Path, f: Fun, xs: &[T]) -> Vec<T> {
        let mut out = vec![MaybeUninit::<T>::uninit(); xs.len()];
        apply_on(p, f, xs, &mut out);
        // SAFETY: apply_on wrote every element.
        out.into_iter()
            .map(|v| unsafe { v.assume_init() })
            .collect()
    }

    #[test]
    fn spot_values() {
        for f in Fun::ALL {
            let x = 0.3f64;
            let want = match f {
                Fun::Sqrt => x.sqrt(),
                Fun::Exp => x.exp(),
                Fun::Expm1 => x.exp_m1(),
                Fun::Log => x.ln(),
                Fun::Log2 => x.log2(),
                Fun::Log10 => x.log10(),
                Fun::Log1p => x.ln_1p(),
                Fun::Sin => x.sin(),
                Fun::Cos => x.cos(),
                Fun::Tan => x.tan(),
                Fun::Arcsin => x.asin(),
                Fun::Arccos => x.acos(),
                Fun::Arctan => x.atan(),
                Fun::Sinh => x.sinh(),
                Fun::Cosh => x.cosh(),
                Fun::Tanh => x.tanh(),
            };
            let got = scalar(f, x);
            assert!(
                (got - want).abs() <= 2.0 * f64::EPSILON * want.abs(),
                "{}: {got} vs {want}",
                f.name()
            );
            for p in available() {
                assert_eq!(run_path(p, f, &[x])[0].to_bits(), got.to_bits());
            }
        }
    }
}
