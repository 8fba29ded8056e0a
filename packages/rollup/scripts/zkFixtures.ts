// Regenerates fixtures/zk/: compiles fixtures/zk/batch.circom with circom2 (WASM), runs a local
// powers-of-tau ceremony (2^POWER, two contributions and a beacon, fixed entropy), the Groth16
// phase-2 (one contribution), PLONK and fflonk setups, and one proof per scheme for the
// commitment of the test batch below. Dev-time only: snarkjs is GPL-3.0 and never imported
// from src/. `node --import tsx packages/rollup/scripts/zkFixtures.ts`
// `… zkFixtures.ts chain` only (re)makes the second circuit's fixtures (fixtures/zk/chain.*),
// on the committed pot10.ptau, leaving the batch fixtures as they are.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bn254 } from '@noble/curves/bn254.js';
import { encodeAbiParameters, keccak256, sha256, stringToBytes, toHex } from 'viem';

const POWER = 10;
const R = bn254.fields.Fr.ORDER;
const DIR = new URL('../fixtures/zk/', import.meta.url).pathname;
const require = createRequire(import.meta.url);
// snarkjs's package exports hide its CLI: resolve the main entry and step to build/cli.cjs.
const SNARKJS = join(require.resolve('snarkjs'), '..', 'cli.cjs');
const CIRCOM = require.resolve('circom2/cli.js');

/** The batch the zk-mode contract test submits: index 0, so the previous output root is 0. */
export function fixtureBatch(): { outputRoot: `0x${string}`; blobHashes: `0x${string}`[] } {
  const blob = sha256(stringToBytes('keel/rollup/zk-fixture/blob'));
  return {
    outputRoot: keccak256(stringToBytes('keel/rollup/zk-fixture/output-root')),
    blobHashes: [`0x01${blob.slice(4)}`],
  };
}

