//! The grammar unfolded from its start part into a tree of part occurrences. The tree fixes
//! the genotype layout: variables are numbered in depth-first order, so every node's
//! variables (its own and its descendants') form one contiguous range.

use crate::expr::Expr;
use crate::library::{Block, BlockId, Part, PartId, PartKind};
use crate::param::ParamSpec;
use std::ops::Range;

/// Where a parameter's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamSource {
    /// A genotype variable (index into [`Tree::vars`]).
    Free(usize),
    /// An expression over the parameters of the compound node `scope`.
    Bound {
        /// The expression.
        expr: Expr,
        /// Node whose (compound) parameters the expression reads.
        scope: usize,
    },
}

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// An occurrence of a block.
    Block {
        /// The block.
        block: BlockId,
        /// One source per block parameter.
        params: Vec<ParamSource>,
    },
    /// An occurrence of a choice.
    Choice {
        /// Its choice variable.
        var: usize,
        /// One child node per alternative.
        alts: Vec<usize>,
    },
    /// An occurrence of a compound.
    Compound {
        /// One source per compound parameter.
        params: Vec<ParamSource>,
        /// Child nodes, in `use` order.
        children: Vec<usize>,
    },
}

/// One occurrence of a part.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The part.
    pub part: PartId,
    /// Parent node (`None` for the root).
    pub parent: Option<usize>,
    /// Readable path from the root, e.g. `Pool/Fee/SplitFee`.
    pub path: String,
    /// Kind and children.
    pub kind: NodeKind,
    /// Variables of this subtree.
    pub vars: Range<usize>,
    /// Number of distinct structures below (and including) this node.
    pub count: u128,
}

/// What a genotype variable is.
#[derive(Debug, Clone, PartialEq)]
pub enum VarKind {
    /// Index of the chosen alternative, a whole number in `0..alternatives`.
    Choice {
        /// Number of alternatives.
        alternatives: usize,
    },
    /// A parameter, coordinate in [0, 1].
    Param(ParamSpec),
}

/// One genotype variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Readable name, e.g. `Pool/Fee/SplitFee.lpFee` or `Pool/Fee#choice`.
    pub name: String,
    /// Node that owns it.
    pub node: usize,
    /// Kind.
    pub kind: VarKind,
}

impl Variable {
    /// Inclusive bounds of the variable's gene.
    pub fn bounds(&self) -> (f64, f64) {
        match &self.kind {
            VarKind::Choice { alternatives } => (0.0, (*alternatives as f64 - 1.0).max(0.0)),
            VarKind::Param(_) => (0.0, 1.0),
        }
    }
}

/// The unfolded grammar.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// Nodes; node 0 is the root (start part).
    pub nodes: Vec<Node>,
    /// Genotype variables in layout order.
    pub vars: Vec<Variable>,
}

struct Builder<'a> {
    parts: &'a [Part],
    blocks: &'a [Block],
    tree: Tree,
}

impl Tree {
    /// Unfolds `start`; fails if the tree would exceed [`crate::library::MAX_NODES`] nodes
    /// or the structure count overflows.
    pub(crate) fn unfold(parts: &[Part], blocks: &[Block], start: PartId) -> Result<Tree, String> {
        let mut b = Builder {
            parts,
            blocks,
            tree: Tree {
                nodes: Vec::new(),
                vars: Vec::new(),
            },
        };
        b.node(start, None, String::new(), &[])?;
        Ok(b.tree)
    }

    /// Number of genotype variables.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether the genotype is empty (never, for a valid grammar with a choice or parameter).
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

impl Builder<'_> {
    fn node(
        &mut self,
        part: PartId,
        parent: Option<usize>,
        prefix: String,
        bindings: &[(String, Expr, usize)],
    ) -> Result<usize, String> {
        if self.tree.nodes.len() >= crate::library::MAX_NODES {
            return Err(format!(
                "the unfolded grammar exceeds {} part occurrences",
                crate::library::MAX_NODES
            ));
        }
        let p = &self.parts[part];
        let path = if prefix.is_empty() {
            p.name.clone()
        } else {
            format!("{prefix}/{}", p.name)
        };
        let id = self.tree.nodes.len();
        let start_var = self.tree.vars.len();
        self.tree.nodes.push(Node {
            part,
            parent,
            path: path.clone(),
            kind: NodeKind::Choice {
                var: 0,
                alts: Vec::new(),
            },
            vars: start_var..start_var,
            count: 1,
        });
        let kind;
        let count;
        match &p.kind {
            PartKind::Atomic(bid) => {
                let specs = &self.blocks[*bid].params;
                let params = self.params(id, &path, specs, bindings);
                kind = NodeKind::Block {
                    block: *bid,
                    params,
                };
                count = 1u128;
            }
            PartKind::Flex(alts) => {
                let var = self.tree.vars.len();
                self.tree.vars.push(Variable {
                    name: format!("{path}#choice"),
                    node: id,
                    kind: VarKind::Choice {
                        alternatives: alts.len(),
                    },
                });
                let mut ids = Vec::new();
                let mut c = 0u128;
                for &a in alts {
                    let n = self.node(a, Some(id), path.clone(), bindings)?;
                    c = c
                        .checked_add(self.tree.nodes[n].count)
                        .ok_or("structure count overflows u128")?;
                    ids.push(n);
                }
                kind = NodeKind::Choice { var, alts: ids };
                count = c;
            }
            PartKind::Compound {
                params: specs,
                uses,
            } => {
                let params = self.params(id, &path, specs, bindings);
                let mut children = Vec::new();
                let mut c = 1u128;
                for u in uses {
                    let child_bindings: Vec<(String, Expr, usize)> = u
                        .bindings
                        .iter()
                        .map(|(n, e)| (n.clone(), e.clone(), id))
                        .collect();
                    let n = self.node(u.part, Some(id), path.clone(), &child_bindings)?;
                    c = c
                        .checked_mul(self.tree.nodes[n].count)
                        .ok_or("structure count overflows u128")?;
                    children.push(n);
                }
                kind = NodeKind::Compound { params, children };
                count = c;
            }
        }
        let end_var = self.tree.vars.len();
        let node = &mut self.tree.nodes[id];
        node.kind = kind;
        node.count = count;
        node.vars = start_var..end_var;
        Ok(id)
    }

    fn params(
        &mut self,
        node: usize,
        path: &str,
        specs: &[ParamSpec],
        bindings: &[(String, Expr, usize)],
    ) -> Vec<ParamSource> {
        specs
            .iter()
            .map(|s| match bindings.iter().find(|(n, _, _)| *n == s.name) {
                Some((_, e, scope)) => ParamSource::Bound {
                    expr: e.clone(),
                    scope: *scope,
                },
                None => {
                    self.tree.vars.push(Variable {
                        name: format!("{path}.{}", s.name),
                        node,
                        kind: VarKind::Param(s.clone()),
                    });
                    ParamSource::Free(self.tree.vars.len() - 1)
                }
            })
            .collect()
    }
}
