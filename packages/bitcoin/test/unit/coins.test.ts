import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MemoryCoinView, outpointKey } from '../../src/consensus/coins.ts';

it('MemoryCoinView.entries gives back the outpoints that were added (regression: txids were garbled)', () => {
  const view = new MemoryCoinView();
  const txid = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 200) & 0xff);
  const coin = { value: 5n, scriptPubKey: Uint8Array.of(0x51), height: 7, coinbase: false };
  view.add({ txid, vout: 12345 }, coin, false);
  assert.deepEqual([...view.entries()], [[outpointKey({ txid, vout: 12345 }), coin]]);
});
