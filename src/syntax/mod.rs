//! Syntax: the AST (every node carries its span), symbols, and the pest parser.

pub mod ast;
pub mod parser;
pub mod sym;
