import { concatBytes, isKeelError } from '@keel/util';
import { CryptoError, CryptoErrorCode } from '../errors.ts';
import type { CipherState } from './cipherState.ts';
import { handshakeError } from './errors.ts';
import type { HandshakePattern, NoiseToken } from './patterns.ts';
import { SymmetricState } from './symmetricState.ts';
import { NoiseTransport } from './transport.ts';
import type { NoiseKeyPair, NoiseSuite, RandomBytes } from './types.ts';

/** Noise rev 34 §3: every handshake and transport message is at most 65535 bytes. */
export const NOISE_MAX_MESSAGE_LENGTH = 65535;
const TAG_LENGTH = 16;

export interface HandshakeOptions {
  readonly suite: NoiseSuite;
  readonly pattern: HandshakePattern;
  readonly initiator: boolean;
  readonly prologue?: Uint8Array;
  /** Local static key pair, required when the pattern sends or pre-shares it. */
  readonly s?: NoiseKeyPair;
  /** A fixed local ephemeral key pair (test vectors only); otherwise drawn from `random`. */
  readonly e?: NoiseKeyPair;
  /** The remote static public key, required when the pattern pre-shares it. */
  readonly rs?: Uint8Array;
  /** The remote ephemeral public key, for patterns with an `e` pre-message. */
  readonly re?: Uint8Array;
  /** Randomness for the ephemeral key; required unless `e` is given. */
  readonly random?: RandomBytes;
  /** Overrides `Noise_<pattern>_<dh>_<cipher>_<hash>`. */
  readonly protocolName?: string;
}

/** The protocol name of a suite and pattern (Noise §8). */
export function noiseProtocolName(suite: NoiseSuite, pattern: HandshakePattern): string {
  return `Noise_${pattern.name}_${suite.dh.name}_${suite.cipher.name}_${suite.hash.name}`;
}

type Status = 'active' | 'complete' | 'split' | 'failed';

/**
 * Noise rev 34 §5.3 HandshakeState. One object per side; call `writeMessage` and
 * `readMessage` in the pattern's order, then `split()` once. An error while processing a
 * message (truncated or oversized message, bad MAC, bad key) aborts the handshake: every
 * later call throws CryptoError HANDSHAKE. A call out of turn is rejected (HANDSHAKE) without
 * changing the state.
 */
export class HandshakeState {
  readonly protocolName: string;
  readonly initiator: boolean;
  private readonly suite: NoiseSuite;
  private readonly pattern: HandshakePattern;
  private readonly ss: SymmetricState;
  private readonly random: RandomBytes | undefined;
  private s: NoiseKeyPair | undefined;
  private e: NoiseKeyPair | undefined;
  private rs: Uint8Array | undefined;
  private re: Uint8Array | undefined;
  private index = 0;
  private status: Status = 'active';

  constructor(opts: HandshakeOptions) {
    this.suite = opts.suite;
    this.pattern = opts.pattern;
    this.initiator = opts.initiator;
    this.random = opts.random;
    this.protocolName = opts.protocolName ?? noiseProtocolName(opts.suite, opts.pattern);
    this.s = opts.s;
    this.e = opts.e;
    this.rs = opts.rs?.slice();
    this.re = opts.re?.slice();
    this.checkKeys();
    this.ss = new SymmetricState(this.protocolName, opts.suite.cipher, opts.suite.hash);
    this.ss.mixHash(opts.prologue ?? new Uint8Array(0));
    this.mixPreMessages();
  }

  /** The handshake hash `h` so far; after the last message, the channel binding value. */
  get handshakeHash(): Uint8Array {
    return this.ss.handshakeHash;
  }

  /** The chaining key `ck` so far (for tests against published intermediate values). */
  get chainingKey(): Uint8Array {
    return this.ss.chainingKey;
  }

  /** The remote static public key, once known. */
  get remoteStatic(): Uint8Array | undefined {
    return this.rs?.slice();
  }

