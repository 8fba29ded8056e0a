import { testSuite } from '@keel/test-utils';
import { kzgSuite } from '../../src/suites/kzg.ts';

testSuite(kzgSuite);
