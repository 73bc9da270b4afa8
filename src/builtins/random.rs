//! random: seed rand randn randint uniform normal choice permutation shuffle.
//!
//! One generator per interpreter (in `Interp::state`), seeded from the
//! OS-keyed hasher and the clock until `seed(n)` is called. The generator is
//! PCG64 (XSL-RR 128/64, `rand_pcg::Pcg64`); every distribution below is our
//! own code on top of its `u64` stream, using only integer arithmetic, IEEE
//! `+ - * /` and `libm` (pure Rust), so a seeded sequence is the same on every
//! run, platform and build. It is *not* NumPy's sequence: NumPy seeds PCG64
//! through `SeedSequence` and uses a ziggurat for normals, which arr does not
//! replicate.
//!
//! The stream, exactly (changing any of this changes seeded results):
//! - `seed(n)`: four splitmix64 outputs from `n` give PCG64's 128-bit state
//!   (first two) and stream (last two), via `Pcg64::new(state, stream)`.
//! - float in [0, 1): the top 53 bits of one `u64`, times 2^-53.
//! - integer in [0, n): Lemire's multiply-and-reject on one or more `u64`s.
//! - normals: Marsaglia's polar method, both values of each pair used in
//!   order within one call; a call's last unpaired value is dropped.
//! - shuffles: Fisher–Yates from the last position down.

use super::{arr, Args, Builtin};
use crate::array::{broadcast_shapes, broadcast_to, check_size, fmt_shape, Array, DType, Scalar};
use crate::diagnostics::{Error, Result};
use crate::ops::Interp;
use crate::value::value_to_array;
use crate::value::Value;
use ndarray::Axis;
use rand_pcg::rand_core::Rng as _;
use rand_pcg::Pcg64;
use std::collections::HashMap;

pub static ROWS: &[Builtin] = &[
    b!("seed", "seed(n=none)", "random", false, seed,
        "Seed the random generator with a non-negative integer, so the random functions give the same values every run, on every platform. seed() (or seed(none)) reseeds from the operating system and the clock, as at start-up. Sequences are reproducible in arr but differ from NumPy's: arr uses PCG64 with its own seeding and distributions, not NumPy's SeedSequence and ziggurat.",
        ("seed(7); x = randint(100, size=3); seed(7); randint(100, size=3) == x", "[ true  true  true]")),
    b!("rand", "rand(*shape)", "random", false, rand,
        "Uniform float64 values in [0, 1), in the given shape (separate integers or one tuple); rand() gives one number. Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(0); shape(rand(2, 3))", "(2, 3)"), ("seed(0); rand()", "0.7939463473735969")),
    b!("randn", "randn(*shape)", "random", false, randn,
        "Standard normal float64 values (mean 0, standard deviation 1) in the given shape; randn() gives one number. Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(0); shape(randn(3, 4))", "(3, 4)"), ("seed(1); randn(3)", "[-1.58464349 -1.01853707 -1.20179297]")),
    b!("randint", "randint(low, high=none, size=none, dtype=int64)", "random", false, randint,
        "Random integers from [low, high), or from [0, low) when high is none; `size` is an int or a tuple (none gives one number). dtype may be int64 or bool. Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(1); randint(0, 10, 5)", "[3 3 1 4 7]"), ("seed(1); shape(randint(5, size=(2, 3)))", "(2, 3)")),
    b!("uniform", "uniform(low=0.0, high=1.0, size=none)", "random", false, uniform,
        "Uniform float64 values in [low, high). low and high may be arrays; they broadcast with each other and with `size` as in NumPy (no size: the broadcast shape). high must not be below low (equal gives low). Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(3); uniform(-1, 1, 4)", "[-0.55176161  0.57304402  0.38965517  0.30778706]"), ("shape(uniform(size=(2, 2)))", "(2, 2)")),
    b!("normal", "normal(loc=0.0, scale=1.0, size=none)", "random", false, normal,
        "Normal (Gaussian) float64 values with mean `loc` and standard deviation `scale`. loc and scale may be arrays; they broadcast with each other and with `size` as in NumPy (no size: the broadcast shape). scale must be non-negative. Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(0); shape(normal(0, 1, (3, 4)))", "(3, 4)"), ("normal([0, 100], 0)", "[  0. 100.]"),
        ("shape(normal([0, 10, 20], 1, (2, 3)))", "(2, 3)")),
    b!("choice", "choice(a, size=none, replace=true, p=none)", "random", false, choice,
        "Random picks from the 1-d array `a` (or from arange(a) when a is an int). `size` is an int or a tuple (none gives one value); replace=false picks distinct positions; `p` gives each element's probability (non-negative, summing to 1). Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(2); choice(5, 3)", "[1 3 3]"), ("seed(2); choice([10, 20, 30], 4, p=[0.5, 0.5, 0])", "[10 20 20 10]"),
        ("seed(2); choice(5, 5, replace=false)", "[1 3 4 0 2]")),
    b!("permutation", "permutation(x)", "random", false, permutation,
        "A random ordering: of arange(x) when x is an int, else a copy of the array x with its first axis (its rows) shuffled. Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(0); permutation(5)", "[4 1 2 0 3]"), ("seed(0); permutation([[1, 2], [3, 4], [5, 6]])", "[[3 4]\n [1 2]\n [5 6]]")),
    b!("shuffle", "shuffle(x)", "random", false, shuffle,
        "A copy of the array x with its first axis (its rows) in random order. Unlike NumPy's shuffle, which shuffles in place and returns None, arr's arrays are values that never alias, so shuffle RETURNS the shuffled copy and x is unchanged: write `x = shuffle(x)`. Reproducible after seed(n), but not NumPy's sequence.",
        ("seed(0); shuffle(arange(5))", "[4 1 2 0 3]"), ("x = arange(3); y = shuffle(x); x", "[0 1 2]")),
];

// ------------------------------------------------------------ generator

/// The interpreter's random stream: PCG64 plus the distributions on top.
struct Stream {
    pcg: Pcg64,
}

