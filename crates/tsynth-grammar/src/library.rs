//! The validated library: slots, blocks, choices, compounds, the core, and the Solidity
//! sources they need. Built by [`Library::load`], which reports every problem it finds.

use crate::ast::{Item, Literal, Name, ParamDecl, ParamType, Scale};
use crate::error::{ErrorKind, GrammarError, Pos, Sink};
use crate::expr::Expr;
use crate::limits::MAX_PART_DEPTH;
use crate::param::ParamSpec;
use crate::solidity::{SolParam, SourceStore};
use crate::tree::Tree;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Index of a block in [`Library::blocks`].
pub type BlockId = usize;
/// Index of a part in [`Library::parts`].
pub type PartId = usize;

/// A slot: a group of hooks of the core that exactly one block implements.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Slot name.
    pub name: String,
    /// Hook function names.
    pub hooks: Vec<String>,
    /// Declaration position.
    pub pos: Pos,
}

/// An atomic building block: one `.sol` file with one abstract contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Contract name (also the part name).
    pub name: String,
    /// Index into [`Library::slots`].
    pub slot: usize,
    /// Source unit name, relative to the blocks folder.
    pub unit: String,
    /// Constructor parameters, in order.
    pub params: Vec<ParamSpec>,
    /// Declaration position.
    pub pos: Pos,
}

/// The core contract every candidate inherits.
#[derive(Debug, Clone, PartialEq)]
pub struct Core {
    /// Contract name.
    pub name: String,
    /// Source unit name.
    pub unit: String,
    /// Constructor parameters (supplied by the deployer, not evolved).
    pub constructor: Vec<SolParam>,
}

/// A `use` of a part inside a compound.
#[derive(Debug, Clone, PartialEq)]
pub struct PartUse {
    /// The part used.
    pub part: PartId,
    /// `param = expr` bindings (param of the used part, expr over the compound's params).
    pub bindings: Vec<(String, Expr)>,
}

/// What a part is.
#[derive(Debug, Clone, PartialEq)]
pub enum PartKind {
    /// A terminal: one block.
    Atomic(BlockId),
    /// A choice among alternatives (one discrete variable).
    Flex(Vec<PartId>),
    /// A composition of sub-parts, with its own parameters.
    Compound {
        /// Parameters of the compound, visible to its bindings' expressions.
        params: Vec<ParamSpec>,
        /// Sub-parts.
        uses: Vec<PartUse>,
    },
}

/// A named part of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: PartKind,
    /// Declaration position.
    pub pos: Pos,
}

/// A validated grammar with its building blocks.
#[derive(Debug, Clone)]
pub struct Library {
    /// Grammar name.
    pub name: String,
    /// Grammar file.
    pub file: PathBuf,
    /// Folder holding the `.sol` files.
    pub blocks_dir: PathBuf,
    /// The core contract.
    pub core: Core,
    /// Pragma line used for the generated candidate.
    pub pragma: String,
    /// Slots in declaration order.
    pub slots: Vec<Slot>,
    /// Blocks in declaration order.
    pub blocks: Vec<Block>,
    /// All parts (blocks are atomic parts).
    pub parts: Vec<Part>,
    /// The start part.
    pub start: PartId,
    /// Source text of every loaded unit.
    pub sources: BTreeMap<String, String>,
    /// For each block, every unit it needs (itself and its imports, transitively).
    pub block_units: Vec<Vec<String>>,
    /// Units the core needs.
    pub core_units: Vec<String>,
    /// The grammar unfolded from the start part; defines the genotype layout.
    pub tree: Tree,
}

/// Most nodes an unfolded grammar may have.
pub const MAX_NODES: usize = 200_000;

struct Decls {
    name: Option<Name>,
    blocks_dir: Option<(String, Pos)>,
    core: Option<(Name, String, Pos)>,
    start: Option<Name>,
}

fn dup_check(seen: &mut HashMap<String, Pos>, n: &Name, what: &str, file: &Path, sink: &mut Sink) {
    if let Some(prev) = seen.get(&n.text) {
        sink.push(
            file,
            n.pos,
            ErrorKind::DuplicateName,
            format!(
                "duplicate {what} `{}` (first declared at line {}:{})",
                n.text, prev.line, prev.col
            ),
        );
    } else {
        seen.insert(n.text.clone(), n.pos);
    }
}

