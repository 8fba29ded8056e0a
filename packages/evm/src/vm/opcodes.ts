import type { ForkParams } from '../params.ts';

/** Per opcode: static gas (-1 = undefined opcode), items popped, items pushed. */
export interface OpTable {
  readonly gas: Int32Array;
  readonly pops: Uint8Array;
  readonly pushes: Uint8Array;
}

type Def = readonly [op: number, gas: number, pops: number, pushes: number];

const BASE: readonly Def[] = [
  [0x00, 0, 0, 0],
  [0x01, 3, 2, 1],
  [0x02, 5, 2, 1],
  [0x03, 3, 2, 1],
  [0x04, 5, 2, 1],
  [0x05, 5, 2, 1],
  [0x06, 5, 2, 1],
  [0x07, 5, 2, 1],
  [0x08, 8, 3, 1],
  [0x09, 8, 3, 1],
  [0x0a, 10, 2, 1],
  [0x0b, 5, 2, 1],
  [0x10, 3, 2, 1],
  [0x11, 3, 2, 1],
  [0x12, 3, 2, 1],
  [0x13, 3, 2, 1],
  [0x14, 3, 2, 1],
  [0x15, 3, 1, 1],
  [0x16, 3, 2, 1],
  [0x17, 3, 2, 1],
  [0x18, 3, 2, 1],
  [0x19, 3, 1, 1],
  [0x1a, 3, 2, 1],
  [0x1b, 3, 2, 1],
  [0x1c, 3, 2, 1],
  [0x1d, 3, 2, 1],
  [0x20, 30, 2, 1],
  [0x30, 2, 0, 1],
  [0x31, 0, 1, 1],
  [0x32, 2, 0, 1],
  [0x33, 2, 0, 1],
  [0x34, 2, 0, 1],
  [0x35, 3, 1, 1],
  [0x36, 2, 0, 1],
  [0x37, 3, 3, 0],
  [0x38, 2, 0, 1],
  [0x39, 3, 3, 0],
  [0x3a, 2, 0, 1],
  [0x3b, 0, 1, 1],
  [0x3c, 0, 4, 0],
  [0x3d, 2, 0, 1],
  [0x3e, 3, 3, 0],
  [0x3f, 0, 1, 1],
  [0x40, 20, 1, 1],
  [0x41, 2, 0, 1],
  [0x42, 2, 0, 1],
  [0x43, 2, 0, 1],
  [0x44, 2, 0, 1],
  [0x45, 2, 0, 1],
  [0x46, 2, 0, 1],
  [0x47, 5, 0, 1],
  [0x48, 2, 0, 1],
  [0x50, 2, 1, 0],
  [0x51, 3, 1, 1],
  [0x52, 3, 2, 0],
  [0x53, 3, 2, 0],
  [0x54, 0, 1, 1],
  [0x55, 0, 2, 0],
  [0x56, 8, 1, 0],
  [0x57, 10, 2, 0],
  [0x58, 2, 0, 1],
  [0x59, 2, 0, 1],
  [0x5a, 2, 0, 1],
  [0x5b, 1, 0, 0],
  [0x5f, 2, 0, 1],
  [0xf0, 32000, 3, 1],
  [0xf1, 0, 7, 1],
  [0xf2, 0, 7, 1],
  [0xf3, 0, 2, 0],
  [0xf4, 0, 6, 1],
  [0xf5, 32000, 4, 1],
  [0xfa, 0, 6, 1],
  [0xfd, 0, 2, 0],
  [0xff, 5000, 1, 0],
];

const CANCUN_OPS: readonly Def[] = [
  [0x49, 3, 1, 1],
  [0x4a, 2, 0, 1],
  [0x5c, 100, 1, 1],
  [0x5d, 100, 2, 0],
  [0x5e, 3, 3, 0],
];

const tables = new Map<string, OpTable>();

/** The opcode table of a fork (cached). */
export function opTable(fork: ForkParams): OpTable {
  const cached = tables.get(fork.name);
  if (cached) return cached;
  const gas = new Int32Array(256).fill(-1);
  const pops = new Uint8Array(256);
  const pushes = new Uint8Array(256);
  const set = ([op, g, po, pu]: Def): void => {
    gas[op] = g;
    pops[op] = po;
    pushes[op] = pu;
  };
  for (const d of BASE) set(d);
  if (fork.cancunOpcodes) for (const d of CANCUN_OPS) set(d);
  for (let n = 1; n <= 32; n++) set([0x5f + n, 3, 0, 1]);
  for (let n = 1; n <= 16; n++) {
    set([0x7f + n, 3, n, n + 1]);
    set([0x8f + n, 3, n + 1, n + 1]);
  }
  for (let n = 0; n <= 4; n++) set([0xa0 + n, 375 * (n + 1), n + 2, 0]);
  const t = { gas, pops, pushes };
  tables.set(fork.name, t);
  return t;
}
