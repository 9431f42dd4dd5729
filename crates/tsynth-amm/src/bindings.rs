//! Static ABI bindings (alloy `sol!`) of the pool interface every agent uses.

#![allow(missing_docs)] // generated items carry the Solidity NatSpec where there is any

alloy_sol_types::sol!(
    #![sol(all_derives)]
    "../../building-blocks/core/IDataPool.sol"
);

// `sol!` reads the file at expansion time but does not register it with the compiler;
// including it makes cargo rebuild the bindings whenever the interface changes.
const _: &str = include_str!("../../../building-blocks/core/IDataPool.sol");
