import { hexToBytes } from '@keel/util';

/** Opcodes the benchmark contracts use. */
const OPS: Readonly<Record<string, number>> = {
  STOP: 0x00,
  ADD: 0x01,
  MUL: 0x02,
  SUB: 0x03,
  LT: 0x10,
  EQ: 0x14,
  SHR: 0x1c,
  KECCAK256: 0x20,
  CALLER: 0x33,
  CALLDATALOAD: 0x35,
  POP: 0x50,
  MSTORE: 0x52,
  SLOAD: 0x54,
  SSTORE: 0x55,
  JUMPI: 0x57,
  JUMPDEST: 0x5b,
  DUP1: 0x80,
  DUP2: 0x81,
  DUP3: 0x82,
  SWAP1: 0x90,
  LOG3: 0xa3,
  RETURN: 0xf3,
  REVERT: 0xfd,
};

/**
 * A tiny assembler for the hand-written benchmark contracts (`;` starts a comment): opcode names, `0x…` immediates
 * (pushed with the shortest PUSHn), `@label` pushes (always PUSH2) and `label:` definitions
 * (which emit a JUMPDEST). No solc needed, and both EVMs run the same bytes.
 */
export function assemble(source: string): Uint8Array {
  const tokens = source
    .replace(/;[^\n]*/g, '')
    .split(/\s+/)
    .filter((t) => t.length > 0);
  const out: number[] = [];
  const labels = new Map<string, number>();
  const fixups: [number, string][] = [];
  for (const t of tokens) {
    if (t.endsWith(':')) {
      labels.set(t.slice(0, -1), out.length);
      out.push(OPS.JUMPDEST!);
    } else if (t.startsWith('@')) {
      out.push(0x61, 0, 0);
      fixups.push([out.length - 2, t.slice(1)]);
    } else if (t.startsWith('0x')) {
      const hex = t.slice(2);
      const bytes = hexToBytes(hex.length % 2 ? `0${hex}` : hex);
      out.push(0x5f + bytes.length, ...bytes);
    } else {
      const op = OPS[t];
      if (op === undefined) throw new RangeError(`unknown opcode ${t}`);
      out.push(op);
    }
  }
  for (const [at, name] of fixups) {
    const target = labels.get(name);
    if (target === undefined) throw new RangeError(`unknown label ${name}`);
    out[at] = target >> 8;
    out[at + 1] = target & 0xff;
  }
  return Uint8Array.from(out);
}
