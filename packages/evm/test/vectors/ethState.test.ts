import { testSuite } from '@keel/test-utils';
import { createEthStateSuite, ETH_STATE_SLOW } from '../../src/suites/ethState.ts';

// The suite of `keel conformance eth-state`, minus the few cases that take seconds each
// (ETH_STATE_SLOW, skipped with their reason; KEEL_ETH_STATE_FULL=1 runs them too).
// While developing, KEEL_ETH_STATE_ONLY=<folder under GeneralStateTests>[,<folder>…] (e.g.
// stSStoreTest or Pyspecs/cancun/eip1153_tstore) runs just those; the count follows the files.
const only = process.env.KEEL_ETH_STATE_ONLY?.split(',').filter((s) => s !== '');
const full = process.env.KEEL_ETH_STATE_FULL === '1';
testSuite(
  createEthStateSuite({
    ...(only?.length ? { only } : {}),
    ...(full ? {} : { skip: ETH_STATE_SLOW }),
  }),
);
