//! The vectorised maths kernels (src/array/vmath.rs): accuracy over a sweep
//! of 1M values per function and dtype plus special values, and identical
//! bits on every dispatch path this CPU has.
//!
//! References: float32 results are compared with glibc's float64 function
//! of the same input (a reference accurate to ~2^-52, i.e. ~2^-29 float32
//! ULP), as a fractional ULP error. float64 results are compared with glibc's
//! libm (glibc documents < 1 ULP for these functions; exp, log, sin and cos
//! are correctly rounded in nearly all cases), as the integer distance in
//! ULPs between the two doubles.

use arr::array::vmath::{self, Fun, Lane, Path};
use std::mem::MaybeUninit;

const N: usize = 1 << 20;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // SplitMix64
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
    /// |x| log-uniform in [2^lo, 2^hi], random sign when `signed`.
    fn logu(&mut self, lo: f64, hi: f64, signed: bool) -> f64 {
        let v = self.uniform(lo, hi).exp2();
        if signed && self.next() & 1 == 1 {
            -v
        } else {
            v
        }
    }
}

fn glibc(f: Fun, x: f64) -> f64 {
    match f {
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
    }
}

/// The sweep for one function: ~1M values over its domain (a mix of uniform
/// ranges and log-uniform magnitudes), `big` sets the float32 limits.
fn sweep(f: Fun, f32_range: bool) -> Vec<f64> {
    let mut r = Rng(0x5eed ^ f.name().len() as u64 * 7919 ^ f32_range as u64);
    let (emin, emax) = if f32_range {
        (-149.0, 127.99)
    } else {
        (-1074.0, 1023.99)
    };
    let exp_hi = if f32_range { 89.0 } else { 710.0 };
    let exp_lo = if f32_range { -104.0 } else { -746.0 };
    (0..N)
        .map(|i| {
            let k = i % 4;
            match f {
                Fun::Exp => match k {
                    0 | 1 => r.uniform(exp_lo, exp_hi),
                    2 => r.uniform(-2.0, 2.0),
                    _ => r.logu(emin, 6.0, true),
                },
                Fun::Expm1 => match k {
                    0 => r.uniform(-40.0, exp_hi),
                    1 | 2 => r.uniform(-2.0, 2.0),
                    _ => r.logu(emin, 3.0, true),
                },
                Fun::Sinh | Fun::Cosh => match k {
                    0 => r.uniform(-exp_hi - 0.5, exp_hi + 0.5),
                    1 | 2 => r.uniform(-25.0, 25.0),
                    _ => r.logu(emin, 3.0, true),
                },
                Fun::Tanh => match k {
                    0 | 1 => r.uniform(-20.0, 20.0),
                    2 => r.uniform(-1.5, 1.5),
                    _ => r.logu(emin, 6.0, true),
                },
                Fun::Log | Fun::Log2 | Fun::Log10 | Fun::Sqrt => match k {
                    0 | 1 => r.logu(emin, emax, false),
                    _ => r.uniform(0.5, 2.0),
                },
                Fun::Log1p => match k {
                    0 => r.logu(emin, 0.0, true).max(-1.0 + 1e-16),
                    1 => r.uniform(-1.0, 2.0),
                    2 => r.logu(-60.0, emax, false),
                    _ => r.uniform(-0.5, 0.5),
                },
                Fun::Sin | Fun::Cos | Fun::Tan => match k {
                    0 => r.uniform(-10.0, 10.0),
                    1 => r.uniform(-1e5, 1e5),
                    2 => r.logu(emin, 20.0, true),
                    // beyond the fast reduction (libm's Payne-Hanek path)
                    _ => r.logu(0.0, emax, true),
                },
                Fun::Arcsin | Fun::Arccos => match k {
                    0 | 1 => r.uniform(-1.0, 1.0),
                    2 => {
                        (1.0 - r.logu(-53.0, -1.0, false))
                            * if r.next() & 1 == 1 { -1.0 } else { 1.0 }
                    }
                    _ => r.logu(emin, 0.0, true),
                },
                Fun::Arctan => match k {
                    0 | 1 => r.logu(emin, emax, true),
                    _ => r.uniform(-4.0, 4.0),
                },
            }
        })
        .collect()
}

