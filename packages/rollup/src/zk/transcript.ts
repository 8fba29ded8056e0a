import { keccak256 } from '@keel/crypto';
import { type G1Point, R } from './bn254.ts';

/**
 * The Fiat–Shamir transcript snarkjs's PLONK and fflonk verifiers use (its Keccak256Transcript):
 * absorb G1 commitments as 64 bytes (affine x ‖ y, 32-byte big-endian each; infinity is 64 zero
 * bytes) and scalars as 32 bytes big-endian, then a challenge is keccak256 of the concatenation
 * read big-endian and reduced mod r. Each round starts from an empty buffer: carrying a
 * previous challenge forward is done by absorbing it as a scalar.
 */
export class KeccakTranscript {
  private parts: Uint8Array[] = [];

  point(p: G1Point): this {
    const out = new Uint8Array(64);
    if (!p.is0()) {
      const { x, y } = p.toAffine();
      out.set(be32(x), 0);
      out.set(be32(y), 32);
    }
    this.parts.push(out);
    return this;
  }

  scalar(s: bigint): this {
    this.parts.push(be32(s));
    return this;
  }

  /** The challenge of everything absorbed since the last call; the buffer is then emptied. */
  challenge(): bigint {
    let n = 0;
    for (const p of this.parts) n += p.length;
    const buf = new Uint8Array(n);
    let o = 0;
    for (const p of this.parts) {
      buf.set(p, o);
      o += p.length;
    }
    this.parts = [];
    let v = 0n;
    for (const b of keccak256(buf)) v = (v << 8n) | BigInt(b);
    return v % R;
  }
}

function be32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
