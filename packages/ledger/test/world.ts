import { type ExampleName, exampleWasm } from '@keel/contracts';
import type { LedgerState, Receipt, TxBody } from '../src/index.ts';
import { BLOCK, type Key, ledger, tx } from './helpers.ts';

/** A chain under test: applies one-transaction blocks and tracks nonces. */
export class World {
  state: LedgerState;
  private readonly nonces = new Map<string, bigint>();
  height = 1n;

  constructor(state: LedgerState) {
    this.state = state;
  }

  nonce(k: Key): bigint {
    return this.nonces.get(Buffer.from(k.address).toString('hex')) ?? 0n;
  }

  send(from: Key, body: TxBody, gasLimit = 5_000_000): Receipt {
    const t = tx(from, this.nonce(from), body, gasLimit);
    this.nonces.set(Buffer.from(from.address).toString('hex'), this.nonce(from) + 1n);
    const r = ledger().applyBlock(this.state, [t], { ...BLOCK, height: this.height++ });
    this.state = r.state;
    return r.receipts[0]!;
  }

  async deploy(
    from: Key,
    name: ExampleName,
    initInput: Uint8Array = new Uint8Array(0),
  ): Promise<Uint8Array> {
    const r = this.send(from, { kind: 'deploy', code: await exampleWasm(name), initInput });
    if (r.status !== 'ok') throw new Error(`deploy ${name}: ${r.status} ${r.error?.message}`);
    return r.contractAddress!;
  }

  call(
    from: Key,
    to: Uint8Array,
    method: string,
    input: Uint8Array = new Uint8Array(0),
    gas = 5_000_000,
  ) {
    return this.send(from, { kind: 'call', to, value: 0n, method, input }, gas);
  }

  view(to: Uint8Array, method: string, input: Uint8Array = new Uint8Array(0)) {
    return ledger().callContract(this.state, { to, method, input });
  }
}
