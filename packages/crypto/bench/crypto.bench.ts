import type { BenchMain } from '@keel/util';
import { benchBls } from './bls.ts';
import { benchEcvrf } from './ecvrf.ts';
import { benchEd25519 } from './ed25519.ts';
import { benchHashes } from './hashes.ts';
import { benchKzg } from './kzg.ts';
import { benchSecp256k1 } from './secp256k1.ts';
import { benchSiphash } from './siphash.ts';
// one import per area (keep this list in the same order as the calls below)

/** `keel bench crypto`: every area of @keel/crypto, per backend, with ratios in the same run. */
export const main: BenchMain = async (h) => {
  benchHashes(h);
  await benchBls(h);
  benchSiphash(h);
  benchEd25519(h);
  benchEcvrf(h);
  await benchSecp256k1(h);
  await benchKzg(h);
  // one call per area
};
