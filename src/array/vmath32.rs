//! float32 element functions for `vmath`: float32 arithmetic where that
//! reaches the accuracy bound (exp family, log family, inverse trig), so
//! that AVX-512 runs 16 lanes; float64 arithmetic with short polynomials
//! (float32 needs about 2^-30, not 2^-60) for sin, cos, tan and pow, whose
//! argument reduction and log/exp chain are much simpler in float64.
//!
//! Like the float64 functions, each is branch-free and made only of IEEE
//! operations that round the same on every machine (`+ - * /`, `sqrt`,
//! fused multiply-add, bit casts, integer shifts, selects), so every
//! dispatch path gives the same bits. NaN inputs are handled by the caller
//! (a NaN comes back as itself).
//!
//! Polynomials: Taylor coefficients where the series is short enough
//! (exp, log's atanh series, sinh, sin, cos, pow's log and exp); elsewhere
//! (asin, atan, tanh near 0) least-squares fits of the relative error on
//! Chebyshev nodes (iteratively reweighted towards minimax), made for this
//! module, rounded to float32.

// The float64 helpers the short float64 paths share with vmath.rs.
use super::vmath::{fma as fma64, sel as sel64};
#[inline(always)]
fn fma(a: f32, b: f32, c: f32) -> f32 {
    a.mul_add(b, c)
}

#[inline(always)]
fn sel(c: bool, a: f32, b: f32) -> f32 {
    if c {
        a
    } else {
        b
    }
}

#[inline(always)]
fn abs(x: f32) -> f32 {
    f32::from_bits(x.to_bits() & 0x7fff_ffff)
}

/// |x| with the sign of `s`.
#[inline(always)]
fn with_sign_of(ax: f32, s: f32) -> f32 {
    f32::from_bits(ax.to_bits() | (s.to_bits() & 0x8000_0000))
}

// ------------------------------------------------------------- exp family

const SHIFT: f32 = 12582912.0; // 1.5 * 2^23
const INVLN2: f32 = std::f32::consts::LOG2_E;
/// ln 2 in two parts: the high part has 15 significant bits (n * LN2HI exact).
const LN2HI: f32 = 0.693145751953125; // 0x3f317200
const LN2LO: f32 = 1.428606765330187e-6;

/// 2^n for `kd = SHIFT + n` as two normal factors (n from -250 to 254).
#[inline(always)]
fn scale2(kd: f32) -> (f32, f32, i32) {
    let n = (kd.to_bits() as i32).wrapping_sub(SHIFT.to_bits() as i32);
    let n1 = n >> 1;
    let n2 = n - n1;
    let s1 = f32::from_bits((n1.wrapping_add(127) as u32) << 23);
    let s2 = f32::from_bits((n2.wrapping_add(127) as u32) << 23);
    (s1, s2, n)
}

/// x = n ln2 + r: returns (kd = SHIFT + n, rhi, t) with expm1(r) = rhi + t
/// (rhi exact, t = rlo + r^2 q(r), Taylor to r^8/8!).
#[inline(always)]
fn exp_core(xc: f32) -> (f32, f32, f32) {
    const C: [f32; 7] = [
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
    ];
    let kd = fma(xc, INVLN2, SHIFT);
    let n = kd - SHIFT;
    let rhi = fma(-n, LN2HI, xc); // exact
    let rlo = -n * LN2LO;
    let r = rhi + rlo;
    let mut q = C[6];
    for k in (0..6).rev() {
        q = fma(q, r, C[k]);
    }
    (kd, rhi, fma(r * r, q, rlo))
}

/// exp(x) 2^k for k = 0 or -1 (x clamped so that it overflows to inf and
/// underflows to 0 where it should).
#[inline(always)]
fn exp_scaled(x: f32, k: f32) -> f32 {
    let xc = sel(x > 90.0, 90.0, sel(x < -104.0, -104.0, x));
    let (kd, rhi, t) = exp_core(xc);
    // 1 + rhi + t with the rounding error of 1 + rhi kept (Fast2Sum).
    let u = 1.0 + rhi;
    let e = (1.0 - u) + rhi;
    let p = u + (e + t);
    let (s1, s2, _) = scale2(kd + k);
    (p * s1) * s2
}

