//! Readable design files (TOML): a known design as a point of a grammar's space, with
//! blocks and parameters by name. Both directions: design file → genotype
//! ([`Design::load`], [`Library::genotype_from_design`]) and genotype → design file
//! ([`Library::design_text`]).
//!
//! ```toml
//! # Ocean V3
//! grammar = "../grammars/amm.grammar"   # relative to this file
//!
//! [ConstantWeights]       # one table per chosen block (slot order is not required)
//! baseWeight = 0.7        # natural units; "70 %" or "0.7 fraction" also accepted
//!
//! [FixedFee]
//! lpFee = "0.1 %"
//! ```
//!
//! Omitted parameters take their defaults; a slot with no table takes the first
//! alternative that fits. Tables may also name a compound on the chosen path to set its
//! parameters.

use crate::error::{ErrorKind, GrammarError, Pos, Sink};
use crate::genotype::Genotype;
use crate::library::{Library, PartKind};
use crate::param::{ParamSpec, Value};
use crate::tree::{NodeKind, ParamSource};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// A value as written in a design file.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignValue {
    /// A number.
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A string such as `"0.1 %"` or `"86400 seconds"`.
    Text(String),
}

/// One `[Name]` table of a design file.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignTable {
    /// Block or compound name.
    pub name: String,
    /// Position of the table header.
    pub pos: Pos,
    /// `param = value` entries with the key's position.
    pub entries: Vec<(String, Pos, DesignValue)>,
}

/// A parsed design file (not yet checked against its grammar).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The design file.
    pub path: PathBuf,
    /// `grammar = "..."` as written.
    pub grammar_rel: String,
    /// Position of the `grammar` value.
    pub grammar_pos: Pos,
    /// `description = "..."`, if any.
    pub description: Option<String>,
    /// Tables in file order.
    pub tables: Vec<DesignTable>,
}

/// Errors of design files are ordinary `FILE:LINE:COL` diagnostics.
pub type DesignError = GrammarError;

fn span_pos(text: &tsynth_text::LineIndex<'_>, span: std::ops::Range<usize>) -> Pos {
    Pos::from_line_col(text.line_col(span.start))
}

fn number_of(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => {
            let s = i.as_str().replace('_', "");
            let s = s.trim_start_matches('+');
            let digits = s
                .strip_prefix("0x")
                .or_else(|| s.strip_prefix("0o"))
                .or_else(|| s.strip_prefix("0b"))
                .unwrap_or(s);
            i128::from_str_radix(digits, i.radix())
                .ok()
                .map(|x| x as f64)
        }
        DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
        _ => None,
    }
}

impl Design {
    /// Parses a design file's text.
    ///
    /// `text` is normalised first ([`tsynth_text::normalize`]). NaN and infinities
    /// (`nan`, `inf`, or a number too large for a 64-bit float) are refused at their
    /// position.
    pub fn parse(path: &Path, text: &str) -> Result<Design, DesignError> {
        let normalised = tsynth_text::normalize(text);
        let text = &*normalised;
        let index = tsynth_text::LineIndex::new(text);
        let doc = DeTable::parse(text).map_err(|e| {
            let pos = e.span().map(|s| span_pos(&index, s)).unwrap_or_default();
            GrammarError::at(
                path,
                pos,
                ErrorKind::Design,
                format!("TOML: {}", e.message().trim()),
            )
        })?;
        let mut sink = Sink::default();
        let mut grammar = None;
        let mut description = None;
        let mut tables = Vec::new();
        let mut entries: Vec<_> = doc.get_ref().iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (k, v) in entries {
            let kpos = span_pos(&index, k.span());
            let key = k.get_ref().as_ref();
            match (key, v.get_ref()) {
                ("grammar", DeValue::String(s)) => {
                    grammar = Some((s.to_string(), span_pos(&index, v.span())))
                }
                ("description", DeValue::String(s)) => description = Some(s.to_string()),
                ("grammar" | "description", _) => sink.push(
                    path,
                    kpos,
                    ErrorKind::Design,
                    format!("`{key}` must be a string"),
                ),
                (_, DeValue::Table(t)) => {
                    let mut es: Vec<_> = t.iter().collect();
                    es.sort_by_key(|(k, _)| k.span().start);
                    let mut out = Vec::new();
                    for (pk, pv) in es {
                        let ppos = span_pos(&index, pk.span());
                        let val = match pv.get_ref() {
                            DeValue::Boolean(b) => DesignValue::Bool(*b),
                            DeValue::String(s) => DesignValue::Text(s.to_string()),
                            other => match number_of(other) {
                                Some(x) if !x.is_finite() => {
                                    sink.push(
                                        path,
                                        span_pos(&index, pv.span()),
                                        ErrorKind::NotRepresentable,
                                        format!(
                                            "value of `{}` is not a finite number ({x})",
                                            pk.get_ref()
                                        ),
                                    );
                                    continue;
                                }
                                Some(x) => DesignValue::Number(x),
                                None => {
                                    sink.push(
                                        path,
                                        span_pos(&index, pv.span()),
                                        ErrorKind::Design,
                                        format!(
                                            "value of `{}` must be a number, a bool or a string like \"0.1 %\" (found {})",
                                            pk.get_ref(),
                                            other.type_str()
                                        ),
                                    );
                                    continue;
                                }
                            },
                        };
                        out.push((pk.get_ref().to_string(), ppos, val));
                    }
                    tables.push(DesignTable {
                        name: key.to_string(),
                        pos: kpos,
                        entries: out,
                    });
                }
                _ => sink.push(
                    path,
                    kpos,
                    ErrorKind::Design,
                    format!(
                        "unknown key `{key}` (expected `grammar`, `description` or a [Block] table)"
                    ),
                ),
            }
        }
        let Some((grammar_rel, grammar_pos)) = grammar else {
            sink.push(
                path,
                Pos::new(1, 1),
                ErrorKind::Design,
                "missing `grammar = \"PATH\"`",
            );
            return sink
                .into_result(())
                .map(|_| unreachable!("sink has errors"));
        };
        sink.into_result(Design {
            path: path.to_path_buf(),
            grammar_rel,
            grammar_pos,
            description,
            tables,
        })
    }

