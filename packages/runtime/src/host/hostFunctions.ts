import { blake2b256, keccak256, sha256 } from '@keel/crypto';
import { ExecutionError, RuntimeErrorCode } from '../errors.ts';
import type { ExecutionLimits, GasCosts } from '../options.ts';
import type { RuntimeState } from '../state/runtimeState.ts';
import { type Address, type BlockContext, TOPIC_BYTES, type Verifiers } from '../types.ts';
import type { WasmImports } from '../wasm/engine.ts';
import { checkLength, type Frame } from './frame.ts';
import { CallStatus, HOST_MODULE } from './hostApi.ts';

/** What host functions need from the runtime executing them. */
export interface HostContext {
  readonly state: RuntimeState;
  readonly block: BlockContext;
  readonly costs: GasCosts;
  readonly limits: ExecutionLimits;
  readonly verifiers: Verifiers;
  /** Runs a nested call with exactly `gas`; returns its status, unused gas and output. */
  callContract(
    caller: Frame,
    to: Address,
    method: string,
    value: bigint,
    input: Uint8Array,
    gas: bigint,
  ): { status: number; gasLeft: bigint; output: Uint8Array };
}

type HostFn = (...args: never[]) => unknown;
type Factory = (f: Frame, c: HostContext) => HostFn;

const words = (n: number) => Math.ceil(n / 32);
const lossyUtf8 = new TextDecoder('utf-8');

function storageRead(transient: boolean): Factory {
  return (f, c) => (kp: number, kl: number, dst: number, cap: number) => {
    const klen = checkLength(kl, c.limits.maxKeyBytes, 'key');
    f.charge(
      c.costs.hostCall +
        (transient ? c.costs.transientRead : c.costs.storageRead) +
        c.costs.hostByte * klen,
    );
    const key = f.read(kp, klen, 'key');
    const v = transient ? c.state.getTransient(f.address, key) : c.state.getStorage(f.address, key);
    if (v === undefined) return -1;
    const n = Math.min(v.length, cap >>> 0);
    f.charge(c.costs.hostByte * n);
    f.write(dst, v.subarray(0, n), 'value destination');
    return v.length;
  };
}

function storageWrite(transient: boolean): Factory {
  return (f, c) => (kp: number, kl: number, vp: number, vl: number) => {
    const klen = checkLength(kl, c.limits.maxKeyBytes, 'key');
    const vlen = checkLength(vl, c.limits.maxDataBytes, 'value');
    f.charge(
      c.costs.hostCall +
        (transient
          ? c.costs.transientWrite + c.costs.hostByte * (klen + vlen)
          : c.costs.storageWrite + c.costs.storageWriteByte * (klen + vlen)),
    );
    const key = f.read(kp, klen, 'key');
    const value = f.read(vp, vlen, 'value');
    if (transient) c.state.setTransient(f.address, key, value);
    else c.state.setStorage(f.address, key, value);
  };
}

function hashFn(h: (b: Uint8Array) => Uint8Array): Factory {
  return (f, c) => (p: number, l: number, out: number) => {
    const len = l >>> 0;
    f.charge(c.costs.hostCall + c.costs.hash + c.costs.hashWord * words(len));
    f.write(out, h(f.read(p, len, 'hash input')), 'digest destination');
  };
}

function verify(which: 'ed25519' | 'secp256k1'): Factory {
  return (f, c) =>
    (...args: number[]) => {
      const v = c.verifiers[which];
      const ed = which === 'ed25519';
      const msgLen = ed ? args[2]! >>> 0 : 32;
      f.charge(
        c.costs.hostCall +
          (ed ? c.costs.ed25519Verify : c.costs.secp256k1Verify) +
          c.costs.hashWord * words(msgLen),
      );
      if (!v)
        throw new ExecutionError(
          RuntimeErrorCode.HOST_ARGUMENT,
          `${which} verification is not configured on this node`,
        );
      const pk = f.read(args[0]!, ed ? 32 : 33, 'public key');
      const msg = f.read(args[1]!, msgLen, 'message');
      const sig = f.read(args[ed ? 3 : 2]!, 64, 'signature');
      try {
        return v.verify(pk, msg, sig) ? 1 : 0;
      } catch {
        return 0; // a malformed key or signature is just an invalid signature
      }
    };
}

