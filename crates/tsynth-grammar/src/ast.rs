//! Syntax tree of a `*.grammar` file, as written (before validation).

use crate::error::Pos;
use crate::expr::Expr;

/// A name and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The identifier.
    pub text: String,
    /// Its position.
    pub pos: Pos,
}

/// Parameter type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Real number, passed to Solidity as 1e18 fixed point `uint256`.
    Real,
    /// Whole number, passed as `uint256`.
    Integer,
    /// Boolean, passed as `bool`.
    Bool,
}

impl ParamType {
    /// The grammar keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            ParamType::Real => "real",
            ParamType::Integer => "integer",
            ParamType::Bool => "bool",
        }
    }

    /// The Solidity type of the matching constructor parameter.
    pub fn solidity_type(self) -> &'static str {
        match self {
            ParamType::Bool => "bool",
            _ => "uint256",
        }
    }
}

/// Scale on which a numeric parameter is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Uniform in natural units.
    Linear,
    /// Uniform in log space (range must be positive).
    Log,
}

/// A literal default value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Number (possibly negative).
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
}

/// `name: type in [lo, hi] scale unit "u" default v`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDecl {
    /// Parameter name.
    pub name: Name,
    /// Type.
    pub ty: ParamType,
    /// Position of the type keyword.
    pub ty_pos: Pos,
    /// `in [lo, hi]`, with the position of `[`.
    pub range: Option<(f64, f64, Pos)>,
    /// `linear` / `log`, with position.
    pub scale: Option<(Scale, Pos)>,
    /// `unit "..."`.
    pub unit: Option<String>,
    /// `default v`, with position of the value.
    pub default: Option<(Literal, Pos)>,
}

/// `name = expr` in a `use ... with` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Child parameter being set.
    pub param: Name,
    /// Expression over the enclosing compound's parameters.
    pub expr: Expr,
}

/// `use Part [with a = e, ...]` inside a compound.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    /// Referenced part.
    pub part: Name,
    /// Parameter bindings.
    pub bindings: Vec<Binding>,
}

/// Top-level items.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `grammar NAME`.
    Grammar(Name),
    /// `blocks "DIR"`.
    Blocks(String, Pos),
    /// `core NAME "FILE"`.
    Core(Name, String, Pos),
    /// `slot NAME: hook, hook, ...`.
    Slot(Name, Vec<Name>),
    /// `block NAME for SLOT ["FILE"] [{ params }]`.
    Block {
        /// Contract name.
        name: Name,
        /// Slot it fills.
        slot: Name,
        /// Explicit file (relative to the blocks folder), with position.
        file: Option<(String, Pos)>,
        /// Constructor parameters, in order.
        params: Vec<ParamDecl>,
    },
    /// `choice NAME = A | B | ...`.
    Choice(Name, Vec<Name>),
    /// `compound NAME { params and uses }`.
    Compound(Name, Vec<ParamDecl>, Vec<Use>),
    /// `start NAME`.
    Start(Name),
}
