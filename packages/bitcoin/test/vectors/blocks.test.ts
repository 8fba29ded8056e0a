import { testSuite } from '@keel/test-utils';
import { blocksSuite } from '../../src/suites/blocks.ts';

testSuite(blocksSuite);