/// splitmix64 (Steele, Lea, Flood 2014): spreads a small seed over 64 bits.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Stream {
    fn from_seed(seed: u64) -> Stream {
        let mut x = seed;
        let mut word = || splitmix64(&mut x) as u128;
        let state = (word() << 64) | word();
        let stream = (word() << 64) | word();
        Stream {
            pcg: Pcg64::new(state, stream),
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.pcg.next_u64()
    }

    /// Uniform in [0, 1) with 53 random bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) for n >= 1 (Lemire 2019, unbiased). n == 0
    /// means the full 2^64 range.
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return self.next_u64();
        }
        let mut m = self.next_u64() as u128 * n as u128;
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = self.next_u64() as u128 * n as u128;
            }
        }
        (m >> 64) as u64
    }

    /// Two independent standard normals (Marsaglia's polar method).
    fn normal_pair(&mut self) -> (f64, f64) {
        loop {
            let u = 2.0 * self.next_f64() - 1.0;
            let v = 2.0 * self.next_f64() - 1.0;
            let s = u * u + v * v;
            if s < 1.0 && s > 0.0 {
                let f = libm::sqrt(-2.0 * libm::log(s) / s);
                return (u * f, v * f);
            }
        }
    }

    fn normals(&mut self, n: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let (x, y) = self.normal_pair();
            out.push(x);
            if out.len() < n {
                out.push(y);
            }
        }
        out
    }

    /// A uniformly random permutation of 0..n (Fisher–Yates).
    fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
        v
    }

    /// `k` distinct values from 0..n in random order: the first `k` steps of a
    /// forward Fisher–Yates over 0..n. Large populations keep only the swapped
    /// positions (a map), with the same result as the dense walk.
    fn sample_distinct(&mut self, n: u64, k: usize) -> Vec<u64> {
        let mut out = Vec::with_capacity(k);
        if n <= 1 << 16 || (n as u128) <= 4 * k as u128 {
            let mut v: Vec<u64> = (0..n).collect();
            for i in 0..k {
                let j = i + self.below(n - i as u64) as usize;
                v.swap(i, j);
                out.push(v[i]);
            }
        } else {
            let mut moved: HashMap<u64, u64> = HashMap::with_capacity(2 * k);
            for i in 0..k as u64 {
                let j = i + self.below(n - i);
                let vi = moved.get(&i).copied().unwrap_or(i);
                let vj = moved.get(&j).copied().unwrap_or(j);
                moved.insert(j, vi);
                out.push(vj);
            }
        }
        out
    }
}

/// An interpreter's generator (kept in `Interp::state`): None until first
/// use; then seeded from entropy unless `seed(n)` ran.
#[derive(Default)]
struct Rng(Option<Stream>);

/// A seed nobody chose: the OS-keyed SipHash of the clock, the process id
/// and a per-process counter (no extra crate, never fails).
fn entropy_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// Run `f` on the interpreter's stream (created on first use).
fn with_stream<R>(it: &mut Interp, f: impl FnOnce(&mut Stream) -> R) -> R {
    f(it.state::<Rng>()
        .0
        .get_or_insert_with(|| Stream::from_seed(entropy_seed())))
}

fn set_stream(it: &mut Interp, s: Stream) {
    it.state::<Rng>().0 = Some(s);
}

// -------------------------------------------------------------- helpers

/// An optional `size=` argument: none, an int or a tuple of ints.
fn opt_size(a: &Args, i: usize) -> Result<Option<Vec<usize>>> {
    if !a.has(i) {
        return Ok(None);
    }
    a.shape(i).map(Some).map_err(|e| {
        e.with_help(format!(
            "{}(): `size` is the output shape: an int, a tuple of ints, or none for one value",
            a.name
        ))
    })
}

/// A float64 parameter that may be a number or an array (default when absent).
fn float_param(a: &Args, i: usize, default: f64) -> Result<Array> {
    if !a.has(i) {
        return Ok(Array::from_vec(&[], vec![default]));
    }
    let v = a.value(i)?;
    match value_to_array(v) {
        Some(x) => Ok(x.astype(DType::F64)),
        None => Err(a
            .type_err(i, "a number or an array of numbers", v)
            .with_help(format!("usage: {}", sig_of(a.name)))),
    }
}

fn sig_of(name: &str) -> &'static str {
    super::lookup(name).map(|b| b.sig).unwrap_or("")
}

/// The output shape of a distribution with array parameters in `slots`:
/// their broadcast shape, which must broadcast to `size` when one is given.
fn param_shape(a: &Args, params: &[(usize, &Array)], size_slot: usize) -> Result<Vec<usize>> {
    let mut shape: Vec<usize> = Vec::new();
    let mut seen: Vec<(usize, &Array)> = Vec::new();
    for &(slot, x) in params {
        shape = broadcast_shapes(&shape, x.shape()).map_err(|e| {
            let mut names: Vec<String> = seen.iter().map(|(s, _)| param_name(a, *s)).collect();
            names.push(param_name(a, slot));
            let mut out = Error::shape(format!(
                "{}(): {} could not be broadcast together (shapes {} and {})",
                a.name,
                names.join(" and "),
                fmt_shape(&shape),
                fmt_shape(x.shape())
            ))
            .label_arg(slot, format!("shape {}", fmt_shape(x.shape())));
            for (s, y) in &seen {
                out = out.label_arg(*s, format!("shape {}", fmt_shape(y.shape())));
            }
            match e.help {
                Some(h) => out.with_help(h),
                None => out,
            }
        })?;
        seen.push((slot, x));
    }
    let Some(size) = opt_size(a, size_slot)? else {
        return Ok(shape);
    };
    match broadcast_shapes(&shape, &size) {
        Ok(s) if s == size => Ok(size),
        _ => {
            let names: Vec<String> = params
                .iter()
                .map(|(slot, x)| {
                    format!("{} of shape {}", param_name(a, *slot), fmt_shape(x.shape()))
                })
                .collect();
            let mut e = Error::shape(format!(
                "{}(): parameters of shape {} cannot be broadcast to size {}",
                a.name,
                fmt_shape(&shape),
                fmt_shape(&size)
            ))
            .label_arg(size_slot, format!("size {}", fmt_shape(&size)));
            for (slot, x) in params {
                if !x.shape().is_empty() {
                    e = e.label_arg(*slot, format!("shape {}", fmt_shape(x.shape())));
                }
            }
            Err(e.with_help(format!(
                "as in NumPy, {} must broadcast to `size` (compare dimensions from the right); leave size=none to get their broadcast shape",
                names.join(" and ")
            )))
        }
    }
}

