//! Diagnostics: every problem names a file, a line and a column.

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line/column position in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: u32,
    /// Column (in characters), starting at 1.
    pub col: u32,
}

impl Pos {
    /// Builds a position.
    pub fn new(line: u32, col: u32) -> Self {
        Self { line, col }
    }

    /// Position of byte `offset` in `text` (clamped to the text's end), as
    /// [`tsynth_text::line_col`] counts it.
    pub fn from_offset(text: &str, offset: usize) -> Self {
        Self::from_line_col(tsynth_text::line_col(text, offset))
    }

    /// Converts a `(line, col)` pair of `tsynth-text` (saturating at `u32::MAX`).
    pub fn from_line_col((line, col): (usize, usize)) -> Self {
        let clamp = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
        Self::new(clamp(line), clamp(col))
    }
}

/// What kind of problem a [`GrammarDiagnostic`] reports (tests match on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A file could not be read.
    Io,
    /// Lexical or syntactic error in a grammar.
    Syntax,
    /// A name is declared twice.
    DuplicateName,
    /// A referenced block, part, slot or hook is not declared.
    UnknownName,
    /// A choice with no alternatives.
    EmptyChoice,
    /// A compound with no children.
    EmptyCompound,
    /// A parameter's range, scale or default is invalid.
    BadRange,
    /// A part refers (directly or indirectly) to itself.
    Recursion,
    /// An expression names a parameter that is not in scope, or a binding names a parameter
    /// the child does not have.
    UnknownParameter,
    /// Slots are filled twice, not at all, or differently by the alternatives of a choice.
    SlotConflict,
    /// A Solidity file does not parse or does not match what the grammar declares.
    Solidity,
    /// A missing top-level declaration (`core`, `start`, ...).
    Missing,
    /// The structure count or the unfolded tree is too large.
    TooLarge,
    /// A design file is malformed or does not fit its grammar.
    Design,
    /// Brackets, expressions or parts are nested deeper than the stated limits
    /// ([`crate::limits`]).
    TooDeep,
    /// A number is not finite (NaN or an infinity), or cannot be represented where it goes
    /// (a real parameter's range beyond the 1e18 fixed-point `uint256` encoding, an
    /// integer beyond 2^53).
    NotRepresentable,
    /// A file is not valid UTF-8.
    Encoding,
}

/// One problem at one place of a grammar, design or building-block file (named apart from
/// `tsynth_solc::Diagnostic`, which is one message of the Solidity compiler).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrammarDiagnostic {
    /// File the problem is in.
    pub file: PathBuf,
    /// Where in the file.
    pub pos: Pos,
    /// Category.
    pub kind: ErrorKind,
    /// Human-readable message (no position prefix).
    pub message: String,
}

impl GrammarDiagnostic {
    /// Builds a diagnostic.
    pub fn new(file: &Path, pos: Pos, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            pos,
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for GrammarDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.pos.line,
            self.pos.col,
            self.message
        )
    }
}

/// The diagnostic for a [`tsynth_text::TextError`]; see [`GrammarError::from_text_error`].
pub(crate) fn text_diagnostic(e: &tsynth_text::TextError, what: &str) -> GrammarDiagnostic {
    match e {
        tsynth_text::TextError::Io { path, error } => GrammarDiagnostic::new(
            path,
            Pos::new(1, 1),
            ErrorKind::Io,
            format!("cannot read {what}: {error}"),
        ),
        tsynth_text::TextError::InvalidUtf8 { path, .. } => GrammarDiagnostic::new(
            path,
            Pos::from_line_col(e.line_col()),
            ErrorKind::Encoding,
            e.message(),
        ),
    }
}

/// Error type of this crate: one or more diagnostics, each `FILE:LINE:COL: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct GrammarError {
    /// All problems found, in the order found (never empty).
    pub diagnostics: Vec<GrammarDiagnostic>,
}

impl GrammarError {
    /// An error with a single diagnostic.
    pub fn single(d: GrammarDiagnostic) -> Self {
        Self {
            diagnostics: vec![d],
        }
    }

    /// Shortcut for a single diagnostic.
    pub fn at(file: &Path, pos: Pos, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::single(GrammarDiagnostic::new(file, pos, kind, message))
    }

    /// The error for a `what` file (e.g. "grammar") that could not be read or decoded:
    /// I/O errors at 1:1 (`cannot read grammar: OS message`), invalid UTF-8 at the first
    /// bad byte. The path is named once (by the diagnostic), the OS message once.
    pub fn from_text_error(e: &tsynth_text::TextError, what: &str) -> Self {
        Self::single(text_diagnostic(e, what))
    }

    /// Whether any diagnostic has the given kind.
    pub fn has_kind(&self, kind: ErrorKind) -> bool {
        self.diagnostics.iter().any(|d| d.kind == kind)
    }
}

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics while a pass goes on.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub diags: Vec<GrammarDiagnostic>,
}

impl Sink {
    pub(crate) fn push(&mut self, file: &Path, pos: Pos, kind: ErrorKind, msg: impl Into<String>) {
        self.diags
            .push(GrammarDiagnostic::new(file, pos, kind, msg));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.diags.is_empty()
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, GrammarError> {
        if self.diags.is_empty() {
            Ok(value)
        } else {
            Err(GrammarError {
                diagnostics: self.diags,
            })
        }
    }
}
