import { testSuite } from '@keel/test-utils';
import { bip152Suite } from '../../src/suites/bip152.ts';

testSuite(bip152Suite);