fn param_name(a: &Args, slot: usize) -> String {
    crate::prim::Prim::from_name(a.name)
        .map(crate::ops::params_of)
        .and_then(|p| p.get(slot))
        .map(|p| p.name.clone())
        .unwrap_or_else(|| format!("#{slot}"))
}

/// A distribution parameter over the output: one number, or one per element.
enum Param {
    One(f64),
    Each(Vec<f64>),
}

impl Param {
    /// `x` stretched to `shape` (row-major); a single number stays single, so
    /// scalar parameters cost no memory.
    fn new(x: &Array, shape: &[usize]) -> Result<Param> {
        if x.len() == 1 {
            return Ok(Param::One(x.to_f64_vec().first().copied().unwrap_or(0.0)));
        }
        Ok(Param::Each(broadcast_to(x, shape)?.to_f64_vec()))
    }
    fn at(&self, i: usize) -> f64 {
        match self {
            Param::One(v) => *v,
            Param::Each(v) => v[i],
        }
    }
}

/// Rows (axis 0) of `x` in the order `idx`, reshaped to `shape` + x's other axes.
fn take_rows(x: &Array, idx: &[usize]) -> Array {
    crate::map_array!(x, v => v.select(Axis(0), idx).into_shared())
}

// ------------------------------------------------------------- builtins

pub fn seed(it: &mut Interp, a: Args) -> Result<Value> {
    if !a.has(0) {
        set_stream(it, Stream::from_seed(entropy_seed()));
        return Ok(Value::None);
    }
    let n = a.int(0).map_err(|e| {
        e.with_help(
            "seed(n) takes a non-negative integer, e.g. seed(0); seed() reseeds from the system",
        )
    })?;
    if n < 0 {
        return Err(Error::value(format!(
            "seed(): the seed must be a non-negative integer, got {n}"
        ))
        .label_arg(0, "negative")
        .with_help("use any integer from 0 up, e.g. seed(0) or seed(12345)"));
    }
    set_stream(it, Stream::from_seed(n as u64));
    Ok(Value::None)
}

pub fn rand(it: &mut Interp, a: Args) -> Result<Value> {
    let shape = a.shape_from_rest()?;
    let n = check_size(&shape)?;
    let v: Vec<f64> = with_stream(it, |s| (0..n).map(|_| s.next_f64()).collect());
    arr(Array::from_vec(&shape, v))
}

pub fn randn(it: &mut Interp, a: Args) -> Result<Value> {
    let shape = a.shape_from_rest()?;
    let n = check_size(&shape)?;
    let v = with_stream(it, |s| s.normals(n));
    arr(Array::from_vec(&shape, v))
}

pub fn randint(it: &mut Interp, a: Args) -> Result<Value> {
    let int_help = |e: Error| {
        e.with_help(
            "randint draws integers from [low, high); for floats use uniform(low, high, size)",
        )
    };
    let first = a.int(0).map_err(int_help)?;
    let (low, high, high_slot) = match a.opt_int(1).map_err(int_help)? {
        Some(h) => (first, h, 1),
        None => (0, first, 0),
    };
    if low >= high {
        let e = if high_slot == 1 {
            Error::value(format!("randint(): low >= high ({low} >= {high})"))
                .label_arg(0, format!("low = {low}"))
                .label_arg(1, format!("high = {high}"))
        } else {
            Error::value(format!("randint(): high must be positive, got {high}"))
                .label_arg(0, format!("high = {high}"))
        };
        return Err(e.with_help(
            "randint draws from [low, high), so high must be greater than low; randint(n) draws from [0, n)",
        ));
    }
    let dt = a.opt_dtype(3)?.unwrap_or(DType::I64);
    match dt {
        DType::I64 => {}
        DType::Bool if low >= 0 && high <= 2 => {}
        DType::Bool => {
            return Err(Error::value(format!(
                "randint(): [{low}, {high}) is out of range for dtype bool"
            ))
            .label_arg(3, "bool")
            .with_help("with dtype=bool, low and high must lie in [0, 2]"))
        }
        DType::F32 | DType::F64 => {
            return Err(Error::type_(format!("randint(): unsupported dtype {dt}"))
                .label_arg(3, format!("{dt}"))
                .with_help("randint makes int64 or bool; for floats use uniform(low, high, size)"))
        }
    }
    let size = opt_size(&a, 2)?;
    let shape = size.clone().unwrap_or_default();
    let n = check_size(&shape)?;
    // high - low fits in u64 (it is at most 2^64 - 1).
    let span = (high as i128 - low as i128) as u64;
    let v: Vec<i64> = with_stream(it, |s| {
        (0..n)
            .map(|_| (low as i128 + s.below(span) as i128) as i64)
            .collect()
    });
    let x = Array::from_vec(&shape, v);
    arr(if dt == DType::Bool { x.astype(dt) } else { x })
}

pub fn uniform(it: &mut Interp, a: Args) -> Result<Value> {
    let low = float_param(&a, 0, 0.0)?;
    let high = float_param(&a, 1, 1.0)?;
    let shape = param_shape(&a, &[(0, &low), (1, &high)], 2)?;
    let n = check_size(&shape)?;
    let lo = Param::new(&low, &shape)?;
    let hi = Param::new(&high, &shape)?;
    let m = match (&lo, &hi) {
        (Param::One(_), Param::One(_)) => 1,
        _ => n,
    };
    for i in 0..m {
        let (l, h) = (lo.at(i), hi.at(i));
        let width = h - l;
        if !width.is_finite() || width < 0.0 {
            let what = if width.is_nan() || width.is_infinite() {
                format!("low = {l} and high = {h} do not give a finite range")
            } else {
                format!("high < low ({h} < {l})")
            };
            return Err(Error::value(format!("uniform(): {what}"))
                .label_arg(0, "low")
                .label_arg(1, "high")
                .with_help(
                    "uniform draws from [low, high): low and high must be finite with high >= low",
                ));
        }
    }
    let v: Vec<f64> = with_stream(it, |s| {
        (0..n)
            .map(|i| {
                let l = lo.at(i);
                l + (hi.at(i) - l) * s.next_f64()
            })
            .collect()
    });
    arr(Array::from_vec(&shape, v))
}

