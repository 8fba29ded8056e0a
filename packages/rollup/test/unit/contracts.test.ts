import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileContracts } from '../../scripts/contracts.ts';
import { ROLLUP_CONTRACTS } from '../../src/index.ts';

describe('contract artifacts', () => {
  it('the committed artifacts are what solc 0.8.37 builds from contracts/*.sol', () => {
    const fresh = compileContracts();
    assert.deepEqual(Object.keys(fresh), Object.keys(ROLLUP_CONTRACTS));
    for (const [name, a] of Object.entries(fresh)) {
      const c = ROLLUP_CONTRACTS[name as keyof typeof ROLLUP_CONTRACTS];
      assert.equal(
        c.bytecode,
        a.bytecode,
        `${name} bytecode is stale: npm run contracts -w @keel/rollup`,
      );
      assert.equal(c.deployedBytecode, a.deployedBytecode, `${name} deployed bytecode is stale`);
      assert.deepEqual(c.abi, a.abi, `${name} ABI is stale`);
    }
  });
});
