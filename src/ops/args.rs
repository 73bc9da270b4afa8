//! Binding a call's arguments to a primitive's signature: `Args`, what
//! every builtin implementation receives.

use crate::array::elementwise::Operand;
use crate::array::{Array, DType, Scalar};
use crate::diagnostics::{At, Error, ErrorKind, Result, Span};
use crate::prim::Prim;
use crate::syntax::sym::{self, Sym};
use crate::value::{value_to_array, Value};
use std::sync::OnceLock;

/// A parameter parsed from a signature.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub sym: Sym,
    pub required: bool,
    pub rest: bool,
    /// `**named`: collects keyword arguments no other parameter takes.
    pub kwrest: bool,
}

fn parse_sig(sig: &str) -> Vec<Param> {
    let inner = sig
        .split_once('(')
        .map(|(_, r)| r.trim_end_matches(')'))
        .unwrap_or("");
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    let mut parts = Vec::new();
    for c in inner.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        parts.push(cur);
    }
    for p in parts {
        let p = p.trim();
        let (name, required) = match p.split_once('=') {
            Some((n, _)) => (n.trim(), false),
            None => (p, true),
        };
        let kwrest = name.starts_with("**");
        let rest = name.starts_with('*') && !kwrest;
        let name = name.trim_start_matches('*').to_string();
        out.push(Param {
            sym: sym::intern(&name),
            name,
            required: required && !rest && !kwrest,
            rest,
            kwrest,
        });
    }
    out
}

/// A parameter of a builtin's signature (the interner is global, so the
/// symbol is the same in every interpreter and thread).
#[derive(Debug, Clone)]
pub struct ParamSpecLite {
    pub sym: Sym,
    pub name: String,
    pub required: bool,
    pub rest: bool,
    pub kwrest: bool,
}

/// The parameters of a primitive's signature, parsed once.
pub fn params_of(p: Prim) -> &'static [ParamSpecLite] {
    static ALL: OnceLock<Vec<Vec<ParamSpecLite>>> = OnceLock::new();
    &ALL.get_or_init(|| {
        Prim::ALL
            .iter()
            .map(|p| {
                parse_sig(p.sig())
                    .into_iter()
                    .map(|q| ParamSpecLite {
                        sym: q.sym,
                        name: q.name,
                        required: q.required,
                        rest: q.rest,
                        kwrest: q.kwrest,
                    })
                    .collect()
            })
            .collect()
    })[p as usize]
}

/// Arguments bound to a builtin's parameters by position and keyword.
#[derive(Clone)]
pub struct Args {
    /// The primitive being called.
    pub prim: Prim,
    /// Its name, for error messages.
    pub name: &'static str,
    /// One slot per parameter in signature order (`*rest` and `**named` slots are None).
    pub vals: Vec<Option<Value>>,
    /// Span of each slot's argument (the call span when absent); then one
    /// per rest arg; then one per `kwrest` arg.
    pub spans: Vec<Span>,
    pub rest: Vec<Value>,
    pub rest_start: usize,
    /// Keyword arguments collected by a `**named` parameter, in call order
    /// (name, value, span of `name=value`); their `At::Arg` index is
    /// `kwrest_start + k`.
    pub kwrest: Vec<(String, Value, Span)>,
    pub kwrest_start: usize,
    pub call: Span,
}

