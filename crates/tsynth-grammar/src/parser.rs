//! Recursive-descent parser for `*.grammar` files, with recovery at top-level keywords so
//! that several syntax errors are reported at once.

use crate::ast::*;
use crate::error::{ErrorKind, Pos, Sink};
use crate::expr::{Expr, FUNCTIONS};
use crate::lexer::{Tok, Token, lex};
use crate::limits::{MAX_EXPR_TOKENS, MAX_GRAMMAR_NESTING};
use std::path::Path;

/// Keywords that start a top-level item.
pub(crate) const TOP_KEYWORDS: &[&str] = &[
    "grammar", "blocks", "core", "slot", "block", "choice", "compound", "start",
];

/// Words that cannot be used as names.
pub(crate) const RESERVED: &[&str] = &[
    "grammar", "blocks", "core", "slot", "block", "choice", "compound", "start", "use", "with",
    "for", "in", "real", "integer", "bool", "linear", "log", "unit", "default", "true", "false",
];

struct Parser<'a> {
    file: &'a Path,
    toks: Vec<Token>,
    i: usize,
    /// Index of the first token of the expression being parsed.
    expr_start: usize,
}

/// Signals that the current item is abandoned (the error is already in the sink).
struct Abort;

type PResult<T> = Result<T, Abort>;

/// Parses grammar text into items; syntax errors go to `sink`. Brackets nested deeper than
/// [`MAX_GRAMMAR_NESTING`] are refused before parsing (one [`ErrorKind::TooDeep`] error at
/// the first bracket too deep, and no items).
pub(crate) fn parse(file: &Path, text: &str, sink: &mut Sink) -> Vec<(Item, Pos)> {
    let toks = lex(file, text, sink);
    if let Some(pos) = nesting_violation(&toks) {
        sink.push(
            file,
            pos,
            ErrorKind::TooDeep,
            format!("brackets nested more than {MAX_GRAMMAR_NESTING} deep"),
        );
        return Vec::new();
    }
    let mut p = Parser {
        file,
        toks,
        i: 0,
        expr_start: 0,
    };
    let mut items = Vec::new();
    while !p.at_eof() {
        let start = p.peek().pos;
        match p.item(sink) {
            Ok(item) => items.push((item, start)),
            Err(Abort) => p.recover(),
        }
    }
    items
}

