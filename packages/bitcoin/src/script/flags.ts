import { InvalidArgumentError } from '@keel/util';

/** Bitcoin Core's SCRIPT_VERIFY_* bits (script/interpreter.h), same values. */
export const ScriptFlags = {
  NONE: 0,
  P2SH: 1 << 0,
  STRICTENC: 1 << 1,
  DERSIG: 1 << 2,
  LOW_S: 1 << 3,
  NULLDUMMY: 1 << 4,
  SIGPUSHONLY: 1 << 5,
  MINIMALDATA: 1 << 6,
  DISCOURAGE_UPGRADABLE_NOPS: 1 << 7,
  CLEANSTACK: 1 << 8,
  CHECKLOCKTIMEVERIFY: 1 << 9,
  CHECKSEQUENCEVERIFY: 1 << 10,
  WITNESS: 1 << 11,
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM: 1 << 12,
  MINIMALIF: 1 << 13,
  NULLFAIL: 1 << 14,
  WITNESS_PUBKEYTYPE: 1 << 15,
  CONST_SCRIPTCODE: 1 << 16,
  TAPROOT: 1 << 17,
  DISCOURAGE_UPGRADABLE_TAPROOT_VERSION: 1 << 18,
  DISCOURAGE_OP_SUCCESS: 1 << 19,
  DISCOURAGE_UPGRADABLE_PUBKEYTYPE: 1 << 20,
} as const;
export type ScriptFlagName = keyof typeof ScriptFlags;

/** Every flag bit defined above, OR-ed. */
export const ALL_SCRIPT_FLAGS: number = Object.values(ScriptFlags).reduce((a, b) => a | b, 0);

/** Parses Core's comma-separated flag list (`"P2SH,WITNESS"`; `""` and `"NONE"` are 0). */
export function parseScriptFlags(s: string): number {
  let flags = 0;
  for (const word of s.split(',')) {
    const name = word.trim();
    if (name === '') continue;
    if (!Object.hasOwn(ScriptFlags, name)) {
      throw new InvalidArgumentError(`unknown script verify flag: ${name}`, { flag: name });
    }
    flags |= ScriptFlags[name as ScriptFlagName];
  }
  return flags;
}

/** The comma-separated names of the bits set in `flags`. */
export function formatScriptFlags(flags: number): string {
  const names: string[] = [];
  for (const [name, bit] of Object.entries(ScriptFlags)) if (bit && flags & bit) names.push(name);
  return names.join(',');
}
