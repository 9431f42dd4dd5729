//! Compiler diagnostics as typed values, with 1-based line/column computed from solc's
//! byte offsets against the source text.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The compile failed.
    Error,
    /// The compile succeeded but something looks wrong.
    Warning,
    /// Informational message.
    Info,
}

impl Severity {
    /// Parse solc's `severity` field (`error`, `warning`, `info`).
    pub fn from_solc(s: &str) -> Severity {
        match s {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One compiler message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error, warning or info.
    pub severity: Severity,
    /// solc's error type, e.g. `ParserError`, `TypeError`, `Warning`.
    pub kind: String,
    /// solc's numeric error code, when it gives one.
    pub code: Option<String>,
    /// Source unit name (the key of the request's sources map), if the message has a location.
    pub file: Option<String>,
    /// 1-based line of the start of the location.
    pub line: Option<u32>,
    /// 1-based column (in characters) of the start of the location.
    pub column: Option<u32>,
    /// The message without location.
    pub message: String,
}

impl Diagnostic {
    /// True for [`Severity::Error`].
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Format as `FILE:LINE:COL: Kind: message`, naming the file `display_file` instead of
    /// the source unit name when given (e.g. the path as the user typed it).
    pub fn render(&self, display_file: Option<&str>) -> String {
        let file = display_file.or(self.file.as_deref());
        let loc = match (file, self.line, self.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            (Some(f), _, _) => format!("{f}: "),
            _ => String::new(),
        };
        format!("{loc}{}: {}", self.kind, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

/// A compile that produced error diagnostics. `Display` prints one `FILE:LINE:COL: message`
/// line per error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CompileFailed {
    /// Every diagnostic of the compile (errors and warnings).
    pub diagnostics: Vec<Diagnostic>,
}

impl CompileFailed {
    /// Only the error diagnostics.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

impl fmt::Display for CompileFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in self.errors() {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{d}")?;
        }
        if first {
            f.write_str("compile failed without an error message")?;
        }
        Ok(())
    }
}

/// Convert a byte offset into `text` to a 1-based (line, column); the column counts
/// characters. Offsets past the end clamp to the end; offsets inside a UTF-8 sequence
/// round down to its start.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Build typed diagnostics from solc's `errors` array.
pub(crate) fn from_solc_errors(
    errors: &[serde_json::Value],
    sources: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            let str_field = |k: &str| e.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            let severity = Severity::from_solc(&str_field("severity").unwrap_or_default());
            let kind = str_field("type").unwrap_or_else(|| severity.to_string());
            let message = str_field("message")
                .or_else(|| str_field("formattedMessage"))
                .unwrap_or_default();
            let loc = e.get("sourceLocation");
            let file = loc
                .and_then(|l| l.get("file"))
                .and_then(|v| v.as_str())
                .filter(|f| !f.is_empty())
                .map(str::to_owned);
            let start = loc
                .and_then(|l| l.get("start"))
                .and_then(|v| v.as_i64())
                .filter(|&s| s >= 0);
            let (line, column) = match (&file, start) {
                (Some(f), Some(s)) => match sources.get(f) {
                    Some(text) => {
                        let (l, c) = line_col(text, usize::try_from(s).unwrap_or(usize::MAX));
                        (Some(l), Some(c))
                    }
                    None => (None, None),
                },
                _ => (None, None),
            };
            Diagnostic {
                severity,
                kind,
                code: str_field("errorCode"),
                file,
                line,
                column,
                message,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncdé\nx";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 1), (1, 2));
        assert_eq!(line_col(t, 3), (2, 1));
        // 'é' is two bytes; the 'x' line starts after it and the newline.
        assert_eq!(line_col(t, 5), (2, 3));
        assert_eq!(line_col(t, 8), (3, 1));
        assert_eq!(line_col(t, 100), (3, 2));
    }
}
