/**
 * Field-for-field maps between the Template Distribution Protocol messages and the
 * TemplateProvider interface (the interface keeps coinbase outputs as a list; the message
 * concatenates them and carries the count).
 */

import { concatBytes } from '@keel/util';
import type { Sv2Payload } from '../codec/messages.ts';
import { StratumError, StratumErrorCode } from '../errors.ts';
import type { NewTemplate, SetNewPrevHash, SubmitSolution } from '../templateProvider.ts';
import { splitOutputs } from './coinbase.ts';

export function templateFromMessage(m: Sv2Payload<'NewTemplate'>): NewTemplate {
  if (m.coinbaseTxOutputsCount > 10_000) {
    throw new StratumError(
      StratumErrorCode.MALFORMED,
      `coinbase_tx_outputs_count ${m.coinbaseTxOutputsCount} too large`,
    );
  }
  return {
    templateId: m.templateId,
    futureTemplate: m.futureTemplate,
    version: m.version,
    coinbaseTxVersion: m.coinbaseTxVersion,
    coinbasePrefix: m.coinbasePrefix,
    coinbaseTxInputSequence: m.coinbaseTxInputSequence,
    coinbaseTxValueRemaining: m.coinbaseTxValueRemaining,
    coinbaseTxOutputs: splitOutputs(m.coinbaseTxOutputs, m.coinbaseTxOutputsCount),
    coinbaseTxLocktime: m.coinbaseTxLocktime,
    merklePath: m.merklePath,
  };
}

export function templateToMessage(t: NewTemplate): Sv2Payload<'NewTemplate'> {
  return {
    templateId: t.templateId,
    futureTemplate: t.futureTemplate,
    version: t.version >>> 0,
    coinbaseTxVersion: t.coinbaseTxVersion >>> 0,
    coinbasePrefix: t.coinbasePrefix,
    coinbaseTxInputSequence: t.coinbaseTxInputSequence >>> 0,
    coinbaseTxValueRemaining: t.coinbaseTxValueRemaining,
    coinbaseTxOutputsCount: t.coinbaseTxOutputs.length,
    coinbaseTxOutputs: concatBytes(...t.coinbaseTxOutputs),
    coinbaseTxLocktime: t.coinbaseTxLocktime >>> 0,
    merklePath: t.merklePath,
  };
}

export function prevHashFromMessage(m: Sv2Payload<'TdpSetNewPrevHash'>): SetNewPrevHash {
  return {
    templateId: m.templateId,
    prevHash: m.prevHash,
    headerTimestamp: m.headerTimestamp,
    nBits: m.nBits,
    target: m.target,
  };
}

export function prevHashToMessage(p: SetNewPrevHash): Sv2Payload<'TdpSetNewPrevHash'> {
  return {
    templateId: p.templateId,
    prevHash: p.prevHash,
    headerTimestamp: p.headerTimestamp >>> 0,
    nBits: p.nBits >>> 0,
    target: p.target,
  };
}

export function solutionToMessage(s: SubmitSolution): Sv2Payload<'SubmitSolution'> {
  return {
    templateId: s.templateId,
    version: s.version >>> 0,
    headerTimestamp: s.headerTimestamp >>> 0,
    headerNonce: s.headerNonce >>> 0,
    coinbaseTx: s.coinbaseTx,
  };
}

export function solutionFromMessage(m: Sv2Payload<'SubmitSolution'>): SubmitSolution {
  return {
    templateId: m.templateId,
    version: m.version,
    headerTimestamp: m.headerTimestamp,
    headerNonce: m.headerNonce,
    coinbaseTx: m.coinbaseTx,
  };
}
