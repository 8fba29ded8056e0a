import { bytesToHex } from '@keel/util';
import { type EthReceiptJSON, ethReceiptToJSON } from './evm/json.ts';
import type { Receipt } from './types.ts';

/** A receipt as JSON-safe data (hex strings, decimal amounts) for RPC and CLI output. */
export interface ReceiptJSON {
  txHash: string;
  kind: string;
  status: string;
  gasUsed: number;
  fee: string;
  returnData: string;
  logs: { address: string; topics: string[]; data: string }[];
  contractAddress?: string;
  error?: { code: string; message: string };
  /** Ethereum transactions: the Ethereum receipt (RPC form). */
  eth?: EthReceiptJSON;
}

export function receiptToJSON(r: Receipt): ReceiptJSON {
  return {
    txHash: bytesToHex(r.txHash),
    kind: r.kind,
    status: r.status,
    gasUsed: r.gasUsed,
    fee: r.fee.toString(),
    returnData: bytesToHex(r.returnData),
    logs: r.logs.map((l) => ({
      address: bytesToHex(l.address),
      topics: l.topics.map(bytesToHex),
      data: bytesToHex(l.data),
    })),
    ...(r.contractAddress ? { contractAddress: bytesToHex(r.contractAddress) } : {}),
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
    ...(r.eth ? { eth: ethReceiptToJSON(r.eth) } : {}),
  };
}
