/** Types for scripts/bcoin.mjs (a plain Node script shared with other packages). */
export declare const BCOIN_COMMIT: string;
export declare function bcoinSource(): string | null;
export declare function bcoinCacheDir(): string;
export declare function findBcoin(): string | null;
export declare function ensureBcoin(opts?: { log?: (m: string) => void }): string;
export declare function bcoinNativeBuilt(dir: string): boolean;
