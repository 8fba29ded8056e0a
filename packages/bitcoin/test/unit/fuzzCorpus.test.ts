// Replays the fuzz corpus (fuzz/corpus/<target>/*.hex, kept by `npm run fuzz`) through its
// targets: every input must end in a value or a typed KeelError, as it did when it was found.
// Inputs that once crashed are kept there as regression cases.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSecp256k1Backend } from '@keel/crypto/secp256k1';
import { hexToBytes, InvalidArgumentError, isKeelError } from '@keel/util';
import { targets } from '../../fuzz/targets.ts';
import { transactionSigOpCost } from '../../src/script/sigops.ts';

const corpus = fileURLToPath(new URL('../../fuzz/corpus/', import.meta.url));

describe('fuzz corpus replay', async () => {
  const backend = await loadSecp256k1Backend('auto');
  for (const t of targets) {
    it(t.name, () => {
      const files = readdirSync(join(corpus, t.name)).filter((f) => f.endsWith('.hex'));
      assert.ok(files.length > 0, `no corpus for ${t.name}`);
      for (const f of files) {
        const data = hexToBytes(readFileSync(join(corpus, t.name, f), 'utf8').trim());
        try {
          t.run(data, backend);
        } catch (e) {
          assert.ok(isKeelError(e), `${t.name}/${f}: ${String(e)}`);
        }
      }
    });
  }
  // the SV2 frame target lives in @keel/stratum (which depends on this package): loaded at run
  // time, its corpus next to it
  const stratumFuzz = new URL('../../../stratum/fuzz/', import.meta.url);
  const sv2 = (await import(new URL('targets.ts', stratumFuzz).href)) as {
    targets: typeof targets;
  };
  for (const t of sv2.targets) {
    it(t.name, () => {
      const dir = join(fileURLToPath(stratumFuzz), 'corpus', t.name);
      const files = readdirSync(dir).filter((f) => f.endsWith('.hex'));
      assert.ok(files.length > 0, `no corpus for ${t.name}`);
      for (const f of files) {
        const data = hexToBytes(readFileSync(join(dir, f), 'utf8').trim());
        try {
          t.run(data, backend);
        } catch (e) {
          assert.ok(isKeelError(e), `${t.name}/${f}: ${String(e)}`);
        }
      }
    });
  }
  it('regression (found by the block target): sigop cost with too few spent outputs', () => {
    const tx = {
      version: 1,
      inputs: [
        {
          prevout: { txid: new Uint8Array(32).fill(1), vout: 0 },
          scriptSig: new Uint8Array(0),
          sequence: 0,
          witness: [],
        },
      ],
      outputs: [{ value: 1n, scriptPubKey: Uint8Array.of(0x51) }],
      locktime: 0,
    };
    assert.throws(
      () => transactionSigOpCost(tx, [], { p2sh: true, witness: false }),
      InvalidArgumentError,
    );
    assert.equal(transactionSigOpCost(tx, [], { p2sh: false, witness: false }), 0);
  });
});
