const cache = new WeakMap<Uint8Array, Uint8Array>();

/** One byte per code byte: 1 where a JUMPDEST (0x5b) is an instruction, not PUSH data. */
export function jumpdests(code: Uint8Array): Uint8Array {
  let map = cache.get(code);
  if (map !== undefined) return map;
  map = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) {
    const op = code[i]!;
    if (op === 0x5b) map[i] = 1;
    else if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  cache.set(code, map);
  return map;
}