fn specials(f32_range: bool) -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        1e-300,
        -1e-300,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        2.2e-310,
        -2.2e-310,
        f64::MAX,
        f64::MIN,
        // exp/expm1/sinh/cosh overflow and underflow edges
        709.782712893384,
        709.7827128933841,
        709.79,
        710.4758600739439,
        710.476,
        -708.3964185322641,
        -708.4,
        -745.1332191019411,
        -745.1332191019412,
        -745.2,
        88.72283,
        88.72284,
        -87.33655,
        -103.97,
        -104.0,
        // large arguments for sin/cos/tan (the libm path)
        1048575.9,
        1048576.0,
        1e6,
        1e22,
        1e300,
        3.4e38,
        -1e22,
        std::f64::consts::PI,
        std::f64::consts::FRAC_PI_2,
        std::f64::consts::FRAC_PI_4,
        0.6744,
        0.975,
        -0.975,
        22.0,
        -22.0,
        1e-8,
        -1e-8,
        -1.0 + 1e-16,
        -0.9999999,
    ];
    if f32_range {
        v.extend([
            f32::MIN_POSITIVE as f64,
            1e-45,
            -1e-45,
            1.2e-39,
            f32::MAX as f64,
        ]);
    }
    v
}

fn ours<T: Lane>(path: Path, f: Fun, xs: &[T]) -> Vec<T> {
    let mut out = vec![MaybeUninit::<T>::uninit(); xs.len()];
    vmath::apply_on(path, f, xs, &mut out);
    // SAFETY: apply_on wrote every element.
    out.into_iter()
        .map(|v| unsafe { v.assume_init() })
        .collect()
}

/// Monotonic integer image of a double (for ULP distances).
fn ord(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    if b < 0 {
        i64::MIN - b
    } else {
        b
    }
}

/// ULPs between `got` and `want` (float64): 0 for equal or both NaN.
fn ulp64(got: f64, want: f64) -> f64 {
    if got.is_nan() && want.is_nan() {
        return 0.0;
    }
    if got.is_nan() || want.is_nan() {
        return f64::INFINITY;
    }
    if got == want {
        return 0.0;
    }
    (ord(got) - ord(want)).unsigned_abs() as f64
}

/// Error of a float32 result against an accurate float64 value, in float32 ULPs.
fn ulp32(got: f32, want: f64) -> f64 {
    if got.is_nan() && want.is_nan() {
        return 0.0;
    }
    if got.is_nan() || want.is_nan() {
        return f64::INFINITY;
    }
    let wr = want as f32;
    if wr.is_infinite() || got.is_infinite() {
        return if got == wr { 0.0 } else { f64::INFINITY };
    }
    let e = (want.abs().max(f32::MIN_POSITIVE as f64)).log2().floor();
    let ulp = (e - 23.0).exp2();
    (got as f64 - want).abs() / ulp
}

/// float32: the bound (2 ULP; NumPy's float32 files allow 2-4), 1
/// for exp and log, 0.5 (correctly rounded) for sqrt.
fn bound32(f: Fun) -> f64 {
    match f {
        Fun::Sqrt => 0.5,
        Fun::Exp | Fun::Log => 1.0,
        _ => 2.0,
    }
}

fn bound64(f: Fun) -> f64 {
    match f {
        Fun::Sqrt => 0.0,
        Fun::Exp | Fun::Log => 1.0,
        _ => 2.0,
    }
}

#[test]
fn accuracy_float64_against_glibc() {
    let path = vmath::chosen();
    let mut report = String::new();
    let mut bad = String::new();
    for f in Fun::ALL {
        let mut xs = sweep(f, false);
        xs.extend(specials(false));
        let got = ours(path, f, &xs);
        let (mut worst, mut at) = (0.0f64, 0.0f64);
        for (&x, &g) in xs.iter().zip(&got) {
            let e = ulp64(g, glibc(f, x));
            if e > worst {
                worst = e;
                at = x;
            }
        }
        report += &format!("float64 {:7} max {worst} ULP (at {at:e})\n", f.name());
        if worst > bound64(f) {
            bad += &format!(
                "float64 {}: {worst} ULP from glibc at x = {at:e} (got {:e}, glibc {:e})\n",
                f.name(),
                ours(path, f, &[at])[0],
                glibc(f, at)
            );
        }
    }
    println!("path {}\n{report}", path.name());
    assert!(bad.is_empty(), "{bad}");
}

