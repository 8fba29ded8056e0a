import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** A minimal ERC-20: fixed supply minted to the deployer; Transfer and Approval events. */
export const TOKEN_SOL = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract KeelToken {
  string public name;
  string public symbol;
  uint8 public constant decimals = 18;
  uint256 public totalSupply;
  mapping(address => uint256) public balanceOf;
  mapping(address => mapping(address => uint256)) public allowance;
  event Transfer(address indexed from, address indexed to, uint256 value);
  event Approval(address indexed owner, address indexed spender, uint256 value);
  constructor(string memory n, string memory s, uint256 supply) {
    name = n; symbol = s; totalSupply = supply; balanceOf[msg.sender] = supply;
    emit Transfer(address(0), msg.sender, supply);
  }
  function transfer(address to, uint256 v) external returns (bool) { _move(msg.sender, to, v); return true; }
  function approve(address sp, uint256 v) external returns (bool) {
    allowance[msg.sender][sp] = v; emit Approval(msg.sender, sp, v); return true;
  }
  function transferFrom(address f, address to, uint256 v) external returns (bool) {
    uint256 a = allowance[f][msg.sender];
    require(a >= v, "allowance exceeded");
    allowance[f][msg.sender] = a - v; _move(f, to, v); return true;
  }
  function _move(address f, address to, uint256 v) internal {
    require(balanceOf[f] >= v, "balance too low");
    balanceOf[f] -= v; balanceOf[to] += v; emit Transfer(f, to, v);
  }
}`;

/** A second contract for ethers: an owner-minted points ledger with a revert reason. */
export const POINTS_SOL = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Points {
  address public immutable owner;
  mapping(address => uint256) public balanceOf;
  event Minted(address indexed to, uint256 amount);
  event Transfer(address indexed from, address indexed to, uint256 value);
  constructor() { owner = msg.sender; }
  function mint(address to, uint256 amount) external {
    require(msg.sender == owner, "only owner");
    balanceOf[to] += amount; emit Minted(to, amount);
  }
  function transfer(address to, uint256 v) external {
    require(balanceOf[msg.sender] >= v, "not enough points");
    balanceOf[msg.sender] -= v; balanceOf[to] += v; emit Transfer(msg.sender, to, v);
  }
}`;

export interface Compiled {
  readonly abi: unknown[];
  readonly bytecode: `0x${string}`;
}

/**
 * Compiles with solc-js (the WASM compiler inside the npm package, no download); the standard
 * JSON output is cached in `node_modules/.cache/keel-eth-e2e` by source hash and solc version.
 */
export function compile(sources: Record<string, string>): Record<string, Compiled> {
  const require = createRequire(import.meta.url);
  const solcPkg = require('solc/package.json') as { version: string };
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, { content: v }])),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const text = JSON.stringify(input);
  const key = createHash('sha256').update(solcPkg.version).update(text).digest('hex').slice(0, 16);
  const dir = new URL('../../../../node_modules/.cache/keel-eth-e2e/', import.meta.url).pathname;
  const file = join(dir, `${key}.json`);
  let out: {
    contracts: Record<
      string,
      Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>
    >;
    errors?: { severity: string; formattedMessage: string }[];
  };
  if (existsSync(file)) out = JSON.parse(readFileSync(file, 'utf8'));
  else {
    const solc = require('solc') as { compile(input: string): string };
    out = JSON.parse(solc.compile(text));
    const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
    if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(out));
  }
  const result: Record<string, Compiled> = {};
  for (const file of Object.values(out.contracts)) {
    for (const [name, c] of Object.entries(file)) {
      result[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
    }
  }
  return result;
}
