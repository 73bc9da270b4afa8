//! What each primitive means for gradients, devices and fusion: one
//! exhaustive `match` per property, with no catch-all arm, so a new row in
//! the builtin table does not compile until each property is decided here.

use crate::array::elementwise::{BinaryOp as B, UnaryOp as U};
use crate::prim::Prim as P;

/// How `grad` treats a primitive that sees a traced argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Derivative {
    /// A rule in `autodiff::backward` (the call is recorded on the tape).
    Rule,
    /// The result carries no gradient (integers, booleans, metadata, values
    /// that do not depend on the inputs): traced arguments are stripped.
    Constant,
    /// Not differentiable (an error under `grad`), and why.
    Not(&'static str),
}

pub fn derivative(p: P) -> Derivative {
    match p {
        // the maths functions: one unary rule each (`backward::unary_rule`)
        P::Abs
        | P::Sqrt
        | P::Exp
        | P::Log
        | P::Log2
        | P::Log10
        | P::Log1p
        | P::Expm1
        | P::Sin
        | P::Cos
        | P::Tan
        | P::Arcsin
        | P::Arccos
        | P::Arctan
        | P::Sinh
        | P::Cosh
        | P::Tanh => Derivative::Rule,
        P::Arctan2 | P::Maximum | P::Minimum | P::Clip | P::Where => Derivative::Rule,
        // reductions
        P::Sum | P::Mean | P::Prod | P::Var | P::Std | P::Min | P::Max | P::Cumsum => {
            Derivative::Rule
        }
        // shape functions
        P::Reshape
        | P::Transpose
        | P::Flatten
        | P::Squeeze
        | P::ExpandDims
        | P::BroadcastTo
        | P::Concatenate
        | P::Stack
        | P::Vstack
        | P::Hstack
        | P::Flip
        | P::Roll => Derivative::Rule,
        // linear algebra
        P::Matmul | P::Dot | P::Outer | P::Trace | P::Inv | P::Solve | P::Det | P::Norm => {
            Derivative::Rule
        }
        // conversions and copies pass the cotangent through
        P::Astype | P::Copy | P::Array | P::Float | P::To => Derivative::Rule,
        // metadata: integers, strings, dtypes
        P::Shape | P::Ndim | P::Size | P::Dtype | P::Len | P::Type | P::Device | P::Keys => {
            Derivative::Constant
        }
        // a constant by definition: the trace is stripped
        P::StopGradient => Derivative::Constant,
        // indices and sets: piecewise constant
        P::Argmin | P::Argmax | P::Argsort | P::Searchsorted => Derivative::Constant,
        P::Unique => Derivative::Not("the size of its result depends on the values"),
        // booleans and integer-valued steps: zero almost everywhere
        P::Isnan
        | P::Isinf
        | P::Isfinite
        | P::Sign
        | P::Floor
        | P::Ceil
        | P::Round
        | P::Trunc
        | P::Isclose
        | P::Allclose
        | P::Any
        | P::All => Derivative::Constant,
        // printing, checks and conversions to text or integers
        P::Print | P::Assert | P::Help | P::Str | P::Repr | P::Int | P::Time => {
            Derivative::Constant
        }
        // constructors: the result does not depend on the values passed
        P::ZerosLike | P::OnesLike | P::Range | P::Arange | P::Eye | P::Zeros | P::Ones => {
            Derivative::Constant
        }
        // constructors whose values come from their arguments
        P::Full | P::FullLike | P::Linspace => Derivative::Rule,
        P::Grad | P::ValueAndGrad | P::Jacobian | P::Hessian => Derivative::Not(
            "it takes a function, not numbers: nest grad(grad(f)) for higher derivatives",
        ),
        P::Load | P::Save | P::Loadtxt | P::Savetxt => Derivative::Not("it reads or writes a file"),
        P::Pinv | P::Cholesky => Derivative::Rule,
        // several results: one tape node per float result (`Op::Part`)
        P::Lstsq | P::Eigh | P::Svd | P::Qr | P::Split => Derivative::Rule,
        P::Eig => Derivative::Not(
            "a general matrix's eigenvectors are complex in general, and arr has no complex numbers yet; for a symmetric matrix use eigh, which has a rule",
        ),
        P::MatrixRank => Derivative::Constant,
        P::Plot
        | P::Scatter
        | P::Hist
        | P::Bar
        | P::Imshow
        | P::Title
        | P::Xlabel
        | P::Ylabel
        | P::Legend
        | P::Xlim
        | P::Ylim
        | P::Grid
        | P::Figure
        | P::Subplot
        | P::Savefig
        | P::Show => Derivative::Not("it draws a chart"),
        P::Seed
        | P::Rand
        | P::Randn
        | P::Randint
        | P::Uniform
        | P::Normal
        | P::Choice
        | P::Permutation
        | P::Shuffle => {
            Derivative::Not("random draws have no derivative with respect to their arguments")
        }
        P::Tile
        | P::Repeat
        | P::Median
        | P::Quantile
        | P::Diff
        | P::Sort
        | P::Inner
        | P::Cumprod => Derivative::Rule,

        P::GpuAdapter => Derivative::Not("it reports the GPU in use"),
    }
}