#[inline(always)]
pub fn expm1_f32(x: f32) -> f32 {
    let xc = sel(x > 89.0, 89.0, sel(x < -30.0, -30.0, x));
    let (kd, rhi, t) = exp_core(xc);
    let (s1, s2, n) = scale2(kd);
    // 2^n (1 + rhi + t) - 1 = (s - 1) + s rhi + s t; s - 1 and s rhi are
    // exact (n <= 24) and |s - 1| >= |s rhi| (Fast2Sum).
    let s = s1 * s2;
    let a = s - 1.0;
    let b = s * rhi;
    let sum = a + b;
    let err = b - (sum - a);
    let small = sum + fma(s, t, err);
    let big = ((1.0 + (rhi + t)) * s1) * s2;
    sel(x == 0.0, x, sel(n > 24, big, small))
}

#[inline(always)]
pub fn sinh_f32(x: f32) -> f32 {
    const P: [f32; 5] = [
        1.0 / 6.0,
        1.0 / 120.0,
        1.0 / 5040.0,
        1.0 / 362880.0,
        1.0 / 39916800.0,
    ];
    let a = abs(x);
    // |x| < 1: the Taylor series to x^11.
    let z = a * a;
    let mut p = P[4];
    for k in (0..4).rev() {
        p = fma(p, z, P[k]);
    }
    let near = fma(a * z, p, a);
    // Else e - 1/(4e), e = exp(|x|)/2.
    let e = exp_scaled(a, -1.0);
    let far = e - 0.25 / e;
    with_sign_of(sel(a < 1.0, near, far), x)
}

#[inline(always)]
pub fn cosh_f32(x: f32) -> f32 {
    let e = exp_scaled(abs(x), -1.0);
    e + 0.25 / e
}

#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    const P: [f32; 6] = [
        -0.3333333432674408,
        0.1333332508802414,
        -0.05396483466029167,
        0.021819498389959335,
        -0.008529923856258392,
        0.0025308222975581884,
    ];
    let a = abs(x);
    // |x| < 0.55: x + x^3 P(x^2) (fitted).
    let z = a * a;
    let mut p = P[5];
    for k in (0..5).rev() {
        p = fma(p, z, P[k]);
    }
    let near = fma(a * z, p, a);
    // Else 1 - 2 / (exp(2|x|) + 1).
    let e = exp_scaled(2.0 * sel(a < 10.0, a, 10.0), 0.0);
    let far = 1.0 - 2.0 / (e + 1.0);
    with_sign_of(sel(a < 0.55, near, far), x)
}

// ------------------------------------------------------------- log family

/// x > 0 finite as 2^k (1 + f), 1 + f in [sqrt(2)/2, sqrt(2)): returns
/// (f, hfsq = f^2/2, s (hfsq + R), k) with log(1 + f) = f - hfsq + s (hfsq
/// + R), s = f / (2 + f), R = 2/3 s^2 + 2/5 s^4 + ... (Taylor to s^8).
#[inline(always)]
fn log_parts(x: f32) -> (f32, f32, f32, f32) {
    let sub = x < f32::MIN_POSITIVE;
    let xs = sel(sub, x * 33554432.0, x); // 2^25
    let ix = xs.to_bits().wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let dk = ((ix >> 23) as i32 - 127) as f32 + sel(sub, -25.0, 0.0);
    let m = f32::from_bits((ix & 0x007f_ffff) + 0x3f35_04f3);
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * fma(
        z,
        fma(z, fma(z, 2.0 / 9.0, 2.0 / 7.0), 2.0 / 5.0),
        2.0 / 3.0,
    );
    (f, hfsq, s * (hfsq + r), dk)
}

