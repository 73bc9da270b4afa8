//! Elementwise fusion on the CPU: an expression tree of `+ - * / **`,
//! unary minus and maths builtins (`exp`, `sqrt`, ...) whose leaves are
//! names and number literals is compiled to a postfix program and run by
//! `array::fused` in one pass, when its arrays are large, of one float dtype,
//! one shape and contiguous. Anything else takes the ordinary path, so the
//! planner only has to be right about when it answers.

use super::Interp;
use crate::array::elementwise::UnaryOp;
use crate::array::fused::{self, Step};
use crate::array::{Array, DType, Scalar};
use crate::syntax::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::value::{Func, Value};

/// Arrays smaller than this are not worth planning for.
pub const MIN_ELEMENTS: usize = 1 << 12;
/// Largest expression tree fused (steps).
const MAX_STEPS: usize = 64;

/// Cheap syntactic test made on every binary expression: is there a nested
/// elementwise operation (so fusion could save a temporary)?
#[inline]
pub fn candidate(op: BinOp, a: &Expr, b: &Expr) -> bool {
    arith(op).is_some() && (nested(a) || nested(b))
}

fn nested(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(op, ..) => arith(*op).is_some(),
        ExprKind::Unary(UnOp::Neg, _) | ExprKind::Call(..) => true,
        _ => false,
    }
}

use super::arith_op as arith;

fn math_fn(name: &str) -> Option<UnaryOp> {
    UnaryOp::from_builtin(name).filter(|op| op.is_math_fn())
}

enum Leaf {
    Arr(Array),
    Num(Scalar, bool),
    /// A float32 array on the GPU: the chain becomes one generated kernel.
    Gpu(crate::gpu::GpuArray),
}

struct Plan {
    steps: Vec<Step>,
    leaves: Vec<Leaf>,
}

impl Interp {
    /// Evaluate `e` fused when it qualifies; `None` means "use the ordinary
    /// path" (nothing has been evaluated that could have side effects: the
    /// leaves are only names and literals).
    pub(super) fn try_fused(&mut self, e: &Expr) -> Option<Value> {
        let mut plan = Plan {
            steps: Vec::new(),
            leaves: Vec::new(),
        };
        if !self.compile(e, &mut plan)? {
            return None;
        }
        let gpu_leaf = plan.leaves.iter().any(|l| matches!(l, Leaf::Gpu(_)));
        if gpu_leaf || self.on_gpu() {
            return self.gpu_fused_plan(&plan);
        }
        // Pick the arrays' dtype and shape; everything must agree.
        let mut first: Option<(DType, Vec<usize>)> = None;
        for l in &plan.leaves {
            if let Leaf::Arr(a) = l {
                let (dt, sh) = (a.dtype(), a.shape());
                match &first {
                    None => first = Some((dt, sh.to_vec())),
                    Some((d, s)) if *d == dt && s.as_slice() == sh => {}
                    Some(_) => return None,
                }
            }
        }
        let (dt, shape) = first?;
        if shape.iter().product::<usize>() < MIN_ELEMENTS {
            return None;
        }
        // Scalars must not change the result dtype (NEP 50): any int/float
        // number with float64 arrays; only weak (literal) numbers with float32.
        for l in &plan.leaves {
            if let Leaf::Num(s, weak) = l {
                let ok =
                    matches!(s, Scalar::I64(_) | Scalar::F64(_)) && (dt == DType::F64 || *weak);
                if !ok {
                    return None;
                }
            }
        }
        // Number leaves become constants, array leaves inputs.
        let mut input_of = Vec::with_capacity(plan.leaves.len());
        let mut n_inputs = 0;
        for l in &plan.leaves {
            match l {
                Leaf::Arr(_) | Leaf::Gpu(_) => {
                    input_of.push(Some(n_inputs));
                    n_inputs += 1;
                }
                Leaf::Num(..) => input_of.push(None),
            }
        }
        let steps: Vec<Step> = plan
            .steps
            .iter()
            .map(|s| match *s {
                Step::Input(k) => match (&plan.leaves[k], input_of[k]) {
                    (Leaf::Num(v, _), _) => Step::Const(v.as_f64()),
                    (_, Some(i)) => Step::Input(i),
                    (_, None) => Step::Const(0.0),
                },
                other => other,
            })
            .collect();
        match dt {
            DType::F64 => {
                let ins: Option<Vec<&[f64]>> = plan
                    .leaves
                    .iter()
                    .filter_map(|l| match l {
                        Leaf::Arr(Array::F64(a)) => Some(a.as_slice()),
                        Leaf::Arr(_) | Leaf::Gpu(_) => Some(None),
                        Leaf::Num(..) => None,
                    })
                    .collect();
                fused::run::<f64>(&steps, &ins?, &shape).map(|a| Value::Array(Array::F64(a)))
            }
            DType::F32 => {
                let ins: Option<Vec<&[f32]>> = plan
                    .leaves
                    .iter()
                    .filter_map(|l| match l {
                        Leaf::Arr(Array::F32(a)) => Some(a.as_slice()),
                        Leaf::Arr(_) | Leaf::Gpu(_) => Some(None),
                        Leaf::Num(..) => None,
                    })
                    .collect();
                fused::run::<f32>(&steps, &ins?, &shape).map(|a| Value::Array(Array::F32(a)))
            }
            _ => None,
        }
    }

