import { concatBytes, hexToBytes, reverseBytes, utf8ToBytes } from '@keel/util';
import type { Block } from '../primitives/block.ts';
import { computeMerkleRoot } from '../primitives/merkle.ts';
import { txid } from '../primitives/transaction.ts';

/**
 * Consensus parameters per network. These are public facts of each chain (genesis block,
 * activation heights, proof-of-work limits), written down as data.
 */
export type NetworkName = 'main' | 'test' | 'testnet4' | 'signet' | 'regtest';

/** Script-flag names a historical exception block is validated with instead of the default. */
export type ExceptionFlag = 'P2SH' | 'WITNESS' | 'TAPROOT';

export interface ConsensusParams {
  readonly network: NetworkName;
  /** The 4 network magic bytes (p2p message start and blk*.dat record marker). */
  readonly magic: Uint8Array;
  readonly genesis: Block;
  /** Genesis block hash, internal byte order. */
  readonly genesisHash: Uint8Array;
  readonly subsidyHalvingInterval: number;
  /** Height from which the coinbase must start with the height (BIP34) and version >= 2. */
  readonly bip34Height: number;
  /** Hash (internal order) of the block at bip34Height; zero-length when unused. */
  readonly bip34Hash: Uint8Array;
  /** OP_CHECKLOCKTIMEVERIFY (BIP65), version >= 4. */
  readonly bip65Height: number;
  /** Strict DER (BIP66), version >= 3. */
  readonly bip66Height: number;
  /** BIP68/112/113 (CSV). */
  readonly csvHeight: number;
  /** BIP141/143/147 (segwit). */
  readonly segwitHeight: number;
  /**
   * Height at which taproot (BIP341/342) activated by deployment, where it is on record.
   * Informational: like Core, block script flags include TAPROOT for every block except the
   * listed exception blocks.
   */
  readonly taprootHeight: number | undefined;
  /** Highest target allowed, as a 256-bit integer. */
  readonly powLimit: bigint;
  readonly powTargetSpacing: number;
  readonly powTargetTimespan: number;
  /** testnet3/testnet4: a block more than 2×spacing after its parent may use powLimit. */
  readonly powAllowMinDifficultyBlocks: boolean;
  /** regtest: difficulty never changes. */
  readonly powNoRetargeting: boolean;
  /** testnet4 (BIP94): retarget from the period's first block, and the time-warp rule. */
  readonly enforceBIP94: boolean;
  /** Blocks validated with exactly these script flags (Core's script_flag_exceptions). */
  readonly scriptFlagExceptions: ReadonlyArray<{
    hash: Uint8Array;
    flags: readonly ExceptionFlag[];
  }>;
  /** Blocks exempt from BIP30 (mainnet's duplicate-coinbase pairs), by height and hash. */
  readonly bip30Exceptions: ReadonlyArray<{ height: number; hash: Uint8Array }>;
  /** signet: blocks also carry a BIP325 solution for this challenge (not checked here). */
  readonly signetChallenge?: Uint8Array;
}

/** Display-order (RPC) hex to internal byte order. */
export function hashFromHex(hex: string): Uint8Array {
  return reverseBytes(hexToBytes(hex));
}

/** Core's CScript push of a data element (direct push below 0x4c, else OP_PUSHDATA1). */
function pushData(data: Uint8Array): Uint8Array {
  const prefix = data.length < 0x4c ? [data.length] : [0x4c, data.length];
  return concatBytes(Uint8Array.from(prefix), data);
}

const SATOSHI_TIMESTAMP = 'The Times 03/Jan/2009 Chancellor on brink of second bailout for banks';
const SATOSHI_PUBKEY =
  '04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f';

/**
 * A genesis block: one coinbase whose scriptSig pushes 486604799 (0x1d00ffff), 4 and the
 * timestamp message, paying `reward` to `outputScript`.
 */
export function createGenesisBlock(opts: {
  message: string;
  outputScript: Uint8Array;
  time: number;
  nonce: number;
  bits: number;
  version: number;
  reward: bigint;
}): Block {
  const scriptSig = concatBytes(
    pushData(Uint8Array.of(0xff, 0xff, 0x00, 0x1d)),
    pushData(Uint8Array.of(4)),
    pushData(utf8ToBytes(opts.message)),
  );
  const coinbase = {
    version: 1,
    inputs: [
      {
        prevout: { txid: new Uint8Array(32), vout: 0xffffffff },
        scriptSig,
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: opts.reward, scriptPubKey: opts.outputScript }],
    locktime: 0,
  };
  return {
    header: {
      version: opts.version,
      prevBlock: new Uint8Array(32),
      merkleRoot: computeMerkleRoot([txid(coinbase)]).root,
      time: opts.time,
      bits: opts.bits,
      nonce: opts.nonce,
    },
    txs: [coinbase],
  };
}

const COIN = 100_000_000n;
const p2pk = (pubHex: string) => concatBytes(pushData(hexToBytes(pubHex)), Uint8Array.of(0xac));
const satoshiGenesis = (time: number, nonce: number, bits: number) =>
  createGenesisBlock({
    message: SATOSHI_TIMESTAMP,
    outputScript: p2pk(SATOSHI_PUBKEY),
    time,
    nonce,
    bits,
    version: 1,
    reward: 50n * COIN,
  });

const TWO_WEEKS = 14 * 24 * 60 * 60;
const POW_LIMIT_MAIN = (1n << 224n) - 1n; // 00000000ffff…ff

function withGenesisHash(p: Omit<ConsensusParams, 'genesisHash'>, hashHex: string) {
  return { ...p, genesisHash: hashFromHex(hashHex) } as ConsensusParams;
}

