//! `tsynth-text` — the one text reader of tsynth.
//!
//! Every input format of the project (grammars, design files, building-block Solidity,
//! scenarios, run configurations) is read through [`read_text`] (or [`decode`] for bytes
//! already in memory), so that all of them treat text the same way:
//!
//! - a UTF-8 byte-order mark at the start is dropped;
//! - line endings are normalised to `\n`: `\r\n` becomes `\n` and a lone `\r` (old Mac
//!   files) becomes `\n`, so line numbers are the ones an editor shows;
//! - invalid UTF-8 is refused with the byte offset of the first bad byte *and* its
//!   `LINE:COL` (counted the same way as every other position);
//! - every error names its path exactly once, and the operating system's message exactly
//!   once (see [`TextError`]).
//!
//! Positions are 1-based lines and 1-based columns counted in characters (Unicode scalar
//! values), as [`line_col`] computes them. Because a `\r\n` pair becomes one `\n` and a lone
//! `\r` becomes a `\n`, a `LINE:COL` computed on the normalised text names the same place
//! as the same `LINE:COL` in the file as an editor shows it; [`Text::original_offset`] maps a
//! byte offset of the normalised text back to the byte offset in the file.
//!
//! ```
//! let t = tsynth_text::decode("x.txt", b"\xEF\xBB\xBFa\r\nb\rc".to_vec()).unwrap();
//! assert_eq!(t.as_str(), "a\nb\nc");
//! assert_eq!(t.line_col(4), (3, 1)); // the `c`
//! assert_eq!(t.original_offset(4), 8); // BOM (3 bytes) and the CR of CRLF were dropped
//! ```
#![cfg_attr(not(test), warn(unused_crate_dependencies))]
#![warn(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};

/// The UTF-8 encoding of U+FEFF, the byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file's text after decoding and normalisation, with what is needed to map positions
/// back to the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    path: PathBuf,
    text: String,
    /// Whether a byte-order mark was dropped.
    bom: bool,
    /// Offsets (in the normalised text, ascending) at which one `\r` byte of a `\r\n`
    /// pair was dropped.
    dropped_cr: Vec<usize>,
    /// Whether a lone `\r` was replaced by `\n`.
    cr_only: bool,
}

impl Text {
    /// The path the text was read from (as given).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The normalised text: no byte-order mark, `\n` line endings only.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The normalised text, by value.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Whether the file started with a UTF-8 byte-order mark (which was dropped).
    pub fn had_bom(&self) -> bool {
        self.bom
    }

    /// Whether the file had any `\r\n` or lone `\r` line ending (all became `\n`).
    pub fn had_cr(&self) -> bool {
        !self.dropped_cr.is_empty() || self.cr_only
    }

    /// 1-based `(line, column)` of byte `offset` of the normalised text; see [`line_col`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.text, offset)
    }

    /// The byte offset in the file of byte `offset` of the normalised text (offsets past
    /// the end map past the end of the file).
    pub fn original_offset(&self, offset: usize) -> usize {
        let crs = self.dropped_cr.partition_point(|&at| at <= offset);
        offset + crs + if self.bom { BOM.len() } else { 0 }
    }
}

/// Errors reading text. Each names its path once; [`TextError::Io`] includes the
/// operating system's message in its `Display` and therefore does *not* also return the
/// `std::io::Error` from [`std::error::Error::source`] (a chain printer such as
/// `anyhow`'s `{:#}` would print it twice). Use [`TextError::io_error`] to inspect it.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        error: std::io::Error,
    },
    /// The file is not valid UTF-8.
    #[error(
        "{}:{line}:{col}: invalid UTF-8 (byte 0x{byte:02X} at byte offset {offset}); save the file as UTF-8",
        path.display()
    )]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte in the file (a BOM counts).
        offset: usize,
        /// The first invalid byte (or the last byte of a truncated sequence at the end).
        byte: u8,
        /// 1-based line of the invalid byte, counted as in the normalised text.
        line: usize,
        /// 1-based column (in characters) of the invalid byte.
        col: usize,
    },
}

impl TextError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            TextError::Io { path, .. } | TextError::InvalidUtf8 { path, .. } => path,
        }
    }

    /// The operating system's error, for [`TextError::Io`].
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            TextError::Io { error, .. } => Some(error),
            TextError::InvalidUtf8 { .. } => None,
        }
    }

    /// `(line, col)` of the problem: the invalid byte, or `(1, 1)` for I/O errors.
    pub fn line_col(&self) -> (usize, usize) {
        match self {
            TextError::Io { .. } => (1, 1),
            TextError::InvalidUtf8 { line, col, .. } => (*line, *col),
        }
    }

    /// The message without the leading `PATH:` or `PATH:LINE:COL:` (for callers that
    /// print positions themselves).
    pub fn message(&self) -> String {
        match self {
            TextError::Io { error, .. } => format!("cannot read file: {error}"),
            TextError::InvalidUtf8 { offset, byte, .. } => format!(
                "invalid UTF-8 (byte 0x{byte:02X} at byte offset {offset}); save the file as UTF-8"
            ),
        }
    }
}