/// Position of the first `(` `[` `{` nested deeper than [`MAX_GRAMMAR_NESTING`].
fn nesting_violation(toks: &[Token]) -> Option<Pos> {
    let mut depth = 0usize;
    for t in toks {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => {
                depth += 1;
                if depth > MAX_GRAMMAR_NESTING {
                    return Some(t.pos);
                }
            }
            Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek().tok, Tok::Eof)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if !matches!(t.tok, Tok::Eof) {
            self.i += 1;
        }
        t
    }

    /// Skips to the next top-level keyword (always advancing at least one token).
    fn recover(&mut self) {
        self.bump();
        while !self.at_eof() {
            if let Tok::Ident(s) = &self.peek().tok
                && TOP_KEYWORDS.contains(&s.as_str())
            {
                return;
            }
            self.bump();
        }
    }

    fn err<T>(&self, sink: &mut Sink, pos: Pos, msg: impl Into<String>) -> PResult<T> {
        sink.push(self.file, pos, ErrorKind::Syntax, msg);
        Err(Abort)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s == kw)
    }

    fn is_punct(&self, c: char) -> bool {
        self.peek().tok == Tok::Punct(c)
    }

    fn expect_punct(&mut self, c: char, sink: &mut Sink) -> PResult<Pos> {
        let t = self.peek().clone();
        if t.tok == Tok::Punct(c) {
            self.bump();
            Ok(t.pos)
        } else {
            self.err(
                sink,
                t.pos,
                format!("expected `{c}`, found {}", t.tok.describe()),
            )
        }
    }

    fn expect_kw(&mut self, kw: &str, sink: &mut Sink) -> PResult<Pos> {
        let t = self.peek().clone();
        if self.is_kw(kw) {
            self.bump();
            Ok(t.pos)
        } else {
            self.err(
                sink,
                t.pos,
                format!("expected `{kw}`, found {}", t.tok.describe()),
            )
        }
    }

    /// A user-chosen name (not a reserved word).
    fn name(&mut self, what: &str, sink: &mut Sink) -> PResult<Name> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Ident(s) if !RESERVED.contains(&s.as_str()) => {
                self.bump();
                Ok(Name {
                    text: s,
                    pos: t.pos,
                })
            }
            Tok::Ident(s) => self.err(
                sink,
                t.pos,
                format!("expected {what}, found keyword `{s}` (reserved)"),
            ),
            other => self.err(
                sink,
                t.pos,
                format!("expected {what}, found {}", other.describe()),
            ),
        }
    }

    fn string(&mut self, what: &str, sink: &mut Sink) -> PResult<(String, Pos)> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Str(s) => {
                self.bump();
                Ok((s, t.pos))
            }
            other => self.err(
                sink,
                t.pos,
                format!(
                    "expected {what} (a quoted string), found {}",
                    other.describe()
                ),
            ),
        }
    }

    /// A possibly negative number literal.
    fn number(&mut self, sink: &mut Sink) -> PResult<(f64, Pos)> {
        let pos = self.peek().pos;
        let neg = if self.is_punct('-') {
            self.bump();
            true
        } else {
            false
        };
        let t = self.peek().clone();
        match t.tok {
            Tok::Number(v, _) => {
                self.bump();
                Ok((if neg { -v } else { v }, pos))
            }
            other => self.err(
                sink,
                t.pos,
                format!("expected a number, found {}", other.describe()),
            ),
        }
    }

    fn item(&mut self, sink: &mut Sink) -> PResult<Item> {
        let t = self.peek().clone();
        let Tok::Ident(kw) = &t.tok else {
            return self.err(
                sink,
                t.pos,
                format!(
                    "expected a declaration ({}), found {}",
                    TOP_KEYWORDS.join(", "),
                    t.tok.describe()
                ),
            );
        };
        match kw.as_str() {
            "grammar" => {
                self.bump();
                Ok(Item::Grammar(self.name("a grammar name", sink)?))
            }
            "blocks" => {
                self.bump();
                let (s, p) = self.string("the blocks folder", sink)?;
                Ok(Item::Blocks(s, p))
            }
            "core" => {
                self.bump();
                let n = self.name("the core contract name", sink)?;
                let (s, p) = self.string("the core file", sink)?;
                Ok(Item::Core(n, s, p))
            }
            "slot" => {
                self.bump();
                let n = self.name("a slot name", sink)?;
                self.expect_punct(':', sink)?;
                let mut hooks = vec![self.name("a hook name", sink)?];
                while self.is_punct(',') {
                    self.bump();
                    hooks.push(self.name("a hook name", sink)?);
                }
                Ok(Item::Slot(n, hooks))
            }
            "block" => {
                self.bump();
                let name = self.name("a block (contract) name", sink)?;
                self.expect_kw("for", sink)?;
                let slot = self.name("a slot name", sink)?;
                let file = if matches!(self.peek().tok, Tok::Str(_)) {
                    Some(self.string("the block file", sink)?)
                } else {
                    None
                };
                let mut params = Vec::new();
                if self.is_punct('{') {
                    self.bump();
                    while !self.is_punct('}') {
                        if self.at_eof() {
                            return self.err(sink, self.peek().pos, "unclosed `{` of block");
                        }
                        params.push(self.param(sink)?);
                    }
                    self.bump();
                }
                Ok(Item::Block {
                    name,
                    slot,
                    file,
                    params,
                })
            }
            "choice" => {
                self.bump();
                let n = self.name("a choice name", sink)?;
                self.expect_punct('=', sink)?;
                let mut alts = Vec::new();
                if matches!(&self.peek().tok, Tok::Ident(s) if !RESERVED.contains(&s.as_str())) {
                    alts.push(self.name("an alternative", sink)?);
                    while self.is_punct('|') {
                        self.bump();
                        alts.push(self.name("an alternative", sink)?);
                    }
                }
                Ok(Item::Choice(n, alts))
            }
            "compound" => {
                self.bump();
                let n = self.name("a compound name", sink)?;
                self.expect_punct('{', sink)?;
                let (mut params, mut uses) = (Vec::new(), Vec::new());
                while !self.is_punct('}') {
                    if self.at_eof() {
                        return self.err(sink, self.peek().pos, "unclosed `{` of compound");
                    }
                    if self.is_kw("use") {
                        self.bump();
                        uses.push(self.use_clause(sink)?);
                    } else {
                        params.push(self.param(sink)?);
                    }
                }
                self.bump();
                Ok(Item::Compound(n, params, uses))
            }
            "start" => {
                self.bump();
                Ok(Item::Start(self.name("the start part", sink)?))
            }
            other => self.err(
                sink,
                t.pos,
                format!(
                    "unknown declaration `{other}` (expected one of: {})",
                    TOP_KEYWORDS.join(", ")
                ),
            ),
        }
    }

    fn use_clause(&mut self, sink: &mut Sink) -> PResult<Use> {
        let part = self.name("a part name", sink)?;
        let mut bindings = Vec::new();
        if self.is_kw("with") {
            self.bump();
            loop {
                let param = self.name("a parameter name", sink)?;
                self.expect_punct('=', sink)?;
                self.expr_start = self.i;
                let expr = self.expr(sink)?;
                bindings.push(Binding { param, expr });
                if self.is_punct(',') {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        Ok(Use { part, bindings })
    }

    fn param(&mut self, sink: &mut Sink) -> PResult<ParamDecl> {
        let name = self.name("a parameter name", sink)?;
        self.expect_punct(':', sink)?;
        let t = self.peek().clone();
        let ty = match &t.tok {
            Tok::Ident(s) if s == "real" => ParamType::Real,
            Tok::Ident(s) if s == "integer" => ParamType::Integer,
            Tok::Ident(s) if s == "bool" => ParamType::Bool,
            other => {
                return self.err(
                    sink,
                    t.pos,
                    format!(
                        "expected a parameter type (real, integer, bool), found {}",
                        other.describe()
                    ),
                );
            }
        };
        self.bump();
        let mut decl = ParamDecl {
            name,
            ty,
            ty_pos: t.pos,
            range: None,
            scale: None,
            unit: None,
            default: None,
        };
        loop {
            let t = self.peek().clone();
            let dup = |this: &Self, sink: &mut Sink, what: &str| -> PResult<()> {
                this.err(sink, t.pos, format!("`{what}` given twice"))
            };
            match &t.tok {
                Tok::Ident(s) if s == "in" => {
                    if decl.range.is_some() {
                        dup(self, sink, "in")?;
                    }
                    self.bump();
                    let open = self.expect_punct('[', sink)?;
                    let (lo, _) = self.number(sink)?;
                    self.expect_punct(',', sink)?;
                    let (hi, _) = self.number(sink)?;
                    self.expect_punct(']', sink)?;
                    decl.range = Some((lo, hi, open));
                }
                Tok::Ident(s) if s == "linear" || s == "log" => {
                    if decl.scale.is_some() {
                        dup(self, sink, "scale")?;
                    }
                    self.bump();
                    let sc = if s == "log" {
                        Scale::Log
                    } else {
                        Scale::Linear
                    };
                    decl.scale = Some((sc, t.pos));
                }
                Tok::Ident(s) if s == "unit" => {
                    if decl.unit.is_some() {
                        dup(self, sink, "unit")?;
                    }
                    self.bump();
                    decl.unit = Some(self.string("a unit", sink)?.0);
                }
                Tok::Ident(s) if s == "default" => {
                    if decl.default.is_some() {
                        dup(self, sink, "default")?;
                    }
                    self.bump();
                    let v = self.peek().clone();
                    let lit = match &v.tok {
                        Tok::Ident(b) if b == "true" => {
                            self.bump();
                            Literal::Bool(true)
                        }
                        Tok::Ident(b) if b == "false" => {
                            self.bump();
                            Literal::Bool(false)
                        }
                        _ => Literal::Number(self.number(sink)?.0),
                    };
                    decl.default = Some((lit, v.pos));
                }
                _ => break,
            }
        }
        Ok(decl)
    }

    // ---- expressions ------------------------------------------------------------------

    /// Refuses expressions longer than [`MAX_EXPR_TOKENS`]: every recursive step of the
    /// expression parser consumes a token, so this bounds both the recursion and the depth
    /// of the tree (which is evaluated and dropped recursively).
    fn check_expr_size(&self, sink: &mut Sink) -> PResult<()> {
        if self.i.saturating_sub(self.expr_start) > MAX_EXPR_TOKENS {
            return self.err_kind(
                sink,
                ErrorKind::TooDeep,
                format!("expression longer than {MAX_EXPR_TOKENS} tokens"),
            );
        }
        Ok(())
    }

    fn err_kind<T>(&self, sink: &mut Sink, kind: ErrorKind, msg: String) -> PResult<T> {
        sink.push(self.file, self.peek().pos, kind, msg);
        Err(Abort)
    }

    fn expr(&mut self, sink: &mut Sink) -> PResult<Expr> {
        self.check_expr_size(sink)?;
        let mut lhs = self.term(sink)?;
        while self.is_punct('+') || self.is_punct('-') {
            let Tok::Punct(op) = self.bump().tok else {
                unreachable!("checked above")
            };
            let rhs = self.term(sink)?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn term(&mut self, sink: &mut Sink) -> PResult<Expr> {
        let mut lhs = self.unary(sink)?;
        while self.is_punct('*') || self.is_punct('/') {
            let Tok::Punct(op) = self.bump().tok else {
                unreachable!("checked above")
            };
            let rhs = self.unary(sink)?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self, sink: &mut Sink) -> PResult<Expr> {
        self.check_expr_size(sink)?;
        if self.is_punct('-') {
            self.bump();
            return Ok(Expr::Neg(Box::new(self.unary(sink)?)));
        }
        self.power(sink)
    }

    fn power(&mut self, sink: &mut Sink) -> PResult<Expr> {
        let base = self.primary(sink)?;
        if self.is_punct('^') {
            self.bump();
            let exp = self.unary(sink)?;
            return Ok(Expr::Bin('^', Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn primary(&mut self, sink: &mut Sink) -> PResult<Expr> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Number(v, _) => {
                self.bump();
                Ok(Expr::Num(v))
            }
            Tok::Punct('(') => {
                self.bump();
                let e = self.expr(sink)?;
                self.expect_punct(')', sink)?;
                Ok(e)
            }
            Tok::Ident(s) if s == "true" || s == "false" => {
                self.bump();
                Ok(Expr::Num(if s == "true" { 1.0 } else { 0.0 }))
            }
            Tok::Ident(s) if !RESERVED.contains(&s.as_str()) => {
                self.bump();
                if self.is_punct('(') {
                    self.bump();
                    let mut args = Vec::new();
                    if !self.is_punct(')') {
                        args.push(self.expr(sink)?);
                        while self.is_punct(',') {
                            self.bump();
                            args.push(self.expr(sink)?);
                        }
                    }
                    self.expect_punct(')', sink)?;
                    match FUNCTIONS.iter().find(|(f, _)| *f == s) {
                        None => self.err(sink, t.pos, format!("unknown function `{s}`")),
                        Some((_, n)) if *n != args.len() => self.err(
                            sink,
                            t.pos,
                            format!("`{s}` takes {n} argument(s), {} given", args.len()),
                        ),
                        Some(_) => Ok(Expr::Call(s, args, t.pos)),
                    }
                } else {
                    Ok(Expr::Var(s, t.pos))
                }
            }
            other => self.err(
                sink,
                t.pos,
                format!("expected an expression, found {}", other.describe()),
            ),
        }
    }
}