  get remoteEphemeral(): Uint8Array | undefined {
    return this.re?.slice();
  }

  /** The local ephemeral public key, once generated. */
  get localEphemeral(): Uint8Array | undefined {
    return this.e?.publicKey.slice();
  }

  get isComplete(): boolean {
    return this.status === 'complete' || this.status === 'split';
  }

  /** True when the next call must be `writeMessage`. */
  get isMyTurn(): boolean {
    return this.status === 'active' && this.index % 2 === (this.initiator ? 0 : 1);
  }

  writeMessage(payload: Uint8Array = new Uint8Array(0)): Uint8Array {
    const tokens = this.nextTokens('write');
    return this.guard(() => {
      const parts: Uint8Array[] = [];
      for (const t of tokens) {
        if (t === 'e') {
          this.e ??= this.generateEphemeral();
          parts.push(this.e.publicKey.slice());
          this.ss.mixHash(this.e.publicKey);
        } else if (t === 's') {
          parts.push(this.ss.encryptAndHash(this.localStatic().publicKey));
        } else this.mixDH(t);
      }
      parts.push(this.ss.encryptAndHash(payload));
      const out = concatBytes(...parts);
      if (out.length > NOISE_MAX_MESSAGE_LENGTH) {
        throw handshakeError('handshake message longer than 65535 bytes', { length: out.length });
      }
      this.advance();
      return out;
    });
  }

  /** Processes the peer's message and returns its payload. */
  readMessage(message: Uint8Array): Uint8Array {
    const tokens = this.nextTokens('read');
    return this.guard(() => {
      if (message.length > NOISE_MAX_MESSAGE_LENGTH) {
        throw handshakeError('handshake message longer than 65535 bytes', {
          length: message.length,
        });
      }
      const pubLen = this.suite.dh.pubLen;
      let off = 0;
      const take = (n: number, what: string) => {
        if (message.length - off < n) {
          throw handshakeError(`message truncated: ${what} needs ${n} bytes`, {
            length: message.length,
            offset: off,
          });
        }
        off += n;
        return message.subarray(off - n, off);
      };
      for (const t of tokens) {
        if (t === 'e') {
          this.re = take(pubLen, 'remote ephemeral key').slice();
          this.ss.mixHash(this.re);
        } else if (t === 's') {
          const len = pubLen + (this.ss.hasKey() ? TAG_LENGTH : 0);
          this.rs = this.ss.decryptAndHash(take(len, 'remote static key'));
        } else this.mixDH(t);
      }
      if (this.ss.hasKey() && message.length - off < TAG_LENGTH) {
        throw handshakeError('message truncated: payload shorter than its tag', {
          length: message.length,
        });
      }
      const payload = this.ss.decryptAndHash(message.subarray(off));
      this.advance();
      return payload;
    });
  }

  /**
   * §5.2 Split, once, after the last handshake message: the transport for this side
   * (initiator sends with c1, responder with c2).
   */
  split(): NoiseTransport {
    if (this.status !== 'complete') {
      throw handshakeError(
        this.status === 'split' ? 'split() already called' : 'split() before the handshake ended',
        { status: this.status },
      );
    }
    this.status = 'split';
    const [c1, c2]: [CipherState, CipherState] = this.ss.split();
    const h = this.ss.handshakeHash;
    return this.initiator ? new NoiseTransport(c1, c2, h) : new NoiseTransport(c2, c1, h);
  }

  private nextTokens(op: 'read' | 'write'): readonly NoiseToken[] {
    if (this.status === 'failed') throw handshakeError('handshake was aborted by an earlier error');
    if (this.status !== 'active') throw handshakeError(`${op} after the handshake ended`);
    const writing = this.index % 2 === (this.initiator ? 0 : 1);
    if (writing !== (op === 'write')) {
      throw handshakeError(`${op}Message out of order: expected ${writing ? 'write' : 'read'}`, {
        message: this.index,
      });
    }
    return this.pattern.messages[this.index]!;
  }