    /// Append `e`'s postfix steps; answers whether the subtree holds an
    /// array. Operations on numbers alone are refused (the ordinary path
    /// computes those in float64 or int64 first, which a fused float32
    /// program would not reproduce).
    fn compile(&self, e: &Expr, plan: &mut Plan) -> Option<bool> {
        if plan.steps.len() >= MAX_STEPS {
            return None;
        }
        match &e.kind {
            ExprKind::Int(i) => self.leaf(Leaf::Num(Scalar::I64(*i), true), plan),
            ExprKind::Float(f) => self.leaf(Leaf::Num(Scalar::F64(*f), true), plan),
            ExprKind::Name(s) => match self.lookup(*s)? {
                Value::Array(a) if a.dtype().is_float() => self.leaf(Leaf::Arr(a.clone()), plan),
                Value::Num(v, w) => self.leaf(Leaf::Num(*v, *w), plan),
                Value::Gpu(a) if a.kind == crate::gpu::Kind::F32 => {
                    self.leaf(Leaf::Gpu(a.clone()), plan)
                }
                _ => None,
            },
            ExprKind::Unary(UnOp::Neg, x) => {
                if !self.compile(x, plan)? {
                    return None;
                }
                plan.steps.push(Step::Unary(UnaryOp::Neg));
                Some(true)
            }
            ExprKind::Binary(op, a, b) => {
                let bop = arith(*op)?;
                let la = self.compile(a, plan)?;
                let lb = self.compile(b, plan)?;
                if !la && !lb {
                    return None;
                }
                plan.steps.push(Step::Binary(bop));
                Some(true)
            }
            ExprKind::Call(f, args) => {
                let ExprKind::Name(s) = &f.kind else {
                    return None;
                };
                let Value::Func(Func::Builtin(b)) = self.lookup(*s)? else {
                    return None;
                };
                let op = math_fn(b.name)?;
                let [arg] = args.as_slice() else {
                    return None;
                };
                if arg.name.is_some() || !self.compile(&arg.value, plan)? {
                    return None;
                }
                plan.steps.push(Step::Unary(op));
                Some(true)
            }
            _ => None,
        }
    }

    /// The plan as one generated GPU kernel; `None` (ordinary path) when a
    /// GPU error or an unsupported case comes up — leaves are only names and
    /// literals, so evaluating again is harmless.
    fn gpu_fused_plan(&mut self, plan: &Plan) -> Option<Value> {
        use crate::gpu::kernels::G;
        let vals: Vec<Value> = plan
            .leaves
            .iter()
            .map(|l| match l {
                Leaf::Arr(a) => Value::Array(a.clone()),
                Leaf::Num(s, w) => Value::Num(*s, *w),
                Leaf::Gpu(a) => Value::Gpu(a.clone()),
            })
            .collect();
        let prog: Vec<G> = plan
            .steps
            .iter()
            .map(|s| match *s {
                Step::Input(k) => Some(G::Input(k)),
                Step::Unary(op) => Some(G::Unary(op)),
                Step::Binary(op) => Some(G::Binary(op)),
                Step::Const(_) => None,
            })
            .collect::<Option<Vec<G>>>()?;
        let refs: Vec<&Value> = vals.iter().collect();
        self.gpu_fused(&refs, &prog).ok().flatten()
    }

    fn leaf(&self, l: Leaf, plan: &mut Plan) -> Option<bool> {
        let is_array = matches!(l, Leaf::Arr(_) | Leaf::Gpu(_));
        plan.steps.push(Step::Input(plan.leaves.len()));
        plan.leaves.push(l);
        Some(is_array)
    }
}
