// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Probe — a test contract for tsynth-evm: every way a call can end.
contract Probe {
    error Insufficient(uint256 available, uint256 required);
    error Unauthorized();

    event ValueSet(address indexed by, uint256 value);

    uint256 public value;
    address public owner;
    uint256[] private sink;

    constructor(uint256 initial, address owner_) {
        value = initial;
        owner = owner_;
    }

    function setValue(uint256 v) external {
        value = v;
        emit ValueSet(msg.sender, v);
    }

    function ownerOnly() external view returns (bool) {
        if (msg.sender != owner) revert Unauthorized();
        return true;
    }

    function failWithMessage(string calldata why) external pure {
        revert(why);
    }

    function requireAbove(uint256 x, uint256 min) external pure returns (uint256) {
        require(x > min, "x too small");
        return x - min;
    }

    function add(uint256 a, uint256 b) external pure returns (uint256) {
        return a + b;
    }

    function divide(uint256 a, uint256 b) external pure returns (uint256) {
        return a / b;
    }

    function assertPositive(uint256 a) external pure returns (uint256) {
        assert(a > 0);
        return a;
    }

    function outOfBounds(uint256 i) external view returns (uint256) {
        return sink[i];
    }

    function needs(uint256 available, uint256 required) external pure {
        if (available < required) revert Insufficient(available, required);
    }

    function emptyRevert() external pure {
        revert();
    }

    /// Grows storage until the gas runs out.
    function burnGas() external {
        for (uint256 i = 0; ; ++i) {
            sink.push(i);
        }
    }

    function invalidOpcode() external pure {
        assembly {
            invalid()
        }
    }

    function blockInfo() external view returns (uint256 number, uint256 timestamp) {
        return (block.number, block.timestamp);
    }

    function deposit() external payable returns (uint256) {
        return address(this).balance;
    }

    function ethBalance(address who) external view returns (uint256) {
        return who.balance;
    }

    function describe(string calldata label, uint256[] calldata xs, bool flip)
        external
        pure
        returns (string memory, uint256 total, bool)
    {
        uint256 s = 0;
        for (uint256 i = 0; i < xs.length; ++i) {
            s += xs[i];
        }
        return (string.concat(label, "!"), s, !flip);
    }
}