pub fn normal(it: &mut Interp, a: Args) -> Result<Value> {
    let loc = float_param(&a, 0, 0.0)?;
    let scale = float_param(&a, 1, 1.0)?;
    if let Some(bad) = scale
        .to_f64_vec()
        .into_iter()
        .find(|s| s.is_nan() || *s < 0.0)
    {
        return Err(
            Error::value(format!("normal(): scale must be non-negative, got {bad}"))
                .label_arg(1, if bad.is_nan() { "nan" } else { "negative" })
                .with_help(
                    "scale is the standard deviation: use a number >= 0 (0 gives loc exactly)",
                ),
        );
    }
    let shape = param_shape(&a, &[(0, &loc), (1, &scale)], 2)?;
    let n = check_size(&shape)?;
    let mu = Param::new(&loc, &shape)?;
    let sd = Param::new(&scale, &shape)?;
    let mut v = with_stream(it, |s| s.normals(n));
    for (i, z) in v.iter_mut().enumerate() {
        *z = mu.at(i) + sd.at(i) * *z;
    }
    arr(Array::from_vec(&shape, v))
}

/// Check `p` for a population of `n` and return its cumulative sums.
fn check_p(p: &Array, n: usize) -> Result<Vec<f64>> {
    if p.ndim() != 1 || p.len() != n {
        return Err(Error::value(format!(
            "choice(): `a` and `p` must have the same size ({} elements vs p of shape {})",
            n,
            fmt_shape(p.shape())
        ))
        .label_arg(0, format!("{n} elements"))
        .label_arg(3, format!("shape {}", fmt_shape(p.shape())))
        .with_help("p gives one probability per element of a, as a 1-d array"));
    }
    let pv = p.to_f64_vec();
    if let Some(bad) = pv.iter().find(|x| !x.is_finite() || **x < 0.0) {
        return Err(Error::value(format!(
            "choice(): probabilities must be non-negative and finite, got {bad}"
        ))
        .label_arg(3, "p")
        .with_help("every entry of p must be a number in [0, 1]"));
    }
    let mut cdf = Vec::with_capacity(n);
    let mut total = 0.0;
    for x in &pv {
        total += x;
        cdf.push(total);
    }
    // NumPy's tolerance: sqrt(float64 eps).
    if (total - 1.0).abs() > f64::EPSILON.sqrt() {
        return Err(Error::value(format!(
            "choice(): probabilities do not sum to 1 (they sum to {total})"
        ))
        .label_arg(3, format!("sums to {total}"))
        .with_help("divide p by its total first: p / sum(p)"));
    }
    Ok(cdf)
}

pub fn choice(it: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?;
    // The population: arange(n) for an int, else a 1-d array.
    let (n, pop): (usize, Option<Array>) = match v {
        Value::Num(Scalar::I64(k), _) => {
            if *k < 0 {
                return Err(Error::value(format!(
                    "choice(): `a` must be a non-negative integer or an array, got {k}"
                ))
                .label_arg(0, "negative")
                .with_help("choice(n, ...) picks from arange(n)"));
            }
            (*k as usize, None)
        }
        Value::Num(..) => {
            return Err(a
                .type_err(0, "an integer or a 1-d array", v)
                .with_help("choice(n, ...) picks from arange(n); choice(x, ...) picks elements of the 1-d array x"))
        }
        _ => match value_to_array(v) {
            Some(x) if x.ndim() == 1 => (x.len(), Some(x)),
            Some(x) => {
                return Err(Error::value(format!(
                    "choice(): `a` must be 1-dimensional, got shape {}",
                    fmt_shape(x.shape())
                ))
                .label_arg(0, format!("shape {}", fmt_shape(x.shape())))
                .with_help("flatten it first (flatten(a)), or pick rows with a[choice(len(a), size)]"))
            }
            None => {
                return Err(a
                    .type_err(0, "an integer or a 1-d array", v)
                    .with_help("choice(n, ...) picks from arange(n); choice(x, ...) picks elements of the 1-d array x"))
            }
        },
    };
    let size = opt_size(&a, 1)?;
    let shape = size.clone().unwrap_or_default();
    let k = check_size(&shape)?;
    let replace = a.bool_or(2, true)?;
    let cdf = match a.opt_array(3)? {
        Some(p) => Some(check_p(&p, n)?),
        None => None,
    };
    if n == 0 && k > 0 {
        return Err(
            Error::value("choice(): cannot pick from an empty population")
                .label_arg(0, "empty")
                .with_help("`a` must have at least one element unless size is 0"),
        );
    }
    let idx: Vec<usize> = if replace {
        match &cdf {
            None => with_stream(it, |s| (0..k).map(|_| s.below(n as u64) as usize).collect()),
            Some(cdf) => {
                let total = cdf.last().copied().unwrap_or(1.0);
                with_stream(it, |s| {
                    (0..k)
                        .map(|_| {
                            let u = s.next_f64() * total;
                            // First cumulative sum above u: never a zero-p entry.
                            cdf.partition_point(|&c| c <= u).min(n - 1)
                        })
                        .collect()
                })
            }
        }
    } else {
        if k > n {
            return Err(Error::value(format!(
                "choice(): cannot take {k} distinct samples from a population of {n} (replace=false)"
            ))
            .label_arg(1, format!("{k} samples"))
            .label_arg(0, format!("{n} elements"))
            .with_help("ask for at most as many samples as there are elements, or use replace=true"));
        }
        match &cdf {
            None => with_stream(it, |s| {
                s.sample_distinct(n as u64, k)
                    .into_iter()
                    .map(|i| i as usize)
                    .collect()
            }),
            Some(cdf) => {
                let w: Vec<f64> = cdf
                    .iter()
                    .enumerate()
                    .map(|(i, c)| if i == 0 { *c } else { c - cdf[i - 1] })
                    .collect();
                let nonzero = w.iter().filter(|x| **x > 0.0).count();
                if nonzero < k {
                    return Err(Error::value(format!(
                        "choice(): only {nonzero} entries of p are non-zero, fewer than the {k} distinct samples asked for"
                    ))
                    .label_arg(3, format!("{nonzero} non-zero"))
                    .label_arg(1, format!("{k} samples"))
                    .with_help("with replace=false each pick needs its own element of non-zero probability"));
                }
                // Efraimidis–Spirakis: the k smallest Exp(1)/w_i keys, in
                // increasing order, are distributed as k successive weighted
                // draws without replacement.
                let mut keys: Vec<(f64, usize)> = with_stream(it, |s| {
                    w.iter()
                        .enumerate()
                        .map(|(i, &wi)| {
                            let e = -libm::log(1.0 - s.next_f64());
                            (if wi > 0.0 { e / wi } else { f64::INFINITY }, i)
                        })
                        .collect()
                });
                keys.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                keys.into_iter().take(k).map(|(_, i)| i).collect()
            }
        }
    };
    let out = match pop {
        None => Array::from_vec(&[k], idx.iter().map(|&i| i as i64).collect()),
        Some(x) => take_rows(&x, &idx),
    };
    arr(out.reshape(&shape)?)
}

