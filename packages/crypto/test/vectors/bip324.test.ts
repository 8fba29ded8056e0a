import { testSuite } from '@keel/test-utils';
import { bip324Suite } from '../../src/suites/bip324.ts';

testSuite(bip324Suite);
