/**
 * Handshake patterns (Noise rev 34 §7). Only the patterns keel uses or tests are listed;
 * each is data, so adding one is a table entry.
 */
export type NoiseToken = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss';
export type PreMessageToken = 'e' | 's';

export interface HandshakePattern {
  readonly name: string;
  /** Pre-message public keys (§7.1): the initiator's, then the responder's. */
  readonly preInitiator: readonly PreMessageToken[];
  readonly preResponder: readonly PreMessageToken[];
  /** Message patterns, alternating initiator → responder, starting with the initiator. */
  readonly messages: readonly (readonly NoiseToken[])[];
}

/** NN: no static keys. */
export const PATTERN_NN: HandshakePattern = {
  name: 'NN',
  preInitiator: [],
  preResponder: [],
  messages: [['e'], ['e', 'ee']],
};

/** NX: the responder's static key is transmitted (Stratum V2's pattern). */
export const PATTERN_NX: HandshakePattern = {
  name: 'NX',
  preInitiator: [],
  preResponder: [],
  messages: [['e'], ['e', 'ee', 's', 'es']],
};

/** XX: both static keys are transmitted. */
export const PATTERN_XX: HandshakePattern = {
  name: 'XX',
  preInitiator: [],
  preResponder: [],
  messages: [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']],
};

/** NK: the responder's static key is known in advance (pre-message `<- s`). */
export const PATTERN_NK: HandshakePattern = {
  name: 'NK',
  preInitiator: [],
  preResponder: ['s'],
  messages: [
    ['e', 'es'],
    ['e', 'ee'],
  ],
};

/** IK: the responder's static key is pre-known; the initiator's is sent in message 1. */
export const PATTERN_IK: HandshakePattern = {
  name: 'IK',
  preInitiator: [],
  preResponder: ['s'],
  messages: [
    ['e', 'es', 's', 'ss'],
    ['e', 'ee', 'se'],
  ],
};

export const HANDSHAKE_PATTERNS: Readonly<Record<string, HandshakePattern>> = {
  NN: PATTERN_NN,
  NX: PATTERN_NX,
  XX: PATTERN_XX,
  NK: PATTERN_NK,
  IK: PATTERN_IK,
};
