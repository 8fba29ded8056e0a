import { hexToBytes } from '@keel/util';
import { RollupNodeError, RollupNodeErrorCode } from './errors.ts';

/** Reports what is wrong with one value (throws). */
type Bad = (why: string) => never;

const HEX_DATA = /^0x([0-9a-fA-F]{2})*$/;
const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 80);

/** Fixed-length 0x data: addresses (20 bytes), hashes (32). */
export function bytesOf(v: unknown, len: number, bad: Bad): Uint8Array {
  if (typeof v !== 'string' || !HEX_DATA.test(v) || v.length !== 2 + 2 * len) {
    bad(`must be 0x-hex of ${len} bytes, got ${show(v)}`);
  }
  return hexToBytes(v);
}

/** 0x data of any even length up to `max` bytes. */
export function dataOf(v: unknown, max: number, bad: Bad): Uint8Array {
  if (typeof v !== 'string' || !HEX_DATA.test(v)) bad(`must be 0x-hex data, got ${show(v)}`);
  const n = (v.length - 2) / 2;
  if (n > max) bad(`is ${n} bytes (at most ${max})`);
  return hexToBytes(v);
}

/** A JSON-RPC quantity: 0x, lower or upper hex, no leading zeros. */
export function quantityOf(v: unknown, bad: Bad): bigint {
  if (typeof v !== 'string' || !QUANTITY.test(v)) {
    bad(`must be a 0x quantity without leading zeros, got ${show(v)}`);
  }
  return BigInt(v);
}

/**
 * The positional parameters of one call. Every reader throws `RollupNodeError(INVALID_PARAMS)`
 * naming the method, the position (and field) and what was wrong; the server answers -32602.
 */
export class Params {
  readonly method: string;
  readonly list: readonly unknown[];

  constructor(method: string, list: readonly unknown[]) {
    this.method = method;
    this.list = list;
  }

  bad(at: number, why: string): never {
    throw new RollupNodeError(
      RollupNodeErrorCode.INVALID_PARAMS,
      `${this.method}: param ${at} ${why}`,
      { method: this.method, param: at },
    );
  }

  #at(at: number): Bad {
    return (why) => this.bad(at, why);
  }

  address(at: number): Uint8Array {
    return bytesOf(this.list[at], 20, this.#at(at));
  }

  hash(at: number): Uint8Array {
    return bytesOf(this.list[at], 32, this.#at(at));
  }

  data(at: number, max: number): Uint8Array {
    return dataOf(this.list[at], max, this.#at(at));
  }

  quantity(at: number): bigint {
    return quantityOf(this.list[at], this.#at(at));
  }

  bool(at: number, fallback: boolean): boolean {
    const v = this.list[at];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.bad(at, `must be true or false, got ${show(v)}`);
    return v;
  }

  /** Index `at` as a plain non-negative integer (JSON number) or a quantity. */
  index(at: number, fallback: number): number {
    const v = this.list[at];
    if (v === undefined) return fallback;
    const n = typeof v === 'number' ? v : Number(quantityOf(v, this.#at(at)));
    if (!Number.isSafeInteger(n) || n < 0) this.bad(at, `must be an index >= 0, got ${show(v)}`);
    return n;
  }

  object(at: number, optional = false): Record<string, unknown> | undefined {
    const v = this.list[at];
    if (v === undefined || v === null) {
      if (optional) return undefined;
      this.bad(at, 'is missing (an object)');
    }
    if (typeof v !== 'object' || Array.isArray(v))
      this.bad(at, `must be an object, got ${show(v)}`);
    return v as Record<string, unknown>;
  }

  /** A reporter for field `key` of the object at `at`. */
  field(at: number, key: string): Bad {
    return (why) => this.bad(at, `.${key} ${why}`);
  }
}
