import { RpcError, RpcErrorCode } from './errors.ts';

/** Core's RPCArg types, as far as these methods use them. */
export type ArgType = 'num' | 'str' | 'hex' | 'bool' | 'obj' | 'arr' | 'amount' | 'num_or_bool';

export interface ArgSpec {
  name: string;
  type: ArgType;
  /** Optional arguments may be omitted or null. */
  optional?: boolean;
  description: string;
}

export interface MethodSpec {
  name: string;
  category: 'Blockchain' | 'Control' | 'Generating' | 'Mining' | 'Network' | 'Rawtransactions';
  description: string;
  args: readonly ArgSpec[];
  /** Result summary for help. */
  result: string;
}

/** UniValue's type names (uvTypeName). */
function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const expected: Record<ArgType, string[]> = {
  num: ['number'],
  str: ['string'],
  hex: ['string'],
  bool: ['bool'],
  obj: ['object'],
  arr: ['array'],
  amount: ['number', 'string'],
  num_or_bool: ['number', 'bool'],
};

/** Core's RPCHelpMan::ToString: the help text of one method. */
export function helpText(m: MethodSpec): string {
  const sig = m.args.map((a) => (a.optional ? `( ${a.name} )` : a.name)).join(' ');
  const args = m.args.length
    ? `\nArguments:\n${m.args
        .map(
          (a, i) =>
            `${i + 1}. ${a.name}    (${expected[a.type][0]}, ${a.optional ? 'optional' : 'required'}) ${a.description}`,
        )
        .join('\n')}\n`
    : '';
  return `${m.name}${sig ? ` ${sig}` : ''}\n\n${m.description}\n${args}\nResult:\n${m.result}\n`;
}

/**
 * Positional arguments from a request's `params` (an array, an object of named arguments, or
 * absent), checked as Core's RPCHelpMan does: too many or a missing required one → the help
 * text with code -1; a wrong JSON type → code -3 "Wrong type passed"; an unknown name → -8.
 */
export function bindParams(m: MethodSpec, params: unknown): unknown[] {
  let args: unknown[];
  if (params === undefined || params === null) args = [];
  else if (Array.isArray(params)) args = params;
  else if (typeof params === 'object') {
    const named = params as Record<string, unknown>;
    args = [];
    for (const k of Object.keys(named)) {
      const i = m.args.findIndex((a) => a.name === k);
      if (i < 0) throw new RpcError(RpcErrorCode.INVALID_PARAMETER, `Unknown named parameter ${k}`);
      args[i] = named[k];
    }
  } else {
    throw new RpcError(RpcErrorCode.INVALID_REQUEST, 'Params must be an array or object');
  }
  const required = m.args.filter((a) => !a.optional).length;
  let present = args.length;
  while (present > 0 && (args[present - 1] === undefined || args[present - 1] === null)) present--;
  if (
    args.length > m.args.length ||
    present < required ||
    args.slice(0, required).some((a) => a === undefined || a === null)
  ) {
    throw new RpcError(RpcErrorCode.MISC_ERROR, helpText(m));
  }
  const mismatch: string[] = [];
  m.args.forEach((a, i) => {
    const v = args[i];
    if (v === undefined || v === null) return;
    const t = typeName(v);
    if (!expected[a.type].includes(t)) {
      mismatch.push(
        `    "Position ${i + 1} (${a.name})": "JSON value of type ${t} is not of expected type ${expected[a.type][0]}"`,
      );
    }
  });
  if (mismatch.length) {
    throw new RpcError(
      RpcErrorCode.TYPE_ERROR,
      `Wrong type passed:\n{\n${mismatch.join(',\n')}\n}`,
    );
  }
  return args;
}

const HEX = /^([0-9a-fA-F]{2})*$/;

/** Core's ParseHashV: 64 hex characters, display order. */
export function parseHash(v: unknown, name: string): Uint8Array {
  const s = String(v);
  if (s.length !== 64) {
    throw new RpcError(
      RpcErrorCode.INVALID_PARAMETER,
      `${name} must be of length 64 (not ${s.length}, for '${s}')`,
    );
  }
  if (!HEX.test(s)) {
    throw new RpcError(
      RpcErrorCode.INVALID_PARAMETER,
      `${name} must be hexadecimal string (not '${s}')`,
    );
  }
  return Uint8Array.from(Buffer.from(s, 'hex').reverse());
}

/** Core's ParseHexV. */
export function parseHex(v: unknown, name: string): Uint8Array {
  const s = String(v);
  if (!HEX.test(s)) {
    throw new RpcError(
      RpcErrorCode.INVALID_PARAMETER,
      `${name} must be hexadecimal string (not '${s}') and not empty`,
    );
  }
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** An integer argument (Core: UniValue::getInt — a non-integer number is a type error). */
export function int(v: unknown, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  const n = v as number;
  if (!Number.isInteger(n))
    throw new RpcError(RpcErrorCode.TYPE_ERROR, 'JSON integer out of range');
  return n;
}

/** Core's AmountFromValue: BTC with at most 8 decimals, in range. */
export function amountFromValue(v: unknown): bigint {
  const s = typeof v === 'number' ? v.toFixed(8) : String(v);
  if (!/^-?\d+(\.\d{1,8})?$/.test(s)) throw new RpcError(RpcErrorCode.TYPE_ERROR, 'Invalid amount');
  const [whole, frac = ''] = s.replace('-', '').split('.');
  const sat = BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
  if (s.startsWith('-') || sat > 21_000_000n * 100_000_000n) {
    throw new RpcError(RpcErrorCode.TYPE_ERROR, 'Amount out of range');
  }
  return sat;
}

/** An amount in satoshis that the JSON writer prints as Core does: BTC with 8 decimals. */
export class BtcAmount {
  constructor(readonly sat: bigint) {}
  toJSON(): number {
    return Number(this.sat) / 1e8;
  }
}

export function btc(sat: bigint | number): BtcAmount {
  return new BtcAmount(BigInt(sat));
}

/** JSON with amounts as `0.00002000` (Core's ValueFromAmount), everything else as JSON.stringify. */
export function writeJson(v: unknown): string {
  if (v instanceof BtcAmount) {
    const neg = v.sat < 0n;
    const a = neg ? -v.sat : v.sat;
    return `${neg ? '-' : ''}${a / 100_000_000n}.${(a % 100_000_000n).toString().padStart(8, '0')}`;
  }
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  if (typeof v === 'bigint') return v.toString();
  if (v !== null && typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) parts.push(`${JSON.stringify(k)}:${writeJson(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v);
}
