import { readBits, writeBits } from './bits.ts';
import { decodeSyndromes } from './decode.ts';
import { MinisketchError, MinisketchErrorCode } from './errors.ts';
import { SmallField } from './field/smallField.ts';
import { WideField } from './field/wideField.ts';

/** Largest capacity a sketch may be created or deserialized with unless raised per call. */
export const DEFAULT_MAX_CAPACITY = 8192;

export interface MinisketchOptions {
  /** Root-finding split basis seed (libminisketch's minisketch_set_seed); the decoded set does
   * not depend on it. Default 0. */
  seed?: bigint | number;
  /** Capacity limit checked before anything is allocated. Default DEFAULT_MAX_CAPACITY. */
  maxCapacity?: number;
}

const smallFields = new Map<number, SmallField>();
const wideFields = new Map<number, WideField>();

function smallField(bits: number): SmallField {
  let f = smallFields.get(bits);
  if (f === undefined) {
    f = new SmallField(bits);
    smallFields.set(bits, f);
  }
  return f;
}

function wideField(bits: number): WideField {
  let f = wideFields.get(bits);
  if (f === undefined) {
    f = new WideField(bits);
    wideFields.set(bits, f);
  }
  return f;
}

/** True for the field sizes libminisketch supports: 2..64 bits. */
export function isSupportedBits(bits: number): boolean {
  return Number.isInteger(bits) && bits >= 2 && bits <= 64;
}

/** Serialized size in bytes of a sketch: ceil(bits * capacity / 8). */
export function serializedSize(bits: number, capacity: number): number {
  return Math.ceil((bits * capacity) / 8);
}

function checkShape(bits: number, capacity: number, maxCapacity: number): void {
  if (!isSupportedBits(bits)) {
    throw new MinisketchError(
      MinisketchErrorCode.INVALID_BITS,
      `field size must be an integer in 2..64 bits, got ${bits}`,
      { bits },
    );
  }
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > maxCapacity) {
    throw new MinisketchError(
      MinisketchErrorCode.INVALID_CAPACITY,
      `capacity must be an integer in 0..${maxCapacity}, got ${capacity}`,
      { capacity, maxCapacity },
    );
  }
}

function toSeed(seed: bigint | number | undefined): bigint {
  if (seed === undefined) return 0n;
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new MinisketchError(MinisketchErrorCode.INVALID_ARGUMENT, `seed must be an integer`, {
      seed,
    });
  }
  return BigInt.asUintN(64, BigInt(seed));
}

/**
 * A PinSketch: the `capacity` odd power sums s1, s3, s5, ... of a set of nonzero `bits`-bit
 * elements over GF(2^bits). Adding an element twice removes it; merging is XOR, so a merged
 * sketch holds the symmetric difference, which `decode` recovers when it has at most
 * `capacity` elements. Bytes and answers are those of libminisketch.
 */
export class Minisketch {
  readonly bits: number;
  private cap: number;
  /** bits <= 32: int32 syndromes; above: bigint syndromes. */
  private small: Int32Array | undefined;
  private wide: bigint[] | undefined;
  private seed: bigint;

  constructor(bits: number, capacity: number, options: MinisketchOptions = {}) {
    checkShape(bits, capacity, options.maxCapacity ?? DEFAULT_MAX_CAPACITY);
    this.bits = bits;
    this.cap = capacity;
    this.seed = toSeed(options.seed);
    if (bits <= 32) this.small = new Int32Array(capacity);
    else this.wide = new Array<bigint>(capacity).fill(0n);
  }

  get capacity(): number {
    return this.cap;
  }

  /** Sets the root-finding seed (all ones = the fixed basis 1, as libminisketch). */
  setSeed(seed: bigint | number): void {
    this.seed = toSeed(seed);
  }

  /** Toggles `element` (1..2^bits-1; 0 is ignored, as in libminisketch) in the sketch. */
  add(element: number | bigint): this {
    const bits = this.bits;
    if (typeof element === 'number') {
      if (!Number.isInteger(element) || element < 0 || element >= 2 ** bits) {
        throw invalidElement(element, bits);
      }
    } else if (typeof element !== 'bigint' || element < 0n || element >> BigInt(bits) !== 0n) {
      throw invalidElement(element, bits);
    }
    if (this.small !== undefined) {
      this.addSmall(typeof element === 'number' ? element | 0 : Number(BigInt.asIntN(32, element)));
    } else {
      this.addWide(BigInt(element));
    }
    return this;
  }

  private addSmall(value: number): void {
    smallField(this.bits).addOddPowers(this.small!, value);
  }

  private addWide(value: bigint): void {
    const s = this.wide!;
    const f = wideField(this.bits);
    const mul = f.prepare(f.sqr(value));
    let e = value;
    for (let i = 0; i < s.length; i++) {
      s[i] = s[i]! ^ e;
      e = f.mulPrepared(mul, e);
    }
  }

  /** Serialization size in bytes. */
  get serializedSize(): number {
    return serializedSize(this.bits, this.cap);
  }