#[test]
fn accuracy_float32_against_float64() {
    let path = vmath::chosen();
    let mut report = String::new();
    for f in Fun::ALL {
        let mut xs: Vec<f32> = sweep(f, true).into_iter().map(|x| x as f32).collect();
        xs.extend(specials(true).into_iter().map(|x| x as f32));
        let got = ours(path, f, &xs);
        let (mut worst, mut at) = (0.0f64, 0.0f32);
        for (&x, &g) in xs.iter().zip(&got) {
            let e = ulp32(g, glibc(f, x as f64));
            if e > worst {
                worst = e;
                at = x;
            }
        }
        report += &format!("float32 {:7} max {worst:.3} ULP (at {at:e})\n", f.name());
        assert!(
            worst <= bound32(f),
            "float32 {}: {worst} ULP at x = {at:e} (got {:e}, reference {:e})",
            f.name(),
            ours(path, f, &[at])[0],
            glibc(f, at as f64)
        );
    }
    println!("path {}\n{report}", path.name());
}

/// Signs of zero, infinities and NaN exactly as glibc gives them.
#[test]
fn special_values_match_glibc_exactly() {
    let xs = [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];
    for f in Fun::ALL {
        let got = ours(vmath::chosen(), f, &xs);
        for (&x, &g) in xs.iter().zip(&got) {
            let w = glibc(f, x);
            assert!(
                (g.is_nan() && w.is_nan()) || g.to_bits() == w.to_bits(),
                "{}({x}) = {g:e}, glibc {w:e}",
                f.name()
            );
        }
    }
}

/// The same bits on every path this CPU can run (AVX-512, AVX2+FMA, the
/// baseline), for every function, both dtypes, the full sweep.
#[test]
fn every_path_gives_the_same_bits() {
    let paths = vmath::available();
    assert!(paths.contains(&Path::Baseline));
    println!(
        "paths: {:?}",
        paths.iter().map(|p| p.name()).collect::<Vec<_>>()
    );
    for f in Fun::ALL {
        let mut xs = sweep(f, false);
        xs.truncate(N / 4);
        xs.extend(specials(false));
        let base = ours(Path::Baseline, f, &xs);
        let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
        let base32 = ours(Path::Baseline, f, &xs32);
        for &p in &paths {
            let g = ours(p, f, &xs);
            for (i, (a, b)) in g.iter().zip(&base).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits(),
                    "{} float64 on {}: {a:e} vs baseline {b:e} at x = {:e}",
                    f.name(),
                    p.name(),
                    xs[i]
                );
            }
            let g32 = ours(p, f, &xs32);
            for (i, (a, b)) in g32.iter().zip(&base32).enumerate() {
                assert!(
                    a.to_bits() == b.to_bits(),
                    "{} float32 on {}: {a:e} vs baseline {b:e} at x = {:e}",
                    f.name(),
                    p.name(),
                    xs32[i]
                );
            }
        }
    }
}

/// Slices of every length (vector remainders) give what single values give.
#[test]
fn remainders_and_single_values_agree() {
    let xs: Vec<f64> = (0..67).map(|i| i as f64 * 0.37 - 9.0).collect();
    for f in Fun::ALL {
        for n in 0..xs.len() {
            let g = ours(vmath::chosen(), f, &xs[..n]);
            for (k, &v) in g.iter().enumerate() {
                assert_eq!(v.to_bits(), vmath::scalar(f, xs[k]).to_bits());
            }
        }
    }
}

