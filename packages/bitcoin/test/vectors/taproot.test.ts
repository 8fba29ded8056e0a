import { testSuite } from '@keel/test-utils';
import { taprootSuite } from '../../src/suites/taproot.ts';

testSuite(taprootSuite);