/// Validates a parameter declaration.
fn check_param(d: &ParamDecl, file: &Path, sink: &mut Sink) -> Option<ParamSpec> {
    let bad =
        |sink: &mut Sink, pos: Pos, msg: String| sink.push(file, pos, ErrorKind::BadRange, msg);
    let n = &d.name.text;
    let scale = d.scale.map(|s| s.0).unwrap_or(Scale::Linear);
    let default = match (&d.default, d.ty) {
        (None, _) => {
            bad(sink, d.name.pos, format!("parameter `{n}` has no default"));
            return None;
        }
        (Some((Literal::Bool(b), _)), ParamType::Bool) => {
            if *b {
                1.0
            } else {
                0.0
            }
        }
        (Some((Literal::Number(v), _)), ParamType::Real | ParamType::Integer) => *v,
        (Some((_, p)), ty) => {
            bad(
                sink,
                *p,
                format!("default of `{n}` does not match its type {}", ty.keyword()),
            );
            return None;
        }
    };
    if d.ty == ParamType::Bool {
        if let Some((_, _, p)) = d.range {
            bad(sink, p, format!("bool parameter `{n}` takes no range"));
            return None;
        }
        if let Some((_, p)) = d.scale {
            bad(sink, p, format!("bool parameter `{n}` takes no scale"));
            return None;
        }
        return Some(ParamSpec {
            name: n.clone(),
            ty: d.ty,
            lo: 0.0,
            hi: 1.0,
            scale: Scale::Linear,
            unit: d.unit.clone().unwrap_or_default(),
            default,
            pos: d.name.pos,
        });
    }
    let Some((lo, hi, rpos)) = d.range else {
        bad(
            sink,
            d.name.pos,
            format!("parameter `{n}` has no range (`in [lo, hi]`)"),
        );
        return None;
    };
    if lo >= hi {
        bad(
            sink,
            rpos,
            format!("bad range for `{n}`: lower bound {lo} is not below upper bound {hi}"),
        );
        return None;
    }
    if lo < 0.0 {
        bad(
            sink,
            rpos,
            format!("bad range for `{n}`: {lo} is negative (parameters are passed as uint256)"),
        );
        return None;
    }
    if scale == Scale::Log && lo <= 0.0 {
        bad(
            sink,
            rpos,
            format!("bad range for `{n}`: log scale needs a lower bound above 0"),
        );
        return None;
    }
    if d.ty == ParamType::Integer && (lo.fract() != 0.0 || hi.fract() != 0.0) {
        bad(
            sink,
            rpos,
            format!("bad range for integer `{n}`: bounds must be whole numbers"),
        );
        return None;
    }
    if let Some(msg) = unrepresentable_range(d.ty, lo, hi) {
        sink.push(
            file,
            rpos,
            ErrorKind::NotRepresentable,
            format!("bad range for `{n}`: {msg}"),
        );
        return None;
    }
    let dpos = d.default.as_ref().map(|x| x.1).unwrap_or(d.name.pos);
    if default < lo || default > hi {
        bad(
            sink,
            dpos,
            format!("default {default} of `{n}` is outside its range [{lo}, {hi}]"),
        );
        return None;
    }
    if d.ty == ParamType::Integer && default.fract() != 0.0 {
        bad(
            sink,
            dpos,
            format!("default {default} of integer `{n}` is not a whole number"),
        );
        return None;
    }
    Some(ParamSpec {
        name: n.clone(),
        ty: d.ty,
        lo,
        hi,
        scale,
        unit: d.unit.clone().unwrap_or_default(),
        default,
        pos: d.name.pos,
    })
}

/// Why a range `[lo, hi]` (already non-negative, `lo < hi`) of a `ty` parameter cannot
/// reach Solidity, if it cannot: a real's bounds must have a 1e18 fixed-point `uint256`
/// encoding (at most [`crate::limits::MAX_REAL`]) and be either 0 or at least the
/// encoding's resolution [`crate::limits::MIN_REAL`]; an integer's upper bound must be at
/// most [`crate::limits::MAX_INTEGER`] (2^53, so that every value is exact).
fn unrepresentable_range(ty: ParamType, lo: f64, hi: f64) -> Option<String> {
    use crate::limits::{MAX_INTEGER, MIN_REAL};
    match ty {
        ParamType::Real => {
            for x in [lo, hi] {
                if crate::wad::to_wad(x).is_err() {
                    return Some(format!(
                        "{x:e} has no 1e18 fixed-point uint256 encoding (reals must be at most about 1.157e59)"
                    ));
                }
                if x != 0.0 && x < MIN_REAL {
                    return Some(format!(
                        "{x:e} is below the 1e-18 resolution of the fixed-point encoding (it would be passed as 0)"
                    ));
                }
            }
            None
        }
        ParamType::Integer if hi > MAX_INTEGER => Some(format!(
            "upper bound {hi:e} is above 2^53 = 9007199254740992 (integers beyond it are not exact)"
        )),
        _ => None,
    }
}

fn check_params(decls: &[ParamDecl], file: &Path, sink: &mut Sink) -> Vec<ParamSpec> {
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for d in decls {
        dup_check(&mut seen, &d.name, "parameter", file, sink);
        if let Some(p) = check_param(d, file, sink) {
            out.push(p);
        }
    }
    out
}

impl Library {
    /// Reads, parses and validates a grammar file and its building blocks.
    pub fn load(path: &Path) -> Result<Library, GrammarError> {
        let text = tsynth_text::read_text(path)
            .map_err(|e| GrammarError::from_text_error(&e, "grammar"))?;
        Self::from_source(path, text.as_str())
    }