/// Not a check: nanoseconds per element of every function, dtype and path on
/// one thread (`cargo test --release --test vmath -- --ignored --nocapture
/// speed`), to see which path is vectorised.
#[test]
#[ignore]
fn speed_per_path() {
    const M: usize = 1 << 16;
    fn time<T: Lane>(p: Path, f: Fun, xs: &[T]) -> f64 {
        let mut out = vec![MaybeUninit::<T>::uninit(); xs.len()];
        let mut best = f64::INFINITY;
        for _ in 0..7 {
            let t = std::time::Instant::now();
            for _ in 0..4 {
                vmath::apply_on(p, f, xs, &mut out);
            }
            best = best.min(t.elapsed().as_secs_f64() / 4.0);
        }
        best * 1e9 / xs.len() as f64
    }
    for f in Fun::ALL {
        // The benches' inputs: normal values, |x| + 0.5 for the logs and
        // sqrt, tanh(normal) for arcsin/arccos.
        let mut r = Rng(7);
        let xs: Vec<f64> = (0..M)
            .map(|_| {
                let u = r.unit().max(1e-300);
                let x = (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * r.unit()).cos();
                match f {
                    Fun::Sqrt | Fun::Log | Fun::Log2 | Fun::Log10 | Fun::Log1p => x.abs() + 0.5,
                    Fun::Arcsin | Fun::Arccos => x.tanh(),
                    _ => x,
                }
            })
            .collect();
        let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
        let mut line = format!("{:7}", f.name());
        for p in vmath::available() {
            line += &format!(
                "  {} f64 {:6.2} f32 {:6.2}",
                p.name(),
                time(p, f, &xs),
                time(p, f, &xs32)
            );
        }
        println!("{line}");
    }
    let xs: Vec<f64> = (0..M).map(|i| 0.5 + (i % 1000) as f64 * 0.003).collect();
    let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let mut line = "pow 1.7".to_string();
    for p in vmath::available() {
        let mut o = vec![MaybeUninit::<f64>::uninit(); M];
        let mut o32 = vec![MaybeUninit::<f32>::uninit(); M];
        let t = std::time::Instant::now();
        for _ in 0..8 {
            vmath::pow_on(p, vmath::Arg::Slice(&xs), vmath::Arg::Scalar(1.7), &mut o);
        }
        let a = t.elapsed().as_secs_f64() * 1e9 / (8 * M) as f64;
        let t = std::time::Instant::now();
        for _ in 0..8 {
            vmath::pow_on(
                p,
                vmath::Arg::Slice(&xs32),
                vmath::Arg::Scalar(1.7),
                &mut o32,
            );
        }
        let b = t.elapsed().as_secs_f64() * 1e9 / (8 * M) as f64;
        line += &format!("  {} f64 {a:6.2} f32 {b:6.2}", p.name());
    }
    println!("{line}");
}

// ------------------------------------------------------------- pow

fn ours_pow<T: Lane>(path: Path, xs: &[T], ys: &[T]) -> Vec<T> {
    let mut out = vec![MaybeUninit::<T>::uninit(); xs.len()];
    vmath::pow_on(path, vmath::Arg::Slice(xs), vmath::Arg::Slice(ys), &mut out);
    // SAFETY: pow_on wrote every element (both slices are as long as out).
    out.into_iter()
        .map(|v| unsafe { v.assume_init() })
        .collect()
}

/// ~1M (x, y) pairs: |y log x| up to the overflow and underflow edges,
/// x near 1, huge and tiny x, negative x with integer y, integer y, and
/// every pair of special values.
fn pow_sweep(f32_range: bool) -> (Vec<f64>, Vec<f64>) {
    let mut r = Rng(0x9057 ^ f32_range as u64);
    let (emin, emax, tmax) = if f32_range {
        (-149.0, 127.99, 103.0)
    } else {
        (-1074.0, 1023.99, 745.0)
    };
    let (mut xs, mut ys) = (Vec::with_capacity(N), Vec::with_capacity(N));
    for i in 0..N {
        let (x, y) = match i % 6 {
            0 => (r.uniform(0.0, 10.0), r.uniform(-10.0, 10.0)),
            1 => {
                // |y log x| over the whole range, x anywhere.
                let x = r.logu(emin, emax, false);
                let t = r.uniform(-tmax, tmax);
                (x, t / x.ln())
            }
            2 => (1.0 + r.uniform(-1e-3, 1e-3), r.logu(0.0, 40.0, true)),
            3 => {
                // negative base, integer exponent
                let y = (r.uniform(-60.0, 60.0)).round();
                (-r.logu(-8.0, 8.0, false), y)
            }
            4 => (r.logu(emin, emax, false), r.uniform(-3.0, 3.0)),
            _ => (r.uniform(0.0, 4.0), r.uniform(0.0, 8.0).round()),
        };
        xs.push(x);
        ys.push(y);
    }
    let sp = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        3.0,
        -3.0,
        2.5,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        5e-324,
        f64::MAX,
        9007199254740993.0,
        9007199254740992.0,
        4503599627370497.0,
        1e300,
        -1e300,
    ];
    for &a in &sp {
        for &b in &sp {
            xs.push(a);
            ys.push(b);
        }
    }
    (xs, ys)
}

