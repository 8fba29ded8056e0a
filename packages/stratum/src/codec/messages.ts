/**
 * Every message of the Common, Mining, Job Declaration and Template Distribution protocols
 * (sv2-spec 03 §3.6, 05 §5.3, 06 §6.4, 07, and the type table in 08) as a schema: its
 * msg_type, the channel_msg bit from the 08 table, and its fields in wire order.
 * Field names are the spec's, in camelCase.
 */
import {
  B0_16M,
  B0_32,
  B0_64K,
  B0_255,
  BOOL,
  F32,
  OPTION,
  SEQ0_64K,
  SEQ0_255,
  STR0_255,
  type Sv2Type,
  type Sv2Value,
  U8,
  U16,
  U32,
  U64,
  U256,
} from './dataTypes.ts';

/** Extension type of the core protocols' messages. */
export const CORE_EXTENSION_TYPE = 0;
/** Extensions Negotiation (extensions/0x0001). */
export const EXTENSIONS_NEGOTIATION_EXTENSION_TYPE = 0x0001;

export interface MessageSchema {
  /** 0 for the core protocols; the extension's id for messages an extension defines (09). */
  readonly extensionType: number;
  readonly msgType: number;
  readonly channelMsg: boolean;
  readonly protocol:
    | 'common'
    | 'mining'
    | 'jobDeclaration'
    | 'templateDistribution'
    | 'extensionsNegotiation';
  readonly fields: Readonly<Record<string, Sv2Type>>;
}

function m<const F extends Record<string, Sv2Type>>(
  protocol: MessageSchema['protocol'],
  msgType: number,
  channelMsg: boolean,
  fields: F,
  extensionType = CORE_EXTENSION_TYPE,
): {
  readonly extensionType: number;
  readonly msgType: number;
  readonly channelMsg: boolean;
  readonly protocol: MessageSchema['protocol'];
  readonly fields: F;
} {
  return { extensionType, msgType, channelMsg, protocol, fields };
}

const openStandard = {
  requestId: U32,
  userIdentity: STR0_255,
  nominalHashRate: F32,
  maxTarget: U256,
} as const;
const submitStandard = {
  channelId: U32,
  sequenceNumber: U32,
  jobId: U32,
  nonce: U32,
  ntime: U32,
  version: U32,
} as const;

