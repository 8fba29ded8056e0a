/**
 * Benchmark modules, assembled here from opcodes (the CLI runs benches without dev tools such
 * as wabt). Each opcode is named in a comment; see the WebAssembly core spec, section 5.4.
 */
import { ByteSink } from '../src/wasm/sink.ts';

interface FuncDef {
  type: number;
  locals: [count: number, type: number][];
  body: number[];
}

interface ModuleDef {
  types: [params: number[], results: number[]][];
  imports: [module: string, name: string, type: number][];
  funcs: FuncDef[];
  memoryPages: number;
  exports: [name: string, func: number][];
}

const I32 = 0x7f;
const I64 = 0x7e;
const utf8 = (s: string) => new TextEncoder().encode(s);

export function assemble(m: ModuleDef): Uint8Array {
  const out = new ByteSink();
  out.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  out.section(1, (p) => {
    p.u32(m.types.length);
    for (const [ps, rs] of m.types) {
      p.u8(0x60).u32(ps.length);
      for (const v of ps) p.u8(v);
      p.u32(rs.length);
      for (const v of rs) p.u8(v);
    }
  });
  out.section(2, (p) => {
    p.u32(m.imports.length);
    for (const [mod, name, t] of m.imports) {
      p.u32(utf8(mod).length)
        .bytes(utf8(mod))
        .u32(utf8(name).length)
        .bytes(utf8(name))
        .u8(0)
        .u32(t);
    }
  });
  out.section(3, (p) => {
    p.u32(m.funcs.length);
    for (const f of m.funcs) p.u32(f.type);
  });
  out.section(5, (p) => p.u32(1).u8(0).u32(m.memoryPages));
  out.section(7, (p) => {
    p.u32(m.exports.length);
    for (const [name, f] of m.exports) p.u32(utf8(name).length).bytes(utf8(name)).u8(0).u32(f);
  });
  out.section(10, (p) => {
    p.u32(m.funcs.length);
    for (const f of m.funcs) {
      p.section(undefined, (b) => {
        b.u32(f.locals.length);
        for (const [n, t] of f.locals) b.u32(n).u8(t);
        for (const x of f.body) b.u8(x);
      });
    }
  });
  return out.finish().slice();
}

const sleb = (v: bigint): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
};

/**
 * FNV/rotate mixing over a 64 KiB ring of memory, `iterations` rounds, then
 * `return_data(&h, 8)`. Locals: 0 = i (i32), 1 = h (i64), 2 = addr (i32).
 */
/** `i = i + 1` (local 0, kept on the stack) then `br_if 0` while `i < count` (unsigned). */
function loopBackWhileBelow(count: number): number[] {
  return [
    ...[0x20, 0, 0x41, 1, 0x6a, 0x22, 0], // local.tee i (local.get i + 1)
    ...[0x41, ...sleb(BigInt(count)), 0x49], // i32.lt_u count
    ...[0x0d, 0], // br_if 0
  ];
}

function hashLoopBody(iterations: number): number[] {
  return [
    0x42,
    ...sleb(0xcbf29ce484222325n - (1n << 64n)),
    0x21,
    1, // i64.const FNV offset; local.set h
    0x03,
    0x40, // loop
    0x20,
    0,
    0x41,
    3,
    0x74,
    0x41,
    ...sleb(0xfff8n),
    0x71,
    0x21,
    2, // addr = (i << 3) & 0xfff8
    0x20,
    1,
    0x20,
    2,
    0x29,
    3,
    0,
    0x85, // h ^ i64.load(addr)
    0x42,
    ...sleb(0x100000001b3n),
    0x7e, // * FNV prime
    0x42,
    17,
    0x89, // i64.rotl 17
    0x20,
    0,
    0xad,
    0x7c,
    0x21,
    1, // + extend_u(i); local.set h
    0x20,
    2,
    0x20,
    1,
    0x37,
    3,
    0, // i64.store(addr, h)
    ...loopBackWhileBelow(iterations),
    0x0b, // end loop
    0x41,
    0,
    0x20,
    1,
    0x37,
    3,
    0, // i64.store(0, h)
    0x41,
    0,
    0x41,
    8,
    0x10,
    0, // call return_data(0, 8)
    0x0b,
  ];
}

const HASH_LOCALS: [number, number][] = [
  [1, I32],
  [1, I64],
  [1, I32],
];

export function hashLoopModule(iterations: number): Uint8Array {
  return largeModule(1, iterations);
}

/** `calls` iterations of `drop(input_size())`: a host call per loop round. */
export function hostLoopModule(calls: number): Uint8Array {
  const body = [
    0x03,
    0x40, // loop
    0x10,
    0,
    0x1a, // call input_size; drop
    ...loopBackWhileBelow(calls),
    0x0b,
    0x0b,
  ];
  return assemble({
    types: [
      [[], [I32]],
      [[], []],
    ],
    imports: [['env', 'input_size', 0]],
    funcs: [{ type: 1, locals: [[1, I32]], body }],
    memoryPages: 1,
    exports: [['run', 1]],
  });
}

/** `copies` functions with the hash loop's body (a large module for instrumentation speed). */
export function largeModule(copies: number, iterations = 1000): Uint8Array {
  const body = hashLoopBody(iterations);
  return assemble({
    types: [
      [[I32, I32], []],
      [[], []],
    ],
    imports: [['env', 'return_data', 0]],
    funcs: Array.from({ length: copies }, () => ({ type: 1, locals: HASH_LOCALS, body })),
    memoryPages: 1,
    exports: [['run', 1]],
  });
}
