import { testSuite } from '@keel/test-utils';
import { bip340Suite } from '../../src/suites/bip340.ts';

testSuite(bip340Suite);