/// A copy of `x` with axis 0 in random order (shared by permutation/shuffle).
fn shuffle_rows(it: &mut Interp, a: &Args, x: &Array) -> Result<Array> {
    if x.ndim() == 0 {
        let help = if a.prim == crate::prim::Prim::Shuffle {
            "shuffle needs an array with at least one axis; permutation(n) shuffles arange(n)"
        } else {
            "permutation(n) shuffles arange(n); an array needs at least one axis"
        };
        return Err(
            Error::value(format!("{}(): cannot shuffle a 0-d value", a.name))
                .label_arg(0, "0-d")
                .with_help(help),
        );
    }
    let order = with_stream(it, |s| s.permutation(x.shape()[0]));
    Ok(take_rows(x, &order))
}

pub fn permutation(it: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?;
    if let Value::Num(Scalar::I64(n), _) = v {
        if *n < 0 {
            return Err(
                Error::value(format!("permutation(): n must be non-negative, got {n}"))
                    .label_arg(0, "negative")
                    .with_help("permutation(n) returns arange(n) in random order"),
            );
        }
        let n = *n as usize;
        check_size(&[n])?;
        let order = with_stream(it, |s| s.permutation(n));
        return arr(Array::from_vec(
            &[n],
            order.into_iter().map(|i| i as i64).collect(),
        ));
    }
    let x = match value_to_array(v) {
        Some(x) if x.ndim() > 0 => x,
        _ => {
            return Err(a
                .type_err(0, "an integer or an array with at least one axis", v)
                .with_help("permutation(n) returns arange(n) in random order; permutation(x) returns x with its rows shuffled"))
        }
    };
    arr(shuffle_rows(it, &a, &x)?)
}

pub fn shuffle(it: &mut Interp, a: Args) -> Result<Value> {
    let v = a.value(0)?;
    let x = match (v, value_to_array(v)) {
        (Value::Num(..), _) | (_, None) => {
            return Err(a
                .type_err(0, "an array with at least one axis", v)
                .with_help("shuffle(x) returns x with its rows in random order; permutation(n) gives arange(n) shuffled"))
        }
        (_, Some(x)) => x,
    };
    arr(shuffle_rows(it, &a, &x)?)
}

