//! The abstract syntax tree. Every node carries the `Span` it was parsed from.

use super::sym::Sym;
use crate::diagnostics::Span;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    MatMul,
    BitAnd,
    BitOr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            FloorDiv => "//",
            Mod => "%",
            Pow => "**",
            MatMul => "@",
            BitAnd => "&",
            BitOr => "|",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
        }
    }
    pub fn is_comparison(self) -> bool {
        use BinOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Pos,
    Not,
    Invert,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Written inside parentheses (used to reject chained comparisons).
    pub paren: bool,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bool(bool),
    None,
    Name(Sym),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Rc<str>, Expr)>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Arg>),
    Index(Box<Expr>, Vec<IndexExpr>),
    Attr(Box<Expr>, Sym, Span),
    Lambda(Rc<FnDef>),
}

#[derive(Clone, Debug)]
pub struct Arg {
    pub name: Option<(Sym, Span)>,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub enum IndexExpr {
    Expr(Expr),
    Slice(Option<Expr>, Option<Expr>, Option<Expr>, Span),
    Ellipsis(Span),
}

impl IndexExpr {
    pub fn span(&self) -> Span {
        match self {
            IndexExpr::Expr(e) => e.span,
            IndexExpr::Slice(_, _, _, s) | IndexExpr::Ellipsis(s) => *s,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Sym,
    pub span: Span,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug)]
pub enum FnBody {
    Block(Vec<Stmt>),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub struct FnDef {
    pub name: Option<Sym>,
    pub params: Vec<Param>,
    pub body: FnBody,
    /// The whole definition; `head` is `fn name(params)` or the lambda's params.
    pub span: Span,
    pub head: Span,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TargetStep {
    Index(Vec<IndexExpr>, Span),
    Attr(Sym, Span),
}

#[derive(Clone, Debug)]
pub struct Target {
    pub name: Sym,
    pub name_span: Span,
    pub path: Vec<TargetStep>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Expr(Expr),
    Assign {
        targets: Vec<Target>,
        op: Option<BinOp>,
        value: Expr,
        op_span: Span,
    },
    FnDef(Rc<FnDef>),
    If {
        cond: Expr,
        then: Vec<Stmt>,
        els: Option<Vec<Stmt>>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
    },
    For {
        vars: Vec<(Sym, Span)>,
        iter: Expr,
        body: Vec<Stmt>,
    },
    Device {
        name: String,
        name_span: Span,
        body: Vec<Stmt>,
    },
    Import {
        path: String,
        path_span: Span,
    },
    Return(Option<Expr>),
    Break,
    Continue,
}
