//! The dispatch layer: the one place that knows about tracing and devices.
//!
//! `Interp::apply(prim, args)` runs a builtin: with no traced argument it
//! picks the device (a GPU kernel, or the CPU implementation with GPU
//! arguments read back) and calls the implementation; with a traced
//! argument it follows the primitive's `props::derivative` — strip the
//! tracing, refuse with the reason, or run on the untraced values and
//! record a node on the tape. The operators (`op_unary`, `op_binary`,
//! `op_matmul`, `op_index`, `op_setindex` in `tape.rs`) do the same for
//! `-x`, `x + y`, `a @ b` and `a[i]`. The evaluator and the builtins call
//! these and never look at a tape or a device themselves; a bytecode VM
//! would call the same functions.

pub mod args;
pub mod gpu;
pub mod interp;
pub mod props;
pub mod tape;

pub use args::{arr, params_of, shape_of_value, Args, ParamSpecLite};
pub use interp::{BuiltinFn, CallFn, Device, Frame, Hooks, Interp};

use crate::array::elementwise;
use crate::array::fused::Step;
use crate::array::{Array, DType, Scalar};
use crate::diagnostics::{Error, ErrorKind, Result, Span};
use crate::prim::Prim;
use crate::value::{float_dtype, level_of, strip, Value};
use props::Derivative;
use tape::{unwrap_arg, Op};

impl Interp {
    /// Run primitive `p` on bound arguments: the one dispatch point.
    pub fn apply(&mut self, p: Prim, args: Args) -> Result<Value> {
        let lvl = args
            .vals
            .iter()
            .flatten()
            .chain(args.rest.iter())
            .chain(args.kwrest.iter().map(|(_, v, _)| v))
            .map(level_of)
            .max()
            .unwrap_or(0);
        if lvl == 0 {
            if gpu::builtin_needs_gpu(self, p, &args) {
                return self.call_builtin_gpu(p, args);
            }
            return (self.hooks.imp)(p)(self, args);
        }
        match props::derivative(p) {
            Derivative::Constant => {
                let mut args = args;
                for v in args.vals.iter_mut().flatten() {
                    *v = strip(v);
                }
                for v in args.rest.iter_mut() {
                    *v = strip(v);
                }
                for (_, v, _) in args.kwrest.iter_mut() {
                    *v = strip(v);
                }
                (self.hooks.imp)(p)(self, args)
            }
            Derivative::Not(why) => Err(Error::new(
                ErrorKind::Type,
                format!("{}() cannot be differentiated yet", p.name()),
            )
            .with_help(format!("{}() has no derivative here: {why}. grad() follows arithmetic, @, indexing, reductions, shape functions, where/maximum/minimum/clip and the maths functions; compute this part outside the differentiated function", p.name()))),
            Derivative::Rule => {
                let mut parents = Vec::new();
                let mut args2 = args.clone();
                for (i, v) in args2.vals.iter_mut().enumerate() {
                    if let Some(x) = v {
                        *x = unwrap_arg(x, lvl, i, &mut parents);
                    }
                }
                // Extra positional values (`f(a, *rest)`) are inputs after
                // the named ones, as the rules see them.
                let named = args2.vals.len();
                for (k, v) in args2.rest.iter_mut().enumerate() {
                    *v = unwrap_arg(v, lvl, named + k, &mut parents);
                }
                if let Some((name, _, span)) =
                    args2.kwrest.iter().find(|(_, v, _)| level_of(v) > 0)
                {
                    return Err(Error::new(
                        ErrorKind::Type,
                        format!(
                            "{}(): the keyword argument `{}` cannot be differentiated",
                            p.name(),
                            name
                        ),
                    )
                    .at(*span)
                    .with_help("pass it as a plain value, computed outside the differentiated function"));
                }
                // A traced value nested deeper than one tuple would reach
                // the implementation and lose its trace: refuse.
                if args2
                    .vals
                    .iter()
                    .flatten()
                    .chain(args2.rest.iter())
                    .any(|v| level_of(v) == lvl)
                {
                    return Err(Error::new(
                        ErrorKind::Type,
                        format!("{}(): a differentiated value inside nested tuples cannot be followed", p.name()),
                    )
                    .at(args.call)
                    .with_help("build nested arrays with list literals, [[a, b], [c, d]], or stack the rows first"));
                }
                let mut inputs = args2.vals.clone();
                inputs.extend(args2.rest.iter().cloned().map(Some));
                let r = self.apply(p, args2)?;
                if parents.is_empty() {
                    return Ok(r);
                }
                if let Value::Tuple(items) = &r {
                    // Several results: each float array is its own node
                    // (`Op::Part`); integers (lstsq's rank) carry none.
                    let span = args.call;
                    let mut traced = Vec::with_capacity(items.len());
                    for (k, item) in items.iter().enumerate() {
                        if float_dtype(item).is_none() {
                            traced.push(item.clone());
                            continue;
                        }
                        traced.push(self.record(
                            lvl,
                            Op::Part(p, k),
                            inputs.clone(),
                            Some(r.clone()),
                            parents.clone(),
                            item.clone(),
                            span,
                        ));
                    }
                    return Ok(Value::tuple(traced));
                }
                if matches!(r, Value::Dict(_)) {
                    // The tape follows arrays: refuse rather than hand back
                    // untraced results.
                    return Err(Error::new(
                        ErrorKind::Type,
                        format!("{}() returns several values, and grad cannot follow them yet", p.name()),
                    )
                    .at(args.call)
                    .with_help("compute this part outside the differentiated function"));
                }
                if float_dtype(&r).is_none() {
                    return Ok(r);
                }
                let span = args.call;
                Ok(self.record(
                    lvl,
                    Op::Builtin(p),
                    inputs,
                    Some(r.clone()),
                    parents,
                    r,
                    span,
                ))
            }
        }
    }

