//! Printing arrays and scalars exactly as NumPy 2's `str()` does.
//!
//! `format_array` reproduces `numpy._core.arrayprint` with the default print
//! options (precision 8, floatmode `'maxprec'`, linewidth 75, threshold 1000,
//! edgeitems 3, no legacy mode): the same element formatting, the same line
//! wrapping, the same summarisation with `...`. The one deliberate difference
//! is that booleans print as `true`/`false` (with NumPy's padding, so an
//! element is ` true` or `false`).
//!
//! Floats go through a port of NumPy's Dragon4 (`dragon4.c`), so the digits,
//! the rounding at the precision cutoff and the extra digits printed to reach
//! a minimum length are NumPy's, for both float64 and float32.
//!
//! Nothing here panics: every index is checked and all arithmetic on widths
//! saturates.

use super::{Array, Scalar};
use ndarray::{ArrayViewD, Axis};
use std::cmp::Ordering;

/// NumPy's default `linewidth`.
const LINE_WIDTH: usize = 75;
/// NumPy's default `threshold`: arrays with more elements are summarised.
const THRESHOLD: usize = 1000;
/// NumPy's default `edgeitems`.
const EDGE_ITEMS: usize = 3;
/// NumPy's default `precision`.
const PRECISION: i32 = 8;
/// Size of NumPy's Dragon4 output buffer; bounds the digit loop.
const DRAGON4_BUFFER: i32 = 16384;

/// How arr prints a scalar value: `3`, `true`, `2.5`, `1.0`, `1e+16`, `nan`.
///
/// Floats print like NumPy's scalar `str` (which for float64 equals Python's
/// `repr(float)`): the shortest digits that round-trip, positional when
/// `1e-4 <= |x| < 1e16` (float64) or `1e-4 <= |x| < 1e6` (float32), otherwise
/// scientific.
pub fn format_scalar(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => if b { "true" } else { "false" }.to_string(),
        Scalar::I64(i) => i.to_string(),
        Scalar::F32(x) => float_scalar_str(x),
        Scalar::F64(x) => float_scalar_str(x),
    }
}

/// Exactly what NumPy 2 prints for `print(a)`, except that booleans are
/// `true`/`false`.
pub fn format_array(a: &Array) -> String {
    if a.ndim() == 0 {
        return match a.to_scalar() {
            Some(s) => format_scalar(s),
            None => "[]".to_string(),
        };
    }
    // NumPy treats any array with a zero-length axis as a null array.
    if a.is_empty() {
        return "[]".to_string();
    }
    let summarise = a.len() > THRESHOLD;
    match a {
        Array::Bool(x) => {
            let view = x.view();
            let f = |v: bool| if v { " true" } else { "false" }.to_string();
            format_nd(&view, summarise, &f)
        }
        Array::I64(x) => {
            let view = x.view();
            let fmt = IntFormat::new(&corner_values(&view, summarise));
            let f = |v: i64| fmt.format(v);
            format_nd(&view, summarise, &f)
        }
        Array::F32(x) => {
            let view = x.view();
            let fmt = FloatFormat::new(&corner_values(&view, summarise));
            let f = |v: f32| fmt.format(v);
            format_nd(&view, summarise, &f)
        }
        Array::F64(x) => {
            let view = x.view();
            let fmt = FloatFormat::new(&corner_values(&view, summarise));
            let f = |v: f64| fmt.format(v);
            format_nd(&view, summarise, &f)
        }
    }
}