/// NaN below 0, -inf at 0, x itself at +inf.
#[inline(always)]
fn log_special(x: f32, r: f32) -> f32 {
    let r = sel(x == 0.0, f32::NEG_INFINITY, r);
    let r = sel(x < 0.0, f32::NAN, r);
    sel(x < f32::INFINITY, r, sel(x < 0.0, f32::NAN, x))
}

/// `v` with its low 12 bits cleared (12 significant bits left).
#[inline(always)]
fn trunc12(v: f32) -> f32 {
    f32::from_bits(v.to_bits() & 0xffff_f000)
}

#[inline(always)]
pub fn log_f32(x: f32) -> f32 {
    let (f, hfsq, sr, dk) = log_parts(x);
    let r = dk * LN2HI - ((hfsq - (sr + dk * LN2LO)) - f);
    log_special(x, r)
}

#[inline(always)]
pub fn log2_f32(x: f32) -> f32 {
    const IVLN2HI: f32 = 1.4423828125; // 12 significant bits
    const IVLN2LO: f32 = 0.00031222839606925845;
    let (f, hfsq, sr, dk) = log_parts(x);
    let hi = trunc12(f - hfsq);
    let lo = ((f - hi) - hfsq) + sr;
    let val_hi = hi * IVLN2HI; // exact
    let mut val_lo = (lo + hi) * IVLN2LO + lo * IVLN2HI;
    let w = dk + val_hi;
    val_lo += (dk - w) + val_hi;
    log_special(x, val_lo + w)
}

#[inline(always)]
pub fn log10_f32(x: f32) -> f32 {
    const IVLN10HI: f32 = 0.4342041015625; // 12 significant bits
    const IVLN10LO: f32 = 9.038033749675378e-05;
    const LOG10_2HI: f32 = 0.301025390625; // 12 significant bits
    const LOG10_2LO: f32 = 4.605039066518657e-06;
    let (f, hfsq, sr, dk) = log_parts(x);
    let hi = trunc12(f - hfsq);
    let lo = ((f - hi) - hfsq) + sr;
    let val_hi = hi * IVLN10HI; // exact
    let y = dk * LOG10_2HI; // exact
    let mut val_lo = dk * LOG10_2LO + (lo + hi) * IVLN10LO + lo * IVLN10HI;
    let w = y + val_hi;
    val_lo += (y - w) + val_hi;
    log_special(x, val_lo + w)
}

#[inline(always)]
pub fn log1p_f32(x: f32) -> f32 {
    let u = 1.0 + x;
    // The rounding error of 1 + x, relative to u: log1p(x) = log(u) + c/u.
    let c = sel(x < 1.0, x - (u - 1.0), 1.0 - (u - x)) / u;
    let (f, hfsq, sr, dk) = log_parts(sel(u > 0.0, u, 1.0));
    let r = dk * LN2HI - ((hfsq - (sr + (dk * LN2LO + c))) - f);
    let r = sel(u == 0.0, f32::NEG_INFINITY, r);
    let r = sel(u < 0.0, f32::NAN, r);
    let r = sel(x == f32::INFINITY, x, r);
    sel(x == 0.0, x, r)
}

// ------------------------------------------------------------- inverse trig

const PIO2HI: f32 = 1.5707963705062866;
const PIO2LO: f32 = -4.371138828673793e-08;
const PIO4HI: f32 = 0.7853981852531433;
const PIO4LO: f32 = -2.1855694143368964e-08;

/// (asin(x) - x) / x^3 as a polynomial in z = x^2, z <= 1/4 (fitted).
#[inline(always)]
fn asin_p(z: f32) -> f32 {
    const P: [f32; 6] = [
        0.1666666567325592,
        0.07500100880861282,
        0.04459727182984352,
        0.03112477995455265,
        0.017038078978657722,
        0.03386983647942543,
    ];
    let mut p = P[5];
    for k in (0..5).rev() {
        p = fma(p, z, P[k]);
    }
    p
}

