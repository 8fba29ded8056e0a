/** Gas schedule at Shanghai/Cancun (Yellow Paper appendix G, EIP-2929, EIP-3529, EIP-3860). */
export const G = {
  zero: 0,
  base: 2,
  veryLow: 3,
  low: 5,
  mid: 8,
  high: 10,
  jumpdest: 1,
  warmAccess: 100,
  coldAccountAccess: 2600,
  coldSload: 2100,
  sstoreSet: 20000,
  sstoreReset: 5000,
  sstoreClearRefund: 4800,
  callStipend: 2300,
  callValue: 9000,
  newAccount: 25000,
  selfdestruct: 5000,
  create: 32000,
  codeDeposit: 200,
  memory: 3,
  copyWord: 3,
  keccak: 30,
  keccakWord: 6,
  log: 375,
  logTopic: 375,
  logData: 8,
  expByte: 50,
  blockhash: 20,
  initcodeWord: 2,
  tx: 21000,
  txCreate: 32000,
  txDataZero: 4,
  txDataNonZero: 16,
  accessListAddress: 2400,
  accessListStorageKey: 1900,
} as const;

/** Largest memory the VM will grow to (2 GiB; beyond this the expansion alone costs > 2^42 gas). */
export const MAX_MEMORY = 2 ** 31;

/** Total cost of `words` 32-byte words of memory (exact for words <= 2^26). */
export function memoryCost(words: number): number {
  return G.memory * words + Math.floor((words * words) / 512);
}

/** EIP-150: all but one 64th. */
export function allButOne64th(gas: bigint): bigint {
  return gas - gas / 64n;
}

export function words(bytes: number): number {
  return Math.ceil(bytes / 32);
}
