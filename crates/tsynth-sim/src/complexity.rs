//! The simplicity objective: a count that grows with what a reader must understand.
//!
//! complexity = statements in the derived contract's own code (the generated `Candidate.sol`
//! and every chosen block; the shared core, the math library and the environment are the same
//! for every design and are not counted) + the number of blocks used that are not a "no-op"
//! choice (a block with no statements counts 0 — e.g. `NoGuard`).
//!
//! Statements are counted with solang-parser: every statement node inside a function,
//! modifier or constructor body, recursively (a block `{...}` itself is not counted), plus
//! one per state variable.

use std::collections::BTreeMap;

use solang_parser::pt::{ContractPart, SourceUnitPart, Statement};

/// Source units that are shared by every design and so do not count.
fn is_shared(unit: &str) -> bool {
    unit.starts_with("core/") || unit.starts_with("env/")
}

/// Complexity of a derived source set (see the module docs). Units that do not parse count
/// nothing (a design whose sources do not parse fails to compile anyway).
pub fn of_sources(sources: &BTreeMap<String, String>) -> f64 {
    let mut total = 0usize;
    for (unit, text) in sources {
        if is_shared(unit) {
            continue;
        }
        let Ok((tree, _)) = solang_parser::parse(text, 0) else {
            continue;
        };
        let mut statements = 0usize;
        for part in &tree.0 {
            if let SourceUnitPart::ContractDefinition(c) = part {
                for p in &c.parts {
                    match p {
                        ContractPart::FunctionDefinition(f) => {
                            if let Some(body) = &f.body {
                                statements += count(body);
                            }
                        }
                        ContractPart::VariableDefinition(_) => statements += 1,
                        _ => {}
                    }
                }
            }
        }
        let is_candidate = unit == "Candidate.sol";
        if statements > 0 && !is_candidate {
            total += 1; // the block itself
        }
        total += statements;
    }
    total as f64
}

fn count(s: &Statement) -> usize {
    match s {
        Statement::Block { statements, .. } => statements.iter().map(count).sum(),
        Statement::If(_, _, then, other) => {
            1 + count(then) + other.as_deref().map(count).unwrap_or(0)
        }
        Statement::While(_, _, body) | Statement::DoWhile(_, body, _) => 1 + count(body),
        Statement::For(_, init, _, next, body) => {
            1 + init.as_deref().map(count).unwrap_or(0)
                + next.as_deref().map(|_| 0).unwrap_or(0)
                + body.as_deref().map(count).unwrap_or(0)
        }
        Statement::Try(_, _, _, clauses) => 1 + clauses.len(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(units: &[(&str, &str)]) -> BTreeMap<String, String> {
        units
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn counts_statements_and_blocks_but_not_the_core() {
        let block = "abstract contract A { uint256 immutable X; constructor(uint256 x) { X = x; } \
                     function f(uint256 a) internal view returns (uint256) { if (a > X) { return a; } return X; } }";
        let empty = "abstract contract N { function g() internal {} }";
        let core = "abstract contract C { function h() internal { uint a = 1; a += 1; } }";
        let s = set(&[
            ("guard/A.sol", block),
            ("guard/N.sol", empty),
            ("core/PoolCore.sol", core),
        ]);
        // A: 1 state var + 1 (X = x) + if(1) + return + return = 5 statements, +1 block.
        assert_eq!(of_sources(&s), 6.0);
        // Adding the core changes nothing; an empty block adds nothing.
        assert_eq!(of_sources(&set(&[("guard/A.sol", block)])), of_sources(&s));
    }
}
