export const ROLLUP_NODE_VERSION = '0.1.0';
