/** Per-code analysis, computed once per code array and cached. */
export interface CodeInfo {
  /** 1 where a JUMPDEST (0x5b) is an instruction, not PUSH data. */
  readonly jumpdests: Uint8Array;
  /** PUSH immediates by the PUSH's position, filled on first execution. */
  readonly pushes: (bigint | undefined)[];
}

const cache = new WeakMap<Uint8Array, CodeInfo>();

export function codeInfo(code: Uint8Array): CodeInfo {
  let info = cache.get(code);
  if (info !== undefined) return info;
  const map = new Uint8Array(code.length);
  for (let i = 0; i < code.length; i++) {
    const op = code[i]!;
    if (op === 0x5b) map[i] = 1;
    else if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  info = { jumpdests: map, pushes: [] };
  cache.set(code, info);
  return info;
}