/// The elementwise op a one-argument maths builtin applies (`exp(x)`), so
/// the evaluator can call the kernel without binding arguments.
pub fn elementwise(p: P) -> Option<U> {
    match p {
        P::Abs => Some(U::Abs),
        P::Sqrt => Some(U::Sqrt),
        P::Exp => Some(U::Exp),
        P::Log => Some(U::Log),
        P::Log2 => Some(U::Log2),
        P::Log10 => Some(U::Log10),
        P::Log1p => Some(U::Log1p),
        P::Expm1 => Some(U::Expm1),
        P::Sin => Some(U::Sin),
        P::Cos => Some(U::Cos),
        P::Tan => Some(U::Tan),
        P::Arcsin => Some(U::Arcsin),
        P::Arccos => Some(U::Arccos),
        P::Arctan => Some(U::Arctan),
        P::Sinh => Some(U::Sinh),
        P::Cosh => Some(U::Cosh),
        P::Tanh => Some(U::Tanh),
        P::Floor => Some(U::Floor),
        P::Ceil => Some(U::Ceil),
        P::Trunc => Some(U::Trunc),
        P::Sign => Some(U::Sign),
        P::Isnan => Some(U::IsNan),
        P::Isinf => Some(U::IsInf),
        P::Isfinite => Some(U::IsFinite),
        // not one-argument elementwise maths (`round` takes `decimals`)
        P::Grad
        | P::ValueAndGrad
        | P::Jacobian
        | P::Hessian
        | P::Load
        | P::Save
        | P::Loadtxt
        | P::Savetxt
        | P::Norm
        | P::Inv
        | P::Pinv
        | P::Solve
        | P::Det
        | P::Lstsq
        | P::Eig
        | P::Eigh
        | P::Svd
        | P::Qr
        | P::Cholesky
        | P::MatrixRank
        | P::Plot
        | P::Scatter
        | P::Hist
        | P::Bar
        | P::Imshow
        | P::Title
        | P::Xlabel
        | P::Ylabel
        | P::Legend
        | P::Xlim
        | P::Ylim
        | P::Grid
        | P::Figure
        | P::Subplot
        | P::Savefig
        | P::Show
        | P::Seed
        | P::Rand
        | P::Randn
        | P::Randint
        | P::Uniform
        | P::Normal
        | P::Choice
        | P::Permutation
        | P::Shuffle
        | P::Array
        | P::Zeros
        | P::Ones
        | P::Full
        | P::Eye
        | P::Arange
        | P::Linspace
        | P::ZerosLike
        | P::OnesLike
        | P::FullLike
        | P::Range
        | P::Reshape
        | P::Transpose
        | P::Flatten
        | P::Squeeze
        | P::ExpandDims
        | P::Concatenate
        | P::Stack
        | P::Vstack
        | P::Hstack
        | P::Split
        | P::Tile
        | P::Repeat
        | P::Flip
        | P::Roll
        | P::BroadcastTo
        | P::Arctan2
        | P::Round
        | P::Clip
        | P::Maximum
        | P::Minimum
        | P::Where
        | P::Isclose
        | P::Allclose
        | P::Sum
        | P::Prod
        | P::Mean
        | P::Var
        | P::Std
        | P::Min
        | P::Max
        | P::Argmin
        | P::Argmax
        | P::Any
        | P::All
        | P::Median
        | P::Quantile
        | P::Cumsum
        | P::Cumprod
        | P::Diff
        | P::Sort
        | P::Argsort
        | P::Unique
        | P::Searchsorted
        | P::Matmul
        | P::Dot
        | P::Outer
        | P::Inner
        | P::Trace
        | P::Print
        | P::Len
        | P::Shape
        | P::Ndim
        | P::Size
        | P::Dtype
        | P::Astype
        | P::Copy
        | P::StopGradient
        | P::Assert
        | P::Help
        | P::Type
        | P::Device
        | P::To
        | P::GpuAdapter
        | P::Keys
        | P::Time
        | P::Str
        | P::Repr
        | P::Int
        | P::Float => None,
    }
}

