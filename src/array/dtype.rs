//! Dtypes, immediate scalars and NumPy 2 (NEP 50) type promotion.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DType {
    Bool,
    I64,
    F32,
    F64,
}

impl DType {
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I64 => "int64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }
    pub fn from_name(s: &str) -> Option<DType> {
        Some(match s {
            "bool" => DType::Bool,
            "int64" | "int" => DType::I64,
            "float32" => DType::F32,
            "float64" | "float" => DType::F64,
            _ => return None,
        })
    }
    pub fn size(self) -> usize {
        match self {
            DType::Bool => 1,
            DType::I64 => 8,
            DType::F32 => 4,
            DType::F64 => 8,
        }
    }
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }
    pub fn is_int(self) -> bool {
        self == DType::I64
    }
    /// The "kind" order NEP 50 uses for weak scalars: bool < int < float.
    fn kind(self) -> u8 {
        match self {
            DType::Bool => 0,
            DType::I64 => 1,
            DType::F32 | DType::F64 => 2,
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Promotion of two strongly typed operands (NumPy's `promote_types`):
/// int64 with float32 gives float64, as in NumPy.
pub fn promote(a: DType, b: DType) -> DType {
    use DType::*;
    match (a, b) {
        (x, y) if x == y => x,
        (Bool, y) | (y, Bool) => y,
        (I64, F32) | (F32, I64) => F64,
        (F64, _) | (_, F64) => F64,
        _ => F64,
    }
}

/// NEP 50 result dtype. `weak` marks a Python-style literal scalar, which
/// takes the other operand's dtype when its kind fits
/// (`float32_array * 2.0` stays float32, `int_array * 2.5` is float64).
pub fn result_type(a: DType, a_weak: bool, b: DType, b_weak: bool) -> DType {
    match (a_weak, b_weak) {
        (false, false) | (true, true) => promote(a, b),
        (false, true) => weak_with(a, b),
        (true, false) => weak_with(b, a),
    }
}

fn weak_with(strong: DType, weak: DType) -> DType {
    if weak.kind() <= strong.kind() {
        strong
    } else {
        // A weak int with a bool array gives int64; a weak float with a
        // bool/int array gives float64 (the default types).
        weak
    }
}

/// An immediate scalar: the value of a 0-d array without a heap buffer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl Scalar {
    pub fn dtype(self) -> DType {
        match self {
            Scalar::Bool(_) => DType::Bool,
            Scalar::I64(_) => DType::I64,
            Scalar::F32(_) => DType::F32,
            Scalar::F64(_) => DType::F64,
        }
    }
    pub fn as_f64(self) -> f64 {
        match self {
            Scalar::Bool(b) => b as i64 as f64,
            Scalar::I64(i) => i as f64,
            Scalar::F32(f) => f as f64,
            Scalar::F64(f) => f,
        }
    }
    pub fn as_i64(self) -> i64 {
        match self {
            Scalar::Bool(b) => b as i64,
            Scalar::I64(i) => i,
            Scalar::F32(f) => super::f64_to_i64(f as f64),
            Scalar::F64(f) => super::f64_to_i64(f),
        }
    }
    pub fn as_bool(self) -> bool {
        match self {
            Scalar::Bool(b) => b,
            Scalar::I64(i) => i != 0,
            Scalar::F32(f) => f != 0.0,
            Scalar::F64(f) => f != 0.0,
        }
    }
    pub fn cast(self, dt: DType) -> Scalar {
        match dt {
            DType::Bool => Scalar::Bool(self.as_bool()),
            DType::I64 => Scalar::I64(self.as_i64()),
            DType::F32 => Scalar::F32(self.as_f64() as f32),
            DType::F64 => Scalar::F64(self.as_f64()),
        }
    }
}
