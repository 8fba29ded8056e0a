import { testSuite } from '@keel/test-utils';
import { chacha20poly1305Suite } from '../../src/suites/chacha20poly1305.ts';

testSuite(chacha20poly1305Suite);
