// CPU sha256d loop for `keel stratum miner` (a worker thread; plain JS so it needs no loader).
// Receives { type: 'work', id, header (80 bytes), target (32 bytes LE), nonceStart, count }
// and posts { type: 'share', id, nonce } for every hash <= target, then { type: 'done', id }.
// Between batches it yields so a newer job or 'stop' replaces the current one at once.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

const BATCH = 4096;
let current = null;
let running = false;

function sha256d(b) {
  return createHash('sha256').update(createHash('sha256').update(b).digest()).digest();
}

/** hash (LE number) <= target (LE bytes): compare from the most significant byte. */
function meets(hash, target) {
  for (let i = 31; i >= 0; i--) {
    if (hash[i] !== target[i]) return hash[i] < target[i];
  }
  return true;
}

function step() {
  const w = current;
  if (w === null) {
    running = false;
    return;
  }
  const view = new DataView(w.header.buffer, w.header.byteOffset, 80);
  const end = Math.min(w.next + BATCH, w.end);
  for (let n = w.next; n < end; n++) {
    view.setUint32(76, n >>> 0, true);
    if (meets(sha256d(w.header), w.target)) {
      parentPort.postMessage({ type: 'share', id: w.id, nonce: n >>> 0 });
    }
  }
  w.hashes += end - w.next;
  w.next = end;
  if (w.next >= w.end) {
    parentPort.postMessage({ type: 'done', id: w.id, hashes: w.hashes });
    current = null;
    running = false;
    return;
  }
  if (w.hashes >= 65536) {
    parentPort.postMessage({ type: 'progress', id: w.id, hashes: w.hashes });
    w.hashes = 0;
  }
  setImmediate(step);
}

parentPort.on('message', (m) => {
  if (m.type === 'stop') {
    current = null;
    return;
  }
  if (m.type === 'target' && current !== null && current.id === m.id) {
    current.target = m.target;
    return;
  }
  if (m.type === 'work') {
    current = {
      id: m.id,
      header: new Uint8Array(m.header),
      target: new Uint8Array(m.target),
      next: m.nonceStart,
      end: m.nonceStart + m.count,
      hashes: 0,
    };
    if (!running) {
      running = true;
      setImmediate(step);
    }
  }
});