  private advance(): void {
    this.index++;
    if (this.index === this.pattern.messages.length) this.status = 'complete';
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      this.status = 'failed';
      if (isKeelError(e)) throw e;
      throw handshakeError(`internal failure: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** §5.3: ee, es, se, ss, with the initiator/responder key choice per token. */
  private mixDH(t: 'ee' | 'es' | 'se' | 'ss'): void {
    const init = this.initiator;
    let local: NoiseKeyPair;
    let remote: Uint8Array | undefined;
    if (t === 'ee') [local, remote] = [this.localEphemeralPair(), this.re];
    else if (t === 'ss') [local, remote] = [this.localStatic(), this.rs];
    else if ((t === 'es') === init) [local, remote] = [this.localEphemeralPair(), this.rs];
    else [local, remote] = [this.localStatic(), this.re];
    if (remote === undefined) throw handshakeError(`token ${t}: remote key unknown`);
    this.ss.mixKey(this.suite.dh.dh(local, remote, init));
  }

  private localStatic(): NoiseKeyPair {
    if (this.s === undefined) throw handshakeError('the pattern needs a local static key');
    return this.s;
  }

  private localEphemeralPair(): NoiseKeyPair {
    if (this.e === undefined) throw handshakeError('the pattern needs a local ephemeral key');
    return this.e;
  }

  private generateEphemeral(): NoiseKeyPair {
    if (this.random === undefined) {
      throw handshakeError('no ephemeral key given and no random source to make one');
    }
    return this.suite.dh.generateKeyPair(this.random);
  }

  private mixPreMessages(): void {
    const { preInitiator, preResponder } = this.pattern;
    const mine = this.initiator ? preInitiator : preResponder;
    const theirs = this.initiator ? preResponder : preInitiator;
    const localKeys = mine.map((t) => (t === 's' ? this.s : this.e)?.publicKey);
    const remoteKeys = theirs.map((t) => (t === 's' ? this.rs : this.re));
    const ordered = this.initiator ? [localKeys, remoteKeys] : [remoteKeys, localKeys];
    for (const key of ordered.flat()) this.ss.mixHash(key!);
  }

  private checkKeys(): void {
    const { dh } = this.suite;
    const p = this.pattern;
    const mine = this.initiator ? p.preInitiator : p.preResponder;
    const theirs = this.initiator ? p.preResponder : p.preInitiator;
    const sends = p.messages.some((m, i) => i % 2 === (this.initiator ? 0 : 1) && m.includes('s'));
    if ((sends || mine.includes('s')) && this.s === undefined) {
      throw handshakeError(`pattern ${p.name} needs a local static key (s)`);
    }
    if (mine.includes('e') && this.e === undefined) {
      throw handshakeError(`pattern ${p.name} needs a pre-shared local ephemeral key (e)`);
    }
    if (theirs.includes('s') && this.rs === undefined) {
      throw handshakeError(`pattern ${p.name} needs the remote static key (rs)`);
    }
    if (theirs.includes('e') && this.re === undefined) {
      throw handshakeError(`pattern ${p.name} needs the remote ephemeral key (re)`);
    }
    for (const [what, key] of [
      ['s', this.s?.publicKey],
      ['e', this.e?.publicKey],
      ['rs', this.rs],
      ['re', this.re],
    ] as const) {
      if (key !== undefined && key.length !== dh.pubLen) {
        throw new CryptoError(
          CryptoErrorCode.INVALID_PUBLIC_KEY,
          `Noise: ${what} public key must be ${dh.pubLen} bytes`,
          { length: key.length },
        );
      }
    }
  }
}

/** Creates one side of a handshake. */
export function createHandshake(opts: HandshakeOptions): HandshakeState {
  return new HandshakeState(opts);
}
