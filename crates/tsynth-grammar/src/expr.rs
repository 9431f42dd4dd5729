//! Arithmetic expressions that compute a child parameter from its parent's parameters.
//!
//! Syntax: numbers, parameter names, `+ - * / ^` (power, right-associative), unary `-`,
//! parentheses, and the functions `min(a, b)`, `max(a, b)`, `clamp(x, lo, hi)`, `sqrt(x)`,
//! `ln(x)`, `exp(x)`, `abs(x)`. Booleans read as 1 (true) and 0 (false).

use crate::error::Pos;

/// An expression node, with the position of its first token.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64),
    /// A parameter of the enclosing compound.
    Var(String, Pos),
    /// Unary minus.
    Neg(Box<Expr>),
    /// Binary operation (`+ - * / ^`).
    Bin(char, Box<Expr>, Box<Expr>),
    /// Function call.
    Call(String, Vec<Expr>, Pos),
}

/// Built-in functions and their arities.
pub const FUNCTIONS: &[(&str, usize)] = &[
    ("min", 2),
    ("max", 2),
    ("clamp", 3),
    ("sqrt", 1),
    ("ln", 1),
    ("exp", 1),
    ("abs", 1),
];

impl Expr {
    /// Every variable the expression reads, with its position.
    pub fn vars(&self) -> Vec<(&str, Pos)> {
        let mut out = Vec::new();
        self.collect_vars(&mut out);
        out
    }

    fn collect_vars<'a>(&'a self, out: &mut Vec<(&'a str, Pos)>) {
        match self {
            Expr::Num(_) => {}
            Expr::Var(n, p) => out.push((n.as_str(), *p)),
            Expr::Neg(e) => e.collect_vars(out),
            Expr::Bin(_, a, b) => {
                a.collect_vars(out);
                b.collect_vars(out);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.collect_vars(out)),
        }
    }

    /// Evaluates with `lookup` giving each variable's value. Unknown variables read as NaN
    /// (the validator rejects them beforehand); the result may be non-finite.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<f64>) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::Var(n, _) => lookup(n).unwrap_or(f64::NAN),
            Expr::Neg(e) => -e.eval(lookup),
            Expr::Bin(op, a, b) => {
                let (x, y) = (a.eval(lookup), b.eval(lookup));
                match op {
                    '+' => x + y,
                    '-' => x - y,
                    '*' => x * y,
                    '/' => x / y,
                    _ => x.powf(y),
                }
            }
            Expr::Call(f, args, _) => {
                let v: Vec<f64> = args.iter().map(|a| a.eval(lookup)).collect();
                let arg = |i: usize| v.get(i).copied().unwrap_or(f64::NAN);
                match f.as_str() {
                    "min" => arg(0).min(arg(1)),
                    "max" => arg(0).max(arg(1)),
                    "clamp" => arg(0).max(arg(1)).min(arg(2)),
                    "sqrt" => arg(0).sqrt(),
                    "ln" => arg(0).ln(),
                    "exp" => arg(0).exp(),
                    "abs" => arg(0).abs(),
                    _ => f64::NAN,
                }
            }
        }
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Num(v) => write!(f, "{v}"),
            Expr::Var(n, _) => write!(f, "{n}"),
            Expr::Neg(e) => write!(f, "-({e})"),
            Expr::Bin(op, a, b) => write!(f, "({a} {op} {b})"),
            Expr::Call(n, args, _) => {
                write!(f, "{n}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}
