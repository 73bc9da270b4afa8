//! Indexing values: arrays (NumPy's rules, in `array::index`), tuples, dicts;
//! and writing through assignment paths like `p["W"][0, :] = v`.

use crate::array::index::{self as aidx, IndexItem};
use crate::array::{Array, DType, Scalar};
use crate::diagnostics::{At, Error, ErrorKind, Result, Span};
use crate::ops::Interp;
use crate::syntax::ast::IndexExpr;
use crate::value::Value;
use crate::value::{as_scalar, value_to_array};
use std::rc::Rc;

/// One evaluated index item, with its span for error labels.
pub struct Idx {
    pub item: IdxVal,
    pub span: Span,
}

pub enum IdxVal {
    Value(Value),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Ellipsis,
}

pub enum PathStep {
    Index(Vec<Idx>, Span),
    Key(Rc<str>, Span),
}

impl Interp {
    pub(crate) fn eval_index_items(&mut self, ix: &[IndexExpr]) -> Result<Vec<Idx>> {
        let mut out = Vec::with_capacity(ix.len());
        for i in ix {
            let span = i.span();
            let item = match i {
                IndexExpr::Ellipsis(_) => IdxVal::Ellipsis,
                IndexExpr::Expr(e) => IdxVal::Value(self.eval(e)?),
                IndexExpr::Slice(a, b, c, _) => {
                    let mut part = |e: &Option<crate::syntax::ast::Expr>| -> Result<Option<i64>> {
                        match e {
                            None => Ok(None),
                            Some(e) => {
                                let v = self.eval(e)?;
                                match v {
                                    Value::None => Ok(None),
                                    Value::Num(Scalar::I64(i), _) => Ok(Some(i)),
                                    Value::Num(Scalar::Bool(b), _) => Ok(Some(b as i64)),
                                    other => Err(Error::type_(format!(
                                        "slice bounds must be integers, got {}",
                                        other.describe()
                                    ))
                                    .at(e.span)
                                    .with_help(
                                        "convert with astype(x, int64) or use floor division //",
                                    )),
                                }
                            }
                        }
                    };
                    IdxVal::Slice(part(a)?, part(b)?, part(c)?)
                }
            };
            out.push(Idx { item, span });
        }
        Ok(out)
    }

    pub(crate) fn index_value(
        &mut self,
        v: &Value,
        ix: &[IndexExpr],
        vspan: Span,
        span: Span,
    ) -> Result<Value> {
        let items = self.eval_index_items(ix)?;
        if self.dispatches_get(v) {
            let ai = Rc::new(array_items(&items)?);
            return self
                .op_index(v, &ai)
                .map_err(|e| e.resolve(span, &item_spans(vspan, &items)));
        }
        get(v, &items, vspan, span)
    }
}

/// Convert evaluated items to array index items.
fn array_items(items: &[Idx]) -> Result<Vec<IndexItem>> {
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        out.push(match &it.item {
            IdxVal::Ellipsis => IndexItem::Ellipsis,
            IdxVal::Slice(a, b, c) => IndexItem::Slice { start: *a, stop: *b, step: *c },
            IdxVal::Value(Value::None) => IndexItem::NewAxis,
            IdxVal::Value(Value::Num(Scalar::I64(i), _)) => IndexItem::Int(*i),
            IdxVal::Value(v) => match value_to_array(v) {
                Some(a) if a.dtype() == DType::I64 || a.dtype() == DType::Bool => IndexItem::Array(a),
                Some(a) if a.is_empty() && a.ndim() == 1 => IndexItem::Array(a.astype(DType::I64)),
                Some(a) => {
                    return Err(Error::index(format!("arrays used as indices must be integers or booleans, not {}", a.dtype()))
                        .at(it.span)
                        .label(At::Span(it.span), format!("{} index", a.dtype()))
                        .with_help("convert with astype(i, int64), or use floor division // to get integers"))
                }
                None => {
                    return Err(Error::type_(format!("cannot index an array with {}", v.describe()))
                        .at(it.span)
                        .with_help("indices are integers, slices like 1:3, `...`, newaxis, integer arrays or boolean masks"))
                }
            },
        });
    }
    Ok(out)
}