#[test]
fn pow_accuracy_against_glibc() {
    let path = vmath::chosen();
    let (xs, ys) = pow_sweep(false);
    let got = ours_pow(path, &xs, &ys);
    let (mut worst, mut at) = (0.0f64, (0.0, 0.0));
    for ((&x, &y), &g) in xs.iter().zip(&ys).zip(&got) {
        let w = x.powf(y);
        let e = ulp64(g, w);
        // Signs of zeros and infinities exactly.
        assert!(
            !(w == 0.0 || w.is_infinite()) || g.to_bits() == w.to_bits(),
            "pow({x:e}, {y:e}) = {g:e}, glibc {w:e}"
        );
        if e > worst {
            worst = e;
            at = (x, y);
        }
    }
    println!("float64 pow max {worst} ULP (at {:e}, {:e})", at.0, at.1);
    assert!(
        worst <= 2.0,
        "float64 pow: {worst} ULP at {:e} ** {:e} (got {:e}, glibc {:e})",
        at.0,
        at.1,
        ours_pow(path, &[at.0], &[at.1])[0],
        at.0.powf(at.1)
    );
    let (xs, ys) = pow_sweep(true);
    let (xs, ys): (Vec<f32>, Vec<f32>) = (
        xs.iter().map(|&x| x as f32).collect(),
        ys.iter().map(|&y| y as f32).collect(),
    );
    let got = ours_pow(path, &xs, &ys);
    let mut worst = 0.0f64;
    for ((&x, &y), &g) in xs.iter().zip(&ys).zip(&got) {
        let e = ulp32(g, (x as f64).powf(y as f64));
        assert!(e <= 1.0, "float32 pow({x:e}, {y:e}) = {g:e}: {e} ULP");
        worst = worst.max(e);
    }
    println!("float32 pow max {worst:.3} ULP");
}