    /// Parses and validates grammar `text` as if read from `path` (the blocks folder is
    /// resolved relative to `path`'s folder). `text` is normalised first
    /// ([`tsynth_text::normalize`]: BOM dropped, CR/CRLF line ends made LF).
    ///
    /// The validation passes, in order, each in its own function: declarations and names
    /// ([`Validator::declarations`], [`Validator::check_hook_owners`]), parts
    /// ([`Validator::collect_parts`]), references ([`Validator::resolve_references`]),
    /// bindings ([`Validator::check_bindings`]), recursion and depth
    /// ([`Validator::check_recursion`], [`Validator::check_depth`]), the core and blocks'
    /// Solidity ([`Validator::check_solidity`]), start and slots
    /// ([`Validator::check_start`]); then [`Validator::finish`] builds the library.
    pub fn from_source(path: &Path, text: &str) -> Result<Library, GrammarError> {
        let text = tsynth_text::normalize(text);
        let mut sink = Sink::default();
        let items = crate::parser::parse(path, &text, &mut sink);
        if sink.diags.iter().any(|d| d.kind == ErrorKind::TooDeep) {
            return sink
                .into_result(())
                .map(|_| unreachable!("sink has errors"));
        }
        let mut v = Validator::new(path, &items, sink);
        v.declarations();
        v.check_hook_owners();
        v.collect_parts();
        v.resolve_references();
        v.check_bindings();
        let acyclic = v.check_recursion() && v.check_depth();
        let (blocks_dir, store, core) = v.check_solidity();
        let start = v.check_start(acyclic);
        v.finish(blocks_dir, store, core, start)
    }

    /// Index of the part called `name`.
    pub fn part_id(&self, name: &str) -> Option<PartId> {
        self.parts.iter().position(|p| p.name == name)
    }

    /// Index of the block called `name`.
    pub fn block_id(&self, name: &str) -> Option<BlockId> {
        self.blocks.iter().position(|b| b.name == name)
    }

    /// The largest number of block parameters (elements of the candidate's `uint256[] p`)
    /// any derivation has. Bound parameters count: they are still constructor arguments.
    pub fn max_block_params(&self) -> usize {
        fn walk(lib: &Library, n: usize) -> usize {
            match &lib.tree.nodes[n].kind {
                crate::tree::NodeKind::Block { block, .. } => lib.blocks[*block].params.len(),
                crate::tree::NodeKind::Choice { alts, .. } => {
                    alts.iter().map(|&a| walk(lib, a)).max().unwrap_or(0)
                }
                crate::tree::NodeKind::Compound { children, .. } => {
                    children.iter().map(|&c| walk(lib, c)).sum()
                }
            }
        }
        walk(self, 0)
    }

    /// Exact number of distinct derivations (structures) of the start part.
    pub fn structure_count(&self) -> u128 {
        self.tree.nodes[0].count
    }
}

/// The state of [`Library::from_source`] between its validation passes.
struct Validator<'a> {
    file: &'a Path,
    items: &'a [(Item, Pos)],
    sink: Sink,
    decls: Decls,
    slot_names: HashMap<String, Pos>,
    part_names: HashMap<String, Pos>,
    slots: Vec<Slot>,
    part_index: HashMap<String, PartId>,
    parts: Vec<Part>,
    blocks: Vec<Block>,
    /// Where each block's file is named (or its name, for the default file).
    block_file_pos: Vec<Pos>,
    /// False when a parameter declaration of the block was rejected (its constructor
    /// check would only repeat that error).
    params_ok: Vec<bool>,
    /// Position of the reference `(part, child index)` in the grammar.
    ref_pos: HashMap<(PartId, usize), Pos>,
}

impl<'a> Validator<'a> {
    fn new(file: &'a Path, items: &'a [(Item, Pos)], sink: Sink) -> Self {
        Self {
            file,
            items,
            sink,
            decls: Decls {
                name: None,
                blocks_dir: None,
                core: None,
                start: None,
            },
            slot_names: HashMap::new(),
            part_names: HashMap::new(),
            slots: Vec::new(),
            part_index: HashMap::new(),
            parts: Vec::new(),
            blocks: Vec::new(),
            block_file_pos: Vec::new(),
            params_ok: Vec::new(),
            ref_pos: HashMap::new(),
        }
    }

    /// Reports a second `grammar`, `blocks`, `core` or `start` declaration.
    fn once(&mut self, prev: bool, pos: Pos, what: &str) {
        if prev {
            self.sink.push(
                self.file,
                pos,
                ErrorKind::DuplicateName,
                format!("`{what}` declared twice"),
            );
        }
    }

    /// Pass 1: top-level declarations, slots and their hooks, unique part names.
    fn declarations(&mut self) {
        let file = self.file;
        for (item, pos) in self.items {
            match item {
                Item::Grammar(n) => {
                    self.once(self.decls.name.is_some(), *pos, "grammar");
                    self.decls.name = Some(n.clone());
                }
                Item::Blocks(s, p) => {
                    self.once(self.decls.blocks_dir.is_some(), *pos, "blocks");
                    self.decls.blocks_dir = Some((s.clone(), *p));
                }
                Item::Core(n, s, p) => {
                    self.once(self.decls.core.is_some(), *pos, "core");
                    self.decls.core = Some((n.clone(), s.clone(), *p));
                }
                Item::Start(n) => {
                    self.once(self.decls.start.is_some(), *pos, "start");
                    self.decls.start = Some(n.clone());
                }
                Item::Slot(n, hooks) => {
                    dup_check(&mut self.slot_names, n, "slot", file, &mut self.sink);
                    let mut seen = HashMap::new();
                    for h in hooks {
                        dup_check(&mut seen, h, "hook", file, &mut self.sink);
                    }
                    self.slots.push(Slot {
                        name: n.text.clone(),
                        hooks: hooks.iter().map(|h| h.text.clone()).collect(),
                        pos: n.pos,
                    });
                }
                Item::Block { name, .. } | Item::Choice(name, _) | Item::Compound(name, _, _) => {
                    dup_check(
                        &mut self.part_names,
                        name,
                        "part name",
                        file,
                        &mut self.sink,
                    );
                }
            }
        }
    }