fn item_spans(vspan: Span, items: &[Idx]) -> Vec<Span> {
    let mut s = vec![vspan];
    s.extend(items.iter().map(|i| i.span));
    s
}

pub fn get(v: &Value, items: &[Idx], vspan: Span, span: Span) -> Result<Value> {
    match v {
        Value::Num(..) | Value::Array(_) => {
            let Some(a) = value_to_array(v) else {
                unreachable!("numbers are arrays")
            };
            let ai = array_items(items)?;
            aidx::get(&a, &ai)
                .map(Value::from_array)
                .map_err(|e| e.resolve(span, &item_spans(vspan, items)))
        }
        Value::Tuple(t) => {
            if items.len() != 1 {
                return Err(Error::index("a tuple takes a single index").at(span));
            }
            match &items[0].item {
                IdxVal::Value(x) => {
                    let Some(Scalar::I64(i)) = as_scalar(x) else {
                        return Err(Error::type_(format!(
                            "tuple indices must be integers, not {}",
                            x.describe()
                        ))
                        .at(items[0].span));
                    };
                    let n = t.len() as i64;
                    let j = if i < 0 { i + n } else { i };
                    if j < 0 || j >= n {
                        return Err(Error::index(format!(
                            "tuple index {i} is out of range for a tuple of length {n}"
                        ))
                        .at(items[0].span)
                        .with_help(if n == 0 {
                            "the tuple is empty".to_string()
                        } else {
                            format!("valid indices are {} to {}", -n, n - 1)
                        }));
                    }
                    Ok(t[j as usize].clone())
                }
                IdxVal::Slice(a, b, c) => {
                    let idx: Vec<i64> = (0..t.len() as i64).collect();
                    let arr = Array::from_vec(&[idx.len()], idx);
                    let sel = aidx::get(
                        &arr,
                        &[IndexItem::Slice {
                            start: *a,
                            stop: *b,
                            step: *c,
                        }],
                    )
                    .map_err(|e| e.resolve(span, &[vspan, items[0].span]))?;
                    Ok(Value::tuple(
                        sel.to_i64_vec()
                            .into_iter()
                            .map(|i| t[i as usize].clone())
                            .collect(),
                    ))
                }
                IdxVal::Ellipsis => Ok(v.clone()),
            }
        }
        Value::Dict(d) => {
            let key = dict_key(items, span)?;
            match d.iter().find(|(k, _)| **k == *key) {
                Some((_, x)) => Ok(x.clone()),
                None => Err(missing_key(d, &key, items[0].span)),
            }
        }
        Value::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            if let [Idx {
                item: IdxVal::Value(x),
                span: is,
            }] = items
            {
                if let Some(Scalar::I64(i)) = as_scalar(x) {
                    let n = chars.len() as i64;
                    let j = if i < 0 { i + n } else { i };
                    if j >= 0 && j < n {
                        return Ok(Value::Str(chars[j as usize].to_string().into()));
                    }
                    return Err(Error::index(format!(
                        "string index {i} is out of range for length {n}"
                    ))
                    .at(*is));
                }
            }
            Err(Error::type_("strings take a single integer index").at(span))
        }
        other => Err(
            Error::type_(format!("{} cannot be indexed", other.describe()))
                .at(span)
                .label(At::Span(vspan), other.describe()),
        ),
    }
}

fn dict_key(items: &[Idx], span: Span) -> Result<Rc<str>> {
    match items {
        [Idx {
            item: IdxVal::Value(Value::Str(k)),
            ..
        }] => Ok(k.clone()),
        _ => Err(Error::type_("dict keys are strings: d[\"name\"]").at(span)),
    }
}