    /// The grammar file, resolved relative to the design file's folder.
    pub fn grammar_path(&self) -> PathBuf {
        self.path
            .parent()
            .unwrap_or(Path::new(""))
            .join(&self.grammar_rel)
    }

    /// Reads a design file, loads its grammar and builds the genotype.
    pub fn load(path: &Path) -> Result<(Design, Library, Genotype), DesignError> {
        let text = tsynth_text::read_text(path)
            .map_err(|e| GrammarError::from_text_error(&e, "design"))?;
        let design = Design::parse(path, text.as_str())?;
        let gpath = design.grammar_path();
        if !gpath.is_file() {
            return Err(GrammarError::at(
                path,
                design.grammar_pos,
                ErrorKind::Io,
                format!("grammar file {} not found", gpath.display()),
            ));
        }
        let lib = Library::load(&gpath)?;
        let g = lib.genotype_from_design(&design)?;
        Ok((design, lib, g))
    }
}

/// Converts a design value to natural units for `spec`.
fn natural(spec: &ParamSpec, v: &DesignValue) -> Result<f64, String> {
    match (spec.ty, v) {
        (crate::ast::ParamType::Bool, DesignValue::Bool(b)) => Ok(if *b { 1.0 } else { 0.0 }),
        (crate::ast::ParamType::Bool, _) => Err("expects true or false".into()),
        (_, DesignValue::Bool(_)) => Err(format!("expects a number ({})", spec.ty.keyword())),
        (_, DesignValue::Number(x)) => Ok(*x),
        (_, DesignValue::Text(s)) => {
            let s = s.trim();
            let split = s
                .find(|c: char| !(c.is_ascii_digit() || "+-.eE_".contains(c)))
                .unwrap_or(s.len());
            let (num, unit) = s.split_at(split);
            let x: f64 = num
                .replace('_', "")
                .parse()
                .map_err(|_| format!("cannot read a number in \"{s}\""))?;
            if !x.is_finite() {
                return Err(format!("\"{s}\" is not a finite number"));
            }
            let unit = unit.trim();
            if unit.is_empty() || unit == spec.unit {
                Ok(x)
            } else if unit == "%" && spec.unit == "fraction" {
                Ok(x / 100.0)
            } else {
                Err(format!(
                    "unit `{unit}` does not match the parameter's unit `{}`",
                    spec.unit
                ))
            }
        }
    }
}

impl Library {
    /// Selects choices so that the derivation uses the blocks named in `wanted` (by slot)
    /// and as many of the compounds named in `compounds` as possible; writes the choice
    /// genes into `g`. Returns the number of named compounds on the chosen path, or `None`
    /// if the named blocks cannot be derived together below `node`.
    fn select(
        &self,
        node: usize,
        wanted: &HashMap<usize, usize>,
        compounds: &[usize],
        g: &mut [f64],
    ) -> Option<usize> {
        let n = &self.tree.nodes[node];
        match &n.kind {
            NodeKind::Block { block, .. } => match wanted.get(&self.blocks[*block].slot) {
                Some(b) if b != block => None,
                _ => Some(0),
            },
            NodeKind::Choice { var, alts } => {
                let mut best: Option<(usize, usize)> = None;
                for (i, &a) in alts.iter().enumerate() {
                    if let Some(score) = self.select(a, wanted, compounds, g)
                        && best.is_none_or(|(_, s)| score > s)
                    {
                        best = Some((i, score));
                    }
                }
                let (i, score) = best?;
                // re-run the winner so that its genes are the ones left in `g`
                self.select(alts[i], wanted, compounds, g);
                g[*var] = i as f64;
                Some(score)
            }
            NodeKind::Compound { children, .. } => {
                let mut score = usize::from(compounds.contains(&n.part));
                for &c in children {
                    score += self.select(c, wanted, compounds, g)?;
                }
                Some(score)
            }
        }
    }