// ----------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::ErrorKind;
    use crate::output::Capture;

    /// Run arr code on a fresh interpreter (this thread's stream) and return
    /// the final value as an array, or the error.
    fn run(code: &str) -> Result<Array> {
        let mut it = Interp::new(Box::new(Capture::default()));
        let v = it.run_source("<test>", code)?;
        let v = v.unwrap_or(Value::None);
        Ok(value_to_array(&v).unwrap_or_else(|| panic!("`{code}` gave {v:?}, not an array")))
    }
    fn f64s(code: &str) -> Vec<f64> {
        match run(code) {
            Ok(a) => a.to_f64_vec(),
            Err(e) => panic!("`{code}` failed: {e}"),
        }
    }
    fn i64s(code: &str) -> Vec<i64> {
        match run(code) {
            Ok(a) => a.to_i64_vec(),
            Err(e) => panic!("`{code}` failed: {e}"),
        }
    }
    fn shape_of(code: &str) -> Vec<usize> {
        match run(code) {
            Ok(a) => a.shape().to_vec(),
            Err(e) => panic!("`{code}` failed: {e}"),
        }
    }
    fn dtype_of(code: &str) -> DType {
        match run(code) {
            Ok(a) => a.dtype(),
            Err(e) => panic!("`{code}` failed: {e}"),
        }
    }
    fn err(code: &str) -> Error {
        match run(code) {
            Ok(a) => panic!("`{code}` should fail, gave {a:?}"),
            Err(e) => e,
        }
    }
    fn mean_std(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
        (m, var.sqrt())
    }

    const FORMS: &[&str] = &[
        "rand(4)",
        "randn(4)",
        "randint(0, 1000000, 4)",
        "uniform(-5, 5, 4)",
        "normal(3, 2, 4)",
        "choice(1000000, 4)",
        "choice(1000, 4, replace=false)",
        "choice(4, 4, p=[0.1, 0.2, 0.3, 0.4])",
        "permutation(20)",
        "shuffle(arange(20))",
    ];

    #[test]
    fn same_seed_same_values_other_seed_other_values() {
        for f in FORMS {
            let a = f64s(&format!("seed(5); {f}"));
            let b = f64s(&format!("seed(5); {f}"));
            let c = f64s(&format!("seed(6); {f}"));
            assert_eq!(a, b, "{f}");
            assert_ne!(a, c, "{f}");
        }
        // Successive draws differ; the whole sequence repeats after seed().
        let first = f64s("seed(1); rand(3)");
        let second = f64s("seed(1); x = rand(3); rand(3)");
        assert_ne!(first, second);
        assert_eq!(second, f64s("seed(1); x = rand(3); rand(3)"));
        // Unseeded interpreters (fresh streams) differ from each other.
        let u1 = f64s("seed(); rand(4)");
        let u2 = f64s("seed(); rand(4)");
        assert_ne!(u1, u2);
    }

    /// The exact stream is part of arr's behaviour: pin a few values so a
    /// crate update that changes them fails here (and in the doc examples).
    #[test]
    fn pinned_values() {
        assert_eq!(i64s("seed(1); randint(0, 10, 5)"), vec![3, 3, 1, 4, 7]);
        assert_eq!(i64s("seed(0); permutation(5)"), vec![4, 1, 2, 0, 3]);
        assert_eq!(i64s("seed(2); choice(5, 3)"), vec![1, 3, 3]);
        assert_eq!(f64s("seed(0); rand()"), vec![0.7939463473735969]);
        let mut s = Stream::from_seed(0);
        let raw: Vec<u64> = (0..3).map(|_| s.next_u64()).collect();
        assert_eq!(raw, RAW0);
        let z = f64s("seed(1); randn(3)");
        assert_eq!(z, NORMAL1);
    }

    /// The first outputs after seed(0). NumPy's own PCG64 gives the same
    /// three when set to the same state/increment (checked with
    /// `PCG64().state = ...; random_raw(3)`): the generator is the standard one.
    const RAW0: [u64; 3] = [
        14645725078257245364,
        872640208744727529,
        15973102534033515988,
    ];
    const NORMAL1: [f64; 3] = [
        -1.5846434898508885,
        -1.0185370673241692,
        -1.2017929720720864,
    ];

    /// rand_pcg's Pcg64 is the reference PCG64 (LCG 128 + XSL-RR output):
    /// recomputed here from the published constants, from the same seeding.
    #[test]
    fn pcg64_matches_reference_algorithm() {
        const MUL: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;
        for seed in [0u64, 1, 42, u64::MAX] {
            let mut x = seed;
            let mut word = || splitmix64(&mut x) as u128;
            let state0 = (word() << 64) | word();
            let stream = (word() << 64) | word();
            let inc = (stream << 1) | 1;
            let mut state = state0.wrapping_add(inc).wrapping_mul(MUL).wrapping_add(inc);
            let mut ours = Stream::from_seed(seed);
            for _ in 0..100 {
                state = state.wrapping_mul(MUL).wrapping_add(inc);
                let rot = (state >> 122) as u32;
                let want = (((state >> 64) as u64) ^ (state as u64)).rotate_right(rot);
                assert_eq!(ours.next_u64(), want);
            }
        }
    }

    #[test]
    fn uniform_and_rand_ranges() {
        let v = f64s("seed(11); rand(100000)");
        assert!(v.iter().all(|x| (0.0..1.0).contains(x)));
        let (m, s) = mean_std(&v);
        assert!((m - 0.5).abs() < 0.01, "mean {m}");
        assert!((s - (1.0f64 / 12.0).sqrt()).abs() < 0.01, "std {s}");
        let v = f64s("seed(12); uniform(-3, 5, 100000)");
        assert!(v.iter().all(|x| (-3.0..5.0).contains(x)));
        let (m, _) = mean_std(&v);
        assert!((m - 1.0).abs() < 0.05, "mean {m}");
        // Equal bounds give the bound.
        assert_eq!(f64s("uniform(2, 2, 3)"), vec![2.0; 3]);
        // Array bounds broadcast: each column stays in its own range.
        let v = f64s("seed(3); uniform([0, 10], [1, 20], (1000, 2))");
        for row in v.chunks(2) {
            assert!((0.0..1.0).contains(&row[0]) && (10.0..20.0).contains(&row[1]));
        }
    }

    #[test]
    fn normal_moments() {
        let v = f64s("seed(21); randn(200000)");
        let (m, s) = mean_std(&v);
        assert!(m.abs() < 0.01, "mean {m}");
        assert!((s - 1.0).abs() < 0.01, "std {s}");
        let inside = v.iter().filter(|x| x.abs() < 1.0).count() as f64 / v.len() as f64;
        assert!((inside - 0.6827).abs() < 0.01, "P(|z|<1) = {inside}");
        let v = f64s("seed(22); normal(10, 3, 200000)");
        let (m, s) = mean_std(&v);
        assert!((m - 10.0).abs() < 0.05, "mean {m}");
        assert!((s - 3.0).abs() < 0.05, "std {s}");
        // loc/scale arrays broadcast with size.
        let v = f64s("seed(23); normal([0, 100], [1, 0], (5000, 2))");
        let col0: Vec<f64> = v.iter().step_by(2).copied().collect();
        assert!(v.iter().skip(1).step_by(2).all(|x| *x == 100.0));
        let (m, s) = mean_std(&col0);
        assert!(m.abs() < 0.1 && (s - 1.0).abs() < 0.1, "{m} {s}");
        assert_eq!(f64s("normal([0, 100], 0)"), vec![0.0, 100.0]);
    }

    #[test]
    fn randint_covers_range_never_high() {
        let v = i64s("seed(31); randint(-3, 4, 70000)");
        let mut counts = [0usize; 7];
        for x in &v {
            assert!((-3..4).contains(x), "{x}");
            counts[(x + 3) as usize] += 1;
        }
        for c in counts {
            assert!((c as f64 - 10000.0).abs() < 500.0, "{counts:?}");
        }
        assert!(i64s("seed(32); randint(5, size=1000)")
            .iter()
            .all(|x| (0..5).contains(x)));
        assert_eq!(i64s("randint(7, 8, 4)"), vec![7; 4]);
        // The full int64 range works (span 2^64 - 1).
        let v = i64s("seed(33); randint(-9223372036854775807 - 1, 9223372036854775807, 1000)");
        assert!(v.iter().any(|x| *x < 0) && v.iter().any(|x| *x > 0));
        assert!(v.iter().all(|x| *x != i64::MAX));
        assert_eq!(dtype_of("randint(2, size=3, dtype=bool)"), DType::Bool);
        assert_eq!(dtype_of("randint(5, size=3)"), DType::I64);
    }

    #[test]
    fn below_is_unbiased_and_bounded() {
        let mut s = Stream::from_seed(99);
        for n in [1u64, 2, 3, 7, 1 << 40, u64::MAX] {
            for _ in 0..1000 {
                assert!(s.below(n) < n);
            }
        }
    }

    #[test]
    fn choice_follows_p_and_distinctness() {
        let v = i64s("seed(41); choice(4, 100000, p=[0.1, 0.2, 0.3, 0.4])");
        let mut counts = [0f64; 4];
        for x in &v {
            counts[*x as usize] += 1.0;
        }
        for (c, p) in counts.iter().zip([0.1, 0.2, 0.3, 0.4]) {
            assert!((c / 100000.0 - p).abs() < 0.01, "{counts:?}");
        }
        // Zero-probability entries are never picked.
        let v = i64s("seed(42); choice([10, 20, 30], 10000, p=[0.5, 0, 0.5])");
        assert!(v.iter().all(|x| *x == 10 || *x == 30));
        assert!(v.contains(&10) && v.contains(&30));
        // replace=false gives distinct elements, dense and sparse paths alike.
        for code in [
            "seed(43); choice(50, 50, replace=false)",
            "seed(43); choice(1000000000000, 2000, replace=false)",
            "seed(43); choice(10, 6, replace=false, p=[0.1, 0, 0.1, 0.1, 0.2, 0, 0.2, 0.1, 0.1, 0.1])",
        ] {
            let mut v = i64s(code);
            let k = v.len();
            v.sort();
            v.dedup();
            assert_eq!(v.len(), k, "{code}");
        }
        let v = i64s("seed(44); choice(10, 6, replace=false, p=[0.1, 0, 0.1, 0.1, 0.2, 0, 0.2, 0.1, 0.1, 0.1])");
        assert!(!v.contains(&1) && !v.contains(&5));
        let mut v = i64s("seed(45); choice(50, 50, replace=false)");
        v.sort();
        assert_eq!(v, (0..50).collect::<Vec<_>>());
        // Without p and with replace, every element turns up.
        let v = i64s("seed(46); choice([5, 6, 7], 3000)");
        for want in [5, 6, 7] {
            assert!(v.iter().filter(|x| **x == want).count() > 900);
        }
        // Without replacement with p, heavy elements come first more often.
        let mut first_heavy = 0;
        for s in 0..400 {
            let v = i64s(&format!(
                "seed({s}); choice(2, 2, replace=false, p=[0.9, 0.1])"
            ));
            if v[0] == 0 {
                first_heavy += 1;
            }
        }
        assert!(
            (first_heavy as f64 / 400.0 - 0.9).abs() < 0.05,
            "{first_heavy}"
        );
    }

    #[test]
    fn sparse_and_dense_sampling_agree() {
        // The map-based walk must equal the dense Fisher–Yates walk.
        let (n, k) = (100_000u64, 300usize);
        let mut a = Stream::from_seed(7);
        let sparse = a.sample_distinct(n, k);
        let mut b = Stream::from_seed(7);
        let mut v: Vec<u64> = (0..n).collect();
        let mut dense = Vec::new();
        for i in 0..k {
            let j = i + b.below(n - i as u64) as usize;
            v.swap(i, j);
            dense.push(v[i]);
        }
        assert_eq!(sparse, dense);
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut v = i64s("seed(51); permutation(1000)");
        assert_ne!(v, (0..1000).collect::<Vec<_>>());
        v.sort();
        assert_eq!(v, (0..1000).collect::<Vec<_>>());
        // Rows move together.
        let v = i64s("seed(52); permutation(reshape(arange(20), 10, 2))");
        let mut firsts = Vec::new();
        for row in v.chunks(2) {
            assert_eq!(row[1], row[0] + 1);
            firsts.push(row[0]);
        }
        firsts.sort();
        assert_eq!(firsts, (0..10).map(|i| 2 * i).collect::<Vec<_>>());
        // shuffle keeps the dtype and the input unchanged.
        assert_eq!(dtype_of("shuffle([1.5, 2.5])"), DType::F64);
        assert_eq!(dtype_of("shuffle([true, false])"), DType::Bool);
        assert_eq!(
            i64s("x = arange(5); y = shuffle(x); x"),
            vec![0, 1, 2, 3, 4]
        );
        let mut v = i64s("seed(53); shuffle(arange(100))");
        v.sort();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
        assert_eq!(shape_of("permutation(0)"), vec![0]);
        // Each position is uniform: element 0 lands everywhere.
        let mut seen = [0usize; 4];
        for s in 0..400 {
            let v = i64s(&format!("seed({s}); permutation(4)"));
            let pos = v.iter().position(|x| *x == 0).unwrap_or(9);
            seen[pos] += 1;
        }
        assert!(seen.iter().all(|c| *c > 60), "{seen:?}");
    }

    #[test]
    fn shapes_of_every_form() {
        let cases: &[(&str, &[usize])] = &[
            ("rand()", &[]),
            ("rand(3)", &[3]),
            ("rand(2, 3)", &[2, 3]),
            ("rand((2, 3))", &[2, 3]),
            ("rand(0, 4)", &[0, 4]),
            ("randn()", &[]),
            ("randn(2, 3, 4)", &[2, 3, 4]),
            ("randn((5,))", &[5]),
            ("randint(5)", &[]),
            ("randint(0, 5)", &[]),
            ("randint(0, 5, 3)", &[3]),
            ("randint(0, 5, (2, 2))", &[2, 2]),
            ("randint(5, size=(3, 1))", &[3, 1]),
            ("uniform()", &[]),
            ("uniform(size=4)", &[4]),
            ("uniform(0, 1, (2, 3))", &[2, 3]),
            ("uniform([0, 1], 2)", &[2]),
            ("uniform(0, [[1], [2]], (2, 3))", &[2, 3]),
            ("normal()", &[]),
            ("normal(0, 1, (3, 4))", &[3, 4]),
            ("normal(size=7)", &[7]),
            ("normal([0, 1, 2])", &[3]),
            ("normal([0, 1, 2], [[1], [2]])", &[2, 3]),
            ("normal([0, 10, 20], 1, (2, 3))", &[2, 3]),
            ("normal(zeros(0))", &[0]),
            ("uniform(zeros(0), 1)", &[0]),
            ("uniform(zeros((2, 0)), [[1], [2]])", &[2, 0]),
            ("choice(5)", &[]),
            ("choice(5, 3)", &[3]),
            ("choice(5, (2, 2))", &[2, 2]),
            ("choice([1.5, 2.5], (3, 1))", &[3, 1]),
            ("choice(5, 0, replace=false)", &[0]),
            ("choice(0, 0)", &[0]),
            ("permutation(6)", &[6]),
            ("permutation(zeros(4, 2))", &[4, 2]),
            ("shuffle(zeros(3, 2, 2))", &[3, 2, 2]),
        ];
        for (code, want) in cases {
            assert_eq!(&shape_of(code), want, "{code}");
        }
        assert_eq!(dtype_of("rand(2)"), DType::F64);
        assert_eq!(dtype_of("normal(astype([1, 2], float32))"), DType::F64);
        assert_eq!(dtype_of("choice([1.5, 2.5], 2)"), DType::F64);
        assert_eq!(dtype_of("choice(3, 2)"), DType::I64);
    }

    #[test]
    fn errors_are_clear() {
        let cases: &[(&str, ErrorKind, &str)] = &[
            ("randint(5, 5)", ErrorKind::Value, "low >= high"),
            ("randint(5, 2, 3)", ErrorKind::Value, "low >= high"),
            ("randint(0)", ErrorKind::Value, "high must be positive"),
            ("randint(1.5, 3)", ErrorKind::Type, "must be an integer"),
            (
                "randint(0, 3, dtype=float64)",
                ErrorKind::Type,
                "unsupported dtype",
            ),
            (
                "randint(0, 3, dtype=bool)",
                ErrorKind::Value,
                "out of range for dtype bool",
            ),
            (
                "randint(0, 3, size=-1)",
                ErrorKind::Value,
                "negative dimension",
            ),
            ("randint(0, 3, size=1.5)", ErrorKind::Type, "shape"),
            (
                "normal(0, -1)",
                ErrorKind::Value,
                "scale must be non-negative",
            ),
            (
                "normal(0, [1, -1], 2)",
                ErrorKind::Value,
                "scale must be non-negative",
            ),
            (
                "normal(0, nan)",
                ErrorKind::Value,
                "scale must be non-negative",
            ),
            (
                "normal([1, 2, 3], 1, 2)",
                ErrorKind::Shape,
                "cannot be broadcast to size",
            ),
            (
                "normal([1, 2, 3], [1, 2])",
                ErrorKind::Shape,
                "could not be broadcast",
            ),
            ("normal(\"a\")", ErrorKind::Type, "a number or an array"),
            ("uniform(2, 1)", ErrorKind::Value, "high < low"),
            ("uniform(0, inf)", ErrorKind::Value, "finite range"),
            (
                "uniform(0, [1, 2], 3)",
                ErrorKind::Shape,
                "cannot be broadcast to size",
            ),
            (
                "choice(3, p=[0.5, 0.6, 0])",
                ErrorKind::Value,
                "do not sum to 1",
            ),
            ("choice(3, p=[0.5, 0.5])", ErrorKind::Value, "same size"),
            ("choice(2, p=[1.5, -0.5])", ErrorKind::Value, "non-negative"),
            (
                "choice(3, 4, replace=false)",
                ErrorKind::Value,
                "distinct samples",
            ),
            (
                "choice(3, 2, replace=false, p=[1, 0, 0])",
                ErrorKind::Value,
                "non-zero",
            ),
            ("choice(-1)", ErrorKind::Value, "non-negative integer"),
            ("choice(0)", ErrorKind::Value, "empty population"),
            ("choice(2.5)", ErrorKind::Type, "an integer or a 1-d array"),
            ("choice([[1, 2]])", ErrorKind::Value, "1-dimensional"),
            (
                "choice(\"abc\")",
                ErrorKind::Type,
                "an integer or a 1-d array",
            ),
            ("permutation(-2)", ErrorKind::Value, "non-negative"),
            (
                "permutation(2.5)",
                ErrorKind::Type,
                "an integer or an array",
            ),
            ("shuffle(3)", ErrorKind::Type, "at least one axis"),
            ("seed(-1)", ErrorKind::Value, "non-negative integer"),
            ("seed(1.5)", ErrorKind::Type, "must be an integer"),
            ("rand(-1)", ErrorKind::Value, "negative dimension"),
            ("rand(1.5)", ErrorKind::Type, "integers"),
            (
                "rand(1000000000000, 1000000000000)",
                ErrorKind::Memory,
                "would need",
            ),
            ("randn(1099511627776)", ErrorKind::Memory, "would need"),
            (
                "randint(5, size=(1000000000000, 1000000000))",
                ErrorKind::Memory,
                "would need",
            ),
            (
                "permutation(1000000000000000)",
                ErrorKind::Memory,
                "would need",
            ),
        ];
        for (code, kind, text) in cases {
            let e = err(code);
            assert_eq!(e.kind, *kind, "{code}: {e}");
            assert!(e.message.contains(text), "{code}: {}", e.message);
            if !matches!(kind, ErrorKind::Memory) {
                assert!(!e.labels.is_empty(), "{code}: no label");
            }
        }
        // Every value/type error here carries a help line.
        for code in [
            "randint(5, 5)",
            "normal(0, -1)",
            "uniform(2, 1)",
            "choice(3, p=[0.5, 0.6, 0])",
            "choice(3, 4, replace=false)",
            "permutation(2.5)",
            "shuffle(3)",
            "seed(-1)",
            "randint(1.5, 3)",
        ] {
            assert!(err(code).help.is_some(), "{code}: no help");
        }
    }
}
