import { testSuite } from '@keel/test-utils';
import { blsSuite } from '../../src/suites/bls.ts';

testSuite(blsSuite);