/// For 1/2 <= |x| <= 1: asin(s) = sh + sl with s = sqrt((1 - |x|) / 2)
/// (sh the rounded square root, sl its correction plus the polynomial).
#[inline(always)]
fn asin_half(a: f32) -> (f32, f32) {
    let z = (1.0 - a) * 0.5; // exact
    let sh = z.sqrt();
    let c = sel(sh > 0.0, fma(-sh, sh, z) / (2.0 * sh), 0.0);
    (sh, fma(sh * z, asin_p(z), c))
}

#[inline(always)]
pub fn asin_f32(x: f32) -> f32 {
    let a = abs(x);
    let near = fma(a * (a * a), asin_p(a * a), a);
    // pi/2 - 2 asin(sqrt((1 - |x|)/2))
    let (sh, sl) = asin_half(sel(a < 0.5, 0.5, a));
    let far = (PIO2HI - 2.0 * sh) + (PIO2LO - 2.0 * sl);
    let r = with_sign_of(sel(a < 0.5, near, far), x);
    let r = sel(a > 1.0, f32::NAN, r);
    sel(x == 0.0, x, r)
}

#[inline(always)]
pub fn acos_f32(x: f32) -> f32 {
    let a = abs(x);
    // |x| < 1/2: pi/2 - asin(x)
    let near = PIO2HI - (x - (PIO2LO - x * (a * a) * asin_p(a * a)));
    // x >= 1/2: 2 asin(s); x <= -1/2: pi - 2 asin(s)
    let (sh, sl) = asin_half(sel(a < 0.5, 0.5, a));
    let pos = 2.0 * (sh + sl);
    let neg = (2.0 * PIO2HI - 2.0 * sh) + (2.0 * PIO2LO - 2.0 * sl);
    let r = sel(a < 0.5, near, sel(x < 0.0, neg, pos));
    sel(a > 1.0, f32::NAN, r)
}

#[inline(always)]
pub fn atan_f32(x: f32) -> f32 {
    const P: [f32; 5] = [
        -0.3333333134651184,
        0.1999955177307129,
        -0.1426428258419037,
        0.10746746510267258,
        -0.06460624188184738,
    ];
    let a = abs(x);
    // atan|x| = y0 + atan(t), |t| <= tan(pi/8): t = -1/|x| past tan(3pi/8),
    // (|x| - 1)/(|x| + 1) past tan(pi/8).
    let big = a > 2.4142135;
    let mid = a > 0.41421357;
    let num = sel(big, -1.0, sel(mid, a - 1.0, a));
    let den = sel(big, a, sel(mid, a + 1.0, 1.0));
    let t = num / den;
    let hi = sel(big, PIO2HI, sel(mid, PIO4HI, 0.0));
    let lo = sel(big, PIO2LO, sel(mid, PIO4LO, 0.0));
    let z = t * t;
    let mut p = P[4];
    for k in (0..4).rev() {
        p = fma(p, z, P[k]);
    }
    let r = hi + (t + fma(t * z, p, lo));
    sel(x == 0.0, x, with_sign_of(r, x))
}

// ------------------------------------------------------------- trig (float64 inside)

const SHIFT64: f64 = 6755399441055744.0; // 1.5 * 2^52
const TWO_OVER_PI: f64 = 0.6366197723675814;
const PIO2_1: f64 = 1.5707963267948966;
const PIO2_2: f64 = 6.123233995736766e-17;

/// x = n pi/2 + r for a float32 |x| < 2^20 (beyond, and for inf and nan,
/// `vmath` recomputes with libm's full reduction), in float64: (n mod 4, r, r^2).
/// No float32 value lies within 2^-60 |x| of a multiple of pi/2, so r has
/// a relative error near 2^-52.
#[inline(always)]
fn reduce(x: f32) -> (u64, f64, f64) {
    let xd = x as f64;
    let kd = fma64(xd, TWO_OVER_PI, SHIFT64);
    let n = kd - SHIFT64;
    let r = fma64(-n, PIO2_2, fma64(-n, PIO2_1, xd));
    (kd.to_bits() & 3, r, r * r)
}

