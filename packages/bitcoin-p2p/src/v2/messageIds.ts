/**
 * BIP324 message type encoding: the first byte of a packet's contents is a short id (1–28 from
 * BIP324's table), or 0 followed by the 12-byte NUL-padded ASCII command as in v1.
 */
import { concatBytes } from '@keel/util';
import { COMMAND_SIZE, encodeCommand, parseCommand } from '../v1.ts';

/** BIP324 short message ids, index = id (0 means the 12-byte form follows). */
export const V2_SHORT_IDS: readonly string[] = [
  '',
  'addr',
  'block',
  'blocktxn',
  'cmpctblock',
  'feefilter',
  'filteradd',
  'filterclear',
  'filterload',
  'getblocks',
  'getblocktxn',
  'getdata',
  'getheaders',
  'headers',
  'inv',
  'mempool',
  'merkleblock',
  'notfound',
  'ping',
  'pong',
  'sendcmpct',
  'tx',
  'getcfilters',
  'cfilter',
  'getcfheaders',
  'cfheaders',
  'getcfcheckpt',
  'cfcheckpt',
  'addrv2',
];

/** Ids 29–32 are assigned by BIP324 to messages not defined yet: known, but no command. */
const ASSIGNED_IDS = 33;

const ID_OF = new Map(V2_SHORT_IDS.map((c, i) => [c, i] as const).filter(([c]) => c !== ''));

/** contents = message type ‖ payload. */
export function encodeV2Contents(command: string, payload: Uint8Array): Uint8Array {
  const id = ID_OF.get(command);
  if (id !== undefined) return concatBytes(Uint8Array.of(id), payload);
  return concatBytes(Uint8Array.of(0), encodeCommand(command), payload);
}

/**
 * Splits contents into command and payload as Core's V2Transport::GetMessageType does; null
 * when the type is invalid (empty contents, an id above 32, a bad 12-byte command). Ids 29–32
 * give the empty command, which no codec knows (so the message is ignored).
 */
export function decodeV2Contents(
  contents: Uint8Array,
): { command: string; payload: Uint8Array } | null {
  if (contents.length === 0) return null;
  const first = contents[0]!;
  if (first !== 0) {
    if (first >= ASSIGNED_IDS) return null;
    return { command: V2_SHORT_IDS[first] ?? '', payload: contents.subarray(1) };
  }
  if (contents.length < 1 + COMMAND_SIZE) return null;
  const command = parseCommand(contents.subarray(1, 1 + COMMAND_SIZE));
  return command === null ? null : { command, payload: contents.subarray(1 + COMMAND_SIZE) };
}