    /// Pass 1b: every hook belongs to one slot only.
    fn check_hook_owners(&mut self) {
        let mut hook_slot: HashMap<&str, usize> = HashMap::new();
        for (si, s) in self.slots.iter().enumerate() {
            for h in &s.hooks {
                if let Some(&other) = hook_slot.get(h.as_str()) {
                    self.sink.push(
                        self.file,
                        s.pos,
                        ErrorKind::DuplicateName,
                        format!(
                            "hook `{h}` is in slot `{}` and in slot `{}`",
                            self.slots[other].name, s.name
                        ),
                    );
                } else {
                    hook_slot.insert(h, si);
                }
            }
        }
    }

    /// Pass 2: one [`Part`] per block, choice and compound (references still unresolved),
    /// with checked parameters.
    fn collect_parts(&mut self) {
        for (item, _) in self.items {
            let (name, kind) = match item {
                Item::Block {
                    name,
                    slot,
                    file: bfile,
                    params,
                } => (name, self.block_part(name, slot, bfile.as_ref(), params)),
                Item::Choice(name, alts) => {
                    if alts.is_empty() {
                        self.sink.push(
                            self.file,
                            name.pos,
                            ErrorKind::EmptyChoice,
                            format!("choice `{}` has no alternatives", name.text),
                        );
                    }
                    (name, PartKind::Flex(Vec::new()))
                }
                Item::Compound(name, params, uses) => {
                    if uses.is_empty() {
                        self.sink.push(
                            self.file,
                            name.pos,
                            ErrorKind::EmptyCompound,
                            format!("compound `{}` uses no parts", name.text),
                        );
                    }
                    let params = check_params(params, self.file, &mut self.sink);
                    let uses = Vec::new();
                    (name, PartKind::Compound { params, uses })
                }
                _ => continue,
            };
            if self.part_index.contains_key(&name.text) {
                continue; // duplicate, already reported
            }
            self.part_index.insert(name.text.clone(), self.parts.len());
            self.parts.push(Part {
                name: name.text.clone(),
                kind,
                pos: name.pos,
            });
        }
    }

    /// A block declaration: its [`Block`] (slot resolved, parameters checked) and its
    /// atomic part kind.
    fn block_part(
        &mut self,
        name: &Name,
        slot: &Name,
        bfile: Option<&(String, Pos)>,
        params: &[ParamDecl],
    ) -> PartKind {
        let slot_ix = self.slots.iter().position(|s| s.name == slot.text);
        if slot_ix.is_none() {
            self.sink.push(
                self.file,
                slot.pos,
                ErrorKind::UnknownName,
                format!("unknown slot `{}`", slot.text),
            );
        }
        let declared = params.len();
        let params = check_params(params, self.file, &mut self.sink);
        self.params_ok.push(params.len() == declared);
        let (unit, upos) = match bfile {
            Some((f, p)) => (f.clone(), *p),
            None => (format!("{}/{}.sol", slot.text, name.text), name.pos),
        };
        self.blocks.push(Block {
            name: name.text.clone(),
            slot: slot_ix.unwrap_or(usize::MAX),
            unit,
            params,
            pos: name.pos,
        });
        self.block_file_pos.push(upos);
        PartKind::Atomic(self.blocks.len() - 1)
    }

    /// The part called `n`, or an error at `n`.
    fn lookup(&mut self, n: &Name) -> Option<PartId> {
        let r = self.part_index.get(&n.text).copied();
        if r.is_none() {
            let slot_hint = if self.slot_names.contains_key(&n.text) {
                " (that is a slot; name a block, choice or compound)"
            } else {
                ""
            };
            self.sink.push(
                self.file,
                n.pos,
                ErrorKind::UnknownName,
                format!("unknown block or part `{}`{slot_hint}", n.text),
            );
        }
        r
    }

    /// The part declared by the item named `name` (not a duplicate's).
    fn own_part(&self, name: &Name) -> Option<PartId> {
        let &pid = self.part_index.get(&name.text)?;
        (self.parts[pid].pos == name.pos).then_some(pid)
    }

