//! Reading building-block Solidity with `solang-parser`: contracts, their bases, functions,
//! constructor parameters and imports; source-unit naming and import resolution.

use crate::error::{ErrorKind, Pos, Sink};
use crate::limits::{MAX_SOLIDITY_NESTING, solidity_nesting_violation};
use solang_parser::pt::{self, ContractPart, ContractTy, Loc, SourceUnitPart};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One constructor parameter as written in Solidity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolParam {
    /// Canonical type (`uint256`, `bool`, `address`, ...).
    pub ty: String,
    /// Name (empty if unnamed).
    pub name: String,
    /// Position in the `.sol` file.
    pub pos: Pos,
}

/// What the checks need to know about one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolContract {
    /// Contract name.
    pub name: String,
    /// `contract`, `abstract contract`, `interface` or `library`.
    pub kind: &'static str,
    /// Direct base contracts, by name.
    pub bases: Vec<String>,
    /// Functions defined here (name, position, has a body).
    pub functions: Vec<(String, Pos, bool)>,
    /// Constructor parameters, if the contract declares a constructor.
    pub constructor: Option<(Vec<SolParam>, Pos)>,
    /// Position of the contract's name.
    pub pos: Pos,
}

/// A parsed Solidity source unit.
#[derive(Debug, Clone)]
pub struct SolFile {
    /// Source unit name (path relative to the blocks folder, `/`-separated).
    pub unit: String,
    /// File on disk.
    pub path: PathBuf,
    /// Full text.
    pub text: String,
    /// Contracts in declaration order.
    pub contracts: Vec<SolContract>,
    /// Resolved source unit names of its imports.
    pub imports: Vec<String>,
}

fn loc_pos(text: &str, loc: &Loc) -> Pos {
    match loc {
        Loc::File(_, start, _) => Pos::from_offset(text, *start),
        _ => Pos::new(1, 1),
    }
}

/// Canonical spelling of a parameter type.
fn type_name(e: &pt::Expression) -> String {
    match e {
        pt::Expression::Type(_, pt::Type::Uint(n)) => format!("uint{n}"),
        pt::Expression::Type(_, pt::Type::Int(n)) => format!("int{n}"),
        pt::Expression::Type(_, pt::Type::Bool) => "bool".into(),
        pt::Expression::Type(_, pt::Type::Address) => "address".into(),
        pt::Expression::Type(_, pt::Type::AddressPayable) => "address payable".into(),
        other => other.to_string(),
    }
}

