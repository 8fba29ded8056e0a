import { testSuite } from '@keel/test-utils';
import { bip324TransportSuite } from '../../src/suites/bip324Transport.ts';

testSuite(bip324TransportSuite);