const mainParams = withGenesisHash(
  {
    network: 'main',
    magic: hexToBytes('f9beb4d9'),
    genesis: satoshiGenesis(1231006505, 2083236893, 0x1d00ffff),
    subsidyHalvingInterval: 210_000,
    bip34Height: 227_931,
    bip34Hash: hashFromHex('000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8'),
    bip65Height: 388_381,
    bip66Height: 363_725,
    csvHeight: 419_328,
    segwitHeight: 481_824,
    taprootHeight: 709_632,
    powLimit: POW_LIMIT_MAIN,
    powTargetSpacing: 600,
    powTargetTimespan: TWO_WEEKS,
    powAllowMinDifficultyBlocks: false,
    powNoRetargeting: false,
    enforceBIP94: false,
    scriptFlagExceptions: [
      // BIP16 exception: the one block that broke P2SH rules before the rule was enforced
      {
        hash: hashFromHex('00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22'),
        flags: [],
      },
      // Taproot exception: a block spending a v1 output in a way taproot rules reject
      {
        hash: hashFromHex('0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad'),
        flags: ['P2SH', 'WITNESS'],
      },
    ],
    bip30Exceptions: [
      {
        height: 91_842,
        hash: hashFromHex('00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec'),
      },
      {
        height: 91_880,
        hash: hashFromHex('00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721'),
      },
    ],
  },
  '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
);

const testParams = withGenesisHash(
  {
    network: 'test',
    magic: hexToBytes('0b110907'),
    genesis: satoshiGenesis(1296688602, 414098458, 0x1d00ffff),
    subsidyHalvingInterval: 210_000,
    bip34Height: 21_111,
    bip34Hash: hashFromHex('0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8'),
    bip65Height: 581_885,
    bip66Height: 330_776,
    csvHeight: 770_112,
    segwitHeight: 834_624,
    taprootHeight: undefined, // BIP9 deployment; height not recorded here
    powLimit: POW_LIMIT_MAIN,
    powTargetSpacing: 600,
    powTargetTimespan: TWO_WEEKS,
    powAllowMinDifficultyBlocks: true,
    powNoRetargeting: false,
    enforceBIP94: false,
    scriptFlagExceptions: [
      {
        hash: hashFromHex('00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105'),
        flags: [],
      },
    ],
    bip30Exceptions: [],
  },
  '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
);

const testnet4Params = withGenesisHash(
  {
    network: 'testnet4',
    magic: hexToBytes('1c163f28'),
    genesis: createGenesisBlock({
      message: '03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e',
      outputScript: p2pk('00'.repeat(33)),
      time: 1714777860,
      nonce: 393743547,
      bits: 0x1d00ffff,
      version: 1,
      reward: 50n * COIN,
    }),
    subsidyHalvingInterval: 210_000,
    bip34Height: 1,
    bip34Hash: new Uint8Array(0),
    bip65Height: 1,
    bip66Height: 1,
    csvHeight: 1,
    segwitHeight: 1,
    taprootHeight: 0,
    powLimit: POW_LIMIT_MAIN,
    powTargetSpacing: 600,
    powTargetTimespan: TWO_WEEKS,
    powAllowMinDifficultyBlocks: true,
    powNoRetargeting: false,
    enforceBIP94: true,
    scriptFlagExceptions: [],
    bip30Exceptions: [],
  },
  '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
);

const SIGNET_CHALLENGE = hexToBytes(
  '512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae',
);

const signetParams = withGenesisHash(
  {
    network: 'signet',
    // sha256d(CompactSize(len) ‖ challenge)[0..4] for the default challenge
    magic: hexToBytes('0a03cf40'),
    genesis: satoshiGenesis(1598918400, 52613770, 0x1e0377ae),
    subsidyHalvingInterval: 210_000,
    bip34Height: 1,
    bip34Hash: new Uint8Array(0),
    bip65Height: 1,
    bip66Height: 1,
    csvHeight: 1,
    segwitHeight: 1,
    taprootHeight: 0,
    powLimit: 0x377aen << 216n, // 00000377ae00…00
    powTargetSpacing: 600,
    powTargetTimespan: TWO_WEEKS,
    powAllowMinDifficultyBlocks: false,
    powNoRetargeting: false,
    enforceBIP94: false,
    scriptFlagExceptions: [],
    bip30Exceptions: [],
    signetChallenge: SIGNET_CHALLENGE,
  },
  '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
);

const regtestParams = withGenesisHash(
  {
    network: 'regtest',
    magic: hexToBytes('fabfb5da'),
    genesis: satoshiGenesis(1296688602, 2, 0x207fffff),
    subsidyHalvingInterval: 150,
    bip34Height: 1,
    bip34Hash: new Uint8Array(0),
    bip65Height: 1,
    bip66Height: 1,
    csvHeight: 1,
    segwitHeight: 0,
    taprootHeight: 0,
    powLimit: (1n << 255n) - 1n, // 7fff…ff
    powTargetSpacing: 600,
    powTargetTimespan: TWO_WEEKS,
    powAllowMinDifficultyBlocks: true,
    powNoRetargeting: true,
    enforceBIP94: false,
    scriptFlagExceptions: [],
    bip30Exceptions: [],
  },
  '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
);

/** The parameters of every network keel knows, by name. */
export const networks: Readonly<Record<NetworkName, ConsensusParams>> = {
  main: mainParams,
  test: testParams,
  testnet4: testnet4Params,
  signet: signetParams,
  regtest: regtestParams,
};

export function isNetworkName(s: string): s is NetworkName {
  return Object.hasOwn(networks, s);
}

/** Blocks per difficulty period (2016 on every network). */
export function difficultyAdjustmentInterval(p: ConsensusParams): number {
  return p.powTargetTimespan / p.powTargetSpacing;
}
