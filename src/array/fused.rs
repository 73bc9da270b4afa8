//! Fused elementwise kernels: a whole float expression such as
//! `a*b + c*d - a/e` evaluated in one pass over its inputs, a cache-sized
//! block at a time, with no full-size temporaries (numexpr's idea, without
//! the string). Blocks run in parallel with rayon above `PAR_THRESHOLD`.
//!
//! Each step applies the same scalar function as the unfused kernels
//! (`float_fn`, `float_op` and the arithmetic closures), in the same order,
//! so fused results equal unfused ones bit for bit (tested).

use super::elementwise::{float_fn, float_op, BinaryOp, FloatK, UnaryOp};
use super::shape_ops::PAR_THRESHOLD;
use super::{vmath, Arr, Element};
use ndarray::{ArrayD, IxDyn};
use num_traits::Float;
use rayon::prelude::*;
use std::mem::MaybeUninit;

/// Fused programs run so far (tests use it to see that fusion happened).
pub static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Elements per block: the working set (inputs + a few temporaries) stays in
/// the L1/L2 caches.
const BLOCK: usize = 1024;

/// One step of a postfix program.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    /// Push input array `i`.
    Input(usize),
    /// Push a constant (already cast to the program's dtype when run).
    Const(f64),
    /// Pop one, push `op(x)`.
    Unary(UnaryOp),
    /// Pop `y`, pop `x`, push `x op y`.
    Binary(BinaryOp),
}

/// Check a program: every step has its operands, one value is left, and the
/// ops are ones this module can run. Returns the stack depth needed.
pub fn check(prog: &[Step], inputs: usize) -> Option<usize> {
    let (mut depth, mut max) = (0usize, 0usize);
    for s in prog {
        match *s {
            Step::Input(i) if i < inputs => depth += 1,
            Step::Input(_) => return None,
            Step::Const(_) => depth += 1,
            Step::Unary(op) => {
                if depth < 1 || float_fn::<f64>(op).is_none() {
                    return None;
                }
            }
            Step::Binary(op) => {
                if depth < 2
                    || !matches!(
                        op,
                        BinaryOp::Add
                            | BinaryOp::Sub
                            | BinaryOp::Mul
                            | BinaryOp::Div
                            | BinaryOp::Pow
                    )
                {
                    return None;
                }
                depth -= 1;
            }
        }
        max = max.max(depth);
    }
    (depth == 1).then_some(max)
}

enum Src {
    In(usize),
    Const,
    Tmp(usize),
}

/// Run `prog` over `inputs` (equal-length slices) into a new array of `shape`.
/// The caller has validated the program with `check`.
pub fn run<T: Element + Float + vmath::Lane + Default>(
    prog: &[Step],
    inputs: &[&[T]],
    shape: &[usize],
) -> Option<Arr<T>> {
    let depth = check(prog, inputs.len())?;
    RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let n: usize = shape.iter().product();
    if inputs.iter().any(|x| x.len() != n) {
        return None;
    }
    let mut out: Vec<T> = Vec::with_capacity(n);
    let block = |start: usize, dst: &mut [MaybeUninit<T>], tmp: &mut Vec<Vec<T>>| {
        eval_block(prog, inputs, start, dst, depth, tmp);
    };
    {
        let spare = &mut out.spare_capacity_mut()[..n];
        // Chains with a transcendental function pay for the split sooner.
        let costly = prog.iter().any(|s| {
            matches!(s, Step::Unary(op) if op.is_math_fn() && !matches!(op, UnaryOp::Abs | UnaryOp::Sqrt))
                || matches!(s, Step::Binary(BinaryOp::Pow))
        });
        let par_from = if costly {
            crate::array::elementwise::PAR_THRESHOLD_COSTLY
        } else {
            PAR_THRESHOLD
        };
        let chunk_len = if costly { BLOCK } else { BLOCK * 16 };
        if n >= par_from {
            spare.par_chunks_mut(chunk_len).enumerate().for_each_init(
                Vec::new,
                |tmp, (k, chunk)| {
                    let base = k * chunk_len;
                    for (j, sub) in chunk.chunks_mut(BLOCK).enumerate() {
                        block(base + j * BLOCK, sub, tmp);
                    }
                },
            );
        } else {
            let mut tmp = Vec::new();
            for (k, sub) in spare.chunks_mut(BLOCK).enumerate() {
                block(k * BLOCK, sub, &mut tmp);
            }
        }
    }
    // SAFETY: eval_block wrote every one of the first n elements.
    unsafe { out.set_len(n) };
    ArrayD::from_shape_vec(IxDyn(shape), out)
        .ok()
        .map(|a| a.into_shared())
}

