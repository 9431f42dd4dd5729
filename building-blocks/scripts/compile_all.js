// Compile check of the building blocks: composes Candidate.sol (README form) for every
// combination of one block per slot and compiles them with the pinned solc-js, in batches.
//
//   node building-blocks/scripts/compile_all.js [batch=24] [ast|code]
//   env: STRIDE=n OFF=k (only combinations with index % n == k), OPT=1 (optimizer on)
//
// "ast" runs solc's full analysis (type checking, override rules) without code generation;
// "code" also generates bytecode (catches "Stack too deep"). Exits 1 on any error.
'use strict';
const fs = require('fs');
const path = require('path');
const BB = path.resolve(__dirname, '..');
const solc = require(path.resolve(BB, '..', 'tools', 'solc-js', 'node_modules', 'solc'));

// Blocks and their parameter counts, slot order (keep in sync with README.md).
const SLOTS = [
  ['pricing', { ConstantWeights: 1, LinearWeights: 3, FixedRate: 0 }],
  ['fee', { FixedFee: 2, SoftCapFee: 4, LaunchFee: 4 }],
  ['staking', { NoStaking: 0, BalancerJoin: 0, LinearOneSided: 0, BalancerOneSided: 0 }],
  ['guard', { NoGuard: 0, LockUp: 1, ExitFee: 1, WithdrawLimit: 1 }],
  ['allocation', { NoAllocation: 0, FullPremine: 1, LinearVesting: 2, CliffVesting: 3 }],
  ['limit', { NoLimit: 0, BuyCap: 1 }],
];

const sources = {};
(function walk(dir) {
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.sol')) sources[path.relative(BB, p).split(path.sep).join('/')] = { content: fs.readFileSync(p, 'utf8') };
  }
})(BB);

let combos = [[]];
for (const [slot, blocks] of SLOTS) {
  const next = [];
  for (const c of combos) for (const b of Object.keys(blocks)) next.push([...c, [slot, b, blocks[b]]]);
  combos = next;
}
const total = combos.length;
if (process.env.STRIDE) combos = combos.filter((_, i) => i % +process.env.STRIDE === +(process.env.OFF || 0));

function candidate(combo, name) {
  let imports = 'import "core/PoolCore.sol";\n';
  const mods = [];
  let k = 0;
  for (const [slot, b, n] of combo) {
    imports += `import "${slot}/${b}.sol";\n`;
    if (n > 0) mods.push(`${b}(${Array.from({ length: n }, () => `p[${k++}]`).join(', ')})`);
  }
  return `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n${imports}` +
    `contract ${name} is PoolCore, ${combo.map((c) => c[1]).join(', ')} {\n` +
    `    constructor(address base_, address dt_, address community_, uint256[] memory p)\n` +
    `        PoolCore(base_, dt_, community_) ${mods.join(' ')} {}\n}\n`;
}

const batch = +(process.argv[2] || 24);
const withCode = process.argv[3] === 'code';
let errors = 0;
let maxRuntime = 0;
const warnings = new Set();
const t0 = Date.now();
for (let i = 0; i < combos.length; i += batch) {
  const srcs = { ...sources };
  const names = [];
  for (let j = i; j < Math.min(i + batch, combos.length); j++) {
    const n = `Candidate${j}`;
    names.push(n);
    srcs[`${n}.sol`] = { content: candidate(combos[j], n) };
  }
  const input = {
    language: 'Solidity',
    sources: srcs,
    settings: {
      optimizer: { enabled: !!process.env.OPT, runs: 200 },
      outputSelection: withCode ? { '*': { '*': ['evm.deployedBytecode.object'] } } : { '*': { '': ['ast'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  for (const e of out.errors || []) {
    if (e.severity === 'error') {
      errors++;
      if (errors <= 5) console.error(e.formattedMessage);
    } else {
      warnings.add(e.formattedMessage.split('\n')[0] + ' ' + JSON.stringify(e.sourceLocation || {}));
    }
  }
  if (withCode) {
    for (const n of names) {
      const c = out.contracts && out.contracts[`${n}.sol`] && out.contracts[`${n}.sol`][n];
      if (c) maxRuntime = Math.max(maxRuntime, c.evm.deployedBytecode.object.length / 2);
    }
  }
  process.stderr.write('.');
}
console.log(`\n${combos.length} of ${total} combinations, ${withCode ? 'code' : 'analysis'}, optimizer ${process.env.OPT ? 'on' : 'off'}: ` +
  `${errors} errors, ${warnings.size} distinct warnings, ${((Date.now() - t0) / 1000).toFixed(1)} s` +
  (withCode ? `, largest runtime ${maxRuntime} bytes` : ''));
for (const w of warnings) console.log('  ' + w);
process.exit(errors ? 1 : 0);