impl Args {
    pub fn bind(
        b: Prim,
        pos: Vec<Value>,
        pos_spans: Vec<Span>,
        kw: Vec<(Sym, Value, Span)>,
        call: Span,
    ) -> Result<Args> {
        let params = params_of(b);
        // A `**named` parameter comes last and takes no positional argument.
        let n = params.iter().filter(|p| !p.kwrest).count();
        let has_kwrest = params.iter().any(|p| p.kwrest);
        let mut kwrest: Vec<(String, Value, Span)> = Vec::new();
        let mut vals: Vec<Option<Value>> = vec![None; params.len()];
        let mut spans = vec![call; params.len()];
        let mut rest = Vec::new();
        let mut rest_spans = Vec::new();
        let rest_idx = params.iter().position(|p| p.rest);
        let mut pi = 0;
        for (v, s) in pos.into_iter().zip(pos_spans) {
            if Some(pi) == rest_idx {
                rest.push(v);
                rest_spans.push(s);
                continue;
            }
            if pi >= n {
                return Err(Error::new(
                    ErrorKind::Arity,
                    format!(
                        "{}() takes at most {} positional argument{}",
                        b.name(),
                        n,
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .at(s)
                .with_help(format!("usage: {}", b.sig())));
            }
            vals[pi] = Some(v);
            spans[pi] = s;
            pi += 1;
        }
        for (k, v, s) in kw {
            let kname = sym::name(k);
            match params
                .iter()
                .position(|p| p.sym == k && !p.rest && !p.kwrest)
            {
                Some(i) if vals[i].is_none() => {
                    vals[i] = Some(v);
                    spans[i] = s;
                }
                Some(_) => {
                    return Err(Error::new(
                        ErrorKind::Arity,
                        format!("{}() got two values for `{}`", b.name(), kname),
                    )
                    .at(s))
                }
                None if has_kwrest => {
                    if kwrest.iter().any(|(k, _, _)| *k == *kname) {
                        return Err(Error::new(
                            ErrorKind::Arity,
                            format!("{}() got two values for `{}`", b.name(), kname),
                        )
                        .at(s));
                    }
                    kwrest.push((kname.to_string(), v, s));
                }
                None => {
                    let mut e = Error::new(
                        ErrorKind::Arity,
                        format!("{}() has no parameter `{}`", b.name(), kname),
                    )
                    .at(s);
                    e = match crate::diagnostics::closest(
                        &kname,
                        params.iter().filter(|p| !p.rest).map(|p| p.name.as_str()),
                    ) {
                        Some(c) => e.with_help(format!("did you mean `{c}`? usage: {}", b.sig())),
                        None => e.with_help(format!("usage: {}", b.sig())),
                    };
                    return Err(e);
                }
            }
        }
        for (i, p) in params.iter().enumerate() {
            if p.required && vals[i].is_none() {
                return Err(Error::new(
                    ErrorKind::Arity,
                    format!("{}() is missing the argument `{}`", b.name(), p.name),
                )
                .at(call)
                .with_help(format!("usage: {}", b.sig())));
            }
        }
        let rest_start = spans.len();
        spans.extend(rest_spans);
        let kwrest_start = spans.len();
        spans.extend(kwrest.iter().map(|(_, _, s)| *s));
        Ok(Args {
            prim: b,
            name: b.name(),
            vals,
            spans,
            rest,
            rest_start,
            kwrest,
            kwrest_start,
            call,
        })
    }

    pub fn has(&self, i: usize) -> bool {
        matches!(self.vals.get(i), Some(Some(v)) if !matches!(v, Value::None))
    }
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.vals.get(i).and_then(|v| v.as_ref())
    }
    pub fn span(&self, i: usize) -> Span {
        self.spans.get(i).copied().unwrap_or(self.call)
    }
    pub fn take(&mut self, i: usize) -> Option<Value> {
        self.vals.get_mut(i).and_then(|v| v.take())
    }

    fn param_name(&self, i: usize) -> String {
        Prim::from_name(self.name)
            .map(params_of)
            .and_then(|p| p.get(i))
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("#{i}"))
    }

    pub fn type_err(&self, i: usize, want: &str, got: &Value) -> Error {
        Error::type_(format!(
            "{}(): `{}` must be {}, got {}",
            self.name,
            self.param_name(i),
            want,
            got.describe()
        ))
        .at(self.call)
        .label(At::Arg(i), got.describe())
    }

    pub fn missing(&self, i: usize) -> Error {
        Error::new(
            ErrorKind::Arity,
            format!(
                "{}() is missing the argument `{}`",
                self.name,
                self.param_name(i)
            ),
        )
    }

    /// A required value.
    pub fn value(&self, i: usize) -> Result<&Value> {
        self.get(i).ok_or_else(|| self.missing(i))
    }

