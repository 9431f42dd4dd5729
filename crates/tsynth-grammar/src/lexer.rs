//! Tokeniser for `*.grammar` files. Every token carries its line and column.

use crate::error::{ErrorKind, Pos, Sink};
use std::path::Path;
use tsynth_text::Cursor;

/// Kinds of token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
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
    pub(crate) fn describe(&self) -> String {
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
pub(crate) struct Token {
    /// The token.
    pub tok: Tok,
    /// Its first character's position.
    pub pos: Pos,
}

/// Splits `text` into tokens; lexical errors go to `sink` and the offending text is skipped.
/// `text` is expected normalised ([`tsynth_text::normalize`]); positions come from
/// [`tsynth_text::Cursor`] (linear in the text's length).
pub(crate) fn lex(file: &Path, text: &str, sink: &mut Sink) -> Vec<Token> {
    let mut cursor = Cursor::new(text);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut pos_of = |i: usize| {
        let offset = chars.get(i).map_or(text.len(), |&(o, _)| o);
        Pos::from_line_col(cursor.line_col(offset))
    };
    let mut out = Vec::new();
    let mut i = 0usize;
    while let Some(c) = at(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let pos = pos_of(i);
        if c == '#' || (c == '/' && at(i + 1) == Some('/')) {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let mut s = String::new();
            while let Some(d) = at(i).filter(|d| d.is_ascii_alphanumeric() || *d == '_') {
                s.push(d);
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(s),
                pos,
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && at(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let mut s = String::new();
            while let Some(d) = at(i) {
                let exp_sign =
                    (d == '+' || d == '-') && s.ends_with(['e', 'E']) && !s.starts_with("0x");
                if d.is_ascii_alphanumeric() || d == '.' || d == '_' || exp_sign {
                    s.push(d);
                    i += 1;
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
                Ok(_) => sink.push(
                    file,
                    pos,
                    ErrorKind::NotRepresentable,
                    format!("number `{s}` is too large (not a finite 64-bit float)"),
                ),
                Err(_) => sink.push(
                    file,
                    pos,
                    ErrorKind::Syntax,
                    format!("malformed number `{s}`"),
                ),
            }
            continue;
        }
        if c == '"' {
            i += 1;
            let mut s = String::new();
            let mut closed = false;
            while let Some(d) = at(i) {
                if d == '\n' {
                    break;
                }
                i += 1;
                if d == '"' {
                    closed = true;
                    break;
                }
                if d == '\\'
                    && let Some(e) = at(i).filter(|e| *e == '"' || *e == '\\')
                {
                    s.push(e);
                    i += 1;
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
        i += 1;
        if "{}[](),:=|+-*/^".contains(c) {
            out.push(Token {
                tok: Tok::Punct(c),
                pos,
            });
            continue;
        }
        sink.push(
            file,
            pos,
            ErrorKind::Syntax,
            format!("unexpected character `{}`", c.escape_default()),
        );
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: pos_of(chars.len()),
    });
    out
}
