#!/usr/bin/env node
// Regenerates the test fixtures next to this file: for every contract in every *.sol here,
// <Name>.bin (creation bytecode, hex, no 0x) and <Name>.abi.json (solc's JSON ABI).
// Uses the solc-js pinned in tools/solc-js (run `npm ci` there first if node_modules is absent).
// Usage: node crates/tsynth-evm/tests/contracts/build.js
'use strict';
const fs = require('fs');
const path = require('path');

const here = __dirname;
const solcDir = path.resolve(here, '../../../../tools/solc-js/node_modules/solc');
const solc = require(solcDir);

const sources = {};
for (const file of fs.readdirSync(here).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(here, file), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: 'prague',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors || []) {
  process.stderr.write(e.formattedMessage || e.message);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);

for (const file of Object.keys(output.contracts).sort()) {
  for (const [name, c] of Object.entries(output.contracts[file])) {
    const bin = c.evm.bytecode.object;
    if (!bin) continue; // interfaces and abstract contracts have no bytecode
    fs.writeFileSync(path.join(here, `${name}.bin`), bin + '\n');
    fs.writeFileSync(path.join(here, `${name}.abi.json`), JSON.stringify(c.abi, null, 1) + '\n');
    console.log(`${file}:${name} ${bin.length / 2} bytes`);
  }
}
console.log(`solc ${solc.version()}`);