#[test]
fn pow_every_path_and_operand_kind_agree() {
    let (mut xs, mut ys) = pow_sweep(false);
    xs.truncate(N / 4);
    ys.truncate(N / 4);
    let base = ours_pow(Path::Baseline, &xs, &ys);
    for p in vmath::available() {
        let g = ours_pow(p, &xs, &ys);
        for i in 0..xs.len() {
            assert_eq!(
                g[i].to_bits(),
                base[i].to_bits(),
                "pow({:e}, {:e}) on {}",
                xs[i],
                ys[i],
                p.name()
            );
        }
        let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
        let ys32: Vec<f32> = ys.iter().map(|&y| y as f32).collect();
        let b32 = ours_pow(Path::Baseline, &xs32, &ys32);
        let g32 = ours_pow(p, &xs32, &ys32);
        assert!(g32
            .iter()
            .zip(&b32)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
    }
    // A scalar operand gives what the slice gives (2, 0.5 and 1 have their
    // own loops), on the sweep and on the special values at its end.
    let mut xs2 = xs[..1000].to_vec();
    xs2.extend([
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -2.0,
        1e300,
        1e-300,
    ]);
    for y in [1.7, 2.0, 0.5, 1.0, -1.0, 0.0] {
        let mut out = vec![MaybeUninit::<f64>::uninit(); xs2.len()];
        vmath::pow(vmath::Arg::Slice(&xs2), vmath::Arg::Scalar(y), &mut out);
        let ys = vec![y; xs2.len()];
        let base = ours_pow(Path::Baseline, &xs2, &ys);
        for (i, o) in out.iter().enumerate() {
            // SAFETY: pow wrote every element.
            let v = unsafe { o.assume_init() };
            assert_eq!(v.to_bits(), vmath::pow_scalar(xs2[i], y).to_bits());
            assert_eq!(v.to_bits(), base[i].to_bits(), "{:e} ** {y}", xs2[i]);
            let g = xs2[i].powf(y);
            assert!(
                ulp64(v, g) <= 1.0,
                "{:e} ** {y}: {v:e}, glibc {g:e}",
                xs2[i]
            );
        }
    }
    let v = vmath::pow_vec(
        vmath::Arg::Scalar(2.0),
        vmath::Arg::Slice(&ys),
        ys.len(),
        4096,
    );
    for (i, &w) in v.iter().enumerate() {
        assert_eq!(w.to_bits(), vmath::pow_scalar(2.0, ys[i]).to_bits());
    }
}

// ------------------------------------------------------------- NumPy's vectors

/// The folder with NumPy's `umath-validation-set-*.csv`: `ARR_NUMPY_DATA`,
/// else asked of the CI venv's Python (or `python3`).
fn numpy_data_dir() -> Option<std::path::PathBuf> {
    if let Ok(d) = std::env::var("ARR_NUMPY_DATA") {
        return Some(d.into());
    }
    let venv = std::env::var("ARR_CI_VENV").unwrap_or_else(|_| "target/ci-venv".into());
    let pys = [format!("{venv}/bin/python"), "python3".to_string()];
    for py in pys {
        let out = std::process::Command::new(&py)
            .args([
                "-c",
                "import numpy, os; print(os.path.join(os.path.dirname(numpy.__file__), '_core', 'tests', 'data'))",
            ])
            .output();
        if let Ok(o) = out {
            if o.status.success() {
                let d = std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
                if d.join("umath-validation-set-exp.csv").exists() {
                    return Some(d);
                }
            }
        }
    }
    None
}

/// ULPs between two floats of one dtype, given as bit patterns (NaN = NaN).
fn ulp_bits(got: u64, want: u64, f32: bool) -> u64 {
    if f32 {
        let (a, b) = (f32::from_bits(got as u32), f32::from_bits(want as u32));
        if a.is_nan() || b.is_nan() {
            return if a.is_nan() && b.is_nan() {
                0
            } else {
                u64::MAX
            };
        }
        let o32 = |x: f32| {
            let b = x.to_bits() as i32 as i64;
            if b < 0 {
                i32::MIN as i64 - b
            } else {
                b
            }
        };
        (o32(a) - o32(b)).unsigned_abs()
    } else {
        let (a, b) = (f64::from_bits(got), f64::from_bits(want));
        if a.is_nan() || b.is_nan() {
            return if a.is_nan() && b.is_nan() {
                0
            } else {
                u64::MAX
            };
        }
        (ord(a) - ord(b)).unsigned_abs()
    }
}

/// NumPy's validation vectors (correctly rounded outputs for hard inputs:
/// subnormals, overflow edges, huge trig arguments, ...) for every function
/// both have, both dtypes: within the file's own tolerance and within this
/// module's bounds (1 ULP for exp/log, 2 elsewhere, both dtypes).
/// CI sets ARR_REQUIRE_NUMPY_DATA=1, so missing files fail there.
#[test]
fn numpy_validation_sets() {
    let Some(dir) = numpy_data_dir() else {
        assert!(
            std::env::var("ARR_REQUIRE_NUMPY_DATA").is_err(),
            "NumPy's umath-validation-set-*.csv not found (set ARR_NUMPY_DATA)"
        );
        eprintln!("skipped: NumPy's validation files not found (set ARR_NUMPY_DATA)");
        return;
    };
    let mut report = String::new();
    let mut bad = String::new();
    let mut files = 0;
    for f in Fun::ALL {
        let path = dir.join(format!("umath-validation-set-{}.csv", f.name()));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        for is32 in [true, false] {
            let tag = if is32 { "np.float32" } else { "np.float64" };
            let (mut xs, mut want, mut tol) = (Vec::new(), Vec::new(), Vec::new());
            for line in text.lines() {
                let parts: Vec<&str> = line.split(',').map(str::trim).collect();
                if parts.len() != 4 || parts[0] != tag {
                    continue;
                }
                let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16);
                if let (Ok(x), Ok(y), Ok(t)) =
                    (hex(parts[1]), hex(parts[2]), parts[3].parse::<u64>())
                {
                    xs.push(x);
                    want.push(y);
                    tol.push(t);
                }
            }
            if xs.is_empty() {
                continue;
            }
            let got: Vec<u64> = if is32 {
                let v: Vec<f32> = xs.iter().map(|&b| f32::from_bits(b as u32)).collect();
                ours(vmath::chosen(), f, &v)
                    .iter()
                    .map(|g| g.to_bits() as u64)
                    .collect()
            } else {
                let v: Vec<f64> = xs.iter().map(|&b| f64::from_bits(b)).collect();
                ours(vmath::chosen(), f, &v)
                    .iter()
                    .map(|g| g.to_bits())
                    .collect()
            };
            let ours_bound = if is32 {
                bound32(f).ceil() as u64
            } else {
                bound64(f) as u64
            };
            let mut worst = 0u64;
            for i in 0..xs.len() {
                let e = ulp_bits(got[i], want[i], is32);
                worst = worst.max(e);
                if e > tol[i] || e > ours_bound {
                    bad += &format!(
                        "{} {tag} x = {:#x}: {e} ULP (file tolerance {}), got {:#x}, want {:#x}\n",
                        f.name(),
                        xs[i],
                        tol[i],
                        got[i],
                        want[i]
                    );
                }
            }
            report += &format!("{} {tag}: {} values, max {worst} ULP\n", f.name(), xs.len());
        }
    }
    println!("{report}");
    assert!(
        files >= 10,
        "only {files} validation files in {}",
        dir.display()
    );
    assert!(bad.is_empty(), "{bad}");
}