/// sin(r), |r| <= pi/4 (Taylor to r^9: relative error below 2^-29).
#[inline(always)]
fn k_sin(r: f64, z: f64) -> f64 {
    let p = fma64(
        z,
        fma64(z, fma64(z, 1.0 / 362880.0, -1.0 / 5040.0), 1.0 / 120.0),
        -1.0 / 6.0,
    );
    fma64(r * z, p, r)
}

/// cos(r), |r| <= pi/4 (Taylor to r^10: error below 2^-33).
#[inline(always)]
fn k_cos(z: f64) -> f64 {
    let p = fma64(
        z,
        fma64(
            z,
            fma64(z, fma64(z, -1.0 / 3628800.0, 1.0 / 40320.0), -1.0 / 720.0),
            1.0 / 24.0,
        ),
        -0.5,
    );
    fma64(z, p, 1.0)
}

/// sin (shift 0) or cos (shift 1) of x.
#[inline(always)]
fn sincos(x: f32, shift: u64) -> f32 {
    let (q, r, z) = reduce(x);
    let q = q + shift;
    let v = sel64(q & 1 == 1, k_cos(z), k_sin(r, z));
    f64::from_bits(v.to_bits() ^ ((q & 2) << 62)) as f32
}

#[inline(always)]
pub fn sin_f32(x: f32) -> f32 {
    sel(x == 0.0, x, sincos(x, 0))
}

#[inline(always)]
pub fn cos_f32(x: f32) -> f32 {
    sincos(x, 1)
}

#[inline(always)]
pub fn tan_f32(x: f32) -> f32 {
    let (q, r, z) = reduce(x);
    let (s, c) = (k_sin(r, z), k_cos(z));
    let odd = q & 1 == 1;
    // The quotient in float32 (16 lanes; float64 division is the slow
    // part): sin and cos rounded to float32 first, three roundings in all.
    let num = sel64(odd, -c, s) as f32;
    let den = sel64(odd, s, c) as f32;
    sel(x == 0.0, x, num / den)
}

// ------------------------------------------------------------- pow (float64 inside)

/// log2 of a finite float32 value > 0 (given as float64), absolute error
/// below 2^-45 for |log2 x| < 1 and 2^-52 |log2 x| beyond.
#[inline(always)]
fn log2_short(x: f64) -> f64 {
    const LOG2E2: f64 = 2.0 * std::f64::consts::LOG2_E;
    let bits = x
        .to_bits()
        .wrapping_add((0x3ff00000u64 - 0x3fe6a09eu64) << 32);
    let k = ((bits >> 52) as i64 - 1023) as f64;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff).wrapping_add(0x3fe6a09eu64 << 32));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    // log(m) = 2 atanh(s) = 2s (1 + z/3 + z^2/5 + ... + z^7/15)
    let mut p = 1.0 / 15.0;
    for j in (1..7).rev() {
        p = fma64(p, z, 1.0 / (2 * j + 1) as f64);
    }
    let atanh = fma64(s * z, p, s);
    fma64(atanh, LOG2E2, k)
}

/// 2^t for |t| up to 160 (clamped beyond: 0 or inf as float32), relative
/// error below 2^-33.
#[inline(always)]
fn exp2_short(t: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let tc = sel64(t > 160.0, 160.0, sel64(t < -160.0, -160.0, t));
    let kd = tc + SHIFT64;
    let n = kd - SHIFT64;
    let r = (tc - n) * LN2; // |r| <= ln2/2
    let mut p = 1.0 / 362880.0;
    for j in (0..9).rev() {
        p = fma64(p, r, 1.0 / FACT[j]);
    }
    let e = (kd.to_bits() as i64).wrapping_sub(SHIFT64.to_bits() as i64);
    p * f64::from_bits((e.wrapping_add(1023) as u64) << 52)
}

const FACT: [f64; 9] = [1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0];

/// |x| ** y for finite |x| > 0 and finite y (float32 values as float64):
/// accurate to about 2^-33 relative before the float32 rounding.
#[inline(always)]
pub fn pow_mag32(ax: f64, y: f64) -> f64 {
    exp2_short(y * log2_short(ax))
}