    /// An array literal `[a, b, ...]` from its evaluated items. With a
    /// traced item it is `stack` of the items, recorded like any builtin
    /// (same checks, errors and dtype as the untraced literal), so the
    /// gradient reaches every item.
    pub fn array_literal(&mut self, vals: &[(Value, Span)], span: Span) -> Result<Value> {
        if vals.iter().all(|(v, _)| level_of(v) == 0) {
            let a = crate::value::list_to_array(vals, span).map(Value::Array)?;
            return self.place(a);
        }
        let plain: Vec<(Value, Span)> = vals.iter().map(|(v, s)| (strip(v), *s)).collect();
        let want = crate::value::list_to_array(&plain, span)?.dtype();
        let items = Value::tuple(vals.iter().map(|(v, _)| v.clone()).collect());
        let r = self.call_prim(Prim::Stack, vec![items], vec![], span)?;
        if strip(&r).storage().map(|s| s.dtype()) == Some(want) {
            return Ok(r);
        }
        self.call_prim(Prim::Astype, vec![r, Value::DType(want)], vec![], span)
    }

    /// `float32(x)` and the other dtype calls: `astype`, recorded when `x`
    /// is traced.
    pub fn convert_to(&mut self, d: DType, v: &Value, span: Span) -> Result<Value> {
        if crate::value::value_to_array(v).is_none() {
            return Err(Error::type_(format!("cannot convert {} to {}", v.describe(), d)).at(span));
        }
        self.call_prim(Prim::Astype, vec![v.clone(), Value::DType(d)], vec![], span)
    }

    /// Bind positional and keyword arguments to `p`'s signature and apply
    /// it (the gradient rules call builtins this way, so they record when
    /// values are traced).
    pub fn call_prim(
        &mut self,
        p: Prim,
        pos: Vec<Value>,
        kw: Vec<(&str, Value)>,
        span: Span,
    ) -> Result<Value> {
        let spans = vec![span; pos.len()];
        let kw = kw
            .into_iter()
            .map(|(k, v)| (crate::syntax::sym::intern(k), v, span))
            .collect();
        let args = Args::bind(p, pos, spans, kw, span)?;
        self.apply(p, args)
    }

    /// `exp(x)` and the other one-argument maths builtins on a CPU array or
    /// number outside a GPU block: straight to the kernel, with no argument
    /// binding. `None`: take the ordinary call.
    pub fn unary_fast(&mut self, p: Prim, v: &Value) -> Option<Result<Value>> {
        let op = props::elementwise(p)?;
        if self.on_gpu() {
            return None;
        }
        let o = match v {
            Value::Array(_) | Value::Num(..) => v.as_operand()?,
            _ => return None,
        };
        Some(elementwise::unary(op, &o).map(Value::from_operand))
    }

    /// A leaf of a fused elementwise chain: `Some(true)` for an array the
    /// fused kernel can read (a float array, on either device), `Some(false)`
    /// for a number, `None` when the chain cannot be fused.
    pub fn fusion_leaf(&self, v: &Value) -> Option<bool> {
        match v {
            Value::Array(a) if a.dtype().is_float() => Some(true),
            Value::Num(..) => Some(false),
            Value::Gpu(a) if a.kind == crate::gpu::Kind::F32 => Some(true),
            _ => None,
        }
    }

    /// Run a fused elementwise program (postfix `steps` over `leaves`, which
    /// `fusion_leaf` accepted) on the device the leaves are on. `None`: the
    /// caller takes the ordinary path (leaves are names and literals, so
    /// evaluating again is harmless).
    pub fn run_fused(
        &mut self,
        steps: &[Step],
        leaves: &[Value],
        min_elements: usize,
    ) -> Option<Value> {
        let on_device = leaves.iter().any(|l| matches!(l, Value::Gpu(_)));
        if on_device || self.on_gpu() {
            return self.gpu_fused_plan(steps, leaves);
        }
        cpu_fused(steps, leaves, min_elements)
    }
}

impl Interp {
    /// Does `v[...]` go through `op_index` (traced values, device arrays,
    /// any array inside a GPU block) rather than the plain CPU indexing?
    pub fn dispatches_get(&self, v: &Value) -> bool {
        (v.is_traced() && v.is_numeric())
            || matches!(v, Value::Gpu(_))
            || (self.on_gpu() && matches!(v, Value::Array(_)))
    }

