import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM, getActivePrecompiles } from '@ethereumjs/evm';
import { type BenchHarness, bytesToHex, concatBytes, hexToBytes } from '@keel/util';
import { getPrecompile } from '../src/precompiles/index.ts';

const word = (v: bigint): string => v.toString(16).padStart(64, '0');
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const G1 = word(1n) + word(2n);
const NEG_G1 = word(1n) + word(P - 2n);
const G2 = [
  11559732032986387107991004021392285783925812861821192530917403151452391805634n,
  10857046999023057135944570762232829481370756359578518086990519993285655852781n,
  4082367875863433681332203403145435568316851327593401208105741076214120093531n,
  8495653923123431417604973247489272438418190587263600148770280649306958101930n,
]
  .map(word)
  .join('');

/** One representative input per precompile (0x0a needs a KZG backend: see the crypto bench). */
const CASES: [string, number, string][] = [
  [
    'ecrecover',
    1,
    '18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c' +
      word(28n) +
      '73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f' +
      'eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549',
  ],
  ['sha256 1 KiB', 2, 'ab'.repeat(1024)],
  ['modexp 2048-bit, e = 65537', 5, modexpInput(256, '010001')],
  ['modexp 2048-bit, 2048-bit e', 5, modexpInput(256, 'c3'.repeat(256))],
  ['bn254 add', 6, G1 + G1],
  ['bn254 mul', 7, G1 + 'ab'.repeat(32)],
  ['bn254 pairing, 2 pairs', 8, G1 + G2 + NEG_G1 + G2],
  ['blake2f 12 rounds', 9, `0000000c${'5a'.repeat(208)}01`],
];

function modexpInput(len: number, eHex: string): string {
  const m = `${'f1'.repeat(len - 1)}01`;
  return (
    word(BigInt(len)) +
    word(BigInt(eHex.length / 2)) +
    word(BigInt(len)) +
    'e7'.repeat(len) +
    eHex +
    m
  );
}

const GAS = 10_000_000n;

/**
 * `keel bench evm` precompile rows: calls/s of each precompile on one input, and the gas/s that
 * makes (the price check: how long a block full of these calls takes); anchor: @ethereumjs/evm's
 * implementation of the same precompile on the same input (outputs compared first).
 */
export async function benchPrecompiles(h: BenchHarness): Promise<void> {
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun });
  const evm = (await createEVM({ common })) as never;
  const theirs = getActivePrecompiles(common);
  for (const [name, index, hex] of CASES) {
    const input = hexToBytes(hex);
    const address = new Uint8Array(20);
    address[19] = index;
    const ours = getPrecompile(address);
    const anchor = theirs.get(bytesToHex(address));
    if (!ours || !anchor) throw new RangeError(`no precompile 0x${index.toString(16)}`);
    const r = ours(input, GAS, { kzg: undefined });
    if (!r.ok) throw new RangeError(`${name}: the bench input fails`);
    const a = await anchor({ data: input, gasLimit: GAS, common, _EVM: evm });
    if (
      bytesToHex(concatBytes(a.returnValue)) !== bytesToHex(r.output) ||
      a.executionGasUsed !== r.gasUsed
    ) {
      throw new RangeError(`${name}: keel and ethereumjs disagree`);
    }
    const value = h.opsPerSecond(() => ours(input, GAS, { kzg: undefined }));
    const anchorValue = await h.opsPerSecondAsync(async () => {
      await anchor({ data: input, gasLimit: GAS, common, _EVM: evm });
    });
    h.report({
      bench: 'evm',
      metric: `precompile ${name} calls/s`,
      value,
      unit: 'calls/s',
      anchor: 'ethereumjs',
      anchorValue,
    });
    h.report({
      bench: 'evm',
      metric: `precompile ${name} Mgas/s`,
      value: (value * Number(r.gasUsed)) / 1e6,
      unit: 'Mgas/s',
    });
  }
}