/// Resolves an import path written in unit `from` to a source unit name.
/// Returns `None` if it escapes the blocks folder.
pub fn resolve_import(from: &str, import: &str) -> Option<String> {
    let mut parts: Vec<&str> = if import.starts_with("./") || import.starts_with("../") {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    } else {
        Vec::new()
    };
    for seg in import.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Parses one Solidity file; syntax errors go to `sink` with the `.sol` file's positions.
/// Brackets nested deeper than [`MAX_SOLIDITY_NESTING`] are refused before
/// `solang-parser` sees the text.
pub(crate) fn parse_file(
    unit: &str,
    path: &Path,
    text: String,
    sink: &mut Sink,
) -> Option<SolFile> {
    if let Some(off) = solidity_nesting_violation(&text, MAX_SOLIDITY_NESTING) {
        sink.push(
            path,
            Pos::from_offset(&text, off),
            ErrorKind::TooDeep,
            format!("brackets nested more than {MAX_SOLIDITY_NESTING} deep"),
        );
        return None;
    }
    let parsed = solang_parser::parse(&text, 0);
    let su = match parsed {
        Ok((su, _)) => su,
        Err(diags) => {
            for d in diags {
                sink.push(
                    path,
                    loc_pos(&text, &d.loc),
                    ErrorKind::Solidity,
                    format!("Solidity syntax: {}", d.message),
                );
            }
            return None;
        }
    };
    let mut contracts = Vec::new();
    let mut imports = Vec::new();
    for part in &su.0 {
        match part {
            SourceUnitPart::ImportDirective(imp) => {
                let (lit, loc) = match imp {
                    pt::Import::Plain(pt::ImportPath::Filename(l), loc)
                    | pt::Import::GlobalSymbol(pt::ImportPath::Filename(l), _, loc)
                    | pt::Import::Rename(pt::ImportPath::Filename(l), _, loc) => (l, loc),
                    _ => continue,
                };
                match resolve_import(unit, &lit.string) {
                    Some(u) => imports.push(u),
                    None => sink.push(
                        path,
                        loc_pos(&text, loc),
                        ErrorKind::Solidity,
                        format!("import \"{}\" leaves the blocks folder", lit.string),
                    ),
                }
            }
            SourceUnitPart::ContractDefinition(c) => {
                let Some(name) = &c.name else { continue };
                let kind = match c.ty {
                    ContractTy::Abstract(_) => "abstract contract",
                    ContractTy::Contract(_) => "contract",
                    ContractTy::Interface(_) => "interface",
                    ContractTy::Library(_) => "library",
                };
                let bases = c
                    .base
                    .iter()
                    .filter_map(|b| b.name.identifiers.last().map(|i| i.name.clone()))
                    .collect();
                let mut functions = Vec::new();
                let mut constructor = None;
                for p in &c.parts {
                    let ContractPart::FunctionDefinition(f) = p else {
                        continue;
                    };
                    match f.ty {
                        pt::FunctionTy::Constructor => {
                            let params = f
                                .params
                                .iter()
                                .map(|(loc, p)| match p {
                                    Some(p) => SolParam {
                                        ty: type_name(&p.ty),
                                        name: p
                                            .name
                                            .as_ref()
                                            .map(|n| n.name.clone())
                                            .unwrap_or_default(),
                                        pos: loc_pos(&text, loc),
                                    },
                                    None => SolParam {
                                        ty: "?".into(),
                                        name: String::new(),
                                        pos: loc_pos(&text, loc),
                                    },
                                })
                                .collect();
                            constructor = Some((params, loc_pos(&text, &f.loc)));
                        }
                        pt::FunctionTy::Function => {
                            if let Some(n) = &f.name {
                                functions.push((
                                    n.name.clone(),
                                    loc_pos(&text, &n.loc),
                                    f.body.is_some(),
                                ));
                            }
                        }
                        _ => {}
                    }
                }
                contracts.push(SolContract {
                    name: name.name.clone(),
                    kind,
                    bases,
                    functions,
                    constructor,
                    pos: loc_pos(&text, &name.loc),
                });
            }
            _ => {}
        }
    }
    Some(SolFile {
        unit: unit.to_string(),
        path: path.to_path_buf(),
        text,
        contracts,
        imports,
    })
}

/// Loads source units from a folder, following imports; caches parsed files.
#[derive(Debug, Default)]
pub struct SourceStore {
    /// Blocks folder.
    pub root: PathBuf,
    /// Parsed files by unit name (`None`: could not be read or parsed).
    pub files: BTreeMap<String, Option<SolFile>>,
}

impl SourceStore {
    /// A store rooted at `root`.
    pub fn new(root: PathBuf) -> Self {
        Self {
            root,
            files: BTreeMap::new(),
        }
    }

    /// Loads `unit` and everything it imports. Problems are reported at `at` (the grammar
    /// position that asked for the file) for missing files, and in the `.sol` file otherwise.
    pub(crate) fn load(&mut self, unit: &str, grammar: &Path, at: Pos, sink: &mut Sink) -> bool {
        if let Some(f) = self.files.get(unit) {
            return f.is_some();
        }
        let path = self.root.join(unit);
        let text = match tsynth_text::read_text(&path) {
            Ok(t) => t.into_string(),
            Err(tsynth_text::TextError::Io { error, .. }) => {
                sink.push(
                    grammar,
                    at,
                    ErrorKind::Io,
                    format!("cannot read Solidity file {}: {error}", path.display()),
                );
                self.files.insert(unit.to_string(), None);
                return false;
            }
            Err(e) => {
                sink.diags
                    .push(crate::error::text_diagnostic(&e, "Solidity file"));
                self.files.insert(unit.to_string(), None);
                return false;
            }
        };
        let parsed = parse_file(unit, &path, text, sink);
        let imports = parsed
            .as_ref()
            .map(|f| f.imports.clone())
            .unwrap_or_default();
        let ok = parsed.is_some();
        self.files.insert(unit.to_string(), parsed);
        for imp in imports {
            if !self.load(&imp, grammar, at, sink) {
                return false;
            }
        }
        ok
    }

    /// `unit` and every unit it imports, transitively, sorted.
    pub fn closure(&self, unit: &str) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![unit.to_string()];
        while let Some(u) = stack.pop() {
            if !seen.insert(u.clone()) {
                continue;
            }
            if let Some(Some(f)) = self.files.get(&u) {
                stack.extend(f.imports.iter().cloned());
            }
        }
        seen.into_iter().collect()
    }

    /// The parsed file for `unit`, if it loaded.
    pub fn get(&self, unit: &str) -> Option<&SolFile> {
        self.files.get(unit).and_then(|f| f.as_ref())
    }
}
