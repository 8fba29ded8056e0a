import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ed25519, nobleBls } from '@keel/crypto';
import {
  createGenesisState,
  createLedger,
  exportSnapshot,
  importSnapshot,
  type Ledger,
  type LedgerState,
} from '@keel/ledger';
import { BufferReader, BufferWriter, equalBytes, isKeelError, utf8ToBytes } from '@keel/util';
import { CliError } from '../../errors.ts';

/**
 * A local contract sandbox in a directory: one file, `state.keel`, holding the ledger state
 * (a snapshot), the block height and the seed of a funded developer account that signs every
 * deploy and call. Written atomically (temp file, fsync, rename, fsync of the directory), so a
 * crash leaves either the old or the new state, never a torn one.
 *
 * File: `"KEELDEV1" ‖ u64 height ‖ 32-byte dev seed ‖ u32 chunk count ‖ (u32 len ‖ chunk)*`.
 */
export const STATE_FILE = 'state.keel';
const MAGIC = utf8ToBytes('KEELDEV1');
export const LOCAL_CHAIN_ID = 'keel-local';
const DEV_FUNDS = 10n ** 24n;

export interface LocalState {
  readonly dir: string;
  readonly ledger: Ledger;
  state: LedgerState;
  height: bigint;
  readonly seed: Uint8Array;
  readonly address: Uint8Array;
}

function genesis(ledger: Ledger, seed: Uint8Array): LedgerState {
  const address = ed25519.getPublicKey(seed);
  // a throwaway validator: the sandbox has no consensus, but a ledger state always has one
  let sk = randomBytes(32);
  sk[0]! &= 0x3f; // below the BLS12-381 group order
  if (sk.every((b) => b === 0)) sk = Buffer.from([1, ...new Uint8Array(31)]);
  const validatorSeed = randomBytes(32);
  return createGenesisState(ledger, {
    chainId: LOCAL_CHAIN_ID,
    balances: [{ address, amount: DEV_FUNDS }],
    validators: [
      {
        address: ed25519.getPublicKey(validatorSeed),
        stake: ledger.params.minStake,
        blsPublicKey: nobleBls.secretKeyToPublicKey(sk),
        blsPop: nobleBls.popProve(sk),
        vrfPublicKey: ed25519.getPublicKey(validatorSeed),
      },
    ],
  }).state;
}

/** Opens the sandbox in `dir`, creating it (and the directory) on first use when `create`. */
export function openLocalState(dir: string, opts: { create?: boolean } = {}): LocalState {
  const ledger = createLedger();
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) {
    if (!opts.create)
      throw new CliError(`${dir} holds no contract state yet (keel contract deploy creates it)`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new CliError(`cannot create state directory ${dir}: ${(e as Error).message}`);
    }
    const seed = new Uint8Array(randomBytes(32));
    const s: LocalState = {
      dir,
      ledger,
      state: genesis(ledger, seed),
      height: 0n,
      seed,
      address: ed25519.getPublicKey(seed),
    };
    saveLocalState(s);
    return s;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    const r = new BufferReader(bytes);
    if (!equalBytes(r.bytes(8, 'magic'), MAGIC))
      throw new CliError(`${path} is not a keel state file`);
    const height = r.u64le();
    const seed = r.copyBytes(32, 'seed');
    const n = r.u32le();
    if (n === 0 || n > 1 << 16) throw new CliError(`${path}: bad chunk count ${n}`);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < n; i++) chunks.push(r.bytes(r.u32le(), 'chunk'));
    r.assertEnd('state file');
    const state = importSnapshot(chunks);
    return { dir, ledger, state, height, seed, address: ed25519.getPublicKey(seed) };
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (isKeelError(e)) throw new CliError(`${path} is corrupt: ${e.message}`);
    throw e;
  }
}

/** Writes the sandbox atomically. */
export function saveLocalState(s: LocalState): void {
  const chunks = exportSnapshot(s.state, 64 << 20);
  const w = new BufferWriter(1024);
  w.bytes(MAGIC).u64le(s.height).bytes(s.seed).u32le(chunks.length);
  for (const c of chunks) w.u32le(c.length).bytes(c);
  const data = w.finish();
  const path = join(s.dir, STATE_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const dfd = openSync(s.dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Runs `fn` holding `DIR/LOCK` (one writer at a time; a lock left by a dead process is taken over). */
export async function withLock<T>(dir: string, fn: () => Promise<T> | T): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'LOCK');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (!isAlive(pid)) {
        try {
          unlinkSync(lock);
        } catch {
          // someone else took it over
        }
        continue;
      }
      if (Date.now() > deadline)
        throw new CliError(`${dir} is locked by process ${pid} (remove ${lock} if it is gone)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    unlinkSync(lock);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The next block's context: height + 1, wall-clock time. */
export function nextBlock(s: LocalState): { height: bigint; time: bigint } {
  s.height += 1n;
  return { height: s.height, time: BigInt(Date.now()) };
}

export function parseHexArg(flag: string, v: string | undefined): Uint8Array {
  if (v === undefined || v === '') return new Uint8Array(0);
  const hex = v.startsWith('0x') ? v.slice(2) : v;
  if (!/^([0-9a-fA-F]{2})*$/.test(hex))
    throw new CliError(`${flag} must be hex bytes (got "${v}")`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function parseAddress(v: string): Uint8Array {
  const hex = v.startsWith('0x') ? v.slice(2) : v;
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new CliError(`ADDRESS must be 32 bytes of hex, 64 characters (got "${v}")`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
