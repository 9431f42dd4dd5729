//! Helpers shared by the integration tests (each test binary includes this file).
#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use tsynth_solc::{Compiler, CompilerConfig, DiskCacheConfig, NativeSolc};

/// A compiler with its own worker pool and its own disk cache under `dir`; never the
/// user's cache and never a native solc (so worker counters are meaningful).
pub fn isolated(dir: &Path, workers: usize) -> Compiler {
    Compiler::new(CompilerConfig {
        workers: Some(workers),
        disk_cache: DiskCacheConfig::Dir(dir.to_path_buf()),
        native_solc: NativeSolc::Off,
        timeout: Duration::from_secs(120),
        ..CompilerConfig::default()
    })
    .expect("compiler config")
}

/// One compiler shared by the tests of a binary that don't count workers; its cache is a
/// temporary directory that lives as long as the process.
pub fn shared() -> &'static Compiler {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static C: OnceLock<Compiler> = OnceLock::new();
    C.get_or_init(|| {
        let dir = DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"));
        isolated(dir.path(), 2)
    })
}

/// A small ERC-20-like token (about 60 lines); `tag` makes the source (and cache key) unique.
pub fn token_source(tag: &str) -> String {
    format!(
        r#"// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// {tag}
contract Token {{
    string public name;
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error Insufficient(uint256 have, uint256 want);

    constructor(string memory name_, uint256 supply) {{
        name = name_;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }}

    function transfer(address to, uint256 value) external returns (bool) {{
        _move(msg.sender, to, value);
        return true;
    }}

    function approve(address spender, uint256 value) external returns (bool) {{
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }}

    function transferFrom(address from, address to, uint256 value) external returns (bool) {{
        uint256 a = allowance[from][msg.sender];
        if (a < value) revert Insufficient(a, value);
        if (a != type(uint256).max) allowance[from][msg.sender] = a - value;
        _move(from, to, value);
        return true;
    }}

    function _move(address from, address to, uint256 value) internal {{
        uint256 b = balanceOf[from];
        if (b < value) revert Insufficient(b, value);
        unchecked {{
            balanceOf[from] = b - value;
        }}
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }}
}}
"#
    )
}
