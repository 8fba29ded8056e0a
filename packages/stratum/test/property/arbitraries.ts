// fast-check arbitraries for SV2 values and messages, built from the same schema table the
// codec uses (so every message and every field is covered), but generating values on their own.
import fc from 'fast-check';
import { MESSAGES, type MessageName, type Sv2Message, type Sv2Type } from '../../src/index.ts';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

export function arbValue(t: Sv2Type, small = true): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'U8':
      return fc.integer({ min: 0, max: 0xff });
    case 'U16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'U24':
      return fc.integer({ min: 0, max: 0xffffff });
    case 'U32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'U64':
      return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    case 'BOOL':
      return fc.boolean();
    case 'F32':
      return fc.float({ noNaN: true });
    case 'STR0_255':
      // Strings whose UTF-8 form fits 255 bytes.
      return fc
        .string({ maxLength: 60, unit: 'grapheme' })
        .filter((s) => new TextEncoder().encode(s).length <= 255);
    case 'B0_32':
      return bytes(0, 32);
    case 'B0_255':
      return bytes(0, 255);
    case 'B0_64K':
      return bytes(0, small ? 300 : 0xffff);
    case 'B0_16M':
      return bytes(0, small ? 300 : 70000);
    case 'BYTES':
      return bytes(0, 300);
    case 'U256':
    case 'PUBKEY':
      return bytes(32, 32);
    case 'SIGNATURE':
      return bytes(64, 64);
    case 'SHORT_TX_ID':
      return bytes(6, 6);
    case 'OPTION':
      return fc.option(arbValue(t.of, small), { nil: undefined });
    case 'SEQ0_255':
      return fc.array(arbValue(t.of, small), { maxLength: small ? 12 : 255 });
    case 'SEQ0_64K':
      return fc.array(arbValue(t.of, small), { maxLength: small ? 12 : 400 });
  }
}

export function arbPayload(name: MessageName): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, t] of Object.entries(MESSAGES[name].fields)) rec[k] = arbValue(t);
  return fc.record(rec, { noNullPrototype: true });
}

export const MESSAGE_NAMES = Object.keys(MESSAGES) as MessageName[];

export const arbMessage: fc.Arbitrary<Sv2Message> = fc
  .constantFrom(...MESSAGE_NAMES)
  .chain((name) => arbPayload(name).map((payload) => ({ type: name, payload }) as Sv2Message));
