//! Elementwise fusion on the CPU: an expression tree of `+ - * / **`,
//! unary minus and maths builtins (`exp`, `sqrt`, ...) whose leaves are
//! names and number literals is compiled to a postfix program and run by
//! `array::fused` in one pass, when its arrays are large, of one float dtype,
//! one shape and contiguous. Anything else takes the ordinary path, so the
//! planner only has to be right about when it answers.

use crate::array::elementwise::UnaryOp;
use crate::array::fused::Step;
use crate::array::Scalar;
use crate::ops::props::{self, Fusion};
use crate::ops::Interp;
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

struct Plan {
    steps: Vec<Step>,
    /// Arrays (on either device) and numbers, as `fusion_leaf` accepts them.
    leaves: Vec<Value>,
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
        self.run_fused(&plan.steps, &plan.leaves, MIN_ELEMENTS)
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
            ExprKind::Int(i) => self.leaf(Value::Num(Scalar::I64(*i), true), plan),
            ExprKind::Float(f) => self.leaf(Value::Num(Scalar::F64(*f), true), plan),
            ExprKind::Name(s) => {
                let v = self.lookup(*s)?;
                self.fusion_leaf(v)?;
                let v = v.clone();
                self.leaf(v, plan)
            }
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
                let Fusion::Map(op) = props::fusion(*b) else {
                    return None;
                };
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

    fn leaf(&self, l: Value, plan: &mut Plan) -> Option<bool> {
        let is_array = self.fusion_leaf(&l)?;
        plan.steps.push(Step::Input(plan.leaves.len()));
        plan.leaves.push(l);
        Some(is_array)
    }
}