    /// A required numeric argument as an array.
    pub fn array(&self, i: usize) -> Result<Array> {
        let v = self.value(i)?;
        value_to_array(v).ok_or_else(|| self.type_err(i, "an array", v))
    }
    pub fn opt_array(&self, i: usize) -> Result<Option<Array>> {
        if self.has(i) {
            self.array(i).map(Some)
        } else {
            Ok(None)
        }
    }
    /// A numeric argument as an elementwise operand (keeps scalar weakness).
    pub fn operand(&self, i: usize) -> Result<Operand> {
        let v = self.value(i)?;
        match v {
            Value::Num(s, w) => Ok(Operand::Scalar(*s, *w)),
            _ => value_to_array(v)
                .map(Operand::Array)
                .ok_or_else(|| self.type_err(i, "an array", v)),
        }
    }
    pub fn int(&self, i: usize) -> Result<i64> {
        let v = self.value(i)?;
        match v {
            Value::Num(Scalar::I64(x), _) => Ok(*x),
            Value::Num(Scalar::Bool(b), _) => Ok(*b as i64),
            Value::Array(a) if a.ndim() == 0 && a.dtype() == DType::I64 => Ok(a.to_i64_vec()[0]),
            _ => Err(self.type_err(i, "an integer", v)),
        }
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        if self.has(i) {
            self.int(i).map(Some)
        } else {
            Ok(None)
        }
    }
    pub fn float(&self, i: usize) -> Result<f64> {
        let v = self.value(i)?;
        match v {
            Value::Num(s, _) => Ok(s.as_f64()),
            Value::Array(a) if a.len() == 1 && a.ndim() == 0 => Ok(a.to_f64_vec()[0]),
            _ => Err(self.type_err(i, "a number", v)),
        }
    }
    pub fn opt_float(&self, i: usize) -> Result<Option<f64>> {
        if self.has(i) {
            self.float(i).map(Some)
        } else {
            Ok(None)
        }
    }
    pub fn bool_or(&self, i: usize, default: bool) -> Result<bool> {
        match self.get(i) {
            None | Some(Value::None) => Ok(default),
            Some(Value::Num(s, _)) => Ok(s.as_bool()),
            Some(v) => Err(self.type_err(i, "true or false", v)),
        }
    }
    pub fn string(&self, i: usize) -> Result<String> {
        match self.value(i)? {
            Value::Str(s) => Ok(s.to_string()),
            v => Err(self.type_err(i, "a string", v)),
        }
    }
    pub fn opt_dtype(&self, i: usize) -> Result<Option<DType>> {
        match self.get(i) {
            None | Some(Value::None) => Ok(None),
            Some(Value::DType(d)) => Ok(Some(*d)),
            Some(Value::Str(s)) => DType::from_name(s).map(Some).ok_or_else(|| {
                Error::type_(format!("unknown dtype \"{s}\""))
                    .label(At::Arg(i), "here")
                    .with_help("dtypes are bool, int64, float32, float64")
            }),
            Some(v) => Err(self.type_err(i, "a dtype (bool, int64, float32, float64)", v)),
        }
    }
    /// `axis=` as none, an int or a tuple of ints.
    pub fn axes(&self, i: usize) -> Result<Option<Vec<i64>>> {
        match self.get(i) {
            None | Some(Value::None) => Ok(None),
            Some(Value::Num(Scalar::I64(a), _)) => Ok(Some(vec![*a])),
            Some(Value::Tuple(t)) => {
                let mut out = Vec::with_capacity(t.len());
                for x in t.iter() {
                    match x {
                        Value::Num(Scalar::I64(a), _) => out.push(*a),
                        other => return Err(self.type_err(i, "an int or a tuple of ints", other)),
                    }
                }
                Ok(Some(out))
            }
            Some(v) => Err(self.type_err(i, "an int or a tuple of ints", v)),
        }
    }
    /// A single optional axis.
    pub fn axis(&self, i: usize) -> Result<Option<i64>> {
        match self.get(i) {
            None | Some(Value::None) => Ok(None),
            Some(Value::Num(Scalar::I64(a), _)) => Ok(Some(*a)),
            Some(v) => Err(self.type_err(i, "an integer axis", v)),
        }
    }

    /// A shape given as separate ints (`*rest`) or one tuple/list/int.
    pub fn shape_from_rest(&self) -> Result<Vec<usize>> {
        let i = self.rest_start;
        if self.rest.len() == 1 {
            if let Some(v) = shape_of_value(&self.rest[0]) {
                return v.map_err(|e| e.label(At::Arg(i), "shape"));
            }
        }
        let mut out = Vec::with_capacity(self.rest.len());
        for (k, v) in self.rest.iter().enumerate() {
            match v {
                Value::Num(Scalar::I64(d), _) if *d >= 0 => out.push(*d as usize),
                Value::Num(Scalar::I64(d), _) => {
                    return Err(Error::value(format!("negative dimension {d} in a shape"))
                        .label(At::Arg(i + k), "negative"))
                }
                other => {
                    return Err(Error::type_(format!(
                        "{}(): shape dimensions must be integers, got {}",
                        self.name,
                        other.describe()
                    ))
                    .label(At::Arg(i + k), other.describe()))
                }
            }
        }
        Ok(out)
    }
    /// A shape argument in slot `i` (int, tuple or 1-d int array).
    pub fn shape(&self, i: usize) -> Result<Vec<usize>> {
        let v = self.value(i)?;
        match shape_of_value(v) {
            Some(r) => r.map_err(|e| e.label(At::Arg(i), "shape")),
            None => Err(self.type_err(i, "a shape (an int or a tuple of ints)", v)),
        }
    }
}

/// A shape from an int, a tuple of ints or a 1-d int array.
pub fn shape_of_value(v: &Value) -> Option<Result<Vec<usize>>> {
    let dims: Vec<i64> = match v {
        Value::Num(Scalar::I64(d), _) => vec![*d],
        Value::Tuple(t) => {
            let mut out = Vec::new();
            for x in t.iter() {
                match x {
                    Value::Num(Scalar::I64(d), _) => out.push(*d),
                    _ => return Some(Err(Error::type_("shape dimensions must be integers"))),
                }
            }
            out
        }
        Value::Array(a) if a.ndim() == 1 && a.dtype() == DType::I64 => a.to_i64_vec(),
        _ => return None,
    };
    let mut out = Vec::with_capacity(dims.len());
    for d in dims {
        if d < 0 {
            return Some(Err(Error::value(format!(
                "negative dimension {d} in a shape"
            ))));
        }
        out.push(d as usize);
    }
    Some(Ok(out))
}

/// Wrap a Rust result array as a value.
pub fn arr(a: Array) -> Result<Value> {
    Ok(Value::from_array(a))
}
