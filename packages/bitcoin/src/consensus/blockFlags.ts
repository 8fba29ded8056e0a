import { equalBytes } from '@keel/util';
import { ScriptFlags } from '../script/flags.ts';
import type { ConsensusParams } from './params.ts';

/**
 * Core's GetBlockScriptFlags. P2SH, WITNESS and TAPROOT apply to every block (they were
 * retroactively safe) except the listed exception blocks; DERSIG, CLTV, CSV and NULLDUMMY
 * apply from their buried activation heights (NULLDUMMY with segwit, BIP147).
 */
export function blockScriptFlags(
  height: number,
  hash: Uint8Array,
  params: ConsensusParams,
): number {
  let flags: number = ScriptFlags.P2SH | ScriptFlags.WITNESS | ScriptFlags.TAPROOT;
  const exception = params.scriptFlagExceptions.find((e) => equalBytes(e.hash, hash));
  if (exception) {
    flags = 0;
    for (const name of exception.flags) flags |= ScriptFlags[name];
  }
  if (height >= params.bip66Height) flags |= ScriptFlags.DERSIG;
  if (height >= params.bip65Height) flags |= ScriptFlags.CHECKLOCKTIMEVERIFY;
  if (height >= params.csvHeight) flags |= ScriptFlags.CHECKSEQUENCEVERIFY;
  if (height >= params.segwitHeight) flags |= ScriptFlags.NULLDUMMY;
  return flags;
}
