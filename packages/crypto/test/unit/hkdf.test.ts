import { testSuite } from '@keel/test-utils';
import { hkdfSuite } from '../../src/suites/hkdf.ts';

testSuite(hkdfSuite);