    /// Does `root[...] = newval` go through `op_setindex`?
    pub fn dispatches_set(&self, root: &Value, newval: &Value) -> bool {
        root.is_traced() || newval.is_traced() || matches!(root, Value::Gpu(_))
    }

    /// `@device(name) { ... }` begins: the GPU is opened here, on first use
    /// (never for CPU-only scripts); without one the block runs on the CPU.
    pub fn enter_device(&mut self, name: &str, span: Span) -> Result<()> {
        let dev = match name {
            "cpu" => Device::Cpu,
            "gpu" => Device::Gpu,
            _ => {
                return Err(Error::value(format!("unknown device `{name}`"))
                    .at(span)
                    .with_help("devices are `cpu` and `gpu`"))
            }
        };
        let dev = if dev == Device::Gpu && !self.gpu_available(Some(span))? {
            Device::Cpu
        } else {
            dev
        };
        self.device.push(dev);
        Ok(())
    }

    /// The `@device` block ends.
    pub fn leave_device(&mut self) {
        self.device.pop();
    }

    /// An attribute a device array answers itself (`shape`, `dtype`,
    /// `device`, ...), without reading the data back; `None` otherwise.
    pub fn device_attr(&mut self, v: &Value, name: &str, span: Span) -> Option<Result<Value>> {
        let Value::Gpu(g) = v else {
            return None;
        };
        Some(Ok(match name {
            "T" => return Some(self.call_prim(Prim::Transpose, vec![v.clone()], vec![], span)),
            "shape" => crate::value::shape_tuple(&g.shape),
            "ndim" => Value::int(g.ndim() as i64),
            "size" => Value::int(g.len() as i64),
            "dtype" => Value::DType(g.dtype()),
            "device" => Value::str("gpu"),
            "nbytes" => Value::int(4 * g.len() as i64),
            _ => return None,
        }))
    }
}

/// The name of the GPU adapter `@device(gpu)` runs on (opening the GPU),
/// or `None` when there is none.
pub fn device_adapter() -> Option<String> {
    crate::gpu::adapter_name()
}

/// Wait for queued device work (so `time()` differences include it).
pub fn sync_devices() -> Result<()> {
    crate::gpu::sync_if_open()
}

/// Reading a device array back failed.
pub fn readback_error() -> Error {
    crate::gpu::gpu_error("reading an array back failed")
}

/// The fused program on the CPU, when its arrays are large, of one float
/// dtype, one shape and contiguous.
fn cpu_fused(steps: &[Step], leaves: &[Value], min_elements: usize) -> Option<Value> {
    use crate::array::fused;
    // Pick the arrays' dtype and shape; everything must agree.
    let mut first: Option<(DType, Vec<usize>)> = None;
    for l in leaves {
        if let Value::Array(a) = l {
            let (dt, sh) = (a.dtype(), a.shape());
            match &first {
                None => first = Some((dt, sh.to_vec())),
                Some((d, s)) if *d == dt && s.as_slice() == sh => {}
                Some(_) => return None,
            }
        }
    }
    let (dt, shape) = first?;
    if shape.iter().product::<usize>() < min_elements {
        return None;
    }
    // Scalars must not change the result dtype (NEP 50): any int/float
    // number with float64 arrays; only weak (literal) numbers with float32.
    for l in leaves {
        if let Value::Num(s, weak) = l {
            let ok = matches!(s, Scalar::I64(_) | Scalar::F64(_)) && (dt == DType::F64 || *weak);
            if !ok {
                return None;
            }
        }
    }
    // Number leaves become constants, array leaves inputs.
    let mut input_of = Vec::with_capacity(leaves.len());
    let mut n_inputs = 0;
    for l in leaves {
        match l {
            Value::Num(..) => input_of.push(None),
            _ => {
                input_of.push(Some(n_inputs));
                n_inputs += 1;
            }
        }
    }
    let steps: Vec<Step> = steps
        .iter()
        .map(|s| match *s {
            Step::Input(k) => match (&leaves[k], input_of[k]) {
                (Value::Num(v, _), _) => Step::Const(v.as_f64()),
                (_, Some(i)) => Step::Input(i),
                (_, None) => Step::Const(0.0),
            },
            other => other,
        })
        .collect();
    match dt {
        DType::F64 => {
            let ins: Option<Vec<&[f64]>> = leaves
                .iter()
                .filter_map(|l| match l {
                    Value::Array(Array::F64(a)) => Some(a.as_slice()),
                    Value::Num(..) => None,
                    _ => Some(None),
                })
                .collect();
            fused::run::<f64>(&steps, &ins?, &shape).map(|a| Value::Array(Array::F64(a)))
        }
        DType::F32 => {
            let ins: Option<Vec<&[f32]>> = leaves
                .iter()
                .filter_map(|l| match l {
                    Value::Array(Array::F32(a)) => Some(a.as_slice()),
                    Value::Num(..) => None,
                    _ => Some(None),
                })
                .collect();
            fused::run::<f32>(&steps, &ins?, &shape).map(|a| Value::Array(Array::F32(a)))
        }
        _ => None,
    }
}