/// How a primitive runs when a GPU value is involved or in a GPU block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnGpu {
    /// Metadata read from the GPU array itself (shape, dtype, device).
    Meta,
    /// `to(x, device)`: moves between devices.
    Move,
    /// One elementwise WGSL kernel.
    Unary(U),
    Binary(B),
    /// A kernel of its own in `ops::gpu` (reductions, where, matmul, views).
    Kernel,
    /// No GPU kernel: arguments are read back to the CPU with a note, and a
    /// float result made in a GPU block goes back up.
    Cpu,
    /// Its work is reading values (printing, saving, conversions): GPU
    /// arguments are read back with no note, and the result stays on the CPU.
    ReadsBack,
}

pub fn on_gpu(p: P) -> OnGpu {
    match p {
        // read from the GPU array's header
        P::Shape | P::Ndim | P::Size | P::Len | P::Dtype | P::Device => OnGpu::Meta,
        P::To => OnGpu::Move,
        P::Abs => OnGpu::Unary(U::Abs),
        P::Sqrt => OnGpu::Unary(U::Sqrt),
        P::Exp => OnGpu::Unary(U::Exp),
        P::Log => OnGpu::Unary(U::Log),
        P::Log2 => OnGpu::Unary(U::Log2),
        P::Log10 => OnGpu::Unary(U::Log10),
        P::Log1p => OnGpu::Unary(U::Log1p),
        P::Expm1 => OnGpu::Unary(U::Expm1),
        P::Sin => OnGpu::Unary(U::Sin),
        P::Cos => OnGpu::Unary(U::Cos),
        P::Tan => OnGpu::Unary(U::Tan),
        P::Arcsin => OnGpu::Unary(U::Arcsin),
        P::Arccos => OnGpu::Unary(U::Arccos),
        P::Arctan => OnGpu::Unary(U::Arctan),
        P::Sinh => OnGpu::Unary(U::Sinh),
        P::Cosh => OnGpu::Unary(U::Cosh),
        P::Tanh => OnGpu::Unary(U::Tanh),
        P::Floor => OnGpu::Unary(U::Floor),
        P::Ceil => OnGpu::Unary(U::Ceil),
        P::Trunc => OnGpu::Unary(U::Trunc),
        P::Sign => OnGpu::Unary(U::Sign),
        P::Isnan => OnGpu::Unary(U::IsNan),
        P::Isinf => OnGpu::Unary(U::IsInf),
        P::Isfinite => OnGpu::Unary(U::IsFinite),
        P::Maximum => OnGpu::Binary(B::Maximum),
        P::Minimum => OnGpu::Binary(B::Minimum),
        P::Arctan2 => OnGpu::Binary(B::Arctan2),
        // a kernel of their own in `ops::gpu`
        P::Where
        | P::Clip
        | P::Sum
        | P::Mean
        | P::Prod
        | P::Max
        | P::Min
        | P::Any
        | P::All
        | P::Argmax
        | P::Argmin
        | P::Matmul
        | P::Transpose
        | P::Reshape
        | P::Flatten
        | P::BroadcastTo
        | P::ExpandDims
        | P::Copy
        | P::StopGradient
        | P::Astype
        | P::Concatenate => OnGpu::Kernel,
        // computed on the CPU: the GPU arguments are read back, with a note
        P::Grad
        | P::ValueAndGrad
        | P::Jacobian
        | P::Hessian
        | P::Norm
        | P::Inv
        | P::Pinv
        | P::Solve
        | P::Det
        | P::Lstsq
        | P::Eig
        | P::Eigh
        | P::Svd
        | P::Qr
        | P::Cholesky
        | P::MatrixRank
        | P::Squeeze
        | P::Stack
        | P::Vstack
        | P::Hstack
        | P::Split
        | P::Tile
        | P::Repeat
        | P::Flip
        | P::Roll
        | P::Round
        | P::Isclose
        | P::Allclose
        | P::Var
        | P::Std
        | P::Median
        | P::Quantile
        | P::Cumsum
        | P::Cumprod
        | P::Diff
        | P::Sort
        | P::Argsort
        | P::Unique
        | P::Searchsorted
        | P::Dot
        | P::Outer
        | P::Inner
        | P::Trace => OnGpu::Cpu,
        // their work is reading values (printing, saving, conversions): no note
        P::Load
        | P::Save
        | P::Loadtxt
        | P::Savetxt
        | P::Plot
        | P::Scatter
        | P::Hist
        | P::Bar
        | P::Imshow
        | P::Title
        | P::Xlabel
        | P::Ylabel
        | P::Legend
        | P::Xlim
        | P::Ylim
        | P::Grid
        | P::Figure
        | P::Subplot
        | P::Savefig
        | P::Show
        | P::Seed
        | P::Rand
        | P::Randn
        | P::Randint
        | P::Uniform
        | P::Normal
        | P::Choice
        | P::Permutation
        | P::Shuffle
        | P::Array
        | P::Zeros
        | P::Ones
        | P::Full
        | P::Eye
        | P::Arange
        | P::Linspace
        | P::ZerosLike
        | P::OnesLike
        | P::FullLike
        | P::Range
        | P::Print
        | P::Assert
        | P::Help
        | P::Type
        | P::GpuAdapter
        | P::Keys
        | P::Time
        | P::Str
        | P::Repr
        | P::Int
        | P::Float => OnGpu::ReadsBack,
    }
}

