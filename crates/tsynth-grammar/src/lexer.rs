//! Tokeniser for `*.grammar` files. Every token carries its line and column.

use crate::error::{ErrorKind, Pos, Sink};
use std::path::Path;

/// Kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Identifier or keyword.
    Ident(String),
    /// Number literal (value and source text).
    Number(f64, String),
    /// Double-quoted string literal (contents, no escapes other than `\"` and `\\`).
    Str(String),
    /// One punctuation character: `{ } [ ] ( ) , : = | + - * / ^`.
    Punct(char),
    /// End of input.
    Eof,
}

impl Tok {
    /// Short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Number(_, t) => format!("number `{t}`"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Punct(c) => format!("`{c}`"),
            Tok::Eof => "end of file".to_string(),
        }
    }
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Its first character's position.
    pub pos: Pos,
}

/// Splits `text` into tokens; lexical errors go to `sink` and the offending text is skipped.
pub(crate) fn lex(file: &Path, text: &str, sink: &mut Sink) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    // Advances over one character, tracking line/column.
    let step = |i: &mut usize, line: &mut u32, col: &mut u32, c: char| {
        *i += 1;
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos::new(line, col);
        if c.is_whitespace() {
            step(&mut i, &mut line, &mut col, c);
            continue;
        }
        if c == '#' || (c == '/' && chars.get(i + 1) == Some(&'/')) {
            while i < chars.len() && chars[i] != '\n' {
                {
                    let ch = chars[i];
                    step(&mut i, &mut line, &mut col, ch);
                }
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                s.push(chars[i]);
                {
                    let ch = chars[i];
                    step(&mut i, &mut line, &mut col, ch);
                }
            }
            out.push(Token {
                tok: Tok::Ident(s),
                pos,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let mut s = String::new();
            while i < chars.len() {
                let d = chars[i];
                let exp_sign =
                    (d == '+' || d == '-') && s.ends_with(['e', 'E']) && !s.starts_with("0x");
                if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exp_sign {
                    s.push(d);
                    step(&mut i, &mut line, &mut col, d);
                } else {
                    break;
                }
            }
            let clean: String = s.chars().filter(|&d| d != '_').collect();
            match clean.parse::<f64>() {
                Ok(v) if v.is_finite() => out.push(Token {
                    tok: Tok::Number(v, s),
                    pos,
                }),
                _ => sink.push(
                    file,
                    pos,
                    ErrorKind::Syntax,
                    format!("malformed number `{s}`"),
                ),
            }
            continue;
        }
        if c == '"' {
            step(&mut i, &mut line, &mut col, c);
            let mut s = String::new();
            let mut closed = false;
            while i < chars.len() {
                let d = chars[i];
                if d == '\n' {
                    break;
                }
                step(&mut i, &mut line, &mut col, d);
                if d == '"' {
                    closed = true;
                    break;
                }
                if d == '\\' && i < chars.len() && (chars[i] == '"' || chars[i] == '\\') {
                    s.push(chars[i]);
                    {
                        let ch = chars[i];
                        step(&mut i, &mut line, &mut col, ch);
                    }
                    continue;
                }
                s.push(d);
            }
            if closed {
                out.push(Token {
                    tok: Tok::Str(s),
                    pos,
                });
            } else {
                sink.push(file, pos, ErrorKind::Syntax, "unterminated string");
            }
            continue;
        }
        if "{}[](),:=|+-*/^".contains(c) {
            out.push(Token {
                tok: Tok::Punct(c),
                pos,
            });
            step(&mut i, &mut line, &mut col, c);
            continue;
        }
        sink.push(
            file,
            pos,
            ErrorKind::Syntax,
            format!("unexpected character `{}`", c.escape_default()),
        );
        step(&mut i, &mut line, &mut col, c);
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: Pos::new(line, col),
    });
    out
}