  /** The syndromes s1, s3, ... packed LSB-first, `bits` each, no padding (minisketch_serialize). */
  serialize(): Uint8Array {
    const out = new Uint8Array(this.serializedSize);
    const bits = this.bits;
    for (let i = 0; i < this.cap; i++) {
      const pos = i * bits;
      if (this.small !== undefined) {
        writeBits(out, pos, this.small[i]!, bits);
      } else {
        const v = this.wide![i]!;
        writeBits(out, pos, Number(v & 0xffffffffn), 32);
        writeBits(out, pos + 32, Number(v >> 32n), bits - 32);
      }
    }
    return out;
  }

  /**
   * Replaces the contents with a serialized sketch of this capacity (minisketch_deserialize).
   * Like libminisketch, the unused high bits of the last byte are ignored.
   */
  deserialize(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array) || bytes.length !== this.serializedSize) {
      throw new MinisketchError(
        MinisketchErrorCode.INVALID_LENGTH,
        `a ${this.bits}-bit sketch of capacity ${this.cap} is ${this.serializedSize} bytes, got ${
          bytes instanceof Uint8Array ? bytes.length : typeof bytes
        }`,
        { expected: this.serializedSize },
      );
    }
    const bits = this.bits;
    for (let i = 0; i < this.cap; i++) {
      const pos = i * bits;
      if (this.small !== undefined) {
        this.small[i] = readBits(bytes, pos, bits);
      } else {
        const lo = BigInt(readBits(bytes, pos, 32) >>> 0);
        const hi = BigInt(readBits(bytes, pos + 32, bits - 32) >>> 0);
        this.wide![i] = (hi << 32n) | lo;
      }
    }
    return this;
  }

  /**
   * Adds `other` into this sketch (XOR of syndromes); the capacity becomes the smaller of the
   * two, as minisketch_merge. Returns the new capacity.
   */
  merge(other: Minisketch): number {
    if (!(other instanceof Minisketch) || other.bits !== this.bits) {
      throw new MinisketchError(
        MinisketchErrorCode.FIELD_MISMATCH,
        `cannot merge a ${other instanceof Minisketch ? other.bits : '?'}-bit sketch into a ${this.bits}-bit one`,
        { bits: this.bits },
      );
    }
    const n = Math.min(this.cap, other.cap);
    if (this.small !== undefined) {
      const s = this.small.slice(0, n);
      for (let i = 0; i < n; i++) s[i] = s[i]! ^ other.small![i]!;
      this.small = s;
    } else {
      const s = this.wide!.slice(0, n);
      for (let i = 0; i < n; i++) s[i] = s[i]! ^ other.wide![i]!;
      this.wide = s;
    }
    this.cap = n;
    return n;
  }

  clone(): Minisketch {
    const c = new Minisketch(this.bits, 0, { seed: this.seed });
    c.cap = this.cap;
    c.small = this.small?.slice();
    c.wide = this.wide?.slice();
    return c;
  }

  /**
   * The elements of the sketch, ascending, when it holds at most `maxElements` (default: the
   * capacity) and decodes; undefined otherwise. Over capacity a sketch can decode to a wrong
   * set (a false positive) exactly where libminisketch does; see computeCapacity for sizing.
   * Work is bounded by the capacity: O(capacity^2) plus root finding of degree <= maxElements.
   */
  decode(maxElements: number = this.cap): bigint[] | undefined {
    if (!Number.isInteger(maxElements) || maxElements < 0) {
      throw new MinisketchError(
        MinisketchErrorCode.INVALID_ARGUMENT,
        `maxElements must be a non-negative integer, got ${maxElements}`,
        { maxElements },
      );
    }
    let out: bigint[] | undefined;
    if (this.small !== undefined) {
      const f = smallField(this.bits);
      const r = decodeSyndromes(f, Array.from(this.small), maxElements, f.fromSeed(this.seed));
      out = r?.map((v) => BigInt(v >>> 0));
    } else {
      const f = wideField(this.bits);
      out = decodeSyndromes(f, this.wide!, maxElements, f.fromSeed(this.seed));
    }
    return out?.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** decode() as numbers, for fields of at most 32 bits. */
  decodeNumbers(maxElements: number = this.cap): number[] | undefined {
    if (this.bits > 32) {
      throw new MinisketchError(
        MinisketchErrorCode.INVALID_ARGUMENT,
        `decodeNumbers needs a field of at most 32 bits, this one has ${this.bits}`,
        { bits: this.bits },
      );
    }
    return this.decode(maxElements)?.map(Number);
  }
}

function invalidElement(element: unknown, bits: number): MinisketchError {
  return new MinisketchError(
    MinisketchErrorCode.INVALID_ELEMENT,
    `element must be an integer in 0..2^${bits}-1, got ${String(element)}`,
    { bits },
  );
}

/** A sketch from its serialization (minisketch_create + minisketch_deserialize). */
export function createMinisketchFromBytes(
  bits: number,
  capacity: number,
  bytes: Uint8Array,
  options: MinisketchOptions = {},
): Minisketch {
  return new Minisketch(bits, capacity, options).deserialize(bytes);
}

/** An empty sketch (minisketch_create). */
export function createMinisketch(
  bits: number,
  capacity: number,
  options: MinisketchOptions = {},
): Minisketch {
  return new Minisketch(bits, capacity, options);
}