const FACTORIES: Readonly<Record<string, Factory>> = {
  input_size: (f, c) => () => {
    f.charge(c.costs.hostCall);
    return f.input.length;
  },
  input_read: (f, c) => (dst: number, off: number, len: number) => {
    const o = off >>> 0;
    const n = len >>> 0;
    f.charge(c.costs.hostCall + c.costs.hostByte * n);
    if (o + n > f.input.length) {
      throw new ExecutionError(
        RuntimeErrorCode.HOST_ARGUMENT,
        `input_read: [${o}, ${o + n}) is outside the ${f.input.length}-byte input`,
      );
    }
    f.write(dst, f.input.subarray(o, o + n), 'input destination');
  },
  return_data: (f, c) => (p: number, l: number) => {
    const n = checkLength(l, c.limits.maxDataBytes, 'return data');
    f.charge(c.costs.hostCall + c.costs.hostByte * n);
    f.output = f.read(p, n, 'return data');
  },
  revert: (f, c) => (p: number, l: number) => {
    const n = checkLength(l, c.limits.maxDataBytes, 'revert data');
    f.charge(c.costs.hostCall + c.costs.hostByte * n);
    f.output = f.read(p, n, 'revert data');
    throw new ExecutionError(RuntimeErrorCode.REVERT, 'reverted by the contract');
  },
  abort: (f, c) => (p: number, l: number) => {
    const n = checkLength(l, 1024, 'abort message');
    f.charge(c.costs.hostCall + c.costs.hostByte * n);
    const msg = lossyUtf8.decode(f.read(p, n, 'abort message'));
    throw new ExecutionError(RuntimeErrorCode.ABORT, `aborted: ${msg}`);
  },
  storage_read: storageRead(false),
  storage_write: storageWrite(false),
  storage_remove: (f, c) => (kp: number, kl: number) => {
    const klen = checkLength(kl, c.limits.maxKeyBytes, 'key');
    f.charge(c.costs.hostCall + c.costs.storageRemove + c.costs.hostByte * klen);
    c.state.setStorage(f.address, f.read(kp, klen, 'key'), undefined);
  },
  tload: storageRead(true),
  tstore: storageWrite(true),
  balance: (f, c) => (ap: number, out: number) => {
    f.charge(c.costs.hostCall + c.costs.balance);
    f.writeAmount(out, c.state.getBalance(f.readAddress(ap, 'address')), 'balance destination');
  },
  transfer: (f, c) => (tp: number, ap: number) => {
    f.charge(c.costs.hostCall + c.costs.transfer);
    const to = f.readAddress(tp, 'recipient');
    const amount = f.readAmount(ap, 'amount');
    return c.state.transfer(f.address, to, amount) ? 0 : 1;
  },
  caller: (f, c) => (out: number) => {
    f.charge(c.costs.hostCall);
    f.write(out, f.caller, 'caller destination');
  },
  self_address: (f, c) => (out: number) => {
    f.charge(c.costs.hostCall);
    f.write(out, f.address, 'address destination');
  },
  value: (f, c) => (out: number) => {
    f.charge(c.costs.hostCall);
    f.writeAmount(out, f.value, 'value destination');
  },
  block_height: (f, c) => () => {
    f.charge(c.costs.hostCall);
    return c.block.height;
  },
  block_time: (f, c) => () => {
    f.charge(c.costs.hostCall);
    return c.block.time;
  },
  gas_left: (f, c) => () => {
    f.charge(c.costs.hostCall);
    return f.gasLeft();
  },
  emit_log: (f, c) => (tp: number, tc: number, dp: number, dl: number) => {
    const count = checkLength(tc, c.limits.maxLogTopics, 'log topics');
    const len = checkLength(dl, c.limits.maxDataBytes, 'log data');
    f.charge(c.costs.hostCall + c.costs.log + c.costs.logTopic * count + c.costs.logByte * len);
    const raw = f.read(tp, count * TOPIC_BYTES, 'log topics');
    const topics: Uint8Array[] = [];
    for (let i = 0; i < count; i++)
      topics.push(raw.subarray(i * TOPIC_BYTES, (i + 1) * TOPIC_BYTES));
    c.state.emitLog({ address: f.address, topics, data: f.read(dp, len, 'log data') });
  },
  sha256: hashFn(sha256),
  keccak256: hashFn(keccak256),
  blake2b: hashFn(blake2b256),
  ed25519_verify: verify('ed25519'),
  secp256k1_verify: verify('secp256k1'),
  call:
    (f, c) =>
    (ap: number, mp: number, ml: number, vp: number, ip: number, il: number, gas: bigint) => {
      const len = checkLength(il, c.limits.maxDataBytes, 'call input');
      const mlen = checkLength(ml, 256, 'method name');
      f.charge(c.costs.hostCall + c.costs.contractCall + c.costs.hostByte * (len + mlen));
      const to = f.readAddress(ap, 'callee address');
      const method = lossyUtf8.decode(f.read(mp, mlen, 'method name'));
      const value = f.readAmount(vp, 'call value');
      const input = f.read(ip, len, 'call input');
      f.lastCallOutput = new Uint8Array(0);
      if (f.depth >= c.limits.maxCallDepth) return CallStatus.DEPTH_EXCEEDED;
      // EIP-150: the caller keeps at least 1/64 of what it has; 0 (or more than allowed) forwards all
      const left = f.gasLeft();
      const allowed = left - left / 64n;
      const want = BigInt.asUintN(64, gas);
      const forward = want === 0n || want > allowed ? allowed : want;
      f.gas!.value = left - forward;
      const r = c.callContract(f, to, method, value, input, forward);
      f.gas!.value = (f.gas!.value as bigint) + r.gasLeft;
      f.lastCallOutput = r.output;
      return r.status;
    },
  call_output_size: (f, c) => () => {
    f.charge(c.costs.hostCall);
    return f.lastCallOutput.length;
  },
  call_output_read: (f, c) => (dst: number, off: number, len: number) => {
    const o = off >>> 0;
    const n = len >>> 0;
    f.charge(c.costs.hostCall + c.costs.hostByte * n);
    if (o + n > f.lastCallOutput.length) {
      throw new ExecutionError(
        RuntimeErrorCode.HOST_ARGUMENT,
        `call_output_read: [${o}, ${o + n}) is outside the ${f.lastCallOutput.length}-byte output`,
      );
    }
    f.write(dst, f.lastCallOutput.subarray(o, o + n), 'call output destination');
  },
};

/** The import object for one instance: only the host functions the module imports. */
export function createHostImports(
  frame: Frame,
  ctx: HostContext,
  names: readonly string[],
): WasmImports {
  const env: Record<string, HostFn> = {};
  for (const n of names) env[n] = FACTORIES[n]!(frame, ctx);
  return { [HOST_MODULE]: env };
}

export const HOST_FUNCTION_NAMES: readonly string[] = Object.keys(FACTORIES);
