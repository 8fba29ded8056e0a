import { testSuite } from '@keel/test-utils';
import { ecvrfSuite } from '../../src/suites/ecvrf.ts';

testSuite(ecvrfSuite);
