import { testSuite } from '@keel/test-utils';
import { ethRlpSuite } from '../../src/suites/ethRlp.ts';

testSuite(ethRlpSuite);