    /// Pass 2b: resolves the alternatives of choices and the uses of compounds.
    fn resolve_references(&mut self) {
        let file = self.file;
        for (item, _) in self.items {
            match item {
                Item::Choice(name, alts) => {
                    let Some(pid) = self.own_part(name) else {
                        continue;
                    };
                    let mut seen = HashMap::new();
                    let mut ids = Vec::new();
                    for a in alts {
                        dup_check(&mut seen, a, "alternative", file, &mut self.sink);
                        if let Some(id) = self.lookup(a) {
                            self.ref_pos.insert((pid, ids.len()), a.pos);
                            ids.push(id);
                        }
                    }
                    self.parts[pid].kind = PartKind::Flex(ids);
                }
                Item::Compound(name, _, uses) => {
                    let Some(pid) = self.own_part(name) else {
                        continue;
                    };
                    let mut out = Vec::new();
                    for u in uses {
                        let Some(id) = self.lookup(&u.part) else {
                            continue;
                        };
                        self.ref_pos.insert((pid, out.len()), u.part.pos);
                        let mut seen = HashMap::new();
                        let mut bindings = Vec::new();
                        for b in &u.bindings {
                            dup_check(&mut seen, &b.param, "binding", file, &mut self.sink);
                            bindings.push((b.param.text.clone(), b.expr.clone()));
                        }
                        out.push(PartUse { part: id, bindings });
                    }
                    if let PartKind::Compound { uses, .. } = &mut self.parts[pid].kind {
                        *uses = out;
                    }
                }
                _ => {}
            }
        }
    }