export const MESSAGES = {
  // Common (03 §3.6)
  SetupConnection: m('common', 0x00, false, {
    protocol: U8,
    minVersion: U16,
    maxVersion: U16,
    flags: U32,
    endpointHost: STR0_255,
    endpointPort: U16,
    vendor: STR0_255,
    hardwareVersion: STR0_255,
    firmware: STR0_255,
    deviceId: STR0_255,
  }),
  SetupConnectionSuccess: m('common', 0x01, false, { usedVersion: U16, flags: U32 }),
  SetupConnectionError: m('common', 0x02, false, { flags: U32, errorCode: STR0_255 }),
  ChannelEndpointChanged: m('common', 0x03, true, { channelId: U32 }),
  Reconnect: m('common', 0x04, false, { newHost: STR0_255, newPort: U16 }),
  // Mining (05 §5.3)
  OpenStandardMiningChannel: m('mining', 0x10, false, openStandard),
  OpenStandardMiningChannelSuccess: m('mining', 0x11, false, {
    requestId: U32,
    channelId: U32,
    target: U256,
    extranoncePrefix: B0_32,
    groupChannelId: U32,
  }),
  OpenMiningChannelError: m('mining', 0x12, false, { requestId: U32, errorCode: STR0_255 }),
  OpenExtendedMiningChannel: m('mining', 0x13, false, { ...openStandard, minExtranonceSize: U16 }),
  OpenExtendedMiningChannelSuccess: m('mining', 0x14, false, {
    requestId: U32,
    channelId: U32,
    target: U256,
    extranonceSize: U16,
    extranoncePrefix: B0_32,
    groupChannelId: U32,
  }),
  // 08 marks 0x15 with channel_msg 0, but the payload starts with channel_id as every channel
  // message does, and SRI sets the bit (CHANNEL_BIT_NEW_MINING_JOB = true): we send it set.
  // Decoding ignores the bit for known messages either way.
  NewMiningJob: m('mining', 0x15, true, {
    channelId: U32,
    jobId: U32,
    minNtime: OPTION(U32),
    version: U32,
    merkleRoot: U256,
  }),
  UpdateChannel: m('mining', 0x16, true, {
    channelId: U32,
    nominalHashRate: F32,
    maximumTarget: U256,
  }),
  UpdateChannelError: m('mining', 0x17, true, { channelId: U32, errorCode: STR0_255 }),
  CloseChannel: m('mining', 0x18, true, { channelId: U32, reasonCode: STR0_255 }),
  SetExtranoncePrefix: m('mining', 0x19, true, { channelId: U32, extranoncePrefix: B0_32 }),
  SubmitSharesStandard: m('mining', 0x1a, true, submitStandard),
  SubmitSharesExtended: m('mining', 0x1b, true, { ...submitStandard, extranonce: B0_32 }),
  SubmitSharesSuccess: m('mining', 0x1c, true, {
    channelId: U32,
    lastSequenceNumber: U32,
    newSubmitsAcceptedCount: U32,
    newSharesSum: U64,
  }),
  SubmitSharesError: m('mining', 0x1d, true, {
    channelId: U32,
    sequenceNumber: U32,
    errorCode: STR0_255,
  }),
  NewExtendedMiningJob: m('mining', 0x1f, true, {
    channelId: U32,
    jobId: U32,
    minNtime: OPTION(U32),
    version: U32,
    versionRollingAllowed: BOOL,
    merklePath: SEQ0_255(U256),
    coinbaseTxPrefix: B0_64K,
    coinbaseTxSuffix: B0_64K,
  }),
  SetNewPrevHash: m('mining', 0x20, true, {
    channelId: U32,
    jobId: U32,
    prevHash: U256,
    minNtime: U32,
    nbits: U32,
  }),
  SetTarget: m('mining', 0x21, true, { channelId: U32, maximumTarget: U256 }),
  SetCustomMiningJob: m('mining', 0x22, true, {
    channelId: U32,
    requestId: U32,
    miningJobToken: B0_255,
    version: U32,
    prevHash: U256,
    minNtime: U32,
    nbits: U32,
    coinbaseTxVersion: U32,
    coinbasePrefix: B0_255,
    coinbaseTxInputNSequence: U32,
    coinbaseTxOutputs: B0_64K,
    coinbaseTxLocktime: U32,
    merklePath: SEQ0_255(U256),
  }),
  SetCustomMiningJobSuccess: m('mining', 0x23, true, {
    channelId: U32,
    requestId: U32,
    jobId: U32,
  }),
  SetCustomMiningJobError: m('mining', 0x24, true, {
    channelId: U32,
    requestId: U32,
    errorCode: STR0_255,
  }),
  SetGroupChannel: m('mining', 0x25, false, {
    groupChannelId: U32,
    channelIds: SEQ0_64K(U32),
  }),
  // Job Declaration (06 §6.4; 08's table: the obsolete IdentifyTransactions 0x53/0x54 are gone)
  AllocateMiningJobToken: m('jobDeclaration', 0x50, false, {
    userIdentifier: STR0_255,
    requestId: U32,
  }),
  AllocateMiningJobTokenSuccess: m('jobDeclaration', 0x51, false, {
    requestId: U32,
    miningJobToken: B0_255,
    coinbaseTxOutputs: B0_64K,
  }),
  ProvideMissingTransactions: m('jobDeclaration', 0x55, false, {
    requestId: U32,
    unknownTxPositionList: SEQ0_64K(U16),
  }),
  ProvideMissingTransactionsSuccess: m('jobDeclaration', 0x56, false, {
    requestId: U32,
    transactionList: SEQ0_64K(B0_16M),
  }),
  DeclareMiningJob: m('jobDeclaration', 0x57, false, {
    requestId: U32,
    miningJobToken: B0_255,
    version: U32,
    coinbaseTxPrefix: B0_64K,
    coinbaseTxSuffix: B0_64K,
    wtxidList: SEQ0_64K(U256),
    excessData: B0_64K,
  }),
  DeclareMiningJobSuccess: m('jobDeclaration', 0x58, false, {
    requestId: U32,
    newMiningJobToken: B0_255,
  }),
  DeclareMiningJobError: m('jobDeclaration', 0x59, false, {
    requestId: U32,
    errorCode: STR0_255,
    errorDetails: B0_64K,
  }),
  /** 06 §6.4.9 / 08: PushSolution, channel_msg bit 0 (a connection message, no channel_id). */
  PushSolution: m('jobDeclaration', 0x60, false, {
    extranonce: B0_32,
    prevHash: U256,
    nonce: U32,
    ntime: U32,
    nbits: U32,
    version: U32,
  }),
  // Template Distribution (07)
  CoinbaseOutputConstraints: m('templateDistribution', 0x70, false, {
    coinbaseOutputMaxAdditionalSize: U32,
    coinbaseOutputMaxAdditionalSigops: U16,
  }),
  NewTemplate: m('templateDistribution', 0x71, false, {
    templateId: U64,
    futureTemplate: BOOL,
    version: U32,
    coinbaseTxVersion: U32,
    coinbasePrefix: B0_255,
    coinbaseTxInputSequence: U32,
    coinbaseTxValueRemaining: U64,
    coinbaseTxOutputsCount: U32,
    coinbaseTxOutputs: B0_64K,
    coinbaseTxLocktime: U32,
    merklePath: SEQ0_255(U256),
  }),
  /** The Template Distribution Protocol's SetNewPrevHash (0x72), distinct from mining's 0x20. */
  TdpSetNewPrevHash: m('templateDistribution', 0x72, false, {
    templateId: U64,
    prevHash: U256,
    headerTimestamp: U32,
    nBits: U32,
    target: U256,
  }),
  RequestTransactionData: m('templateDistribution', 0x73, false, { templateId: U64 }),
  RequestTransactionDataSuccess: m('templateDistribution', 0x74, false, {
    templateId: U64,
    excessData: B0_64K,
    transactionList: SEQ0_64K(B0_16M),
  }),
  RequestTransactionDataError: m('templateDistribution', 0x75, false, {
    templateId: U64,
    errorCode: STR0_255,
  }),
  SubmitSolution: m('templateDistribution', 0x76, false, {
    templateId: U64,
    version: U32,
    headerTimestamp: U32,
    headerNonce: U32,
    coinbaseTx: B0_64K,
  }),
  // Extensions Negotiation (extension 0x0001): extension_type 1, msg_type 0x00..0x02.
  RequestExtensions: m(
    'extensionsNegotiation',
    0x00,
    false,
    { requestId: U16, requestedExtensions: SEQ0_64K(U16) },
    EXTENSIONS_NEGOTIATION_EXTENSION_TYPE,
  ),
  RequestExtensionsSuccess: m(
    'extensionsNegotiation',
    0x01,
    false,
    { requestId: U16, supportedExtensions: SEQ0_64K(U16) },
    EXTENSIONS_NEGOTIATION_EXTENSION_TYPE,
  ),
  RequestExtensionsError: m(
    'extensionsNegotiation',
    0x02,
    false,
    { requestId: U16, unsupportedExtensions: SEQ0_64K(U16), requiredExtensions: SEQ0_64K(U16) },
    EXTENSIONS_NEGOTIATION_EXTENSION_TYPE,
  ),
} as const;

