//! MOJITO's flat genotype and its decoding into a [`Derivation`].

use crate::library::{BlockId, Library, PartId};
use crate::param::Value;
use crate::tree::{NodeKind, ParamSource, VarKind};
use std::collections::HashMap;

/// One gene per library variable ([`crate::tree::Tree::vars`]): a choice gene holds the
/// chosen alternative's index as a whole number; a parameter gene is in [0, 1] (log-scaled
/// parameters are mapped in log space). Genes of unchosen branches are kept but neutral.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Genotype(pub Vec<f64>);

/// Errors of genotype handling.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenotypeError {
    /// The vector does not have one gene per library variable.
    #[error("genotype has {got} genes but grammar `{grammar}` has {want} variables")]
    Length {
        /// Grammar name.
        grammar: String,
        /// Expected length.
        want: usize,
        /// Actual length.
        got: usize,
    },
}

/// Index of the alternative selected by a choice gene (rounded, clamped; NaN reads as 0).
pub fn choice_index(gene: f64, alternatives: usize) -> usize {
    if !gene.is_finite() || gene <= 0.0 || alternatives == 0 {
        return 0;
    }
    (gene.round() as usize).min(alternatives - 1)
}

/// A chosen block with its parameter values.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenBlock {
    /// The block.
    pub block: BlockId,
    /// The tree node it was chosen at.
    pub node: usize,
    /// Parameter values in declaration order (natural units).
    pub values: Vec<Value>,
}

/// Parameter values of a compound on the chosen path.
#[derive(Debug, Clone, PartialEq)]
pub struct CompoundValues {
    /// The compound part.
    pub part: PartId,
    /// The tree node.
    pub node: usize,
    /// Values in declaration order.
    pub values: Vec<Value>,
}

/// A decoded genotype: the chosen blocks (ordered by slot) and every value.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    /// One block per slot, in slot order.
    pub blocks: Vec<ChosenBlock>,
    /// Compounds on the chosen path, in tree order.
    pub compounds: Vec<CompoundValues>,
    /// Active tree nodes in depth-first order.
    pub active: Vec<usize>,
}

impl Library {
    /// Number of genes of a genotype.
    pub fn genotype_len(&self) -> usize {
        self.tree.vars.len()
    }

    /// The genotype of the default design: first alternative of every choice, every
    /// parameter at its default.
    pub fn default_genotype(&self) -> Genotype {
        Genotype(
            self.tree
                .vars
                .iter()
                .map(|v| match &v.kind {
                    VarKind::Choice { .. } => 0.0,
                    VarKind::Param(p) => p.encode(p.default),
                })
                .collect(),
        )
    }

    /// Decodes a genotype. Total on any vector of the right length: out-of-range or NaN
    /// genes are clamped (see [`choice_index`] and [`crate::param::ParamSpec::decode`]).
    pub fn decode(&self, g: &Genotype) -> Result<Derivation, GenotypeError> {
        if g.0.len() != self.tree.vars.len() {
            return Err(GenotypeError::Length {
                grammar: self.name.clone(),
                want: self.tree.vars.len(),
                got: g.0.len(),
            });
        }
        let mut d = Derivation {
            blocks: Vec::new(),
            compounds: Vec::new(),
            active: Vec::new(),
        };
        let mut scopes: HashMap<usize, Vec<f64>> = HashMap::new();
        self.decode_node(0, g, &mut d, &mut scopes);
        d.blocks
            .sort_by_key(|b| (self.blocks[b.block].slot, b.block));
        Ok(d)
    }

    fn values(
        &self,
        specs: &[crate::param::ParamSpec],
        sources: &[ParamSource],
        g: &Genotype,
        scopes: &HashMap<usize, Vec<f64>>,
    ) -> Vec<Value> {
        specs
            .iter()
            .zip(sources)
            .map(|(spec, src)| match src {
                ParamSource::Free(v) => spec.decode(g.0[*v]),
                ParamSource::Bound { expr, scope } => {
                    let scope_vals = scopes.get(scope);
                    let scope_specs = match &self.parts[self.tree.nodes[*scope].part].kind {
                        crate::library::PartKind::Compound { params, .. } => params.as_slice(),
                        _ => &[],
                    };
                    let lookup = |n: &str| -> Option<f64> {
                        let i = scope_specs.iter().position(|s| s.name == n)?;
                        scope_vals.and_then(|v| v.get(i).copied())
                    };
                    spec.coerce(expr.eval(&lookup))
                }
            })
            .collect()
    }

    fn decode_node(
        &self,
        id: usize,
        g: &Genotype,
        d: &mut Derivation,
        scopes: &mut HashMap<usize, Vec<f64>>,
    ) {
        d.active.push(id);
        let node = &self.tree.nodes[id];
        match &node.kind {
            NodeKind::Block { block, params } => {
                let values = self.values(&self.blocks[*block].params, params, g, scopes);
                d.blocks.push(ChosenBlock {
                    block: *block,
                    node: id,
                    values,
                });
            }
            NodeKind::Choice { var, alts } => {
                let i = choice_index(g.0[*var], alts.len());
                self.decode_node(alts[i], g, d, scopes);
            }
            NodeKind::Compound { params, children } => {
                let specs = match &self.parts[node.part].kind {
                    crate::library::PartKind::Compound { params, .. } => params.as_slice(),
                    _ => &[],
                };
                let values = self.values(specs, params, g, scopes);
                scopes.insert(id, values.iter().map(Value::as_f64).collect());
                d.compounds.push(CompoundValues {
                    part: node.part,
                    node: id,
                    values,
                });
                for &c in children {
                    self.decode_node(c, g, d, scopes);
                }
            }
        }
    }

    /// Indices of the genes that influence the decoded design of `g` (choices and free
    /// parameters on the chosen path).
    pub fn active_genes(&self, g: &Genotype) -> Result<Vec<usize>, GenotypeError> {
        let d = self.decode(g)?;
        let mut out = Vec::new();
        for &n in &d.active {
            match &self.tree.nodes[n].kind {
                NodeKind::Choice { var, .. } => out.push(*var),
                NodeKind::Block { params, .. } | NodeKind::Compound { params, .. } => {
                    out.extend(params.iter().filter_map(|p| match p {
                        ParamSource::Free(v) => Some(*v),
                        ParamSource::Bound { .. } => None,
                    }))
                }
            }
        }
        out.sort_unstable();
        Ok(out)
    }
}