    /// Builds the genotype of a design: its blocks, its parameters (defaults for omitted
    /// ones). Unknown names, impossible combinations and out-of-range values are errors at
    /// their position in the design file.
    pub fn genotype_from_design(&self, design: &Design) -> Result<Genotype, DesignError> {
        let file = design.path.as_path();
        let mut sink = Sink::default();
        let mut wanted: HashMap<usize, usize> = HashMap::new();
        let mut tables_by_part: HashMap<usize, &DesignTable> = HashMap::new();
        for t in &design.tables {
            let Some(pid) = self.part_id(&t.name) else {
                sink.push(
                    file,
                    t.pos,
                    ErrorKind::Design,
                    format!("unknown block `{}` in grammar `{}`", t.name, self.name),
                );
                continue;
            };
            match &self.parts[pid].kind {
                PartKind::Atomic(b) => {
                    let slot = self.blocks[*b].slot;
                    if let Some(&other) = wanted.get(&slot) {
                        sink.push(
                            file,
                            t.pos,
                            ErrorKind::Design,
                            format!(
                                "`{}` and `{}` both fill slot `{}`",
                                self.blocks[other].name, t.name, self.slots[slot].name
                            ),
                        );
                        continue;
                    }
                    wanted.insert(slot, *b);
                }
                PartKind::Compound { .. } => {}
                PartKind::Flex(_) => {
                    sink.push(
                        file,
                        t.pos,
                        ErrorKind::Design,
                        format!("`{}` is a choice; name the chosen block instead", t.name),
                    );
                    continue;
                }
            }
            tables_by_part.insert(pid, t);
        }
        let mut g = self.default_genotype();
        let named_compounds: Vec<usize> = tables_by_part
            .keys()
            .copied()
            .filter(|&p| matches!(self.parts[p].kind, PartKind::Compound { .. }))
            .collect();
        if sink.is_empty()
            && self
                .select(0, &wanted, &named_compounds, &mut g.0)
                .is_none()
        {
            sink.push(
                file,
                design
                    .tables
                    .first()
                    .map(|t| t.pos)
                    .unwrap_or(design.grammar_pos),
                ErrorKind::Design,
                format!(
                    "no derivation of grammar `{}` uses all the named blocks together",
                    self.name
                ),
            );
        }
        if !sink.is_empty() {
            return sink.into_result(g);
        }
        let d = self
            .decode(&g)
            .expect("default genotype has the right length");
        let mut seen_parts = HashMap::new();
        for &n in &d.active {
            let node = &self.tree.nodes[n];
            let (specs, sources) = match (&node.kind, &self.parts[node.part].kind) {
                (NodeKind::Block { block, params }, _) => (&self.blocks[*block].params, params),
                (NodeKind::Compound { params, .. }, PartKind::Compound { params: specs, .. }) => {
                    (specs, params)
                }
                _ => continue,
            };
            let Some(t) = tables_by_part.get(&node.part) else {
                continue;
            };
            if seen_parts.insert(node.part, n).is_some() {
                sink.push(
                    file,
                    t.pos,
                    ErrorKind::Design,
                    format!("`{}` occurs more than once in the derivation", t.name),
                );
                continue;
            }
            self.apply_table(t, specs, sources, file, &mut g, &mut sink);
        }
        for t in &design.tables {
            if let Some(pid) = self.part_id(&t.name)
                && matches!(self.parts[pid].kind, PartKind::Compound { .. })
                && !seen_parts.contains_key(&pid)
            {
                sink.push(
                    file,
                    t.pos,
                    ErrorKind::Design,
                    format!("compound `{}` is not on the design's derivation", t.name),
                );
            }
        }
        sink.into_result(g)
    }