/// Evaluate the program on elements `start .. start + dst.len()`.
fn eval_block<T: Element + Float + vmath::Lane + Default>(
    prog: &[Step],
    inputs: &[&[T]],
    start: usize,
    dst: &mut [MaybeUninit<T>],
    depth: usize,
    tmp: &mut Vec<Vec<T>>,
) {
    let len = dst.len();
    while tmp.len() < depth {
        tmp.push(vec![<T as Element>::zero(); BLOCK]);
    }
    let mut stack: Vec<Src> = Vec::with_capacity(depth);
    let mut free: Vec<usize> = (0..depth).rev().collect();
    let mut const_of: Vec<T> = Vec::with_capacity(depth);
    for s in prog {
        match *s {
            Step::Input(i) => stack.push(Src::In(i)),
            Step::Const(c) => {
                const_of.push(T::from_f64(c));
                stack.push(Src::Const);
            }
            Step::Unary(op) => {
                let Some(f) = float_fn::<T>(op) else { return };
                let vf = vmath::Fun::of(op);
                let x = stack.pop();
                let t = match x {
                    Some(Src::Tmp(t)) => t,
                    Some(Src::In(i)) => {
                        let Some(t) = free.pop() else { return };
                        let src = &inputs[i][start..start + len];
                        match (vf, op) {
                            (Some(vf), _) => vmath::apply_into(vf, src, &mut tmp[t][..len]),
                            (None, UnaryOp::Neg) => {
                                for (o, &v) in tmp[t][..len].iter_mut().zip(src) {
                                    *o = -v;
                                }
                            }
                            (None, _) => {
                                for (o, &v) in tmp[t][..len].iter_mut().zip(src) {
                                    *o = f(v);
                                }
                            }
                        }
                        stack.push(Src::Tmp(t));
                        continue;
                    }
                    Some(Src::Const) => {
                        let Some(c) = const_of.pop() else { return };
                        const_of.push(f(c));
                        stack.push(Src::Const);
                        continue;
                    }
                    None => return,
                };
                match (vf, op) {
                    (Some(vf), _) => vmath::apply_inplace(vf, &mut tmp[t][..len]),
                    // Inlined loops for the cheap exact ones (`f` is a
                    // pointer: one indirect call per element); same values.
                    (None, UnaryOp::Neg) => {
                        for o in tmp[t][..len].iter_mut() {
                            *o = -*o;
                        }
                    }
                    (None, UnaryOp::Abs) => {
                        for o in tmp[t][..len].iter_mut() {
                            *o = o.abs();
                        }
                    }
                    (None, _) => {
                        for o in tmp[t][..len].iter_mut() {
                            *o = f(*o);
                        }
                    }
                }
                stack.push(Src::Tmp(t));
            }
            Step::Binary(op) => {
                let (Some(y), Some(x)) = (stack.pop(), stack.pop()) else {
                    return;
                };
                // Constants are popped in reverse order of pushing.
                let cy = if matches!(y, Src::Const) {
                    const_of.pop()
                } else {
                    None
                };
                let cx = if matches!(x, Src::Const) {
                    const_of.pop()
                } else {
                    None
                };
                if let (Some(a), Some(b)) = (cx, cy) {
                    const_of.push(apply(op, a, b));
                    stack.push(Src::Const);
                    continue;
                }
                // The destination: reuse a temporary operand, else a free one.
                let dst_t = match (&x, &y) {
                    (Src::Tmp(t), _) => *t,
                    (_, Src::Tmp(t)) => *t,
                    _ => match free.pop() {
                        Some(t) => t,
                        None => return,
                    },
                };
                binary_block(op, &x, &y, cx, cy, inputs, start, len, dst_t, tmp);
                if let (Src::Tmp(a), Src::Tmp(b)) = (&x, &y) {
                    // Both were temporaries: the one not reused is free again.
                    free.push(if *a == dst_t { *b } else { *a });
                }
                stack.push(Src::Tmp(dst_t));
            }
        }
    }
    match stack.pop() {
        Some(Src::Tmp(t)) => {
            for (o, &v) in dst.iter_mut().zip(&tmp[t][..len]) {
                o.write(v);
            }
        }
        Some(Src::In(i)) => {
            for (o, &v) in dst.iter_mut().zip(&inputs[i][start..start + len]) {
                o.write(v);
            }
        }
        Some(Src::Const) => {
            let c = const_of.pop().unwrap_or_else(<T as Element>::zero);
            for o in dst.iter_mut() {
                o.write(c);
            }
        }
        None => {}
    }
}

#[inline(always)]
fn apply<T: Float + vmath::Lane>(op: BinaryOp, a: T, b: T) -> T {
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        _ => match float_op::<T>(op) {
            FloatK::F(f) => f(a, b),
            FloatK::Cmp(_) => T::nan(),
        },
    }
}

