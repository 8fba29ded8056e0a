#!/usr/bin/env node
// The built bcoin copy for the interop tests: the one @keel/bitcoin's scripts/bcoin.mjs builds and
// caches (copied from ../shared/peers/bcoin, `npm rebuild` once, kept in $KEEL_CACHE or
// ~/.cache/keel). Prints the built copy's path.
//   node packages/bitcoin-node/scripts/build-bcoin.mjs
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BCOIN_COMMIT, bcoinSource, ensureBcoin as build } from '../../bitcoin/scripts/bcoin.mjs';

export { BCOIN_COMMIT, bcoinSource };

/** Path of the built copy, building it on first use; undefined when the shared source is absent. */
export function ensureBcoin({ log = () => {} } = {}) {
  if (!bcoinSource()) return undefined;
  return build({ log });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const p = ensureBcoin({ log: (m) => process.stderr.write(`${m}\n`) });
  if (!p) {
    process.stderr.write('bcoin not found (../shared/peers/bcoin or KEEL_BCOIN_SRC)\n');
    process.exit(1);
  }
  process.stdout.write(`${p}\n`);
}