/// Reads `path` as UTF-8 text: byte-order mark dropped, line endings normalised to `\n`.
pub fn read_text(path: impl AsRef<Path>) -> Result<Text, TextError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|error| TextError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    decode(path, bytes)
}

/// Decodes bytes already in memory exactly as [`read_text`] decodes a file's content;
/// `path` is only used in errors and kept in the [`Text`].
pub fn decode(path: impl AsRef<Path>, bytes: Vec<u8>) -> Result<Text, TextError> {
    let path = path.as_ref();
    let bom = bytes.starts_with(BOM);
    let skip = if bom { BOM.len() } else { 0 };
    let raw = match std::str::from_utf8(&bytes[skip..]) {
        Ok(_) => {
            let mut b = bytes;
            b.drain(..skip);
            String::from_utf8(b).expect("validated above")
        }
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[skip..skip + at]).expect("valid prefix");
            let (line, col) = line_col(prefix, prefix.len());
            return Err(TextError::InvalidUtf8 {
                path: path.to_path_buf(),
                offset: skip + at,
                byte: bytes[skip + at],
                line,
                col,
            });
        }
    };
    let (text, dropped_cr, cr_only) = normalise(raw);
    Ok(Text {
        path: path.to_path_buf(),
        text,
        bom,
        dropped_cr,
        cr_only,
    })
}

/// Normalises text already in memory the way [`decode`] does: a leading byte-order mark
/// (U+FEFF) dropped, `\r\n` and lone `\r` turned into `\n`. Borrows when nothing changes.
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if body.contains('\r') {
        std::borrow::Cow::Owned(normalise(body.to_string()).0)
    } else {
        std::borrow::Cow::Borrowed(body)
    }
}

/// `\r\n` → `\n`, lone `\r` → `\n`; returns the offsets (in the result) where a `\r` was
/// dropped, and whether any lone `\r` was replaced.
fn normalise(raw: String) -> (String, Vec<usize>, bool) {
    if !raw.contains('\r') {
        return (raw, Vec::new(), false);
    }
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut dropped = Vec::new();
    let mut cr_only = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' {
            if b.get(i + 1) == Some(&b'\n') {
                dropped.push(out.len());
            } else {
                out.push(b'\n');
                cr_only = true;
            }
        } else {
            out.push(b[i]);
        }
        i += 1;
    }
    // Only ASCII `\r` bytes were removed or replaced by ASCII `\n`: still UTF-8.
    let text = String::from_utf8(out).expect("replacing ASCII bytes keeps UTF-8 valid");
    (text, dropped, cr_only)
}

/// 1-based `(line, column)` of byte `offset` in `text`; the column counts characters
/// (Unicode scalar values), not bytes. `\n`, `\r\n` and a lone `\r` each end a line, so the
/// result is the same on a file's raw text and on its normalised [`Text`]. An offset past
/// the end is clamped to the end; an offset inside a multi-byte character names that
/// character.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let (mut line, mut col) = (1usize, 1usize);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i + c.len_utf8() > offset {
            break;
        }
        match c {
            '\n' => (line, col) = (line + 1, 1),
            '\r' if chars.peek().is_some_and(|&(_, n)| n == '\n') => {}
            '\r' => (line, col) = (line + 1, 1),
            _ => col += 1,
        }
    }
    (line, col)
}