/// How the evaluator's fusion planner treats a call in an elementwise chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fusion {
    /// A smooth maths function: fused into the chain's single pass.
    Map(U),
    /// Ends the chain: computed on its own.
    Barrier,
}

pub fn fusion(p: P) -> Fusion {
    match p {
        P::Abs => Fusion::Map(U::Abs),
        P::Sqrt => Fusion::Map(U::Sqrt),
        P::Exp => Fusion::Map(U::Exp),
        P::Log => Fusion::Map(U::Log),
        P::Log2 => Fusion::Map(U::Log2),
        P::Log10 => Fusion::Map(U::Log10),
        P::Log1p => Fusion::Map(U::Log1p),
        P::Expm1 => Fusion::Map(U::Expm1),
        P::Sin => Fusion::Map(U::Sin),
        P::Cos => Fusion::Map(U::Cos),
        P::Tan => Fusion::Map(U::Tan),
        P::Arcsin => Fusion::Map(U::Arcsin),
        P::Arccos => Fusion::Map(U::Arccos),
        P::Arctan => Fusion::Map(U::Arctan),
        P::Sinh => Fusion::Map(U::Sinh),
        P::Cosh => Fusion::Map(U::Cosh),
        P::Tanh => Fusion::Map(U::Tanh),
        P::Grad
        | P::ValueAndGrad
        | P::Jacobian
        | P::Hessian
        | P::Load
        | P::Save
        | P::Loadtxt
        | P::Savetxt
        | P::Norm
        | P::Inv
        | P::Pinv
        | P::Solve
        | P::Det
        | P::Lstsq
        | P::Eig
        | P::Eigh
        | P::Svd
        | P::Qr
        | P::Cholesky
        | P::MatrixRank
        | P::Plot
        | P::Scatter
        | P::Hist
        | P::Bar
        | P::Imshow
        | P::Title
        | P::Xlabel
        | P::Ylabel
        | P::Legend
        | P::Xlim
        | P::Ylim
        | P::Grid
        | P::Figure
        | P::Subplot
        | P::Savefig
        | P::Show
        | P::Seed
        | P::Rand
        | P::Randn
        | P::Randint
        | P::Uniform
        | P::Normal
        | P::Choice
        | P::Permutation
        | P::Shuffle
        | P::Array
        | P::Zeros
        | P::Ones
        | P::Full
        | P::Eye
        | P::Arange
        | P::Linspace
        | P::ZerosLike
        | P::OnesLike
        | P::FullLike
        | P::Range
        | P::Reshape
        | P::Transpose
        | P::Flatten
        | P::Squeeze
        | P::ExpandDims
        | P::Concatenate
        | P::Stack
        | P::Vstack
        | P::Hstack
        | P::Split
        | P::Tile
        | P::Repeat
        | P::Flip
        | P::Roll
        | P::BroadcastTo
        | P::Arctan2
        | P::Floor
        | P::Ceil
        | P::Trunc
        | P::Round
        | P::Sign
        | P::Clip
        | P::Maximum
        | P::Minimum
        | P::Where
        | P::Isnan
        | P::Isinf
        | P::Isfinite
        | P::Isclose
        | P::Allclose
        | P::Sum
        | P::Prod
        | P::Mean
        | P::Var
        | P::Std
        | P::Min
        | P::Max
        | P::Argmin
        | P::Argmax
        | P::Any
        | P::All
        | P::Median
        | P::Quantile
        | P::Cumsum
        | P::Cumprod
        | P::Diff
        | P::Sort
        | P::Argsort
        | P::Unique
        | P::Searchsorted
        | P::Matmul
        | P::Dot
        | P::Outer
        | P::Inner
        | P::Trace
        | P::Print
        | P::Len
        | P::Shape
        | P::Ndim
        | P::Size
        | P::Dtype
        | P::Astype
        | P::Copy
        | P::StopGradient
        | P::Assert
        | P::Help
        | P::Type
        | P::Device
        | P::To
        | P::GpuAdapter
        | P::Keys
        | P::Time
        | P::Str
        | P::Repr
        | P::Int
        | P::Float => Fusion::Barrier,
    }
}
