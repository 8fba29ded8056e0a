import { testSuite } from '@keel/test-utils';
import { noiseSuite } from '../../src/suites/noise.ts';

testSuite(noiseSuite);
