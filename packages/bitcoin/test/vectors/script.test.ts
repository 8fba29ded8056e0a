import { testSuite } from '@keel/test-utils';
import { scriptSuite } from '../../src/suites/script.ts';

testSuite(scriptSuite);
