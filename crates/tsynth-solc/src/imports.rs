//! Reading a Solidity file and everything it imports from disk, so solc gets every source
//! in one request (no import callback, and the cache key covers every file).

use std::collections::{BTreeMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use crate::error::SolcError;

/// One import directive found in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportDirective {
    /// The imported path, as written between the quotes.
    pub path: String,
    /// 1-based line of the `import` keyword.
    pub line: u32,
}

/// Sources read from disk: every file reachable through imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSet {
    /// Source unit name → content.
    pub sources: BTreeMap<String, String>,
    /// The source unit name given to the top file.
    pub top_unit: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Punct(char),
}

/// Tokenize just enough Solidity to find import directives: identifiers, string
/// literals and punctuation, with comments skipped. Each token carries its 1-based line.
fn tokens(src: &str) -> Vec<(Token, u32)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i = (i + 2).min(chars.len());
        } else if c == '"' || c == '\'' {
            let start_line = line;
            let quote = c;
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != quote {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    s.push(chars[i + 1]);
                    i += 2;
                    continue;
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push((Token::Str(s), start_line));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let mut s = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                s.push(chars[i]);
                i += 1;
            }
            out.push((Token::Ident(s), line));
        } else {
            out.push((Token::Punct(c), line));
            i += 1;
        }
    }
    out
}

/// Every import directive of a Solidity source, in order. Handles all four forms
/// (`import "x";`, `import "x" as y;`, `import * as y from "x";`, `import {a} from "x";`)
/// and ignores imports inside comments and strings.
pub fn scan_imports(src: &str) -> Vec<ImportDirective> {
    let toks = tokens(src);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].0 == Token::Ident("import".into()) {
            let line = toks[i].1;
            let mut j = i + 1;
            while j < toks.len() && toks[j].0 != Token::Punct(';') {
                if let Token::Str(p) = &toks[j].0 {
                    out.push(ImportDirective {
                        path: p.clone(),
                        line,
                    });
                    break;
                }
                j += 1;
            }
            i = j;
        }
        i += 1;
    }
    out
}

/// Lexically normalize a `/`-separated path: drop `.` segments and fold `..` into the
/// previous segment (leading `..` segments of a relative path are kept).
pub(crate) fn normalize_unit(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads a source with the shared text reader: BOM dropped, CR/CRLF made LF, invalid UTF-8
/// reported at its `LINE:COL` and byte; the path named once.
fn read(path: &Path) -> Result<String, SolcError> {
    match tsynth_text::read_text(path) {
        Ok(t) => Ok(t.into_string()),
        Err(tsynth_text::TextError::Io { path, error }) => Err(SolcError::Io { path, error }),
        Err(e) => Err(SolcError::Text(e)),
    }
}

/// Why a load with relative unit names had to be abandoned.
enum LoadError {
    Solc(SolcError),
    /// A relative import climbed above the root of the relative unit names (solc would
    /// silently drop the leading `..`, naming a different file).
    Escapes,
}

impl From<SolcError> for LoadError {
    fn from(e: SolcError) -> Self {
        LoadError::Solc(e)
    }
}

/// Read `top` and, recursively, every file it imports. See
/// [`CompileRequest::from_file`](crate::CompileRequest::from_file) for the rules.
pub fn load_with_imports(top: &Path, include_dirs: &[&Path]) -> Result<SourceSet, SolcError> {
    let cwd = std::env::current_dir().map_err(|e| SolcError::io(".", e))?;
    let norm = normalize_path(top);
    let absolute_unit = || {
        normalize_path(&cwd.join(&norm))
            .to_string_lossy()
            .replace('\\', "/")
    };
    let relative_inside =
        norm.is_relative() && !matches!(norm.components().next(), Some(Component::ParentDir));
    if relative_inside {
        let unit = norm.to_string_lossy().replace('\\', "/");
        match load_from(&cwd, unit, norm.clone(), include_dirs) {
            Ok(set) => return Ok(set),
            Err(LoadError::Solc(e)) => return Err(e),
            // Fall back to absolute unit names, which cannot escape.
            Err(LoadError::Escapes) => {}
        }
    }
    match load_from(&cwd, absolute_unit(), norm, include_dirs) {
        Ok(set) => Ok(set),
        Err(LoadError::Solc(e)) => Err(e),
        Err(LoadError::Escapes) => Err(SolcError::Protocol(
            "import path escapes the file-system root".into(),
        )),
    }
}

fn load_from(
    cwd: &Path,
    top_unit: String,
    top_disk: PathBuf,
    include_dirs: &[&Path],
) -> Result<SourceSet, LoadError> {
    let mut sources = BTreeMap::new();
    let mut queue: VecDeque<(String, PathBuf)> = VecDeque::new();
    queue.push_back((top_unit.clone(), top_disk));
    while let Some((unit, disk)) = queue.pop_front() {
        if sources.contains_key(&unit) {
            continue;
        }
        let text = read(&disk)?;
        for imp in scan_imports(&text) {
            let (child_unit, child_disk) =
                if imp.path.starts_with("./") || imp.path.starts_with("../") {
                    let dir = unit.rsplit_once('/').map_or("", |(d, _)| d);
                    let u = if dir.is_empty() && !unit.starts_with('/') {
                        normalize_unit(&imp.path)
                    } else {
                        normalize_unit(&format!("{dir}/{}", imp.path))
                    };
                    if u == ".." || u.starts_with("../") {
                        return Err(LoadError::Escapes);
                    }
                    let d = normalize_path(&disk.parent().unwrap_or(Path::new("")).join(&imp.path));
                    if !d.is_file() {
                        return Err(SolcError::ImportNotFound {
                            importer: disk.clone(),
                            line: imp.line,
                            import: imp.path.clone(),
                            searched: vec![d],
                        }
                        .into());
                    }
                    (u, d)
                } else {
                    let mut searched = Vec::new();
                    let mut found = None;
                    let bases = std::iter::once(cwd).chain(include_dirs.iter().copied());
                    for base in bases {
                        let cand = base.join(&imp.path);
                        if cand.is_file() {
                            found = Some(cand);
                            break;
                        }
                        searched.push(cand);
                    }
                    match found {
                        Some(d) => (imp.path.clone(), d),
                        None => {
                            return Err(SolcError::ImportNotFound {
                                importer: disk.clone(),
                                line: imp.line,
                                import: imp.path.clone(),
                                searched,
                            }
                            .into());
                        }
                    }
                };
            if !sources.contains_key(&child_unit) {
                queue.push_back((child_unit, child_disk));
            }
        }
        sources.insert(unit, text);
    }
    Ok(SourceSet { sources, top_unit })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_all_import_forms_and_skips_comments() {
        let src = r#"
// import "commented.sol";
/* import "block.sol";
*/
import "a.sol";
import "./b.sol" as B;
import * as C from '../c.sol';
import {X, Y as Z}
    from "d/e.sol";
string constant s = "import \"no.sol\";";
"#;
        let got: Vec<(String, u32)> = scan_imports(src)
            .into_iter()
            .map(|d| (d.path, d.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a.sol".to_string(), 5),
                ("./b.sol".to_string(), 6),
                ("../c.sol".to_string(), 7),
                ("d/e.sol".to_string(), 8),
            ]
        );
    }

    #[test]
    fn normalizes_unit_names() {
        assert_eq!(normalize_unit("a/b/./../c.sol"), "a/c.sol");
        assert_eq!(normalize_unit("/x/y/../z.sol"), "/x/z.sol");
        assert_eq!(normalize_unit("../q.sol"), "../q.sol");
        assert_eq!(normalize_unit("/a.sol"), "/a.sol");
    }
}