/// Line starts of a text, for many [`line_col`] look-ups in one text (each costs a binary
/// search plus the length of the line, instead of a scan from the start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first character of each line (the first is 0).
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text` (line ends as in [`line_col`]: `\n`, `\r\n`, lone `\r`).
    pub fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        for (i, &c) in b.iter().enumerate() {
            let ends = c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n'));
            if ends {
                starts.push(i + 1);
            }
        }
        Self { text, starts }
    }

    /// The same as [`line_col`]`(text, offset)`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.text[start..]
            .char_indices()
            .take_while(|&(i, c)| start + i + c.len_utf8() <= offset)
            .filter(|&(i, c)| {
                !(c == '\r' && self.text.as_bytes().get(start + i + 1) == Some(&b'\n'))
            })
            .count();
        (line, col + 1)
    }
}

/// Positions of byte offsets visited in non-decreasing order (a tokeniser's), each in
/// time proportional to the distance from the previous one: linear over a whole text, even
/// a text that is one very long line. Going backwards restarts from the start of the text.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    col: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text` (line ends as in [`line_col`]).
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
            col: 1,
        }
    }

    /// The same as [`line_col`]`(text, offset)`.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        let b = self.text.as_bytes();
        for (i, c) in self.text[self.offset..offset].char_indices() {
            let at = self.offset + i;
            match c {
                '\n' => (self.line, self.col) = (self.line + 1, 1),
                '\r' if b.get(at + 1) == Some(&b'\n') => {}
                '\r' => (self.line, self.col) = (self.line + 1, 1),
                _ => self.col += 1,
            }
        }
        self.offset = offset;
        (self.line, self.col)
    }
}

/// A `PATH:LINE:COL` position, printed that way (for readers that want a ready-made type).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The file.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub fn of(text: &Text, offset: usize) -> Self {
        let (line, col) = text.line_col(offset);
        Self {
            path: text.path.clone(),
            line,
            col,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        assert_eq!(line_col("", 0), (1, 1));
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("ab", 99), (1, 3));
        // inside the two bytes of `é`: names `é`
        assert_eq!(line_col("é", 1), (1, 1));
    }

    #[test]
    fn line_col_treats_cr_and_crlf_as_line_ends() {
        assert_eq!(line_col("a\r\nb", 3), (2, 1));
        assert_eq!(line_col("a\rb", 2), (2, 1));
        assert_eq!(line_col("a\r\n", 1), (1, 2));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let t = "ab\r\ncé\rd\n\nx€y\r";
        let ix = LineIndex::new(t);
        for o in 0..=t.len() + 2 {
            assert_eq!(ix.line_col(o), line_col(t, o), "offset {o}");
        }
    }

    #[test]
    fn normalize_borrows_clean_text_and_fixes_the_rest() {
        assert!(matches!(
            normalize("a\nb"),
            std::borrow::Cow::Borrowed("a\nb")
        ));
        assert_eq!(normalize("\u{FEFF}a\r\nb\rc"), "a\nb\nc");
    }

    #[test]
    fn cursor_agrees_with_line_col_forwards_and_backwards() {
        let t = "ab\r\ncé\rd\n\nx€y\r";
        let mut c = Cursor::new(t);
        for o in (0..=t.len() + 2).chain([3, 0, 9]) {
            assert_eq!(c.line_col(o), line_col(t, o), "offset {o}");
        }
    }

    #[test]
    fn decode_strips_bom_and_normalises_line_ends() {
        let t = decode("f", b"\xEF\xBB\xBFx\r\ny\rz\n".to_vec()).unwrap();
        assert_eq!(t.as_str(), "x\ny\nz\n");
        assert!(t.had_bom());
        assert!(t.had_cr());
        assert_eq!(t.original_offset(0), 3);
        assert_eq!(t.original_offset(2), 6);
        let plain = decode("f", b"x\ny".to_vec()).unwrap();
        assert!(!plain.had_bom() && !plain.had_cr());
        assert_eq!(plain.original_offset(2), 2);
    }

    #[test]
    fn invalid_utf8_names_its_byte_and_line_col() {
        let e = decode("g.grammar", b"ab\r\ncd\xFFe".to_vec()).unwrap_err();
        match &e {
            TextError::InvalidUtf8 {
                offset,
                byte,
                line,
                col,
                ..
            } => {
                assert_eq!((*offset, *byte, *line, *col), (6, 0xFF, 2, 3));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            e.to_string(),
            "g.grammar:2:3: invalid UTF-8 (byte 0xFF at byte offset 6); save the file as UTF-8"
        );
        // the BOM counts in the byte offset
        let e = decode("g", b"\xEF\xBB\xBF\xC3".to_vec()).unwrap_err();
        assert!(matches!(
            e,
            TextError::InvalidUtf8 {
                offset: 3,
                byte: 0xC3,
                line: 1,
                col: 1,
                ..
            }
        ));
    }

    #[test]
    fn io_error_names_path_once_and_os_error_once() {
        let e = read_text("/definitely/not/here.grammar").unwrap_err();
        let s = e.to_string();
        assert_eq!(s.matches("/definitely/not/here.grammar").count(), 1, "{s}");
        assert!(std::error::Error::source(&e).is_none());
        assert!(e.io_error().is_some());
        assert_eq!(e.path(), Path::new("/definitely/not/here.grammar"));
    }
}