/** Rollup.sol's zkCommitment, computed here with viem (independently of the contract). */
export function commitmentOf(prev: `0x${string}`, b: ReturnType<typeof fixtureBatch>): bigint {
  const enc = encodeAbiParameters(
    [{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32[]' }],
    [prev, b.outputRoot, b.blobHashes],
  );
  return BigInt(keccak256(enc)) >> 8n;
}

function inverse(a: bigint): bigint {
  let [r0, r1, s0, s1] = [R, a % R, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % R) + R) % R;
}

function run(tool: string, args: string[], cwd: string): void {
  console.log(`$ ${tool === CIRCOM ? 'circom2' : 'snarkjs'} ${args.join(' ')}`);
  execFileSync(process.execPath, [tool, ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'keel-zk-'));
  const s = (...args: string[]) => run(SNARKJS, args, work);
  try {
    writeFileSync(join(work, 'batch.circom'), readFileSync(join(DIR, 'batch.circom')));
    run(CIRCOM, ['batch.circom', '--r1cs', '--wasm', '-o', '.'], work);
    s('powersoftau', 'new', 'bn128', String(POWER), 'pot0.ptau');
    s('powersoftau', 'contribute', 'pot0.ptau', 'pot1.ptau', '--name=keel-1', '-e=keel zk one');
    s('powersoftau', 'contribute', 'pot1.ptau', 'pot2.ptau', '--name=keel-2', '-e=keel zk two');
    s('powersoftau', 'beacon', 'pot2.ptau', 'pot3.ptau', `${'0c'.repeat(32)}`, '10', '-n=beacon');
    s('powersoftau', 'prepare', 'phase2', 'pot3.ptau', 'pot.ptau');
    s('powersoftau', 'verify', 'pot.ptau');
    s('groth16', 'setup', 'batch.r1cs', 'pot.ptau', 'g0.zkey');
    s('zkey', 'contribute', 'g0.zkey', 'groth16.zkey', '--name=keel-phase2', '-e=keel zk three');
    s('zkey', 'verify', 'batch.r1cs', 'pot.ptau', 'groth16.zkey');
    s('plonk', 'setup', 'batch.r1cs', 'pot.ptau', 'plonk.zkey');
    s('fflonk', 'setup', 'batch.r1cs', 'pot.ptau', 'fflonk.zkey');

    const batch = fixtureBatch();
    const commitment = commitmentOf(toHex(0n, { size: 32 }), batch);
    const b = 7n;
    const input = {
      commitment: commitment.toString(),
      a: ((commitment * inverse(b)) % R).toString(),
      b: b.toString(),
    };
    writeFileSync(join(work, 'input.json'), JSON.stringify(input));
    const wasm = join('batch_js', 'batch.wasm');
    s('wtns', 'calculate', wasm, 'input.json', 'witness.wtns');
    for (const scheme of ['groth16', 'plonk', 'fflonk']) {
      s('zkey', 'export', 'verificationkey', `${scheme}.zkey`, `${scheme}.vkey.json`);
      s(
        scheme,
        'prove',
        `${scheme}.zkey`,
        'witness.wtns',
        `${scheme}.proof.json`,
        `${scheme}.public.json`,
      );
      s(scheme, 'verify', `${scheme}.vkey.json`, `${scheme}.public.json`, `${scheme}.proof.json`);
      for (const f of ['vkey', 'proof', 'public']) {
        const json = JSON.parse(readFileSync(join(work, `${scheme}.${f}.json`), 'utf8'));
        writeFileSync(join(DIR, `${scheme}.${f}.json`), `${JSON.stringify(json, null, 2)}\n`);
      }
    }
    writeFileSync(join(DIR, 'pot10.ptau'), readFileSync(join(work, 'pot.ptau')));
    writeFileSync(join(DIR, 'batch.r1cs'), readFileSync(join(work, 'batch.r1cs')));
    const meta = {
      index: 0,
      prevOutputRoot: toHex(0n, { size: 32 }),
      ...batch,
      commitment: commitment.toString(),
    };
    writeFileSync(join(DIR, 'batch.json'), `${JSON.stringify(meta, null, 2)}\n`);
    console.log(`wrote ${DIR} (commitment ${commitment})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Keys and one proof per scheme for chain.circom (3 public signals) on the committed ceremony. */
function chain(): void {
  const work = mkdtempSync(join(tmpdir(), 'keel-zk-chain-'));
  const s = (...args: string[]) => run(SNARKJS, args, work);
  try {
    writeFileSync(join(work, 'chain.circom'), readFileSync(join(DIR, 'chain.circom')));
    writeFileSync(join(work, 'pot.ptau'), readFileSync(join(DIR, 'pot10.ptau')));
    run(CIRCOM, ['chain.circom', '--r1cs', '--wasm', '-o', '.'], work);
    s('groth16', 'setup', 'chain.r1cs', 'pot.ptau', 'g0.zkey');
    s('zkey', 'contribute', 'g0.zkey', 'groth16.zkey', '--name=keel-chain', '-e=keel zk chain');
    s('plonk', 'setup', 'chain.r1cs', 'pot.ptau', 'plonk.zkey');
    s('fflonk', 'setup', 'chain.r1cs', 'pot.ptau', 'fflonk.zkey');
    writeFileSync(join(work, 'input.json'), JSON.stringify({ x: '3', k1: '5', k2: '7' }));
    s('wtns', 'calculate', join('chain_js', 'chain.wasm'), 'input.json', 'witness.wtns');
    for (const scheme of ['groth16', 'plonk', 'fflonk']) {
      s('zkey', 'export', 'verificationkey', `${scheme}.zkey`, `${scheme}.vkey.json`);
      s(
        scheme,
        'prove',
        `${scheme}.zkey`,
        'witness.wtns',
        `${scheme}.proof.json`,
        `${scheme}.public.json`,
      );
      s(scheme, 'verify', `${scheme}.vkey.json`, `${scheme}.public.json`, `${scheme}.proof.json`);
      for (const f of ['vkey', 'proof', 'public']) {
        const json = JSON.parse(readFileSync(join(work, `${scheme}.${f}.json`), 'utf8'));
        writeFileSync(join(DIR, `chain.${scheme}.${f}.json`), `${JSON.stringify(json, null, 2)}\n`);
      }
    }
    console.log(`wrote ${DIR}chain.*`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('zkFixtures.ts')) {
  if (process.argv[2] === 'chain') chain();
  else main();
}