export type MessageName = keyof typeof MESSAGES;

/** The decoded fields of message `N`, e.g. `Sv2Payload<'SubmitSharesStandard'>`. */
export type Sv2Payload<N extends MessageName> = {
  -readonly [K in keyof (typeof MESSAGES)[N]['fields']]: Sv2Value<
    (typeof MESSAGES)[N]['fields'][K]
  >;
};

/**
 * A TLV field appended after a message's own fields by a negotiated extension (03 §3.4.3, 09):
 * type = extension_type U16 ‖ field_type U8, then length U16, then the value.
 */
export interface Sv2Tlv {
  readonly extensionType: number;
  readonly fieldType: number;
  readonly value: Uint8Array;
}

/** A decoded message: its name, its fields and any TLV fields. Switch on `type`. */
export type Sv2Message = {
  [N in MessageName]: {
    readonly type: N;
    readonly payload: Sv2Payload<N>;
    /** Present only when the message carried TLV fields (decoded with `tlv: true`). */
    readonly tlvs?: readonly Sv2Tlv[];
  };
}[MessageName];

/** Message type numbers by name (08-Message-Types.md). */
export const MessageType: { readonly [N in MessageName]: number } = Object.fromEntries(
  Object.entries(MESSAGES).map(([k, v]) => [k, v.msgType]),
) as { readonly [N in MessageName]: number };

const BY_TYPE = new Map<number, MessageName>(
  Object.entries(MESSAGES).map(([k, v]) => [v.extensionType * 256 + v.msgType, k as MessageName]),
);

/** The name of a known message, or undefined. The channel_msg bit is not part of the key. */
export function messageNameOf(extensionType: number, msgType: number): MessageName | undefined {
  return BY_TYPE.get((extensionType & 0x7fff) * 256 + msgType);
}

/** Mining SetupConnection flags (05 §5.3.1), bit positions as masks. */
export const MiningSetupFlags = {
  REQUIRES_STANDARD_JOBS: 1 << 0,
  REQUIRES_WORK_SELECTION: 1 << 1,
  REQUIRES_VERSION_ROLLING: 1 << 2,
} as const;
/** Mining SetupConnection.Success flags (05 §5.3.1). */
export const MiningSetupSuccessFlags = {
  REQUIRES_FIXED_VERSION: 1 << 0,
  REQUIRES_EXTENDED_CHANNELS: 1 << 1,
} as const;
/** Job Declaration SetupConnection flags (06 §6.4.1). */
export const JobDeclarationSetupFlags = { DECLARE_TX_DATA: 1 << 0 } as const;
/** SetupConnection.protocol values (03 §3.6.1). */
export const Sv2Protocol = {
  MINING: 0,
  JOB_DECLARATION: 1,
  TEMPLATE_DISTRIBUTION: 2,
  JOB_DISTRIBUTION: 3,
} as const;