/// `tmp[dst] = x op y` over one block, with each operand an input slice, a
/// temporary or a constant. One monomorphic loop per arithmetic op.
#[allow(clippy::too_many_arguments)]
fn binary_block<T: Element + Float + vmath::Lane>(
    op: BinaryOp,
    x: &Src,
    y: &Src,
    cx: Option<T>,
    cy: Option<T>,
    inputs: &[&[T]],
    start: usize,
    len: usize,
    dst: usize,
    tmp: &mut [Vec<T>],
) {
    // Copy operands that alias the destination so the loop can borrow freely.
    let read = |s: &Src, c: Option<T>, tmp: &[Vec<T>], buf: &mut Vec<T>| -> Option<T> {
        match s {
            Src::Const => c,
            Src::In(i) => {
                buf.clear();
                buf.extend_from_slice(&inputs[*i][start..start + len]);
                None
            }
            Src::Tmp(t) => {
                buf.clear();
                buf.extend_from_slice(&tmp[*t][..len]);
                None
            }
        }
    };
    // Fast paths without copies: the destination is one operand's temporary.
    macro_rules! run_op {
        ($f:expr) => {{
            let f = $f;
            match (x, y) {
                (Src::Tmp(a), Src::In(i)) if *a == dst => {
                    for (o, &q) in tmp[dst][..len]
                        .iter_mut()
                        .zip(&inputs[*i][start..start + len])
                    {
                        *o = f(*o, q);
                    }
                }
                (Src::In(i), Src::Tmp(b)) if *b == dst => {
                    for (o, &p) in tmp[dst][..len]
                        .iter_mut()
                        .zip(&inputs[*i][start..start + len])
                    {
                        *o = f(p, *o);
                    }
                }
                (Src::Tmp(a), Src::Const) if *a == dst => {
                    let q = cy.unwrap_or_else(<T as Element>::zero);
                    for o in tmp[dst][..len].iter_mut() {
                        *o = f(*o, q);
                    }
                }
                (Src::Const, Src::Tmp(b)) if *b == dst => {
                    let p = cx.unwrap_or_else(<T as Element>::zero);
                    for o in tmp[dst][..len].iter_mut() {
                        *o = f(p, *o);
                    }
                }
                (Src::In(i), Src::In(j)) => {
                    let (a, b) = (
                        &inputs[*i][start..start + len],
                        &inputs[*j][start..start + len],
                    );
                    for ((o, &p), &q) in tmp[dst][..len].iter_mut().zip(a).zip(b) {
                        *o = f(p, q);
                    }
                }
                (Src::In(i), Src::Const) => {
                    let q = cy.unwrap_or_else(<T as Element>::zero);
                    for (o, &p) in tmp[dst][..len]
                        .iter_mut()
                        .zip(&inputs[*i][start..start + len])
                    {
                        *o = f(p, q);
                    }
                }
                (Src::Const, Src::In(j)) => {
                    let p = cx.unwrap_or_else(<T as Element>::zero);
                    for (o, &q) in tmp[dst][..len]
                        .iter_mut()
                        .zip(&inputs[*j][start..start + len])
                    {
                        *o = f(p, q);
                    }
                }
                (Src::Tmp(a), Src::Tmp(b)) if *a == dst && *b != dst => {
                    let (lo, hi) = tmp.split_at_mut(dst.max(*b));
                    let (d, s) = if dst < *b {
                        (&mut lo[dst], &hi[0])
                    } else {
                        (&mut hi[0], &lo[*b])
                    };
                    for (o, &q) in d[..len].iter_mut().zip(&s[..len]) {
                        *o = f(*o, q);
                    }
                }
                (Src::Tmp(a), Src::Tmp(b)) if *b == dst && *a != dst => {
                    let (lo, hi) = tmp.split_at_mut(dst.max(*a));
                    let (d, s) = if dst < *a {
                        (&mut lo[dst], &hi[0])
                    } else {
                        (&mut hi[0], &lo[*a])
                    };
                    for (o, &p) in d[..len].iter_mut().zip(&s[..len]) {
                        *o = f(p, *o);
                    }
                }
                _ => {
                    // Rare shapes (e.g. x op x on one temporary): copy first.
                    let (mut bx, mut by) = (Vec::new(), Vec::new());
                    let px = read(x, cx, tmp, &mut bx);
                    let py = read(y, cy, tmp, &mut by);
                    for k in 0..len {
                        let p = px.unwrap_or_else(|| bx[k]);
                        let q = py.unwrap_or_else(|| by[k]);
                        tmp[dst][k] = f(p, q);
                    }
                }
            }
        }};
    }
    if op == BinaryOp::Pow {
        // The vectorised kernel over the whole block: input and constant
        // operands as they are, temporaries copied out.
        let arg = |s: &Src, c: Option<T>| match s {
            Src::Const => Some(vmath::Arg::Scalar(c.unwrap_or_else(<T as Element>::zero))),
            Src::In(i) => Some(vmath::Arg::Slice(&inputs[*i][start..start + len])),
            Src::Tmp(_) => None,
        };
        if let (Some(ax), Some(ay)) = (arg(x, cx), arg(y, cy)) {
            vmath::pow_into(ax, ay, &mut tmp[dst][..len]);
            return;
        }
        let (mut bx, mut by) = (Vec::new(), Vec::new());
        let px = read(x, cx, tmp, &mut bx);
        let py = read(y, cy, tmp, &mut by);
        let ax = px.map_or(vmath::Arg::Slice(&bx[..]), vmath::Arg::Scalar);
        let ay = py.map_or(vmath::Arg::Slice(&by[..]), vmath::Arg::Scalar);
        vmath::pow_into(ax, ay, &mut tmp[dst][..len]);
        return;
    }
    match op {
        BinaryOp::Add => run_op!(|p: T, q: T| p + q),
        BinaryOp::Sub => run_op!(|p: T, q: T| p - q),
        BinaryOp::Mul => run_op!(|p: T, q: T| p * q),
        BinaryOp::Div => run_op!(|p: T, q: T| p / q),
        _ => run_op!(|p: T, q: T| apply(op, p, q)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::array::elementwise::{binary, unary, Operand};
    use crate::array::{Array, Scalar};

    fn data(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) * 4.0 - 1.0
            })
            .collect()
    }

    /// Fused results equal the unfused kernels bit for bit, serial and
    /// parallel sizes, including a block-size remainder.
    #[test]
    fn fused_equals_unfused() {
        use BinaryOp::*;
        for n in [1usize, 7, 1024, 1025, 70001, 300_000] {
            let (a, b, c) = (data(n, 1), data(n, 2), data(n, 3));
            // exp(a*b + c*2.5) - a/c ** 2 ... as postfix:
            let prog = [
                Step::Input(0),
                Step::Input(1),
                Step::Binary(Mul),
                Step::Input(2),
                Step::Const(2.5),
                Step::Binary(Mul),
                Step::Binary(Add),
                Step::Unary(UnaryOp::Exp),
                Step::Input(0),
                Step::Input(2),
                Step::Binary(Div),
                Step::Const(2.0),
                Step::Binary(Pow),
                Step::Binary(Sub),
                Step::Unary(UnaryOp::Neg),
            ];
            let fused = run::<f64>(&prog, &[&a, &b, &c], &[n]).expect("valid program");
            let arr = |v: &Vec<f64>| {
                Operand::Array(Array::F64(
                    ArrayD::from_shape_vec(IxDyn(&[n]), v.clone())
                        .expect("shape")
                        .into_shared(),
                ))
            };
            let k = |x: f64| Operand::Scalar(Scalar::F64(x), true);
            let (oa, ob, oc) = (arr(&a), arr(&b), arr(&c));
            let ab = binary(Mul, &oa, &ob).expect("mul");
            let c25 = binary(Mul, &oc, &k(2.5)).expect("mul");
            let s = binary(Add, &ab, &c25).expect("add");
            let e = unary(UnaryOp::Exp, &s).expect("exp");
            let ac = binary(Div, &oa, &oc).expect("div");
            let p = binary(Pow, &ac, &k(2.0)).expect("pow");
            let d = binary(Sub, &e, &p).expect("sub");
            let want = unary(UnaryOp::Neg, &d).expect("neg");
            let Operand::Array(Array::F64(w)) = want else {
                panic!("float64 array expected")
            };
            assert_eq!(fused.shape(), w.shape());
            for (x, y) in fused.iter().zip(w.iter()) {
                assert!(
                    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
                    "n={n}: {x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn bad_programs_are_refused() {
        assert_eq!(check(&[Step::Binary(BinaryOp::Add)], 0), None);
        assert_eq!(check(&[Step::Input(0), Step::Input(0)], 1), None);
        assert_eq!(check(&[Step::Input(3)], 1), None);
        assert_eq!(
            check(
                &[Step::Input(0), Step::Input(0), Step::Binary(BinaryOp::Lt)],
                1
            ),
            None
        );
        assert_eq!(
            check(&[Step::Input(0), Step::Unary(UnaryOp::IsNan)], 1),
            None
        );
        assert_eq!(
            check(
                &[Step::Input(0), Step::Input(0), Step::Binary(BinaryOp::Add)],
                1
            ),
            Some(2)
        );
    }
}