/// The cells of a 2-d array as `format_array` prints them (the same
/// element formatter, fitted to the same values, and the same summarising
/// of large arrays), for tables such as the Jupyter kernel's HTML view.
/// Elements are trimmed; `None` marks the `...` row or column of a
/// summarised array. `None` for anything but a non-empty 2-d array.
pub fn grid_2d(a: &Array) -> Option<Vec<Vec<Option<String>>>> {
    if a.ndim() != 2 || a.is_empty() {
        return None;
    }
    let summarise = a.len() > THRESHOLD;
    fn cells<T: Copy>(
        v: &ArrayViewD<'_, T>,
        summarise: bool,
        f: &dyn Fn(T) -> String,
    ) -> Vec<Vec<Option<String>>> {
        let (rows, cols) = (v.shape()[0], v.shape()[1]);
        let with_gaps = |n: usize| {
            let mut out: Vec<Option<usize>> = Vec::new();
            for i in shown_indices(n, summarise) {
                if let Some(Some(prev)) = out.last() {
                    if i > prev + 1 {
                        out.push(None);
                    }
                }
                out.push(Some(i));
            }
            out
        };
        let cs = with_gaps(cols);
        with_gaps(rows)
            .into_iter()
            .map(|r| {
                cs.iter()
                    .map(|c| match (r, c) {
                        (Some(r), Some(c)) => {
                            v.get([r, *c].as_slice()).map(|x| f(*x).trim().to_string())
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }
    Some(match a {
        Array::Bool(x) => {
            let f = |v: bool| if v { "true" } else { "false" }.to_string();
            cells(&x.view(), summarise, &f)
        }
        Array::I64(x) => {
            let view = x.view();
            let fmt = IntFormat::new(&corner_values(&view, summarise));
            cells(&view, summarise, &|v: i64| fmt.format(v))
        }
        Array::F32(x) => {
            let view = x.view();
            let fmt = FloatFormat::new(&corner_values(&view, summarise));
            cells(&view, summarise, &|v: f32| fmt.format(v))
        }
        Array::F64(x) => {
            let view = x.view();
            let fmt = FloatFormat::new(&corner_values(&view, summarise));
            cells(&view, summarise, &|v: f64| fmt.format(v))
        }
    })
}

// ---------------------------------------------------------------------------
// Layout: NumPy's `_formatArray`, `_extendLine` and `_leading_trailing`.
// ---------------------------------------------------------------------------

/// The values the element formatter is fitted to: all of them, or for a
/// summarised array only the corners that will be printed
/// (`_leading_trailing`).
fn corner_values<T: Copy>(v: &ArrayViewD<'_, T>, summarise: bool) -> Vec<T> {
    if !summarise {
        return v.iter().copied().collect();
    }
    let mut out = Vec::new();
    collect_corners(v, &mut out);
    out
}

fn collect_corners<T: Copy>(v: &ArrayViewD<'_, T>, out: &mut Vec<T>) {
    let n = match v.shape().first() {
        Some(&n) => n,
        None => {
            out.extend(v.iter().copied());
            return;
        }
    };
    for i in shown_indices(n, true) {
        collect_corners(&v.index_axis(Axis(0), i), out);
    }
}

/// Indices along an axis of length `n` that are printed.
fn shown_indices(n: usize, summarise: bool) -> Vec<usize> {
    if summarise && n > 2 * EDGE_ITEMS {
        (0..EDGE_ITEMS).chain(n - EDGE_ITEMS..n).collect()
    } else {
        (0..n).collect()
    }
}

fn format_nd<T: Copy>(v: &ArrayViewD<'_, T>, summarise: bool, f: &dyn Fn(T) -> String) -> String {
    recurse(v, summarise, f, " ", LINE_WIDTH)
}

/// NumPy's `_extendLine` (non-legacy): wrap before `word` if it would pass
/// `width`, unless the line holds nothing but the prefix.
fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, prefix: &str) {
    let needs_wrap = line.len() + word.len() > width && line.len() > prefix.len();
    if needs_wrap {
        s.push_str(line.trim_end_matches(' '));
        s.push('\n');
        line.clear();
        line.push_str(prefix);
    }
    line.push_str(word);
}

/// NumPy's `recurser` inside `_formatArray`, with separator `' '`.
fn recurse<T: Copy>(
    v: &ArrayViewD<'_, T>,
    summarise: bool,
    f: &dyn Fn(T) -> String,
    hanging_indent: &str,
    curr_width: usize,
) -> String {
    let a_len = match v.shape().first() {
        Some(&n) => n,
        None => {
            return match v.iter().next() {
                Some(&x) => f(x),
                None => String::new(),
            }
        }
    };
    if a_len == 0 {
        return "[]".to_string();
    }
    let axes_left = v.ndim();
    let next_hanging_indent = format!("{} ", hanging_indent);
    let next_width = curr_width.saturating_sub(1);
    let show_summary = summarise && 2 * EDGE_ITEMS < a_len;
    let (leading, trailing) = if show_summary {
        (EDGE_ITEMS, EDGE_ITEMS)
    } else {
        (0, a_len)
    };
    let sub = |i: usize| {
        recurse(
            &v.index_axis(Axis(0), i),
            summarise,
            f,
            &next_hanging_indent,
            next_width,
        )
    };

    let mut s = String::new();
    if axes_left == 1 {
        // The width up to the separator or closing bracket.
        let elem_width = curr_width.saturating_sub(1);
        let mut line = hanging_indent.to_string();
        for i in 0..leading {
            extend_line(&mut s, &mut line, &sub(i), elem_width, hanging_indent);
            line.push(' ');
        }
        if show_summary {
            extend_line(&mut s, &mut line, "...", elem_width, hanging_indent);
            line.push(' ');
        }
        for i in (2..=trailing).rev() {
            extend_line(
                &mut s,
                &mut line,
                &sub(a_len - i),
                elem_width,
                hanging_indent,
            );
            line.push(' ');
        }
        extend_line(
            &mut s,
            &mut line,
            &sub(a_len - 1),
            elem_width,
            hanging_indent,
        );
        s.push_str(&line);
    } else {
        let line_sep = "\n".repeat(axes_left - 1);
        for i in 0..leading {
            s.push_str(hanging_indent);
            s.push_str(&sub(i));
            s.push_str(&line_sep);
        }
        if show_summary {
            s.push_str(hanging_indent);
            s.push_str("...");
            s.push_str(&line_sep);
        }
        for i in (2..=trailing).rev() {
            s.push_str(hanging_indent);
            s.push_str(&sub(a_len - i));
            s.push_str(&line_sep);
        }
        s.push_str(hanging_indent);
        s.push_str(&sub(a_len - 1));
    }
    let body = s.strip_prefix(hanging_indent).unwrap_or(&s);
    format!("[{}]", body)
}

// ---------------------------------------------------------------------------
// Integers: NumPy's `IntegerFormat` (right-aligned to the widest element).
// ---------------------------------------------------------------------------

struct IntFormat {
    width: usize,
}

impl IntFormat {
    fn new(data: &[i64]) -> IntFormat {
        let max = data.iter().copied().max();
        let min = data.iter().copied().min();
        let width = match (max, min) {
            (Some(hi), Some(lo)) => hi.to_string().len().max(lo.to_string().len()),
            _ => 0,
        };
        IntFormat { width }
    }

    fn format(&self, x: i64) -> String {
        format!("{:>w$}", x, w = self.width)
    }
}

// ---------------------------------------------------------------------------
// Floats: NumPy's `FloatingFormat` (floatmode 'maxprec', sign '-').
// ---------------------------------------------------------------------------

/// A float decomposed the way Dragon4 wants it: `mantissa * 2^exponent`.
#[derive(Clone, Copy, Debug)]
enum Parts {
    Nan,
    Inf {
        neg: bool,
    },
    Finite {
        neg: bool,
        mantissa: u64,
        exponent: i32,
        mantissa_bit: u32,
        unequal_margins: bool,
    },
}

/// The two float element types.
trait Float: Copy {
    /// The largest absolute value NumPy prints positionally in an array
    /// (`10 ** min(8, finfo.precision)`).
    const EXP_CUTOFF_MAX: f64;
    /// Where NumPy's scalar `str` switches to scientific notation.
    const MAX_POSITIONAL: f64;
    fn parts(self) -> Parts;
    fn is_finite_val(self) -> bool;
    fn to_f64_val(self) -> f64;
    /// NumPy's exponential-format test on the non-zero finite values,
    /// computed in the element type as NumPy does.
    fn needs_exp(finite: &[Self]) -> bool;
}

fn decode(bits: u64, mant_bits: u32, exp_bits: u32, bias: i32) -> Parts {
    let frac = bits & ((1u64 << mant_bits) - 1);
    let biased = ((bits >> mant_bits) & ((1u64 << exp_bits) - 1)) as i32;
    let neg = (bits >> (mant_bits + exp_bits)) & 1 == 1;
    let max_biased = ((1u64 << exp_bits) - 1) as i32;
    if biased == max_biased {
        return if frac == 0 {
            Parts::Inf { neg }
        } else {
            Parts::Nan
        };
    }
    if biased != 0 {
        Parts::Finite {
            neg,
            mantissa: (1u64 << mant_bits) | frac,
            exponent: biased - bias - mant_bits as i32,
            mantissa_bit: mant_bits,
            unequal_margins: biased != 1 && frac == 0,
        }
    } else {
        Parts::Finite {
            neg,
            mantissa: frac,
            exponent: 1 - bias - mant_bits as i32,
            mantissa_bit: 63u32.saturating_sub(frac.leading_zeros()),
            unequal_margins: false,
        }
    }
}

impl Float for f64 {
    const EXP_CUTOFF_MAX: f64 = 1e8;
    const MAX_POSITIONAL: f64 = 1e16;
    fn parts(self) -> Parts {
        decode(self.to_bits(), 52, 11, 1023)
    }
    fn is_finite_val(self) -> bool {
        self.is_finite()
    }
    fn to_f64_val(self) -> f64 {
        self
    }
    fn needs_exp(finite: &[f64]) -> bool {
        let mut nz = finite.iter().filter(|x| **x != 0.0).map(|x| x.abs());
        let first = match nz.next() {
            Some(v) => v,
            None => return false,
        };
        let (mut max, mut min) = (first, first);
        for v in nz {
            max = max.max(v);
            min = min.min(v);
        }
        max >= Self::EXP_CUTOFF_MAX || min < 0.0001 || max / min > 1000.0
    }
}

impl Float for f32 {
    const EXP_CUTOFF_MAX: f64 = 1e6;
    const MAX_POSITIONAL: f64 = 1e6;
    fn parts(self) -> Parts {
        decode(self.to_bits() as u64, 23, 8, 127)
    }
    fn is_finite_val(self) -> bool {
        self.is_finite()
    }
    fn to_f64_val(self) -> f64 {
        self as f64
    }
    fn needs_exp(finite: &[f32]) -> bool {
        let mut nz = finite.iter().filter(|x| **x != 0.0).map(|x| x.abs());
        let first = match nz.next() {
            Some(v) => v,
            None => return false,
        };
        let (mut max, mut min) = (first, first);
        for v in nz {
            max = max.max(v);
            min = min.min(v);
        }
        // NEP 50: the Python floats are weak, so NumPy compares in float32.
        max >= Self::EXP_CUTOFF_MAX as f32 || min < 0.0001f32 || max / min > 1000.0f32
    }
}

/// NumPy's scalar `str` for floats.
fn float_scalar_str<T: Float>(x: T) -> String {
    let p = x.parts();
    match p {
        Parts::Nan => "nan".to_string(),
        Parts::Inf { neg } => if neg { "-inf" } else { "inf" }.to_string(),
        Parts::Finite { .. } => {
            let abs = x.to_f64_val().abs();
            if abs == 0.0 || (abs < T::MAX_POSITIONAL && abs >= 1e-4) {
                positional(p, -1, -1, Trim::LeaveOneZero, -1, -1)
            } else {
                scientific(p, -1, -1, Trim::DptZeros, -1, -1)
            }
        }
    }
}

/// NumPy's `FloatingFormat`, fitted to the data and then applied per element.
struct FloatFormat {
    exp_format: bool,
    precision: i32,
    min_digits: i32,
    trim: Trim,
    pad_left: i64,
    pad_right: i64,
    exp_size: i32,
}

impl FloatFormat {
    fn new<T: Float>(data: &[T]) -> FloatFormat {
        let finite: Vec<T> = data.iter().copied().filter(|x| x.is_finite_val()).collect();
        let exp_format = T::needs_exp(&finite);
        let mut ff = FloatFormat {
            exp_format,
            precision: PRECISION,
            min_digits: -1,
            trim: Trim::Zeros,
            pad_left: 0,
            pad_right: 0,
            exp_size: -1,
        };
        if finite.is_empty() {
            // nothing to measure
        } else if exp_format {
            let mut exp_size = 0usize;
            let mut precision = 0usize;
            let mut pad_left = 0usize;
            for x in &finite {
                let s = scientific(x.parts(), PRECISION, -1, Trim::Zeros, -1, -1);
                let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), ""));
                let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
                exp_size = exp_size.max(exp.len());
                precision = precision.max(frac_part.len());
                pad_left = pad_left.max(int_part.len());
            }
            ff.exp_size = exp_size as i32 - 1;
            ff.trim = Trim::None;
            ff.precision = precision as i32;
            ff.min_digits = precision as i32;
            ff.pad_left = pad_left as i64;
            ff.pad_right = ff.exp_size as i64 + 2 + precision as i64;
        } else {
            let mut pad_left = 0usize;
            let mut pad_right = 0usize;
            for x in &finite {
                let s = positional(x.parts(), PRECISION, -1, Trim::Zeros, -1, -1);
                let (int_part, frac_part) = s.split_once('.').unwrap_or((s.as_str(), ""));
                pad_left = pad_left.max(int_part.len());
                pad_right = pad_right.max(frac_part.len());
            }
            ff.pad_left = pad_left as i64;
            ff.pad_right = pad_right as i64;
            ff.min_digits = 0;
        }
        if finite.len() != data.len() {
            let neginf =
                data.iter()
                    .any(|x| matches!(x.parts(), Parts::Inf { neg: true })) as i64;
            let offset = ff.pad_right + 1;
            ff.pad_left = ff.pad_left.max(3 - offset).max(3 + neginf - offset);
        }
        ff
    }

    fn format<T: Float>(&self, x: T) -> String {
        let p = x.parts();
        let special = match p {
            Parts::Nan => "nan",
            Parts::Inf { neg: true } => "-inf",
            Parts::Inf { neg: false } => "inf",
            Parts::Finite { .. } => "",
        };
        if !special.is_empty() {
            let width = self.pad_left + self.pad_right + 1;
            let pad = (width - special.len() as i64).max(0) as usize;
            return format!("{}{}", " ".repeat(pad), special);
        }
        let pad_left = self.pad_left.clamp(-1, i32::MAX as i64) as i32;
        if self.exp_format {
            scientific(
                p,
                self.precision,
                self.min_digits,
                self.trim,
                pad_left,
                self.exp_size,
            )
        } else {
            let pad_right = self.pad_right.clamp(-1, i32::MAX as i64) as i32;
            positional(
                p,
                self.precision,
                self.min_digits,
                self.trim,
                pad_left,
                pad_right,
            )
        }
    }
}

// ---------------------------------------------------------------------------
// Dragon4: a port of NumPy's `dragon4.c` (unique digit mode).
// ---------------------------------------------------------------------------

/// NumPy's `TrimMode`: `'k'`, `'.'`, `'0'`, `'-'`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trim {
    /// `'k'`: keep trailing zeros and the decimal point.
    None,
    /// `'.'`: trim trailing zeros, keep the decimal point.
    Zeros,
    /// `'0'`: trim trailing zeros but leave one after the point.
    LeaveOneZero,
    /// `'-'`: trim trailing zeros and the decimal point.
    DptZeros,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cutoff {
    Total,
    Fraction,
}

/// A minimal unsigned big integer (little-endian base-2^32 limbs, no
/// high zero limbs).
#[derive(Clone, Debug)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }
    fn pow2(n: u32) -> Big {
        let mut b = Big::from_u64(1);
        b.shl(n);
        b
    }
    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
    fn shl(&mut self, n: u32) {
        if self.is_zero() {
            return;
        }
        let limbs = (n / 32) as usize;
        let bits = n % 32;
        if bits != 0 {
            let mut carry = 0u32;
            for l in self.0.iter_mut() {
                let next = *l >> (32 - bits);
                *l = (*l << bits) | carry;
                carry = next;
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        if limbs > 0 {
            self.0.splice(0..0, std::iter::repeat_n(0u32, limbs));
        }
    }
    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in self.0.iter_mut() {
            let v = *l as u64 * m as u64 + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }
    fn mul_pow10(&mut self, mut n: u32) {
        while n >= 9 {
            self.mul_small(1_000_000_000);
            n -= 9;
        }
        if n > 0 {
            self.mul_small(10u32.pow(n));
        }
    }
    fn add(&self, other: &Big) -> Big {
        let len = self.0.len().max(other.0.len());
        let mut out = Vec::with_capacity(len + 1);
        let mut carry = 0u64;
        for i in 0..len {
            let a = self.0.get(i).copied().unwrap_or(0) as u64;
            let b = other.0.get(i).copied().unwrap_or(0) as u64;
            let v = a + b + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        if carry != 0 {
            out.push(carry as u32);
        }
        let mut b = Big(out);
        b.trim();
        b
    }
    /// `self -= other`; the caller guarantees `self >= other`.
    fn sub_assign(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let b = other.0.get(i).copied().unwrap_or(0) as i64;
            let mut v = *limb as i64 - b - borrow;
            if v < 0 {
                v += 1i64 << 32;
                borrow = 1;
            } else {
                borrow = 0;
            }
            *limb = v as u32;
        }
        self.trim();
    }
    fn cmp(&self, other: &Big) -> Ordering {
        if self.0.len() != other.0.len() {
            return self.0.len().cmp(&other.0.len());
        }
        for (a, b) in self.0.iter().rev().zip(other.0.iter().rev()) {
            if a != b {
                return a.cmp(b);
            }
        }
        Ordering::Equal
    }
}

/// Dragon4 in unique mode: the digits of `mantissa * 2^exponent` and the
/// base-10 exponent of the first digit. `cutoff_max`/`cutoff_min` are
/// NumPy's (`-1` for none).
fn dragon4(
    mantissa: u64,
    exponent: i32,
    mantissa_bit: u32,
    unequal_margins: bool,
    mode: Cutoff,
    cutoff_max: i32,
    cutoff_min: i32,
) -> (Vec<u8>, i32) {
    if mantissa == 0 {
        return (vec![b'0'], 0);
    }
    let is_even = mantissa % 2 == 0;
    let mut value = Big::from_u64(mantissa);
    let mut scale;
    let mut margin_low;
    if unequal_margins {
        if exponent > 0 {
            value.shl(exponent as u32 + 2);
            scale = Big::from_u64(4);
            margin_low = Big::pow2(exponent as u32);
        } else {
            value.shl(2);
            scale = Big::pow2((2 - exponent) as u32);
            margin_low = Big::from_u64(1);
        }
    } else if exponent > 0 {
        value.shl(exponent as u32 + 1);
        scale = Big::from_u64(2);
        margin_low = Big::pow2(exponent as u32);
    } else {
        value.shl(1);
        scale = Big::pow2((1 - exponent) as u32);
        margin_low = Big::from_u64(1);
    }
    // The high margin is twice the low one when the margins are unequal.
    let margin_high = |low: &Big| -> Big {
        if unequal_margins {
            let mut h = low.clone();
            h.shl(1);
            h
        } else {
            low.clone()
        }
    };

    const LOG10_2: f64 = 0.301_029_995_663_981_2;
    let mut digit_exp = (((mantissa_bit as i32 + exponent) as f64) * LOG10_2 - 0.69).ceil() as i32;
    if cutoff_max >= 0 && mode == Cutoff::Fraction && digit_exp <= -cutoff_max {
        digit_exp = -cutoff_max + 1;
    }
    if digit_exp > 0 {
        scale.mul_pow10(digit_exp as u32);
    } else if digit_exp < 0 {
        value.mul_pow10((-digit_exp) as u32);
        margin_low.mul_pow10((-digit_exp) as u32);
    }
    if value.cmp(&scale) != Ordering::Less {
        digit_exp += 1;
    } else {
        value.mul_small(10);
        margin_low.mul_small(10);
    }

    let mut cutoff_max_exp = digit_exp - DRAGON4_BUFFER;
    if cutoff_max >= 0 {
        let desired = match mode {
            Cutoff::Total => digit_exp - cutoff_max,
            Cutoff::Fraction => -cutoff_max,
        };
        cutoff_max_exp = cutoff_max_exp.max(desired);
    }
    let mut cutoff_min_exp = digit_exp;
    if cutoff_min >= 0 {
        let desired = match mode {
            Cutoff::Total => digit_exp - cutoff_min,
            Cutoff::Fraction => -cutoff_min,
        };
        cutoff_min_exp = cutoff_min_exp.min(desired);
    }
    let mut out_exp = digit_exp - 1;

    let mut digits: Vec<u8> = Vec::new();
    let mut digit: u8;
    let (mut low, mut high);
    loop {
        digit_exp -= 1;
        digit = 0;
        while digit < 9 && value.cmp(&scale) != Ordering::Less {
            value.sub_assign(&scale);
            digit += 1;
        }
        let value_high = value.add(&margin_high(&margin_low));
        let c = value.cmp(&margin_low);
        low = if is_even {
            c != Ordering::Greater
        } else {
            c == Ordering::Less
        };
        let c = value_high.cmp(&scale);
        high = if is_even {
            c != Ordering::Less
        } else {
            c == Ordering::Greater
        };
        // `<=` rather than NumPy's `==` only guards termination; the two agree
        // whenever the cutoff lies below the first digit, as it always does.
        if ((low || high) && digit_exp <= cutoff_min_exp) || digit_exp <= cutoff_max_exp {
            break;
        }
        digits.push(b'0' + digit);
        value.mul_small(10);
        margin_low.mul_small(10);
    }

    let mut round_down = low;
    if low == high {
        // Round to the closest digit by comparing the remainder with 0.5;
        // exactly halfway rounds to the even digit.
        value.shl(1);
        round_down = match value.cmp(&scale) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => digit % 2 == 0,
        };
    }
    if round_down {
        digits.push(b'0' + digit);
    } else if digit == 9 {
        loop {
            match digits.pop() {
                None => {
                    digits.push(b'1');
                    out_exp += 1;
                    break;
                }
                Some(d) if d != b'9' => {
                    digits.push(d + 1);
                    break;
                }
                Some(_) => {}
            }
        }
    } else {
        digits.push(b'0' + digit + 1);
    }
    (digits, out_exp)
}

fn push_zeros(s: &mut String, n: i32) {
    for _ in 0..n.max(0) {
        s.push('0');
    }
}

/// NumPy's `FormatPositional` (unique mode, fractional cutoff): `ddd.ddd`.
fn positional(
    p: Parts,
    precision: i32,
    min_digits: i32,
    trim: Trim,
    digits_left: i32,
    digits_right: i32,
) -> String {
    let (neg, mantissa, exponent, mantissa_bit, unequal) = match p {
        Parts::Finite {
            neg,
            mantissa,
            exponent,
            mantissa_bit,
            unequal_margins,
        } => (neg, mantissa, exponent, mantissa_bit, unequal_margins),
        Parts::Nan => return "nan".to_string(),
        Parts::Inf { neg } => return if neg { "-inf" } else { "inf" }.to_string(),
    };
    let (digits, print_exp) = dragon4(
        mantissa,
        exponent,
        mantissa_bit,
        unequal,
        Cutoff::Fraction,
        precision,
        min_digits,
    );
    let num_digits = digits.len() as i32;
    let digits = String::from_utf8_lossy(&digits).into_owned();
    let has_sign = neg as i32;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    let num_whole;
    let mut num_frac;
    if print_exp >= 0 {
        num_whole = print_exp + 1;
        if num_digits <= num_whole {
            s.push_str(&digits);
            push_zeros(&mut s, num_whole - num_digits);
            num_frac = 0;
        } else {
            let (w, fr) = digits.split_at(num_whole as usize);
            s.push_str(w);
            s.push('.');
            s.push_str(fr);
            num_frac = num_digits - num_whole;
        }
    } else {
        let zeros = -(print_exp + 1);
        s.push_str("0.");
        push_zeros(&mut s, zeros);
        s.push_str(&digits);
        num_frac = num_digits + zeros;
        num_whole = 1;
    }
    if trim != Trim::DptZeros && num_frac == 0 {
        s.push('.');
    }
    let desired_frac = min_digits.max(0);
    match trim {
        Trim::LeaveOneZero => {
            if num_frac == 0 {
                s.push('0');
                num_frac += 1;
            }
        }
        Trim::None if desired_frac > num_frac => {
            push_zeros(&mut s, desired_frac - num_frac);
            num_frac = desired_frac;
        }
        _ => {}
    }
    if trim != Trim::None && num_frac > 0 {
        while s.ends_with('0') {
            s.pop();
            num_frac -= 1;
        }
        if s.ends_with('.') {
            match trim {
                Trim::LeaveOneZero => {
                    s.push('0');
                    num_frac += 1;
                }
                Trim::DptZeros => {
                    s.pop();
                }
                _ => {}
            }
        }
    }
    if digits_right >= num_frac {
        if trim == Trim::DptZeros && num_frac == 0 {
            s.push(' ');
        }
        for _ in 0..(digits_right - num_frac) {
            s.push(' ');
        }
    }
    if digits_left > num_whole + has_sign {
        let shift = (digits_left - (num_whole + has_sign)) as usize;
        s.insert_str(0, &" ".repeat(shift));
    }
    s
}

/// NumPy's `FormatScientific` (unique mode): `d.ddde+dd`.
fn scientific(
    p: Parts,
    precision: i32,
    min_digits: i32,
    trim: Trim,
    digits_left: i32,
    exp_digits: i32,
) -> String {
    let (neg, mantissa, exponent, mantissa_bit, unequal) = match p {
        Parts::Finite {
            neg,
            mantissa,
            exponent,
            mantissa_bit,
            unequal_margins,
        } => (neg, mantissa, exponent, mantissa_bit, unequal_margins),
        Parts::Nan => return "nan".to_string(),
        Parts::Inf { neg } => return if neg { "-inf" } else { "inf" }.to_string(),
    };
    let mut s = String::new();
    let leftchars = 1 + neg as i32;
    if digits_left > leftchars {
        s.push_str(&" ".repeat((digits_left - leftchars) as usize));
    }
    if neg {
        s.push('-');
    }
    let cmax = if precision < 0 { -1 } else { precision + 1 };
    let cmin = if min_digits < 0 { -1 } else { min_digits + 1 };
    let (digits, print_exp) = dragon4(
        mantissa,
        exponent,
        mantissa_bit,
        unequal,
        Cutoff::Total,
        cmax,
        cmin,
    );
    let digits = String::from_utf8_lossy(&digits).into_owned();
    let (first, rest) = digits.split_at(digits.len().min(1));
    s.push_str(first);
    let mut num_frac = rest.len() as i32;
    if num_frac > 0 {
        s.push('.');
        s.push_str(rest);
    }
    if trim != Trim::DptZeros && num_frac == 0 {
        s.push('.');
    }
    let add_digits = min_digits.max(0);
    match trim {
        Trim::LeaveOneZero => {
            if num_frac == 0 {
                s.push('0');
                num_frac += 1;
            }
        }
        Trim::None if add_digits > num_frac => {
            push_zeros(&mut s, add_digits - num_frac);
            num_frac = add_digits;
        }
        _ => {}
    }
    if trim != Trim::None && num_frac > 0 {
        while s.ends_with('0') {
            s.pop();
        }
        if trim == Trim::LeaveOneZero && s.ends_with('.') {
            s.push('0');
        }
    }
    let exp_digits = if exp_digits < 0 { 2 } else { exp_digits.min(5) } as usize;
    s.push('e');
    s.push(if print_exp >= 0 { '+' } else { '-' });
    s.push_str(&format!("{:0w$}", print_exp.unsigned_abs(), w = exp_digits));
    s
}

#[cfg(test)]
mod tests {
    // Every expected string below was produced by NumPy 2.4 (`str(a)`, with
    // True/False replaced by true/false).
    use super::*;
    use crate::array::DType;

    fn f64a(shape: &[usize], v: Vec<f64>) -> Array {
        Array::from_vec(shape, v)
    }
    fn f32a(shape: &[usize], v: Vec<f32>) -> Array {
        Array::from_vec(shape, v)
    }
    fn i64a(shape: &[usize], v: Vec<i64>) -> Array {
        Array::from_vec(shape, v)
    }
    fn boola(shape: &[usize], v: Vec<bool>) -> Array {
        Array::from_vec(shape, v)
    }
    fn i64_range(n: i64) -> Array {
        i64a(&[n as usize], (0..n).collect())
    }
    fn f64_range(n: i64) -> Array {
        f64a(&[n as usize], (0..n).map(|i| i as f64).collect())
    }
    fn f32_range(n: i64) -> Array {
        f32a(&[n as usize], (0..n).map(|i| i as f32).collect())
    }

    trait TestExt {
        fn reshaped(self, shape: &[usize]) -> Array;
        fn map_f64(self, f: impl Fn(f64) -> f64) -> Array;
        fn map_f32(self, f: impl Fn(f32) -> f32) -> Array;
        fn map_i64(self, f: impl Fn(i64) -> i64) -> Array;
    }
    impl TestExt for Array {
        fn reshaped(self, shape: &[usize]) -> Array {
            self.reshape(shape).unwrap()
        }
        fn map_f64(self, f: impl Fn(f64) -> f64) -> Array {
            match self {
                Array::F64(a) => Array::F64(a.map(|&x| f(x)).into_shared()),
                _ => panic!("not f64"),
            }
        }
        fn map_f32(self, f: impl Fn(f32) -> f32) -> Array {
            match self {
                Array::F32(a) => Array::F32(a.map(|&x| f(x)).into_shared()),
                _ => panic!("not f32"),
            }
        }
        fn map_i64(self, f: impl Fn(i64) -> i64) -> Array {
            match self {
                Array::I64(a) => Array::I64(a.map(|&x| f(x)).into_shared()),
                _ => panic!("not i64"),
            }
        }
    }

    fn check(a: &Array, want: &str) {
        let got = format_array(a);
        assert_eq!(
            got, want,
            "\n--- got ---\n{}\n--- want ---\n{}\n",
            got, want
        );
    }

    #[test]
    fn ints() {
        check(&i64a(&[3], vec![1, 2, 3]), "[1 2 3]");
        check(&i64a(&[3], vec![-1, 10, -100]), "[  -1   10 -100]");
        check(&i64a(&[1], vec![0]), "[0]");
        check(
            &i64a(&[3], vec![-9223372036854775808, 0, 9223372036854775807]),
            "[-9223372036854775808                    0  9223372036854775807]",
        );
        check(
            &i64a(&[2, 3], vec![0, 1, 2, 3, 4, 5]),
            "[[0 1 2]\n [3 4 5]]",
        );
        check(
            &i64a(&[2, 2], vec![1, -20, 300, 4]),
            "[[  1 -20]\n [300   4]]",
        );
    }

    #[test]
    fn floats() {
        check(&f64a(&[3], vec![1.0, 2.0, 3.0]), "[1. 2. 3.]");
        check(&f64a(&[2], vec![1.5, 2.25]), "[1.5  2.25]");
        check(&f64a(&[3], vec![-1.5, 2.0, 0.25]), "[-1.5   2.    0.25]");
        check(
            &f64a(&[3], vec![0.1, 0.2, 0.30000000000000004]),
            "[0.1 0.2 0.3]",
        );
        check(
            &f64a(&[3], vec![3.14159265358979, 2.718281828459045, 1.0]),
            "[3.14159265 2.71828183 1.        ]",
        );
        check(
            &f64a(&[2], vec![0.123456785, 0.5]),
            "[0.12345678 0.5       ]",
        );
        check(&f64a(&[2], vec![0.999999999, 1.5]), "[1.  1.5]");
        check(
            &f64a(&[2], vec![1000.5, -0.001]),
            "[ 1.0005e+03 -1.0000e-03]",
        );
        check(
            &f64a(&[2], vec![99999999.0, 1.0]),
            "[9.9999999e+07 1.0000000e+00]",
        );
        check(
            &f64a(&[2, 2], vec![1.5, -2.0, 0.0, 100.125]),
            "[[  1.5    -2.   ]\n [  0.    100.125]]",
        );
        check(&f64a(&[2], vec![0.0, 0.0]), "[0. 0.]");
    }

    #[test]
    fn nonfinite() {
        check(
            &f64a(&[4], vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5]),
            "[ nan  inf -inf  1.5]",
        );
        check(&f64a(&[2], vec![f64::NAN, 1.0]), "[nan  1.]");
        check(&f64a(&[2], vec![f64::NAN, f64::NAN]), "[nan nan]");
        check(
            &f64a(&[2], vec![f64::INFINITY, f64::NEG_INFINITY]),
            "[ inf -inf]",
        );
        check(&f64a(&[2], vec![f64::INFINITY, 2.5]), "[inf 2.5]");
        check(
            &f64a(&[3], vec![f64::NEG_INFINITY, 1e-05, 100.0]),
            "[  -inf 1.e-05 1.e+02]",
        );
        check(
            &f64a(&[2, 2], vec![f64::NAN, 1.25, f64::NEG_INFINITY, 1000.0]),
            "[[    nan    1.25]\n [   -inf 1000.  ]]",
        );
    }

    #[test]
    fn negzero() {
        check(&f64a(&[1], vec![-0.0]), "[-0.]");
        check(&f64a(&[2], vec![-0.0, 0.0]), "[-0.  0.]");
        check(&f64a(&[2], vec![-0.0, 1.5]), "[-0.   1.5]");
        check(&f64a(&[2], vec![-0.0, 1e-05]), "[-0.e+00  1.e-05]");
    }

    #[test]
    fn sci() {
        check(&f64a(&[2], vec![1e-05, 1.0]), "[1.e-05 1.e+00]");
        check(
            &f64a(&[2], vec![12345678900.0, 1.0]),
            "[1.23456789e+10 1.00000000e+00]",
        );
        check(&f64a(&[2], vec![1e+16, 1.0]), "[1.e+16 1.e+00]");
        check(&f64a(&[2], vec![100000000.0, 1.0]), "[1.e+08 1.e+00]");
        check(&f64a(&[2], vec![10000000.0, 1.0]), "[1.e+07 1.e+00]");
        check(&f64a(&[2], vec![12345.0, 1.5]), "[1.2345e+04 1.5000e+00]");
        check(
            &f64a(&[3], vec![1.5e-07, -0.0025, 0.0]),
            "[ 1.5e-07 -2.5e-03  0.0e+00]",
        );
        check(
            &f64a(&[3], vec![1e+300, 1e-300, -1.0]),
            "[ 1.e+300  1.e-300 -1.e+000]",
        );
        check(
            &f64a(&[3], vec![1e+100, 1.0, f64::NAN]),
            "[1.e+100 1.e+000     nan]",
        );
        check(&f64a(&[2], vec![5e-324, 1e-310]), "[5.e-324 1.e-310]");
        check(
            &f64a(&[3], vec![1e-05, f64::NAN, f64::NEG_INFINITY]),
            "[1.e-05    nan   -inf]",
        );
        check(
            &f64a(&[2, 2], vec![1e-10, 2.0, 3.0, 40000000000.0]),
            "[[1.e-10 2.e+00]\n [3.e+00 4.e+10]]",
        );
    }

    #[test]
    fn float32() {
        check(&f32a(&[3], vec![0.1, 0.2, 0.3]), "[0.1 0.2 0.3]");
        check(&f32a(&[3], vec![1.0, 2.5, -3.0]), "[ 1.   2.5 -3. ]");
        check(&f32a(&[2], vec![1e+06, 1.0]), "[1.e+06 1.e+00]");
        check(
            &f32a(&[2], vec![999999.0, 1.0]),
            "[9.99999e+05 1.00000e+00]",
        );
        check(
            &f32a(&[2], vec![0.1, 1.2345678e-05]),
            "[1.0000000e-01 1.2345678e-05]",
        );
        check(
            &f32a(&[2], vec![3.4028235e+38, 1e-45]),
            "[3.4028235e+38 1.4012985e-45]",
        );
        check(
            &f32a(&[3], vec![f32::NAN, f32::INFINITY, 1.1]),
            "[nan inf 1.1]",
        );
        check(
            &f32a(&[2], vec![3.1415927, 2.7182817]),
            "[3.1415927 2.7182817]",
        );
        check(&f32_range(12).map_f32(|x| x / 7.0).reshaped(&[3, 4]), "[[0.         0.14285715 0.2857143  0.42857143]\n [0.5714286  0.71428573 0.85714287 1.        ]\n [1.1428572  1.2857143  1.4285715  1.5714285 ]]");
    }

    #[test]
    fn bools() {
        check(&boola(&[2], vec![true, false]), "[ true false]");
        check(&boola(&[2], vec![true, true]), "[ true  true]");
        check(&boola(&[1], vec![false]), "[false]");
        check(
            &boola(&[2, 3], vec![true, false, true, false, false, true]),
            "[[ true false  true]\n [false false  true]]",
        );
    }

    #[test]
    fn empty() {
        check(&f64a(&[0], vec![]), "[]");
        check(&i64a(&[0], vec![]), "[]");
        check(&Array::zeros(&[1, 0], DType::F64).unwrap(), "[]");
        check(&Array::zeros(&[2, 0], DType::F64).unwrap(), "[]");
        check(&Array::zeros(&[2, 3, 0], DType::Bool).unwrap(), "[]");
        check(&Array::zeros(&[0, 5], DType::F32).unwrap(), "[]");
    }

    #[test]
    fn nd() {
        check(
            &i64_range(6).reshaped(&[2, 1, 3]),
            "[[[0 1 2]]\n\n [[3 4 5]]]",
        );
        check(
            &f64_range(6).map_f64(|x| x * 0.5).reshaped(&[2, 1, 3]),
            "[[[0.  0.5 1. ]]\n\n [[1.5 2.  2.5]]]",
        );
        check(&i64_range(24).reshaped(&[2, 3, 4]), "[[[ 0  1  2  3]\n  [ 4  5  6  7]\n  [ 8  9 10 11]]\n\n [[12 13 14 15]\n  [16 17 18 19]\n  [20 21 22 23]]]");
        check(&f64_range(16).reshaped(&[2, 2, 2, 2]), "[[[[ 0.  1.]\n   [ 2.  3.]]\n\n  [[ 4.  5.]\n   [ 6.  7.]]]\n\n\n [[[ 8.  9.]\n   [10. 11.]]\n\n  [[12. 13.]\n   [14. 15.]]]]");
        check(&f64a(&[1, 1, 1, 1], vec![1.0]), "[[[[1.]]]]");
        check(
            &i64_range(6).reshaped(&[2, 3]).transpose(),
            "[[0 3]\n [1 4]\n [2 5]]",
        );
        check(&boola(&[2, 1], vec![true, false]), "[[ true]\n [false]]");
    }

    #[test]
    fn wrap() {
        check(&f64_range(30).map_f64(|x| x * 1.5), "[ 0.   1.5  3.   4.5  6.   7.5  9.  10.5 12.  13.5 15.  16.5 18.  19.5\n 21.  22.5 24.  25.5 27.  28.5 30.  31.5 33.  34.5 36.  37.5 39.  40.5\n 42.  43.5]");
        check(&i64_range(100), "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47\n 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71\n 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95\n 96 97 98 99]");
        check(&i64_range(26).map_i64(|x| x * 11), "[  0  11  22  33  44  55  66  77  88  99 110 121 132 143 154 165 176 187\n 198 209 220 231 242 253 264 275]");
        check(&i64_range(25).map_i64(|x| x * 11), "[  0  11  22  33  44  55  66  77  88  99 110 121 132 143 154 165 176 187\n 198 209 220 231 242 253 264]");
        check(&f64_range(200).reshaped(&[4, 50]), "[[  0.   1.   2.   3.   4.   5.   6.   7.   8.   9.  10.  11.  12.  13.\n   14.  15.  16.  17.  18.  19.  20.  21.  22.  23.  24.  25.  26.  27.\n   28.  29.  30.  31.  32.  33.  34.  35.  36.  37.  38.  39.  40.  41.\n   42.  43.  44.  45.  46.  47.  48.  49.]\n [ 50.  51.  52.  53.  54.  55.  56.  57.  58.  59.  60.  61.  62.  63.\n   64.  65.  66.  67.  68.  69.  70.  71.  72.  73.  74.  75.  76.  77.\n   78.  79.  80.  81.  82.  83.  84.  85.  86.  87.  88.  89.  90.  91.\n   92.  93.  94.  95.  96.  97.  98.  99.]\n [100. 101. 102. 103. 104. 105. 106. 107. 108. 109. 110. 111. 112. 113.\n  114. 115. 116. 117. 118. 119. 120. 121. 122. 123. 124. 125. 126. 127.\n  128. 129. 130. 131. 132. 133. 134. 135. 136. 137. 138. 139. 140. 141.\n  142. 143. 144. 145. 146. 147. 148. 149.]\n [150. 151. 152. 153. 154. 155. 156. 157. 158. 159. 160. 161. 162. 163.\n  164. 165. 166. 167. 168. 169. 170. 171. 172. 173. 174. 175. 176. 177.\n  178. 179. 180. 181. 182. 183. 184. 185. 186. 187. 188. 189. 190. 191.\n  192. 193. 194. 195. 196. 197. 198. 199.]]");
        check(&f64_range(60).map_f64(|x| x / 7.0).reshaped(&[2, 3, 10]), "[[[0.         0.14285714 0.28571429 0.42857143 0.57142857 0.71428571\n   0.85714286 1.         1.14285714 1.28571429]\n  [1.42857143 1.57142857 1.71428571 1.85714286 2.         2.14285714\n   2.28571429 2.42857143 2.57142857 2.71428571]\n  [2.85714286 3.         3.14285714 3.28571429 3.42857143 3.57142857\n   3.71428571 3.85714286 4.         4.14285714]]\n\n [[4.28571429 4.42857143 4.57142857 4.71428571 4.85714286 5.\n   5.14285714 5.28571429 5.42857143 5.57142857]\n  [5.71428571 5.85714286 6.         6.14285714 6.28571429 6.42857143\n   6.57142857 6.71428571 6.85714286 7.        ]\n  [7.14285714 7.28571429 7.42857143 7.57142857 7.71428571 7.85714286\n   8.         8.14285714 8.28571429 8.42857143]]]");
        check(&boola(&[30], (0..30).map(|i| i % 2 == 0).collect()), "[ true false  true false  true false  true false  true false  true false\n  true false  true false  true false  true false  true false  true false\n  true false  true false  true false]");
    }

    #[test]
    fn summary() {
        check(&i64_range(2000).reshaped(&[40, 50]), "[[   0    1    2 ...   47   48   49]\n [  50   51   52 ...   97   98   99]\n [ 100  101  102 ...  147  148  149]\n ...\n [1850 1851 1852 ... 1897 1898 1899]\n [1900 1901 1902 ... 1947 1948 1949]\n [1950 1951 1952 ... 1997 1998 1999]]");
        check(&i64_range(3000).reshaped(&[10, 15, 20]), "[[[   0    1    2 ...   17   18   19]\n  [  20   21   22 ...   37   38   39]\n  [  40   41   42 ...   57   58   59]\n  ...\n  [ 240  241  242 ...  257  258  259]\n  [ 260  261  262 ...  277  278  279]\n  [ 280  281  282 ...  297  298  299]]\n\n [[ 300  301  302 ...  317  318  319]\n  [ 320  321  322 ...  337  338  339]\n  [ 340  341  342 ...  357  358  359]\n  ...\n  [ 540  541  542 ...  557  558  559]\n  [ 560  561  562 ...  577  578  579]\n  [ 580  581  582 ...  597  598  599]]\n\n [[ 600  601  602 ...  617  618  619]\n  [ 620  621  622 ...  637  638  639]\n  [ 640  641  642 ...  657  658  659]\n  ...\n  [ 840  841  842 ...  857  858  859]\n  [ 860  861  862 ...  877  878  879]\n  [ 880  881  882 ...  897  898  899]]\n\n ...\n\n [[2100 2101 2102 ... 2117 2118 2119]\n  [2120 2121 2122 ... 2137 2138 2139]\n  [2140 2141 2142 ... 2157 2158 2159]\n  ...\n  [2340 2341 2342 ... 2357 2358 2359]\n  [2360 2361 2362 ... 2377 2378 2379]\n  [2380 2381 2382 ... 2397 2398 2399]]\n\n [[2400 2401 2402 ... 2417 2418 2419]\n  [2420 2421 2422 ... 2437 2438 2439]\n  [2440 2441 2442 ... 2457 2458 2459]\n  ...\n  [2640 2641 2642 ... 2657 2658 2659]\n  [2660 2661 2662 ... 2677 2678 2679]\n  [2680 2681 2682 ... 2697 2698 2699]]\n\n [[2700 2701 2702 ... 2717 2718 2719]\n  [2720 2721 2722 ... 2737 2738 2739]\n  [2740 2741 2742 ... 2757 2758 2759]\n  ...\n  [2940 2941 2942 ... 2957 2958 2959]\n  [2960 2961 2962 ... 2977 2978 2979]\n  [2980 2981 2982 ... 2997 2998 2999]]]");
        check(&i64_range(1001), "[   0    1    2 ...  998  999 1000]");
        check(&i64_range(1000), "[  0   1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17\n  18  19  20  21  22  23  24  25  26  27  28  29  30  31  32  33  34  35\n  36  37  38  39  40  41  42  43  44  45  46  47  48  49  50  51  52  53\n  54  55  56  57  58  59  60  61  62  63  64  65  66  67  68  69  70  71\n  72  73  74  75  76  77  78  79  80  81  82  83  84  85  86  87  88  89\n  90  91  92  93  94  95  96  97  98  99 100 101 102 103 104 105 106 107\n 108 109 110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125\n 126 127 128 129 130 131 132 133 134 135 136 137 138 139 140 141 142 143\n 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159 160 161\n 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179\n 180 181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197\n 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215\n 216 217 218 219 220 221 222 223 224 225 226 227 228 229 230 231 232 233\n 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251\n 252 253 254 255 256 257 258 259 260 261 262 263 264 265 266 267 268 269\n 270 271 272 273 274 275 276 277 278 279 280 281 282 283 284 285 286 287\n 288 289 290 291 292 293 294 295 296 297 298 299 300 301 302 303 304 305\n 306 307 308 309 310 311 312 313 314 315 316 317 318 319 320 321 322 323\n 324 325 326 327 328 329 330 331 332 333 334 335 336 337 338 339 340 341\n 342 343 344 345 346 347 348 349 350 351 352 353 354 355 356 357 358 359\n 360 361 362 363 364 365 366 367 368 369 370 371 372 373 374 375 376 377\n 378 379 380 381 382 383 384 385 386 387 388 389 390 391 392 393 394 395\n 396 397 398 399 400 401 402 403 404 405 406 407 408 409 410 411 412 413\n 414 415 416 417 418 419 420 421 422 423 424 425 426 427 428 429 430 431\n 432 433 434 435 436 437 438 439 440 441 442 443 444 445 446 447 448 449\n 450 451 452 453 454 455 456 457 458 459 460 461 462 463 464 465 466 467\n 468 469 470 471 472 473 474 475 476 477 478 479 480 481 482 483 484 485\n 486 487 488 489 490 491 492 493 494 495 496 497 498 499 500 501 502 503\n 504 505 506 507 508 509 510 511 512 513 514 515 516 517 518 519 520 521\n 522 523 524 525 526 527 528 529 530 531 532 533 534 535 536 537 538 539\n 540 541 542 543 544 545 546 547 548 549 550 551 552 553 554 555 556 557\n 558 559 560 561 562 563 564 565 566 567 568 569 570 571 572 573 574 575\n 576 577 578 579 580 581 582 583 584 585 586 587 588 589 590 591 592 593\n 594 595 596 597 598 599 600 601 602 603 604 605 606 607 608 609 610 611\n 612 613 614 615 616 617 618 619 620 621 622 623 624 625 626 627 628 629\n 630 631 632 633 634 635 636 637 638 639 640 641 642 643 644 645 646 647\n 648 649 650 651 652 653 654 655 656 657 658 659 660 661 662 663 664 665\n 666 667 668 669 670 671 672 673 674 675 676 677 678 679 680 681 682 683\n 684 685 686 687 688 689 690 691 692 693 694 695 696 697 698 699 700 701\n 702 703 704 705 706 707 708 709 710 711 712 713 714 715 716 717 718 719\n 720 721 722 723 724 725 726 727 728 729 730 731 732 733 734 735 736 737\n 738 739 740 741 742 743 744 745 746 747 748 749 750 751 752 753 754 755\n 756 757 758 759 760 761 762 763 764 765 766 767 768 769 770 771 772 773\n 774 775 776 777 778 779 780 781 782 783 784 785 786 787 788 789 790 791\n 792 793 794 795 796 797 798 799 800 801 802 803 804 805 806 807 808 809\n 810 811 812 813 814 815 816 817 818 819 820 821 822 823 824 825 826 827\n 828 829 830 831 832 833 834 835 836 837 838 839 840 841 842 843 844 845\n 846 847 848 849 850 851 852 853 854 855 856 857 858 859 860 861 862 863\n 864 865 866 867 868 869 870 871 872 873 874 875 876 877 878 879 880 881\n 882 883 884 885 886 887 888 889 890 891 892 893 894 895 896 897 898 899\n 900 901 902 903 904 905 906 907 908 909 910 911 912 913 914 915 916 917\n 918 919 920 921 922 923 924 925 926 927 928 929 930 931 932 933 934 935\n 936 937 938 939 940 941 942 943 944 945 946 947 948 949 950 951 952 953\n 954 955 956 957 958 959 960 961 962 963 964 965 966 967 968 969 970 971\n 972 973 974 975 976 977 978 979 980 981 982 983 984 985 986 987 988 989\n 990 991 992 993 994 995 996 997 998 999]");
        check(&f64_range(2000).map_f64(|x| x / 3.0), "[0.00000000e+00 3.33333333e-01 6.66666667e-01 ... 6.65666667e+02\n 6.66000000e+02 6.66333333e+02]");
        check(&f64_range(2000).map_f64(|x| x / 3.0).reshaped(&[10, 200]), "[[0.00000000e+00 3.33333333e-01 6.66666667e-01 ... 6.56666667e+01\n  6.60000000e+01 6.63333333e+01]\n [6.66666667e+01 6.70000000e+01 6.73333333e+01 ... 1.32333333e+02\n  1.32666667e+02 1.33000000e+02]\n [1.33333333e+02 1.33666667e+02 1.34000000e+02 ... 1.99000000e+02\n  1.99333333e+02 1.99666667e+02]\n ...\n [4.66666667e+02 4.67000000e+02 4.67333333e+02 ... 5.32333333e+02\n  5.32666667e+02 5.33000000e+02]\n [5.33333333e+02 5.33666667e+02 5.34000000e+02 ... 5.99000000e+02\n  5.99333333e+02 5.99666667e+02]\n [6.00000000e+02 6.00333333e+02 6.00666667e+02 ... 6.65666667e+02\n  6.66000000e+02 6.66333333e+02]]");
        check(&f64_range(2000).reshaped(&[2000, 1]), "[[0.000e+00]\n [1.000e+00]\n [2.000e+00]\n ...\n [1.997e+03]\n [1.998e+03]\n [1.999e+03]]");
        check(&i64_range(1024).reshaped(&[4, 4, 4, 4, 4]), "[[[[[   0    1    2    3]\n    [   4    5    6    7]\n    [   8    9   10   11]\n    [  12   13   14   15]]\n\n   [[  16   17   18   19]\n    [  20   21   22   23]\n    [  24   25   26   27]\n    [  28   29   30   31]]\n\n   [[  32   33   34   35]\n    [  36   37   38   39]\n    [  40   41   42   43]\n    [  44   45   46   47]]\n\n   [[  48   49   50   51]\n    [  52   53   54   55]\n    [  56   57   58   59]\n    [  60   61   62   63]]]\n\n\n  [[[  64   65   66   67]\n    [  68   69   70   71]\n    [  72   73   74   75]\n    [  76   77   78   79]]\n\n   [[  80   81   82   83]\n    [  84   85   86   87]\n    [  88   89   90   91]\n    [  92   93   94   95]]\n\n   [[  96   97   98   99]\n    [ 100  101  102  103]\n    [ 104  105  106  107]\n    [ 108  109  110  111]]\n\n   [[ 112  113  114  115]\n    [ 116  117  118  119]\n    [ 120  121  122  123]\n    [ 124  125  126  127]]]\n\n\n  [[[ 128  129  130  131]\n    [ 132  133  134  135]\n    [ 136  137  138  139]\n    [ 140  141  142  143]]\n\n   [[ 144  145  146  147]\n    [ 148  149  150  151]\n    [ 152  153  154  155]\n    [ 156  157  158  159]]\n\n   [[ 160  161  162  163]\n    [ 164  165  166  167]\n    [ 168  169  170  171]\n    [ 172  173  174  175]]\n\n   [[ 176  177  178  179]\n    [ 180  181  182  183]\n    [ 184  185  186  187]\n    [ 188  189  190  191]]]\n\n\n  [[[ 192  193  194  195]\n    [ 196  197  198  199]\n    [ 200  201  202  203]\n    [ 204  205  206  207]]\n\n   [[ 208  209  210  211]\n    [ 212  213  214  215]\n    [ 216  217  218  219]\n    [ 220  221  222  223]]\n\n   [[ 224  225  226  227]\n    [ 228  229  230  231]\n    [ 232  233  234  235]\n    [ 236  237  238  239]]\n\n   [[ 240  241  242  243]\n    [ 244  245  246  247]\n    [ 248  249  250  251]\n    [ 252  253  254  255]]]]\n\n\n\n [[[[ 256  257  258  259]\n    [ 260  261  262  263]\n    [ 264  265  266  267]\n    [ 268  269  270  271]]\n\n   [[ 272  273  274  275]\n    [ 276  277  278  279]\n    [ 280  281  282  283]\n    [ 284  285  286  287]]\n\n   [[ 288  289  290  291]\n    [ 292  293  294  295]\n    [ 296  297  298  299]\n    [ 300  301  302  303]]\n\n   [[ 304  305  306  307]\n    [ 308  309  310  311]\n    [ 312  313  314  315]\n    [ 316  317  318  319]]]\n\n\n  [[[ 320  321  322  323]\n    [ 324  325  326  327]\n    [ 328  329  330  331]\n    [ 332  333  334  335]]\n\n   [[ 336  337  338  339]\n    [ 340  341  342  343]\n    [ 344  345  346  347]\n    [ 348  349  350  351]]\n\n   [[ 352  353  354  355]\n    [ 356  357  358  359]\n    [ 360  361  362  363]\n    [ 364  365  366  367]]\n\n   [[ 368  369  370  371]\n    [ 372  373  374  375]\n    [ 376  377  378  379]\n    [ 380  381  382  383]]]\n\n\n  [[[ 384  385  386  387]\n    [ 388  389  390  391]\n    [ 392  393  394  395]\n    [ 396  397  398  399]]\n\n   [[ 400  401  402  403]\n    [ 404  405  406  407]\n    [ 408  409  410  411]\n    [ 412  413  414  415]]\n\n   [[ 416  417  418  419]\n    [ 420  421  422  423]\n    [ 424  425  426  427]\n    [ 428  429  430  431]]\n\n   [[ 432  433  434  435]\n    [ 436  437  438  439]\n    [ 440  441  442  443]\n    [ 444  445  446  447]]]\n\n\n  [[[ 448  449  450  451]\n    [ 452  453  454  455]\n    [ 456  457  458  459]\n    [ 460  461  462  463]]\n\n   [[ 464  465  466  467]\n    [ 468  469  470  471]\n    [ 472  473  474  475]\n    [ 476  477  478  479]]\n\n   [[ 480  481  482  483]\n    [ 484  485  486  487]\n    [ 488  489  490  491]\n    [ 492  493  494  495]]\n\n   [[ 496  497  498  499]\n    [ 500  501  502  503]\n    [ 504  505  506  507]\n    [ 508  509  510  511]]]]\n\n\n\n [[[[ 512  513  514  515]\n    [ 516  517  518  519]\n    [ 520  521  522  523]\n    [ 524  525  526  527]]\n\n   [[ 528  529  530  531]\n    [ 532  533  534  535]\n    [ 536  537  538  539]\n    [ 540  541  542  543]]\n\n   [[ 544  545  546  547]\n    [ 548  549  550  551]\n    [ 552  553  554  555]\n    [ 556  557  558  559]]\n\n   [[ 560  561  562  563]\n    [ 564  565  566  567]\n    [ 568  569  570  571]\n    [ 572  573  574  575]]]\n\n\n  [[[ 576  577  578  579]\n    [ 580  581  582  583]\n    [ 584  585  586  587]\n    [ 588  589  590  591]]\n\n   [[ 592  593  594  595]\n    [ 596  597  598  599]\n    [ 600  601  602  603]\n    [ 604  605  606  607]]\n\n   [[ 608  609  610  611]\n    [ 612  613  614  615]\n    [ 616  617  618  619]\n    [ 620  621  622  623]]\n\n   [[ 624  625  626  627]\n    [ 628  629  630  631]\n    [ 632  633  634  635]\n    [ 636  637  638  639]]]\n\n\n  [[[ 640  641  642  643]\n    [ 644  645  646  647]\n    [ 648  649  650  651]\n    [ 652  653  654  655]]\n\n   [[ 656  657  658  659]\n    [ 660  661  662  663]\n    [ 664  665  666  667]\n    [ 668  669  670  671]]\n\n   [[ 672  673  674  675]\n    [ 676  677  678  679]\n    [ 680  681  682  683]\n    [ 684  685  686  687]]\n\n   [[ 688  689  690  691]\n    [ 692  693  694  695]\n    [ 696  697  698  699]\n    [ 700  701  702  703]]]\n\n\n  [[[ 704  705  706  707]\n    [ 708  709  710  711]\n    [ 712  713  714  715]\n    [ 716  717  718  719]]\n\n   [[ 720  721  722  723]\n    [ 724  725  726  727]\n    [ 728  729  730  731]\n    [ 732  733  734  735]]\n\n   [[ 736  737  738  739]\n    [ 740  741  742  743]\n    [ 744  745  746  747]\n    [ 748  749  750  751]]\n\n   [[ 752  753  754  755]\n    [ 756  757  758  759]\n    [ 760  761  762  763]\n    [ 764  765  766  767]]]]\n\n\n\n [[[[ 768  769  770  771]\n    [ 772  773  774  775]\n    [ 776  777  778  779]\n    [ 780  781  782  783]]\n\n   [[ 784  785  786  787]\n    [ 788  789  790  791]\n    [ 792  793  794  795]\n    [ 796  797  798  799]]\n\n   [[ 800  801  802  803]\n    [ 804  805  806  807]\n    [ 808  809  810  811]\n    [ 812  813  814  815]]\n\n   [[ 816  817  818  819]\n    [ 820  821  822  823]\n    [ 824  825  826  827]\n    [ 828  829  830  831]]]\n\n\n  [[[ 832  833  834  835]\n    [ 836  837  838  839]\n    [ 840  841  842  843]\n    [ 844  845  846  847]]\n\n   [[ 848  849  850  851]\n    [ 852  853  854  855]\n    [ 856  857  858  859]\n    [ 860  861  862  863]]\n\n   [[ 864  865  866  867]\n    [ 868  869  870  871]\n    [ 872  873  874  875]\n    [ 876  877  878  879]]\n\n   [[ 880  881  882  883]\n    [ 884  885  886  887]\n    [ 888  889  890  891]\n    [ 892  893  894  895]]]\n\n\n  [[[ 896  897  898  899]\n    [ 900  901  902  903]\n    [ 904  905  906  907]\n    [ 908  909  910  911]]\n\n   [[ 912  913  914  915]\n    [ 916  917  918  919]\n    [ 920  921  922  923]\n    [ 924  925  926  927]]\n\n   [[ 928  929  930  931]\n    [ 932  933  934  935]\n    [ 936  937  938  939]\n    [ 940  941  942  943]]\n\n   [[ 944  945  946  947]\n    [ 948  949  950  951]\n    [ 952  953  954  955]\n    [ 956  957  958  959]]]\n\n\n  [[[ 960  961  962  963]\n    [ 964  965  966  967]\n    [ 968  969  970  971]\n    [ 972  973  974  975]]\n\n   [[ 976  977  978  979]\n    [ 980  981  982  983]\n    [ 984  985  986  987]\n    [ 988  989  990  991]]\n\n   [[ 992  993  994  995]\n    [ 996  997  998  999]\n    [1000 1001 1002 1003]\n    [1004 1005 1006 1007]]\n\n   [[1008 1009 1010 1011]\n    [1012 1013 1014 1015]\n    [1016 1017 1018 1019]\n    [1020 1021 1022 1023]]]]]");
        check(
            &f64_range(1500).map_f64(|x| x * 1e-7),
            "[0.000e+00 1.000e-07 2.000e-07 ... 1.497e-04 1.498e-04 1.499e-04]",
        );
        check(
            &boola(&[1500], (0..1500).map(|i| i % 2 == 0).collect()),
            "[ true false  true ... false  true false]",
        );
    }

    #[test]
    fn zerod() {
        check(&f64a(&[], vec![2.5]), "2.5");
        check(&f64a(&[], vec![-0.0]), "-0.0");
        check(&f64a(&[], vec![1e+16]), "1e+16");
        check(&i64a(&[], vec![7]), "7");
        check(&boola(&[], vec![true]), "true");
        check(&f32a(&[], vec![0.1]), "0.1");
        check(&f64a(&[], vec![f64::NAN]), "nan");
        check(&f64a(&[], vec![f64::NEG_INFINITY]), "-inf");
        check(&f32a(&[], vec![1e+06]), "1e+06");
    }

    #[test]
    fn scalars() {
        assert_eq!(format_scalar(Scalar::I64(3)), "3");
        assert_eq!(format_scalar(Scalar::I64(-42)), "-42");
        assert_eq!(format_scalar(Scalar::Bool(true)), "true");
        assert_eq!(format_scalar(Scalar::Bool(false)), "false");
        assert_eq!(format_scalar(Scalar::F64(2.5)), "2.5");
        assert_eq!(format_scalar(Scalar::F64(1.0)), "1.0");
        assert_eq!(format_scalar(Scalar::F64(-0.0)), "-0.0");
        assert_eq!(format_scalar(Scalar::F64(0.0)), "0.0");
        assert_eq!(format_scalar(Scalar::F64(1e+16)), "1e+16");
        assert_eq!(format_scalar(Scalar::F64(1e-05)), "1e-05");
        assert_eq!(format_scalar(Scalar::F64(0.0001)), "0.0001");
        assert_eq!(format_scalar(Scalar::F64(f64::NAN)), "nan");
        assert_eq!(format_scalar(Scalar::F64(f64::INFINITY)), "inf");
        assert_eq!(format_scalar(Scalar::F64(f64::NEG_INFINITY)), "-inf");
        assert_eq!(format_scalar(Scalar::F64(123456789.0)), "123456789.0");
        assert_eq!(format_scalar(Scalar::F64(0.1)), "0.1");
        assert_eq!(format_scalar(Scalar::F64(1e+22)), "1e+22");
        assert_eq!(format_scalar(Scalar::F64(1.5e-07)), "1.5e-07");
        assert_eq!(
            format_scalar(Scalar::F64(9999999999999998.0)),
            "9999999999999998.0"
        );
        assert_eq!(format_scalar(Scalar::F64(5e-324)), "5e-324");
        assert_eq!(
            format_scalar(Scalar::F64(1.7976931348623157e+308)),
            "1.7976931348623157e+308"
        );
        assert_eq!(
            format_scalar(Scalar::F64(0.30000000000000004)),
            "0.30000000000000004"
        );
        assert_eq!(format_scalar(Scalar::F64(-2.75)), "-2.75");
        assert_eq!(format_scalar(Scalar::F32(0.1)), "0.1");
        assert_eq!(format_scalar(Scalar::F32(1.0)), "1.0");
        assert_eq!(format_scalar(Scalar::F32(-0.0)), "-0.0");
        assert_eq!(format_scalar(Scalar::F32(1e-04)), "1e-04");
        assert_eq!(format_scalar(Scalar::F32(1.6777216e+07)), "1.6777216e+07");
        assert_eq!(format_scalar(Scalar::F32(999999.0)), "999999.0");
        assert_eq!(format_scalar(Scalar::F32(1e+06)), "1e+06");
        assert_eq!(format_scalar(Scalar::F32(1e+10)), "1e+10");
        assert_eq!(format_scalar(Scalar::F32(3.4028235e+38)), "3.4028235e+38");
        assert_eq!(format_scalar(Scalar::F32(1e-45)), "1e-45");
        assert_eq!(format_scalar(Scalar::F32(0.3)), "0.3");
        assert_eq!(format_scalar(Scalar::F32(2.5)), "2.5");
        assert_eq!(format_scalar(Scalar::F32(f32::NAN)), "nan");
        assert_eq!(format_scalar(Scalar::F32(f32::NEG_INFINITY)), "-inf");
        assert_eq!(format_scalar(Scalar::F32(123456.79)), "123456.79");
    }

    #[test]
    fn zero_d_matches_scalar() {
        for s in [
            Scalar::F64(0.1),
            Scalar::F32(1e10),
            Scalar::I64(-5),
            Scalar::Bool(false),
        ] {
            assert_eq!(format_array(&Array::scalar(s)), format_scalar(s));
        }
    }

    #[test]
    fn broadcast_and_strided_views() {
        // A zero-stride broadcast view and a reversed (negative-stride) view.
        let row = i64a(&[3], vec![1, 2, 3]);
        let b = crate::array::broadcast_to(&row, &[2, 3]).unwrap();
        check(&b, "[[1 2 3]\n [1 2 3]]");
        let rev = match i64_range(5) {
            Array::I64(a) => Array::I64(a.slice_move(ndarray::s![..;-1]).into_dyn()),
            _ => unreachable!(),
        };
        check(&rev, "[4 3 2 1 0]");
    }

    #[test]
    fn never_panics_on_odd_values() {
        let weird = vec![
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            -f64::NAN,
            5e-324,
            -5e-324,
        ];
        for &x in &weird {
            let _ = format_scalar(Scalar::F64(x));
            let _ = format_array(&f64a(&[2], vec![x, 1.0]));
            let _ = format_scalar(Scalar::F32(x as f32));
            let _ = format_array(&f32a(&[2], vec![x as f32, 1.0]));
        }
        check(
            &f64a(&[3], weird[..3].to_vec()),
            "[ 2.22507386e-308  1.79769313e+308 -1.79769313e+308]",
        );
    }
}