    /// Writes the free parameters named in table `t` into `g` (errors for unknown,
    /// computed, ill-typed or out-of-range values go to `sink`).
    fn apply_table(
        &self,
        t: &DesignTable,
        specs: &[ParamSpec],
        sources: &[ParamSource],
        file: &Path,
        g: &mut Genotype,
        sink: &mut Sink,
    ) {
        for (key, kpos, val) in &t.entries {
            let Some(i) = specs.iter().position(|s| s.name == *key) else {
                let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
                sink.push(
                    file,
                    *kpos,
                    ErrorKind::Design,
                    format!(
                        "unknown parameter `{key}` of `{}` (parameters: {})",
                        t.name,
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                );
                continue;
            };
            let spec = &specs[i];
            let ParamSource::Free(var) = &sources[i] else {
                sink.push(
                    file,
                    *kpos,
                    ErrorKind::Design,
                    format!(
                        "`{}.{key}` is computed by an expression in the grammar; remove it",
                        t.name
                    ),
                );
                continue;
            };
            match natural(spec, val) {
                Err(m) => sink.push(
                    file,
                    *kpos,
                    ErrorKind::Design,
                    format!("`{}.{key}` {m}", t.name),
                ),
                Ok(x) if spec.ty != crate::ast::ParamType::Bool && (x < spec.lo || x > spec.hi) => {
                    sink.push(
                        file,
                        *kpos,
                        ErrorKind::Design,
                        format!(
                            "`{}.{key}` = {x} is outside its range [{}, {}]",
                            t.name, spec.lo, spec.hi
                        ),
                    )
                }
                Ok(x) if spec.ty == crate::ast::ParamType::Integer && x.fract() != 0.0 => sink
                    .push(
                        file,
                        *kpos,
                        ErrorKind::Design,
                        format!("`{}.{key}` = {x} is not a whole number", t.name),
                    ),
                Ok(x) => g.0[*var] = spec.encode(x),
            }
        }
    }

    /// The design file text of genotype `g`: `grammar = grammar_rel`, then one table per
    /// compound (with parameters) and per chosen block, each parameter with its unit and
    /// range as a comment. Parameters computed by expressions are shown as comments.
    pub fn design_text(
        &self,
        g: &Genotype,
        grammar_rel: &str,
        description: Option<&str>,
    ) -> Result<String, crate::genotype::GenotypeError> {
        let d = self.decode(g)?;
        let mut s = String::new();
        if let Some(desc) = description {
            for line in desc.lines() {
                s += &format!("# {line}\n");
            }
        }
        s += &format!("grammar = {}\n", toml_string(grammar_rel));
        if let Some(desc) = description {
            s += &format!(
                "description = {}\n",
                toml_string(desc.lines().next().unwrap_or(""))
            );
        }
        let write_table = |s: &mut String,
                           name: &str,
                           comment: &str,
                           specs: &[ParamSpec],
                           sources: &[ParamSource],
                           values: &[Value]| {
            *s += &format!("\n[{name}]{comment}\n");
            for ((spec, src), v) in specs.iter().zip(sources).zip(values) {
                let note = spec.describe();
                match src {
                    ParamSource::Free(_) => {
                        *s += &format!("{} = {}  # {note}\n", spec.name, toml_value(v))
                    }
                    ParamSource::Bound { expr, .. } => {
                        *s += &format!("# {} = {}  (computed: {expr})\n", spec.name, toml_value(v))
                    }
                }
            }
        };
        for c in &d.compounds {
            let PartKind::Compound { params, .. } = &self.parts[c.part].kind else {
                continue;
            };
            // the root is always there; other compounds are named even without parameters
            // so that the design picks the same derivation when several give the same blocks
            if params.is_empty() && c.node == 0 {
                continue;
            }
            let NodeKind::Compound {
                params: sources, ..
            } = &self.tree.nodes[c.node].kind
            else {
                continue;
            };
            write_table(
                &mut s,
                &self.parts[c.part].name,
                "  # compound",
                params,
                sources,
                &c.values,
            );
        }
        for cb in &d.blocks {
            let b = &self.blocks[cb.block];
            let NodeKind::Block {
                params: sources, ..
            } = &self.tree.nodes[cb.node].kind
            else {
                continue;
            };
            let comment = format!("  # slot {}", self.slots[b.slot].name);
            write_table(&mut s, &b.name, &comment, &b.params, sources, &cb.values);
        }
        Ok(s)
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out += "\\\"",
            '\\' => out += "\\\\",
            c if c.is_control() => out += &format!("\\u{:04X}", c as u32),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Integer(i) if *i > i64::MAX as u64 => format!("\"{i}\""),
        Value::Integer(i) => i.to_string(),
        Value::Real(x) => {
            let s = format!("{x}");
            if s.len() > 20 {
                format!("{x:e}")
            } else if s.contains('.') {
                s
            } else {
                format!("{s}.0")
            }
        }
    }
}

/// Path of `to` relative to the folder `from_dir` (both made absolute first; symlinks
/// resolved when they exist), `/`-separated — what a design file's `grammar` key holds.
pub fn relative_path(from_dir: &Path, to: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                std::env::current_dir().unwrap_or_default().join(p)
            }
        })
    };
    let (from, to) = (abs(from_dir), abs(to));
    let fc: Vec<_> = from.components().collect();
    let tc: Vec<_> = to.components().collect();
    let common = fc.iter().zip(&tc).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), fc.len() - common).collect();
    parts.extend(
        tc[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