fn missing_key(d: &[(Rc<str>, Value)], key: &str, span: Span) -> Error {
    let keys: Vec<&str> = d.iter().map(|(k, _)| &**k).collect();
    let mut e = Error::new(ErrorKind::Index, format!("the dict has no key \"{key}\"")).at(span);
    e = match super::closest(key, keys.iter().copied()) {
        Some(c) => e.with_help(format!("did you mean \"{c}\"?")),
        None => e.with_help(format!(
            "its keys are: {}",
            keys.iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    e
}

/// Write `v` at `path` inside `root` (value semantics: copies only what is shared).
pub fn set_path(
    it: &mut Interp,
    root: &mut Value,
    path: &[PathStep],
    v: Value,
    rspan: Span,
    vspan: Span,
) -> Result<()> {
    let Some((first, rest)) = path.split_first() else {
        *root = v;
        return Ok(());
    };
    match first {
        PathStep::Key(k, s) => set_key(it, root, k, rest, v, *s, rspan, vspan),
        PathStep::Index(items, s) => {
            if let Value::Dict(_) = root {
                let k = dict_key(items, *s)?;
                return set_key(it, root, &k, rest, v, *s, rspan, vspan);
            }
            if let Value::Tuple(_) = root {
                return Err(Error::type_("tuples cannot be changed; build a new one").at(*s));
            }
            let newval = if rest.is_empty() {
                v
            } else {
                let mut sub = if it.dispatches_set(root, &Value::None) {
                    let ai = Rc::new(array_items(items)?);
                    it.op_index(root, &ai)?
                } else {
                    get(root, items, rspan, *s)?
                };
                set_path(it, &mut sub, rest, v, rspan.to(*s), vspan)?;
                sub
            };
            if it.dispatches_set(root, &newval) {
                let ai = Rc::new(array_items(items)?);
                let old = std::mem::replace(root, Value::None);
                let mut spans = item_spans(rspan, items);
                spans.push(vspan);
                return match it.op_setindex(old.clone(), &ai, &newval) {
                    Ok(nv) => {
                        *root = nv;
                        Ok(())
                    }
                    Err(e) => {
                        *root = old;
                        Err(e.resolve(*s, &spans))
                    }
                };
            }
            let mut arr = match std::mem::replace(root, Value::None) {
                Value::Array(a) => a,
                Value::Num(sc, _) => Array::scalar(sc),
                other => {
                    let d = other.describe();
                    *root = other;
                    return Err(
                        Error::type_(format!("{d} does not support item assignment")).at(*s),
                    );
                }
            };
            let Some(val) = value_to_array(&newval) else {
                *root = Value::Array(arr);
                return Err(Error::type_(format!(
                    "cannot store {} in an array",
                    newval.describe()
                ))
                .at(vspan));
            };
            let ai = match array_items(items) {
                Ok(a) => a,
                Err(e) => {
                    *root = Value::Array(arr);
                    return Err(e);
                }
            };
            let mut spans = item_spans(rspan, items);
            spans.push(vspan);
            let r = aidx::set(&mut arr, &ai, &val).map_err(|e| {
                // Label the value as the operand after the index items.
                e.resolve(*s, &spans)
            });
            *root = if arr.ndim() == 0 {
                Value::from_array(arr)
            } else {
                Value::Array(arr)
            };
            r
        }
    }
}

fn set_key(
    it: &mut Interp,
    root: &mut Value,
    k: &Rc<str>,
    rest: &[PathStep],
    v: Value,
    s: Span,
    rspan: Span,
    vspan: Span,
) -> Result<()> {
    let Value::Dict(d) = root else {
        return Err(
            Error::type_(format!("{} has no keys to assign", root.describe()))
                .at(s)
                .with_help("only dicts take d[\"key\"] = value or d.key = value"),
        );
    };
    let d = Rc::make_mut(d);
    match d.iter_mut().find(|(kk, _)| kk == k) {
        Some((_, slot)) => set_path(it, slot, rest, v, rspan.to(s), vspan),
        None => {
            if !rest.is_empty() {
                return Err(
                    Error::new(ErrorKind::Index, format!("the dict has no key \"{k}\"")).at(s),
                );
            }
            d.push((k.clone(), v));
            Ok(())
        }
    }
}