    /// Pass 2c: binding targets exist; binding expressions read only the compound's
    /// parameters.
    fn check_bindings(&mut self) {
        for (item, _) in self.items {
            let Item::Compound(name, _, uses) = item else {
                continue;
            };
            let Some(pid) = self.own_part(name) else {
                continue;
            };
            let own: BTreeSet<String> = match &self.parts[pid].kind {
                PartKind::Compound { params, .. } => {
                    params.iter().map(|p| p.name.clone()).collect()
                }
                _ => BTreeSet::new(),
            };
            for u in uses {
                let target = self.part_index.get(&u.part.text).copied();
                for b in &u.bindings {
                    if let Some(t) = target
                        && param_type_in(&self.parts, &self.blocks, t, &b.param.text).is_none()
                    {
                        self.sink.push(
                            self.file,
                            b.param.pos,
                            ErrorKind::UnknownParameter,
                            format!("`{}` has no parameter `{}`", u.part.text, b.param.text),
                        );
                    }
                    for (v, vpos) in b.expr.vars() {
                        if !own.contains(v) {
                            let has = if own.is_empty() {
                                "no parameters".to_string()
                            } else {
                                let names: Vec<String> =
                                    own.iter().map(|s| format!("`{s}`")).collect();
                                names.join(", ")
                            };
                            self.sink.push(
                                self.file,
                                vpos,
                                ErrorKind::UnknownParameter,
                                format!(
                                    "unknown parameter `{v}` in expression (compound `{}` has {has})",
                                    name.text
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Pass 3: reference cycles (each reported once, at the reference that closes it).
    /// Returns whether the part graph is acyclic.
    fn check_recursion(&mut self) -> bool {
        let mut reported = BTreeSet::new();
        for cycle_and_child in find_cycles(&self.parts) {
            let (cycle, child_ix) = cycle_and_child;
            let first = cycle[0];
            let key: BTreeSet<PartId> = cycle.iter().copied().collect();
            if !reported.insert(key.into_iter().collect::<Vec<_>>()) {
                continue;
            }
            let last = *cycle.last().expect("cycle is non-empty");
            let pos = self
                .ref_pos
                .get(&(last, child_ix))
                .copied()
                .unwrap_or(self.parts[last].pos);
            let mut names: Vec<&str> = cycle.iter().map(|&p| self.parts[p].name.as_str()).collect();
            names.push(&self.parts[first].name);
            self.sink.push(
                self.file,
                pos,
                ErrorKind::Recursion,
                format!(
                    "recursive grammar: {} (grammars must be finite)",
                    names.join(" -> ")
                ),
            );
        }
        reported.is_empty()
    }

    /// Pass 3b (acyclic graphs only): no chain of parts is longer than
    /// [`MAX_PART_DEPTH`], so that the recursive walks over parts and the unfolded tree
    /// stay shallow. Returns whether the depth is within the limit.
    fn check_depth(&mut self) -> bool {
        let depth = part_depths(&self.parts);
        let Some(p) = (0..self.parts.len()).find(|&p| depth[p] > MAX_PART_DEPTH) else {
            return true;
        };
        self.sink.push(
            self.file,
            self.parts[p].pos,
            ErrorKind::TooDeep,
            format!(
                "part `{}` nests {} levels of parts; at most {MAX_PART_DEPTH} are allowed",
                self.parts[p].name, depth[p]
            ),
        );
        false
    }

    /// Pass 4: the blocks folder, the core and every block's Solidity.
    fn check_solidity(&mut self) -> (PathBuf, SourceStore, Option<Core>) {
        let file = self.file;
        let gdir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let blocks_dir = match &self.decls.blocks_dir {
            Some((d, _)) => gdir.join(d),
            None => gdir.clone(),
        };
        if let Some((d, p)) = &self.decls.blocks_dir
            && !blocks_dir.is_dir()
        {
            self.sink.push(
                file,
                *p,
                ErrorKind::Io,
                format!(
                    "blocks folder \"{d}\" ({}) does not exist",
                    blocks_dir.display()
                ),
            );
        }
        let mut store = SourceStore::new(blocks_dir.clone());
        let mut core = None;
        match &self.decls.core {
            None => self.sink.push(
                file,
                Pos::new(1, 1),
                ErrorKind::Missing,
                "no `core NAME \"FILE\"` declaration",
            ),
            Some((cname, cfile, cpos)) => {
                if store.load(cfile, file, *cpos, &mut self.sink) {
                    core = check_core(
                        &store,
                        cname,
                        cfile,
                        *cpos,
                        &self.slots,
                        file,
                        &mut self.sink,
                    );
                }
            }
        }
        if let Some(core) = &core {
            for (bi, b) in self.blocks.iter().enumerate() {
                let at = self.block_file_pos[bi];
                if store.load(&b.unit, file, at, &mut self.sink) {
                    let ctx = (at, self.params_ok[bi]);
                    check_block(&store, b, core, &self.slots, ctx, file, &mut self.sink);
                }
            }
        }
        (blocks_dir, store, core)
    }

    /// Pass 5: the start part exists and (for an acyclic graph) fills every slot once.
    fn check_start(&mut self, acyclic: bool) -> Option<PartId> {
        let start = match self.decls.start.clone() {
            None => {
                self.sink.push(
                    self.file,
                    Pos::new(1, 1),
                    ErrorKind::Missing,
                    "no `start PART` declaration",
                );
                None
            }
            Some(n) => self.lookup(&n),
        };
        if acyclic && let Some(start) = start {
            let (parts, blocks, slots) = (&self.parts, &self.blocks, &self.slots);
            check_slots(
                parts,
                blocks,
                slots,
                start,
                self.file,
                &self.decls,
                &mut self.sink,
            );
        }
        start
    }

    /// Builds the library once every pass found nothing wrong.
    fn finish(
        self,
        blocks_dir: PathBuf,
        store: SourceStore,
        core: Option<Core>,
        start: Option<PartId>,
    ) -> Result<Library, GrammarError> {
        let file = self.file;
        if !self.sink.is_empty() {
            return self
                .sink
                .into_result(())
                .map(|_| unreachable!("sink has errors"));
        }
        let core = core.expect("core is present when there are no errors");
        let start = start.expect("start is present when there are no errors");
        let blocks = self.blocks;
        let block_units: Vec<Vec<String>> = blocks.iter().map(|b| store.closure(&b.unit)).collect();
        let core_units = store.closure(&core.unit);
        let sources: BTreeMap<String, String> = store
            .files
            .iter()
            .filter_map(|(u, f)| f.as_ref().map(|f| (u.clone(), f.text.clone())))
            .collect();
        let pragma = sources
            .get(&core.unit)
            .and_then(|t| {
                t.lines()
                    .find(|l| l.trim_start().starts_with("pragma solidity"))
            })
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| "pragma solidity >=0.8.0;".to_string());
        let name = self
            .decls
            .name
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_else(|| {
                file.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let parts = self.parts;
        let tree = Tree::unfold(&parts, &blocks, start)
            .map_err(|msg| GrammarError::at(file, parts[start].pos, ErrorKind::TooLarge, msg))?;
        Ok(Library {
            name,
            file: file.to_path_buf(),
            blocks_dir,
            core,
            pragma,
            slots: self.slots,
            blocks,
            parts,
            start,
            sources,
            block_units,
            core_units,
            tree,
        })
    }
}

/// The children of part `p`, in order.
fn children(parts: &[Part], p: PartId) -> Vec<PartId> {
    match &parts[p].kind {
        PartKind::Atomic(_) => Vec::new(),
        PartKind::Flex(a) => a.clone(),
        PartKind::Compound { uses, .. } => uses.iter().map(|u| u.part).collect(),
    }
}

/// Every reference cycle found by a depth-first search from each part in turn, as
/// `(cycle, index of the closing reference among the last part's children)`. Iterative
/// (an explicit stack), so a long chain of parts cannot overflow the call stack.
fn find_cycles(parts: &[Part]) -> Vec<(Vec<PartId>, usize)> {
    // 0 = unvisited, 1 = on stack, 2 = done
    let mut state = vec![0u8; parts.len()];
    let mut out = Vec::new();
    for root in 0..parts.len() {
        if state[root] != 0 {
            continue;
        }
        // (part, its children, next child to visit)
        let mut stack: Vec<(PartId, Vec<PartId>, usize)> = vec![(root, children(parts, root), 0)];
        state[root] = 1;
        while let Some((p, kids, next)) = stack.last_mut() {
            let Some(&c) = kids.get(*next) else {
                state[*p] = 2;
                stack.pop();
                continue;
            };
            let ix = *next;
            *next += 1;
            match state[c] {
                1 => {
                    let at = stack.iter().position(|x| x.0 == c).expect("on stack");
                    let cycle: Vec<PartId> = stack[at..].iter().map(|x| x.0).collect();
                    out.push((cycle, ix));
                }
                0 => {
                    state[c] = 1;
                    stack.push((c, children(parts, c), 0));
                }
                _ => {}
            }
        }
    }
    out
}

/// For each part of an acyclic part graph, the number of parts on its longest chain
/// down to a block (a block has depth 1). Iterative post-order, no recursion.
fn part_depths(parts: &[Part]) -> Vec<usize> {
    let mut depth = vec![0usize; parts.len()];
    for root in 0..parts.len() {
        if depth[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, false)];
        while let Some((p, expanded)) = stack.pop() {
            if depth[p] != 0 {
                continue;
            }
            let kids = children(parts, p);
            if expanded {
                depth[p] = 1 + kids.iter().map(|&c| depth[c]).max().unwrap_or(0);
            } else {
                stack.push((p, true));
                stack.extend(
                    kids.into_iter()
                        .filter(|&c| depth[c] == 0)
                        .map(|c| (c, false)),
                );
            }
        }
    }
    depth
}

/// The type of parameter `name` reachable from part `p` (through choices), if any: the
/// first found in a depth-first search through choices (iterative; each part visited once).
fn param_type_in(parts: &[Part], blocks: &[Block], p: PartId, name: &str) -> Option<ParamType> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        if !seen.insert(p) {
            continue;
        }
        let found = match &parts[p].kind {
            PartKind::Atomic(b) => blocks[*b].params.iter().find(|x| x.name == name),
            PartKind::Compound { params, .. } => params.iter().find(|x| x.name == name),
            PartKind::Flex(alts) => {
                stack.extend(alts.iter().rev());
                None
            }
        };
        if let Some(x) = found {
            return Some(x.ty);
        }
    }
    None
}

fn check_core(
    store: &SourceStore,
    cname: &Name,
    cfile: &str,
    cpos: Pos,
    slots: &[Slot],
    file: &Path,
    sink: &mut Sink,
) -> Option<Core> {
    let f = store.get(cfile)?;
    let Some(c) = f.contracts.iter().find(|c| c.name == cname.text) else {
        sink.push(
            file,
            cpos,
            ErrorKind::Solidity,
            format!("{} does not declare contract `{}`", cfile, cname.text),
        );
        return None;
    };
    let mut ok = true;
    for s in slots {
        for h in &s.hooks {
            if !c.functions.iter().any(|(n, _, _)| n == h) {
                sink.push(
                    file,
                    s.pos,
                    ErrorKind::Solidity,
                    format!(
                        "hook `{h}` of slot `{}` is not declared in core `{}` ({cfile})",
                        s.name, c.name
                    ),
                );
                ok = false;
            }
        }
    }
    for (fname, fpos, body) in &c.functions {
        if !body && !slots.iter().any(|s| s.hooks.contains(fname)) {
            sink.push(
                &f.path,
                *fpos,
                ErrorKind::Solidity,
                format!("unimplemented function `{fname}` of core `{}` belongs to no slot of the grammar", c.name),
            );
            ok = false;
        }
    }
    ok.then(|| Core {
        name: c.name.clone(),
        unit: cfile.to_string(),
        constructor: c
            .constructor
            .as_ref()
            .map(|x| x.0.clone())
            .unwrap_or_default(),
    })
}

fn check_block(
    store: &SourceStore,
    b: &Block,
    core: &Core,
    slots: &[Slot],
    (upos, params_ok): (Pos, bool),
    file: &Path,
    sink: &mut Sink,
) {
    let Some(f) = store.get(&b.unit) else { return };
    let Some(c) = f.contracts.iter().find(|c| c.name == b.name) else {
        let found: Vec<&str> = f.contracts.iter().map(|c| c.name.as_str()).collect();
        sink.push(
            file,
            upos,
            ErrorKind::Solidity,
            format!(
                "{} does not declare contract `{}` (found: {})",
                b.unit,
                b.name,
                if found.is_empty() {
                    "none".to_string()
                } else {
                    found.join(", ")
                }
            ),
        );
        return;
    };
    let own: Vec<_> = f
        .contracts
        .iter()
        .filter(|x| x.kind != "interface" && x.kind != "library")
        .collect();
    if own.len() > 1 {
        sink.push(
            &f.path,
            c.pos,
            ErrorKind::Solidity,
            format!(
                "{} declares {} contracts; a block file holds exactly one",
                b.unit,
                own.len()
            ),
        );
    }
    if c.kind != "abstract contract" {
        sink.push(
            &f.path,
            c.pos,
            ErrorKind::Solidity,
            format!(
                "`{}` must be an `abstract contract` (found `{}`)",
                b.name, c.kind
            ),
        );
    }
    if !c.bases.contains(&core.name) {
        sink.push(
            &f.path,
            c.pos,
            ErrorKind::Solidity,
            format!("`{}` must inherit the core `{}`", b.name, core.name),
        );
    }
    let Some(slot) = slots.get(b.slot) else {
        return;
    };
    for h in &slot.hooks {
        if !c.functions.iter().any(|(n, _, body)| n == h && *body) {
            sink.push(
                &f.path,
                c.pos,
                ErrorKind::Solidity,
                format!(
                    "`{}` does not implement hook `{h}` of slot `{}`",
                    b.name, slot.name
                ),
            );
        }
    }
    for (n, p, _) in &c.functions {
        if let Some(other) = slots
            .iter()
            .find(|s| s.name != slot.name && s.hooks.contains(n))
        {
            sink.push(
                &f.path,
                *p,
                ErrorKind::Solidity,
                format!(
                    "`{}` fills slot `{}` but defines `{n}` of slot `{}`",
                    b.name, slot.name, other.name
                ),
            );
        }
    }
    if !params_ok {
        return;
    }
    let ctor: &[SolParam] = c
        .constructor
        .as_ref()
        .map(|x| x.0.as_slice())
        .unwrap_or(&[]);
    let cpos = c.constructor.as_ref().map(|x| x.1).unwrap_or(c.pos);
    if ctor.len() != b.params.len() {
        sink.push(
            &f.path,
            cpos,
            ErrorKind::Solidity,
            format!(
                "constructor of `{}` takes {} parameter(s) but the grammar declares {} ({})",
                b.name,
                ctor.len(),
                b.params.len(),
                b.params
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    for (sp, gp) in ctor.iter().zip(&b.params) {
        let want = gp.ty.solidity_type();
        if sp.ty != want {
            sink.push(
                &f.path,
                sp.pos,
                ErrorKind::Solidity,
                format!(
                    "constructor parameter `{}` of `{}` is `{}` but grammar parameter `{}` is {} (needs `{want}`)",
                    sp.name,
                    b.name,
                    sp.ty,
                    gp.name,
                    gp.ty.keyword()
                ),
            );
        }
    }
}

/// Checks that every derivation fills every slot exactly once.
fn check_slots(
    parts: &[Part],
    blocks: &[Block],
    slots: &[Slot],
    start: PartId,
    file: &Path,
    decls: &Decls,
    sink: &mut Sink,
) {
    let mut memo: HashMap<PartId, Option<BTreeSet<usize>>> = HashMap::new();
    let name_of = |s: &BTreeSet<usize>| -> String {
        s.iter()
            .map(|&i| slots.get(i).map(|x| x.name.as_str()).unwrap_or("?"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    fn slots_of(
        p: PartId,
        parts: &[Part],
        blocks: &[Block],
        memo: &mut HashMap<PartId, Option<BTreeSet<usize>>>,
        file: &Path,
        sink: &mut Sink,
        name_of: &dyn Fn(&BTreeSet<usize>) -> String,
    ) -> Option<BTreeSet<usize>> {
        if let Some(r) = memo.get(&p) {
            return r.clone();
        }
        let r = match &parts[p].kind {
            PartKind::Atomic(b) => {
                (blocks[*b].slot != usize::MAX).then(|| BTreeSet::from([blocks[*b].slot]))
            }
            PartKind::Flex(alts) => {
                let sets: Vec<_> = alts
                    .iter()
                    .map(|&a| (a, slots_of(a, parts, blocks, memo, file, sink, name_of)))
                    .collect();
                if sets.iter().any(|(_, s)| s.is_none()) || sets.is_empty() {
                    None
                } else {
                    let first = sets[0].1.clone().expect("checked");
                    let mut ok = true;
                    for (a, s) in &sets[1..] {
                        let s = s.as_ref().expect("checked");
                        if *s != first {
                            sink.push(
                                file,
                                parts[p].pos,
                                ErrorKind::SlotConflict,
                                format!(
                                    "alternatives of choice `{}` fill different slots: `{}` fills {{{}}}, `{}` fills {{{}}}",
                                    parts[p].name,
                                    parts[sets[0].0].name,
                                    name_of(&first),
                                    parts[*a].name,
                                    name_of(s)
                                ),
                            );
                            ok = false;
                            break;
                        }
                    }
                    ok.then_some(first)
                }
            }
            PartKind::Compound { uses, .. } => {
                let mut acc = BTreeSet::new();
                let mut ok = true;
                for u in uses {
                    match slots_of(u.part, parts, blocks, memo, file, sink, name_of) {
                        None => ok = false,
                        Some(s) => {
                            let both: BTreeSet<usize> = acc.intersection(&s).copied().collect();
                            if !both.is_empty() {
                                sink.push(
                                    file,
                                    parts[p].pos,
                                    ErrorKind::SlotConflict,
                                    format!(
                                        "compound `{}` fills slot(s) {{{}}} twice (again through `{}`)",
                                        parts[p].name,
                                        name_of(&both),
                                        parts[u.part].name
                                    ),
                                );
                                ok = false;
                            }
                            acc.extend(s);
                        }
                    }
                }
                ok.then_some(acc)
            }
        };
        memo.insert(p, r.clone());
        r
    }
    for p in 0..parts.len() {
        slots_of(p, parts, blocks, &mut memo, file, sink, &name_of);
    }
    if let Some(Some(filled)) = memo.get(&start) {
        let missing: BTreeSet<usize> = (0..slots.len()).filter(|i| !filled.contains(i)).collect();
        if !missing.is_empty() {
            let pos = decls.start.as_ref().map(|n| n.pos).unwrap_or_default();
            sink.push(
                file,
                pos,
                ErrorKind::SlotConflict,
                format!(
                    "start part `{}` leaves slot(s) {{{}}} unfilled",
                    parts[start].name,
                    name_of(&missing)
                ),
            );
        }
    }
}
