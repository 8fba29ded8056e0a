import { testSuite } from '@keel/test-utils';
import { ethTrieSuite } from '../../src/suites/ethTrie.ts';

testSuite(ethTrieSuite);
