import { testSuite } from '@keel/test-utils';
import { minisketchSuite } from '../../src/suites/minisketch.ts';

testSuite(minisketchSuite);
