import type { MethodName } from '@keel/api';
import {
  encodeProof,
  getAccount,
  getAccountWithProof,
  getStorageWithProof,
  stateRoot,
  txHash,
} from '@keel/ledger';
import { bytesToHex, hexToBytes } from '@keel/util';
import type { WebSocket } from 'ws';
import { decodePayload } from '../app/payload.ts';
import { ChainNodeError, ChainNodeErrorCode } from '../errors.ts';
import { encodeBlock } from '../net/codec.ts';
import type { ChainNode } from '../node.ts';
import type { RpcHandler } from './server.ts';

/** The JSON-RPC methods of a chain node (params arrive validated by `@keel/api`'s schemas). */
export function createRpcHandlers(node: ChainNode): Partial<Record<MethodName, RpcHandler>> {
  const subs = new Map<string, { ws: WebSocket; topic: string }>();
  let nextSub = 0;
  node.listeners.add((kind, data) => {
    for (const [id, s] of subs) {
      if (s.ws.readyState !== s.ws.OPEN) {
        subs.delete(id);
        continue;
      }
      const wanted = s.topic === 'finality' || s.topic === 'newBlocks';
      if (kind === 'finality' && wanted) {
        s.ws.send(
          JSON.stringify({
            jsonrpc: '2.0',
            method: 'subscription',
            params: { subscription: id, result: data },
          }),
        );
      }
    }
  });
  const notSupported = (what: string) => new ChainNodeError(ChainNodeErrorCode.NOT_SUPPORTED, what);
  const handlers: Partial<
    Record<MethodName, (p: never, ctx: { ws: WebSocket | null }) => unknown>
  > = {
    chain_getBlockByHeight: (p: { height: number; raw?: boolean }) => {
      const b = node.blockJson(p.height);
      if (!b || !p.raw || p.height === 0) return b;
      const block = node.store.block(p.height);
      return block ? { ...b, raw: bytesToHex(encodeBlock(block)) } : b;
    },
    chain_getBlockByHash: (p: { hash: string }) => {
      const h = p.hash === bytesToHex(node.genesisHash) ? 0 : node.store.heightOf(p.hash);
      return h === null ? null : node.blockJson(h);
    },
    chain_getFinalized: () => {
      const h = node.consensus.committedHeight;
      const b = node.blockJson(h)!;
      return { height: h, hash: b.hash, stateRoot: b.stateRoot };
    },
    chain_getTransaction: (p: { hash: string }) => {
      const receipt = node.store.receipt(p.hash);
      if (receipt) {
        const b = node.store.block(receipt.height);
        const raw = b ? findRaw(b.payload, p.hash) : null;
        if (raw) return { raw: bytesToHex(raw), receipt, pending: false };
      }
      const pending = node.mempool.get(p.hash);
      return pending ? { raw: bytesToHex(pending.raw), receipt: null, pending: true } : null;
    },
    chain_getTransactionReceipt: (p: { hash: string }) => node.store.receipt(p.hash),
    chain_sendTransaction: (p: { raw: string }) => {
      const r = node.submitTx(hexToBytes(p.raw));
      return { hash: r.hash, status: r.status };
    },
    state_getAccount: (p: { address: string; proof?: boolean }) => {
      const state = node.app.state;
      const a = getAccount(state, hexToBytes(p.address));
      return {
        address: p.address,
        balance: a.balance.toString(),
        nonce: a.nonce.toString(),
        ...(a.codeHash ? { codeHash: bytesToHex(a.codeHash) } : {}),
        stateRoot: bytesToHex(stateRoot(state)),
        height: node.consensus.committedHeight,
        ...(p.proof
          ? {
              proof: bytesToHex(
                encodeProof(getAccountWithProof(state, hexToBytes(p.address)).proof),
              ),
            }
          : {}),
      };
    },
    state_getStorage: (p: { address: string; key: string }) => {
      const state = node.app.state;
      const v = getStorageWithProof(state, hexToBytes(p.address), hexToBytes(p.key));
      return {
        value: v.value ? bytesToHex(v.value) : null,
        stateRoot: bytesToHex(stateRoot(state)),
        height: node.consensus.committedHeight,
        proof: bytesToHex(encodeProof(v.proof)),
      };
    },
    contract_call: (p: { address: string; method: string; args?: string; gas?: number }) => {
      const r = node.ledger.callContract(node.app.state, {
        to: hexToBytes(p.address),
        method: p.method,
        input: p.args ? hexToBytes(p.args) : new Uint8Array(0),
        ...(p.gas ? { gasLimit: p.gas } : {}),
        block: { height: BigInt(node.consensus.committedHeight), time: BigInt(Date.now()) },
      });
      return {
        status: r.status,
        gasUsed: r.gasUsed,
        returnData: bytesToHex(r.returnData),
        logs: r.logs.map((l) => ({
          address: bytesToHex(l.address),
          topics: l.topics.map(bytesToHex),
          data: bytesToHex(l.data),
        })),
        ...(r.error ? { error: r.error } : {}),
      };
    },
    consensus_getValidators: () =>
      node.o.genesis.file.validators.map((v, index) => ({
        index,
        name: v.name,
        stake: v.stake,
        blsPublicKey: v.blsPublicKey,
      })),
    consensus_getStatus: () => node.status(),
    net_peers: () => {
      const now = Date.now();
      return node.peers.all().map((p) => ({
        id: p.id,
        score: p.score,
        banned: p.bannedUntil > now,
        bannedUntil: p.bannedUntil,
        validator: p.validator,
        connected: p.connected,
        height: p.height,
        latencyMs: p.latencyMs,
      }));
    },
    mempool_status: () => ({
      size: node.mempool.size,
      bytes: node.mempool.sizeBytes,
      senders: node.mempool.senders,
    }),
    admin_setPartitioned: (p: { partitioned: boolean }) => {
      node.network.partitioned = p.partitioned;
      return { partitioned: p.partitioned };
    },
    admin_banPeer: (p: { peer: string }) => {
      node.peers.adjust(p.peer, -200, Date.now());
      return { banned: node.peers.isBanned(p.peer, Date.now()) };
    },
    subscribe: (p: { topic: string }, ctx) => {
      if (!ctx.ws) throw notSupported('subscribe needs a WebSocket connection');
      if (subs.size >= 1000) throw notSupported('too many subscriptions');
      const id = `s${++nextSub}`;
      subs.set(id, { ws: ctx.ws, topic: p.topic });
      return { id };
    },
    unsubscribe: (p: { id: string }) => ({ ok: subs.delete(p.id) }),
  };
  return handlers as Partial<Record<MethodName, RpcHandler>>;
}

function findRaw(payload: Uint8Array, hashHex: string): Uint8Array | null {
  try {
    for (const raw of decodePayload(payload, 100_000).txs) {
      if (bytesToHex(txHash(raw)) === hashHex) return raw;
    }
  } catch {
    return null;
  }
  return null;
}
