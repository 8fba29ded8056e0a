import { testSuite } from '@keel/test-utils';
import { verkleSuite } from '../../src/suites/verkle.ts';

testSuite(verkleSuite);
